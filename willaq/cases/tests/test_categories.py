"""Institution admins extend the shared categories with their own (domain.md §2): the services,
the categories page with its personas, and the case form and dashboard that use the result."""

from typing import Any, cast

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.cases import selectors
from willaq.cases.categories import (
    create_institution_category,
    set_institution_category_active,
    update_institution_category,
)
from willaq.cases.choices import CategoryKind
from willaq.cases.forms import CaseForm
from willaq.cases.models import Case, Category
from willaq.testing.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def shared(kind: str, code: str) -> Category:
    return Category.objects.get(kind=kind, code=code, institution=None)


def new_typology(
    user: User, institution: Institution, name: str = "Uso del agua de riego", **kwargs: Any
) -> Category:
    kwargs.setdefault("maps_to", shared(CategoryKind.TYPOLOGY, "socioambiental"))
    return create_institution_category(
        user, institution, kind=CategoryKind.TYPOLOGY, name=name, **kwargs
    )


def field_errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- creating --------------------------------------------------------------------------------


def test_admin_adds_a_typology_that_counts_as_a_shared_one(
    inst_admin: User, owner_institution: Institution
) -> None:
    target = shared(CategoryKind.TYPOLOGY, "socioambiental")
    category = new_typology(inst_admin, owner_institution, name="  Uso del  agua de riego ")

    assert category.institution == owner_institution
    assert category.kind == CategoryKind.TYPOLOGY
    assert category.name == "Uso del agua de riego"
    assert category.code == "uso-del-agua-de-riego"  # made from the name
    assert category.maps_to == target
    assert category.shared == target
    assert category.parent is None
    assert category.is_active
    assert category.sort_order == target.sort_order  # listed beside its shared category

    log = AuditLog.objects.get(event_type=AuditEvent.CATEGORY_CREATED)
    assert log.acting_user == inst_admin
    assert log.institution == owner_institution
    assert log.target_type == "cases.category"
    assert log.diff["kind"] == "typology"
    assert log.diff["code"] == "uso-del-agua-de-riego"
    assert log.diff["maps_to"] == "socioambiental"


def test_a_given_code_is_kept_lowercased(inst_admin: User, owner_institution: Institution) -> None:
    category = new_typology(inst_admin, owner_institution, code=" Riego_2026 ")
    assert category.code == "riego_2026"


@pytest.mark.parametrize("code", ["riego agua", "riego/agua", "ríego"])
def test_a_code_must_be_a_slug(inst_admin: User, owner_institution: Institution, code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        new_typology(inst_admin, owner_institution, code=code)
    assert "code" in field_errors(exc)
    assert not Category.objects.filter(institution=owner_institution).exists()


def test_a_name_without_letters_needs_a_code(
    inst_admin: User, owner_institution: Institution
) -> None:
    with pytest.raises(ValidationError) as exc:
        new_typology(inst_admin, owner_institution, name="¡¿…?!")
    assert "escriba uno" in field_errors(exc)["code"][0]


def test_the_name_is_required(inst_admin: User, owner_institution: Institution) -> None:
    with pytest.raises(ValidationError) as exc:
        new_typology(inst_admin, owner_institution, name="   ")
    assert set(field_errors(exc)) == {"name"}


def test_maps_to_is_required(inst_admin: User, owner_institution: Institution) -> None:
    with pytest.raises(ValidationError) as exc:
        new_typology(inst_admin, owner_institution, maps_to=None)
    assert "compartida" in field_errors(exc)["maps_to"][0]
    assert not AuditLog.objects.filter(event_type=AuditEvent.CATEGORY_CREATED).exists()


def test_maps_to_must_be_shared(inst_admin: User, owner_institution: Institution) -> None:
    own = new_typology(inst_admin, owner_institution)
    with pytest.raises(ValidationError) as exc:
        new_typology(inst_admin, owner_institution, name="Riego tecnificado", maps_to=own)
    assert "no a una de una institución" in field_errors(exc)["maps_to"][0]


def test_maps_to_must_be_of_the_same_kind(inst_admin: User, owner_institution: Institution) -> None:
    with pytest.raises(ValidationError) as exc:
        new_typology(inst_admin, owner_institution, maps_to=shared(CategoryKind.SUBTYPE, "agua"))
    assert "misma clase (tipología)" in field_errors(exc)["maps_to"][0]


def test_maps_to_may_not_be_a_retired_shared_category(
    inst_admin: User, owner_institution: Institution
) -> None:
    retired = shared(CategoryKind.TYPOLOGY, "electoral")
    retired.is_active = False
    retired.save()
    with pytest.raises(ValidationError) as exc:
        new_typology(inst_admin, owner_institution, maps_to=retired)
    assert "maps_to" in field_errors(exc)


def test_an_unknown_kind_is_a_field_error(inst_admin: User, owner_institution: Institution) -> None:
    with pytest.raises(ValidationError) as exc:
        create_institution_category(
            inst_admin,
            owner_institution,
            kind="colour",
            name="Azul",
            maps_to=shared(CategoryKind.TYPOLOGY, "comunal"),
        )
    assert set(field_errors(exc)) == {"kind"}


def test_a_subtype_belongs_by_default_to_the_typology_of_its_shared_subtype(
    inst_admin: User, owner_institution: Institution
) -> None:
    subtype = create_institution_category(
        inst_admin,
        owner_institution,
        kind=CategoryKind.SUBTYPE,
        name="Minería artesanal",
        maps_to=shared(CategoryKind.SUBTYPE, "mineria"),
    )
    assert subtype.parent == shared(CategoryKind.TYPOLOGY, "socioambiental")
    assert subtype.code == "mineria-artesanal"


def test_a_subtype_may_belong_to_an_own_typology_that_counts_as_the_right_one(
    inst_admin: User, owner_institution: Institution
) -> None:
    own_typology = new_typology(inst_admin, owner_institution)  # counts as socioambiental
    subtype = create_institution_category(
        inst_admin,
        owner_institution,
        kind=CategoryKind.SUBTYPE,
        name="Canales de riego",
        maps_to=shared(CategoryKind.SUBTYPE, "agua"),
        parent=own_typology,
    )
    assert subtype.parent == own_typology
    assert AuditLog.objects.filter(event_type=AuditEvent.CATEGORY_CREATED).count() == 2


@pytest.mark.parametrize(
    ("kind", "code"), [(CategoryKind.SUBTYPE, "energia"), (CategoryKind.SECTOR, "ana")]
)
def test_a_subtype_parent_must_be_a_typology(
    inst_admin: User, owner_institution: Institution, kind: str, code: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        create_institution_category(
            inst_admin,
            owner_institution,
            kind=CategoryKind.SUBTYPE,
            name="Canales de riego",
            maps_to=shared(CategoryKind.SUBTYPE, "agua"),
            parent=shared(kind, code),
        )
    assert field_errors(exc)["parent"] == ["Un subtipo pertenece a una tipología."]


def test_a_subtype_parent_may_not_be_another_institutions_typology(
    inst_admin: User,
    other_admin: User,
    owner_institution: Institution,
    other_institution: Institution,
) -> None:
    theirs = new_typology(other_admin, other_institution)
    with pytest.raises(ValidationError) as exc:
        create_institution_category(
            inst_admin,
            owner_institution,
            kind=CategoryKind.SUBTYPE,
            name="Canales de riego",
            maps_to=shared(CategoryKind.SUBTYPE, "agua"),
            parent=theirs,
        )
    assert "otra institución" in field_errors(exc)["parent"][0]


def test_a_subtype_parent_must_agree_with_its_shared_subtype(
    inst_admin: User, owner_institution: Institution
) -> None:
    with pytest.raises(ValidationError) as exc:
        create_institution_category(
            inst_admin,
            owner_institution,
            kind=CategoryKind.SUBTYPE,
            name="Canales de riego",
            maps_to=shared(CategoryKind.SUBTYPE, "agua"),
            parent=shared(CategoryKind.TYPOLOGY, "laboral"),
        )
    assert "«Agua» es un subtipo de «Socioambiental»" in field_errors(exc)["parent"][0]


def test_only_subtypes_have_a_parent(inst_admin: User, owner_institution: Institution) -> None:
    with pytest.raises(ValidationError) as exc:
        new_typology(inst_admin, owner_institution, parent=shared(CategoryKind.TYPOLOGY, "comunal"))
    assert set(field_errors(exc)) == {"parent"}


def test_a_code_clash_in_the_institution_and_kind_is_a_field_error(
    inst_admin: User, owner_institution: Institution
) -> None:
    new_typology(inst_admin, owner_institution, code="riego")
    with pytest.raises(ValidationError) as exc:
        new_typology(inst_admin, owner_institution, name="Otra cosa", code="riego")
    assert field_errors(exc)["code"] == ["Ya existe una tipología con el código «riego»."]
    assert Category.objects.filter(institution=owner_institution).count() == 1


def test_a_code_may_repeat_in_another_kind_or_institution(
    inst_admin: User,
    other_admin: User,
    owner_institution: Institution,
    other_institution: Institution,
) -> None:
    new_typology(inst_admin, owner_institution, code="riego")
    sector = create_institution_category(
        inst_admin,
        owner_institution,
        kind=CategoryKind.SECTOR,
        name="Riego",
        code="riego",
        maps_to=shared(CategoryKind.SECTOR, "midagri"),
    )
    theirs = new_typology(other_admin, other_institution, code="riego")
    assert sector.code == theirs.code == "riego"


def test_a_sector_mapped_to_a_typology_is_refused_with_the_kind_named(
    inst_admin: User, owner_institution: Institution
) -> None:
    with pytest.raises(ValidationError) as exc:
        create_institution_category(
            inst_admin,
            owner_institution,
            kind=CategoryKind.SECTOR,
            name="Riego",
            maps_to=shared(CategoryKind.TYPOLOGY, "comunal"),
        )
    assert "misma clase (sector del Estado)" in field_errors(exc)["maps_to"][0]


def test_a_sector_code_clash_reads_in_good_spanish(
    inst_admin: User, owner_institution: Institution
) -> None:
    with pytest.raises(ValidationError) as exc:
        create_institution_category(
            inst_admin,
            owner_institution,
            kind=CategoryKind.SECTOR,
            name="Autoridad del agua",
            code="ana",
            maps_to=shared(CategoryKind.SECTOR, "ana"),
        )
    assert field_errors(exc)["code"] == ["Ya existe un sector con el código «ana»."]


def test_a_shared_code_of_the_same_kind_is_refused(
    inst_admin: User, owner_institution: Institution
) -> None:
    # Cases and the API find categories by code among the shared and the institution's own.
    with pytest.raises(ValidationError) as exc:
        new_typology(inst_admin, owner_institution, name="Socioambiental")
    assert "socioambiental" in field_errors(exc)["code"][0]


@pytest.mark.parametrize("persona", ["analyst", "coordinator", "other_admin", "anonymous"])
def test_only_the_institutions_admins_add_categories(
    request: pytest.FixtureRequest, owner_institution: Institution, persona: str
) -> None:
    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        new_typology(user, owner_institution)
    assert not Category.objects.filter(institution=owner_institution).exists()
    assert not AuditLog.objects.filter(event_type=AuditEvent.CATEGORY_CREATED).exists()


def test_a_superuser_may_add_categories(owner_institution: Institution) -> None:
    root = cast(User, UserFactory(is_superuser=True, is_staff=True))
    assert new_typology(root, owner_institution).institution == owner_institution


# --- changing --------------------------------------------------------------------------------


def test_admin_renames_and_remaps_with_an_audited_diff(
    inst_admin: User, owner_institution: Institution
) -> None:
    category = new_typology(inst_admin, owner_institution)
    updated = update_institution_category(
        inst_admin,
        category,
        name="Agua para riego",
        maps_to=shared(CategoryKind.TYPOLOGY, "comunal"),
        parent=None,
        is_active=True,
    )
    assert updated.name == "Agua para riego"
    assert updated.maps_to == shared(CategoryKind.TYPOLOGY, "comunal")
    assert updated.code == "uso-del-agua-de-riego"  # codes never change
    log = AuditLog.objects.get(event_type=AuditEvent.CATEGORY_CHANGED)
    assert log.acting_user == inst_admin
    assert log.institution == owner_institution
    assert log.diff["name"] == ["Uso del agua de riego", "Agua para riego"]
    assert log.diff["maps_to"] == ["socioambiental", "comunal"]
    assert "is_active" not in log.diff


def test_saving_without_changes_writes_no_audit(
    inst_admin: User, owner_institution: Institution
) -> None:
    category = new_typology(inst_admin, owner_institution)
    update_institution_category(
        inst_admin,
        category,
        name=category.name,
        maps_to=category.maps_to,
        parent=None,
        is_active=True,
    )
    assert not AuditLog.objects.filter(event_type=AuditEvent.CATEGORY_CHANGED).exists()


@pytest.mark.parametrize(
    ("name", "maps_to_kind", "maps_to_code", "field"),
    [
        ("", CategoryKind.TYPOLOGY, "comunal", "name"),
        ("Agua para riego", CategoryKind.SECTOR, "ana", "maps_to"),
    ],
)
def test_an_update_validates_like_a_creation(
    inst_admin: User,
    owner_institution: Institution,
    name: str,
    maps_to_kind: str,
    maps_to_code: str,
    field: str,
) -> None:
    category = new_typology(inst_admin, owner_institution)
    with pytest.raises(ValidationError) as exc:
        update_institution_category(
            inst_admin,
            category,
            name=name,
            maps_to=shared(maps_to_kind, maps_to_code),
            parent=None,
            is_active=True,
        )
    assert set(field_errors(exc)) == {field}
    category.refresh_from_db()
    assert category.name == "Uso del agua de riego"
    assert category.maps_to == shared(CategoryKind.TYPOLOGY, "socioambiental")
    assert not AuditLog.objects.filter(event_type=AuditEvent.CATEGORY_CHANGED).exists()


def test_deactivating_keeps_the_cases_that_use_it(
    inst_admin: User, analyst: User, owner_institution: Institution
) -> None:
    category = new_typology(inst_admin, owner_institution)
    case = cast(Case, CaseFactory(institution=owner_institution, typology=category))
    set_institution_category_active(inst_admin, category, is_active=False)

    case.refresh_from_db()
    assert case.typology == category
    assert not Category.objects.get(pk=category.pk).is_active
    assert category not in CaseForm(user=analyst).fields["typology"].queryset  # type: ignore[attr-defined]
    log = AuditLog.objects.get(event_type=AuditEvent.CATEGORY_CHANGED)
    assert log.diff["is_active"] == [True, False]

    set_institution_category_active(inst_admin, category, is_active=True)
    assert category in CaseForm(user=analyst).fields["typology"].queryset  # type: ignore[attr-defined]


def test_a_subtype_under_a_deactivated_typology_can_still_be_deactivated(
    inst_admin: User, owner_institution: Institution
) -> None:
    typology = new_typology(inst_admin, owner_institution)
    subtype = create_institution_category(
        inst_admin,
        owner_institution,
        kind=CategoryKind.SUBTYPE,
        name="Canales de riego",
        maps_to=shared(CategoryKind.SUBTYPE, "agua"),
        parent=typology,
    )
    set_institution_category_active(inst_admin, typology, is_active=False)
    set_institution_category_active(inst_admin, subtype, is_active=False)
    assert not Category.objects.get(pk=subtype.pk).is_active
    # But it cannot be moved under a deactivated typology it was not in.
    other = create_institution_category(
        inst_admin,
        owner_institution,
        kind=CategoryKind.SUBTYPE,
        name="Pozos",
        maps_to=shared(CategoryKind.SUBTYPE, "agua"),
    )
    with pytest.raises(ValidationError) as exc:
        update_institution_category(
            inst_admin, other, name="Pozos", maps_to=other.maps_to, parent=typology, is_active=True
        )
    assert "desactivada" in field_errors(exc)["parent"][0]


def test_a_typology_cannot_be_remapped_away_from_its_subtypes(
    inst_admin: User, owner_institution: Institution
) -> None:
    typology = new_typology(inst_admin, owner_institution)
    create_institution_category(
        inst_admin,
        owner_institution,
        kind=CategoryKind.SUBTYPE,
        name="Canales de riego",
        maps_to=shared(CategoryKind.SUBTYPE, "agua"),
        parent=typology,
    )
    with pytest.raises(ValidationError) as exc:
        update_institution_category(
            inst_admin,
            typology,
            name=typology.name,
            maps_to=shared(CategoryKind.TYPOLOGY, "laboral"),
            parent=None,
            is_active=True,
        )
    assert "«Canales de riego»" in field_errors(exc)["maps_to"][0]


def test_shared_categories_are_not_editable_here(inst_admin: User) -> None:
    category = shared(CategoryKind.TYPOLOGY, "laboral")
    with pytest.raises(PermissionDenied):
        set_institution_category_active(inst_admin, category, is_active=False)
    root = cast(User, UserFactory(is_superuser=True))
    with pytest.raises(PermissionDenied):
        set_institution_category_active(root, category, is_active=False)
    assert Category.objects.get(pk=category.pk).is_active


def test_another_institutions_admin_cannot_change_a_category(
    inst_admin: User, other_admin: User, owner_institution: Institution
) -> None:
    category = new_typology(inst_admin, owner_institution)
    with pytest.raises(PermissionDenied):
        set_institution_category_active(other_admin, category, is_active=False)
    assert Category.objects.get(pk=category.pk).is_active


# --- where the categories are used -----------------------------------------------------------


def test_a_new_typology_is_offered_in_its_institutions_case_form_only(
    inst_admin: User, analyst: User, outsider: User, owner_institution: Institution
) -> None:
    category = new_typology(inst_admin, owner_institution)
    mine = CaseForm(user=analyst).fields["typology"].queryset  # type: ignore[attr-defined]
    theirs = CaseForm(user=outsider).fields["typology"].queryset  # type: ignore[attr-defined]
    assert category in mine
    assert shared(CategoryKind.TYPOLOGY, "socioambiental") in mine
    assert category not in theirs
    assert shared(CategoryKind.TYPOLOGY, "socioambiental") in theirs


def test_the_case_form_page_lists_the_new_typology_for_its_institution(
    inst_admin: User,
    owner_institution: Institution,
    analyst_client: Client,
    outsider_client: Client,
) -> None:
    new_typology(inst_admin, owner_institution)
    assert "Uso del agua de riego" in analyst_client.get(reverse("cases:create")).content.decode()
    assert "Uso del agua de riego" not in (
        outsider_client.get(reverse("cases:create")).content.decode()
    )


def test_the_dashboard_counts_an_own_typology_under_its_shared_one(
    inst_admin: User, analyst: User, owner_institution: Institution
) -> None:
    category = new_typology(inst_admin, owner_institution)
    CaseFactory(institution=owner_institution, typology=category)
    CaseFactory(institution=owner_institution)  # shared socioambiental
    rows = {row.key: row.count for row in selectors.dashboard(analyst).by_typology}
    assert rows == {"socioambiental": 2}


# --- the page: personas ----------------------------------------------------------------------


def page_url(slug: str = "defensoria") -> str:
    return reverse("cases:categories", kwargs={"slug": slug})


def create_url(kind_slug: str = "tipologias", slug: str = "defensoria") -> str:
    return reverse("cases:category_create", kwargs={"slug": slug, "kind_slug": kind_slug})


def edit_url(code: str, kind_slug: str = "tipologias", slug: str = "defensoria") -> str:
    return reverse(
        "cases:category_edit", kwargs={"slug": slug, "kind_slug": kind_slug, "code": code}
    )


def active_url(code: str, kind_slug: str = "tipologias", slug: str = "defensoria") -> str:
    return reverse(
        "cases:category_set_active", kwargs={"slug": slug, "kind_slug": kind_slug, "code": code}
    )


TYPOLOGY_POST = {
    "tipologias-name": "Uso del agua de riego",
    "tipologias-code": "",
    "tipologias-maps_to": "socioambiental",
}


def test_admin_sees_shared_and_own_categories_with_counts(
    admin_client: Client,
    inst_admin: User,
    other_admin: User,
    owner_institution: Institution,
    other_institution: Institution,
) -> None:
    new_typology(inst_admin, owner_institution)
    new_typology(inst_admin, owner_institution, name="Riego tecnificado")
    new_typology(other_admin, other_institution, name="Minería de ellos")
    response = admin_client.get(page_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Categorías de Defensoría del Pueblo" in body
    assert "Asuntos de gobierno local" in body  # shared, read-only
    assert "Uso del agua de riego" in body
    assert "Riego tecnificado" in body
    assert "Minería de ellos" not in body
    sections = response.context["sections"]
    typologies = next(s for s in sections if s.kind == CategoryKind.TYPOLOGY)
    counts = {row.category.code: row.mapped for row in typologies.block.shared}
    assert counts["socioambiental"] == 2  # the other institution's one is not counted
    assert counts["laboral"] == 0
    assert [c.name for c in typologies.block.own] == ["Riego tecnificado", "Uso del agua de riego"]
    assert edit_url("uso-del-agua-de-riego") in body


def test_anonymous_is_sent_to_login(anon_client: Client, owner_institution: Institution) -> None:
    for response in (
        anon_client.get(page_url()),
        anon_client.post(create_url(), TYPOLOGY_POST),
        anon_client.get(edit_url("x")),
        anon_client.post(active_url("x"), {"active": "0"}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert not Category.objects.filter(institution=owner_institution).exists()


def test_analyst_of_the_institution_is_forbidden(
    analyst_client: Client, inst_admin: User, owner_institution: Institution
) -> None:
    category = new_typology(inst_admin, owner_institution)
    assert analyst_client.get(page_url()).status_code == 403
    assert (
        analyst_client.post(create_url(), TYPOLOGY_POST | {"tipologias-code": "x"}).status_code
        == 403
    )
    assert analyst_client.get(edit_url(category.code)).status_code == 403
    response = analyst_client.post(edit_url(category.code), {"name": "Otro", "maps_to": "laboral"})
    assert response.status_code == 403
    assert analyst_client.post(active_url(category.code), {"active": "0"}).status_code == 403
    category.refresh_from_db()
    assert category.name == "Uso del agua de riego"
    assert category.is_active
    assert Category.objects.filter(institution=owner_institution).count() == 1


def test_admin_of_another_institution_gets_not_found(
    other_admin_client: Client, inst_admin: User, owner_institution: Institution
) -> None:
    category = new_typology(inst_admin, owner_institution)
    assert other_admin_client.get(page_url()).status_code == 404
    assert other_admin_client.post(create_url(), TYPOLOGY_POST).status_code == 404
    assert other_admin_client.get(edit_url(category.code)).status_code == 404
    assert other_admin_client.post(active_url(category.code), {"active": "0"}).status_code == 404
    assert Category.objects.get(pk=category.pk).is_active
    assert Category.objects.filter(institution=owner_institution).count() == 1


def test_outsider_analyst_gets_not_found(
    outsider_client: Client, owner_institution: Institution
) -> None:
    assert outsider_client.get(page_url()).status_code == 404


def test_another_institutions_category_is_not_found_through_ones_own_page(
    admin_client: Client, other_admin: User, other_institution: Institution
) -> None:
    theirs = new_typology(other_admin, other_institution)
    assert admin_client.get(edit_url(theirs.code)).status_code == 404
    assert admin_client.post(active_url(theirs.code), {"active": "0"}).status_code == 404
    assert Category.objects.get(pk=theirs.pk).is_active


def test_shared_categories_have_no_edit_page(admin_client: Client) -> None:
    assert admin_client.get(edit_url("socioambiental")).status_code == 404
    assert admin_client.post(active_url("socioambiental"), {"active": "0"}).status_code == 404
    assert shared(CategoryKind.TYPOLOGY, "socioambiental").is_active


def test_an_unknown_kind_is_not_found(admin_client: Client) -> None:
    assert admin_client.post(create_url("colores"), TYPOLOGY_POST).status_code == 404


# --- the page: changes -----------------------------------------------------------------------


def test_admin_adds_a_typology_from_the_page(
    admin_client: Client, owner_institution: Institution
) -> None:
    response = admin_client.post(create_url(), TYPOLOGY_POST)
    assert response.status_code == 302
    assert response["Location"] == page_url() + "#tipologias"
    category = Category.objects.get(institution=owner_institution)
    assert category.code == "uso-del-agua-de-riego"
    assert category.maps_to == shared(CategoryKind.TYPOLOGY, "socioambiental")
    page = admin_client.get(response["Location"]).content.decode()
    assert "Se añadió «Uso del agua de riego», que cuenta como «Socioambiental»." in page


def test_admin_adds_a_subtype_under_an_own_typology(
    admin_client: Client, inst_admin: User, owner_institution: Institution
) -> None:
    typology = new_typology(inst_admin, owner_institution)
    response = admin_client.post(
        create_url("subtipos"),
        {
            "subtipos-name": "Canales de riego",
            "subtipos-maps_to": "agua",
            "subtipos-parent": typology.code,
        },
    )
    assert response.status_code == 302
    subtype = Category.objects.get(institution=owner_institution, kind=CategoryKind.SUBTYPE)
    assert subtype.parent == typology


def test_the_add_form_shows_service_errors_next_to_the_field(
    admin_client: Client, inst_admin: User, owner_institution: Institution
) -> None:
    new_typology(inst_admin, owner_institution)
    response = admin_client.post(create_url(), TYPOLOGY_POST)
    assert response.status_code == 400
    section = next(s for s in response.context["sections"] if s.kind == CategoryKind.TYPOLOGY)
    assert section.add_form.errors["code"] == [
        "Ya existe una tipología con el código «uso-del-agua-de-riego»."
    ]
    assert "Revise los campos marcados." in response.content.decode()
    assert Category.objects.filter(institution=owner_institution).count() == 1


def test_the_add_form_requires_the_shared_equivalent(admin_client: Client) -> None:
    response = admin_client.post(create_url(), TYPOLOGY_POST | {"tipologias-maps_to": ""})
    assert response.status_code == 400
    section = next(s for s in response.context["sections"] if s.kind == CategoryKind.TYPOLOGY)
    assert "maps_to" in section.add_form.errors


def test_the_add_form_offers_only_shared_categories_of_its_kind(admin_client: Client) -> None:
    response = admin_client.post(create_url(), TYPOLOGY_POST | {"tipologias-maps_to": "agua"})
    assert response.status_code == 400  # "agua" is a subtype, not a typology


def test_admin_edits_a_category(
    admin_client: Client, inst_admin: User, owner_institution: Institution
) -> None:
    category = new_typology(inst_admin, owner_institution)
    page = admin_client.get(edit_url(category.code))
    assert page.status_code == 200
    assert 'value="Uso del agua de riego"' in page.content.decode()
    response = admin_client.post(
        edit_url(category.code), {"name": "Agua para riego", "maps_to": "comunal"}
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.name == "Agua para riego"
    assert category.maps_to == shared(CategoryKind.TYPOLOGY, "comunal")
    assert not category.is_active  # the checkbox was left unticked


def test_a_category_keeps_a_shared_equivalent_retired_after_it_was_chosen(
    admin_client: Client, inst_admin: User, owner_institution: Institution
) -> None:
    category = new_typology(inst_admin, owner_institution, maps_to=shared("typology", "electoral"))
    Category.objects.filter(pk=category.maps_to_id).update(is_active=False)
    page = admin_client.get(edit_url(category.code)).content.decode()
    assert '<option value="electoral" selected>' in page
    response = admin_client.post(
        edit_url(category.code), {"name": "Riego", "maps_to": "electoral", "is_active": "on"}
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.name == "Riego"
    assert category.maps_to == shared(CategoryKind.TYPOLOGY, "electoral")
    # Another category cannot choose it any more.
    response = admin_client.post(create_url(), TYPOLOGY_POST | {"tipologias-maps_to": "electoral"})
    assert response.status_code == 400


def test_the_edit_form_shows_errors(
    admin_client: Client, inst_admin: User, owner_institution: Institution
) -> None:
    category = new_typology(inst_admin, owner_institution)
    response = admin_client.post(edit_url(category.code), {"name": "", "maps_to": "comunal"})
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    category.refresh_from_db()
    assert category.name == "Uso del agua de riego"


def test_admin_deactivates_and_reactivates_from_the_list(
    admin_client: Client, inst_admin: User, owner_institution: Institution
) -> None:
    category = new_typology(inst_admin, owner_institution)
    response = admin_client.post(active_url(category.code), {"active": "0"})
    assert response.status_code == 302
    assert not Category.objects.get(pk=category.pk).is_active
    body = admin_client.get(page_url()).content.decode()
    assert "ya no se ofrece al registrar casos" in body
    assert "Reactivar" in body
    admin_client.post(active_url(category.code), {"active": "1"})
    assert Category.objects.get(pk=category.pk).is_active
    assert admin_client.post(active_url(category.code), {"active": "tal vez"}).status_code == 302
    assert Category.objects.get(pk=category.pk).is_active


def test_get_is_not_allowed_on_the_change_endpoints(admin_client: Client) -> None:
    assert admin_client.get(create_url()).status_code == 405


def test_profile_links_to_the_categories_of_administered_institutions(
    admin_client: Client, analyst_client: Client
) -> None:
    assert page_url() in admin_client.get(reverse("accounts:profile")).content.decode()
    assert page_url() not in analyst_client.get(reverse("accounts:profile")).content.decode()

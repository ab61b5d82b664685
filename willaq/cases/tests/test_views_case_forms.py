"""Creating and editing a case, its workflow transitions and its phase, through the web pages."""

import datetime as dt
from typing import Any, cast

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import Institution, Role, User
from willaq.cases import services
from willaq.cases.choices import CaseState, CategoryKind, Phase
from willaq.cases.models import Case, Category
from willaq.testing.factories import CaseFactory, member, shared_category

pytestmark = pytest.mark.django_db


def new_case(**kwargs: Any) -> Case:
    return cast(Case, CaseFactory(**kwargs))


CREATE = reverse("cases:create")


def edit_url(case: Case) -> str:
    return reverse("cases:edit", kwargs={"case_uuid": case.uuid})


def transition_url(case: Case) -> str:
    return reverse("cases:transition", kwargs={"case_uuid": case.uuid})


def phase_url(case: Case) -> str:
    return reverse("cases:phase", kwargs={"case_uuid": case.uuid})


def case_post(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Bloqueo por el agua de Huaraz",
        "description": "Las juntas de usuarios reclaman el caudal del río.",
        "start_date": "2025-04-02",
        "typology": shared_category(CategoryKind.TYPOLOGY, "socioambiental").pk,
        "subtype": Category.objects.get(kind=CategoryKind.SUBTYPE, code="agua").pk,
        "sectors": [Category.objects.get(kind=CategoryKind.SECTOR, code="ana").pk],
        "competent_authority": "regional",
        "confidential_fields": ["description"],
        "place0_department": "020000",
        "place0_province": "020100",
        "place0_district": "020101",
        "place1_department": "150000",
        "place1_province": "",
        "place1_district": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft(analyst: User, owner_institution: Institution) -> Case:
    return services.create_case(
        user=analyst,
        institution=owner_institution,
        data={
            "name": "Caso en borrador",
            "start_date": dt.date(2025, 1, 5),
            "typology": "socioambiental",
        },
        places=[services.PlaceInput("020101")],
    )


# --- create ------------------------------------------------------------------------------------


def test_create_form_has_stable_ids_and_only_my_institutions(
    analyst_client: Client, owner_institution: Institution
) -> None:
    response = analyst_client.get(CREATE)
    assert response.status_code == 200
    html = response.content.decode()
    for field_id in (
        "id_name",
        "id_start_date",
        "id_typology",
        "id_place0_department",
        "id_place0_province",
        "id_place0_district",
        "id_place2_district",
    ):
        assert f'id="{field_id}"' in html
    assert 'id="case-form"' in html
    assert reverse("territory:options") in html
    institutions = list(response.context["form"].fields["institution"].queryset)
    assert institutions == [owner_institution]
    # Confidential-capable fields carry the model's Spanish names.
    assert "Demandas y síntesis del problema" in html


def test_create_case_with_places(analyst_client: Client, owner_institution: Institution) -> None:
    response = analyst_client.post(CREATE, case_post(institution=owner_institution.pk))
    case = Case.objects.get(name="Bloqueo por el agua de Huaraz")
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", kwargs={"case_uuid": case.uuid})
    assert case.state == CaseState.DRAFT
    assert case.institution == owner_institution
    assert case.confidential_fields == ["description"]
    assert case.subtype is not None
    assert case.subtype.code == "agua"
    assert list(case.sectors.values_list("code", flat=True)) == ["ana"]
    places = [(p.ubigeo.code, p.is_principal) for p in case.places.order_by("ubigeo__code")]
    assert places == [("020101", True), ("150000", False)]
    page = analyst_client.get(response["Location"])
    assert "registrado como borrador" in page.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"place0_department": "999999"}, "place0_department", "Ubigeo desconocido: 999999."),
        (
            {"place0_province": "150100"},
            "place0_province",
            "No pertenece al lugar elegido en el nivel superior.",
        ),
        (
            {"end_date": "2025-01-01"},
            "end_date",
            "La fecha de fin no puede ser anterior a la fecha de inicio.",
        ),
        ({"start_date": "2025-06-02"}, "start_date", "no puede estar en el futuro"),
        ({"name": ""}, "name", "Este campo es obligatorio."),
        (
            {"place0_department": "", "place0_province": "", "place0_district": ""},
            "place0_department",
            "Elija al menos el departamento.",
        ),
        (
            {
                "place1_department": "020000",
                "place1_province": "020100",
                "place1_district": "020101",
            },
            "place1_department",
            "Este lugar ya está en la lista.",
        ),
    ],
)
@time_machine.travel(dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC), tick=False)
def test_invalid_case_posts_show_spanish_errors_and_save_nothing(
    analyst_client: Client,
    owner_institution: Institution,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = analyst_client.post(CREATE, case_post(institution=owner_institution.pk, **overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    assert message in response.content.decode()
    assert not Case.objects.exists()


def test_create_refuses_another_institutions_category(
    analyst_client: Client, owner_institution: Institution, other_institution: Institution
) -> None:
    foreign = Category.objects.create(
        kind=CategoryKind.TYPOLOGY, code="propia", name="Propia", institution=other_institution
    )
    response = analyst_client.post(
        CREATE, case_post(institution=owner_institution.pk, typology=foreign.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["typology"]
    assert not Case.objects.exists()


def test_create_for_an_institution_where_i_am_not_editor_is_refused(
    analyst_client: Client, other_institution: Institution
) -> None:
    response = analyst_client.post(CREATE, case_post(institution=other_institution.pk))
    assert response.status_code == 200
    assert "institution" in response.context["form"].errors
    assert not Case.objects.exists()


def test_reporter_opens_the_create_form_but_a_member_without_a_role_to_create_does_not(
    owner_institution: Institution,
) -> None:
    client = Client()
    client.force_login(member(owner_institution, Role.REPORTER))
    assert client.get(CREATE).status_code == 200
    client.force_login(member(owner_institution, Role.FACILITATOR))
    assert client.get(CREATE).status_code == 403


def test_anonymous_cannot_post_a_case(anon_client: Client, owner_institution: Institution) -> None:
    response = anon_client.post(CREATE, case_post(institution=owner_institution.pk))
    assert response.status_code == 302
    assert not Case.objects.exists()


# --- edit --------------------------------------------------------------------------------------


def test_edit_form_is_filled_with_the_case(analyst_client: Client, draft: Case) -> None:
    response = analyst_client.get(edit_url(draft))
    assert response.status_code == 200
    form = response.context["form"]
    assert "institution" not in form.fields
    assert form["place0_district"].value() == "020101"
    assert form["place0_province"].value() == "020100"
    html = response.content.decode()
    assert 'value="Caso en borrador"' in html
    assert '<option value="020101" selected>' in html


def test_edit_saves_changes_and_history(analyst_client: Client, draft: Case) -> None:
    data = case_post(name="Caso renombrado", start_date="2025-01-05")
    response = analyst_client.post(edit_url(draft), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "Caso renombrado"
    assert draft.places.count() == 2
    detail = analyst_client.get(response["Location"]).content.decode()
    assert "Cambios guardados." in detail
    assert "Caso modificado" in detail


def test_outsider_cannot_edit(outsider_client: Client, owner_institution: Institution) -> None:
    registered = new_case(institution=owner_institution, name="Registrado")
    draft = new_case(institution=owner_institution, state=CaseState.DRAFT)
    assert outsider_client.get(edit_url(registered)).status_code == 403
    assert outsider_client.post(edit_url(registered), case_post()).status_code == 403
    assert outsider_client.get(edit_url(draft)).status_code == 404
    registered.refresh_from_db()
    assert registered.name == "Registrado"


def test_anonymous_cannot_edit(anon_client: Client, draft: Case) -> None:
    assert anon_client.get(edit_url(draft)).status_code == 302


# --- transitions -------------------------------------------------------------------------------


def test_coordinator_approves_and_a_code_is_assigned(
    analyst: User, coordinator_client: Client, draft: Case
) -> None:
    services.transition_case(user=analyst, case=draft, name="submit")
    step = coordinator_client.post(
        transition_url(draft), {"name": "approve", "phase": Phase.ESCALATION}
    )
    # First a confirmation step: nothing changes until the user confirms.
    assert step.status_code == 200
    assert 'class="btn-warning"' in step.content.decode()
    draft.refresh_from_db()
    assert draft.state == CaseState.PROPOSED
    assert draft.code is None
    response = coordinator_client.post(
        transition_url(draft), {"name": "approve", "phase": Phase.ESCALATION, "confirmed": "1"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == CaseState.ACTIVE
    assert draft.phase == Phase.ESCALATION
    assert draft.code
    page = coordinator_client.get(response["Location"]).content.decode()
    assert f"Caso aprobado con el código {draft.code}." in page


def test_analyst_cannot_approve(analyst: User, analyst_client: Client, draft: Case) -> None:
    services.transition_case(user=analyst, case=draft, name="submit")
    response = analyst_client.post(transition_url(draft), {"name": "approve"})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.state == CaseState.PROPOSED
    assert draft.code is None


def test_illegal_transition_shows_error_and_keeps_state(
    analyst_client: Client, draft: Case
) -> None:
    response = analyst_client.post(transition_url(draft), {"name": "to_latent"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "No se puede pasar de «Borrador» a «Latente»" in html
    assert "No se pudo cambiar el estado del caso." in html
    draft.refresh_from_db()
    assert draft.state == CaseState.DRAFT


def test_transition_needing_a_reason_shows_the_error_next_to_it(
    analyst_client: Client, owner_institution: Institution
) -> None:
    case = new_case(institution=owner_institution)
    response = analyst_client.post(transition_url(case), {"name": "resolve", "reason": " "})
    assert response.status_code == 400
    resolve = next(t for t in response.context["transitions"] if t.name == "resolve")
    assert resolve.form is not None
    assert "Indique el motivo de este cambio." in resolve.form.errors["reason"]
    case.refresh_from_db()
    assert case.state == CaseState.ACTIVE
    response = analyst_client.post(
        transition_url(case),
        {"name": "resolve", "reason": "Acta de acuerdos firmada.", "confirmed": "1"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.RESOLVED


def test_outsider_cannot_change_state(
    outsider_client: Client, owner_institution: Institution
) -> None:
    case = new_case(institution=owner_institution)
    response = outsider_client.post(transition_url(case), {"name": "to_latent"})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == CaseState.ACTIVE


def test_transition_is_post_only(analyst_client: Client, draft: Case) -> None:
    assert analyst_client.get(transition_url(draft)).status_code == 405
    assert analyst_client.get(phase_url(draft)).status_code == 405


def test_anonymous_cannot_change_state(anon_client: Client, draft: Case) -> None:
    response = anon_client.post(transition_url(draft), {"name": "submit"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == CaseState.DRAFT


# --- phase -------------------------------------------------------------------------------------


def test_phase_change_to_dialogue_with_mechanism_and_role(
    analyst: User, analyst_client: Client, owner_institution: Institution
) -> None:
    case = new_case(institution=owner_institution, created_by=analyst)
    response = analyst_client.post(
        phase_url(case),
        {"phase": "dialogue", "dialogue_mechanism": "mediated", "institution_role": "mediator"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.phase, case.dialogue_mechanism, case.institution_role) == (
        "dialogue",
        "mediated",
        "mediator",
    )


def test_dialogue_phase_without_mechanism_shows_field_errors(
    analyst_client: Client, owner_institution: Institution
) -> None:
    case = new_case(institution=owner_institution)
    response = analyst_client.post(phase_url(case), {"phase": "dialogue"})
    assert response.status_code == 400
    form = response.context["phase_form"]
    assert form.errors["dialogue_mechanism"] == ["Indique el mecanismo de diálogo."]
    assert "Indique el rol de la institución en el diálogo." in response.content.decode()
    case.refresh_from_db()
    assert case.phase == Phase.EARLY


def test_mechanism_is_dropped_outside_the_dialogue_phase(
    analyst_client: Client, owner_institution: Institution
) -> None:
    case = new_case(institution=owner_institution)
    response = analyst_client.post(
        phase_url(case), {"phase": "crisis", "dialogue_mechanism": "mediated"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.phase, case.dialogue_mechanism) == ("crisis", "")


def test_phase_on_a_case_that_is_not_active_is_refused(
    analyst_client: Client, owner_institution: Institution
) -> None:
    case = new_case(institution=owner_institution, state=CaseState.LATENT)
    response = analyst_client.post(phase_url(case), {"phase": "crisis"})
    assert response.status_code == 400
    assert "Solo un caso activo tiene fase" in response.content.decode()
    case.refresh_from_db()
    assert case.phase == ""


def test_outsider_cannot_change_phase(
    outsider_client: Client, owner_institution: Institution
) -> None:
    case = new_case(institution=owner_institution)
    assert outsider_client.post(phase_url(case), {"phase": "crisis"}).status_code == 403
    case.refresh_from_db()
    assert case.phase == Phase.EARLY

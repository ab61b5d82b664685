"""Registry fidelity on every surface: scope and Lima groupings, start-date precision, the review
flag, external identifiers (shown, edited, searched), the effective date on forms and the API,
and the merged outcome. Personas: the owning institution's analyst and coordinator, another
institution's analyst and coordinator."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import ApiToken, Institution, Role, User, hash_token
from willaq.audit.models import AuditEvent, AuditLog
from willaq.cases import services
from willaq.cases.choices import CaseScope, CaseState, CategoryKind, TransitionKind
from willaq.cases.history import case_history, case_rows_as_of, end_of_month
from willaq.cases.models import Case, CaseExternalId, CaseTransition
from willaq.cases.services import PlaceInput
from willaq.testing.factories import member, shared_category

pytestmark = pytest.mark.django_db

API = "/api/v1"
LIMA = dt.timezone(dt.timedelta(hours=-5))
NOW = dt.datetime(2025, 6, 20, 12, tzinfo=LIMA)
REGISTERED_AT = dt.datetime(2025, 1, 10, 12, tzinfo=LIMA)


def at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 12, tzinfo=LIMA)


def token_client(user: User) -> Client:
    raw = ApiToken.new_raw_value()
    ApiToken.objects.create(user=user, name="pruebas", prefix=raw[:8], token_hash=hash_token(raw))
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def browser(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def registered(
    analyst: User,
    coordinator: User,
    institution: Institution,
    name: str,
    *,
    places: list[PlaceInput] | None = None,
    when: dt.datetime = REGISTERED_AT,
    **data: Any,
) -> Case:
    """A case created, proposed and approved (active) at ``when``."""
    case = services.create_case(
        user=analyst,
        institution=institution,
        data={"name": name, "start_date": dt.date(2025, 1, 5), "typology": "comunal"} | data,
        places=[PlaceInput("021801", True)] if places is None else places,
        at=when,
    )
    services.transition_case(user=analyst, case=case, name="submit", at=when)
    return services.transition_case(user=coordinator, case=case, name="approve", at=when)


@pytest.fixture
def other_coordinator(other_institution: Institution) -> User:
    return member(other_institution, Role.COORDINATOR, email="coord@onds.gob.pe")


@pytest.fixture
def two_cases(
    analyst: User, coordinator: User, owner_institution: Institution
) -> tuple[Case, Case]:
    with time_machine.travel(NOW, tick=False):
        absorbed = registered(analyst, coordinator, owner_institution, "Caso duplicado")
        absorbing = registered(
            analyst, coordinator, owner_institution, "Caso principal", when=at(2025, 1, 12)
        )
    return absorbed, absorbing


# --- merge: the service ------------------------------------------------------------------------


def test_coordinator_merges_a_case_into_another(
    coordinator: User, two_cases: tuple[Case, Case]
) -> None:
    absorbed, absorbing = two_cases
    with time_machine.travel(NOW, tick=False):
        merged = services.merge_case(
            user=coordinator,
            case=absorbed,
            into=absorbing,
            reason="Es el mismo conflicto.",
            at=at(2025, 3, 2),
        )
    assert merged.state == CaseState.MERGED
    assert merged.merged_into == absorbing
    assert merged.phase == ""
    assert merged.end_date == dt.date(2025, 3, 2)
    transition = CaseTransition.objects.get(case=absorbed, kind=TransitionKind.MERGED)
    assert transition.reason == "Es el mismo conflicto."
    assert transition.occurred_at == at(2025, 3, 2)
    assert transition.recorded_at == NOW
    logs = AuditLog.objects.filter(event_type=AuditEvent.CASE_TRANSITION, target_id=absorbed.uuid)
    assert logs.count() == 3  # submit, approve, merge
    assert logs.latest("id").diff["merged_into"] == [None, str(absorbing.uuid)]
    # Month-end figures follow the effective date; nothing moved to the absorbing case.
    february = [r for r in case_rows_as_of(end_of_month(2025, 2)) if r["id"] == absorbed.pk]
    march = [r for r in case_rows_as_of(end_of_month(2025, 3)) if r["id"] == absorbed.pk]
    assert [r["state"] for r in february] == [CaseState.ACTIVE]
    assert [r["state"] for r in march] == [CaseState.MERGED]
    assert Case.objects.get(pk=absorbing.pk).state == CaseState.ACTIVE


@pytest.mark.parametrize(
    ("target", "field", "message"),
    [
        ("self", "into", "sí mismo"),
        ("merged", "into", "ya está fusionado en otro"),
        ("draft", "into", "debe estar aprobado"),
    ],
)
def test_merge_is_refused_with_a_spanish_reason(
    analyst: User,
    coordinator: User,
    owner_institution: Institution,
    two_cases: tuple[Case, Case],
    target: str,
    field: str,
    message: str,
) -> None:
    absorbed, absorbing = two_cases
    with time_machine.travel(NOW, tick=False):
        if target == "self":
            into = absorbed
        elif target == "merged":
            third = registered(analyst, coordinator, owner_institution, "Tercero")
            services.merge_case(user=coordinator, case=absorbing, into=third, reason="Duplicado")
            into = Case.objects.get(pk=absorbing.pk)
        else:
            into = services.create_case(
                user=analyst,
                institution=owner_institution,
                data={"name": "Borrador", "start_date": dt.date(2025, 1, 5), "typology": "comunal"},
                places=[PlaceInput("021801", True)],
            )
        with pytest.raises(ValidationError) as error:
            services.merge_case(user=coordinator, case=absorbed, into=into, reason="Duplicado")
    assert message in " ".join(error.value.message_dict[field])
    assert Case.objects.get(pk=absorbed.pk).state == CaseState.ACTIVE
    assert CaseTransition.objects.filter(case=absorbed, kind=TransitionKind.MERGED).count() == 0


def test_only_a_coordinator_of_the_absorbed_case_merges_it(
    analyst: User, other_coordinator: User, coordinator: User, two_cases: tuple[Case, Case]
) -> None:
    absorbed, absorbing = two_cases
    for user in (analyst, other_coordinator):
        with pytest.raises(PermissionDenied):
            services.merge_case(user=user, case=absorbed, into=absorbing, reason="Duplicado")
    with pytest.raises(ValidationError) as error:
        services.merge_case(user=coordinator, case=absorbed, into=absorbing, reason="  ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.merge_case(
            user=coordinator, case=absorbed, into=absorbing, reason="Duplicado", at=at(2024, 1, 1)
        )
    assert "último cambio de estado" in error.value.message_dict["effective_date"][0]
    assert Case.objects.get(pk=absorbed.pk).state == CaseState.ACTIVE


# --- merge: the page and the API ---------------------------------------------------------------


def test_merge_page_confirms_then_links_both_cases(
    coordinator: User, outsider: User, two_cases: tuple[Case, Case]
) -> None:
    absorbed, absorbing = two_cases
    client = browser(coordinator)
    url = reverse("cases:merge", kwargs={"case_uuid": absorbed.uuid})
    assert client.get(url).status_code == 200
    body = {"into": absorbing.code, "reason": "Mismo conflicto", "effective_date": ""}
    confirm = client.post(url, body)
    assert confirm.status_code == 200
    assert "¿Fusionar en otro caso?" in confirm.content.decode()
    assert Case.objects.get(pk=absorbed.pk).state == CaseState.ACTIVE  # not yet
    done = client.post(url, body | {"confirmed": "1"})
    assert done.status_code == 302
    assert Case.objects.get(pk=absorbed.pk).state == CaseState.MERGED
    for user in (coordinator, outsider):
        page = browser(user).get(reverse("cases:detail", kwargs={"case_uuid": absorbed.uuid}))
        text = page.content.decode()
        assert text.count('id="fusionado-en"') == 1
        assert text.count(reverse("cases:detail", kwargs={"case_uuid": absorbing.uuid})) >= 1
        target = browser(user).get(reverse("cases:detail", kwargs={"case_uuid": absorbing.uuid}))
        assert "Casos fusionados en este" in target.content.decode()
    unknown = client.post(
        reverse("cases:merge", kwargs={"case_uuid": absorbing.uuid}),
        {"into": "1999-9999", "reason": "x"},
    )
    assert "No hay un caso con ese código." in unknown.content.decode()


def test_merge_page_is_refused_to_analysts_and_other_institutions(
    analyst: User, other_coordinator: User, two_cases: tuple[Case, Case]
) -> None:
    absorbed, _absorbing = two_cases
    url = reverse("cases:merge", kwargs={"case_uuid": absorbed.uuid})
    assert browser(analyst).get(url).status_code == 403
    assert browser(other_coordinator).get(url).status_code == 403
    assert Case.objects.get(pk=absorbed.pk).state == CaseState.ACTIVE


def test_merge_endpoint(
    coordinator: User, analyst: User, outsider: User, two_cases: tuple[Case, Case]
) -> None:
    absorbed, absorbing = two_cases
    url = f"{API}/cases/{absorbed.uuid}/merge"
    body = {"into": str(absorbing.uuid), "reason": "Duplicado", "effective_date": "2025-04-01"}
    assert token_client(analyst).post(url, body, content_type="application/json").status_code == 403
    assert (
        token_client(outsider).post(url, body, content_type="application/json").status_code == 403
    )
    itself = token_client(coordinator).post(
        url, body | {"into": str(absorbed.uuid)}, content_type="application/json"
    )
    assert itself.status_code == 422
    assert "sí mismo" in itself.json()["errors"]["into"][0]
    with time_machine.travel(NOW, tick=False):
        response = token_client(coordinator).post(url, body, content_type="application/json")
    assert response.status_code == 200
    data = response.json()
    assert data["state"] == "merged"
    assert data["merged_into"] == str(absorbing.uuid)
    last = data["transitions"][-1]
    assert dt.datetime.fromisoformat(last["occurred_at"]).astimezone(LIMA).date() == dt.date(
        2025, 4, 1
    )
    assert dt.datetime.fromisoformat(last["recorded_at"]) == NOW
    target = token_client(outsider).get(f"{API}/cases/{absorbing.uuid}").json()
    assert target["merged_cases"] == [str(absorbed.uuid)]


# --- external identifiers ----------------------------------------------------------------------


def test_external_ids_are_added_removed_and_unique_per_source(
    analyst: User, coordinator: User, owner_institution: Institution, two_cases: tuple[Case, Case]
) -> None:
    first, second = two_cases
    services.add_external_id(user=analyst, case=first, source="defensoria", external_id="4521")
    services.add_external_id(user=analyst, case=second, source="onds", external_id="4521")
    with pytest.raises(ValidationError) as error:
        services.add_external_id(user=analyst, case=second, source="defensoria", external_id="4521")
    assert "ya es del caso" in error.value.message_dict["external_ids"][0]
    assert CaseExternalId.objects.count() == 2
    services.remove_external_id(user=analyst, case=first, source="defensoria", external_id="4521")
    assert CaseExternalId.objects.filter(case=first).count() == 0
    logs = AuditLog.objects.filter(event_type=AuditEvent.CASE_CHANGED, target_id=first.uuid)
    assert [log.diff["external_ids"] for log in logs.order_by("id")] == [
        [[], ["defensoria:4521"]],
        [["defensoria:4521"], []],
    ]
    with pytest.raises(ValidationError):
        services.remove_external_id(user=analyst, case=first, source="defensoria", external_id="1")
    lines = [e.what for e in case_history(first, analyst) if "Identificador externo" in e.what]
    assert lines == [
        "Identificador externo quitado: defensoria:4521",
        "Identificador externo añadido: defensoria:4521",
    ]


def test_external_ids_on_the_page_for_the_owner_and_another_institution(
    analyst: User, outsider: User, two_cases: tuple[Case, Case]
) -> None:
    case, _other = two_cases
    client = browser(analyst)
    add = reverse("cases:external_id_add", kwargs={"case_uuid": case.uuid})
    assert client.post(add, {"source": "defensoria", "external_id": "DP-77123"}).status_code == 302
    again = client.post(add, {"source": "defensoria", "external_id": "DP-77123"})
    assert again.status_code == 200
    assert "ya es del caso" in again.content.decode()
    detail = reverse("cases:detail", kwargs={"case_uuid": case.uuid})
    mine = client.get(detail).content.decode()
    theirs = browser(outsider).get(detail).content.decode()
    # Shown, in the history line, and (for the owner) in the removal form.
    assert mine.count("DP-77123") == 3
    assert theirs.count("DP-77123") == 2
    assert theirs.count("Identificador externo añadido: defensoria:DP-77123") == 1
    assert browser(outsider).get(add).status_code == 403
    remove = reverse("cases:external_id_remove", kwargs={"case_uuid": case.uuid})
    refused = browser(outsider).post(remove, {"source": "defensoria", "external_id": "DP-77123"})
    assert refused.status_code == 403
    assert CaseExternalId.objects.filter(case=case).count() == 1
    client.post(remove, {"source": "defensoria", "external_id": "DP-77123"})
    assert CaseExternalId.objects.filter(case=case).count() == 0


def test_a_case_is_found_by_its_external_id_exactly(
    analyst: User, outsider: User, two_cases: tuple[Case, Case]
) -> None:
    case, other = two_cases
    services.add_external_id(user=analyst, case=case, source="defensoria", external_id="DP-77123")
    services.add_external_id(user=analyst, case=other, source="minem", external_id="77")
    page = browser(outsider).get(reverse("cases:list") + "?q=DP-77123").content.decode()
    assert page.count(reverse("cases:detail", kwargs={"case_uuid": case.uuid})) == 1
    assert reverse("cases:detail", kwargs={"case_uuid": other.uuid}) not in page
    client = token_client(outsider)
    for query, expected in (
        ("DP-77123", [str(case.uuid)]),
        ("defensoria:DP-77123", [str(case.uuid)]),
        ("minem:77", [str(other.uuid)]),
        ("DP-771", []),  # exact, not a prefix
    ):
        found = client.get(f"{API}/cases", {"q": query}).json()
        assert [item["uuid"] for item in found["items"]] == expected, query


def test_external_id_endpoints(analyst: User, outsider: User, two_cases: tuple[Case, Case]) -> None:
    case, other = two_cases
    url = f"{API}/cases/{case.uuid}/external-ids"
    body = {"source": "defensoria", "id": "4521"}
    refused = token_client(outsider).post(url, body, content_type="application/json")
    assert refused.status_code == 403
    created = token_client(analyst).post(url, body, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["external_ids"] == [{"source": "defensoria", "id": "4521"}]
    taken = token_client(analyst).post(
        f"{API}/cases/{other.uuid}/external-ids", body, content_type="application/json"
    )
    assert taken.status_code == 422
    assert "ya es del caso" in taken.json()["errors"]["external_ids"][0]
    removed = token_client(analyst).delete(f"{url}/defensoria/4521")
    assert removed.status_code == 200
    assert removed.json()["external_ids"] == []


# --- scope, groupings, precision, review ------------------------------------------------------


def test_national_case_without_places_and_a_grouping_place_through_the_form(
    analyst: User, owner_institution: Institution
) -> None:
    typology = shared_category(CategoryKind.TYPOLOGY, "comunal").pk
    base = {
        "institution": owner_institution.pk,
        "start_date": "2019-12-31",
        "typology": typology,
        "start_date_precision": "year",
    }
    client = browser(analyst)
    create = reverse("cases:create")
    national = client.post(create, base | {"name": "Reforma nacional", "scope": "national"})
    assert national.status_code == 302
    case = Case.objects.get(name="Reforma nacional")
    assert case.scope == CaseScope.NATIONAL
    assert case.places.count() == 0
    local_without_place = client.post(create, base | {"name": "Sin lugar", "scope": "local"})
    assert "Elija al menos el departamento." in local_without_place.content.decode()
    lima = client.post(
        create,
        base
        | {
            "name": "Caso en Lima Provincias",
            "place0_grouping": "lima-provincias",
            "start_date_precision": "month",
        },
    )
    assert lima.status_code == 302
    case = Case.objects.get(name="Caso en Lima Provincias")
    (place,) = case.places.select_related("grouping", "ubigeo")
    assert place.grouping is not None
    assert place.grouping.code == "lima-provincias"
    assert place.ubigeo.code == "150000"
    page = client.get(lima["Location"]).content.decode()
    assert 'Lima Provincias <span class="muted">(agrupación)</span>' in page
    assert "Lugar añadido: Lima Provincias" in page
    assert "dic. 2019" in page
    both = client.post(
        create,
        base
        | {
            "name": "Dos cosas",
            "place0_grouping": "lima-metropolitana",
            "place0_department": "020000",
        },
    )
    assert "no ambos" in both.content.decode()
    two_departments = client.post(
        create,
        base
        | {
            "name": "Local en dos departamentos",
            "scope": "local",
            "place0_department": "020000",
            "place1_department": "080000",
        },
    )
    assert "el ámbito es regional, no local" in two_departments.content.decode()
    assert Case.objects.filter(name__in=["Sin lugar", "Dos cosas"]).count() == 0


def test_start_date_precision_is_shown_as_known(
    analyst: User, coordinator: User, owner_institution: Institution
) -> None:
    expected = {"day": "31 dic 2019", "year": "2019", "before": "antes del 31 dic 2019"}
    for precision, text in expected.items():
        case = registered(
            analyst,
            coordinator,
            owner_institution,
            f"Caso {precision}",
            start_date=dt.date(2019, 12, 31),
            start_date_precision=precision,
        )
        assert case.start_date_text == text
        page = browser(analyst).get(reverse("cases:detail", kwargs={"case_uuid": case.uuid}))
        assert text in page.content.decode()


def test_review_flag_badge_and_filter(
    analyst: User, outsider: User, coordinator: User, owner_institution: Institution
) -> None:
    flagged = registered(
        analyst,
        coordinator,
        owner_institution,
        "Caso importado",
        places=[],
        needs_review=True,
        review_note="Sin lugar en la fuente.",
    )
    registered(analyst, coordinator, owner_institution, "Caso completo")
    page = browser(outsider).get(reverse("cases:list") + "?needs_review=on").content.decode()
    assert page.count("badge-review") == 1
    assert "Caso importado" in page
    assert "Caso completo" not in page
    detail = browser(outsider).get(reverse("cases:detail", kwargs={"case_uuid": flagged.uuid}))
    assert "Sin lugar en la fuente." in detail.content.decode()
    found = token_client(outsider).get(f"{API}/cases", {"needs_review": "true"}).json()
    assert [item["uuid"] for item in found["items"]] == [str(flagged.uuid)]
    assert found["items"][0]["needs_review"] is True


def test_api_creates_with_the_new_fields_and_patches_with_an_effective_date(
    analyst: User, owner_institution: Institution
) -> None:
    client = token_client(analyst)
    with time_machine.travel(NOW, tick=False):
        created = client.post(
            f"{API}/cases",
            {
                "institution": "defensoria",
                "name": "Caso regional",
                "start_date": "2025-01-05",
                "start_date_precision": "month",
                "typology": "comunal",
                "places": [{"grouping": "lima-metropolitana"}, {"ubigeo": "080101"}],
                "external_ids": [{"source": "defensoria", "id": "88"}],
            },
            content_type="application/json",
        )
        assert created.status_code == 201, created.json()
        data = created.json()
        assert data["scope"] == "regional"
        assert data["start_date_precision"] == "month"
        assert data["external_ids"] == [{"source": "defensoria", "id": "88"}]
        assert data["merged_into"] is None
        groupings = [p["grouping"] for p in data["places"]]
        assert sorted(groupings, key=str) == [None, "lima-metropolitana"]
        url = f"{API}/cases/{data['uuid']}"
        future = client.patch(
            url, {"name": "Otro", "effective_date": "2025-07-01"}, content_type="application/json"
        )
        assert future.status_code == 422
        assert "effective_date" in future.json()["errors"]
        both = client.patch(
            url,
            {"places": [{"ubigeo": "080101", "grouping": "lima-provincias"}]},
            content_type="application/json",
        )
        assert both.status_code == 422
        # Created today: a change cannot take effect before the case entered the registry.
        before_entry = client.patch(
            url, {"name": "Otro", "effective_date": "2025-03-01"}, content_type="application/json"
        )
        assert before_entry.status_code == 422
        assert "empieza el 20 jun 2025" in before_entry.json()["errors"]["effective_date"][0]
        coordinator = member(owner_institution, Role.COORDINATOR, email="c2@dp.gob.pe")
        older = registered(analyst, coordinator, owner_institution, "Caso regional")
    with time_machine.travel(at(2025, 6, 25), tick=False):
        patched = client.patch(
            f"{API}/cases/{older.uuid}",
            {"name": "Caso regional renombrado", "effective_date": "2025-03-01"},
            content_type="application/json",
        )
    assert patched.status_code == 200, patched.json()
    case = Case.objects.get(pk=older.pk)
    assert case.name == "Caso regional renombrado"
    march = case.history.filter(history_date__lte=end_of_month(2025, 3)).latest(
        "history_date", "history_id"
    )
    assert march.name == "Caso regional renombrado"
    february = case.history.filter(history_date__lte=end_of_month(2025, 2)).latest(
        "history_date", "history_id"
    )
    assert february.name == "Caso regional"
    schema = client.get(f"{API}/openapi.json").json()
    patch_body = schema["components"]["schemas"]["CasePatchIn"]["properties"]
    assert "effective_date" in patch_body
    assert "Fecha efectiva" in str(patch_body["effective_date"])


def test_edit_form_takes_an_effective_date(
    analyst: User, coordinator: User, owner_institution: Institution
) -> None:
    with time_machine.travel(NOW, tick=False):
        case = registered(analyst, coordinator, owner_institution, "Caso editado")
        url = reverse("cases:edit", kwargs={"case_uuid": case.uuid})
        client = browser(analyst)
        page = client.get(url)
        assert 'min="2025-01-10" max="2025-06-20"' in page.content.decode()
        form = page.context["form"]
        body = {k: v for k, v in form.initial.items() if v is not None}
        body["typology"] = shared_category(CategoryKind.TYPOLOGY, "laboral").pk
        body["start_date"] = "2025-01-05"
        future = client.post(url, body | {"effective_date": "2025-07-01"})
        assert "La fecha efectiva no puede estar en el futuro." in future.content.decode()
        early = client.post(url, body | {"effective_date": "2024-12-01"})
        assert "anterior a la fecha de inicio" in early.content.decode()
        done = client.post(url, body | {"effective_date": "2025-03-10"})
        assert done.status_code == 302
        history = client.get(reverse("cases:history", kwargs={"case_uuid": case.uuid}))
        assert "efectivo el 10 mar 2025" in history.content.decode()
    rows = {
        month: [r["typology_id"] for r in case_rows_as_of(end_of_month(2025, month))]
        for month in (2, 3)
    }
    laboral = shared_category(CategoryKind.TYPOLOGY, "laboral").pk
    assert rows[3] == [laboral]
    assert rows[2] == [shared_category(CategoryKind.TYPOLOGY, "comunal").pk]


def test_merge_page_keeps_the_effective_date_through_the_confirmation(
    coordinator: User, two_cases: tuple[Case, Case]
) -> None:
    absorbed, absorbing = two_cases
    client = browser(coordinator)
    url = reverse("cases:merge", kwargs={"case_uuid": absorbed.uuid})
    body = {"into": absorbing.code, "reason": "Mismo conflicto", "effective_date": "2025-04-03"}
    with time_machine.travel(NOW, tick=False):
        confirm = client.post(url, body).content.decode()
        assert 'name="effective_date" value="2025-04-03"' in confirm
        assert client.post(url, body | {"confirmed": "1"}).status_code == 302
    transition = CaseTransition.objects.get(case=absorbed, kind=TransitionKind.MERGED)
    assert transition.occurred_at.astimezone(LIMA).date() == dt.date(2025, 4, 3)


def test_territory_api_lists_the_groupings(outsider: User) -> None:
    response = token_client(outsider).get(f"{API}/territory/groupings")
    assert response.status_code == 200
    assert [(g["code"], g["anchor"]) for g in response.json()] == [
        ("lima-metropolitana", "150100"),
        ("lima-provincias", "150000"),
    ]
    assert len(response.json()[1]["member_codes"]) == 9


def test_state_and_phase_changes_on_the_page_take_an_effective_date(
    analyst: User, two_cases: tuple[Case, Case]
) -> None:
    case, _other = two_cases
    client = browser(analyst)
    url = reverse("cases:transition", kwargs={"case_uuid": case.uuid})
    phase_url = reverse("cases:phase", kwargs={"case_uuid": case.uuid})
    with time_machine.travel(NOW, tick=False):
        changed = client.post(phase_url, {"phase": "crisis", "effective_date": "2025-02-14"})
        assert changed.status_code == 302
        body = {"name": "to_latent", "effective_date": "2025-04-30"}
        confirm = client.post(url, body).content.decode()
        assert "30 abr 2025" in confirm
        assert 'name="effective_date" value="2025-04-30"' in confirm
        assert client.post(url, body | {"confirmed": "1"}).status_code == 302
        early = client.post(
            url,
            {
                "name": "reactivate",
                "phase": "early",
                "effective_date": "2025-03-01",
                "confirmed": "1",
            },
        )
        assert early.status_code == 400
        assert "último cambio de estado" in early.content.decode()
    transition = CaseTransition.objects.get(case=case, kind=TransitionKind.TO_LATENT)
    assert transition.occurred_at.astimezone(LIMA).date() == dt.date(2025, 4, 30)
    states = {
        month: [
            r["phase"] or r["state"]
            for r in case_rows_as_of(end_of_month(2025, month))
            if r["id"] == case.pk
        ]
        for month in (1, 2, 3, 4)
    }
    assert states == {1: ["early"], 2: ["crisis"], 3: ["crisis"], 4: [CaseState.LATENT]}


def test_a_taken_external_id_does_not_name_a_case_the_user_may_not_see(
    analyst: User, outsider: User, owner_institution: Institution, other_institution: Institution
) -> None:
    """Another institution's draft is not in the shared registry: refusing its identifier to
    someone else says "another case" on the service, the API and the page, never its name."""
    secret = services.create_case(
        user=analyst,
        institution=owner_institution,
        data={
            "name": "Borrador reservado",
            "start_date": dt.date(2025, 1, 5),
            "typology": "comunal",
        },
        places=[PlaceInput("021801", True)],
        external_ids=[("defensoria", "SEC-1")],
    )
    mine = services.create_case(
        user=outsider,
        institution=other_institution,
        data={"name": "Caso de la ONDS", "start_date": dt.date(2025, 1, 5), "typology": "comunal"},
        places=[PlaceInput("021801", True)],
    )
    with pytest.raises(ValidationError) as error:
        services.add_external_id(user=outsider, case=mine, source="defensoria", external_id="SEC-1")
    assert error.value.message_dict["external_ids"] == [
        "El identificador defensoria:SEC-1 ya es de otro caso."
    ]
    api = token_client(outsider).post(
        f"{API}/cases/{mine.uuid}/external-ids",
        {"source": "defensoria", "id": "SEC-1"},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert "Borrador reservado" not in api.content.decode()
    page = browser(outsider).post(
        reverse("cases:external_id_add", kwargs={"case_uuid": mine.uuid}),
        {"source": "defensoria", "external_id": "SEC-1"},
    )
    assert "ya es de otro caso" in page.content.decode()
    assert "Borrador reservado" not in page.content.decode()
    # The owner, who sees its own draft, is told which case holds it.
    other = services.create_case(
        user=analyst,
        institution=owner_institution,
        data={"name": "Otro", "start_date": dt.date(2025, 1, 5), "typology": "comunal"},
        places=[PlaceInput("021801", True)],
    )
    with pytest.raises(ValidationError) as own:
        services.add_external_id(user=analyst, case=other, source="defensoria", external_id="SEC-1")
    assert "Borrador reservado" in own.value.message_dict["external_ids"][0]
    assert CaseExternalId.objects.filter(external_id="SEC-1").count() == 1
    assert secret.external_ids.count() == 1

"""API v1 of the case registry, through three personas: the owning institution's analyst (and
coordinator) with personal tokens, an analyst of another institution with a token, and an
anonymous client. Writes are checked for what they saved, refusals for what they did not."""

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.test import Client

from willaq.accounts.models import ApiToken, Institution, User, hash_token
from willaq.cases import services
from willaq.cases.choices import CaseState, CategoryKind, Phase, VictimOutcome
from willaq.cases.models import Actor, Case, CaseActor, Category, Event
from willaq.testing.factories import (
    ActorFactory,
    CaseActorFactory,
    CaseFactory,
    EventFactory,
    shared_category,
)

API = "/api/v1"
JSON = "application/json"


def token_client(user: User) -> Client:
    raw = ApiToken.new_raw_value()
    ApiToken.objects.create(user=user, name="pruebas", prefix=raw[:8], token_hash=hash_token(raw))
    return Client(headers={"authorization": f"Bearer {raw}"})


@pytest.fixture
def owner(analyst: User) -> Client:
    return token_client(analyst)


@pytest.fixture
def coord(coordinator: User) -> Client:
    return token_client(coordinator)


@pytest.fixture
def other(outsider: User) -> Client:
    return token_client(outsider)


@pytest.fixture
def anon() -> Client:
    return Client()


@pytest.fixture
def registered_case(owner_institution: Institution, analyst: User) -> Case:
    return CaseFactory(
        institution=owner_institution,
        created_by=analyst,
        name="Conflicto por el agua en Chimbote",
        description="Descripción reservada",
        demands="Demandas públicas",
        confidential_fields=["description"],
    )


@pytest.fixture
def draft_case(owner_institution: Institution, analyst: User) -> Case:
    return CaseFactory(
        institution=owner_institution, state=CaseState.DRAFT, name="Borrador DP", created_by=analyst
    )


def case_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "institution": "defensoria",
        "name": "Conflicto por relaves en Huaraz",
        "start_date": "2025-01-10",
        "typology": "socioambiental",
        "subtype": "mineria",
        "places": [{"ubigeo": "021801", "principal": True}, {"ubigeo": "150101"}],
        "sectors": ["minem", "minam"],
        "demands": "Remediación del río",
        "confidential_fields": ["demands"],
    }
    body.update(overrides)
    return body


def event_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "event_date": "2025-04-02",
        "event_type": "Protests",
        "sub_event_type": "Peaceful protest",
        "protest_form": "march",
        "actor1": "Protesters (Peru)",
        "inter1": 6,
        "ubigeo": "021801",
        "sources": "Radio Chimbote",
        "reported_by": "Monitor 12",
    }
    body.update(overrides)
    return body


# --- anonymous ----------------------------------------------------------------------------------


ANON_REQUESTS = [
    ("get", "/cases"),
    ("get", "/cases/{case}"),
    ("post", "/cases"),
    ("patch", "/cases/{case}"),
    ("post", "/cases/{case}/transitions"),
    ("post", "/cases/{case}/phase"),
    ("get", "/cases/{case}/events"),
    ("post", "/cases/{case}/events"),
    ("get", "/events/{event}"),
    ("get", "/actors"),
    ("post", "/actors"),
    ("post", "/cases/{case}/actors"),
    ("get", "/reference/categories"),
    ("get", "/reference/choices"),
]


@pytest.mark.parametrize(("method", "path"), ANON_REQUESTS)
def test_anonymous_gets_401_everywhere(anon: Client, registered_case: Case, method: str, path: str):
    event = EventFactory(case=registered_case)
    url = API + path.format(case=registered_case.uuid, event=event.uuid)
    cases_before = Case.objects.count()
    response = getattr(anon, method)(
        url, {"name": "x"} if method != "get" else None, content_type=JSON
    )
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "autenticación" in response.json()["detail"]
    assert Case.objects.count() == cases_before


def test_revoked_or_unknown_token_is_401(analyst: User, registered_case: Case):
    raw = ApiToken.new_raw_value()
    ApiToken.objects.create(
        user=analyst,
        name="viejo",
        prefix=raw[:8],
        token_hash=hash_token(raw),
        revoked_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    )
    revoked = Client(headers={"authorization": f"Bearer {raw}"})
    assert revoked.get(f"{API}/cases").status_code == 401
    unknown = Client(headers={"authorization": "Bearer wq_no-existe"})
    assert unknown.get(f"{API}/cases").status_code == 401


def test_session_login_works_and_unsafe_session_request_needs_csrf(
    analyst_client: Client, registered_case: Case
):
    assert analyst_client.get(f"{API}/cases/{registered_case.uuid}").status_code == 200
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(User.objects.get(email="analista@dp.gob.pe"))
    response = csrf_client.patch(
        f"{API}/cases/{registered_case.uuid}", {"name": "Otro"}, content_type=JSON
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert Case.objects.get(pk=registered_case.pk).name == "Conflicto por el agua en Chimbote"


# --- list ---------------------------------------------------------------------------------------


def _codes(response: Any) -> set[str]:
    return {item["name"] for item in response.json()["items"]}


def test_list_owner_sees_own_drafts_outsider_does_not(
    owner: Client, other: Client, registered_case: Case, draft_case: Case
):
    mine = owner.get(f"{API}/cases")
    assert mine.status_code == 200
    assert _codes(mine) == {registered_case.name, draft_case.name}
    assert mine.json()["count"] == 2
    theirs = other.get(f"{API}/cases")
    assert theirs.status_code == 200
    assert _codes(theirs) == {registered_case.name}
    item = theirs.json()["items"][0]
    assert item["institution"] == "defensoria"
    assert item["typology"] == "socioambiental"
    assert item["places"][0] == {
        "ubigeo": "021801",
        "name": "Chimbote",
        "level": "district",
        "department_code": "020000",
        "principal": True,
        "grouping": None,
    }


def test_list_filters(
    owner: Client, owner_institution: Institution, other_institution: Institution
):
    lima = CaseFactory.create(
        institution=owner_institution, name="Caso Lima", place="150101", state=CaseState.LATENT
    )
    chimbote = CaseFactory.create(institution=owner_institution, name="Caso Chimbote")
    laboral = CaseFactory.create(
        institution=other_institution,
        name="Caso laboral",
        typology=shared_category(CategoryKind.TYPOLOGY, "laboral"),
    )
    # An institution's own typology that counts as a shared one matches the shared code.
    own = Category.objects.create(
        kind=CategoryKind.TYPOLOGY,
        code="mineria-informal",
        name="Minería informal",
        institution=other_institution,
        maps_to=shared_category(CategoryKind.TYPOLOGY, "laboral"),
    )
    mapped = CaseFactory.create(institution=other_institution, name="Caso mapeado", typology=own)

    def names(**params: str) -> set[str]:
        response = owner.get(f"{API}/cases", params)
        assert response.status_code == 200, response.content
        return _codes(response)

    assert names(state="latent") == {lima.name}
    assert names(department="150000") == {lima.name}
    assert names(department="020000") == {chimbote.name, laboral.name, mapped.name}
    assert names(typology="laboral") == {laboral.name, mapped.name}
    assert names(institution="onds") == {laboral.name, mapped.name}
    assert names(q="lima") == {lima.name}
    assert names(q=lima.code) == {lima.name}
    assert names(phase="early") == {chimbote.name, laboral.name, mapped.name}
    Case.objects.filter(pk=lima.pk).update(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert lima.name not in names(updated_since="2024-01-01T00:00:00")
    ordered = owner.get(f"{API}/cases", {"ordering": "name"}).json()["items"]
    assert [c["name"] for c in ordered] == sorted(c["name"] for c in ordered)
    page = owner.get(f"{API}/cases", {"limit": 2, "offset": 1}).json()
    assert page["count"] == 4
    assert len(page["items"]) == 2


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "abierto"}, "state"),
        ({"department": "15"}, "department"),
        ({"ordering": "pk"}, "ordering"),
        ({"limit": 0}, "limit"),
        ({"updated_since": "ayer"}, "updated_since"),
    ],
)
def test_list_bad_filters_are_422_naming_the_parameter(owner: Client, params: Any, field: str):
    response = owner.get(f"{API}/cases", params)
    assert response.status_code == 422
    assert field in response.json()["errors"]


@pytest.mark.parametrize("count", [5, 50])
def test_list_runs_a_constant_number_of_queries(
    owner: Client, owner_institution: Institution, django_assert_num_queries: Any, count: int
):
    for _ in range(count):
        CaseFactory(institution=owner_institution)
    # token lookup, token last-used update, memberships, count, page, places (with ubigeo)
    with django_assert_num_queries(6):
        response = owner.get(f"{API}/cases", {"limit": 100})
    assert response.status_code == 200
    assert len(response.json()["items"]) == count


# --- detail -------------------------------------------------------------------------------------


def test_detail_owner_sees_everything(owner: Client, registered_case: Case):
    actor_link = CaseActorFactory(case=registered_case, role="secondary", position="Exige agua")
    response = owner.get(f"{API}/cases/{registered_case.uuid}")
    assert response.status_code == 200
    body = response.json()
    assert body["description"] == "Descripción reservada"
    assert body["confidential_fields"] == ["description"]
    assert body["institution"]["slug"] == "defensoria"
    assert body["places"][0]["ubigeo"] == "021801"
    assert body["actors"] == [
        {
            "actor": {
                "uuid": str(actor_link.actor.uuid),
                "name": actor_link.actor.name,
                "kind": "organisation",
                "organisation_type": "community",
                "description": "",
                "institution": actor_link.actor.institution.slug,
            },
            "institution": "defensoria",
            "role": "secondary",
            "position": "Exige agua",
            "intensity": None,
        }
    ]
    assert body["permissions"]["can_edit"] is True
    assert body["permissions"]["sees_confidential"] is True
    assert "to_latent" in body["permissions"]["transitions"]


def test_detail_outsider_gets_null_for_confidential_fields(other: Client, registered_case: Case):
    response = other.get(f"{API}/cases/{registered_case.uuid}")
    assert response.status_code == 200
    body = response.json()
    assert body["description"] is None
    assert body["confidential_fields"] == ["description"]
    assert body["demands"] == "Demandas públicas"
    assert body["permissions"] == {
        "can_edit": False,
        "can_approve": False,
        "can_add_records": True,
        "sees_confidential": False,
        "transitions": [],
    }


def test_detail_outsider_gets_404_for_another_institutions_draft(other: Client, draft_case: Case):
    response = other.get(f"{API}/cases/{draft_case.uuid}")
    assert response.status_code == 404
    assert response.json() == {"detail": "No encontrado."}


def test_detail_unknown_and_malformed_uuid(owner: Client):
    assert owner.get(f"{API}/cases/4b6f8c1e-0000-4000-8000-000000000000").status_code == 404
    response = owner.get(f"{API}/cases/no-es-uuid")
    assert response.status_code == 422
    assert response.json()["errors"] == {"case_uuid": ["Identificador (UUID) no válido."]}


# --- create -------------------------------------------------------------------------------------


def test_create_draft(owner: Client, analyst: User):
    response = owner.post(f"{API}/cases", case_body(), content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(uuid=body["uuid"])
    assert case.state == CaseState.DRAFT
    assert case.created_by == analyst
    assert case.code is None
    assert case.subtype is not None
    assert case.subtype.code == "mineria"
    assert sorted(case.sectors.values_list("code", flat=True)) == ["minam", "minem"]
    assert [(p["ubigeo"], p["principal"]) for p in body["places"]] == [
        ("021801", True),
        ("150101", False),
    ]
    assert body["demands"] == "Remediación del río"
    assert body["permissions"]["transitions"] == ["submit"]


def test_outsider_cannot_create_for_another_institution(
    other: Client, owner_institution: Institution
):
    before = Case.objects.count()
    response = other.post(f"{API}/cases", case_body(), content_type=JSON)
    assert response.status_code == 403
    assert response.json()["detail"] == "No puede registrar casos para esta institución."
    assert Case.objects.count() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"places": [{"ubigeo": "999999"}]}, "places"),
        ({"places": [{"ubigeo": "15"}]}, "places.0.ubigeo"),
        ({"places": []}, "places"),
        ({"end_date": "2024-12-31"}, "end_date"),
        ({"typology": "no-existe"}, "typology"),
        ({"subtype": "no-existe"}, "subtype"),
        ({"sectors": ["no-existe"]}, "sectors"),
        ({"institution": "no-existe"}, "institution"),
        ({"start_date": "2999-01-01"}, "start_date"),
        ({"start_date": "10/01/2025"}, "start_date"),
        ({"name": "   "}, "name"),
        ({"name": None}, "name"),
        ({"competent_authority": "rey"}, "competent_authority"),
        ({"confidential_fields": ["name"]}, "confidential_fields"),
        ({"latitude": 91, "longitude": 0}, "latitude"),
        ({"investment_amount": "1.234"}, "investment_amount"),
        ({"description": "texto\x00nulo"}, "description"),
    ],
)
def test_create_bad_input_is_422_naming_the_field_and_saves_nothing(
    owner: Client, overrides: dict[str, Any], field: str
):
    before = Case.objects.count()
    response = owner.post(f"{API}/cases", case_body(**overrides), content_type=JSON)
    assert response.status_code == 422, response.content
    body = response.json()
    assert field in body["errors"], body
    assert all(isinstance(m, str) and m for m in body["errors"][field])
    assert Case.objects.count() == before


def test_create_missing_fields_are_named(owner: Client):
    response = owner.post(f"{API}/cases", {"institution": "defensoria"}, content_type=JSON)
    assert response.status_code == 422
    errors = response.json()["errors"]
    for field in ("name", "start_date", "typology", "places"):
        assert errors[field] == ["Este campo es obligatorio."]


def test_malformed_json_is_422_naming_the_body(owner: Client):
    before = Case.objects.count()
    response = owner.post(f"{API}/cases", '{"name": "sin cerrar', content_type=JSON)
    assert response.status_code == 422
    assert response.json()["errors"] == {"body": ["El cuerpo de la solicitud no es JSON válido."]}
    assert Case.objects.count() == before


def test_errors_follow_the_request_language(owner: Client):
    response = owner.post(
        f"{API}/cases",
        case_body(end_date="2024-12-31"),
        content_type=JSON,
        headers={"accept-language": "es"},
    )
    assert response.json()["errors"]["end_date"] == [
        "La fecha de fin no puede ser anterior a la fecha de inicio."
    ]
    assert response.json()["detail"] == "Los datos enviados no son válidos."


# --- patch --------------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent(owner: Client, registered_case: Case):
    response = owner.patch(
        f"{API}/cases/{registered_case.uuid}",
        {"name": "Nuevo nombre", "places": [{"ubigeo": "150101"}], "description": None},
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    case = Case.objects.get(pk=registered_case.pk)
    assert case.name == "Nuevo nombre"
    assert case.description == ""
    assert case.demands == "Demandas públicas"
    assert [p.ubigeo.code for p in case.places.all()] == ["150101"]
    assert response.json()["places"][0]["principal"] is True


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ('"x"', "body", "Debe ser un objeto JSON."),
        ("null", "body", "Debe ser un objeto JSON."),
        ('{"nmae": "Typo"}', "nmae", "Campo desconocido."),
        ('{"places": [{"ubigeo": "150101", "main": true}]}', "places.0.main", "Campo desconocido."),
    ],
)
def test_patch_body_must_be_an_object_of_known_fields(
    owner: Client, registered_case: Case, body: str, field: str, message: str
):
    response = owner.patch(f"{API}/cases/{registered_case.uuid}", body, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["errors"] == {field: [message]}
    assert Case.objects.get(pk=registered_case.pk).updated_at == registered_case.updated_at


def test_patch_bad_input_saves_nothing(owner: Client, registered_case: Case):
    response = owner.patch(
        f"{API}/cases/{registered_case.uuid}",
        {"name": "Cambio", "end_date": "2024-01-01"},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert "end_date" in response.json()["errors"]
    assert Case.objects.get(pk=registered_case.pk).name == registered_case.name


def test_patch_outsider_403_on_registered_and_404_on_draft(
    other: Client, registered_case: Case, draft_case: Case
):
    response = other.patch(
        f"{API}/cases/{registered_case.uuid}", {"name": "Intruso"}, content_type=JSON
    )
    assert response.status_code == 403
    response = other.patch(f"{API}/cases/{draft_case.uuid}", {"name": "Intruso"}, content_type=JSON)
    assert response.status_code == 404
    assert set(Case.objects.values_list("name", flat=True)) == {
        registered_case.name,
        draft_case.name,
    }


# --- transitions and phase ---------------------------------------------------------------------


def test_submit_then_coordinator_approves(owner: Client, coord: Client, draft_case: Case):
    url = f"{API}/cases/{draft_case.uuid}/transitions"
    response = owner.post(url, {"transition": "submit"}, content_type=JSON)
    assert response.status_code == 200
    assert response.json()["state"] == "proposed"
    refused = owner.post(url, {"transition": "approve"}, content_type=JSON)
    assert refused.status_code == 403
    assert Case.objects.get(pk=draft_case.pk).state == CaseState.PROPOSED
    approved = coord.post(url, {"transition": "approve", "phase": "crisis"}, content_type=JSON)
    assert approved.status_code == 200
    case = Case.objects.get(pk=draft_case.pk)
    assert (case.state, case.phase) == (CaseState.ACTIVE, Phase.CRISIS)
    assert case.code is not None
    assert approved.json()["code"] == case.code


def test_transition_refusals(owner: Client, other: Client, draft_case: Case, registered_case: Case):
    url = f"{API}/cases/{registered_case.uuid}/transitions"
    unknown = owner.post(url, {"transition": "cerrar"}, content_type=JSON)
    assert unknown.status_code == 422
    assert "transition" in unknown.json()["errors"]
    no_reason = owner.post(url, {"transition": "resolve"}, content_type=JSON)
    assert no_reason.status_code == 422
    assert "reason" in no_reason.json()["errors"]
    wrong_state = owner.post(url, {"transition": "submit"}, content_type=JSON)
    assert wrong_state.status_code == 422
    assert "transition" in wrong_state.json()["errors"]
    assert other.post(url, {"transition": "to_latent"}, content_type=JSON).status_code == 403
    draft_url = f"{API}/cases/{draft_case.uuid}/transitions"
    assert other.post(draft_url, {"transition": "submit"}, content_type=JSON).status_code == 404
    assert Case.objects.get(pk=registered_case.pk).state == CaseState.ACTIVE
    assert Case.objects.get(pk=draft_case.pk).state == CaseState.DRAFT


def test_phase_change_to_dialogue(owner: Client, registered_case: Case):
    url = f"{API}/cases/{registered_case.uuid}/phase"
    missing = owner.post(url, {"phase": "dialogue"}, content_type=JSON)
    assert missing.status_code == 422
    assert set(missing.json()["errors"]) == {"dialogue_mechanism", "institution_role"}
    response = owner.post(
        url,
        {"phase": "dialogue", "dialogue_mechanism": "mediated", "institution_role": "mediator"},
        content_type=JSON,
    )
    assert response.status_code == 200
    assert response.json()["dialogue_mechanism"] == "mediated"
    assert Case.objects.get(pk=registered_case.pk).phase == Phase.DIALOGUE


def test_phase_on_non_active_case_is_422(owner: Client, other: Client, draft_case: Case):
    response = owner.post(
        f"{API}/cases/{draft_case.uuid}/phase", {"phase": "crisis"}, content_type=JSON
    )
    assert response.status_code == 422
    assert "phase" in response.json()["errors"]
    assert Case.objects.get(pk=draft_case.pk).phase == ""
    denied = other.post(
        f"{API}/cases/{draft_case.uuid}/phase", {"phase": "crisis"}, content_type=JSON
    )
    assert denied.status_code == 404


# --- events -------------------------------------------------------------------------------------


def test_record_event_and_read_it_back(owner: Client, registered_case: Case):
    response = owner.post(
        f"{API}/cases/{registered_case.uuid}/events", event_body(), content_type=JSON
    )
    assert response.status_code == 201, response.content
    body = response.json()
    event = Event.objects.get(uuid=body["uuid"])
    assert event.case == registered_case
    assert event.institution.slug == "defensoria"
    assert body["sources"] == "Radio Chimbote"
    assert body["ubigeo_name"] == "Chimbote"
    assert body["victims"] == []
    detail = owner.get(f"{API}/events/{event.uuid}")
    assert detail.status_code == 200
    assert detail.json()["reported_by"] == "Monitor 12"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"event_date": "2025-06-16"}, "event_date"),
        ({"ubigeo": "999999"}, "ubigeo"),
        ({"sub_event_type": "Arrests"}, "sub_event_type"),
        ({"inter1": 42}, "inter1"),
        ({"event_type": "Fiesta"}, "event_type"),
        ({"institution": "no-existe"}, "institution"),
        ({"latitude": -9.0}, "latitude"),
    ],
)
@time_machine.travel(dt.datetime(2025, 6, 15, 12, tzinfo=dt.UTC), tick=False)
def test_record_event_bad_input_saves_nothing(
    owner: Client, registered_case: Case, overrides: dict[str, Any], field: str
):
    before = Event.objects.count()
    response = owner.post(
        f"{API}/cases/{registered_case.uuid}/events", event_body(**overrides), content_type=JSON
    )
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert Event.objects.count() == before


def test_outsider_records_own_event_on_registered_case_not_on_draft(
    other: Client, registered_case: Case, draft_case: Case
):
    response = other.post(
        f"{API}/cases/{registered_case.uuid}/events", event_body(), content_type=JSON
    )
    assert response.status_code == 201
    assert response.json()["institution"] == "onds"
    before = Event.objects.count()
    denied = other.post(f"{API}/cases/{draft_case.uuid}/events", event_body(), content_type=JSON)
    assert denied.status_code == 404
    assert Event.objects.count() == before


def test_event_sources_and_victims_only_for_the_owner(
    owner: Client, other: Client, analyst: User, registered_case: Case
):
    event = EventFactory(case=registered_case)
    services.record_victim(
        user=analyst,
        event=event,
        data={
            "outcome": VictimOutcome.INJURED,
            "group": "civilian",
            "full_name": "Juana Quispe",
            "age": 34,
        },
    )
    mine = owner.get(f"{API}/cases/{registered_case.uuid}/events").json()["items"][0]
    assert mine["sources"] == "Radio local"
    assert mine["reported_by"] == "Monitor de campo 7"
    assert mine["injured"] == 1
    assert [v["full_name"] for v in mine["victims"]] == ["Juana Quispe"]
    listed = other.get(f"{API}/cases/{registered_case.uuid}/events")
    assert listed.status_code == 200
    theirs = listed.json()["items"][0]
    assert theirs["sources"] is None
    assert theirs["reported_by"] is None
    assert theirs["victims"] is None
    assert theirs["injured"] == 1
    detail = other.get(f"{API}/events/{event.uuid}").json()
    assert (detail["sources"], detail["victims"]) == (None, None)
    assert "Juana" not in json.dumps(detail)


def test_events_of_another_institutions_draft_are_404(other: Client, draft_case: Case):
    event = EventFactory(case=draft_case)
    assert other.get(f"{API}/cases/{draft_case.uuid}/events").status_code == 404
    assert other.get(f"{API}/events/{event.uuid}").status_code == 404


# --- actors -------------------------------------------------------------------------------------


def test_create_list_and_link_actors(owner: Client, registered_case: Case):
    created = owner.post(
        f"{API}/actors",
        {
            "name": "Frente de Defensa de Chimbote",
            "kind": "organisation",
            "organisation_type": "defence_front",
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    actor = Actor.objects.get(uuid=created.json()["uuid"])
    assert actor.institution.slug == "defensoria"
    listed = owner.get(f"{API}/actors", {"q": "frente", "kind": "organisation"}).json()
    assert [a["uuid"] for a in listed["items"]] == [str(actor.uuid)]
    url = f"{API}/cases/{registered_case.uuid}/actors"
    linked = owner.post(url, {"actor": str(actor.uuid), "role": "primary"}, content_type=JSON)
    assert linked.status_code == 201
    assert linked.json()["institution"] == "defensoria"
    # Linking it again is refused with a clear message; the link is changed with PATCH.
    relinked = owner.post(
        url, {"actor": str(actor.uuid), "role": "tertiary", "intensity": 4}, content_type=JSON
    )
    assert relinked.status_code == 422
    assert "ya está vinculado" in relinked.json()["errors"]["actor"][0]
    changed = owner.patch(
        f"{url}/{actor.uuid}", {"role": "tertiary", "intensity": 4}, content_type=JSON
    )
    assert changed.status_code == 200, changed.content
    link = CaseActor.objects.get(case=registered_case, actor=actor)
    assert (link.role, link.intensity) == ("tertiary", 4)
    assert CaseActor.objects.filter(case=registered_case).count() == 1


def test_actor_refusals(
    owner: Client,
    other: Client,
    registered_case: Case,
    draft_case: Case,
    owner_institution: Institution,
):
    before = Actor.objects.count()
    bad = owner.post(f"{API}/actors", {"name": "X", "kind": "planta"}, content_type=JSON)
    assert bad.status_code == 422
    assert "kind" in bad.json()["errors"]
    foreign = other.post(
        f"{API}/actors",
        {"name": "X", "kind": "person", "institution": "defensoria"},
        content_type=JSON,
    )
    assert foreign.status_code == 403
    assert Actor.objects.count() == before
    # An actor only known through another institution's draft is not visible to the outsider.
    hidden = ActorFactory(institution=owner_institution, name="Actor reservado")
    CaseActorFactory(case=draft_case, actor=hidden)
    assert other.get(f"{API}/actors", {"q": "reservado"}).json()["count"] == 0
    assert owner.get(f"{API}/actors", {"q": "reservado"}).json()["count"] == 1
    link = other.post(
        f"{API}/cases/{registered_case.uuid}/actors",
        {"actor": str(hidden.uuid), "role": "primary"},
        content_type=JSON,
    )
    assert link.status_code == 422
    assert "actor" in link.json()["errors"]
    draft_link = other.post(
        f"{API}/cases/{draft_case.uuid}/actors",
        {"actor": str(hidden.uuid), "role": "primary"},
        content_type=JSON,
    )
    assert draft_link.status_code == 404
    bad_intensity = owner.post(
        f"{API}/cases/{registered_case.uuid}/actors",
        {"actor": str(hidden.uuid), "role": "primary", "intensity": 9},
        content_type=JSON,
    )
    assert bad_intensity.status_code == 422
    assert "intensity" in bad_intensity.json()["errors"]
    assert not CaseActor.objects.filter(case=registered_case).exists()


# --- reference data -----------------------------------------------------------------------------


def test_categories_shared_and_own(
    owner: Client, other: Client, owner_institution: Institution, other_institution: Institution
):
    shared = shared_category(CategoryKind.TYPOLOGY, "socioambiental")
    Category.objects.create(
        kind=CategoryKind.TYPOLOGY,
        code="agua-dp",
        name="Agua (DP)",
        institution=owner_institution,
        maps_to=shared,
    )
    mine = owner.get(f"{API}/reference/categories", {"kind": "typology"}).json()
    own = next(c for c in mine if c["code"] == "agua-dp")
    assert own == {
        "kind": "typology",
        "code": "agua-dp",
        "name": "Agua (DP)",
        "parent": None,
        "institution": "defensoria",
        "maps_to": "socioambiental",
    }
    assert {c["kind"] for c in mine} == {"typology"}
    assert len([c for c in mine if c["institution"] is None]) == 10
    theirs = other.get(f"{API}/reference/categories").json()
    assert "agua-dp" not in {c["code"] for c in theirs}
    subtypes = [c for c in theirs if c["kind"] == "subtype"]
    assert {c["parent"] for c in subtypes} == {"socioambiental"}


def test_choices_have_codes_and_spanish_labels(owner: Client):
    response = owner.get(f"{API}/reference/choices")
    assert response.status_code == 200
    body = response.json()
    assert {"code": "latent", "label": "Latente"} in body["states"]
    assert {"code": 6, "label": "Manifestantes"} in body["actor_type_codes"]
    protests = next(e for e in body["event_types"] if e["code"] == "Protests")
    assert protests["label"] == "Protestas"
    assert {s["code"] for s in protests["sub_event_types"]} == {
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    }
    assert {"code": "approve", "label": "Aprobar como activo"} in body["transitions"]


# --- OpenAPI and docs ---------------------------------------------------------------------------


def test_openapi_documents_every_path_and_error(anon: Client):
    response = anon.get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.1")
    paths = schema["paths"]
    for path in (
        "/api/v1/cases",
        "/api/v1/cases/{case_uuid}",
        "/api/v1/cases/{case_uuid}/transitions",
        "/api/v1/cases/{case_uuid}/phase",
        "/api/v1/cases/{case_uuid}/events",
        "/api/v1/events/{event_uuid}",
        "/api/v1/actors",
        "/api/v1/cases/{case_uuid}/actors",
        "/api/v1/reference/categories",
        "/api/v1/reference/choices",
    ):
        assert path in paths
        for method, operation in paths[path].items():
            codes = set(operation["responses"])
            assert {"400", "401", "422"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method != "get":
                assert "403" in codes, (method, path)
            error = operation["responses"]["401"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/ErrorOut"}
    assert set(schema["components"]["schemas"]["ErrorOut"]["properties"]) == {"detail", "errors"}


def test_docs_page_uses_bundled_swagger_not_a_cdn(anon: Client):
    response = anon.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    static = anon.get("/static/ninja/swagger-ui-bundle.js")
    assert static.status_code == 200

"""Regression tests of the confidentiality leaks found in the trust review (issue 5 §1).

Two institutions: the owner (Defensoría) records secrets; the outsider (ONDS) must never read
them on any surface — pages, history, every API operation. Each secret is a unique marker, so a
leak anywhere in a response body is found by a plain substring search.
"""

import datetime as dt
import json
import re
from typing import Any, cast

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from willaq.accounts.models import ApiToken, Institution, Role, User, hash_token
from willaq.cases import services
from willaq.cases.access import EVENT_PRIVATE_FIELDS, VICTIM_PRIVATE_FIELDS
from willaq.cases.choices import (
    CONFIDENTIAL_CAPABLE_FIELDS,
    ActorRole,
    CaseState,
    VictimGroup,
    VictimOutcome,
)
from willaq.cases.history import case_history
from willaq.cases.models import Actor, Case, CaseActor, Event
from willaq.complaints.choices import ComplaintKind
from willaq.complaints.services.intake import ComplaintInput, submit_complaint
from willaq.consultation.choices import MeasureKind, MeasureType
from willaq.consultation.services.processes import ProcessInput, open_process
from willaq.dialogue.choices import AttendanceStatus, ParticipantKind, SpaceKind
from willaq.dialogue.services import commitments as dialogue_commitments
from willaq.dialogue.services import sessions as dialogue_sessions
from willaq.dialogue.services import spaces as dialogue_spaces
from willaq.earlywarning.choices import AlertCertainty, AlertLevel, AlertUrgency
from willaq.earlywarning.models import Alert, DeploymentOrder
from willaq.territory.models import Ubigeo
from willaq.testing.factories import (
    ActorFactory,
    CaseActorFactory,
    CaseFactory,
    EventFactory,
    PreAlertFactory,
    member,
)

API = "/api/v1"
JSON = "application/json"


def _token_client(user: User) -> Client:
    raw = ApiToken.new_raw_value()
    ApiToken.objects.create(user=user, name="t", prefix=raw[:8], token_hash=hash_token(raw))
    return Client(headers={"authorization": f"Bearer {raw}"})


def _history_text(case: Case, user: User) -> str:
    return json.dumps(
        [(e.what, e.changes) for e in case_history(case, user)], ensure_ascii=False, default=str
    )


# --- 1. the history judges each value by the confidentiality in force when it was written ------


def test_history_hides_a_value_written_while_its_field_was_confidential(
    analyst: User, outsider: User, owner_institution: Institution
) -> None:
    case = cast(
        Case,
        CaseFactory(
            institution=owner_institution,
            description="SECRETO-VIEJO",
            confidential_fields=["description"],
        ),
    )
    services.update_case(user=analyst, case=case, data={"description": "SECRETO-NUEVO"})
    # The owner makes the field public: only the value in force from now on becomes public.
    services.update_case(user=analyst, case=case, data={"confidential_fields": []})
    outsider_view = _history_text(case, outsider)
    assert "SECRETO-VIEJO" not in outsider_view
    assert "SECRETO-NUEVO" not in outsider_view  # written while confidential, too
    assert "Confidencial" in outsider_view
    owner_view = _history_text(case, analyst)
    assert "SECRETO-VIEJO" in owner_view
    assert "SECRETO-NUEVO" in owner_view
    # A value written after the field became public is readable by everyone.
    services.update_case(user=analyst, case=case, data={"description": "YA PUBLICO"})
    assert "YA PUBLICO" in _history_text(case, outsider)
    # The same rule on the page: the case page's history shows no old secret.
    client = Client()
    client.force_login(outsider)
    page = client.get(reverse("cases:detail", kwargs={"case_uuid": case.uuid}))
    assert page.status_code == 200
    assert "SECRETO-VIEJO" not in page.content.decode()


def test_history_of_another_institutions_confidential_evidence_stays_out(
    analyst: User, outsider: User, owner_institution: Institution
) -> None:
    case = cast(Case, CaseFactory(institution=owner_institution))
    evidence = services.add_evidence(
        user=analyst,
        case=case,
        title="ACTA-RESERVADA",
        kind="document",
        upload=SimpleUploadedFile("acta.pdf", b"%PDF-1.4 prueba", content_type="application/pdf"),
        is_confidential=True,
    )
    assert "ACTA-RESERVADA" not in _history_text(case, outsider)
    # Its deletion does not reveal its title either.
    evidence._history_user = analyst  # type: ignore[attr-defined]
    evidence.delete()
    assert "ACTA-RESERVADA" not in _history_text(case, outsider)
    assert "ACTA-RESERVADA" in _history_text(case, analyst)


# --- 2. another institution cannot overwrite the owner's actor link ----------------------------


@pytest.fixture
def owned_link(owner_institution: Institution, analyst: User) -> CaseActor:
    case = CaseFactory(institution=owner_institution)
    actor = ActorFactory(institution=owner_institution, name="Frente de Defensa")
    return services.link_actor(
        user=analyst,
        case=case,
        actor=actor,
        role=ActorRole.PRIMARY,
        position="Posición de la Defensoría",
        intensity=5,
    )


def _unchanged(link: CaseActor) -> None:
    link.refresh_from_db()
    assert (link.role, link.position, link.intensity) == (
        ActorRole.PRIMARY,
        "Posición de la Defensoría",
        5,
    )
    assert CaseActor.objects.filter(case=link.case).count() == 1


def test_api_refuses_to_relink_and_to_edit_another_institutions_link(
    owned_link: CaseActor, outsider: User, analyst: User
) -> None:
    other = _token_client(outsider)
    url = f"{API}/cases/{owned_link.case.uuid}/actors"
    body = {"actor": str(owned_link.actor.uuid), "role": "tertiary", "position": "Otra"}
    relink = other.post(url, body, content_type=JSON)
    assert relink.status_code == 422
    assert "ya está vinculado" in relink.json()["errors"]["actor"][0]
    patch = other.patch(
        f"{url}/{owned_link.actor.uuid}",
        {"role": "tertiary", "position": "Otra"},
        content_type=JSON,
    )
    assert patch.status_code == 403
    delete = other.delete(f"{url}/{owned_link.actor.uuid}")
    assert delete.status_code == 403
    _unchanged(owned_link)
    # The owner changes its own link explicitly.
    owner = _token_client(analyst)
    changed = owner.patch(
        f"{url}/{owned_link.actor.uuid}", {"role": "secondary", "intensity": 2}, content_type=JSON
    )
    assert changed.status_code == 200
    owned_link.refresh_from_db()
    assert (owned_link.role, owned_link.intensity) == (ActorRole.SECONDARY, 2)


def test_page_refuses_to_relink_and_to_edit_another_institutions_link(
    owned_link: CaseActor, outsider: User
) -> None:
    client = Client()
    client.force_login(outsider)
    case = owned_link.case
    response = client.post(
        reverse("cases:actor_link", kwargs={"case_uuid": case.uuid}),
        {"actor": str(owned_link.actor.uuid), "role": ActorRole.TERTIARY, "position": "Otra"},
    )
    assert response.status_code == 200
    assert "ya está vinculado" in response.content.decode()
    edit = reverse(
        "cases:actor_link_edit",
        kwargs={"case_uuid": case.uuid, "actor_uuid": owned_link.actor.uuid},
    )
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"role": ActorRole.TERTIARY}).status_code == 403
    _unchanged(owned_link)
    # The page shows who made the link, and no edit button to the outsider.
    page = client.get(reverse("cases:detail", kwargs={"case_uuid": case.uuid})).content.decode()
    assert "vinculado por" in page
    assert edit not in page


def test_owner_edits_its_link_on_the_page(owned_link: CaseActor, analyst: User) -> None:
    client = Client()
    client.force_login(analyst)
    edit = reverse(
        "cases:actor_link_edit",
        kwargs={"case_uuid": owned_link.case.uuid, "actor_uuid": owned_link.actor.uuid},
    )
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"role": ActorRole.SECONDARY, "position": "Nueva", "intensity": 3})
    assert response.status_code == 302
    owned_link.refresh_from_db()
    assert (owned_link.role, owned_link.position, owned_link.intensity) == ("secondary", "Nueva", 3)


# --- 3. the link form offers and accepts only actors the user may see -------------------------


def test_link_form_neither_offers_nor_accepts_an_actor_known_only_from_a_foreign_draft(
    owner_institution: Institution, other_institution: Institution, outsider: User
) -> None:
    draft = CaseFactory(institution=owner_institution, state=CaseState.DRAFT)
    hidden = cast(Actor, ActorFactory(institution=owner_institution, name="Informante Oculto"))
    CaseActorFactory(case=draft, actor=hidden)
    registered = cast(Case, CaseFactory(institution=other_institution))
    client = Client()
    client.force_login(outsider)
    form_page = client.get(reverse("cases:actor_link", kwargs={"case_uuid": registered.uuid}))
    assert form_page.status_code == 200
    assert "Informante Oculto" not in form_page.content.decode()
    search = client.get(reverse("cases:actor_search"), {"actor_q": "informante"})
    assert search.status_code == 200
    assert "Informante Oculto" not in search.content.decode()
    posted = client.post(
        reverse("cases:actor_link", kwargs={"case_uuid": registered.uuid}),
        {"actor": str(hidden.uuid), "role": ActorRole.PRIMARY},
    )
    assert posted.status_code == 200
    assert "Actor desconocido." in posted.content.decode()
    assert not CaseActor.objects.filter(case=registered).exists()
    # The service refuses it too, whatever surface calls it.
    with pytest.raises(ValidationError):
        services.link_actor(user=outsider, case=registered, actor=hidden, role=ActorRole.PRIMARY)


def test_actor_search_finds_visible_actors_without_accents(
    analyst: User, owner_institution: Institution
) -> None:
    ActorFactory(institution=owner_institution, name="Comunidad Campesina de Ñahuimpuquio")
    client = Client()
    client.force_login(analyst)
    found = client.get(reverse("cases:actor_search"), {"actor_q": "NAHUIM"}).content.decode()
    assert found.count('type="radio"') == 1
    assert "Ñahuimpuquio" in found


# --- 4. no private field escapes, on any API operation or page ---------------------------------


SECRET = "SECRETO-{}-XYZ"


@pytest.fixture
def secrets_world(
    analyst: User, owner_institution: Institution, other_institution: Institution
) -> dict[str, Any]:
    """A registered case of the owner with a secret in every private field of every record."""
    case = cast(
        Case,
        CaseFactory(
            institution=owner_institution,
            confidential_fields=list(CONFIDENTIAL_CAPABLE_FIELDS),
            **{f: SECRET.format(f) for f in CONFIDENTIAL_CAPABLE_FIELDS},
        ),
    )
    event = cast(
        Event,
        EventFactory(case=case, **{f: SECRET.format(f) for f in EVENT_PRIVATE_FIELDS}),
    )
    services.record_victim(
        user=analyst,
        event=event,
        data={
            "outcome": VictimOutcome.INJURED,
            "group": VictimGroup.CIVILIAN,
            "full_name": SECRET.format("full_name"),
            "document_number": "99887766",
            "notes": SECRET.format("victim_notes"),
        },
    )
    services.add_evidence(
        user=analyst,
        case=case,
        title=SECRET.format("evidence"),
        kind="document",
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
        is_confidential=True,
    )
    actor = ActorFactory(institution=owner_institution)
    CaseActorFactory(case=case, actor=actor)
    # The stakeholder map: a relation whose note is the owner's analysis.
    other_actor = ActorFactory(institution=owner_institution)
    CaseActorFactory(case=case, actor=other_actor)
    services.record_relation(
        user=analyst,
        case=case,
        data=services.RelationInput(
            source=actor,
            target=other_actor,
            kind="tension",
            start_date=dt.date(2025, 1, 10),
            note=SECRET.format("relation_note"),
        ),
    )
    # An event recorded for a place without a case, with a victim: as private as any event.
    caseless = services.record_event(
        user=analyst,
        case=None,
        data={
            "event_date": "2025-05-03",
            "end_date": "2025-05-09",
            "event_type": "Protests",
            "sub_event_type": "Peaceful protest",
            "protest_form": "strike",
            "actor1": "Frente de defensa",
            "inter1": 6,
            "ubigeo_code": "020101",
            **{f: SECRET.format(f"caseless_{f}") for f in EVENT_PRIVATE_FIELDS},
        },
    )
    services.record_victim(
        user=analyst,
        event=caseless,
        data={
            "outcome": VictimOutcome.DEAD,
            "group": VictimGroup.CIVILIAN,
            "full_name": SECRET.format("caseless_victim"),
        },
    )
    # Early warning: a pre-alert, a restricted alert and a deployment order of the owner, each
    # with a secret where its sender, its contents or its instructions are.
    prealert = PreAlertFactory.create(
        institution=owner_institution,
        description=SECRET.format("prealert"),
        sender=SECRET.format("prealert_sender"),
        raw_payload=SECRET.format("prealert_raw"),
    )
    alert = Alert.objects.create(
        identifier="test-restricted",
        institution=owner_institution,
        sent_at=timezone.now(),
        level=AlertLevel.RED,
        urgency=AlertUrgency.IMMEDIATE,
        certainty=AlertCertainty.OBSERVED,
        headline=SECRET.format("alert"),
        description=SECRET.format("alert_description"),
        area_description="Cusco",
        is_public=False,
    )
    order = DeploymentOrder.objects.create(
        ordering_institution=owner_institution,
        institution=owner_institution,
        team=SECRET.format("order_team"),
        instructions=SECRET.format("order_instructions"),
        ubigeo=Ubigeo.objects.get(code="080701"),
        department_code="080000",
        ordered_at=timezone.now(),
    )
    # Dialogue: a roundtable of the owner with a secret in every confidential field (the
    # outsider reads the space, its sessions, acta and commitments, never these fields).
    today = timezone.localdate()
    space = dialogue_spaces.convene_space(
        analyst,
        owner_institution,
        dialogue_spaces.SpaceInput(
            kind=SpaceKind.DIALOGUE_TABLE,
            name="Mesa de diálogo",
            start_date=today - dt.timedelta(days=30),
            planned_end_date=today + dt.timedelta(days=300),
            internal_notes=SECRET.format("space_notes"),
            cases=[str(case.uuid)],
        ),
    )
    seat = dialogue_spaces.add_participant(
        analyst,
        space,
        dialogue_spaces.ParticipantInput(
            kind=ParticipantKind.COMMUNITY,
            name="Comunidad campesina",
            representative=SECRET.format("representative"),
        ),
    )
    session = dialogue_sessions.schedule_session(
        analyst,
        space,
        dialogue_sessions.SessionInput(starts_at=timezone.now() - dt.timedelta(days=3)),
    )
    dialogue_sessions.record_session(
        analyst,
        session,
        attendance=[
            dialogue_sessions.AttendanceInput(
                str(seat.uuid), AttendanceStatus.REPRESENTED, SECRET.format("represented_by")
            )
        ],
        minutes=SECRET.format("minutes"),
    )
    acta = dialogue_sessions.sign_acta(
        analyst,
        session,
        dialogue_sessions.ActaInput("Acta", today - dt.timedelta(days=3), [str(seat.uuid)]),
    )
    commitment = dialogue_commitments.add_commitment(
        analyst,
        acta,
        dialogue_commitments.CommitmentInput(
            description="Agua potable",
            due_date=today + dt.timedelta(days=30),
            responsible=[str(seat.uuid)],
            internal_notes=SECRET.format("commitment_notes"),
        ),
    )
    # Complaints: a citizen's complaint handled by the owner; the complainant is the secret.
    complaint, _new = submit_complaint(
        ComplaintInput(
            institution=owner_institution,
            kind=ComplaintKind.WASTE,
            description="Basura en el río",
            ubigeo_code="020101",
            complainant_name=SECRET.format("complainant"),
            complainant_contact="+51987650000",
        ),
        client_address="192.0.2.10",
    )
    # Prior consultation: a process of the owner linked to the case, with its internal notes as
    # the secret (the outsider reads the process, not them).
    process = open_process(
        analyst,
        ProcessInput(
            title="Consulta del lote 192",
            measure_kind=MeasureKind.ADMINISTRATIVE,
            measure_type=MeasureType.HYDROCARBON_LOT,
            peoples=["achuar"],
            cases=[str(case.uuid)],
            internal_notes=SECRET.format("process_notes"),
        ),
        owner_institution,
    )
    return {
        "process": process,
        "case": case,
        "event": event,
        "actor": actor,
        "caseless": caseless,
        "prealert": prealert,
        "alert": alert,
        "order": order,
        "space": space,
        "session": session,
        "acta": acta,
        "commitment": commitment,
        "complaint": complaint,
    }


def _leaks(text: str) -> list[str]:
    return re.findall(r"SECRETO-[a-z_]+-XYZ|99887766", text)


def test_api_event_notes_are_hidden_from_another_institution(
    secrets_world: dict[str, Any], outsider: User, analyst: User
) -> None:
    event = secrets_world["event"]
    other = _token_client(outsider).get(f"{API}/events/{event.uuid}").json()
    assert {f: other[f] for f in EVENT_PRIVATE_FIELDS} == dict.fromkeys(EVENT_PRIVATE_FIELDS)
    assert other["victims"] is None
    mine = _token_client(analyst).get(f"{API}/events/{event.uuid}").json()
    assert mine["notes"] == SECRET.format("notes")
    assert {v for victim in mine["victims"] for k, v in victim.items() if k == "full_name"} == {
        SECRET.format("full_name")
    }
    assert set(mine["victims"][0]) >= VICTIM_PRIVATE_FIELDS


def test_no_private_field_escapes_any_api_operation_or_page(
    secrets_world: dict[str, Any], outsider: User, analyst: User, peoples_registry: None
) -> None:
    """Walk every GET operation of the OpenAPI schema (with every path parameter filled with the
    secret-holding objects) as the outsider; then the pages. No secret may appear."""
    client = _token_client(outsider)
    schema = client.get(f"{API}/openapi.json").json()
    values = {
        "case_uuid": str(secrets_world["case"].uuid),
        "event_uuid": str(secrets_world["event"].uuid),
        "actor_uuid": str(secrets_world["actor"].uuid),
        "code": "021801",
        # report-engine: this month's figures and one of their CSV tables.
        "month": timezone.localdate().strftime("%Y-%m"),
        "table": "summary",
        # Open-data exports (willaq.reports): the events as CSV, streamed.
        "dataset": "events",
        "fmt": "csv",
        # Early warning: the owner's pre-alert, restricted alert and order (the outsider's
        # answer is 404: they are not the outsider's to see, nor is their existence).
        "prealert_uuid": str(secrets_world["prealert"].uuid),
        "alert_uuid": str(secrets_world["alert"].uuid),
        "order_uuid": str(secrets_world["order"].uuid),
        # Dialogue: the owner's roundtable, read by the outsider with its secrets emptied.
        "space_uuid": str(secrets_world["space"].uuid),
        "session_uuid": str(secrets_world["session"].uuid),
        "acta_uuid": str(secrets_world["acta"].uuid),
        "commitment_uuid": str(secrets_world["commitment"].uuid),
        # Complaints: handled by the owner, not the outsider's to see.
        "complaint_uuid": str(secrets_world["complaint"].uuid),
        # Prior consultation: the owner's process, read without its internal notes.
        "process_uuid": str(secrets_world["process"].uuid),
    }
    hidden = {
        f"{API}/prealerts/{{prealert_uuid}}",
        f"{API}/alerts/{{alert_uuid}}",
        f"{API}/orders/{{order_uuid}}",
        f"{API}/complaints/{{complaint_uuid}}",
    }
    queries = {f"{API}/territory/locate": "?lat=-9.07&lon=-78.59"}
    walked = 0
    # Every GET once with the case's event, once more with the caseless one where it differs.
    for event_uuid in (values["event_uuid"], str(secrets_world["caseless"].uuid)):
        values["event_uuid"] = event_uuid
        for path, item in schema["paths"].items():
            if "get" not in item:
                continue
            url = path
            for name, value in values.items():
                url = url.replace("{" + name + "}", value)
            assert "{" not in url, f"give a value for the parameters of {path}"
            response = client.get(url + queries.get(path, ""))
            expected = 404 if path in hidden else 200
            assert response.status_code == expected, (url, response.status_code)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert _leaks(body.decode()) == [], url
            walked += 1
    assert walked >= 20
    # The event list shows both events, the caseless one among them.
    listed = client.get(f"{API}/events", {"with_case": "false"}).json()
    assert [item["uuid"] for item in listed["items"]] == [str(secrets_world["caseless"].uuid)]
    # Every case and event output schema documents its private fields as nullable.
    private = {"Case": set(CONFIDENTIAL_CAPABLE_FIELDS), "Event": set(EVENT_PRIVATE_FIELDS)}
    checked = 0
    for name, component in schema["components"]["schemas"].items():
        for prefix, fields in private.items():
            if not (name.startswith(prefix) and name.endswith("Out")):
                continue
            for field in fields & set(component.get("properties", {})):
                assert {"type": "null"} in component["properties"][field].get("anyOf", []), (
                    name,
                    field,
                )
                checked += 1
    assert checked >= len(CONFIDENTIAL_CAPABLE_FIELDS) + len(EVENT_PRIVATE_FIELDS)
    # The pages, with the history on the case page.
    browser = Client()
    browser.force_login(outsider)
    case = secrets_world["case"]
    for url in (
        reverse("cases:dashboard"),
        reverse("cases:list"),
        reverse("cases:list") + "?q=SECRETO",
        reverse("cases:detail", kwargs={"case_uuid": case.uuid}),
        reverse("cases:history", kwargs={"case_uuid": case.uuid}),
        reverse("cases:event_list"),
        reverse("cases:event_detail", args=[secrets_world["event"].uuid]),
        reverse("cases:event_detail", args=[secrets_world["caseless"].uuid]),
        reverse("cases:stakeholder_map", args=[case.uuid]),
        reverse("cases:stakeholder_map_graphml", args=[case.uuid]),
        reverse("cases:stakeholder_map_csv", args=[case.uuid]),
        reverse("cases:actor_detail", args=[secrets_world["actor"].uuid]),
    ):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert _leaks(response.content.decode()) == [], url
    # Early warning's pages: the lists show none of the owner's; the objects answer 404; the
    # public Atom feed holds no restricted alert.
    for url in (
        reverse("earlywarning:queue"),
        reverse("earlywarning:alerts"),
        reverse("earlywarning:orders"),
        reverse("earlywarning:order_stats"),
        reverse("earlywarning:alert_feed"),
        reverse("earlywarning:prealert", args=[secrets_world["prealert"].uuid]),
        reverse("earlywarning:alert_detail", args=[secrets_world["alert"].uuid]),
        reverse("earlywarning:alert_cap", args=[secrets_world["alert"].uuid]),
        reverse("earlywarning:order_detail", args=[secrets_world["order"].uuid]),
    ):
        response = browser.get(url)
        assert response.status_code in (200, 404), url
        assert _leaks(response.content.decode()) == [], url
    # Dialogue: the outsider reads the owner's roundtable on every page, without its secrets;
    # minutes are 404 to them; the complaint is not theirs (404).
    space = secrets_world["space"]
    for url in (
        reverse("dialogue:spaces"),
        reverse("dialogue:space", args=[space.uuid]),
        reverse("dialogue:session", args=[secrets_world["session"].uuid]),
        reverse("dialogue:minutes", args=[secrets_world["session"].uuid]),
        reverse("dialogue:acta", args=[secrets_world["acta"].uuid]),
        reverse("dialogue:commitments"),
        reverse("dialogue:commitment", args=[secrets_world["commitment"].uuid]),
        reverse("dialogue:calendar"),
        reverse("dialogue:compliance"),
        reverse("dialogue:compliance_case", args=[case.uuid]),
        reverse("dialogue:case_panel", args=[case.uuid]),
        reverse("dialogue:risk_panel"),
        reverse("dialogue:calendar_subscriptions"),
        reverse("consultation:list"),
        reverse("consultation:board"),
        reverse("consultation:detail", args=[secrets_world["process"].uuid]),
        reverse("consultation:case_panel", args=[case.uuid]),
        reverse("complaints:queue"),
        reverse("complaints:detail", args=[secrets_world["complaint"].uuid]),
    ):
        response = browser.get(url)
        assert response.status_code in (200, 404), url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert _leaks(body.decode()) == [], url
    # The owner does see them (the test would pass vacuously otherwise).
    owner = Client()
    owner.force_login(analyst)
    page = owner.get(reverse("cases:detail", kwargs={"case_uuid": case.uuid})).content.decode()
    assert len(set(_leaks(page))) >= 10
    space_page = owner.get(reverse("dialogue:space", args=[space.uuid])).content.decode()
    assert {"SECRETO-space_notes-XYZ", "SECRETO-representative-XYZ"} <= set(_leaks(space_page))
    session_page = owner.get(reverse("dialogue:session", args=[secrets_world["session"].uuid]))
    assert "SECRETO-minutes-XYZ" in session_page.content.decode()
    process_page = owner.get(reverse("consultation:detail", args=[secrets_world["process"].uuid]))
    assert "SECRETO-process_notes-XYZ" in process_page.content.decode()
    caseless = secrets_world["caseless"]
    mine = owner.get(reverse("cases:event_detail", args=[caseless.uuid])).content.decode()
    assert len(set(_leaks(mine))) == len(EVENT_PRIVATE_FIELDS) + 1  # and the victim's name
    prealert = owner.get(reverse("earlywarning:prealert", args=[secrets_world["prealert"].uuid]))
    assert len(set(_leaks(prealert.content.decode()))) == 3


# --- actors: duplicates refused, merged by a coordinator ---------------------------------------


def test_duplicate_actor_is_refused_and_a_similar_one_needs_confirmation(
    analyst: User, owner_institution: Institution
) -> None:
    ActorFactory(institution=owner_institution, name="Frente de Defensa de Tía María")
    data = {"name": "FRENTE DE DEFENSA DE TIA MARIA", "kind": "organisation"}
    with pytest.raises(ValidationError) as refused:
        services.create_actor(user=analyst, institution=owner_institution, data=data)
    assert "Ya existe el actor" in str(refused.value)
    similar = {"name": "Frente Defensa de Tia Maria", "kind": "organisation"}
    with pytest.raises(ValidationError) as asked:
        services.create_actor(
            user=analyst, institution=owner_institution, data=similar, allow_similar=False
        )
    assert "¿Quiso decir" in str(asked.value)
    created = services.create_actor(user=analyst, institution=owner_institution, data=similar)
    assert Actor.objects.filter(search_name=created.search_name).count() == 1
    assert Actor.objects.count() == 2


def test_coordinator_merges_a_duplicate_and_its_links_move(
    analyst: User, coordinator: User, owner_institution: Institution
) -> None:
    keep = cast(Actor, ActorFactory(institution=owner_institution, name="Comunidad Uno"))
    dup = cast(Actor, ActorFactory(institution=owner_institution, name="Comunidad 1"))
    both = cast(Case, CaseFactory(institution=owner_institution))
    only_dup = cast(Case, CaseFactory(institution=owner_institution))
    CaseActorFactory(case=both, actor=keep)
    CaseActorFactory(case=both, actor=dup)
    CaseActorFactory(case=only_dup, actor=dup)
    with pytest.raises(PermissionDenied):
        services.merge_actors(user=analyst, source=dup, target=keep)
    client = Client()
    client.force_login(coordinator)
    url = reverse("cases:actor_merge", kwargs={"actor_uuid": dup.uuid})
    assert client.get(url).status_code == 200
    response = client.post(url, {"into": str(keep.uuid)})
    assert response.status_code == 302
    assert CaseActor.objects.filter(actor=dup).count() == 0
    assert CaseActor.objects.filter(actor=keep).count() == 2
    assert CaseActor.objects.filter(case=both).count() == 1
    dup.refresh_from_db()
    assert dup.merged_into == keep
    listed = _token_client(analyst).get(f"{API}/actors").json()
    assert [a["name"] for a in listed["items"]].count("Comunidad 1") == 0


def test_another_institution_neither_reads_nor_merges_an_actor_it_may_not_see(
    owner_institution: Institution, other_institution: Institution, outsider: User
) -> None:
    draft = CaseFactory(institution=owner_institution, state=CaseState.DRAFT)
    hidden = cast(Actor, ActorFactory(institution=owner_institution, name="Informante Oculto"))
    CaseActorFactory(case=draft, actor=hidden)
    assert _token_client(outsider).get(f"{API}/actors/{hidden.uuid}").status_code == 404
    listed = _token_client(outsider).get(f"{API}/actors", {"q": "informante"}).json()
    assert listed["count"] == 0
    coordinator = member(other_institution, Role.COORDINATOR, email="coord@onds.gob.pe")
    client = Client()
    client.force_login(coordinator)
    merge = reverse("cases:actor_merge", kwargs={"actor_uuid": hidden.uuid})
    assert client.get(merge).status_code == 404
    # A visible actor of another institution: readable, but only its own coordinators merge it.
    CaseActorFactory(case=CaseFactory(institution=owner_institution), actor=hidden)
    assert client.get(merge).status_code == 403
    own = ActorFactory(institution=other_institution)
    assert client.post(merge, {"into": str(own.uuid)}).status_code == 403
    hidden.refresh_from_db()
    assert hidden.merged_into is None

"""The case workflow and record services: every transition, legal and illegal, and bad input."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from willaq.accounts.models import Role
from willaq.audit.models import AuditEvent, AuditLog
from willaq.cases import services
from willaq.cases.choices import CaseState, Phase, TransitionKind
from willaq.cases.models import Case, CasePlace, CaseTransition, Category, Event, Evidence
from willaq.cases.services import TRANSITIONS, PlaceInput
from willaq.territory.models import Ubigeo
from willaq.testing.factories import CaseFactory, EventFactory, member

pytestmark = pytest.mark.django_db

CASE_DATA = {
    "name": "Comunidad de Ejemplo contra la ampliación de una mina ficticia",
    "description": "La comunidad exige la revisión del estudio de impacto ambiental.",
    "start_date": dt.date(2025, 2, 10),
    "typology": "socioambiental",
    "subtype": "mineria",
    "sectors": ["minem", "minam"],
    "demands": "Revisión del EIA y mesa de diálogo.",
}


def make_draft(user, institution, **overrides):
    data = CASE_DATA | overrides
    return services.create_case(
        user=user,
        institution=institution,
        data=data,
        places=[PlaceInput("021801", True), PlaceInput("021802")],
    )


def test_create_case_writes_draft_places_sectors_transition_and_audit(analyst, owner_institution):
    case = make_draft(analyst, owner_institution)
    assert case.state == CaseState.DRAFT
    assert case.code is None
    assert case.phase == ""
    assert [p.ubigeo.code for p in case.places.all()] == ["021801", "021802"]
    assert case.principal_place is not None
    assert case.principal_place.ubigeo.code == "021801"
    assert sorted(case.sectors.values_list("code", flat=True)) == ["minam", "minem"]
    assert case.transitions.get().kind == TransitionKind.CREATED
    log = AuditLog.objects.get(event_type=AuditEvent.CASE_CREATED)
    assert log.acting_user == analyst
    assert log.diff["name"][1] == CASE_DATA["name"]
    assert case.history.earliest("history_date").history_type == "+"


def test_first_place_becomes_principal_when_none_marked(analyst, owner_institution):
    case = services.create_case(
        user=analyst,
        institution=owner_institution,
        data=CASE_DATA,
        places=[PlaceInput("150101"), PlaceInput("150102")],
    )
    assert case.places.get(is_principal=True).ubigeo.code == "150101"


@pytest.mark.parametrize(
    ("overrides", "places", "field"),
    [
        ({}, [PlaceInput("999999", True)], "places"),
        ({}, [], "places"),
        ({}, [PlaceInput("021801", True), PlaceInput("021802", True)], "places"),
        ({"end_date": dt.date(2025, 1, 1)}, None, "end_date"),
        ({"start_date": dt.date(2099, 1, 1)}, None, "start_date"),
        ({"typology": "no-existe"}, None, "typology"),
        ({"subtype": "hidrocarburos", "typology": "laboral"}, None, "subtype"),
        ({"confidential_fields": ["name"]}, None, "confidential_fields"),
        ({"latitude": -9.5}, None, "latitude"),
    ],
)
def test_create_case_refuses_bad_input_and_saves_nothing(
    analyst, owner_institution, overrides, places, field
):
    before = (Case.objects.count(), CasePlace.objects.count(), AuditLog.objects.count())
    with pytest.raises(ValidationError) as excinfo:
        services.create_case(
            user=analyst,
            institution=owner_institution,
            data=CASE_DATA | overrides,
            places=places if places is not None else [PlaceInput("021801", True)],
        )
    assert field in excinfo.value.message_dict
    assert (Case.objects.count(), CasePlace.objects.count(), AuditLog.objects.count()) == before


def test_error_messages_are_spanish(analyst, owner_institution):
    with pytest.raises(ValidationError) as excinfo:
        make_draft(analyst, owner_institution, end_date=dt.date(2020, 1, 1))
    assert "anterior a la fecha de inicio" in excinfo.value.message_dict["end_date"][0]


def test_outsider_cannot_create_for_the_institution_but_its_reporter_can(
    owner_institution, outsider
):
    with pytest.raises(PermissionDenied):
        make_draft(outsider, owner_institution)
    assert not Case.objects.exists()
    make_draft(member(owner_institution, Role.REPORTER), owner_institution)
    assert Case.objects.count() == 1


def test_full_lifecycle_with_code_assignment(analyst, coordinator, owner_institution):
    case = make_draft(analyst, owner_institution)
    case = services.transition_case(user=analyst, case=case, name="submit")
    assert case.state == CaseState.PROPOSED
    case = services.transition_case(user=coordinator, case=case, name="approve")
    year = timezone.localdate().year
    assert case.state == CaseState.ACTIVE
    assert case.code == f"{year}-0001"
    assert case.phase == Phase.EARLY
    case = services.transition_case(user=analyst, case=case, name="to_latent")
    assert (case.state, case.phase) == (CaseState.LATENT, "")
    case = services.transition_case(user=analyst, case=case, name="reactivate", phase="crisis")
    assert (case.state, case.phase) == (CaseState.ACTIVE, Phase.CRISIS)
    case = services.transition_case(user=analyst, case=case, name="to_latent")
    case = services.transition_case(user=analyst, case=case, name="withdraw", reason="Inactivo")
    assert case.state == CaseState.WITHDRAWN
    assert case.end_date == timezone.localdate()
    case = services.transition_case(user=analyst, case=case, name="reactivate_withdrawn")
    assert case.state == CaseState.ACTIVE
    assert case.end_date is None
    case = services.transition_case(user=analyst, case=case, name="resolve", reason="Acuerdo")
    assert case.state == CaseState.RESOLVED
    kinds = list(case.transitions.values_list("kind", flat=True))
    assert kinds == [
        TransitionKind.CREATED,
        TransitionKind.SUBMITTED,
        TransitionKind.APPROVED,
        TransitionKind.TO_LATENT,
        TransitionKind.REACTIVATED,
        TransitionKind.TO_LATENT,
        TransitionKind.WITHDRAWN,
        TransitionKind.WITHDRAWN_REACTIVATED,
        TransitionKind.RESOLVED,
    ]
    assert AuditLog.objects.filter(event_type=AuditEvent.CASE_TRANSITION).count() == 8


def test_codes_are_sequential_per_year(analyst, coordinator, owner_institution):
    codes = []
    for _ in range(3):
        case = make_draft(analyst, owner_institution)
        services.transition_case(user=analyst, case=case, name="submit")
        codes.append(services.transition_case(user=coordinator, case=case, name="approve").code)
    year = timezone.localdate().year
    assert codes == [f"{year}-0001", f"{year}-0002", f"{year}-0003"]


def test_pre_conflict_path(analyst, coordinator, owner_institution):
    case = make_draft(analyst, owner_institution)
    services.transition_case(user=analyst, case=case, name="submit")
    case = services.transition_case(user=coordinator, case=case, name="approve_pre_conflict")
    assert case.state == CaseState.PRE_CONFLICT
    assert case.code
    assert case.phase == ""
    case = services.transition_case(user=analyst, case=case, name="escalate", phase="escalation")
    assert (case.state, case.phase) == (CaseState.ACTIVE, Phase.ESCALATION)


def test_return_to_draft_needs_a_reason(analyst, coordinator, owner_institution):
    case = make_draft(analyst, owner_institution)
    services.transition_case(user=analyst, case=case, name="submit")
    with pytest.raises(ValidationError) as excinfo:
        services.transition_case(user=coordinator, case=case, name="return")
    assert "reason" in excinfo.value.message_dict
    case = services.transition_case(
        user=coordinator, case=case, name="return", reason="Faltan datos"
    )
    assert case.state == CaseState.DRAFT
    assert case.transitions.values_list("reason", flat=True).last() == "Faltan datos"


def _case_in(state, institution):
    return CaseFactory(institution=institution, state=state)


# Every (transition, source state) pair NOT in the workflow must be refused.
ILLEGAL = [
    (name, state)
    for name, t in TRANSITIONS.items()
    for state in CaseState.values
    if state not in t.sources
]


@pytest.mark.parametrize(("name", "state"), ILLEGAL)
def test_illegal_transitions_are_refused_with_a_message(
    coordinator, owner_institution, name, state
):
    case = _case_in(state, owner_institution)
    before = case.history.count()
    with pytest.raises(ValidationError) as excinfo:
        services.transition_case(user=coordinator, case=case, name=name, reason="x")
    assert "no está permitido" in excinfo.value.message_dict["transition"][0]
    case.refresh_from_db()
    assert case.state == state
    assert case.history.count() == before
    assert not CaseTransition.objects.filter(case=case).exists()


LEGAL = [(name, state) for name, t in TRANSITIONS.items() for state in t.sources]


@pytest.mark.parametrize(("name", "state"), LEGAL)
def test_every_legal_transition_reaches_its_target(coordinator, owner_institution, name, state):
    case = _case_in(state, owner_institution)
    case = services.transition_case(user=coordinator, case=case, name=name, reason="motivo")
    assert case.state == TRANSITIONS[name].target
    registered = case.state not in (CaseState.DRAFT, CaseState.PROPOSED)
    assert bool(case.code) == registered, "a registered case carries a code, a draft none"
    assert (case.phase != "") == (case.state == CaseState.ACTIVE)


def test_analyst_cannot_approve_and_outsider_cannot_transition(
    analyst, coordinator, outsider, owner_institution
):
    case = make_draft(analyst, owner_institution)
    services.transition_case(user=analyst, case=case, name="submit")
    with pytest.raises(PermissionDenied):
        services.transition_case(user=analyst, case=case, name="approve")
    with pytest.raises(PermissionDenied):
        services.transition_case(user=outsider, case=case, name="return", reason="x")
    case.refresh_from_db()
    assert case.state == CaseState.PROPOSED
    assert case.code is None


def test_unknown_transition_is_refused(analyst, owner_institution):
    case = make_draft(analyst, owner_institution)
    with pytest.raises(ValidationError):
        services.transition_case(user=analyst, case=case, name="teleport")


def test_phase_only_while_active_and_mechanism_only_in_dialogue(analyst, owner_institution):
    latent = _case_in(CaseState.LATENT, owner_institution)
    with pytest.raises(ValidationError) as excinfo:
        services.change_phase(user=analyst, case=latent, phase="crisis")
    assert "phase" in excinfo.value.message_dict

    active = _case_in(CaseState.ACTIVE, owner_institution)
    with pytest.raises(ValidationError) as excinfo:
        services.change_phase(
            user=analyst, case=active, phase="crisis", dialogue_mechanism="direct"
        )
    assert "dialogue_mechanism" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.change_phase(user=analyst, case=active, phase="dialogue")
    assert set(excinfo.value.message_dict) == {"dialogue_mechanism", "institution_role"}

    case = services.change_phase(
        user=analyst,
        case=active,
        phase="dialogue",
        dialogue_mechanism="mediated",
        institution_role="mediator",
    )
    assert (case.phase, case.dialogue_mechanism, case.institution_role) == (
        "dialogue",
        "mediated",
        "mediator",
    )
    case = services.change_phase(user=analyst, case=case, phase="deescalation")
    assert (case.dialogue_mechanism, case.institution_role) == ("", "")
    # Leaving the active state clears phase, mechanism and role.
    services.change_phase(
        user=analyst,
        case=case,
        phase="dialogue",
        dialogue_mechanism="direct",
        institution_role="promoter",
    )
    case = services.transition_case(user=analyst, case=case, name="to_latent")
    assert (case.phase, case.dialogue_mechanism, case.institution_role) == ("", "", "")


def test_update_case_records_field_diff(analyst, owner_institution):
    case = make_draft(analyst, owner_institution)
    services.update_case(
        user=analyst,
        case=case,
        data={"name": "Nombre corregido", "sectors": ["minem"]},
        places=[PlaceInput("080101", True)],
    )
    log = AuditLog.objects.filter(event_type=AuditEvent.CASE_CHANGED).get()
    assert log.diff["name"] == [CASE_DATA["name"], "Nombre corregido"]
    assert log.diff["places"] == [["021801*", "021802"], ["080101*"]]
    assert log.diff["sectors"] == [["minam", "minem"], ["minem"]]


def test_outsider_cannot_update(outsider, analyst, owner_institution):
    case = make_draft(analyst, owner_institution)
    with pytest.raises(PermissionDenied):
        services.update_case(user=outsider, case=case, data={"name": "x"})


EVENT = {
    "event_date": dt.date(2025, 3, 3),
    "event_type": "Protests",
    "sub_event_type": "Peaceful protest",
    "protest_form": "road_blockade",
    "actor1": "Protesters (Peru)",
    "inter1": 6,
    "ubigeo_code": "021801",
    "sources": "Radio comunal",
    "reported_by": "Monitor 12",
}


def test_record_event_defaults_point_to_place_capital(analyst, owner_institution):
    case = _case_in(CaseState.ACTIVE, owner_institution)
    event = services.record_event(user=analyst, case=case, data=EVENT)
    assert event.institution == owner_institution
    assert event.latitude == event.ubigeo.latitude
    assert event.geo_precision >= 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"event_date": dt.date(2099, 1, 1)}, "event_date"),
        ({"sub_event_type": "Mob violence"}, "sub_event_type"),
        ({"ubigeo_code": "000000"}, "ubigeo_code"),
        ({"latitude": -9.0}, "latitude"),
    ],
)
def test_record_event_refuses_bad_input(analyst, owner_institution, overrides, field):
    case = _case_in(CaseState.ACTIVE, owner_institution)
    with pytest.raises(ValidationError) as excinfo:
        services.record_event(user=analyst, case=case, data=EVENT | overrides)
    assert field in excinfo.value.message_dict
    assert not Event.objects.exists()


def test_event_with_only_a_gps_point_gets_its_district(analyst, owner_institution):
    case = _case_in(CaseState.ACTIVE, owner_institution)
    huaraz = Ubigeo.objects.get(code="020101")
    data = {k: v for k, v in EVENT.items() if k != "ubigeo_code"}
    event = services.record_event(
        user=analyst,
        case=case,
        data=data
        | {"latitude": huaraz.latitude, "longitude": huaraz.longitude, "geo_precision": 1},
    )
    assert event.ubigeo.department_code == "020000"
    assert event.geo_precision == 1
    with pytest.raises(ValidationError) as excinfo:
        services.record_event(
            user=analyst, case=case, data=data | {"latitude": -12.0, "longitude": -85.0}
        )
    assert "fuera del territorio" in excinfo.value.message_dict["latitude"][0]


def test_future_event_refused_on_the_day_boundary(analyst, owner_institution):
    case = _case_in(CaseState.ACTIVE, owner_institution)
    with time_machine.travel(dt.datetime(2026, 5, 10, 23, 30, tzinfo=dt.UTC)):
        # 23:30 UTC is 18:30 in Lima: the 11th is still tomorrow there.
        with pytest.raises(ValidationError):
            services.record_event(
                user=analyst, case=case, data=EVENT | {"event_date": dt.date(2026, 5, 11)}
            )
        services.record_event(
            user=analyst, case=case, data=EVENT | {"event_date": dt.date(2026, 5, 10)}
        )


def test_outsider_adds_own_event_to_registered_case_but_not_to_draft(
    analyst, outsider, owner_institution, other_institution
):
    active = _case_in(CaseState.ACTIVE, owner_institution)
    event = services.record_event(user=outsider, case=active, data=EVENT)
    assert event.institution == other_institution
    draft = make_draft(analyst, owner_institution)
    with pytest.raises(PermissionDenied):
        services.record_event(user=outsider, case=draft, data=EVENT)


def test_victims_update_event_counts(analyst, owner_institution, outsider):
    event = EventFactory(case=_case_in(CaseState.ACTIVE, owner_institution))
    services.record_victim(
        user=analyst,
        event=event,
        data={"outcome": "dead", "group": "civilian", "full_name": "Persona A"},
    )
    services.record_victim(
        user=analyst, event=event, data={"outcome": "injured", "group": "police"}
    )
    services.record_victim(
        user=analyst, event=event, data={"outcome": "injured", "group": "police"}
    )
    event.refresh_from_db()
    assert (event.fatalities, event.injured) == (1, 2)
    logs = AuditLog.objects.filter(event_type=AuditEvent.VICTIM_RECORDED)
    assert logs.count() == 3
    assert "Persona A" not in str(list(logs.values_list("diff", flat=True)))
    with pytest.raises(PermissionDenied):
        services.record_victim(
            user=outsider, event=event, data={"outcome": "dead", "group": "civilian"}
        )


def test_actor_link_and_roles(analyst, owner_institution):
    case = _case_in(CaseState.ACTIVE, owner_institution)
    actor = services.create_actor(
        user=analyst,
        institution=owner_institution,
        data={"name": "Frente de Defensa X", "kind": "organisation"},
    )
    link = services.link_actor(user=analyst, case=case, actor=actor, role="primary", intensity=4)
    assert link.role == "primary"
    with pytest.raises(ValidationError):
        services.link_actor(user=analyst, case=case, actor=actor, role="boss")
    with pytest.raises(ValidationError):
        services.link_actor(user=analyst, case=case, actor=actor, role="primary", intensity=9)


def _upload(name, content):
    return SimpleUploadedFile(name, content)


def test_evidence_type_size_and_content_checks(analyst, owner_institution, settings):
    case = _case_in(CaseState.ACTIVE, owner_institution)
    ok = services.add_evidence(
        user=analyst,
        case=case,
        title="Acta",
        kind="document",
        upload=_upload("acta.pdf", b"%PDF-1.4 x"),
    )
    assert ok.content_type == "application/pdf"
    assert ok.size_bytes == 10
    for name, content, message in [
        ("virus.exe", b"MZ...", "no permitido"),
        ("falso.pdf", b"MZ not a pdf", "no corresponde"),
        ("vacio.pdf", b"", "vacío"),
    ]:
        with pytest.raises(ValidationError) as excinfo:
            services.add_evidence(
                user=analyst, case=case, title="X", kind="document", upload=_upload(name, content)
            )
        assert message in excinfo.value.message_dict["file"][0]
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    with pytest.raises(ValidationError) as excinfo:
        services.add_evidence(
            user=analyst,
            case=case,
            title="X",
            kind="photo",
            upload=_upload("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * 1024 * 1024),
        )
    assert "tamaño máximo" in excinfo.value.message_dict["file"][0]
    assert Evidence.objects.count() == 1


def test_load_categories_second_run_changes_nothing():
    retired = Category.objects.get(code="agua", institution=None)
    retired.is_active = False
    retired.save()
    stamps = dict(Category.objects.values_list("pk", "updated_at"))
    call_command("load_categories", verbosity=0)
    assert dict(Category.objects.values_list("pk", "updated_at")) == stamps
    assert not Category.objects.get(pk=retired.pk).is_active
    assert Category.objects.filter(kind="typology", institution=None).count() == 10

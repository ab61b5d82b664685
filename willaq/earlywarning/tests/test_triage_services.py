"""The triage services with the personas: the review states, claims by two analysts, every bulk
action (all or nothing), validation into an event of a case and into a proposed case, and the
reporter told the outcome."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from willaq.accounts.models import Institution, Notification, Role, User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.cases.choices import CaseState, EventType, SubEventType
from willaq.cases.models import Case, Event
from willaq.earlywarning.choices import Channel, ReviewState
from willaq.earlywarning.models import PreAlert, Reporter
from willaq.earlywarning.services import triage
from willaq.testing.factories import CaseFactory, PreAlertFactory, ReporterFactory, member

pytestmark = pytest.mark.django_db


def _audits(event: AuditEvent) -> int:
    return AuditLog.objects.filter(event_type=event).count()


@pytest.fixture
def second_analyst(owner_institution: Institution) -> User:
    return member(
        owner_institution, Role.ANALYST, email="beto@dp.gob.pe", full_name="Beto Analista"
    )


@pytest.fixture
def sent(owner_institution: Institution, field_reporter: User) -> PreAlert:
    """A pre-alert the field reporter sent from the web form."""
    return PreAlertFactory.create(
        institution=owner_institution,
        submitted_by=field_reporter,
        reporter=field_reporter.reporter_profile,
        actors="Comunidad campesina de Uchucarco; empresa minera",
        demands="Reubicación del botadero",
        measures="Bloqueo de la vía",
        measures_date=dt.date(2026, 1, 10),
        occurred_on=dt.date(2025, 11, 3),
    )


# --- claims -------------------------------------------------------------------------------------


def test_two_analysts_claim_the_same_item(
    analyst: User, second_analyst: User, sent: PreAlert
) -> None:
    triage.claim(analyst, sent)
    sent.refresh_from_db()
    assert sent.reviewing_by == analyst
    assert sent.state == ReviewState.IN_REVIEW
    with pytest.raises(ValidationError) as error:
        triage.claim(second_analyst, sent)
    assert "Ana Analista" in error.value.message_dict["reviewing_by"][0]
    # Nor may the second analyst act on it meanwhile.
    with pytest.raises(ValidationError):
        triage.reject(second_analyst, [sent], "No corresponde")
    with pytest.raises(ValidationError):
        triage.release(second_analyst, sent)
    # An explicit take-over is allowed, and the audit log says from whom.
    triage.claim(second_analyst, sent, force=True)
    sent.refresh_from_db()
    assert sent.reviewing_by == second_analyst
    claims = AuditLog.objects.filter(event_type=AuditEvent.PREALERT_CLAIMED).order_by("id")
    assert claims.count() == 2
    assert claims[1].diff["forced"] is True
    assert claims[1].diff["taken_from"] == "Ana Analista"


def test_a_claim_lapses_after_thirty_minutes(
    analyst: User, second_analyst: User, sent: PreAlert
) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        triage.claim(analyst, sent)
    with time_machine.travel(start + dt.timedelta(minutes=triage.CLAIM_MINUTES + 1), tick=False):
        sent.refresh_from_db()
        assert triage.active_holder(sent) is None
        triage.claim(second_analyst, sent)
    sent.refresh_from_db()
    assert sent.reviewing_by == second_analyst
    forced = AuditLog.objects.filter(event_type=AuditEvent.PREALERT_CLAIMED).order_by("id")[1]
    assert forced.diff["forced"] is False


def test_release_gives_it_back(analyst: User, sent: PreAlert) -> None:
    triage.claim(analyst, sent)
    triage.release(analyst, sent)
    sent.refresh_from_db()
    assert sent.reviewing_by is None
    assert sent.reviewing_since is None
    assert _audits(AuditEvent.PREALERT_RELEASED) == 1


def test_outsider_and_reporter_may_not_review(
    outsider: User, field_reporter: User, sent: PreAlert
) -> None:
    for user in (outsider, field_reporter):
        with pytest.raises(PermissionDenied):
            triage.claim(user, sent)
        with pytest.raises(PermissionDenied):
            triage.reject(user, [sent], "x")
        with pytest.raises(PermissionDenied):
            triage.set_state(user, sent, ReviewState.IN_REVIEW)
    assert AuditLog.objects.filter(event_type__gte=801, event_type__lte=809).count() == 0


# --- states ---------------------------------------------------------------------------------


def test_has_issues_needs_a_note_and_asks_the_reporter(
    analyst: User,
    field_reporter: User,
    sent: PreAlert,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with pytest.raises(ValidationError) as error:
        triage.set_state(analyst, sent, ReviewState.HAS_ISSUES)
    assert "note" in error.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        triage.set_state(
            analyst, sent, ReviewState.HAS_ISSUES, note="¿En qué comunidad exactamente?"
        )
    sent.refresh_from_db()
    assert sent.state == ReviewState.HAS_ISSUES
    assert sent.review_notes == "¿En qué comunidad exactamente?"
    assert sent.outcome_notified_at is not None
    notes = Notification.objects.filter(user=field_reporter)
    assert notes.count() == 1
    assert notes.get().kind == "prealert.has_issues"
    assert "¿En qué comunidad exactamente?" in notes.get().body
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["reportero@dp.gob.pe"]
    # Back in review once clarified; closing states have their own actions.
    triage.set_state(analyst, sent, ReviewState.IN_REVIEW)
    with pytest.raises(ValidationError):
        triage.set_state(analyst, sent, ReviewState.VALIDATED)
    assert _audits(AuditEvent.PREALERT_STATE_CHANGED) == 2


def test_a_closed_prealert_moves_no_more(analyst: User, sent: PreAlert) -> None:
    triage.reject(analyst, [sent], "Información falsa")
    sent.refresh_from_db()
    with translation.override("es"), pytest.raises(ValidationError) as error:
        triage.set_state(analyst, sent, ReviewState.IN_REVIEW)
    assert "Rechazada" in error.value.message_dict["state"][0]
    with pytest.raises(ValidationError):
        triage.claim(analyst, sent)
    assert set(triage.REVIEW_TRANSITIONS[ReviewState.REJECTED]) == set()


def test_structure_an_unstructured_sms(analyst: User, owner_institution: Institution) -> None:
    sms = PreAlertFactory.create(
        institution=owner_institution,
        channel=Channel.SMS,
        ubigeo=None,
        department_code="",
        description="paro en colquemarca mañana x el agua",
        is_structured=False,
        sender="+51911222333",
        unknown_sender=True,
    )
    with pytest.raises(ValidationError) as error:
        triage.structure(analyst, sms, {"description": "Paro"})
    assert "ubigeo" in error.value.message_dict
    triage.structure(
        analyst,
        sms,
        {
            "ubigeo": "080703",
            "description": "Paro anunciado en Colquemarca por el agua.",
            "urgency": "high",
            "measures": "Paro",
        },
    )
    sms.refresh_from_db()
    assert sms.is_structured
    assert sms.ubigeo is not None
    assert sms.ubigeo.code == "080703"
    assert sms.department_code == "080000"
    assert sms.urgency == "high"
    log = AuditLog.objects.get(event_type=AuditEvent.PREALERT_STRUCTURED)
    assert log.diff["ubigeo"] == [None, "080703"]
    assert log.diff["is_structured"] == [False, True]


# --- validation ---------------------------------------------------------------------------------


def test_validate_into_an_event_of_an_existing_case(
    analyst: User,
    field_reporter: User,
    owner_institution: Institution,
    sent: PreAlert,
    django_capture_on_commit_callbacks: Any,
) -> None:
    case = CaseFactory.create(institution=owner_institution, place="080701")
    with django_capture_on_commit_callbacks(execute=True):
        triage.validate(
            analyst,
            sent,
            case=case,
            event_data=triage.EventData(
                event_type=EventType.PROTESTS,
                sub_event_type=SubEventType.PEACEFUL_PROTEST,
                protest_form="road_blockade",
                actor1="Comunidad campesina de Uchucarco",
                inter1=6,
            ),
        )
    sent.refresh_from_db()
    assert sent.state == ReviewState.VALIDATED
    assert sent.reviewed_by == analyst
    assert sent.reviewed_at is not None
    assert sent.case == case
    event = Event.objects.get()
    assert sent.event == event
    assert event.case == case
    assert event.institution == owner_institution
    assert event.event_date == dt.date(2025, 11, 3)
    assert event.ubigeo.code == "080701"
    assert event.protest_form == "road_blockade"
    assert event.sources == f"Prealerta Formulario web {sent.uuid.hex[:8]}"
    assert event.reported_by == "Rosa Reportera"
    assert event.notes.startswith("Comuneros anuncian paro indefinido")
    assert "Demandas: Reubicación del botadero" in event.notes
    assert "Medidas anunciadas: Bloqueo de la vía (anunciadas para el 2026-01-10)" in event.notes
    assert _audits(AuditEvent.EVENT_CREATED) == 1
    log = AuditLog.objects.get(event_type=AuditEvent.PREALERT_VALIDATED)
    assert log.diff["event"] == str(event.uuid)
    assert log.diff["new_case"] is False
    notes = Notification.objects.filter(user=field_reporter)
    assert [n.kind for n in notes] == ["prealert.validated"]
    assert len(mail.outbox) == 1
    assert "validada" in mail.outbox[0].subject


def test_validate_needs_the_event_type_and_a_case_the_user_may_add_to(
    analyst: User, other_institution: Institution, sent: PreAlert
) -> None:
    # Another institution's draft: not visible (a registered case of theirs takes events).
    foreign = CaseFactory.create(institution=other_institution, state=CaseState.DRAFT)
    choice = triage.EventData(
        event_type=EventType.PROTESTS,
        sub_event_type=SubEventType.PEACEFUL_PROTEST,
        actor1="Comuneros",
        inter1=None,
    )
    with pytest.raises(ValidationError) as error:
        triage.validate(
            analyst, sent, case=CaseFactory.create(institution=sent.institution), event_data=choice
        )
    assert "inter1" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        triage.validate(analyst, sent, case=foreign, event_data=choice)
    assert "case" in error.value.message_dict
    with pytest.raises(ValidationError):
        triage.validate(analyst, sent)
    sent.refresh_from_db()
    assert sent.state == ReviewState.RECEIVED
    assert Event.objects.count() == 0


def test_validate_into_a_proposed_case(
    analyst: User,
    coordinator: User,
    field_reporter: User,
    owner_institution: Institution,
    sent: PreAlert,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        triage.validate(
            analyst,
            sent,
            new_case_data=triage.NewCaseData(
                name="Conflicto por el botadero de Uchucarco", typology="socioambiental"
            ),
        )
    sent.refresh_from_db()
    case = Case.objects.get()
    assert sent.case == case
    assert sent.event is None
    assert sent.state == ReviewState.VALIDATED
    assert case.state == CaseState.PROPOSED
    assert case.institution == owner_institution
    assert case.name == "Conflicto por el botadero de Uchucarco"
    assert case.description == sent.description
    assert case.demands == "Reubicación del botadero"
    assert case.start_date == dt.date(2025, 11, 3)
    assert [p.ubigeo.code for p in case.places.all()] == ["080701"]
    assert _audits(AuditEvent.CASE_CREATED) == 1
    assert _audits(AuditEvent.CASE_TRANSITION) == 1
    assert AuditLog.objects.get(event_type=AuditEvent.PREALERT_VALIDATED).diff["new_case"] is True
    # The coordinators hear of the proposal (cases' workflow), the reporter of the outcome.
    assert Notification.objects.filter(user=field_reporter, kind="prealert.validated").count() == 1
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == ["coord@dp.gob.pe", "reportero@dp.gob.pe"]


def test_an_unstructured_prealert_is_structured_before_validation(
    analyst: User, owner_institution: Institution
) -> None:
    sms = PreAlertFactory.create(institution=owner_institution, is_structured=False)
    with pytest.raises(ValidationError) as error:
        triage.validate(
            analyst, sms, new_case_data=triage.NewCaseData(name="X", typology="socioambiental")
        )
    assert "state" in error.value.message_dict
    assert Case.objects.count() == 0


# --- bulk actions -------------------------------------------------------------------------------


def test_bulk_assign_tells_the_assignee(
    coordinator: User,
    analyst: User,
    outsider: User,
    owner_institution: Institution,
    django_capture_on_commit_callbacks: Any,
) -> None:
    items = PreAlertFactory.create_batch(3, institution=owner_institution)
    items[0].assigned_to = analyst
    items[0].save()
    with pytest.raises(ValidationError) as error:
        triage.assign(coordinator, items, outsider)
    assert "assignee" in error.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        changed = triage.assign(coordinator, items, analyst)
    assert changed == 2
    assert PreAlert.objects.filter(assigned_to=analyst).count() == 3
    assert _audits(AuditEvent.PREALERT_ASSIGNED) == 2
    note = Notification.objects.get(user=analyst)
    assert note.kind == "prealert.assigned"
    assert note.title == "Le asignaron 2 prealertas"
    assert len(mail.outbox) == 1


def test_bulk_reject_needs_a_reason_and_is_all_or_nothing(
    analyst: User,
    owner_institution: Institution,
    other_institution: Institution,
    field_reporter: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    mine = PreAlertFactory.create_batch(
        2, institution=owner_institution, submitted_by=field_reporter
    )
    foreign = PreAlertFactory.create(institution=other_institution)
    with pytest.raises(ValidationError) as error:
        triage.reject(analyst, mine, "   ")
    assert "reason" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        triage.reject(analyst, [*mine, foreign], "Fuera de ámbito")
    validated = PreAlertFactory.create(institution=owner_institution, state=ReviewState.VALIDATED)
    with pytest.raises(ValidationError):
        triage.reject(analyst, [*mine, validated], "Fuera de ámbito")
    assert PreAlert.objects.filter(state=ReviewState.REJECTED).count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert triage.reject(analyst, mine, "Fuera de ámbito") == 2
    assert (
        PreAlert.objects.filter(
            state=ReviewState.REJECTED, rejection_reason="Fuera de ámbito"
        ).count()
        == 2
    )
    assert _audits(AuditEvent.PREALERT_REJECTED) == 2
    notes = Notification.objects.filter(user=field_reporter, kind="prealert.rejected")
    assert notes.count() == 2
    assert "Motivo: Fuera de ámbito" in notes.first().body  # type: ignore[union-attr]
    assert len(mail.outbox) == 2


def test_bulk_mark_duplicate(
    analyst: User, owner_institution: Institution, other_institution: Institution
) -> None:
    original = PreAlertFactory.create(institution=owner_institution)
    copies = PreAlertFactory.create_batch(2, institution=owner_institution)
    with pytest.raises(ValidationError):
        triage.mark_duplicate(analyst, [original, *copies], original)
    with pytest.raises(PermissionDenied):
        triage.mark_duplicate(
            analyst, copies, PreAlertFactory.create(institution=other_institution)
        )
    assert triage.mark_duplicate(analyst, copies, original) == 2
    assert PreAlert.objects.filter(duplicate_of=original, state=ReviewState.REJECTED).count() == 2
    assert _audits(AuditEvent.PREALERT_DUPLICATE) == 2
    # A duplicate cannot be the original of another.
    third = PreAlertFactory.create(institution=owner_institution)
    with pytest.raises(ValidationError):
        triage.mark_duplicate(analyst, [third], copies[0])


def test_bulk_link_to_a_visible_case(
    analyst: User, owner_institution: Institution, other_institution: Institution
) -> None:
    items = PreAlertFactory.create_batch(2, institution=owner_institution)
    case = CaseFactory.create(institution=owner_institution)
    hidden = CaseFactory.create(institution=other_institution, state=CaseState.DRAFT)
    with pytest.raises(ValidationError):
        triage.link_to_case(analyst, items, hidden)
    assert triage.link_to_case(analyst, items, case) == 2
    assert triage.link_to_case(analyst, items, case) == 0
    assert PreAlert.objects.filter(case=case).count() == 2
    assert _audits(AuditEvent.PREALERT_LINKED) == 2


def test_bulk_needs_at_least_one(analyst: User) -> None:
    with pytest.raises(ValidationError) as error:
        triage.reject(analyst, [], "x")
    assert "prealerts" in error.value.message_dict


# --- outcome by SMS or e-mail -------------------------------------------------------------------


def test_a_reporter_known_only_by_email_gets_an_email(
    analyst: User, owner_institution: Institution, django_capture_on_commit_callbacks: Any
) -> None:
    reporter = ReporterFactory.create(institution=owner_institution, phone="", email="juez@paz.pe")
    item = PreAlertFactory.create(institution=owner_institution, reporter=reporter)
    with django_capture_on_commit_callbacks(execute=True):
        triage.reject(analyst, [item], "Sin datos suficientes")
    assert Notification.objects.count() == 0
    assert [m.to for m in mail.outbox] == [["juez@paz.pe"]]
    item.refresh_from_db()
    assert item.outcome_notified_at is not None


def test_a_reporter_known_only_by_phone_gets_an_sms(
    analyst: User, owner_institution: Institution, django_capture_on_commit_callbacks: Any
) -> None:
    reporter: Reporter = ReporterFactory.create(institution=owner_institution, phone="+51944555666")
    item = PreAlertFactory.create(
        institution=owner_institution, reporter=reporter, channel=Channel.SMS
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        triage.reject(analyst, [item], "Sin datos suficientes")
    assert len(callbacks) >= 1
    assert Notification.objects.count() == 0
    item.refresh_from_db()
    assert item.outcome_notified_at is not None

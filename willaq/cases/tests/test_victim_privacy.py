"""Victims: a recount writes no event history row; a lawful request erases a victim's identity
from the row and every historical row, audited without the personal data."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.cases import services
from willaq.cases.choices import CaseState
from willaq.cases.history import case_history
from willaq.cases.models import Event, Victim
from willaq.testing.factories import CaseFactory, EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(owner_institution: Institution) -> Event:
    return EventFactory(case=CaseFactory(institution=owner_institution, state=CaseState.ACTIVE))


def _victim(user: User, event: Event) -> Victim:
    return services.record_victim(
        user=user,
        event=event,
        data={
            "outcome": "dead",
            "group": "civilian",
            "full_name": "Rosa Quispe Mamani",
            "document_number": "40123456",
            "age": 41,
            "sex": "F",
        },
    )


def test_recording_victims_writes_no_event_history_rows(analyst: User, event: Event) -> None:
    before = event.history.count()
    for _i in range(3):
        _victim(analyst, event)
    event.refresh_from_db()
    assert event.fatalities == 3
    assert event.history.count() == before


def test_erasing_a_victims_identity_blanks_every_historical_row(
    analyst: User, coordinator: User, event: Event
) -> None:
    victim = _victim(analyst, event)
    services.update_victim(user=analyst, victim=victim, data={"age": 42})
    services.remove_record(user=analyst, item=victim, reason="Duplicada")
    with pytest.raises(PermissionDenied):
        services.erase_victim_identity(user=analyst, victim=victim, reason="Solicitud 12/2026")
    rows = services.erase_victim_identity(
        user=coordinator, victim=victim, reason="Solicitud 12/2026"
    )
    assert rows == 3
    stored = Victim.all_objects.get(pk=victim.pk)
    assert (stored.full_name, stored.document_number, stored.age, stored.sex) == ("", "", None, "")
    assert stored.outcome == "dead"
    assert Victim.history.filter(id=victim.pk).exclude(full_name="").count() == 0
    assert Victim.history.filter(id=victim.pk).exclude(age=None).count() == 0
    assert Victim.history.filter(id=victim.pk).count() == 3
    history_text = str([(e.what, e.changes) for e in case_history(event.case, analyst)])
    assert "Rosa" not in history_text
    assert "40123456" not in history_text
    log = AuditLog.objects.get(event_type=AuditEvent.VICTIM_IDENTITY_ERASED)
    assert "Rosa" not in str(log.diff)
    assert log.diff["history_rows"] == 3


def test_command_runs_the_same_service(analyst: User, coordinator: User, event: Event) -> None:
    victim = _victim(analyst, event)
    with pytest.raises(CommandError):
        call_command(
            "erase_victim_identity", str(victim.uuid), by=analyst.email, reason="x", verbosity=0
        )
    call_command(
        "erase_victim_identity",
        str(victim.uuid),
        by=coordinator.email,
        reason="Solicitud 12/2026",
        verbosity=0,
    )
    assert Victim.objects.get().full_name == ""
    assert AuditLog.objects.filter(event_type=AuditEvent.VICTIM_IDENTITY_ERASED).count() == 1

"""Reminders before due dates and overdue escalations, with time travel: 30/7/1 days before (once
each), overdue once, a moved due date re-arms them, closed commitments are never warned; the task
through Celery (eager) and the management command."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from willaq.accounts.models import Institution, Notification, User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.dialogue.choices import CommitmentState, ReminderKind
from willaq.dialogue.models import Commitment, CommitmentReminder
from willaq.dialogue.services import commitments
from willaq.dialogue.services.deadlines import (
    KIND_OVERDUE,
    KIND_REMINDER,
    run_commitment_deadlines,
)
from willaq.dialogue.tasks import check_commitment_deadlines
from willaq.dialogue.tests.conftest import Roundtable, lima
from willaq.testing.factories import CaseFactory


def _run(day: dt.date) -> None:
    with time_machine.travel(lima(day.year, day.month, day.day, 8), tick=False):
        run_commitment_deadlines()


def _url(commitment: Commitment) -> str:
    return reverse("dialogue:commitment", kwargs={"commitment_uuid": commitment.uuid})


def _notes(user: User, commitment: Commitment, kind: str) -> int:
    return Notification.objects.filter(user=user, kind=kind, url=_url(commitment)).count()


def _sent(commitment: Commitment, kind: str) -> list[int]:
    return list(
        CommitmentReminder.objects.filter(commitment=commitment, kind=kind)
        .order_by("sent_at", "pk")
        .values_list("days_before", flat=True)
    )


def test_reminders_30_7_1_days_before_once_each(
    roundtable: Roundtable, debtor_analyst: User, coordinator: User
) -> None:
    road = roundtable.road  # owed by the regional government, due 30/06/2026
    _run(dt.date(2026, 5, 30))
    assert _sent(road, ReminderKind.BEFORE_DUE) == []  # 31 days before: nothing yet
    _run(dt.date(2026, 5, 31))
    assert _sent(road, ReminderKind.BEFORE_DUE) == [30]
    assert _notes(debtor_analyst, road, KIND_REMINDER) == 1
    _run(dt.date(2026, 5, 31))  # the hourly task again: nothing new
    _run(dt.date(2026, 6, 10))
    assert _notes(debtor_analyst, road, KIND_REMINDER) == 1
    _run(dt.date(2026, 6, 23))
    _run(dt.date(2026, 6, 24))
    assert _sent(road, ReminderKind.BEFORE_DUE) == [30, 7]
    _run(dt.date(2026, 6, 29))
    _run(dt.date(2026, 6, 30))  # due today: still not overdue, the 1-day reminder already sent
    assert _sent(road, ReminderKind.BEFORE_DUE) == [30, 7, 1]
    assert _notes(debtor_analyst, road, KIND_REMINDER) == 3
    # The responsible institution's editors are reminded, not the convening institution.
    assert _notes(coordinator, road, KIND_REMINDER) == 0
    assert _sent(road, ReminderKind.OVERDUE) == []
    title = Notification.objects.filter(user=debtor_analyst, url=_url(road)).latest("pk").title
    assert title.startswith("Compromiso que vence en 1 día")


def test_overdue_flagged_once_to_the_cases_institutions(
    roundtable: Roundtable,
    debtor_analyst: User,
    coordinator: User,
    analyst: User,
    outsider: User,
    other_institution: Institution,
) -> None:
    # A second case linked to the space, registered by another institution: its analysts hear.
    roundtable.space.cases.add(CaseFactory(institution=other_institution))
    water = roundtable.water  # owed by the company, due 30/04/2026
    _run(dt.date(2026, 4, 30))
    assert _sent(water, ReminderKind.OVERDUE) == []
    _run(dt.date(2026, 5, 1))
    _run(dt.date(2026, 5, 2))
    assert _sent(water, ReminderKind.OVERDUE) == [0]
    for user in (coordinator, analyst, outsider):
        assert _notes(user, water, KIND_OVERDUE) == 1
    assert _notes(debtor_analyst, water, KIND_OVERDUE) == 0
    assert (
        AuditLog.objects.filter(
            event_type=AuditEvent.COMMITMENT_OVERDUE_FLAGGED, target_id=str(water.uuid)
        ).count()
        == 1
    )


def test_a_company_owed_commitment_reminds_the_space_team(
    roundtable: Roundtable, coordinator: User, facilitator: User, outsider: User
) -> None:
    water = roundtable.water  # only the company owes it: no user of its own
    _run(dt.date(2026, 4, 23))
    assert _notes(coordinator, water, KIND_REMINDER) == 1
    assert _notes(facilitator, water, KIND_REMINDER) == 1
    assert _notes(outsider, water, KIND_REMINDER) == 0


def test_moving_the_due_date_rearms_the_warnings(
    roundtable: Roundtable, coordinator: User, debtor_analyst: User
) -> None:
    road = roundtable.road
    _run(dt.date(2026, 6, 29))
    _run(dt.date(2026, 7, 1))
    assert _sent(road, ReminderKind.BEFORE_DUE) == [1]  # the nearest threshold only
    assert _sent(road, ReminderKind.OVERDUE) == [0]
    with time_machine.travel(lima(2026, 7, 2), tick=False):
        commitments.update_commitment(
            coordinator,
            road,
            commitments.CommitmentInput(
                description=road.description,
                due_date=dt.date(2026, 7, 10),
                responsible=[str(roundtable.gore.uuid)],
                amount=road.amount,
                funding_source=road.funding_source,
                weight=road.weight,
            ),
        )
    _run(dt.date(2026, 7, 3))
    assert _sent(road, ReminderKind.BEFORE_DUE) == [1, 7]
    _run(dt.date(2026, 7, 9))
    _run(dt.date(2026, 7, 11))
    assert _sent(road, ReminderKind.BEFORE_DUE) == [1, 7, 1]
    assert _sent(road, ReminderKind.OVERDUE) == [0, 0]
    assert _notes(debtor_analyst, road, KIND_REMINDER) == 3


def test_closed_commitments_are_never_warned(roundtable: Roundtable, coordinator: User) -> None:
    road = roundtable.road
    with time_machine.travel(lima(2026, 5, 1), tick=False):
        commitments.report_progress(
            coordinator, road, commitments.ProgressInput(CommitmentState.NOT_FULFILLED, 0)
        )
    for day in (dt.date(2026, 5, 31), dt.date(2026, 6, 23), dt.date(2026, 6, 29)):
        _run(day)
    _run(dt.date(2026, 7, 15))
    assert CommitmentReminder.objects.filter(commitment=road).count() == 0
    assert Notification.objects.filter(url=_url(road)).count() == 0


def test_a_commitment_signed_close_to_its_date_gets_the_nearest_reminder_only(
    roundtable: Roundtable, coordinator: User, debtor_analyst: User
) -> None:
    with time_machine.travel(lima(2026, 3, 12), tick=False):
        soon = commitments.add_commitment(
            coordinator,
            roundtable.acta,
            commitments.CommitmentInput(
                description="Reunión técnica",
                due_date=dt.date(2026, 3, 17),
                responsible=[str(roundtable.gore.uuid)],
            ),
        )
    _run(dt.date(2026, 3, 12))
    assert _sent(soon, ReminderKind.BEFORE_DUE) == [7]
    assert _notes(debtor_analyst, soon, KIND_REMINDER) == 1


def test_the_thresholds_come_from_the_settings(
    roundtable: Roundtable, settings: pytest.FixtureRequest
) -> None:
    settings.WILLAQ_COMMITMENT_REMINDER_DAYS = [3]  # type: ignore[attr-defined]
    _run(dt.date(2026, 5, 31))  # 30 days before the road: no longer a threshold
    assert _sent(roundtable.road, ReminderKind.BEFORE_DUE) == []
    _run(dt.date(2026, 6, 27))
    assert _sent(roundtable.road, ReminderKind.BEFORE_DUE) == [3]


def test_the_task_through_celery(roundtable: Roundtable, debtor_analyst: User) -> None:
    with time_machine.travel(lima(2026, 5, 31, 9), tick=False):
        result = check_commitment_deadlines.delay()
    # 30 days before the road (its debtor hears); the water study, due 30/04, is overdue (the
    # convening coordinator hears).
    assert result.get() == {"reminded": 1, "flagged": 1, "notifications": 2}
    assert _notes(debtor_analyst, roundtable.road, KIND_REMINDER) == 1
    assert AuditLog.objects.filter(event_type=AuditEvent.COMMITMENT_REMINDED).count() == 1


def test_the_command_prints_counts(roundtable: Roundtable, coordinator: User) -> None:
    out = io.StringIO()
    with time_machine.travel(lima(2026, 5, 31, 9), tick=False):
        call_command("check_commitment_deadlines", stdout=out)
        call_command("check_commitment_deadlines", stdout=out)
    text = out.getvalue()
    assert text.count("Recordatorios enviados: 1") == 1
    assert text.count("Recordatorios enviados: 0") == 1
    assert text.count("Compromisos vencidos señalados: 1") == 1

"""The 30-working-day clock over weekends and holidays, with time travel."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from willaq.accounts.models import Notification
from willaq.complaints import clock
from willaq.complaints.choices import ClockState
from willaq.complaints.models import Holiday
from willaq.complaints.services.deadlines import run_complaint_clock
from willaq.complaints.tests.conftest import make_complaint

LIMA = ZoneInfo("America/Lima")
pytestmark = pytest.mark.django_db


def test_holidays_are_shipped_for_2024_to_2030() -> None:
    assert Holiday.objects.filter(date__year=2025).count() >= 16
    assert Holiday.objects.filter(date=dt.date(2025, 7, 28)).exists()
    # Holy Thursday and Good Friday 2025 (Easter on 20 April).
    assert Holiday.objects.filter(date=dt.date(2025, 4, 17)).exists()
    assert Holiday.objects.filter(date=dt.date(2025, 4, 18)).exists()
    assert Holiday.objects.filter(date__year=2031).count() == 0
    call_command("load_holidays", "--years", "2031", verbosity=0)
    assert Holiday.objects.filter(date__year=2031).count() >= 16
    before = Holiday.objects.count()
    call_command("load_holidays", "--years", "2024-2031", verbosity=0)
    assert Holiday.objects.count() == before


def test_weekends_do_not_count() -> None:
    friday = dt.date(2025, 3, 7)
    assert clock.add_working_days(friday, 1, holidays=[]) == dt.date(2025, 3, 10)
    assert clock.add_working_days(friday, 5, holidays=[]) == dt.date(2025, 3, 14)
    assert clock.add_working_days(friday, 30, holidays=[]) == dt.date(2025, 4, 18)


def test_holidays_do_not_count() -> None:
    # Received Wednesday 16 April 2025: Thursday 17 and Friday 18 are Holy Week holidays.
    assert clock.add_working_days(dt.date(2025, 4, 16), 1) == dt.date(2025, 4, 21)
    # Received Friday 25 July 2025: Monday 28 and Tuesday 29 are Fiestas Patrias.
    assert clock.add_working_days(dt.date(2025, 7, 25), 1) == dt.date(2025, 7, 30)
    # An admin adds a day the government declares: the clock skips it too.
    Holiday.objects.create(date=dt.date(2025, 7, 30), name="Feriado extraordinario")
    assert clock.add_working_days(dt.date(2025, 7, 25), 1) == dt.date(2025, 7, 31)


def test_due_date_and_clock_states_over_time(owner_institution, analyst) -> None:
    # Received Saturday 5 July 2025 (Lima): 30 working days skipping 23, 28, 29 July and
    # 6 August → due Thursday 21 August 2025.
    with time_machine.travel(dt.datetime(2025, 7, 5, 22, 30, tzinfo=LIMA), tick=False):
        complaint = make_complaint(owner_institution)
    assert complaint.due_date == dt.date(2025, 8, 21)
    assert clock.clock_state(complaint, dt.date(2025, 8, 13)) == ClockState.ON_TIME
    assert clock.clock_state(complaint, dt.date(2025, 8, 14)) == ClockState.DUE_SOON
    assert clock.clock_state(complaint, dt.date(2025, 8, 21)) == ClockState.DUE_SOON
    assert clock.clock_state(complaint, dt.date(2025, 8, 22)) == ClockState.OVERDUE
    assert clock.working_days_left(complaint, dt.date(2025, 8, 14)) == 5
    assert clock.working_days_left(complaint, dt.date(2025, 8, 25)) == -2

    # The task warns once before, once after.
    with time_machine.travel(dt.datetime(2025, 8, 1, 9, tzinfo=LIMA), tick=False):
        assert run_complaint_clock().warned == 0
    with time_machine.travel(dt.datetime(2025, 8, 14, 9, tzinfo=LIMA), tick=False):
        first = run_complaint_clock()
        again = run_complaint_clock()
    assert (first.warned, first.overdue, again.warned) == (1, 0, 0)
    with time_machine.travel(dt.datetime(2025, 8, 22, 9, tzinfo=LIMA), tick=False):
        late = run_complaint_clock()
        call_command("check_complaint_deadlines", verbosity=0)
    assert (late.warned, late.overdue) == (0, 1)
    assert Notification.objects.filter(user=analyst, kind="complaint").count() == 2

"""The 30-working-day clock of a complaint, as pure functions of dates and the holidays, so
pages, the API, the queue's filters and the deadline task read it the same way.

- Day 1 is the first working day after the day of receipt (Lima time); Saturdays, Sundays and
  the days of ``Holiday`` do not count. The answer is due at the end of working day 30
  (``settings.WILLAQ_COMPLAINTS_WORKING_DAYS``).
- From ``settings.WILLAQ_COMPLAINTS_WARN_WORKING_DAYS`` (5) working days before the due date the
  complaint is "due soon"; after the due date with no answer it is overdue.
- Answering (or dismissing with an answer) stops the clock.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from willaq.complaints.choices import OPEN_STATES, ClockState
from willaq.complaints.models import Complaint, Holiday


def holidays_between(start: dt.date, end: dt.date) -> frozenset[dt.date]:
    return frozenset(
        Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True)
    )


def is_working_day(day: dt.date, holidays: Iterable[dt.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(
    start: dt.date, days: int, holidays: Iterable[dt.date] | None = None
) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself never counts)."""
    if holidays is None:
        # Generous bound: 30 working days never span more than ~3 calendar months.
        holidays = holidays_between(start, start + dt.timedelta(days=days * 3 + 60))
    off = frozenset(holidays)
    day = start
    counted = 0
    while counted < days:
        day += dt.timedelta(days=1)
        if is_working_day(day, off):
            counted += 1
    return day


def working_days_between(
    start: dt.date, end: dt.date, holidays: Iterable[dt.date] | None = None
) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is
    before ``start``)."""
    if end < start:
        return -working_days_between(end, start, holidays)
    off = frozenset(holidays_between(start, end) if holidays is None else holidays)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day, off):
            count += 1
    return count


def received_day(received_at: dt.datetime) -> dt.date:
    return timezone.localtime(received_at).date()


def due_date(received_at: dt.datetime) -> dt.date:
    """The last day to answer a complaint received at ``received_at``."""
    return add_working_days(received_day(received_at), settings.WILLAQ_COMPLAINTS_WORKING_DAYS)


def due_soon_horizon(today: dt.date) -> dt.date:
    """Open complaints due on or before this day are "due soon" on ``today``: the warning
    window's working days ahead."""
    return add_working_days(today, settings.WILLAQ_COMPLAINTS_WARN_WORKING_DAYS)


def clock_state(complaint: Complaint, today: dt.date | None = None) -> ClockState:
    """Where the complaint's clock stands on ``today`` (Lima time by default)."""
    if complaint.answered_at is not None:
        answered = timezone.localtime(complaint.answered_at).date()
        if answered <= complaint.due_date:
            return ClockState.ANSWERED_IN_TIME
        return ClockState.ANSWERED_LATE
    today = today or timezone.localdate()
    if complaint.state not in OPEN_STATES:
        # Closed without an answer date (never happens through the services).
        return ClockState.ANSWERED_IN_TIME
    if today > complaint.due_date:
        return ClockState.OVERDUE
    if complaint.due_date <= due_soon_horizon(today):
        return ClockState.DUE_SOON
    return ClockState.ON_TIME


def working_days_left(complaint: Complaint, today: dt.date | None = None) -> int:
    """Working days until the due date (negative once overdue)."""
    today = today or timezone.localdate()
    return working_days_between(today, complaint.due_date)

"""Reads of complaints: the staff queue with its filters (state, department, clock), the same
for the pages and the API."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from willaq.accounts.access import AnyUser
from willaq.complaints import clock
from willaq.complaints.access import visible_complaints
from willaq.complaints.choices import OPEN_STATES, ClockState
from willaq.complaints.models import Complaint

# The clock filter's values (a subset of ClockState: the running ones).
DUE_FILTERS = (ClockState.ON_TIME, ClockState.DUE_SOON, ClockState.OVERDUE)


@dataclass(frozen=True)
class QueueFilters:
    state: str = ""
    department: str = ""  # 2 digits or a 6-digit ubigeo (its first two)
    due: str = ""  # one of DUE_FILTERS
    overdue: bool | None = None
    institution: str = ""  # slug: one of the user's institutions


def filter_by_clock(
    complaints: QuerySet[Complaint], due: str, today: dt.date
) -> QuerySet[Complaint]:
    running = complaints.filter(state__in=list(OPEN_STATES))
    horizon = clock.due_soon_horizon(today)
    if due == ClockState.OVERDUE:
        return running.filter(due_date__lt=today)
    if due == ClockState.DUE_SOON:
        return running.filter(due_date__gte=today, due_date__lte=horizon)
    if due == ClockState.ON_TIME:
        return running.filter(due_date__gt=horizon)
    return complaints


def queue(
    user: AnyUser, filters: QueueFilters, today: dt.date | None = None
) -> QuerySet[Complaint]:
    """The complaints the user sees, filtered; the most urgent (earliest due date) first."""
    today = today or timezone.localdate()
    complaints = visible_complaints(user)
    if filters.institution:
        complaints = complaints.filter(institution__slug=filters.institution)
    if filters.state:
        complaints = complaints.filter(state=filters.state)
    if filters.department:
        complaints = complaints.filter(department_code=filters.department[:2] + "0000")
    if filters.due:
        complaints = filter_by_clock(complaints, filters.due, today)
    if filters.overdue is True:
        complaints = filter_by_clock(complaints, ClockState.OVERDUE, today)
    elif filters.overdue is False:
        overdue = filter_by_clock(complaints, ClockState.OVERDUE, today).values("pk")
        complaints = complaints.exclude(pk__in=overdue)
    return complaints.select_related("institution", "ubigeo__parent__parent").order_by(
        "due_date", "received_at", "id"
    )

"""Reads of deployment orders (the list and its filters) and the response statistics, scoped by
:mod:`willaq.earlywarning.access`."""

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from willaq.accounts.access import AnyUser
from willaq.accounts.models import Institution
from willaq.earlywarning import access
from willaq.earlywarning.choices import OrderState
from willaq.earlywarning.clock import response_window
from willaq.earlywarning.models import DeploymentOrder
from willaq.territory.models import Ubigeo

# --- Deployment orders (the list page and GET /api/v1/orders) -----------------------------------

ORDER_PAGE_SIZE = 25


@dataclass(frozen=True)
class OrderFilters:
    state: str = ""
    institution: str = ""  # the responsible institution's slug
    department: str = ""  # a department's ubigeo code (6 digits)
    overdue: bool | None = None  # True: past the due time with nobody on site

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "OrderFilters":
        institution = data.get("institution") or ""
        if isinstance(institution, Institution):
            institution = institution.slug
        department = data.get("department") or ""
        if isinstance(department, Ubigeo):
            department = department.code
        overdue = data.get("overdue")
        return cls(
            state=str(data.get("state") or ""),
            institution=str(institution),
            department=str(department),
            overdue=overdue if isinstance(overdue, bool) else None,
        )


def overdue_condition(now: dt.datetime) -> Q:
    """Open, nobody on site, ordered more than the response window ago."""
    return (
        ~Q(state=OrderState.CLOSED)
        & Q(on_site_at__isnull=True)
        & Q(ordered_at__lt=now - response_window())
    )


def filter_orders(
    user: AnyUser, filters: OrderFilters, *, now: dt.datetime | None = None
) -> QuerySet[DeploymentOrder]:
    """The orders the user may see, newest first, filtered."""
    now = now or timezone.now()
    orders = access.visible_orders(user)
    if filters.state:
        orders = orders.filter(state=filters.state)
    if filters.institution:
        orders = orders.filter(institution__slug=filters.institution)
    if filters.department:
        orders = orders.filter(department_code=filters.department)
    if filters.overdue is True:
        orders = orders.filter(overdue_condition(now))
    elif filters.overdue is False:
        orders = orders.exclude(overdue_condition(now))
    return orders.select_related("institution", "ordering_institution", "ubigeo").order_by(
        "-ordered_at", "-id"
    )


def order_institutions(user: AnyUser) -> QuerySet[Institution]:
    """The responsible institutions of the orders the user sees (the list's filter)."""
    return Institution.objects.filter(
        pk__in=access.visible_orders(user).values("institution_id")
    ).order_by("name")


# --- Response statistics ------------------------------------------------------------------------
#
# Response time: from the order (``ordered_at``) to the team on site (``on_site_at``).
# Percentiles are linear interpolations between the closest ranks (the "inclusive" method,
# as PostgreSQL's percentile_cont and spreadsheets' PERCENTILE.INC): for n sorted values the
# p-quantile sits at rank (n − 1)·p. The median is the 0.5-quantile. The share within the
# response window counts the orders whose outcome is known — responded, or open and already
# overdue — so an order nobody reached is a miss, not left out.


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The ``fraction`` quantile (0–1) of values by linear interpolation; None for none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * fraction
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return ordered[low]
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class ResponseFigures:
    key: str  # the institution's slug, the department's code, or "" for the total
    label: str
    orders: int
    responded: int
    median_hours: float | None
    p90_hours: float | None
    # Of the orders whose outcome is known (responded or overdue), the share on site in time.
    share_in_time: float | None
    open_overdue: int

    @property
    def share_in_time_percent(self) -> float | None:
        return None if self.share_in_time is None else round(self.share_in_time * 100, 1)


@dataclass(frozen=True)
class ResponseStats:
    since: dt.date | None
    until: dt.date | None
    hours: int
    total: ResponseFigures
    by_institution: list[ResponseFigures]
    by_department: list[ResponseFigures]


@dataclass
class _Tally:
    orders: int = 0
    hours: list[float] = field(default_factory=list)
    in_time: int = 0
    open_overdue: int = 0

    def add(self, hours: float | None, *, window: float, overdue: bool) -> None:
        self.orders += 1
        if hours is not None:
            self.hours.append(hours)
            if hours <= window:
                self.in_time += 1
        elif overdue:
            self.open_overdue += 1

    def figures(self, key: str, label: str) -> ResponseFigures:
        hours = self.hours
        known = len(hours) + self.open_overdue
        return ResponseFigures(
            key=key,
            label=label,
            orders=self.orders,
            responded=len(hours),
            median_hours=_round(percentile(hours, 0.5)),
            p90_hours=_round(percentile(hours, 0.9)),
            share_in_time=self.in_time / known if known else None,
            open_overdue=self.open_overdue,
        )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _moment(day: dt.date, *, end: bool) -> dt.datetime:
    moment = dt.datetime.combine(day + dt.timedelta(days=1) if end else day, dt.time.min)
    return timezone.make_aware(moment)


def response_stats(
    user: AnyUser,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ResponseStats:
    """Response figures per responsible institution and per department over the orders the
    user may see (``access.visible_orders``) given from ``since`` to ``until`` (both days
    included)."""
    now = now or timezone.now()
    orders = access.visible_orders(user)
    if since is not None:
        orders = orders.filter(ordered_at__gte=_moment(since, end=False))
    if until is not None and until < dt.date.max:
        orders = orders.filter(ordered_at__lt=_moment(until, end=True))
    window = response_window()
    window_hours = window.total_seconds() / 3600
    total = _Tally()
    per_institution: dict[int, _Tally] = defaultdict(_Tally)
    per_department: dict[str, _Tally] = defaultdict(_Tally)
    rows: Iterable[tuple[int, str, dt.datetime, dt.datetime | None, str]] = orders.values_list(
        "institution_id", "department_code", "ordered_at", "on_site_at", "state"
    )
    for institution_id, department, ordered_at, on_site_at, state in rows:
        hours = None
        if on_site_at is not None:
            hours = (on_site_at - ordered_at).total_seconds() / 3600
        overdue = on_site_at is None and state != OrderState.CLOSED and now - ordered_at > window
        for tally in (total, per_institution[institution_id], per_department[department]):
            tally.add(hours, window=window_hours, overdue=overdue)
    institutions = Institution.objects.in_bulk(list(per_institution))
    departments = {u.code: u.name for u in Ubigeo.objects.filter(code__in=list(per_department))}
    by_institution = sorted(
        (
            tally.figures(institutions[pk].slug, institutions[pk].acronym or institutions[pk].name)
            for pk, tally in per_institution.items()
        ),
        key=lambda f: f.label.lower(),
    )
    by_department = sorted(
        (
            tally.figures(code, departments.get(code, code))
            for code, tally in per_department.items()
        ),
        key=lambda f: f.label.lower(),
    )
    return ResponseStats(
        since=since,
        until=until,
        hours=int(window_hours),
        total=total.figures("", ""),
        by_institution=by_institution,
        by_department=by_department,
    )

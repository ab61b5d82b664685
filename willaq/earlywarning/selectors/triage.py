"""Reads of the triage queue and the reporter network: filters, orderings, the history of a
pre-alert. Always from the access rule's querysets (``access.visible_prealerts``…), each list
in a bounded number of queries whatever its length."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from willaq.accounts.access import AnyUser
from willaq.audit.models import AuditLog
from willaq.earlywarning import access
from willaq.earlywarning.choices import CLOSED_REVIEW_STATES, Urgency
from willaq.earlywarning.models import PreAlert, Reporter

PAGE_SIZE = 25

# The state filter's two collective values: the open items (the default) and everything.
STATE_OPEN = ""
STATE_ALL = "all"

# The age filter: (code, newer than, older than).
AGES: dict[str, tuple[dt.timedelta | None, dt.timedelta | None]] = {
    "1h": (dt.timedelta(hours=1), None),
    "24h": (dt.timedelta(hours=24), None),
    "48h": (None, dt.timedelta(hours=48)),
}

ORDERS = ("newest", "oldest", "urgency")

_URGENCY_RANK = Case(
    When(urgency=Urgency.CRITICAL, then=Value(0)),
    When(urgency=Urgency.HIGH, then=Value(1)),
    When(urgency=Urgency.MEDIUM, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


@dataclass(frozen=True)
class QueueFilters:
    state: str = STATE_OPEN
    channel: str = ""
    department: str = ""
    age: str = ""
    urgency: str = ""
    reporter: str = ""  # a reporter's uuid
    unstructured: bool = False
    unknown_sender: bool = False
    assigned_to_me: bool = False
    order: str = "newest"

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "QueueFilters":
        return cls(
            state=data.get("state") or STATE_OPEN,
            channel=data.get("channel") or "",
            department=data.get("department") or "",
            age=data.get("age") or "",
            urgency=data.get("urgency") or "",
            reporter=str(data.get("reporter") or ""),
            unstructured=bool(data.get("unstructured")),
            unknown_sender=bool(data.get("unknown_sender")),
            assigned_to_me=data.get("assigned") == "yo",
            order=str(data.get("order")) if data.get("order") in ORDERS else "newest",
        )


def queue(user: AnyUser, filters: QueueFilters) -> QuerySet[PreAlert]:
    """The pre-alerts of the queues the user reviews (not what they sent elsewhere), filtered
    and ordered, with what a row shows joined in."""
    items = PreAlert.objects.filter(institution_id__in=access.reviewing_institution_ids(user))
    if filters.state == STATE_OPEN:
        items = items.exclude(state__in=CLOSED_REVIEW_STATES)
    elif filters.state != STATE_ALL:
        items = items.filter(state=filters.state)
    if filters.channel:
        items = items.filter(channel=filters.channel)
    if filters.department:
        items = items.filter(department_code=filters.department)
    if filters.age in AGES:
        newer, older = AGES[filters.age]
        now = timezone.now()
        if newer is not None:
            items = items.filter(received_at__gte=now - newer)
        if older is not None:
            items = items.filter(received_at__lt=now - older)
    if filters.urgency:
        items = items.filter(urgency=filters.urgency)
    if filters.reporter:
        items = items.filter(reporter__uuid=filters.reporter)
    if filters.unstructured:
        items = items.filter(is_structured=False)
    if filters.unknown_sender:
        items = items.filter(unknown_sender=True)
    if filters.assigned_to_me and user.is_authenticated:
        items = items.filter(assigned_to=user)
    items = items.select_related(
        "institution",
        "reporter",
        "ubigeo__parent__parent",
        "reviewing_by",
        "assigned_to",
        "submitted_by",
    )
    if filters.order == "oldest":
        return items.order_by("received_at", "id")
    if filters.order == "urgency":
        return items.annotate(urgency_rank=_URGENCY_RANK).order_by(
            "urgency_rank", "-received_at", "-id"
        )
    return items.order_by("-received_at", "-id")


def received_count(user: AnyUser) -> int:
    """How many pre-alerts wait untouched in the user's queues (the menu's badge)."""
    ids = access.reviewing_institution_ids(user)
    if not ids:
        return 0
    return PreAlert.objects.filter(institution_id__in=ids, state="received").count()


def prealert_history(prealert: PreAlert) -> QuerySet[AuditLog]:
    """The audit records of one pre-alert, oldest first."""
    return (
        AuditLog.objects.filter(
            target_type=PreAlert._meta.label_lower, target_id=str(prealert.uuid)
        )
        .select_related("acting_user")
        .order_by("created_at", "id")
    )


def duplicate_candidates(prealert: PreAlert, limit: int = 20) -> QuerySet[PreAlert]:
    """Pre-alerts of the same queue that may be the original of ``prealert``: not duplicates
    themselves, the same department first, newest first."""
    return (
        PreAlert.objects.filter(institution_id=prealert.institution_id, duplicate_of__isnull=True)
        .exclude(pk=prealert.pk)
        .filter(Q(department_code=prealert.department_code) | Q(department_code=""))
        .select_related("ubigeo")
        .order_by("-received_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class ReporterFilters:
    level: str = ""
    department: str = ""
    active: str = ""  # "", "si", "no"

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "ReporterFilters":
        return cls(
            level=data.get("level") or "",
            department=data.get("department") or "",
            active=data.get("active") or "",
        )


def reporters(user: AnyUser, filters: ReporterFilters) -> QuerySet[Reporter]:
    """The reporter network the user reads, filtered; territories prefetched."""
    items = access.visible_reporters(user)
    if filters.level:
        items = items.filter(level=filters.level)
    if filters.department:
        items = items.filter(territories__department_code=filters.department).distinct()
    if filters.active == "si":
        items = items.filter(is_active=True)
    elif filters.active == "no":
        items = items.filter(is_active=False)
    return (
        items.select_related("institution", "user")
        .prefetch_related("territories")
        .order_by("name", "id")
    )

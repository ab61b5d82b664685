"""Reads of alerts: a thread (the original alert, its updates and its cancellation), the state of
a thread (active, expired, cancelled) and the filtered lists of the page, the API and the feed.

Every list starts from ``access.visible_alerts`` (or ``access.public_alerts`` for the feed), so
these functions never widen what a user may read.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from willaq.accounts.access import AnyUser
from willaq.earlywarning import access
from willaq.earlywarning.choices import AlertLevel, AlertMessageType
from willaq.earlywarning.models import Alert
from willaq.territory.models import Ubigeo

PAGE_SIZE = 25


class AlertState:
    """The state of an alert's thread, as the list filters it (not stored: derived from the
    thread's cancellation and the message's expiry)."""

    ACTIVE = "active"
    EXPIRED = "expired"
    CANCELLED = "cancelled"

    choices = [
        (ACTIVE, _("Vigente")),
        (EXPIRED, _("Vencida")),
        (CANCELLED, _("Cancelada")),
    ]
    values = frozenset({ACTIVE, EXPIRED, CANCELLED})


def thread_root(alert: Alert) -> Alert:
    """The original alert of a thread (updates and cancellations reference it)."""
    if alert.references_id is None:
        return alert
    root = alert.references
    assert root is not None
    return root


def thread(alert: Alert) -> QuerySet[Alert]:
    """Every message of the alert's thread, oldest first: the original, updates, cancellation."""
    root = thread_root(alert)
    return Alert.objects.filter(Q(pk=root.pk) | Q(references_id=root.pk)).order_by("sent_at", "id")


def is_cancelled(alert: Alert) -> bool:
    return thread(alert).filter(msg_type=AlertMessageType.CANCEL).exists()


def earlier_messages(alert: Alert) -> list[Alert]:
    """What a follow-up's CAP ``references`` names: the original and the updates sent before it."""
    if alert.references_id is None:
        return []
    return [
        message
        for message in thread(alert).exclude(pk=alert.pk)
        if (message.sent_at, message.pk) < (alert.sent_at, alert.pk)
    ]


def thread_cancelled() -> Exists:
    """True on the rows whose thread has a cancellation (it references the same original)."""
    return Exists(
        Alert.objects.filter(msg_type=AlertMessageType.CANCEL).filter(
            Q(references_id=OuterRef("pk")) | Q(references_id=OuterRef("references_id"))
        )
    )


def with_state(alerts: QuerySet[Alert]) -> QuerySet[Alert]:
    """Annotate ``thread_cancelled`` (read by :func:`alert_state`)."""
    return alerts.annotate(thread_cancelled=thread_cancelled())


def alert_state(alert: Alert, now: dt.datetime | None = None) -> str:
    """Active, expired or cancelled (``thread_cancelled`` from :func:`with_state` if present)."""
    cancelled = getattr(alert, "thread_cancelled", None)
    if cancelled is None:
        cancelled = is_cancelled(alert)
    if cancelled:
        return AlertState.CANCELLED
    now = now or timezone.now()
    if alert.expires_at is not None and alert.expires_at <= now:
        return AlertState.EXPIRED
    return AlertState.ACTIVE


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """A moment in UTC (a naive one is Lima's time); one beyond the calendar's ends, which
    no database can compare, becomes its end."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = value.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        if value.year > 1:
            return dt.datetime.max.replace(tzinfo=dt.UTC)
        return dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class AlertFilters:
    """The filters of the alert list page and of ``GET /api/v1/alerts``; None means "any"."""

    level: str | None = None
    state: str | None = None
    department: str | None = None  # a department's ubigeo (6 digits, e.g. 080000)
    is_public: bool | None = None
    msg_type: str | None = None
    since: dt.datetime | None = None

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "AlertFilters":
        level = data.get("level") or None
        state = data.get("state") or None
        msg_type = data.get("msg_type") or None
        department = data.get("department") or None
        return cls(
            level=level if level in AlertLevel.values else None,
            state=state if state in AlertState.values else None,
            department=str(department) if department else None,
            is_public=data.get("is_public"),
            msg_type=msg_type if msg_type in AlertMessageType.values else None,
            since=_utc(data.get("since")),
        )


def filter_alerts(
    alerts: QuerySet[Alert], filters: AlertFilters, now: dt.datetime | None = None
) -> QuerySet[Alert]:
    """Filter alerts already scoped by the access rule, newest first, with their state."""
    now = now or timezone.now()
    alerts = with_state(alerts)
    if filters.level:
        alerts = alerts.filter(level=filters.level)
    if filters.msg_type:
        alerts = alerts.filter(msg_type=filters.msg_type)
    if filters.is_public is not None:
        alerts = alerts.filter(is_public=filters.is_public)
    if filters.since is not None:
        alerts = alerts.filter(sent_at__gte=filters.since)
    if filters.department:
        units = Ubigeo.objects.filter(department_code=filters.department)
        alerts = alerts.filter(
            Exists(
                Alert.area_units.through.objects.filter(
                    alert_id=OuterRef("pk"), ubigeo_id__in=units.values("pk")
                )
            )
        )
    if filters.state == AlertState.CANCELLED:
        alerts = alerts.filter(thread_cancelled())
    elif filters.state == AlertState.EXPIRED:
        alerts = alerts.filter(~thread_cancelled(), expires_at__lte=now)
    elif filters.state == AlertState.ACTIVE:
        alerts = alerts.filter(~thread_cancelled()).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )
    return alerts.select_related("institution", "references").order_by("-sent_at", "-id")


def visible_filtered_alerts(user: AnyUser, filters: AlertFilters) -> QuerySet[Alert]:
    return filter_alerts(access.visible_alerts(user), filters)

"""The 48-hour clock of a deployment order (issue 8 §5), as pure functions of the order and a
moment, so a page, the API, the statistics and the clock's task read it the same way.

- The clock runs from ``ordered_at``. The response is due ``settings.WILLAQ_RESPONSE_HOURS``
  (48) later; from ``settings.WILLAQ_RESPONSE_WARN_HOURS`` (36) it is "due soon".
- **Response time** is the time from the order to the team **on site** (``on_site_at``): being
  on the way (deployed) does not stop the clock; closing with a report comes later and does not
  count either.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from willaq.earlywarning.models import DeploymentOrder


class ClockState(models.TextChoices):
    ON_TIME = "on_time", _("En plazo")
    DUE_SOON = "due_soon", _("Por vencer")
    OVERDUE = "overdue", _("Vencida")
    RESPONDED_IN_TIME = "responded_in_time", _("Respondida a tiempo")
    RESPONDED_LATE = "responded_late", _("Respondida fuera de plazo")


# The states whose clock is still running (the team is not on site yet).
RUNNING_CLOCK_STATES = frozenset({ClockState.ON_TIME, ClockState.DUE_SOON, ClockState.OVERDUE})


def response_window() -> dt.timedelta:
    return dt.timedelta(hours=settings.WILLAQ_RESPONSE_HOURS)


def warning_window() -> dt.timedelta:
    return dt.timedelta(hours=settings.WILLAQ_RESPONSE_WARN_HOURS)


def due_at(order: DeploymentOrder) -> dt.datetime:
    """When the team must be on site at the latest."""
    return order.ordered_at + response_window()


def warn_at(order: DeploymentOrder) -> dt.datetime:
    """When the team and the responsible institution are warned if nobody is on site."""
    return order.ordered_at + warning_window()


def response_time(order: DeploymentOrder) -> dt.timedelta | None:
    """From the order to the team on site; None while nobody is on site."""
    if order.on_site_at is None:
        return None
    return order.on_site_at - order.ordered_at


def clock_state(order: DeploymentOrder, now: dt.datetime) -> ClockState:
    """Where the order's clock stands at ``now``."""
    if order.on_site_at is not None:
        if order.on_site_at <= due_at(order):
            return ClockState.RESPONDED_IN_TIME
        return ClockState.RESPONDED_LATE
    if now > due_at(order):
        return ClockState.OVERDUE
    if now >= warn_at(order):
        return ClockState.DUE_SOON
    return ClockState.ON_TIME


def is_overdue(order: DeploymentOrder, now: dt.datetime) -> bool:
    """Past its due time with nobody on site."""
    return clock_state(order, now) == ClockState.OVERDUE


def time_left(order: DeploymentOrder, now: dt.datetime) -> dt.timedelta:
    """Until the due time (negative once overdue)."""
    return due_at(order) - now

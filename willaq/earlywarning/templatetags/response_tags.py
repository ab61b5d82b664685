"""The clock of a deployment order as pages show it: a colour and a sentence, never a colour
alone (``{% order_clock order as clock %}``)."""

import datetime as dt
from dataclasses import dataclass

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.earlywarning.clock import ClockState, clock_state, response_time, time_left
from willaq.earlywarning.models import DeploymentOrder

register = template.Library()

# The badge class of each clock state (static/css/willaq.css).
CLOCK_BADGE: dict[str, str] = {
    ClockState.ON_TIME: "badge-resolved",
    ClockState.DUE_SOON: "badge-latent",
    ClockState.OVERDUE: "badge-active",
    ClockState.RESPONDED_IN_TIME: "badge-resolved",
    ClockState.RESPONDED_LATE: "badge-review",
}


@dataclass(frozen=True)
class OrderClock:
    state: ClockState
    label: str
    badge: str
    text: str  # "faltan 12 h 5 min", "vencida hace 3 h", "en el lugar en 20 h"


def duration_text(span: dt.timedelta) -> str:
    """A duration in days, hours and minutes, the two largest units ("2 d 4 h", "35 min")."""
    minutes = int(abs(span).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)s d %(h)s h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    return _("%(m)s min") % {"m": minutes}


def order_clock_at(order: DeploymentOrder, now: dt.datetime) -> OrderClock:
    state = clock_state(order, now)
    taken = response_time(order)
    if taken is not None:
        text = _("en el lugar en %(span)s") % {"span": duration_text(taken)}
    elif state == ClockState.OVERDUE:
        text = _("vencida hace %(span)s") % {"span": duration_text(time_left(order, now))}
    else:
        text = _("faltan %(span)s") % {"span": duration_text(time_left(order, now))}
    return OrderClock(state=state, label=str(state.label), badge=CLOCK_BADGE[state], text=text)


@register.simple_tag
def order_clock(order: DeploymentOrder) -> OrderClock:
    return order_clock_at(order, timezone.now())

"""The case registry's part of the top menu: which links the user's roles can use."""

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from willaq.cases.access import can_approve_any, can_create_case, cases_awaiting_approval

register = template.Library()


@dataclass(frozen=True)
class CasesMenu:
    can_create: bool
    can_approve: bool
    awaiting_approval: int


@register.simple_tag(takes_context=True)
def cases_menu(context: dict[str, Any]) -> CasesMenu:
    """``{% cases_menu as menu %}``: a link is shown only to a role that can use it."""
    user = context["request"].user
    can_approve = can_approve_any(user)
    return CasesMenu(
        can_create=can_create_case(user),
        can_approve=can_approve,
        awaiting_approval=cases_awaiting_approval(user).count() if can_approve else 0,
    )


@register.filter
def event_days(event: Any) -> str:
    """An event's day, or its days for a multi-day action: "del 3 al 9 may 2025", "del 28 abr
    al 3 may 2025", "del 28 dic 2024 al 3 ene 2025" (the parts of the one DATE_FORMAT)."""
    start, end = event.event_date, getattr(event, "end_date", None)
    if end is None or end == start:
        return formats.date_format(start)
    full = str(formats.get_format("DATE_FORMAT"))
    without_year = full[:-2] if full.endswith(" Y") else ""
    if without_year and start.year == end.year:
        if start.month == end.month and without_year.startswith("j "):
            first = str(start.day)
        else:
            first = formats.date_format(start, without_year)
    else:
        first = formats.date_format(start)
    return _("del %(start)s al %(end)s") % {"start": first, "end": formats.date_format(end)}

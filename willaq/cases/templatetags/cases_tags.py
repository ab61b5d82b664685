"""The case registry's part of the top menu: which links the user's roles can use."""

from dataclasses import dataclass
from typing import Any

from django import template

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

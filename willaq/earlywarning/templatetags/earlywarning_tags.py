"""Early warning's part of the top menu: which links the user's roles can use."""

from dataclasses import dataclass
from typing import Any

from django import template

from willaq.accounts.access import institution_ids
from willaq.earlywarning import access
from willaq.earlywarning.selectors.triage import received_count  # triage

register = template.Library()


@dataclass(frozen=True)
class EarlyWarningMenu:
    can_submit: bool  # the pre-alert form (reporters and editors)
    can_review: bool  # the triage queue and the reporter network (analysts and above)
    can_issue: bool  # issue alerts and order responses (coordinators)
    is_member: bool  # alerts addressed to the institution, deployment orders


@register.simple_tag(takes_context=True)
def earlywarning_menu(context: dict[str, Any]) -> EarlyWarningMenu:
    """``{% earlywarning_menu as ew %}``: a link is shown only to a role that can use it."""
    user = context["request"].user
    return EarlyWarningMenu(
        can_submit=access.can_submit_prealert(user),
        can_review=bool(access.reviewing_institution_ids(user)),
        can_issue=access.issuing_institutions(user).exists(),
        is_member=bool(institution_ids(user)),
    )


# triage: the menu's badge (pre-alerts received and not yet touched in the user's queues).
@register.simple_tag(takes_context=True)
def prealerts_received(context: dict[str, Any]) -> int:
    """``{% prealerts_received as n %}``: 0 for anyone who reviews no queue."""
    return received_count(context["request"].user)

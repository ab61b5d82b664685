"""Complaints' part of the top menu."""

from typing import Any

from django import template

from willaq.complaints.access import handling_institution_ids

register = template.Library()


@register.simple_tag(takes_context=True)
def handles_complaints(context: dict[str, Any]) -> bool:
    """``{% handles_complaints as x %}``: the user is an editor somewhere (sees the queue)."""
    return bool(handling_institution_ids(context["request"].user))

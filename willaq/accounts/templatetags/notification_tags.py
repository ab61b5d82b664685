"""The bell in the header: ``{% unread_notifications as unread %}`` for the signed-in user."""

from typing import Any

from django import template

from willaq.accounts.models import User
from willaq.accounts.notifications import unread_count

register = template.Library()

# Above this the bell reads "99+" (the count stops there: one bounded query per page).
BELL_LIMIT = 100


@register.simple_tag(takes_context=True)
def unread_notifications(context: dict[str, Any]) -> str:
    """The unread count as the bell shows it: "" for none, "99+" above 99."""
    user = context["request"].user
    if not isinstance(user, User):
        return ""
    count = unread_count(user, limit=BELL_LIMIT)
    if count == 0:
        return ""
    return "99+" if count >= BELL_LIMIT else str(count)

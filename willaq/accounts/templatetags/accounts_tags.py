import datetime as dt

from django import template

register = template.Library()


@register.filter
def in_minutes(value: dt.timedelta | None) -> int:
    """Whole minutes of a duration, rounded up (a lockout of 59.5 minutes reads "60")."""
    if value is None:
        return 0
    seconds = int(value.total_seconds())
    return max(0, -(-seconds // 60))

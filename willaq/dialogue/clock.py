"""The dialogue calendar's "today": due dates are days in Peru (America/Lima), whatever the
server's zone, so a commitment due on the 10th is overdue from Lima's 11th."""

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()

"""Months as the report pages name them: ``YYYY-MM`` in the URL, a date (the month's first day)
in the models. Which months have a report is the engine's rule (``monthly.parse_month`` and
``monthly.check_month``: not in the future, not before the first registered case)."""

import datetime as dt

from django.utils import formats, timezone

from willaq.cases.history import end_of_month
from willaq.reports.monthly import check_month
from willaq.reports.monthly import parse_month as parse_year_month


def parse_month(text: str) -> dt.date:
    """``2026-10`` → 1 Oct 2026; anything else is a ValidationError in words."""
    year, month = parse_year_month(text)
    return dt.date(year, month, 1)


def check_reportable(month: dt.date) -> None:
    """Refuse, in words, a month that has no report."""
    check_month(month.year, month.month)


def month_label(month: dt.date) -> str:
    """«octubre de 2026» in the active language (the shared YEAR_MONTH_FORMAT)."""
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def has_ended(month: dt.date) -> bool:
    return end_of_month(month.year, month.month) < timezone.now()

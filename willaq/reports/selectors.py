"""Reading the reports: the figures of a month as the pages, the API and the CSV serve them."""

from willaq.accounts.models import Institution
from willaq.reports.figures import MonthlyFigures
from willaq.reports.monthly import compute_month


def month_figures(year: int, month: int, institution: Institution | None) -> MonthlyFigures:
    """The figures of a month, computed now from the history (``compute_month``).

    The one entry point of the JSON, the CSV tables and the pages: once a month is published,
    this is where its frozen version is served instead."""
    return compute_month(year, month, institution)

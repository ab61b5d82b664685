"""Reading the reports: the figures of a month as the pages, the API and the CSV serve them, and
the builds and published versions of the monthly report."""

import datetime as dt
from typing import cast

from django.db.models import QuerySet

from willaq.accounts.models import Institution
from willaq.reports.figures import MonthlyFigures
from willaq.reports.models import FROZEN_STATUSES, MonthlyReport, ReportStatus
from willaq.reports.monthly import compute_month


def month_figures(
    year: int, month: int, institution: Institution | None, *, fiches: bool = True
) -> MonthlyFigures:
    """The figures of a month: its current published version's, frozen, when the month is
    published (so a published month's numbers never change silently, whatever is edited later);
    otherwise computed now from the history (``compute_month``).

    The one entry point of the JSON, the CSV tables and the pages."""
    published = current_version(dt.date(year, month, 1), institution)
    if published is not None:
        figures = cast(MonthlyFigures, published.figures)
        return figures if fiches else cast(MonthlyFigures, {**figures, "fiches": []})
    return compute_month(year, month, institution, fiches=fiches)


def reports_of(month: dt.date | None, institution: Institution | None) -> QuerySet[MonthlyReport]:
    """Every build of one institution's (or the registry's: None) reports, of one month or all."""
    reports = MonthlyReport.objects.select_related("institution", "created_by", "published_by")
    if institution is None:
        reports = reports.filter(institution__isnull=True)
    else:
        reports = reports.filter(institution=institution)
    if month is not None:
        reports = reports.filter(month=month)
    return reports


def current_version(month: dt.date, institution: Institution | None) -> MonthlyReport | None:
    return reports_of(month, institution).filter(status=ReportStatus.PUBLISHED).first()


def running_build(month: dt.date, institution: Institution | None) -> MonthlyReport | None:
    return reports_of(month, institution).filter(status=ReportStatus.BUILDING).first()


def latest_build(month: dt.date, institution: Institution | None) -> MonthlyReport | None:
    """The newest build not published (running, ready or failed), if any."""
    return (
        reports_of(month, institution)
        .exclude(status__in=FROZEN_STATUSES)
        .order_by("-created_at", "-id")
        .first()
    )


def versions(month: dt.date, institution: Institution | None) -> list[MonthlyReport]:
    """The published versions, newest first (the current one and the superseded)."""
    return list(
        reports_of(month, institution).filter(status__in=FROZEN_STATUSES).order_by("-version")
    )

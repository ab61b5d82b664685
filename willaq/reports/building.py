"""The build of a monthly report, run by the Celery task (``tasks.build_monthly_report``):
compute the figures, compose the PDF, store both in one transaction. On failure the row says
so in words and nothing is half-written (no figures, no file)."""

import datetime as dt
import json
import logging
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent
from willaq.audit.services import record
from willaq.reports.charts import CHARTS, Spec
from willaq.reports.figures import MonthlyFigures
from willaq.reports.models import BuildStage, MonthlyReport, ReportStatus
from willaq.reports.monthly import compute_month
from willaq.reports.pdf import render_pdf
from willaq.reports.series import chart_series, last_months

logger = logging.getLogger(__name__)


def compute_figures(
    month: dt.date, institution: Institution | None, *, fiches: bool = True
) -> MonthlyFigures:
    """The month's figures computed now (never the published version's), as JSON-safe data
    (dates as ISO strings), as they are stored. ``fiches=False`` leaves the fiches out (the
    costly part at regional scale: a draft page inside a web request)."""
    figures = compute_month(month.year, month.month, institution, fiches=fiches)
    return cast(MonthlyFigures, json.loads(json.dumps(figures, cls=DjangoJSONEncoder)))


# The report's charts (``charts.CHARTS``), in the order of the report, over the 24 months that
# end with the report's month.
REPORT_CHARTS = (
    "active_latent",
    "new_resolved",
    "by_typology",
    "by_department",
    "protests",
    "victims",
)
CHART_MONTHS = 24


def report_charts(month: dt.date, institution: Institution | None) -> list[Spec]:
    """The report's charts as Vega-Lite specs with their data, up to the report's month."""
    first, last = last_months(CHART_MONTHS, until=month)
    series = chart_series(first, last, institution)
    specs = [CHARTS[name](series) for name in REPORT_CHARTS]
    return cast(list[Spec], json.loads(json.dumps(specs, cls=DjangoJSONEncoder)))


def status_label(report: MonthlyReport, version: int | None = None) -> str:
    number = version or report.version
    if number:
        return _("Versión %(version)s publicada") % {"version": number}
    return _("Borrador — no publicado")


def _progress(report: MonthlyReport, stage: str, percent: int) -> None:
    # Outside any transaction, so the page polling the row sees it at once.
    MonthlyReport.objects.filter(pk=report.pk).update(stage=stage, progress=percent)


def next_version(report: MonthlyReport) -> int:
    """The next version number of the report's month and institution (call while holding the
    month's rows: ``select_for_update`` on PostgreSQL, the write lock on SQLite)."""
    siblings = MonthlyReport.objects.select_for_update().filter(
        month=report.month, institution=report.institution_id
    )
    if report.institution_id is None:
        siblings = MonthlyReport.objects.select_for_update().filter(
            month=report.month, institution__isnull=True
        )
    top = siblings.aggregate(top=Max("version"))["top"]
    return int(top or 0) + 1


def mark_published(report: MonthlyReport, user: User | None, note: str) -> None:
    """Number the report, publish it and supersede the version it corrects (in a transaction)."""
    if report.corrects_id is not None:
        MonthlyReport.objects.filter(pk=report.corrects_id).update(status=ReportStatus.SUPERSEDED)
    report.version = next_version(report)
    report.status = ReportStatus.PUBLISHED
    report.published_by = user
    report.published_at = timezone.now()
    report.note = note
    report.save()


def perform_build(report_id: int) -> MonthlyReport:
    report = MonthlyReport.objects.select_related("institution", "created_by", "corrects").get(
        pk=report_id
    )
    if report.status != ReportStatus.BUILDING:
        return report  # a duplicate delivery of the task: the build already ran
    path = ""
    try:
        _progress(report, BuildStage.FIGURES, 10)
        figures = compute_figures(report.month, report.institution)
        _progress(report, BuildStage.CHARTS, 40)
        specs = report_charts(report.month, report.institution)
        _progress(report, BuildStage.PDF, 60)
        correcting = report.corrects_id is not None
        label = status_label(report, next_version(report) if correcting else None)
        if correcting:
            label = f"{label} · {_('corrección')}: {report.note}"
        pdf = render_pdf(figures, status_label=label, charts=specs)
        _progress(report, BuildStage.SAVING, 90)
        with transaction.atomic():
            report.refresh_from_db()
            if report.status != ReportStatus.BUILDING:
                return report
            report.pdf.save(f"reporte-{report.month_slug}.pdf", ContentFile(pdf), save=False)
            path = report.pdf.name or ""
            report.figures = cast(dict[str, Any], figures)
            report.charts = specs
            report.built_at = timezone.now()
            report.stage = BuildStage.DONE
            report.progress = 100
            report.status = ReportStatus.READY
            report.save()
            diff = {"month": report.month_slug, "pdf_bytes": len(pdf), "total": figures["total"]}
            record(
                AuditEvent.REPORT_BUILT,
                report,
                acting_user=report.created_by,
                institution=report.institution,
                diff=diff,
            )
            if report.corrects is not None:
                mark_published(report, report.created_by, report.note)
                record(
                    AuditEvent.REPORT_CORRECTED,
                    report,
                    acting_user=report.created_by,
                    institution=report.institution,
                    diff={
                        "month": report.month_slug,
                        "version": report.version,
                        "supersedes": str(report.corrects.uuid),
                        "note": report.note,
                    },
                )
    except ValidationError as exc:  # the month has no report (compute_month says why)
        return _fail(report, path, " ".join(exc.messages))
    except Exception:
        logger.exception("monthly report %s failed", report.uuid)
        return _fail(
            report,
            path,
            _(
                "No se pudo generar el informe por un error interno; no se guardó nada. "
                "Inténtelo de nuevo o avise al equipo técnico."
            ),
        )
    return report


def _fail(report: MonthlyReport, path: str, message: str) -> MonthlyReport:
    if path:
        report.pdf.storage.delete(path)
    report.refresh_from_db()
    report.status = ReportStatus.FAILED
    report.error = message
    report.figures = {}
    report.charts = []
    report.pdf = ""
    report.save()
    record(
        AuditEvent.REPORT_BUILD_FAILED,
        report,
        acting_user=report.created_by,
        institution=report.institution,
        diff={"month": report.month_slug, "error": message},
    )
    return report

"""Every change to the monthly reports: request a build, publish a build, correct a published
version. Each validates, writes in a transaction and leaves an audit record; the build itself
runs in Celery (``building.perform_build``)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent
from willaq.audit.services import record
from willaq.reports.access import can_build, can_publish
from willaq.reports.building import mark_published
from willaq.reports.models import MonthlyReport, ReportStatus
from willaq.reports.months import check_reportable, has_ended, month_label
from willaq.reports.selectors import current_version, running_build
from willaq.reports.tasks import build_monthly_report


def _queue(report: MonthlyReport) -> None:
    transaction.on_commit(lambda: build_monthly_report.delay(report.pk))


# A build with no progress for this long is taken as dead: a new request replaces it.
BUILD_STALE_AFTER = dt.timedelta(hours=1)


def request_build(
    user: User, month: dt.date, institution: Institution | None, *, queue: bool = True
) -> MonthlyReport:
    """Start building a month's report (a draft): the running build when there is one. With
    ``queue=False`` the caller runs the build itself (``building.perform_build``: the command)."""
    if not can_build(user, institution):
        raise PermissionDenied(_("No puede generar este informe."))
    month = month.replace(day=1)
    check_reportable(month)
    with transaction.atomic():
        running = running_build(month, institution)
        if running is not None and running.updated_at >= timezone.now() - BUILD_STALE_AFTER:
            return running
        if running is not None:
            # Its worker died (a restart, the machine's memory): it will never finish.
            running.status = ReportStatus.FAILED
            running.error = _(
                "La generación se interrumpió (más de una hora sin avance); se inició otra."
            )
            running.save(update_fields=["status", "error", "updated_at"])
        report = MonthlyReport.objects.create(month=month, institution=institution, created_by=user)
        record(
            AuditEvent.REPORT_BUILD_REQUESTED,
            report,
            acting_user=user,
            institution=institution,
            diff={"month": report.month_slug},
        )
        if queue:
            _queue(report)
    return report


def publish(user: User, report: MonthlyReport, note: str = "") -> MonthlyReport:
    """Publish a built draft as the month's version 1. Once published it is frozen: a later
    change of the figures is a correction (``correct``), a new version with its note."""
    if not can_publish(user, report.institution):
        raise PermissionDenied(_("Solo un coordinador publica el informe."))
    if report.status != ReportStatus.READY:
        raise ValidationError(
            _("Solo se publica un informe ya generado y sin publicar (este está: %(status)s).")
            % {"status": report.get_status_display()}
        )
    if not has_ended(report.month):
        raise ValidationError(
            _("%(month)s aún no termina: se publica cuando el mes haya cerrado.")
            % {"month": month_label(report.month)}
        )
    with transaction.atomic():
        report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
        if report.status != ReportStatus.READY:
            raise ValidationError(_("El informe cambió mientras tanto; recargue la página."))
        if current_version(report.month, report.institution) is not None:
            raise ValidationError(
                _(
                    "Este mes ya tiene una versión publicada: publique una corrección, con una "
                    "nota que diga por qué."
                )
            )
        mark_published(report, user, note.strip())
        record(
            AuditEvent.REPORT_PUBLISHED,
            report,
            acting_user=user,
            institution=report.institution,
            diff={"month": report.month_slug, "version": report.version, "note": report.note},
        )
    return report


def correct(user: User, report: MonthlyReport, note: str) -> MonthlyReport:
    """Build a new version of a published month from today's figures; when it is built it is
    published with its note and supersedes ``report`` (which stays downloadable)."""
    if not can_publish(user, report.institution):
        raise PermissionDenied(_("Solo un coordinador corrige el informe publicado."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Diga por qué se corrige el informe publicado.")]})
    if report.status != ReportStatus.PUBLISHED:
        raise ValidationError(_("Solo se corrige la versión vigente de un informe publicado."))
    with transaction.atomic():
        if running_build(report.month, report.institution) is not None:
            raise ValidationError(
                _("Ya se está generando un informe de este mes; espere a que termine.")
            )
        correction = MonthlyReport.objects.create(
            month=report.month,
            institution=report.institution,
            created_by=user,
            corrects=report,
            note=note,
        )
        record(
            AuditEvent.REPORT_CORRECTION_REQUESTED,
            correction,
            acting_user=user,
            institution=report.institution,
            diff={"month": report.month_slug, "corrects": str(report.uuid), "note": note},
        )
        _queue(correction)
    return correction

"""Build a month's report by hand (the same services as the page, run here instead of Celery),
and optionally publish it.

    manage.py build_monthly_report 2025-10 --by coord@inst.pe [--institution defensoria]
        [--publish [--note "…"]]

The person named by ``--by`` needs the same rights as on the page (``reports.access``)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from willaq.accounts.models import User
from willaq.reports import services
from willaq.reports.access import report_institution
from willaq.reports.building import perform_build
from willaq.reports.models import ReportStatus
from willaq.reports.months import parse_month


class Command(BaseCommand):
    help = "Build (and optionally publish) the monthly report of a month: figures and PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("month", help="AAAA-MM")
        parser.add_argument("--by", required=True, help="e-mail of the person building it")
        parser.add_argument("--institution", default="", help="slug (default: whole registry)")
        parser.add_argument("--publish", action="store_true", help="publish it once built")
        parser.add_argument("--note", default="", help="note published with it")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["by"], is_active=True).first()
        if user is None:
            raise CommandError(f"Unknown user: {options['by']}")
        try:
            month = parse_month(options["month"])
            institution = report_institution(options["institution"])
            report = services.request_build(user, month, institution, queue=False)
            report = perform_build(report.pk)
            if report.status != ReportStatus.READY:
                raise CommandError(report.error or report.get_status_display())
            if options["publish"]:
                report = services.publish(user, report, options["note"])
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        if options["verbosity"]:
            state = f"version {report.version}" if report.version else "draft"
            self.stdout.write(f"{report.month_slug}: {state}, PDF {report.pdf.name}")

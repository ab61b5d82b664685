"""``manage.py build_monthly_report``: the same services as the page, run by hand."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from willaq.reports.models import MonthlyReport, ReportStatus

pytestmark = pytest.mark.django_db


def test_command_builds_and_publishes(coordinator, march_cases):
    out = StringIO()
    call_command(
        "build_monthly_report",
        "2025-03",
        "--by",
        coordinator.email,
        "--institution",
        "defensoria",
        "--publish",
        "--note",
        "Cierre",
        stdout=out,
    )
    report = MonthlyReport.objects.get()
    assert (report.status, report.version, report.note) == (ReportStatus.PUBLISHED, 1, "Cierre")
    assert report.figures["total"] == 3
    assert "2025-03: version 1" in out.getvalue()


def test_command_refuses_bad_input_in_words(coordinator, outsider, march_cases):
    with pytest.raises(CommandError, match="Mes no válido"):
        call_command("build_monthly_report", "2025-3", "--by", coordinator.email)
    with pytest.raises(CommandError, match="Institución desconocida"):
        call_command(
            "build_monthly_report", "2025-03", "--by", coordinator.email, "--institution", "x"
        )
    with pytest.raises(CommandError, match="No puede generar"):
        call_command(
            "build_monthly_report",
            "2025-03",
            "--by",
            outsider.email,
            "--institution",
            "defensoria",
        )
    with pytest.raises(CommandError, match="Solo un coordinador"):
        call_command("build_monthly_report", "2025-03", "--by", outsider.email, "--publish")
    assert MonthlyReport.objects.filter(status=ReportStatus.PUBLISHED).count() == 0

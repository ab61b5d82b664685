"""Background work of the reports: a month's report is built in Celery, so a big PDF never
holds a web request (the page polls the build's progress)."""

from celery import shared_task

from willaq.reports.building import perform_build


@shared_task
def build_monthly_report(report_id: int) -> str:
    return perform_build(report_id).status

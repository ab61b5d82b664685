"""Background work of complaints. Celery beat runs the clock hourly (``CELERY_BEAT_SCHEDULE`` in
config/settings.py); the task only calls the service."""

from celery import shared_task

from willaq.complaints.services.deadlines import run_complaint_clock


@shared_task(ignore_result=True)
def check_complaint_deadlines() -> dict[str, int]:
    """Warn before and after the 30-working-day due date (each once per complaint)."""
    run = run_complaint_clock()
    return {"warned": run.warned, "overdue": run.overdue}

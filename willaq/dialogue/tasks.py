"""Background work of dialogue. Celery beat runs the deadline check every hour
(``CELERY_BEAT_SCHEDULE`` in config/settings.py); the task only calls the service."""

from celery import shared_task

from willaq.dialogue.services.deadlines import run_commitment_deadlines


@shared_task(ignore_result=True)
def check_commitment_deadlines() -> dict[str, int]:
    """Remind responsible parties before due dates and flag overdue commitments (each once;
    see :mod:`willaq.dialogue.services.deadlines`)."""
    run = run_commitment_deadlines()
    return {"reminded": run.reminded, "flagged": run.flagged, "notifications": run.notifications}

"""Background work of early warning. Celery beat runs the response clock every 10 minutes
(``CELERY_BEAT_SCHEDULE`` in config/settings.py); the task only calls the service."""

from celery import shared_task

from willaq.earlywarning.services.response import run_response_clock


@shared_task(ignore_result=True)
def check_response_clock() -> dict[str, int]:
    """Warn deployment orders at 36 h without the team on site, escalate them after 48 h
    (each once; see :func:`willaq.earlywarning.services.response.run_response_clock`)."""
    run = run_response_clock()
    return {"warned": run.warned, "escalated": run.escalated}

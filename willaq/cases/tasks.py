"""Background work of the case registry: e-mail leaves the request, so a slow mail server never
holds up a coordinator approving a case."""

from celery import shared_task

from willaq.cases.emails import send_transition_email
from willaq.cases.models import CaseTransition


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_transition(transition_id: int, base_url: str) -> int:
    transition = CaseTransition.objects.select_related(
        "case__institution", "case__created_by", "by"
    ).get(pk=transition_id)
    return send_transition_email(transition, base_url=base_url)

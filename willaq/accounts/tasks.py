"""Background work of the accounts app: e-mail leaves the request, so a slow mail server never
holds up the person adding a member."""

from celery import shared_task

from willaq.accounts.emails import send_password_set_email
from willaq.accounts.models import Institution, User


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation(user_id: int, institution_id: int, base_url: str) -> None:
    person = User.objects.get(pk=user_id)
    institution = Institution.objects.get(pk=institution_id)
    send_password_set_email(person, institution=institution, base_url=base_url)

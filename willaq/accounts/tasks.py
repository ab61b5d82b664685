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


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_notifications(notification_ids: list[int]) -> int:
    """E-mail the notifications not yet e-mailed; returns how many were sent. Each is marked
    as it goes, so a retry after a failure never sends one twice."""
    from django.core.mail import send_mail
    from django.utils import timezone

    from willaq.accounts.models import Notification

    sent = 0
    for note in Notification.objects.filter(
        pk__in=notification_ids, email=True, emailed_at__isnull=True
    ).select_related("user"):
        send_mail(note.title, _email_body(note), None, [note.user.email])
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def _email_body(note: "Notification") -> str:  # type: ignore[name-defined] # noqa: F821
    from django.conf import settings

    link = f"\n\n{settings.WILLAQ_BASE_URL.rstrip('/')}{note.url}" if note.url else ""
    return f"{note.body}{link}"

"""E-mails of the accounts app (sent by Celery tasks in willaq/accounts/tasks.py)."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from willaq.accounts.models import Institution, User


def password_set_url(person: User, base_url: str) -> str:
    """An absolute link to choose a password, built with Django's password-reset token."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        },
    )
    return base_url.rstrip("/") + path


def send_password_set_email(person: User, *, institution: Institution, base_url: str) -> None:
    context = {
        "person": person,
        "institution": institution,
        "url": password_set_url(person, base_url),
        "timeout_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    subject = render_to_string("accounts/emails/invitation_subject.txt", context)
    message = EmailMultiAlternatives(
        subject="".join(subject.splitlines()),
        body=render_to_string("accounts/emails/invitation.txt", context),
        to=[person.email],
    )
    message.attach_alternative(
        render_to_string("accounts/emails/invitation.html", context), "text/html"
    )
    message.send()

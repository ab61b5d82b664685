"""The password-reset form is throttled per client address and per e-mail address, with a
Spanish message that never reveals whether an account exists for the address."""

import re
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from willaq.accounts.models import PasswordResetRequest, User

pytestmark = pytest.mark.django_db

OFFICE = "198.51.100.7"
HOME = "203.0.113.20"
CAFE = "203.0.113.40"
LIBRARY = "192.0.2.99"
THROTTLED = "Se pidieron demasiados enlaces para restablecer la contraseña"


@pytest.fixture(autouse=True)
def _limits(settings: Any) -> None:
    settings.PASSWORD_RESET_IP_LIMIT = 3
    settings.PASSWORD_RESET_EMAIL_LIMIT = 2


def ask(email: str, address: str) -> Any:
    client = Client(REMOTE_ADDR=address)
    return client.post(reverse("accounts:password_reset"), {"email": email})


def test_one_address_may_ask_a_few_times_then_is_refused(analyst: User) -> None:
    for number in range(3):
        assert ask(f"persona{number}@x.pe", OFFICE).status_code == 302
    refused = ask(analyst.email, OFFICE)
    assert refused.status_code == 429
    assert THROTTLED in refused.content.decode()
    assert mail.outbox == []
    # Another address is not affected.
    assert ask(analyst.email, HOME).status_code == 302
    assert len(mail.outbox) == 1


def test_one_email_gets_a_few_links_whatever_the_address(analyst: User) -> None:
    assert ask(analyst.email, OFFICE).status_code == 302
    assert ask(analyst.email.upper(), HOME).status_code == 302
    assert len(mail.outbox) == 2
    refused = ask(analyst.email, CAFE)
    assert refused.status_code == 429
    assert THROTTLED in refused.content.decode()
    assert len(mail.outbox) == 2
    # Other people asking from those addresses are not affected.
    assert ask("otra@x.pe", CAFE).status_code == 302


def test_the_refusal_is_the_same_whether_or_not_the_account_exists(analyst: User) -> None:
    for address in (OFFICE, HOME):
        ask(analyst.email, address)
        ask("nadie@x.pe", address)
    known = ask(analyst.email, CAFE)
    unknown = ask("nadie@x.pe", LIBRARY)
    assert known.status_code == unknown.status_code == 429
    assert page_without(known, analyst.email) == page_without(unknown, "nadie@x.pe")


def page_without(response: Any, email: str) -> str:
    """The page with the e-mail typed and the per-response CSRF token taken out."""
    body = re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode())  # masked CSRF tokens
    return body.replace(email, "")


def test_requests_are_forgotten_after_an_hour(analyst: User) -> None:
    ask(analyst.email, OFFICE)
    ask(analyst.email, HOME)
    assert ask(analyst.email, CAFE).status_code == 429
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=61)):
        assert ask(analyst.email, CAFE).status_code == 302
        assert PasswordResetRequest.objects.count() == 1
    assert len(mail.outbox) == 3


def test_addresses_are_not_stored(analyst: User) -> None:
    ask(analyst.email, OFFICE)
    stored = PasswordResetRequest.objects.get()
    assert analyst.email not in stored.email_hash
    assert stored.ip_address == OFFICE

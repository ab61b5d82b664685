"""Login lockout with django-axes really enabled, proved with several client addresses.

An account is locked after AXES_FAILURE_LIMIT failures from any address; an address alone only
after the much higher AXES_IP_FAILURE_LIMIT (an office behind one NAT); a successful login clears
the account's failures; the client address comes from a proxy header only behind a trusted proxy.
"""

from typing import Any

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from willaq.accounts.models import Institution, Role, User
from willaq.accounts.throttling import client_ip
from willaq.testing.factories import member

pytestmark = pytest.mark.django_db

PASSWORD = "clave-segura-123"  # the factories' password
WRONG = "no-es-la-clave"
OFFICE = "198.51.100.7"  # one NAT address shared by a whole office
HOME = "203.0.113.20"
CAFE = "203.0.113.40"
ELSEWHERE = "192.0.2.99"


@pytest.fixture(autouse=True)
def _axes(settings: Any) -> None:
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_IP_FAILURE_LIMIT = 6


def attempt(email: str, password: str, address: str, **headers: str) -> Any:
    """One login POST from a fresh browser at ``address``."""
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(reverse("accounts:login"), {"username": email, "password": password})
    response.logged_in = "_auth_user_id" in client.session
    return response


def test_failures_are_recorded_against_the_account_typed(analyst: User) -> None:
    attempt(analyst.email.upper(), WRONG, OFFICE)
    assert AccessAttempt.objects.filter(username=analyst.email, ip_address=OFFICE).count() == 1
    assert AccessAttempt.objects.filter(username__isnull=True).count() == 0


def test_failures_on_one_account_do_not_lock_another_at_the_same_address(
    analyst: User, coordinator: User
) -> None:
    for _ in range(3):
        attempt(analyst.email, WRONG, OFFICE)
    colleague = attempt(coordinator.email, PASSWORD, OFFICE)
    assert colleague.status_code == 302
    assert colleague.logged_in
    # A wrong password for the colleague is an ordinary error, not a lockout.
    assert attempt(coordinator.email, WRONG, OFFICE).status_code == 200


def test_a_locked_account_is_locked_from_every_address(analyst: User) -> None:
    for _ in range(3):
        attempt(analyst.email, WRONG, OFFICE)
    for address in (OFFICE, HOME, CAFE):
        response = attempt(analyst.email, PASSWORD, address)
        assert response.status_code == 429
        assert not response.logged_in
    body = response.content.decode()
    assert "Acceso bloqueado temporalmente" in body
    assert "después de 3 intentos fallidos" in body


def test_failures_spread_over_addresses_still_lock_the_account(analyst: User) -> None:
    assert attempt(analyst.email, WRONG, OFFICE).status_code == 200
    assert attempt(analyst.email, WRONG, HOME).status_code == 200
    # The failure that reaches the limit already answers with the lockout page.
    assert attempt(analyst.email, WRONG, CAFE).status_code == 429
    response = attempt(analyst.email, PASSWORD, ELSEWHERE)
    assert response.status_code == 429
    assert not response.logged_in


def test_below_the_limit_the_right_password_gets_in_from_anywhere(analyst: User) -> None:
    attempt(analyst.email, WRONG, OFFICE)
    attempt(analyst.email, WRONG, HOME)
    response = attempt(analyst.email, PASSWORD, CAFE)
    assert response.status_code == 302
    assert response.logged_in


def test_a_successful_login_clears_the_accounts_failures(analyst: User, coordinator: User) -> None:
    attempt(analyst.email, WRONG, OFFICE)
    attempt(analyst.email, WRONG, HOME)
    attempt(coordinator.email, WRONG, HOME)
    assert attempt(analyst.email, PASSWORD, CAFE).logged_in
    assert AccessAttempt.objects.filter(username=analyst.email).count() == 0
    # Another account's failures are not the analyst's to clear.
    assert AccessAttempt.objects.filter(username=coordinator.email).count() == 1
    # Two more failures are again below the limit.
    attempt(analyst.email, WRONG, OFFICE)
    attempt(analyst.email, WRONG, OFFICE)
    assert attempt(analyst.email, PASSWORD, OFFICE).logged_in


def test_an_address_is_blocked_only_at_its_own_higher_limit(
    owner_institution: Institution,
) -> None:
    people = [member(owner_institution, Role.ANALYST) for _ in range(5)]
    # Five failures over three accounts, none of them locked: the office is not blocked.
    for person, failures in zip(people[:3], (2, 2, 1), strict=True):
        for _ in range(failures):
            assert attempt(person.email, WRONG, OFFICE).status_code == 200
    assert attempt(people[4].email, PASSWORD, OFFICE).logged_in
    # The sixth reaches the address limit: now nobody gets in from the office ...
    assert attempt(people[2].email, WRONG, OFFICE).status_code == 429
    blocked = attempt(people[3].email, PASSWORD, OFFICE)
    assert blocked.status_code == 429
    assert not blocked.logged_in
    assert "desde su dirección de red después de 6 intentos fallidos" in (blocked.content.decode())
    # ... while the same people still get in from elsewhere.
    for person in people:
        assert attempt(person.email, PASSWORD, HOME).logged_in


def test_an_office_survives_a_few_typos_from_many_people(owner_institution: Institution) -> None:
    people = [member(owner_institution, Role.ANALYST) for _ in range(5)]
    for person in people:
        assert attempt(person.email, WRONG, OFFICE).status_code == 200
    for person in people:
        assert attempt(person.email, PASSWORD, OFFICE).logged_in


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(
    owner_institution: Institution,
) -> None:
    people = [member(owner_institution, Role.ANALYST) for _ in range(7)]
    # An attacker rotating a forged X-Forwarded-For is still counted at its real address.
    for number, person in enumerate(people[:6]):
        attempt(person.email, WRONG, CAFE, HTTP_X_FORWARDED_FOR=f"10.0.0.{number}")
    assert AccessAttempt.objects.filter(ip_address=CAFE).count() == 6
    assert attempt(people[6].email, PASSWORD, CAFE).status_code == 429


def test_behind_a_trusted_proxy_each_client_is_counted_at_its_own_address(
    settings: Any, owner_institution: Institution
) -> None:
    settings.WILLAQ_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    people = [member(owner_institution, Role.ANALYST) for _ in range(7)]
    # The client forges a first entry; the proxy appends the address it really saw.
    for person in people[:6]:
        attempt(person.email, WRONG, proxy, HTTP_X_FORWARDED_FOR=f"{ELSEWHERE}, {CAFE}")
    assert AccessAttempt.objects.filter(ip_address=CAFE).count() == 6
    assert AccessAttempt.objects.filter(ip_address__in=[proxy, ELSEWHERE]).count() == 0
    # The attacker's address is blocked; another client behind the same proxy is not.
    blocked = attempt(people[6].email, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=CAFE)
    assert blocked.status_code == 429
    assert attempt(people[6].email, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=HOME).logged_in


def test_attempts_while_locked_do_not_prolong_the_lockout(analyst: User) -> None:
    for _ in range(3):
        attempt(analyst.email, WRONG, OFFICE)
    for _ in range(4):
        assert attempt(analyst.email, WRONG, HOME).status_code == 429
    failures = AccessAttempt.objects.filter(username=analyst.email)
    assert sum(row.failures_since_start for row in failures) == 3


def test_the_admin_login_counts_against_the_same_account(analyst: User) -> None:
    for typed in ("ANALISTA@dp.gob.pe", "Analista@Dp.Gob.Pe", " analista@dp.gob.pe"):
        Client(REMOTE_ADDR=HOME).post("/admin/login/", {"username": typed, "password": WRONG})
    assert AccessAttempt.objects.filter(username=analyst.email).count() == 1
    assert attempt(analyst.email, PASSWORD, OFFICE).status_code == 429


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.40", "10.0.0.2"),  # no trusted proxy: the header is the client's word
        (1, "192.0.2.99, 203.0.113.40", "203.0.113.40"),  # the entry our proxy appended
        (2, "192.0.2.99, 203.0.113.40, 10.0.0.9", "203.0.113.40"),  # two proxies
        (2, "203.0.113.40", "10.0.0.2"),  # fewer entries than proxies: not through them all
        (1, "not-an-address", "10.0.0.2"),
        (1, "", "10.0.0.2"),
    ],
)
def test_client_address(settings: Any, proxies: int, forwarded: str, expected: str) -> None:
    settings.WILLAQ_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected

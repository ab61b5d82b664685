"""Login and password-reset throttling, and the client address both are counted against.

Login failures are recorded by django-axes (one ``AccessAttempt`` row per account, address and
browser); :class:`LoginThrottle` decides from those rows with three separate rules:

- an **account** is locked after ``AXES_FAILURE_LIMIT`` failures from any address (so spreading
  guesses over many addresses does not help), which includes each account + address pair;
- an **address** alone is blocked only after ``AXES_IP_FAILURE_LIMIT`` failures over all accounts
  (much higher: an office behind one NAT must not lock itself out by a few typos);
- a successful login clears the account's failures.

The client address is ``REMOTE_ADDR`` unless a trusted proxy is configured
(``WILLAQ_TRUSTED_PROXY_COUNT``), and only then read from the proxy's header.
"""

import ipaddress
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent ``request``.

    With ``WILLAQ_TRUSTED_PROXY_COUNT = n`` proxies in front of the app, each appending the address
    it received the request from to ``WILLAQ_PROXY_IP_HEADER`` (``X-Forwarded-For``), the client is
    the n-th entry from the right; entries further left were written by the client and are not
    trusted. Without a trusted proxy the header is ignored: anyone can send it.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    count: int = settings.WILLAQ_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    header = str(request.META.get(settings.WILLAQ_PROXY_IP_HEADER, ""))
    hops = [hop.strip() for hop in header.split(",") if hop.strip()]
    if len(hops) < count:
        return remote  # the request did not come through every configured proxy
    candidate = hops[-count]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return remote
    return candidate


def login_name(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account a login attempt is counted against: the e-mail typed, in lower case.

    E-mail addresses are stored in lower case, so ``Ana@X.pe`` and ``ana@x.pe`` are one account
    and must share one failure count (the admin's login form does not lower-case them).
    """
    source = credentials if credentials is not None else request.POST
    typed = source.get("username")
    return str(typed).strip().lower() if typed else None


@dataclass(frozen=True)
class LoginFailures:
    """Recent failures (within the cool-off time) relevant to one login attempt."""

    account: int
    account_address: int
    address: int

    @property
    def account_locked(self) -> bool:
        return self.account >= settings.AXES_FAILURE_LIMIT

    @property
    def address_blocked(self) -> bool:
        return self.address >= settings.AXES_IP_FAILURE_LIMIT


def _recent_attempts(request: HttpRequest | None) -> QuerySet[AccessAttempt]:
    attempts = AccessAttempt.objects.all()
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts


def _sum(attempts: QuerySet[AccessAttempt]) -> int:
    return int(attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0)


def login_failures(request: HttpRequest, credentials: dict[str, Any] | None) -> LoginFailures:
    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None) or client_ip(request)
    recent = _recent_attempts(request)
    # An attempt without a username (an empty form never reaches authenticate) is never
    # counted against an account: ``username=None`` would match every such row.
    account = recent.filter(username=username) if username else recent.none()
    return LoginFailures(
        account=_sum(account),
        account_address=_sum(account.filter(ip_address=address)),
        address=_sum(recent.filter(ip_address=address)),
    )


class LoginThrottle(AxesDatabaseHandler):
    """django-axes' database handler with a limit per account and a higher one per address."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        # Axes compares this one number with AXES_FAILURE_LIMIT; an address past its own,
        # higher limit counts as the account limit reached.
        failures = login_failures(request, credentials)
        if failures.address_blocked:
            return max(failures.account, int(settings.AXES_FAILURE_LIMIT))
        return max(failures.account, failures.account_address)

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        """After a successful login, forget the account's failures (from every address).

        Only rows carrying this account's name are removed: logging in to one's own account
        does not wipe the failures an address piled up against other accounts.
        """
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The Spanish lockout page, saying whether the account or the address is blocked."""
    failures = login_failures(request, credentials)
    by_address = failures.address_blocked and not failures.account_locked
    cool_off: timedelta | None = get_cool_off(request)
    limit = settings.AXES_IP_FAILURE_LIMIT if by_address else settings.AXES_FAILURE_LIMIT
    context = {"by_address": by_address, "failure_limit": limit, "cooloff_timedelta": cool_off}
    return render(request, "accounts/lockout.html", context, status=429)

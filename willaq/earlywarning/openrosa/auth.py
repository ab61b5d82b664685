"""HTTP Basic authentication for ODK Collect and KoboCollect.

The user name is the account's e-mail; the password is either the account's password or one of
its personal API tokens (created on the profile page; a token can be revoked without changing
the password, which is what a shared field phone needs). Collect sends credentials only when
challenged, so a request without them is answered 401 with ``WWW-Authenticate: Basic``.

Password attempts go through ``django.contrib.auth.authenticate``, so the login throttling
(django-axes, ``willaq/accounts/throttling.py``) counts Collect's failures like the login
page's and locks the account after the same number of failures.

Digest is not offered: it needs the server to know a hash of the plain secret under the realm
(MD5 of ``user:realm:secret``), and Willaq keeps passwords only as Argon2 hashes and tokens as
SHA-256 hashes. Collect sends Basic credentials only over HTTPS, which is how a server on the
internet is run (``WILLAQ_TRUSTED_PROXY_COUNT`` behind a TLS proxy).
"""

import base64
import binascii
from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone

from willaq.accounts.models import ApiToken, User, hash_token

REALM = "Willaq"
CHALLENGE = f'Basic realm="{REALM}", charset="UTF-8"'
# Longer credentials are refused unread (an e-mail is at most 254 characters).
MAX_CREDENTIALS = 1024


@dataclass(frozen=True)
class AuthResult:
    user: User | None
    # Credentials were sent (and were wrong), as opposed to none at all.
    attempted: bool = False
    # The account is locked by the login throttling.
    locked_out: bool = False


def basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    """The (user, secret) of an ``Authorization: Basic`` header, or None."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _space, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded or len(encoded) > MAX_CREDENTIALS:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        text = decoded.decode("latin-1")
    name, colon, secret = text.partition(":")
    if not colon:
        return None
    return name.strip().lower(), secret


def _token_user(email: str, secret: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or token.user.email.lower() != email:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def authenticate_basic(request: HttpRequest) -> AuthResult:
    """Who sent ``request``, from its Basic credentials (a token first, then the password)."""
    credentials = basic_credentials(request)
    if credentials is None:
        return AuthResult(user=None)
    email, secret = credentials
    if not email or not secret or "\x00" in email or "\x00" in secret:
        return AuthResult(user=None, attempted=True)
    user = _token_user(email, secret)
    if user is not None:
        return AuthResult(user=user, attempted=True)
    found = authenticate(request, username=email, password=secret)
    if isinstance(found, User) and found.is_active:
        return AuthResult(user=found, attempted=True)
    return AuthResult(
        user=None, attempted=True, locked_out=bool(getattr(request, "axes_locked_out", False))
    )

"""HTTP authentication for ODK Collect and KoboCollect: Basic, and Digest for plain HTTP.

The user name is the account's e-mail; the password is either the account's password or one of
its personal API tokens (created on the profile page; a token can be revoked without changing
the password, which is what a shared field phone needs). Collect sends credentials only when
challenged, so a request without them (or with wrong ones) is answered 401 with one
``WWW-Authenticate`` header per scheme, Basic first:

    WWW-Authenticate: Basic realm="Willaq", charset="UTF-8"
    WWW-Authenticate: Digest realm="Willaq", qop="auth", algorithm=SHA-256, nonce="…", …
    WWW-Authenticate: Digest realm="Willaq", qop="auth", algorithm=MD5, nonce="…", …

Collect takes the first challenge whose scheme it will use: over HTTPS that is Basic (password
or token); over plain HTTP it never sends Basic and answers the first Digest challenge (older
versions read the last header, which is Digest too).

**Digest works with personal API tokens only.** It needs the server to hold ``H(user:realm:
secret)``; Willaq keeps passwords only as Argon2 hashes, so a password cannot be checked this
way. A token's raw value is known once, when it is created, and then its HA1 (MD5 and SHA-256)
is stored beside its SHA-256 (``willaq/accounts/digest.py``). Consequences, also said on the
profile page and in the README:

- tokens created before the HA1 was kept have none: they work with Basic, not Digest (create a
  new token for Collect over HTTP);
- the HA1 is bound to the e-mail at creation: after the e-mail changes, Digest fails with that
  token (Basic keeps working) until a new one is created; the user name is the e-mail as stored,
  in lower case (Digest hashes it as typed);
- whoever reads the HA1 from the database can answer Digest as the token's owner (as with every
  Digest server), though not Basic or the API; revoking the token ends both.

The nonce is stateless and lives five minutes (``digest.py``: then ``stale=true`` and the client
retries by itself); ``nc`` must grow per nonce (kept in the cache); the ``uri`` must be this
request's; every comparison is constant-time.

Failures count towards the login lockout (django-axes, ``willaq/accounts/throttling.py``) like
the login page's: Basic passwords go through ``django.contrib.auth.authenticate``, and a wrong
Digest answer sends the same ``user_login_failed`` signal. A locked account is refused over
Digest as over Basic with a password (429).
"""

import base64
import binascii
from dataclasses import dataclass

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils import timezone

from willaq.accounts.digest import DIGEST_REALM
from willaq.accounts.models import ApiToken, User, hash_token
from willaq.earlywarning.openrosa import digest

REALM = DIGEST_REALM
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
    # A right Digest answer to an expired (or already used) nonce: challenge with stale=true.
    stale: bool = False


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


# --- Digest (plain HTTP) -------------------------------------------------------------------------


def challenges(*, stale: bool = False) -> list[str]:
    """The ``WWW-Authenticate`` values of a 401, in order: Basic, then Digest SHA-256 and MD5."""
    return [CHALLENGE, *digest.challenges(stale=stale)]


def _locked(request: HttpRequest, email: str) -> bool:
    if not settings.AXES_ENABLED:
        return False
    return not AxesProxyHandler.is_allowed(request, {"username": email})


def _count_failure(request: HttpRequest, email: str) -> AuthResult:
    # The signal django.contrib.auth.authenticate sends: django-axes counts it.
    user_login_failed.send(sender=__name__, credentials={"username": email}, request=request)
    return AuthResult(
        user=None, attempted=True, locked_out=bool(getattr(request, "axes_locked_out", False))
    )


def authenticate_digest(request: HttpRequest) -> AuthResult:
    """Who sent ``request``, from its Digest answer (a personal token with its HA1)."""
    credentials = digest.parse_authorization(request.META.get("HTTP_AUTHORIZATION", ""))
    if credentials is None or not digest.well_formed(credentials):
        return AuthResult(user=None, attempted=True)
    if not digest.uri_matches(credentials, request):
        return AuthResult(user=None, attempted=True)
    nonce = digest.nonce_state(credentials.nonce)
    if nonce is digest.NonceState.INVALID:
        return AuthResult(user=None, attempted=True)
    email = credentials.username.strip()
    if _locked(request, email.lower()):
        return AuthResult(user=None, attempted=True, locked_out=True)
    method = request.method or "GET"
    tokens = ApiToken.objects.select_related("user").filter(
        user__email=email, user__is_active=True, revoked_at__isnull=True
    )
    token = next(
        (
            token
            for token in tokens
            if digest.response_matches(credentials, token.digest_ha1(credentials.algorithm), method)
        ),
        None,
    )
    if token is None:
        return _count_failure(request, email.lower())
    if nonce is digest.NonceState.STALE or not digest.accept_count(credentials):
        return AuthResult(user=None, attempted=True, stale=True)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return AuthResult(user=token.user, attempted=True)


def authenticate_request(request: HttpRequest) -> AuthResult:
    """Who sent ``request``: by Digest when its ``Authorization`` says so, else by Basic."""
    scheme = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")[0]
    if scheme.lower() == "digest":
        return authenticate_digest(request)
    return authenticate_basic(request)

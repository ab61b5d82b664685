"""HTTP Digest (RFC 7616, qop ``auth``, algorithms SHA-256 and MD5) for the OpenRosa endpoints.

Only personal API tokens created with their Digest secret (``willaq/accounts/digest.py``) can be
checked; ``auth.py`` explains where this fits. This module knows the protocol: the challenge,
the stateless nonce, parsing an ``Authorization: Digest`` header and checking its response.

- **Nonce**: ``<time>.<random>.<HMAC(SECRET_KEY, time.random)>``, valid for
  ``NONCE_LIFETIME``; nothing is stored to issue it. A nonce the server did not sign is refused;
  an expired one with an otherwise right answer is answered ``stale=true``, so the client
  retries with the new nonce without asking the user again.
- **Replays**: the highest ``nc`` accepted for each nonce is kept in Django's cache for the
  nonce's lifetime; a request whose ``nc`` is not higher is answered ``stale=true`` (a genuine
  client simply retries). The guard is as wide as the cache: with the default per-process
  memory cache each server process keeps its own count, so a replay that reaches another
  process within the nonce's five minutes is accepted; configure a shared cache to close that.
  With qop ``auth`` the body is not covered by the response (as with every Digest client
  Collect knows); on the open internet run Willaq behind HTTPS.
"""

import hmac
import re
import secrets
from dataclasses import dataclass
from enum import Enum
from urllib.parse import unquote, urlsplit

from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from willaq.accounts.digest import DIGEST_ALGORITHMS, DIGEST_REALM, MD5, digest_hash

NONCE_LIFETIME = 300  # seconds
QOP = "auth"
# Longer headers are refused unread.
MAX_HEADER = 4096
_NONCE_SALT = "willaq.earlywarning.openrosa.digest.nonce"
_OPAQUE_SALT = "willaq.earlywarning.openrosa.digest.opaque"
_NC_CACHE_PREFIX = "openrosa-digest-nc:"
_REQUIRED = ("username", "realm", "nonce", "uri", "response", "qop", "nc", "cnonce")
# One auth-param: a token name, "=", then a token or a quoted-string (RFC 9110 §11.2).
_PARAM = re.compile(r'\s*([A-Za-z0-9_*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))\s*(?:,|$)')
_NC = re.compile(r"[0-9a-fA-F]{8}")


class NonceState(Enum):
    VALID = "valid"
    STALE = "stale"
    INVALID = "invalid"


@dataclass(frozen=True)
class DigestResponse:
    """The parameters of one ``Authorization: Digest`` header."""

    username: str
    realm: str
    nonce: str
    uri: str
    response: str
    qop: str
    nc: str
    cnonce: str
    algorithm: str
    opaque: str | None


def _opaque() -> str:
    return salted_hmac(_OPAQUE_SALT, DIGEST_REALM, algorithm="sha256").hexdigest()[:32]


def _nonce_mac(payload: str) -> str:
    return salted_hmac(_NONCE_SALT, payload, algorithm="sha256").hexdigest()[:32]


def new_nonce() -> str:
    payload = f"{int(timezone.now().timestamp()):x}.{secrets.token_urlsafe(12)}"
    return f"{payload}.{_nonce_mac(payload)}"


def nonce_state(nonce: str) -> NonceState:
    """Whether ``nonce`` was issued by this server, and is still fresh."""
    payload, _dot, mac = nonce.rpartition(".")
    if not payload or not hmac.compare_digest(mac, _nonce_mac(payload)):
        return NonceState.INVALID
    try:
        issued = int(payload.partition(".")[0], 16)
    except ValueError:
        return NonceState.INVALID
    age = timezone.now().timestamp() - issued
    if age < -60:  # issued in the future: not by this server's clock
        return NonceState.INVALID
    return NonceState.VALID if age <= NONCE_LIFETIME else NonceState.STALE


def challenges(*, stale: bool = False) -> list[str]:
    """One ``WWW-Authenticate`` value per algorithm, the preferred first, sharing one nonce."""
    nonce = new_nonce()
    extra = ", stale=true" if stale else ""
    return [
        f'Digest realm="{DIGEST_REALM}", qop="{QOP}", algorithm={algorithm}, '
        f'nonce="{nonce}", opaque="{_opaque()}", charset=UTF-8{extra}'
        for algorithm in DIGEST_ALGORITHMS
    ]


def parse_authorization(header: str) -> DigestResponse | None:
    """The parameters of an ``Authorization: Digest …`` header, or None if it is not one or
    lacks a parameter qop ``auth`` needs."""
    scheme, _space, rest = header.partition(" ")
    if scheme.lower() != "digest" or len(header) > MAX_HEADER:
        return None
    params: dict[str, str] = {}
    position = 0
    rest = rest.strip()
    while position < len(rest):
        match = _PARAM.match(rest, position)
        if match is None or match.end() == position:
            return None
        name = match.group(1).lower()
        quoted, token = match.group(2), match.group(3)
        value = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else token
        if name in params:
            return None  # a parameter twice: ambiguous, refused
        params[name] = value
        position = match.end()
    if any(not params.get(name) for name in _REQUIRED):
        return None
    if any("\x00" in value for value in params.values()):
        return None
    return DigestResponse(
        username=params["username"],
        realm=params["realm"],
        nonce=params["nonce"],
        uri=params["uri"],
        response=params["response"].lower(),
        qop=params["qop"],
        nc=params["nc"],
        cnonce=params["cnonce"],
        algorithm=params.get("algorithm") or MD5,
        opaque=params.get("opaque"),
    )


def well_formed(credentials: DigestResponse) -> bool:
    """The parameters this server offered: its realm, qop ``auth``, a known algorithm, an
    eight-digit ``nc`` and its ``opaque`` (when the client returns it)."""
    return (
        credentials.realm == DIGEST_REALM
        and credentials.qop == QOP
        and credentials.algorithm in DIGEST_ALGORITHMS
        and _NC.fullmatch(credentials.nc) is not None
        and (credentials.opaque is None or hmac.compare_digest(credentials.opaque, _opaque()))
    )


def uri_matches(credentials: DigestResponse, request: HttpRequest) -> bool:
    """The ``uri`` names this request's path and query (some clients send the absolute URL)."""
    parts = urlsplit(credentials.uri)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return unquote(target) == unquote(request.get_full_path())


def expected_response(credentials: DigestResponse, ha1: str, method: str) -> str:
    """``H(HA1:nonce:nc:cnonce:qop:H(method:uri))`` (RFC 7616 §3.4.1)."""
    algorithm = credentials.algorithm
    ha2 = digest_hash(algorithm, f"{method}:{credentials.uri}")
    return digest_hash(
        algorithm,
        f"{ha1}:{credentials.nonce}:{credentials.nc}:{credentials.cnonce}:{credentials.qop}:{ha2}",
    )


def response_matches(credentials: DigestResponse, ha1: str, method: str) -> bool:
    if not ha1:
        return False
    expected = expected_response(credentials, ha1, method)
    return hmac.compare_digest(expected.encode(), credentials.response.encode())


def accept_count(credentials: DigestResponse) -> bool:
    """Record ``nc`` for the nonce; False when it is not higher than one already accepted (a
    replay). Not atomic: two copies of one request arriving together may both pass."""
    key = _NC_CACHE_PREFIX + credentials.nonce
    count = int(credentials.nc, 16)
    last = cache.get(key)
    if isinstance(last, int) and count <= last:
        return False
    cache.set(key, count, timeout=NONCE_LIFETIME + 60)
    return True

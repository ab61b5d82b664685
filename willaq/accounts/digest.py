"""The HTTP Digest secret (RFC 7616 "HA1") of a personal API token.

Digest authentication never sends the secret: the client proves it knows ``H(user:realm:secret)``
and the server must hold that same value to check the proof. Willaq keeps passwords only as
Argon2 hashes, so Digest cannot work with them; a personal API token's raw value, though, is
known once, when the token is created, and then its HA1 for the realm is stored beside its
SHA-256 (:func:`willaq.accounts.services.create_api_token`).

An HA1 is worth the token for Digest (whoever reads it from the database can answer a Digest
challenge as the token's owner, as with every Digest server), but not for Basic or the API,
which check the SHA-256 of the raw value, and it does not give the raw value away (a 256-bit
random token, see :meth:`ApiToken.new_raw_value`). Revoking the token ends both.

The HA1 is computed from the account's e-mail at creation: if the e-mail changes, Digest with
that token fails (Basic keeps working) until a new token is created.
"""

import hashlib
from collections.abc import Callable

DIGEST_REALM = "Willaq"
MD5 = "MD5"
SHA256 = "SHA-256"
# In the order the server prefers them (RFC 7616 §3.7: the client takes the first it knows).
DIGEST_ALGORITHMS = (SHA256, MD5)


def _md5(data: bytes) -> str:
    # MD5 is what the protocol names (RFC 2617), and what older clients know; the secret behind
    # it is a random 256-bit token, which MD5's known weaknesses (collisions) do not reveal.
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_HASHES: dict[str, Callable[[bytes], str]] = {MD5: _md5, SHA256: _sha256}


def digest_hash(algorithm: str, text: str) -> str:
    """``H(text)`` for a Digest algorithm (``MD5`` or ``SHA-256``), in lower-case hex."""
    return _HASHES[algorithm](text.encode("utf-8"))


def token_ha1(email: str, raw_token: str, algorithm: str) -> str:
    """``H(email:realm:token)``: what a Digest client computes from the user name and password."""
    return digest_hash(algorithm, f"{email}:{DIGEST_REALM}:{raw_token}")

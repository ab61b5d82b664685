"""Outbound SMS: the replies to reporters and the outcome of their pre-alerts.

:func:`send_sms` is the one door; the backend is chosen by ``WILLAQ_SMS_BACKEND``:

- ``console`` (the default, development): the message is written to the log (logger
  ``willaq.sms``), nothing leaves the machine;
- ``http`` (production): the message is POSTed as JSON ``{"to": "+51…", "text": "…"}`` to
  ``WILLAQ_SMS_GATEWAY_URL``, with ``Authorization: Bearer WILLAQ_SMS_GATEWAY_TOKEN`` when a
  token is set; any 2xx answer is a success, anything else raises :class:`SmsDeliveryError`
  (a Celery task calling it may retry);
- ``memory`` (tests): the message is appended to :data:`outbox`.

The text is made GSM-7 safe first (:func:`gsm_text`): basic phones show accented vowels other
than GSM-7's own as boxes, and one such character turns a 160-character SMS into 70-character
parts.
"""

import json
import logging
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger("willaq.sms")

# GSM 03.38's basic character set (what every phone shows, one septet each).
_GSM7 = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The longest text sent (a long SMS of seven parts).
MAX_SMS_CHARS = 1000


class SmsDeliveryError(Exception):
    """The gateway did not take the message."""


@dataclass(frozen=True)
class OutgoingSms:
    phone: str
    text: str


# The "memory" backend's sent messages (tests empty it).
outbox: list[OutgoingSms] = []


def gsm_text(text: str) -> str:
    """``text`` with every character outside GSM-7 replaced by its unaccented letter (á → a),
    or by ``?`` when it has none; whitespace other than newlines becomes a space."""
    out: list[str] = []
    for char in text:
        if char in _GSM7:
            out.append(char)
        elif char.isspace():
            out.append(" ")
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            out.append(base if base and all(c in _GSM7 for c in base) else "?")
    return "".join(out)[:MAX_SMS_CHARS]


def _send_http(phone: str, text: str) -> None:
    body = json.dumps({"to": phone, "text": text}).encode()
    request = urllib.request.Request(  # noqa: S310 (the URL is the operator's setting)
        settings.WILLAQ_SMS_GATEWAY_URL,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    if settings.WILLAQ_SMS_GATEWAY_TOKEN:
        request.add_header("Authorization", f"Bearer {settings.WILLAQ_SMS_GATEWAY_TOKEN}")
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.WILLAQ_SMS_GATEWAY_TIMEOUT
        ) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        raise SmsDeliveryError(f"gateway answered {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise SmsDeliveryError(f"gateway unreachable: {exc}") from exc
    if not 200 <= status < 300:
        raise SmsDeliveryError(f"gateway answered {status}")


def send_sms(phone: str, text: str) -> None:
    """Send ``text`` to ``phone`` (E.164, ``+51…``) through the configured backend.

    Raises :class:`SmsDeliveryError` when the gateway refuses or cannot be reached."""
    text = gsm_text(text)
    backend = settings.WILLAQ_SMS_BACKEND
    if backend == "memory":
        outbox.append(OutgoingSms(phone=phone, text=text))
    elif backend == "http":
        _send_http(phone, text)
    else:
        logger.info("SMS to %s: %s", phone, text)

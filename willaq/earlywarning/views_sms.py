"""The SMS gateway's webhook: ``POST /sms/entrada/`` (form-encoded), documented in README
("Prealertas por SMS").

Fields: ``from`` (the sender's number), ``text``, ``sent_at`` (ISO 8601), ``message_id`` (the
provider's id) and the shared secret (header ``X-Willaq-Sms-Secret`` or field ``secret``,
``WILLAQ_SMS_SECRET``). Answers JSON: ``{"reply", "reference"}`` with 201 (a new pre-alert),
200 (a resent message: the same pre-alert; or ``AYUDA``), 429 (over the sender's hourly
limit, the message kept in the audit log); ``{"detail", "errors"}`` with 400 (``from`` or
``text`` missing), 403 (no or a wrong secret), 503 (no institution can receive it: the gateway
should retry). The only CSRF-exempt view: the gateway authenticates with the secret.
"""

import hmac
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from willaq.earlywarning.services.sms import IncomingSms, receive_sms

logger = logging.getLogger("willaq.sms")

# Names of where the secret travels, not secrets.
SECRET_HEADER = "X-Willaq-Sms-Secret"  # noqa: S105
SECRET_FIELD = "secret"  # noqa: S105
REQUIRED_FIELDS = ("from", "text")


def _secret_ok(request: HttpRequest) -> bool:
    expected: str = settings.WILLAQ_SMS_SECRET
    if not expected:
        return False  # not configured: the webhook is closed
    given = request.headers.get(SECRET_HEADER) or request.POST.get(SECRET_FIELD) or ""
    return hmac.compare_digest(given.encode(), expected.encode())


def _clean(value: str) -> str:
    # PostgreSQL text cannot hold NUL.
    return value.replace("\x00", "")


@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest) -> JsonResponse:
    if not _secret_ok(request):
        return JsonResponse(
            {"detail": _("Secreto del webhook de SMS ausente o incorrecto.")}, status=403
        )
    missing = [name for name in REQUIRED_FIELDS if name not in request.POST]
    if missing:
        return JsonResponse(
            {
                "detail": _("Faltan campos del mensaje."),
                "errors": {name: [_("Este campo es obligatorio.")] for name in missing},
            },
            status=400,
        )
    fields = [
        (name, _clean(value))
        for name, values in request.POST.lists()
        if name != SECRET_FIELD
        for value in values
    ]
    message = IncomingSms(
        sender=_clean(request.POST.get("from", "")),
        text=_clean(request.POST.get("text", "")),
        sent_at=_clean(request.POST.get("sent_at", "")),
        message_id=_clean(request.POST.get("message_id", "")),
        raw_payload=urlencode(fields),
    )
    try:
        outcome = receive_sms(message)
    except ImproperlyConfigured:
        logger.exception("SMS from %s cannot be received", message.sender)
        return JsonResponse(
            {"detail": _("El servicio no puede recibir SMS en este momento.")}, status=503
        )
    return JsonResponse(
        {"reply": outcome.reply, "reference": outcome.reference}, status=outcome.status
    )

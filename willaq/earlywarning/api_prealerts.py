"""API v1: pre-alerts. ``POST /api/v1/prealerts`` (with ``Idempotency-Key``), ``GET
/api/v1/prealerts`` (filters, paginated) and ``GET /api/v1/prealerts/{uuid}``; the same access
rule as the pages (willaq.earlywarning.access), every write through
:func:`willaq.earlywarning.services.intake.receive_prealert`.

Idempotency: the key is the pre-alert's client id on channel ``api``. A retry with the same key
and the same body (compared as JSON) answers the first answer again: 201 and the same receipt,
byte for byte, creating nothing. The same key with a different body, or sent by another account,
answers **409** (the key is taken: choose a new one). Over ``WILLAQ_API_PREALERTS_PER_HOUR``
new pre-alerts in an hour, an account gets 429 (a retry of one already received still gets
its answer).
"""

import json
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import P, Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.params import HeaderEx
from ninja.responses import Status

from willaq.accounts.api import ApiTokenAuth, BrowserSessionAuth
from willaq.accounts.models import Institution, User
from willaq.cases.api import Pagination
from willaq.core.schemas import OBJECT_READ_ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut
from willaq.earlywarning.access import (
    get_prealert_for_user,
    submitting_institutions,
    visible_prealerts,
)
from willaq.earlywarning.choices import Channel
from willaq.earlywarning.models import PreAlert, Reporter
from willaq.earlywarning.schemas import (
    IDEMPOTENCY_KEY_PATTERN,
    PreAlertFilters,
    PreAlertIn,
    PreAlertOut,
    PreAlertReceiptOut,
)
from willaq.earlywarning.services.intake import find_prealert, receive_prealert, reporter_for_user
from willaq.earlywarning.services.ratelimit import count_one, sent_last_hour

router = Router(tags=["prealertas"])

CREATE_ERRORS = WRITE_ERRORS | {409: ErrorOut, 429: ErrorOut}


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _prealerts() -> QuerySet[PreAlert]:
    return PreAlert.objects.select_related(
        "institution",
        "reporter",
        "ubigeo",
        "assigned_to",
        "reviewing_by",
        "duplicate_of",
        "case",
        "event",
    )


def _receiving_institution(user: User, slug: str | None, profile: Reporter | None) -> Institution:
    """The institution named by ``slug`` if the user may send to it; by default the user's
    reporter profile's (always one they may send to), else their first."""
    if not slug and profile is not None and profile.institution.is_active:
        return profile.institution
    allowed = submitting_institutions(user)
    if slug:
        institution = Institution.objects.filter(slug=slug, is_active=True).first()
        if institution is None:
            raise ValidationError(
                {"institution": _("Institución desconocida: «%(slug)s».") % {"slug": slug}}
            )
        if not allowed.filter(pk=institution.pk).exists():
            raise PermissionDenied(
                _("No puede enviar prealertas a %(name)s.") % {"name": institution.name}
            )
        return institution
    institution = allowed.first()
    if institution is None:
        raise PermissionDenied(_("Su cuenta no puede enviar prealertas."))
    return institution


def _same_body(stored: str, received: str) -> bool:
    try:
        return bool(json.loads(stored) == json.loads(received))
    except ValueError:
        return stored == received


def _replay(user: User, prealert: PreAlert, body: str) -> Status[PreAlert]:
    """The first answer again, or 409 when the key was used by another account or for
    another body."""
    if prealert.submitted_by_id != user.pk:
        raise HttpError(
            409,
            _("La clave Idempotency-Key ya fue usada por otra cuenta: envíe una clave nueva."),
        )
    if not _same_body(prealert.raw_payload, body):
        raise HttpError(
            409,
            _(
                "La clave Idempotency-Key ya se usó con otro contenido: un reintento debe "
                "enviar el mismo cuerpo; una prealerta nueva, una clave nueva."
            ),
        )
    return Status(201, prealert)


RATE_SCOPE = "prealerts-api"


def _over_limit(user: User) -> bool:
    # Counted in the cache (services.ratelimit), not by a COUNT over the pre-alerts.
    return sent_last_hour(user, RATE_SCOPE) >= settings.WILLAQ_API_PREALERTS_PER_HOUR


# The personal token, loading the user's reporter profile and its institution in the same query
# (the intake needs them: no second query).
INTAKE_AUTH = [ApiTokenAuth(related=("user__reporter_profile__institution",)), BrowserSessionAuth()]


@router.post(
    "/prealerts",
    response={201: PreAlertReceiptOut, **CREATE_ERRORS},
    summary="Enviar una prealerta (idempotente con Idempotency-Key)",
    auth=INTAKE_AUTH,
)
def create_prealert(
    request: HttpRequest,
    payload: PreAlertIn,
    idempotency_key: HeaderEx[
        str,
        P(
            alias="Idempotency-Key",
            pattern=IDEMPOTENCY_KEY_PATTERN,
            description=(
                "Obligatoria: un identificador único por prealerta generado por el cliente "
                "(p. ej. un UUID), de 1 a 200 caracteres visibles ASCII."
            ),
        ),
    ],
) -> Status[PreAlert]:
    """Answers 201 with a receipt (what never changes; `url` gives the pre-alert). A retry with
    the same `Idempotency-Key` and body answers the same 201 and receipt, creating nothing;
    the same key with another body or from another account answers 409. 422 names the field
    (an unknown `ubigeo` too); 403 when the user may not send to `institution`; 429 over the
    account's hourly limit."""
    user = _user(request)
    body = request.body.decode("utf-8", errors="replace")
    profile = reporter_for_user(user)
    institution = _receiving_institution(user, payload.institution, profile)
    if _over_limit(user):
        # A retry of a pre-alert already received still gets its answer.
        existing = find_prealert(Channel.API, idempotency_key)
        if existing is not None:
            return _replay(user, existing, body)
        raise HttpError(
            429,
            _("Demasiadas prealertas de esta cuenta en la última hora: espere y reintente."),
        )
    data: dict[str, Any] = payload.model_dump(exclude={"institution"})
    data["urgency"] = payload.urgency.value
    prealert, created = receive_prealert(
        channel=Channel.API,
        client_id=idempotency_key,
        institution=institution,
        data=data,
        raw_payload=body,
        raw_content_type="application/json",
        submitted_by=user,
        reporter=profile if profile and profile.institution_id == institution.pk else None,
        sender=user.email,
    )
    if not created:
        # A retry (or a retry that raced this request): the first answer, or 409.
        return _replay(user, prealert, body)
    count_one(user, RATE_SCOPE)
    return Status(201, prealert)


@router.get(
    "/prealerts",
    response={200: list[PreAlertOut], **READ_ERRORS},
    summary="Lista de prealertas visibles",
)
@paginate(Pagination)
def list_prealerts(request: HttpRequest, filters: Query[PreAlertFilters]) -> QuerySet[PreAlert]:
    """The queue of the institutions where the user reviews pre-alerts, and the pre-alerts the
    user sent; newest first. `department`: 2 digits or a 6-digit ubigeo (its first two)."""
    prealerts = visible_prealerts(_user(request))
    if filters.channel:
        prealerts = prealerts.filter(channel=filters.channel.value)
    if filters.state:
        prealerts = prealerts.filter(state=filters.state.value)
    if filters.department:
        prealerts = prealerts.filter(department_code=filters.department[:2] + "0000")
    if filters.client_id is not None:
        prealerts = prealerts.filter(client_id=filters.client_id)
    return _prealerts().filter(pk__in=prealerts.values("pk")).order_by("-received_at", "-id")


@router.get(
    "/prealerts/{prealert_uuid}",
    response={200: PreAlertOut, **OBJECT_READ_ERRORS},
    summary="Detalle de una prealerta",
)
def get_prealert(request: HttpRequest, prealert_uuid: UUID) -> PreAlert:
    prealert = get_prealert_for_user(_user(request), prealert_uuid)
    return _prealerts().get(pk=prealert.pk)

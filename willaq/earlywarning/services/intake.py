"""One door for pre-alerts from every channel (web form, OpenRosa, SMS, API).

:func:`receive_prealert` is idempotent on (channel, client id): a retry of a submission that
already arrived returns the first pre-alert and creates nothing (``created`` is False), even
when two retries race (the unique constraint decides, the loser reads the winner's row). The
raw payload is stored as received; a submission whose structured data does not validate is
refused with a ValidationError naming the fields (channels that must never lose a report, SMS,
keep it unstructured instead: ``structured=False``).
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent
from willaq.audit.services import record
from willaq.earlywarning.choices import Channel, Urgency
from willaq.earlywarning.models import PreAlert, PreAlertAttachment, Reporter
from willaq.earlywarning.services.places import forget_units, unit_by_code
from willaq.territory.models import Ubigeo

# Photos: what the form and the channels accept.
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
ATTACHMENT_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})
# Text fields and their longest accepted length.
TEXT_LIMITS: dict[str, int] = {
    "description": 5000,
    "actors": 2000,
    "demands": 2000,
    "measures": 2000,
    "location": 200,
}
MAX_CLIENT_ID = 200
MAX_RAW_PAYLOAD = 2 * 1024 * 1024


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    content: bytes


def _text(errors: dict[str, list[str]], data: Mapping[str, Any], field: str) -> str:
    value = data.get(field) or ""
    if not isinstance(value, str):
        errors.setdefault(field, []).append(_("Debe ser un texto."))
        return ""
    value = value.strip()
    if "\x00" in value:
        errors.setdefault(field, []).append(_("No puede contener el carácter nulo."))
        return ""
    if len(value) > TEXT_LIMITS[field]:
        errors.setdefault(field, []).append(
            _("Admite como máximo %(n)s caracteres.") % {"n": TEXT_LIMITS[field]}
        )
    return value


def _date(errors: dict[str, list[str]], data: Mapping[str, Any], field: str) -> dt.date | None:
    value = data.get(field)
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            errors.setdefault(field, []).append(_("Fecha no válida: use el formato AAAA-MM-DD."))
            return None
    if not isinstance(value, dt.date):
        errors.setdefault(field, []).append(_("Fecha no válida: use el formato AAAA-MM-DD."))
        return None
    if value.year < 1990:
        errors.setdefault(field, []).append(_("La fecha está fuera del rango admitido."))
        return None
    return value


def _coordinate(
    errors: dict[str, list[str]], data: Mapping[str, Any], field: str, limit: float
) -> float | None:
    value = data.get(field)
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors.setdefault(field, []).append(_("Debe ser un número."))
        return None
    if not -limit <= number <= limit:
        errors.setdefault(field, []).append(
            _("Debe estar entre -%(n)s y %(n)s.") % {"n": int(limit)}
        )
        return None
    return number


def clean_prealert_data(data: Mapping[str, Any], *, structured: bool = True) -> dict[str, Any]:
    """Validate a pre-alert's fields as any channel gives them (strings or typed values).

    Keys: ``ubigeo`` (6-digit code of a department, province or district), ``location``,
    ``latitude``, ``longitude``, ``occurred_on``, ``description``, ``actors``, ``demands``,
    ``measures``, ``measures_date``, ``urgency``. A structured pre-alert needs a place and a
    description; an unstructured one (an SMS that did not parse) only its text.
    """
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {field: _text(errors, data, field) for field in TEXT_LIMITS}
    clean["occurred_on"] = _date(errors, data, "occurred_on")
    clean["measures_date"] = _date(errors, data, "measures_date")
    today = timezone.localdate()
    if clean["occurred_on"] and clean["occurred_on"] > today + dt.timedelta(days=1):
        errors.setdefault("occurred_on", []).append(_("La fecha del hecho no puede ser futura."))
    clean["latitude"] = _coordinate(errors, data, "latitude", 90)
    clean["longitude"] = _coordinate(errors, data, "longitude", 180)
    if (clean["latitude"] is None) != (clean["longitude"] is None):
        errors.setdefault("longitude", []).append(_("Indique latitud y longitud juntas."))
    urgency = data.get("urgency") or Urgency.MEDIUM
    if urgency not in Urgency.values:
        errors.setdefault("urgency", []).append(
            _("Valor no permitido. Valores aceptados: %(values)s.")
            % {"values": ", ".join(Urgency.values)}
        )
    clean["urgency"] = urgency
    code = data.get("ubigeo")
    place: Ubigeo | None = None
    if code not in (None, ""):
        code = str(code).strip()
        place = unit_by_code(code)
        if place is None:
            errors.setdefault("ubigeo", []).append(
                _("Lugar desconocido: «%(code)s» no es un código ubigeo.") % {"code": code[:20]}
            )
    elif structured and clean["latitude"] is None:
        errors.setdefault("ubigeo", []).append(
            _("Indique el lugar (departamento, provincia, distrito) o la ubicación del teléfono.")
        )
    clean["ubigeo"] = place
    if structured and not clean["description"]:
        errors.setdefault("description", []).append(_("Cuente qué pasó."))
    if errors:
        raise ValidationError(errors)
    return clean


def _check_attachments(attachments: list[Attachment]) -> None:
    if len(attachments) > MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": [_("Admite como máximo %(n)s fotos.") % {"n": MAX_ATTACHMENTS}]}
        )
    names: set[str] = set()
    for item in attachments:
        if item.content_type not in ATTACHMENT_TYPES:
            raise ValidationError(
                {
                    "attachments": [
                        _("«%(name)s»: solo se aceptan fotos JPEG, PNG o WebP.")
                        % {"name": item.name[:100]}
                    ]
                }
            )
        if len(item.content) > MAX_ATTACHMENT_BYTES:
            raise ValidationError(
                {"attachments": [_("«%(name)s» pesa más de 5 MB.") % {"name": item.name[:100]}]}
            )
        if item.name in names:
            raise ValidationError(
                {"attachments": [_("«%(name)s» está repetido.") % {"name": item.name[:100]}]}
            )
        names.add(item.name)


def find_prealert(channel: str, client_id: str) -> PreAlert | None:
    if not client_id:
        return None
    return PreAlert.objects.filter(channel=channel, client_id=client_id).first()


def reporter_for_user(user: User | None) -> Reporter | None:
    """The user's active reporter profile (with its institution). No query when the user was
    loaded with ``select_related("reporter_profile__institution")`` (the API's token auth)."""
    if user is None or not user.is_authenticated:
        return None
    if User.reporter_profile.is_cached(user):
        try:
            profile: Reporter | None = user.reporter_profile
        except Reporter.DoesNotExist:
            return None
        return profile if profile is not None and profile.is_active else None
    return Reporter.objects.filter(user=user, is_active=True).select_related("institution").first()


def receive_prealert(
    *,
    channel: Channel | str,
    client_id: str,
    institution: Institution,
    data: Mapping[str, Any],
    raw_payload: str,
    raw_content_type: str = "",
    submitted_by: User | None = None,
    reporter: Reporter | None = None,
    sender: str = "",
    unknown_sender: bool = False,
    structured: bool = True,
    attachments: Iterable[Attachment] = (),
    received_at: dt.datetime | None = None,
    is_demo: bool = False,
) -> tuple[PreAlert, bool]:
    """Store one pre-alert, exactly once per (channel, client id). Returns (pre-alert, created).

    The caller has checked that the sender may report to ``institution``. ``data`` is validated
    by :func:`clean_prealert_data`; attachments by type, size and count.
    """
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    client_id = (client_id or "").strip()
    if len(client_id) > MAX_CLIENT_ID:
        raise ValidationError(
            {"client_id": [_("Admite como máximo %(n)s caracteres.") % {"n": MAX_CLIENT_ID}]}
        )
    files = list(attachments)
    if files:
        # Files are written before the commit: a retry must not write them again.
        existing = find_prealert(channel, client_id)
        if existing is not None:
            return existing, False
    # Without files the unique constraint alone answers a retry (below): one query fewer on
    # every new pre-alert. A retry is answered even if its data would not validate now.
    try:
        clean = clean_prealert_data(data, structured=structured)
        _check_attachments(files)
    except ValidationError:
        existing = find_prealert(channel, client_id)
        if existing is not None:
            return existing, False
        raise
    place: Ubigeo | None = clean.pop("ubigeo")
    prealert = PreAlert(
        channel=channel,
        client_id=client_id,
        institution=institution,
        reporter=reporter,
        submitted_by=submitted_by if submitted_by and submitted_by.is_authenticated else None,
        sender=sender[:200],
        unknown_sender=unknown_sender,
        received_at=received_at or timezone.now(),
        ubigeo=place,
        department_code=place.department_code if place else "",
        is_structured=structured,
        raw_payload=raw_payload[:MAX_RAW_PAYLOAD],
        raw_content_type=raw_content_type[:100],
        is_demo=is_demo,
        **clean,
    )
    try:
        with transaction.atomic():
            prealert.save()
            for item in files:
                attachment = PreAlertAttachment(
                    prealert=prealert,
                    name=item.name[:200],
                    content_type=item.content_type,
                    size=len(item.content),
                )
                attachment.file.save(item.name, ContentFile(item.content), save=False)
                attachment.save()
            record(
                AuditEvent.PREALERT_RECEIVED,
                prealert,
                acting_user=prealert.submitted_by,
                institution=institution,
                diff={"channel": channel, "client_id": client_id, "structured": structured},
            )
    except IntegrityError:
        # A retry (or a retry that raced this one and won): answer with the first pre-alert.
        winner = find_prealert(channel, client_id)
        if winner is None:
            forget_units()  # should the territory have been reloaded under this process
            raise
        return winner, False
    return prealert, True

"""Issuing, updating and cancelling alerts (CAP 1.2 messages, see ``willaq.earlywarning.cap``).

Each function checks access itself (``access.can_issue_alert``, ``can_follow_up_alert``),
validates its input (a ValidationError keyed by field, in the user's language), writes inside one
transaction with its audit record (ALERT_ISSUED / UPDATED / CANCELLED) and notifies the recipient
institutions' analysts and coordinators (in the app and by e-mail, after commit).

An update or a cancellation is a new Alert row (``msg_type`` Update / Cancel) whose
``references`` is the thread's original; a cancelled thread takes no more messages.
"""

import datetime as dt
import math
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.accounts.models import Institution, Role, User
from willaq.accounts.notifications import notify
from willaq.audit.models import AuditEvent
from willaq.audit.services import record
from willaq.cases.access import can_view_case
from willaq.cases.models import Case
from willaq.earlywarning import access
from willaq.earlywarning.choices import (
    AlertCertainty,
    AlertLevel,
    AlertMessageType,
    AlertUrgency,
    ReviewState,
)
from willaq.earlywarning.models import Alert, PreAlert
from willaq.earlywarning.selectors_alerts import is_cancelled, thread, thread_root
from willaq.territory.models import Ubigeo

HEADLINE_MAX = 160
TEXT_MAX = 5000
AREA_DESCRIPTION_MAX = 300
MAX_AREA_UNITS = 50
MAX_POLYGON_POINTS = 1000
MAX_RADIUS_KM = 1000.0
# Who hears of an alert in a recipient institution.
RECIPIENT_ROLES = (Role.ANALYST, Role.COORDINATOR)

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class AlertInput:
    """What an alert says, as the form and the API give it. ``area_units`` are ubigeo codes
    (department, province or district); ``recipients`` institution slugs; ``polygon`` CAP's
    notation ("lat,lon lat,lon …", first point = last)."""

    level: str
    urgency: str
    certainty: str
    headline: str
    description: str
    area_units: Sequence[str]
    instruction: str = ""
    area_description: str = ""
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float | None = None
    polygon: str = ""
    recipients: Sequence[str] = field(default_factory=tuple)
    is_public: bool = False
    expires_at: dt.datetime | None = None


@dataclass(frozen=True)
class _Clean:
    values: dict[str, Any]
    units: list[Ubigeo]
    recipients: list[Institution]


def _add(errors: Errors, name: str, message: str) -> None:
    errors.setdefault(name, []).append(message)


def _text(errors: Errors, name: str, value: str, limit: int, *, required: bool) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        _add(errors, name, _("No puede contener el carácter nulo."))
    elif required and not value:
        _add(errors, name, _("Este campo es obligatorio."))
    elif len(value) > limit:
        _add(errors, name, _("Admite como máximo %(n)s caracteres.") % {"n": limit})
    return value


def _choice(errors: Errors, name: str, value: str, values: Iterable[str]) -> str:
    allowed = list(values)
    if value not in allowed:
        _add(
            errors,
            name,
            _("Valor no permitido. Valores aceptados: %(values)s.")
            % {"values": ", ".join(allowed)},
        )
    return value


def _units(errors: Errors, codes: Sequence[str]) -> list[Ubigeo]:
    cleaned = list(dict.fromkeys(str(code).strip() for code in codes if str(code).strip()))
    if not cleaned:
        _add(
            errors,
            "area_units",
            _(
                "Una alerta necesita un área: indique al menos una unidad territorial "
                "(código ubigeo de departamento, provincia o distrito)."
            ),
        )
        return []
    if len(cleaned) > MAX_AREA_UNITS:
        _add(errors, "area_units", _("Admite como máximo %(n)s lugares.") % {"n": MAX_AREA_UNITS})
        return []
    found = {
        unit.code: unit
        for unit in Ubigeo.objects.select_related("parent__parent").filter(
            code__in=[c for c in cleaned if c.isdigit()]
        )
    }
    for code in cleaned:
        if code not in found:
            _add(
                errors,
                "area_units",
                _("Lugar desconocido: «%(code)s» no es un código ubigeo.") % {"code": code[:20]},
            )
    return [found[code] for code in cleaned if code in found]


def _number(errors: Errors, name: str, value: float | None, low: float, high: float) -> Any:
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        _add(errors, name, _("Debe ser un número."))
        return None
    if not low <= value <= high:
        _add(errors, name, _("Debe estar entre %(low)s y %(high)s.") % {"low": low, "high": high})
        return None
    return float(value)


def parse_polygon(text: str) -> list[tuple[float, float]]:
    """CAP's polygon notation as (lat, lon) points; ValueError with a message when malformed."""
    points: list[tuple[float, float]] = []
    for pair in text.split():
        lat_text, sep, lon_text = pair.partition(",")
        try:
            lat, lon = float(lat_text), float(lon_text)
        except ValueError:
            raise ValueError(
                _("«%(pair)s» no es un par «latitud,longitud».") % {"pair": pair[:40]}
            ) from None
        if not sep or not (math.isfinite(lat) and math.isfinite(lon)):
            raise ValueError(_("«%(pair)s» no es un par «latitud,longitud».") % {"pair": pair[:40]})
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(_("«%(pair)s» está fuera de rango.") % {"pair": pair[:40]})
        points.append((lat, lon))
    if len(points) < 4:
        raise ValueError(
            _("Un polígono necesita al menos 4 puntos (el primero repetido al final).")
        )
    if len(points) > MAX_POLYGON_POINTS:
        raise ValueError(_("Admite como máximo %(n)s puntos.") % {"n": MAX_POLYGON_POINTS})
    if points[0] != points[-1]:
        raise ValueError(_("El primer punto del polígono debe repetirse al final."))
    return points


def _clean(data: AlertInput) -> _Clean:
    errors: Errors = {}
    values: dict[str, Any] = {
        "level": _choice(errors, "level", data.level, AlertLevel.values),
        "urgency": _choice(errors, "urgency", data.urgency, AlertUrgency.values),
        "certainty": _choice(errors, "certainty", data.certainty, AlertCertainty.values),
        "headline": _text(errors, "headline", data.headline, HEADLINE_MAX, required=True),
        "description": _text(errors, "description", data.description, TEXT_MAX, required=True),
        "instruction": _text(errors, "instruction", data.instruction, TEXT_MAX, required=False),
        "is_public": bool(data.is_public),
    }
    units = _units(errors, data.area_units)
    description = _text(
        errors, "area_description", data.area_description, AREA_DESCRIPTION_MAX, required=False
    )
    if not description and units:
        description = "; ".join(unit.full_name() for unit in units)[:AREA_DESCRIPTION_MAX]
    values["area_description"] = description
    latitude = _number(errors, "latitude", data.latitude, -90, 90)
    longitude = _number(errors, "longitude", data.longitude, -180, 180)
    radius = _number(errors, "radius_km", data.radius_km, 0, MAX_RADIUS_KM)
    if (data.latitude is None) != (data.longitude is None):
        _add(errors, "longitude", _("Indique latitud y longitud juntas."))
    elif data.latitude is not None and data.radius_km is None:
        _add(errors, "radius_km", _("Indique el radio (km) alrededor del punto."))
    if data.radius_km is not None and data.latitude is None:
        _add(errors, "latitude", _("Un radio necesita un punto: indique latitud y longitud."))
    if radius == 0:
        _add(errors, "radius_km", _("El radio debe ser mayor que cero."))
    values.update(latitude=latitude, longitude=longitude, radius_km=radius)
    polygon = " ".join((data.polygon or "").split())
    if polygon:
        try:
            parse_polygon(polygon)
        except ValueError as exc:
            _add(errors, "polygon", str(exc))
    values["polygon"] = polygon
    slugs = list(dict.fromkeys(str(slug).strip() for slug in data.recipients))
    recipients = list(Institution.objects.filter(slug__in=slugs, is_active=True).order_by("name"))
    for slug in set(slugs) - {i.slug for i in recipients}:
        _add(errors, "recipients", _("Institución desconocida: «%(slug)s».") % {"slug": slug[:60]})
    expires_at = data.expires_at
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            expires_at = timezone.make_aware(expires_at)
        if expires_at <= timezone.now():
            _add(errors, "expires_at", _("La vigencia debe terminar en el futuro."))
    values["expires_at"] = expires_at.replace(microsecond=0) if expires_at else None
    if errors:
        raise ValidationError(errors)
    return _Clean(values=values, units=units, recipients=recipients)


def new_identifier(institution: Institution, sent_at: dt.datetime) -> str:
    """``willaq-<institution>-<yyyymmddhhmmss>-<random>``: unique, never reused."""
    stamp = timezone.localtime(sent_at).strftime("%Y%m%d%H%M%S")
    while True:
        identifier = f"willaq-{institution.slug}-{stamp}-{secrets.token_hex(3)}"
        if not Alert.objects.filter(identifier=identifier).exists():
            return identifier


def _now() -> dt.datetime:
    # CAP's ``sent`` has no fraction of a second; store what the document says.
    return timezone.now().replace(microsecond=0)


def _save(
    user: User,
    institution: Institution,
    clean: _Clean,
    *,
    msg_type: str,
    references: Alert | None,
    case: Case | None,
    prealerts: Sequence[PreAlert],
) -> Alert:
    sent_at = _now()
    alert = Alert.objects.create(
        identifier=new_identifier(institution, sent_at),
        institution=institution,
        issued_by=user,
        sent_at=sent_at,
        msg_type=msg_type,
        references=references,
        case=case,
        **clean.values,
    )
    alert.area_units.set(clean.units)
    alert.recipients.set(clean.recipients)
    if prealerts:
        alert.prealerts.set(prealerts)
    return alert


def _diff(alert: Alert, clean: _Clean) -> dict[str, Any]:
    return {
        "identifier": alert.identifier,
        "msg_type": alert.msg_type,
        "level": alert.level,
        "is_public": alert.is_public,
        "area_units": [unit.code for unit in clean.units],
        "recipients": [i.slug for i in clean.recipients],
        "references": alert.references.identifier if alert.references else None,
    }


def recipient_users(alert: Alert) -> list[User]:
    """The analysts and coordinators of the alert's recipient institutions."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role__in=RECIPIENT_ROLES,
            memberships__institution__in=alert.recipients.filter(is_active=True),
        )
        .distinct()
        .order_by("pk")
    )


def _notify(alert: Alert, kind: str, title: str) -> None:
    notify(
        recipient_users(alert),
        kind=kind,
        title=title,
        body=f"{alert.headline}\n\n{alert.description}\n\n{alert.area_description}",
        url=reverse("earlywarning:alert_detail", kwargs={"alert_uuid": alert.uuid}),
    )


def _check_sources(
    user: User, institution: Institution, prealerts: Sequence[PreAlert], case: Case | None
) -> None:
    errors: Errors = {}
    for prealert in prealerts:
        if prealert.institution_id != institution.pk:
            _add(
                errors,
                "prealerts",
                _("La prealerta %(id)s es de otra institución.") % {"id": str(prealert.uuid)[:8]},
            )
        elif prealert.state != ReviewState.VALIDATED:
            _add(
                errors,
                "prealerts",
                _("La prealerta %(id)s no está validada (estado: %(state)s).")
                % {"id": str(prealert.uuid)[:8], "state": prealert.get_state_display()},
            )
    if case is not None and not can_view_case(user, case):
        _add(errors, "case", _("Caso desconocido."))
    if errors:
        raise ValidationError(errors)


def issue_alert(
    user: User,
    institution: Institution,
    data: AlertInput,
    *,
    prealerts: Sequence[PreAlert] = (),
    case: Case | None = None,
) -> Alert:
    """Issue an alert of ``institution`` (its coordinators only), from validated pre-alerts of
    the same institution and/or a case the user may see."""
    if not access.can_issue_alert(user, institution):
        raise PermissionDenied(_("Solo los coordinadores de la institución emiten alertas."))
    prealerts = list(dict.fromkeys(prealerts))
    _check_sources(user, institution, prealerts, case)
    clean = _clean(data)
    with transaction.atomic():
        alert = _save(
            user,
            institution,
            clean,
            msg_type=AlertMessageType.ALERT,
            references=None,
            case=case,
            prealerts=prealerts,
        )
        record(
            AuditEvent.ALERT_ISSUED,
            alert,
            acting_user=user,
            institution=institution,
            diff=_diff(alert, clean),
        )
        _notify(
            alert,
            "alert.issued",
            _("Alerta %(level)s: %(headline)s")
            % {"level": alert.get_level_display(), "headline": alert.headline},
        )
    return alert


def _follow_up_target(user: User, original: Alert) -> Alert:
    if not access.can_follow_up_alert(user, original):
        raise PermissionDenied(
            _("Solo los coordinadores de la institución emisora actualizan o cancelan la alerta.")
        )
    if is_cancelled(original):
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("Esta alerta fue cancelada: no admite más mensajes.")]}
        )
    return thread_root(original)


def _lock_open_thread(root: Alert) -> None:
    """Inside the transaction: hold the thread's original, so two follow-ups (a cancellation
    and an update sent at once) take turns, and refuse a thread cancelled meanwhile."""
    Alert.objects.select_for_update().filter(pk=root.pk).first()
    if is_cancelled(root):
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("Esta alerta fue cancelada: no admite más mensajes.")]}
        )


def update_alert(user: User, original: Alert, data: AlertInput) -> Alert:
    """A new message (msgType Update) that replaces what the thread says; it references the
    original (CAP ``references`` names the original and the earlier updates)."""
    root = _follow_up_target(user, original)
    clean = _clean(data)
    with transaction.atomic():
        _lock_open_thread(root)
        alert = _save(
            user,
            root.institution,
            clean,
            msg_type=AlertMessageType.UPDATE,
            references=root,
            case=root.case,
            prealerts=list(root.prealerts.all()),
        )
        record(
            AuditEvent.ALERT_UPDATED,
            alert,
            acting_user=user,
            institution=root.institution,
            diff=_diff(alert, clean),
        )
        _notify(
            alert,
            "alert.updated",
            _("Alerta actualizada: %(headline)s") % {"headline": alert.headline},
        )
    return alert


def cancel_alert(user: User, original: Alert, reason: str) -> Alert:
    """A new message (msgType Cancel) carrying the reason, addressed to every institution any
    message of the thread was addressed to; the thread then takes no more."""
    root = _follow_up_target(user, original)
    errors: Errors = {}
    reason = _text(errors, "reason", reason, TEXT_MAX, required=True)
    if errors:
        raise ValidationError(errors)
    latest = thread(root).last() or root
    data = AlertInput(
        level=latest.level,
        urgency=latest.urgency,
        certainty=latest.certainty,
        headline=(_("Cancelada: %(headline)s") % {"headline": latest.headline})[:HEADLINE_MAX],
        description=reason,
        area_units=[unit.code for unit in latest.area_units.all()],
        area_description=latest.area_description,
        latitude=latest.latitude,
        longitude=latest.longitude,
        radius_km=latest.radius_km,
        polygon=latest.polygon,
        # Everyone who heard of the alert hears of its end.
        recipients=list(
            Institution.objects.filter(received_alerts__in=thread(root))
            .values_list("slug", flat=True)
            .distinct()
        ),
        is_public=latest.is_public,
    )
    clean = _clean(data)
    with transaction.atomic():
        _lock_open_thread(root)
        alert = _save(
            user,
            root.institution,
            clean,
            msg_type=AlertMessageType.CANCEL,
            references=root,
            case=root.case,
            prealerts=list(root.prealerts.all()),
        )
        record(
            AuditEvent.ALERT_CANCELLED,
            alert,
            acting_user=user,
            institution=root.institution,
            diff=_diff(alert, clean) | {"reason": reason},
        )
        _notify(
            alert,
            "alert.cancelled",
            _("Alerta cancelada: %(headline)s") % {"headline": latest.headline},
        )
    return alert

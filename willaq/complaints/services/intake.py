"""Receiving a complaint from the public form: checks, abuse limits, duplicate detection, the
tracking code.

- **Limits**: at most ``WILLAQ_COMPLAINTS_PER_HOUR_PER_ADDRESS`` complaints an hour from one
  client address and ``WILLAQ_COMPLAINTS_PER_HOUR_PER_CONTACT`` for one contact; over them
  ``TooManyComplaints`` (the page answers 429).
- **Duplicates**: the same text at the same place within a day is the same complaint: its code
  is answered again and nothing new is saved (a citizen who taps "send" twice, or reloads the
  answer page, gets one complaint).
- **Photos**: JPEG or PNG by their first bytes (a renamed script is refused), at most
  ``MAX_PHOTOS`` of ``MAX_PHOTO_BYTES`` each.
- **Tracking code**: 10 characters drawn with ``secrets`` from 31 letters and digits without
  look-alikes (no 0, O, 1, I, L): about 8 × 10¹⁴ codes, read over the phone as XXXX-XXXX-XX.
"""

import datetime as dt
import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.accounts.models import Institution
from willaq.audit.models import AuditEvent
from willaq.audit.services import record
from willaq.complaints import clock
from willaq.complaints.choices import ComplaintKind, ContactKind
from willaq.complaints.models import TRACKING_CODE_LENGTH, Complaint, ComplaintPhoto
from willaq.complaints.services import ratelimit
from willaq.territory.models import Ubigeo

TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
TEXT_LIMITS = {"description": 5000, "location": 200, "complainant_name": 200}
DUPLICATE_WINDOW = dt.timedelta(days=1)
_PHONE = re.compile(r"^\+?[0-9]{6,15}$")

SCOPE_ADDRESS = "address"
SCOPE_CONTACT = "contact"


class TooManyComplaints(Exception):
    """Over the hourly limit of an address or a contact; ``message`` is the citizen's."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Photo:
    name: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ComplaintInput:
    """What the citizen sends (typed: the service checks every field)."""

    institution: Institution
    kind: str
    description: str
    ubigeo_code: str = ""
    location: str = ""
    latitude: float | None = None
    longitude: float | None = None
    occurred_on: dt.date | None = None
    is_anonymous: bool = False
    complainant_name: str = ""
    complainant_contact: str = ""
    photos: list[Photo] = field(default_factory=list)


def sniff_photo_type(content: bytes) -> str | None:
    """JPEG or PNG by the first bytes, else None."""
    for signature, content_type in PHOTO_SIGNATURES:
        if content.startswith(signature):
            return content_type
    return None


def check_photos(photos: list[Photo]) -> list[str]:
    """The messages about the photos (empty when they are all acceptable)."""
    if len(photos) > MAX_PHOTOS:
        return [_("Puede adjuntar como máximo %(n)s fotos.") % {"n": MAX_PHOTOS}]
    problems: list[str] = []
    for photo in photos:
        if len(photo.content) > MAX_PHOTO_BYTES:
            problems.append(_("«%(name)s» pesa más de 5 MB.") % {"name": photo.name})
        elif sniff_photo_type(photo.content) is None:
            problems.append(_("«%(name)s» no es una foto JPEG o PNG.") % {"name": photo.name})
    return problems


def normalise_contact(contact: str) -> tuple[str, str]:
    """(kind, normalised value) of a phone number or an e-mail address; ("", "") if neither."""
    value = contact.strip()
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            return "", ""
        return ContactKind.EMAIL, value.lower()
    digits = re.sub(r"[\s\-().]", "", value)
    if _PHONE.match(digits):
        return ContactKind.PHONE, digits
    return "", ""


def _normalised_text(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", plain).split())


def fingerprint(
    description: str, ubigeo_code: str, latitude: float | None, longitude: float | None
) -> str:
    """The same text at the same place: sha256 of both, normalised."""
    place = ubigeo_code or (
        f"{latitude:.3f},{longitude:.3f}" if latitude is not None and longitude is not None else ""
    )
    return hashlib.sha256(f"{_normalised_text(description)}|{place}".encode()).hexdigest()


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _i in range(TRACKING_CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """What the citizen typed, as stored: upper case, no hyphens or spaces."""
    return re.sub(r"[^0-9A-Za-z]", "", typed).upper()[: TRACKING_CODE_LENGTH + 2]


def _validate(data: ComplaintInput) -> tuple[Ubigeo | None, str, str]:
    errors: dict[str, list[str]] = {}
    if data.kind not in ComplaintKind.values:
        errors["kind"] = [_("Elija qué tipo de problema ambiental denuncia.")]
    description = data.description.strip()
    if len(description) < 10:
        errors["description"] = [_("Cuente qué pasó (al menos 10 caracteres).")]
    for name, limit in TEXT_LIMITS.items():
        if len(str(getattr(data, name))) > limit:
            errors[name] = [_("Admite como máximo %(n)s caracteres.") % {"n": limit}]
    ubigeo = None
    if data.ubigeo_code:
        ubigeo = Ubigeo.objects.filter(code=data.ubigeo_code).first()
        if ubigeo is None:
            errors["ubigeo"] = [_("Lugar desconocido: %(code)s.") % {"code": data.ubigeo_code[:12]}]
    has_point = data.latitude is not None and data.longitude is not None
    if (data.latitude is None) != (data.longitude is None):
        errors["latitude"] = [_("Indique la latitud y la longitud, o ninguna.")]
    elif has_point and not (
        -90 <= (data.latitude or 0) <= 90 and -180 <= (data.longitude or 0) <= 180
    ):
        errors["latitude"] = [_("Coordenadas fuera de rango.")]
    if ubigeo is None and not has_point and "ubigeo" not in errors:
        errors["ubigeo"] = [
            _("Indique dónde ocurre: departamento, provincia y distrito, o un punto en el mapa.")
        ]
    if data.occurred_on is not None and data.occurred_on > timezone.localdate():
        errors["occurred_on"] = [_("La fecha del hecho no puede ser futura.")]
    kind, contact = "", ""
    if not data.is_anonymous:
        if not data.complainant_name.strip():
            errors["complainant_name"] = [
                _("Indique su nombre, o marque la denuncia como anónima.")
            ]
        kind, contact = normalise_contact(data.complainant_contact)
        if not contact:
            errors["complainant_contact"] = [
                _(
                    "Indique un teléfono o un correo electrónico válido, o marque la denuncia "
                    "como anónima."
                )
            ]
    photo_problems = check_photos(data.photos)
    if photo_problems:
        errors["photos"] = photo_problems
    if not data.institution.is_active:
        errors["institution"] = [_("Esa institución no recibe denuncias.")]
    if errors:
        raise ValidationError(errors)
    return ubigeo, kind, contact


def find_duplicate(print_: str, now: dt.datetime) -> Complaint | None:
    return (
        Complaint.objects.filter(fingerprint=print_, received_at__gte=now - DUPLICATE_WINDOW)
        .order_by("received_at")
        .first()
    )


def submit_complaint(
    data: ComplaintInput,
    *,
    client_address: str,
    now: dt.datetime | None = None,
    is_demo: bool = False,
) -> tuple[Complaint, bool]:
    """Receive a complaint: (the complaint, True) when new, (the earlier one, False) for the
    same text and place within a day. Raises ValidationError (per field, in Spanish) or
    TooManyComplaints."""
    ubigeo, contact_kind, contact = _validate(data)
    now = now or timezone.now()
    print_ = fingerprint(
        data.description, ubigeo.code if ubigeo else "", data.latitude, data.longitude
    )
    existing = find_duplicate(print_, now)
    if existing is not None:
        return existing, False
    if not is_demo:
        if ratelimit.over_limit(
            SCOPE_ADDRESS, client_address, settings.WILLAQ_COMPLAINTS_PER_HOUR_PER_ADDRESS
        ):
            raise TooManyComplaints(
                _(
                    "Se enviaron demasiadas denuncias desde esta conexión en la última hora. "
                    "Espere un momento y vuelva a intentarlo; lo que escribió sigue en el "
                    "formulario."
                )
            )
        if ratelimit.over_limit(
            SCOPE_CONTACT, contact, settings.WILLAQ_COMPLAINTS_PER_HOUR_PER_CONTACT
        ):
            raise TooManyComplaints(
                _(
                    "Se enviaron demasiadas denuncias con este contacto en la última hora. "
                    "Espere un momento y vuelva a intentarlo; lo que escribió sigue en el "
                    "formulario."
                )
            )
    complaint = _create(data, ubigeo, contact_kind, contact, print_, now, is_demo)
    if not is_demo:
        ratelimit.count_one(SCOPE_ADDRESS, client_address)
        ratelimit.count_one(SCOPE_CONTACT, contact)
    return complaint, True


def _create(
    data: ComplaintInput,
    ubigeo: Ubigeo | None,
    contact_kind: str,
    contact: str,
    print_: str,
    now: dt.datetime,
    is_demo: bool,
) -> Complaint:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    tracking_code=new_tracking_code(),
                    institution=data.institution,
                    received_by=data.institution,
                    kind=data.kind,
                    description=data.description.strip(),
                    ubigeo=ubigeo,
                    department_code=ubigeo.code[:2] + "0000" if ubigeo else "",
                    location=data.location.strip(),
                    latitude=data.latitude,
                    longitude=data.longitude,
                    occurred_on=data.occurred_on,
                    received_at=now,
                    due_date=clock.due_date(now),
                    is_anonymous=data.is_anonymous,
                    complainant_name="" if data.is_anonymous else data.complainant_name.strip(),
                    complainant_contact=contact,
                    contact_kind=contact_kind,
                    fingerprint=print_,
                    is_demo=is_demo,
                )
                for photo in data.photos:
                    ComplaintPhoto.objects.create(
                        complaint=complaint,
                        file=ContentFile(photo.content, name=photo.name),
                        name=photo.name[:200],
                        content_type=photo.content_type,
                        size=len(photo.content),
                    )
                record(
                    AuditEvent.COMPLAINT_RECEIVED,
                    complaint,
                    institution=data.institution,
                    diff={
                        "kind": complaint.kind,
                        "ubigeo": ubigeo.code if ubigeo else None,
                        "photos": len(data.photos),
                        "anonymous": complaint.is_anonymous,
                    },
                )
                return complaint
        except IntegrityError:
            continue  # a tracking code drawn twice (about 1 in 10¹⁴): draw again
    raise RuntimeError("no free tracking code after 5 draws")

"""The reporter network (issue 8 §1): registering and changing reporters.

Coordinators and admins of an institution manage its reporters (``access.can_manage_reporters``).
A reporter's phone is kept in E.164 (a Peruvian number typed as "987 654 321" becomes
"+51987654321") and is unique: it is how an SMS finds its sender. An account link names an
existing member of the institution, who then reports with the reporter role.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from willaq.accounts.access import is_member
from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent
from willaq.audit.services import model_diff, record
from willaq.earlywarning import access
from willaq.earlywarning.choices import ReporterLevel
from willaq.earlywarning.models import Reporter
from willaq.territory.models import Ubigeo

PERU_PREFIX = "+51"
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
_CODE_SEPARATORS = re.compile(r"[\s,;]+")


def normalize_phone(text: str) -> str:
    """A phone number in E.164, or "" for an empty one. Spaces, dashes, dots and brackets are
    dropped; "00" becomes "+"; a number without a country code is Peruvian (+51). Raises a
    ValidationError on "phone" when it is not a number."""
    raw = (text or "").strip()
    if not raw:
        return ""
    compact = re.sub(r"[\s\-.()/]", "", raw)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if not compact.startswith("+"):
        if compact.startswith("51") and len(compact) == 11:
            compact = "+" + compact
        else:
            compact = PERU_PREFIX + compact.lstrip("0")
    if not _E164.match(compact):
        raise ValidationError(
            {"phone": _("«%(phone)s» no es un número de teléfono válido.") % {"phone": raw[:30]}}
        )
    return compact


def parse_territory_codes(text: str | Iterable[str]) -> list[Ubigeo]:
    """The ubigeo units named by codes (separated by spaces, commas or semicolons). Unknown
    codes are named in a ValidationError on "territories"."""
    codes = _CODE_SEPARATORS.split(text.strip()) if isinstance(text, str) else list(text)
    codes = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    found = {u.code: u for u in Ubigeo.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError(
            {
                "territories": _("Códigos ubigeo desconocidos: %(codes)s.")
                % {"codes": ", ".join(c[:10] for c in unknown[:10])}
            }
        )
    return [found[c] for c in codes]


@dataclass(frozen=True)
class ReporterData:
    name: str
    level: str
    institution: Institution
    territories: list[Ubigeo] = field(default_factory=list)
    phone: str = ""
    email: str = ""
    account: User | None = None
    is_active: bool = True
    notes: str = ""


def _snapshot(reporter: Reporter) -> dict[str, object]:
    return {
        "name": reporter.name,
        "level": reporter.level,
        "institution": reporter.institution_id,
        "phone": reporter.phone,
        "email": reporter.email,
        "user": reporter.user_id,
        "is_active": reporter.is_active,
        "notes": reporter.notes,
        "territories": sorted(reporter.territories.values_list("code", flat=True))
        if reporter.pk
        else [],
    }


def _apply(reporter: Reporter, data: ReporterData) -> None:
    errors: dict[str, list[str]] = {}
    name = " ".join(data.name.split())
    if not name:
        errors.setdefault("name", []).append(_("Indique el nombre."))
    if data.level not in ReporterLevel.values:
        errors.setdefault("level", []).append(_("Nivel desconocido."))
    try:
        phone = normalize_phone(data.phone)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        phone = ""
    if phone:
        other = Reporter.objects.filter(phone=phone).exclude(pk=reporter.pk).first()
        if other is not None:
            errors.setdefault("phone", []).append(
                _("Ese teléfono ya es de otro reportero (%(name)s).") % {"name": other.name}
            )
    if data.account is not None:
        if not is_member(data.account, data.institution.pk):
            errors.setdefault("account", []).append(
                _("La cuenta debe ser de un miembro activo de la institución.")
            )
        elif Reporter.objects.filter(user=data.account).exclude(pk=reporter.pk).exists():
            errors.setdefault("account", []).append(
                _("Esa cuenta ya está vinculada a otro reportero.")
            )
    if not phone and not data.email.strip() and data.account is None:
        errors.setdefault("phone", []).append(
            _("Indique al menos un medio de contacto: teléfono, correo o cuenta.")
        )
    if errors:
        raise ValidationError(errors)
    reporter.name = name[:200]
    reporter.level = data.level
    reporter.institution = data.institution
    reporter.phone = phone
    reporter.email = data.email.strip()
    reporter.user = data.account
    reporter.is_active = data.is_active
    reporter.notes = data.notes.strip()
    reporter.full_clean(exclude=["institution", "user"])


@transaction.atomic
def create_reporter(user: User, data: ReporterData) -> Reporter:
    if not access.can_manage_reporters(user, data.institution):
        raise PermissionDenied(_("No puede gestionar la red de reporteros de esta institución."))
    reporter = Reporter()
    _apply(reporter, data)
    reporter.save()
    reporter.territories.set(data.territories)
    record(
        AuditEvent.REPORTER_CREATED,
        reporter,
        acting_user=user,
        institution=reporter.institution,
        diff=model_diff({}, _snapshot(reporter)),
    )
    return reporter


@transaction.atomic
def update_reporter(user: User, reporter: Reporter, data: ReporterData) -> Reporter:
    """Change a reporter (also moving them to another institution the user manages)."""
    if not access.can_manage_reporters(user, reporter.institution) or not (
        access.can_manage_reporters(user, data.institution)
    ):
        raise PermissionDenied(_("No puede gestionar la red de reporteros de esta institución."))
    reporter = Reporter.objects.select_for_update().get(pk=reporter.pk)
    before = _snapshot(reporter)
    _apply(reporter, data)
    reporter.save()
    reporter.territories.set(data.territories)
    diff = model_diff(before, _snapshot(reporter))
    if diff:
        record(
            AuditEvent.REPORTER_CHANGED,
            reporter,
            acting_user=user,
            institution=reporter.institution,
            diff=diff,
        )
    return reporter

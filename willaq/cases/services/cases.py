"""Creating and changing a case's data and places."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.accounts.access import has_role
from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent
from willaq.audit.services import model_diff, record
from willaq.cases.access import CREATOR_ROLES, can_edit_case
from willaq.cases.choices import (
    CONFIDENTIAL_CAPABLE_FIELDS,
    CaseState,
    CategoryKind,
    TransitionKind,
)
from willaq.cases.models import Case, CasePlace, CaseTransition, Category
from willaq.cases.services.checks import (
    check_point,
    columns,
    resolve_category,
    stamp,
    typed,
    validate_dates,
)
from willaq.territory.models import Ubigeo

# Fields of a case a form or API body may set directly (state, phase and code have services).
CASE_DATA_FIELDS: tuple[str, ...] = (
    "name",
    "description",
    "start_date",
    "end_date",
    "typology",
    "subtype",
    "competent_authority",
    "pcm_classification",
    "demands",
    "causes",
    "triggers",
    "legislation",
    "investment",
    "investment_amount",
    "strategies",
    "next_steps",
    "latitude",
    "longitude",
    "confidential_fields",
)


# Text columns of a case (stored as "" when empty, never NULL).
_TEXT_FIELDS = frozenset(
    f.name
    for f in Case._meta.get_fields()
    if isinstance(f, (models.CharField, models.TextField)) and f.name in CASE_DATA_FIELDS
)


@dataclass(frozen=True)
class PlaceInput:
    ubigeo_code: str
    is_principal: bool = False


def _case_snapshot(case: Case) -> dict[str, Any]:
    data = {f: getattr(case, f) for f in CASE_DATA_FIELDS}
    data["typology"] = case.typology_id
    data["subtype"] = case.subtype_id
    data["state"] = case.state
    data["phase"] = case.phase
    data["dialogue_mechanism"] = case.dialogue_mechanism
    data["institution_role"] = case.institution_role
    if case.pk:
        data["places"] = sorted(
            f"{p.ubigeo.code}{'*' if p.is_principal else ''}"
            for p in case.places.select_related("ubigeo")
        )
        data["sectors"] = sorted(case.sectors.values_list("code", flat=True))
    return data


def _validate_case(case: Case) -> None:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if case.start_date and case.start_date > today:
        errors.setdefault("start_date", []).append(
            _("La fecha de inicio no puede estar en el futuro.")
        )
    validate_dates(
        errors,
        start_date=case.start_date if case.start_date and case.start_date <= today else None,
        end_date=case.end_date,
    )
    if case.end_date and case.start_date and case.end_date < case.start_date:
        errors.setdefault("end_date", []).append(
            _("La fecha de fin no puede ser anterior a la fecha de inicio.")
        )
    if case.subtype is not None and case.typology_id:
        parent = case.subtype.parent
        if parent is not None and parent.shared.pk != case.typology.shared.pk:
            errors.setdefault("subtype", []).append(
                _("El subtipo no corresponde a la tipología elegida.")
            )
    if (case.latitude is None) != (case.longitude is None):
        errors.setdefault("latitude", []).append(_("Indique latitud y longitud juntas."))
    if case.latitude is not None and not -90 <= case.latitude <= 90:
        errors.setdefault("latitude", []).append(_("La latitud debe estar entre -90 y 90."))
    if case.longitude is not None and not -180 <= case.longitude <= 180:
        errors.setdefault("longitude", []).append(_("La longitud debe estar entre -180 y 180."))
    unknown = set(case.confidential_fields or []) - set(CONFIDENTIAL_CAPABLE_FIELDS)
    if unknown:
        errors.setdefault("confidential_fields", []).append(
            _("Campos que no pueden ser confidenciales: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    if case.investment_amount is not None and case.investment_amount < Decimal(0):
        errors.setdefault("investment_amount", []).append(_("El monto no puede ser negativo."))
    if not case.name or not case.name.strip():
        errors.setdefault("name", []).append(_("Indique el nombre del caso."))
    if errors:
        raise ValidationError(errors)


def _check_case_point(
    case: Case, places: list[tuple[Ubigeo, bool]] | None, data: dict[str, Any]
) -> None:
    """A case's point must be in Peru, and near its principal place unless confirmed."""
    if case.latitude is None or case.longitude is None:
        return
    if places is not None:
        principal = next((u for u, is_principal in places if is_principal), None)
    else:
        found = case.places.filter(is_principal=True).select_related("ubigeo").first()
        principal = found.ubigeo if found else None
    check_point(
        case.latitude,
        case.longitude,
        principal,
        confirmed=bool(data.get("confirm_far_point")),
    )


def _resolve_places(places: Iterable[PlaceInput]) -> list[tuple[Ubigeo, bool]]:
    items = list(places)
    if not items:
        raise ValidationError({"places": _("Indique al menos un lugar (ubigeo).")})
    codes = [p.ubigeo_code.strip() for p in items]
    found = {u.code: u for u in Ubigeo.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError(
            {"places": _("Ubigeo desconocido: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    if len(set(codes)) != len(codes):
        raise ValidationError({"places": _("Un lugar está repetido.")})
    principals = [p for p in items if p.is_principal]
    if len(principals) > 1:
        raise ValidationError({"places": _("Solo un lugar puede ser el principal.")})
    result = [(found[c], p.is_principal) for c, p in zip(codes, items, strict=True)]
    if not principals:
        first_ubigeo, _principal = result[0]
        result[0] = (first_ubigeo, True)
    return result


def _write_places(
    case: Case, places: list[tuple[Ubigeo, bool]], user: User, at: dt.datetime | None = None
) -> None:
    existing = {p.ubigeo_id: p for p in case.places.all()}
    wanted = {u.pk: principal for u, principal in places}

    def save(place: CasePlace) -> None:
        stamp(place, user, at)
        place.save()

    for ubigeo_id, place in existing.items():
        if ubigeo_id not in wanted:
            stamp(place, user)
            place.delete()
    # Clear the old principal first so the one-principal constraint holds at every step.
    for ubigeo_id, place in existing.items():
        if ubigeo_id in wanted and place.is_principal and not wanted[ubigeo_id]:
            place.is_principal = False
            save(place)
    for ubigeo, principal in places:
        current = existing.get(ubigeo.pk)
        if current is None:
            save(CasePlace(case=case, ubigeo=ubigeo, is_principal=principal))
        elif current.is_principal != principal:
            current.is_principal = principal
            save(current)


def _apply_case_data(case: Case, data: dict[str, Any], institution: Institution) -> list[Category]:
    """Set plain fields from ``data``; return the sectors to write (None means unchanged)."""
    wrong: dict[str, list[str]] = {}
    for field in CASE_DATA_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field not in ("typology", "subtype", "confidential_fields"):
            try:
                value = typed(Case, field, value)
            except ValidationError as exc:
                wrong.update(exc.message_dict)
                continue
        if field == "typology":
            value = resolve_category(CategoryKind.TYPOLOGY, value, institution)
            if value is None:
                raise ValidationError({"typology": _("Indique la tipología.")})
        elif field == "subtype":
            value = resolve_category(CategoryKind.SUBTYPE, value, institution)
        elif isinstance(value, str) and field not in ("start_date", "end_date"):
            value = value.strip()
        elif value is None and field in _TEXT_FIELDS:
            value = ""  # an empty form field or a JSON null clears the text
        if field == "confidential_fields":
            if not isinstance(value, list | tuple | set) and value is not None:
                wrong["confidential_fields"] = [_("Indique una lista de campos.")]
                continue
            value = sorted(set(value or []))
        setattr(case, field, value)
    if wrong:
        raise ValidationError(wrong)
    sectors = [
        s
        for s in (
            resolve_category(CategoryKind.SECTOR, v, institution) for v in data.get("sectors") or []
        )
        if s is not None
    ]
    return sectors


@transaction.atomic
def create_case(
    *,
    user: User,
    institution: Institution,
    data: dict[str, Any],
    places: Iterable[PlaceInput],
    is_demo: bool = False,
    at: dt.datetime | None = None,
) -> Case:
    """Create a draft case for ``institution``. The user must be one of its editors.

    ``at`` back-dates the creation (history and transition), for imports and the demo data.
    """
    if not has_role(user, institution.pk, CREATOR_ROLES):
        raise PermissionDenied(_("No puede registrar casos para esta institución."))
    case = Case(institution=institution, state=CaseState.DRAFT, created_by=user, is_demo=is_demo)
    sectors = _apply_case_data(case, data, institution)
    if "start_date" not in data or data["start_date"] is None:
        raise ValidationError({"start_date": _("Indique la fecha de inicio.")})
    _validate_case(case)
    resolved = _resolve_places(places)
    _check_case_point(case, resolved, data)
    stamp(case, user, at)
    case.full_clean(exclude=["typology", "subtype", "institution", "sectors"])
    case.save()
    if "sectors" in data:
        case.sectors.set(sectors)
    _write_places(case, resolved, user, at)
    CaseTransition.objects.create(
        case=case,
        kind=TransitionKind.CREATED,
        from_state="",
        to_state=CaseState.DRAFT,
        occurred_at=at or timezone.now(),
        by=user,
    )
    record(
        AuditEvent.CASE_CREATED,
        case,
        acting_user=user,
        institution=institution,
        diff=model_diff({}, _case_snapshot(case)),
    )
    return case


@transaction.atomic
def update_case(
    *,
    user: User,
    case: Case,
    data: dict[str, Any],
    places: Iterable[PlaceInput] | None = None,
) -> Case:
    """Change a case's data (not its state or phase). Records the field-by-field diff."""
    if not can_edit_case(user, case):
        raise PermissionDenied(_("No puede modificar este caso."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    before = _case_snapshot(case)
    unchanged = columns(case)
    sectors = _apply_case_data(case, data, case.institution)
    _validate_case(case)
    resolved = _resolve_places(places) if places is not None else None
    if resolved is not None or "latitude" in data or "longitude" in data:
        _check_case_point(case, resolved, data)
    case.full_clean(exclude=["typology", "subtype", "institution", "sectors"])
    if columns(case) != unchanged:
        stamp(case, user)
        case.save()
    if "sectors" in data:
        case.sectors.set(sectors)
    if resolved is not None:
        _write_places(case, resolved, user)
    diff = model_diff(before, _case_snapshot(case))
    if diff:
        record(
            AuditEvent.CASE_CHANGED, case, acting_user=user, institution=case.institution, diff=diff
        )
    return case

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
from willaq.cases.access import CREATOR_ROLES, can_edit_case, can_view_case
from willaq.cases.choices import (
    CONFIDENTIAL_CAPABLE_FIELDS,
    PLACELESS_SCOPES,
    CaseScope,
    CaseState,
    CategoryKind,
    TransitionKind,
)
from willaq.cases.models import Case, CaseExternalId, CasePlace, CaseTransition, Category
from willaq.cases.services.checks import (
    check_point,
    columns,
    resolve_category,
    stamp,
    typed,
    validate_dates,
)
from willaq.cases.services.classification import set_classification
from willaq.cases.services.effective import (
    check_effective_date,
    check_place_effective,
    save_case_effective,
)
from willaq.territory.models import Grouping, Ubigeo

# Fields of a case a form or API body may set directly (state, phase and code have services).
CASE_DATA_FIELDS: tuple[str, ...] = (
    "name",
    "description",
    "start_date",
    "start_date_precision",
    "end_date",
    "scope",
    "typology",
    "subtype",
    "competent_authority",
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
    "needs_review",
    "review_note",
)


# Text columns of a case (stored as "" when empty, never NULL).
_TEXT_FIELDS = frozenset(
    f.name
    for f in Case._meta.get_fields()
    if isinstance(f, (models.CharField, models.TextField)) and f.name in CASE_DATA_FIELDS
)


@dataclass(frozen=True)
class PlaceInput:
    """A place of a case: an ubigeo code, or a named grouping's code ("lima-provincias"), which
    places the case at the grouping's anchor unit."""

    ubigeo_code: str = ""
    is_principal: bool = False
    grouping_code: str = ""


# A place as the services hold it: the unit, whether principal, the grouping it stands for.
ResolvedPlace = tuple[Ubigeo, bool, Grouping | None]


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
            f"{p.grouping.code if p.grouping else p.ubigeo.code}{'*' if p.is_principal else ''}"
            for p in case.places.select_related("ubigeo", "grouping")
        )
        data["external_ids"] = sorted(
            f"{e.source}:{e.external_id}" for e in case.external_ids.all()
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


def _check_case_point(case: Case, places: list[ResolvedPlace] | None, data: dict[str, Any]) -> None:
    """A case's point must be in Peru, and near its principal place unless confirmed."""
    if case.latitude is None or case.longitude is None:
        return
    if places is not None:
        principal = next((u for u, is_principal, _grouping in places if is_principal), None)
    else:
        found = case.places.filter(is_principal=True).select_related("ubigeo").first()
        principal = found.ubigeo if found else None
    check_point(
        case.latitude,
        case.longitude,
        principal,
        confirmed=bool(data.get("confirm_far_point")),
    )


def _resolve_places(places: Iterable[PlaceInput]) -> list[ResolvedPlace]:
    """The places as units (a grouping stands at its anchor). ``_fit_scope`` then checks them
    against the scope: a local case lies in one department, a regional one in several; a
    national or multi-regional case (or one an import flagged for review) may name none."""
    items = list(places)
    if not items:
        return []
    groupings = {
        g.code: g
        for g in Grouping.objects.select_related("anchor").filter(
            code__in=[p.grouping_code for p in items if p.grouping_code]
        )
    }
    codes = [p.ubigeo_code.strip() for p in items if not p.grouping_code]
    found = {u.code: u for u in Ubigeo.objects.filter(code__in=codes)}
    unknown = [c for c in codes if c not in found]
    unknown += [
        p.grouping_code for p in items if p.grouping_code and p.grouping_code not in groupings
    ]
    if unknown:
        raise ValidationError(
            {"places": _("Ubigeo desconocido: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    result: list[ResolvedPlace] = []
    for p in items:
        if p.grouping_code:
            named = groupings[p.grouping_code]
            result.append((named.anchor, p.is_principal, named))
        else:
            result.append((found[p.ubigeo_code.strip()], p.is_principal, None))
    if len({u.code for u, _principal, _grouping in result}) != len(result):
        raise ValidationError({"places": _("Un lugar está repetido.")})
    if sum(1 for _unit, principal, _grouping in result if principal) > 1:
        raise ValidationError({"places": _("Solo un lugar puede ser el principal.")})
    if not any(principal for _unit, principal, _grouping in result):
        unit, _principal, grouping = result[0]
        result[0] = (unit, True, grouping)
    return result


def _fit_scope(case: Case, places: list[ResolvedPlace], explicit: bool) -> None:
    """Check the places against the case's scope. When the scope was not given (a form or a
    client that does not know it), a local or regional case takes the one its places show."""
    scope = case.scope
    if not places and scope not in PLACELESS_SCOPES and not case.needs_review:
        raise ValidationError({"places": _("Indique al menos un lugar (ubigeo).")})
    departments = {u.department_code for u, _principal, _grouping in places}
    if not explicit and scope in (CaseScope.LOCAL, CaseScope.REGIONAL) and departments:
        case.scope = scope = CaseScope.REGIONAL if len(departments) > 1 else CaseScope.LOCAL
    if scope == CaseScope.LOCAL and len(departments) > 1:
        raise ValidationError(
            {
                "scope": _(
                    "Los lugares están en %(count)s departamentos: el ámbito es regional, no local."
                )
                % {"count": len(departments)}
            }
        )
    if scope == CaseScope.REGIONAL and len(departments) < 2:
        raise ValidationError(
            {"scope": _("Un caso regional abarca varios departamentos: indique cada uno.")}
        )


def _write_places(
    case: Case, places: list[ResolvedPlace], user: User, at: dt.datetime | None = None
) -> None:
    existing = {p.ubigeo_id: p for p in case.places.all()}
    wanted = {u.pk: principal for u, principal, _grouping in places}
    groupings = {u.pk: grouping for u, _principal, grouping in places}

    def save(place: CasePlace) -> None:
        stamp(place, user, at)
        place.save()

    for ubigeo_id, place in existing.items():
        if (
            ubigeo_id not in wanted
            or place.is_principal != wanted[ubigeo_id]
            or place.grouping != groupings[ubigeo_id]
        ):
            check_place_effective(place, at)
    for ubigeo_id, place in existing.items():
        if ubigeo_id not in wanted:
            stamp(place, user, at)
            place.delete()
    # Clear the old principal first so the one-principal constraint holds at every step.
    for ubigeo_id, place in existing.items():
        if ubigeo_id in wanted and place.is_principal and not wanted[ubigeo_id]:
            place.is_principal = False
            save(place)
    for ubigeo, principal, grouping in places:
        current = existing.get(ubigeo.pk)
        if current is None:
            save(CasePlace(case=case, ubigeo=ubigeo, is_principal=principal, grouping=grouping))
        elif current.is_principal != principal or current.grouping != groupings[ubigeo.pk]:
            current.is_principal = principal
            current.grouping = grouping
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
    external_ids: Iterable[tuple[str, str]] = (),
    is_demo: bool = False,
    at: dt.datetime | None = None,
) -> Case:
    """Create a draft case for ``institution``. The user must be one of its editors.

    ``at`` back-dates the creation (history and transition), for imports and the demo data.
    ``external_ids`` are (source, id) pairs: the case's identifiers in other systems.
    """
    if not has_role(user, institution.pk, CREATOR_ROLES):
        raise PermissionDenied(_("No puede registrar casos para esta institución."))
    case = Case(institution=institution, state=CaseState.DRAFT, created_by=user, is_demo=is_demo)
    sectors = _apply_case_data(case, data, institution)
    if "start_date" not in data or data["start_date"] is None:
        raise ValidationError({"start_date": _("Indique la fecha de inicio.")})
    _validate_case(case)
    resolved = _resolve_places(places)
    _fit_scope(case, resolved, explicit="scope" in data)
    _check_case_point(case, resolved, data)
    stamp(case, user, at)
    case.full_clean(exclude=["typology", "subtype", "institution", "sectors"])
    case.save()
    if "sectors" in data:
        case.sectors.set(sectors)
    _write_places(case, resolved, user, at)
    if data.get("pcm_classification"):
        set_classification(case, institution, data["pcm_classification"], user, at=at)
    for source, external_id in external_ids:
        _add_external_id(case, source, external_id, user, at)
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
    external_ids: Iterable[tuple[str, str]] | None = None,
    at: dt.datetime | None = None,
) -> Case:
    """Change a case's data (not its state or phase). Records the field-by-field diff.

    ``at`` is when the change took effect when it is recorded late: the history is rewritten
    from then on as if it had been recorded in time (``save_case_effective``), places change
    at ``at`` too, and the audit record (written now) says when it took effect.
    ``external_ids``, when given, are added to the case's (none is removed here)."""
    if not can_edit_case(user, case):
        raise PermissionDenied(_("No puede modificar este caso."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    check_effective_date(case, at)
    before = _case_snapshot(case)
    unchanged = columns(case)
    sectors = _apply_case_data(case, data, case.institution)
    _validate_case(case)
    resolved = _resolve_places(places) if places is not None else None
    if resolved is not None:
        _fit_scope(case, resolved, explicit="scope" in data)
    if resolved is not None or "latitude" in data or "longitude" in data:
        _check_case_point(case, resolved, data)
    case.full_clean(exclude=["typology", "subtype", "institution", "sectors"])
    if resolved is None and "scope" in data:
        current = [
            PlaceInput(p.ubigeo.code, p.is_principal, p.grouping.code if p.grouping else "")
            for p in case.places.select_related("ubigeo", "grouping")
        ]
        _fit_scope(case, _resolve_places(current), explicit=True)  # they must fit the new scope
    if resolved is not None:
        _write_places(case, resolved, user, at)
    if "pcm_classification" in data:
        # The registering institution's own classification (each institution owns its own).
        set_classification(case, case.institution, data["pcm_classification"] or "", user, at=at)
    known = set(case.external_ids.values_list("source", "external_id"))
    for source, external_id in external_ids or ():
        if (source, external_id) not in known:
            _add_external_id(case, source, external_id, user, at)
    after = _case_snapshot(case)
    new_sectors = None
    if "sectors" in data:
        after["sectors"] = sorted(s.code for s in sectors)
        if after["sectors"] != before["sectors"]:
            new_sectors = sectors
    if columns(case) != unchanged or new_sectors is not None:
        save_case_effective(case, user, at, unchanged, new_sectors)
    diff: dict[str, Any] = model_diff(before, after)
    if diff:
        if at is not None:
            diff["effective_at"] = at.isoformat()
        record(
            AuditEvent.CASE_CHANGED, case, acting_user=user, institution=case.institution, diff=diff
        )
    return case


def _add_external_id(
    case: Case, source: str, external_id: str, user: User, at: dt.datetime | None
) -> None:
    source, external_id = source.strip(), external_id.strip()
    if not source or not external_id or "\x00" in source + external_id:
        raise ValidationError(
            {"external_ids": _("Indique el sistema de origen y el identificador.")}
        )
    owner = (
        CaseExternalId.objects.select_related("case")
        .filter(source=source, external_id=external_id)
        .first()
    )
    if owner is not None:
        # The other case is named only to whom may see it (another institution's draft is not).
        if can_view_case(user, owner.case):
            message = _("El identificador %(source)s:%(id)s ya es del caso %(case)s.") % {
                "source": source,
                "id": external_id,
                "case": owner.case,
            }
        else:
            message = _("El identificador %(source)s:%(id)s ya es de otro caso.") % {
                "source": source,
                "id": external_id,
            }
        raise ValidationError({"external_ids": message})
    item = CaseExternalId(case=case, source=source, external_id=external_id)
    try:
        item.full_clean(exclude=["case"])
    except ValidationError as exc:
        raise ValidationError({"external_ids": exc.messages}) from exc
    stamp(item, user, at)
    item.save()


def _external_id_list(case: Case) -> list[str]:
    return sorted(f"{e.source}:{e.external_id}" for e in case.external_ids.all())


@transaction.atomic
def add_external_id(
    *, user: User, case: Case, source: str, external_id: str, at: dt.datetime | None = None
) -> CaseExternalId:
    """Give the case its identifier in another system (unique per source)."""
    if not can_edit_case(user, case):
        raise PermissionDenied(_("No puede modificar este caso."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    before = _external_id_list(case)
    _add_external_id(case, source, external_id, user, at)
    record(
        AuditEvent.CASE_CHANGED,
        case,
        acting_user=user,
        institution=case.institution,
        diff={"external_ids": [before, _external_id_list(case)]},
    )
    return case.external_ids.get(source=source.strip(), external_id=external_id.strip())


@transaction.atomic
def remove_external_id(
    *, user: User, case: Case, source: str, external_id: str, at: dt.datetime | None = None
) -> None:
    """Take an identifier in another system off the case (a wrong match)."""
    if not can_edit_case(user, case):
        raise PermissionDenied(_("No puede modificar este caso."))
    case = Case.objects.select_for_update().get(pk=case.pk)
    item = None
    if "\x00" not in source + external_id:  # a NUL cannot be compared (PostgreSQL)
        item = case.external_ids.filter(source=source, external_id=external_id).first()
    if item is None:
        raise ValidationError(
            {
                "external_ids": _("El caso no tiene el identificador %(source)s:%(id)s.")
                % {"source": source, "id": external_id}
            }
        )
    before = _external_id_list(case)
    stamp(item, user, at)
    item.delete()
    record(
        AuditEvent.CASE_CHANGED,
        case,
        acting_user=user,
        institution=case.institution,
        diff={"external_ids": [before, _external_id_list(case)]},
    )

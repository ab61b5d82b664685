"""Every change to a case and its parts: validate, write in one transaction, audit.

Services raise django.core.exceptions.ValidationError with messages keyed by field, in the
active language, so forms and the API report them the same way.
"""

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from willaq.accounts.access import (
    APPROVER_ROLES,
    EDITOR_ROLES,
    AnyUser,
    has_role,
    institution_ids,
)
from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent
from willaq.audit.services import model_diff, record
from willaq.cases.access import (
    CREATOR_ROLES,
    Record,
    can_add_events,
    can_add_records,
    can_approve_case,
    can_edit_actor_link,
    can_edit_case,
    can_edit_event,
    can_edit_record,
    can_restore_record,
    record_institution_id,
    usable_categories,
    visible_actors,
)
from willaq.cases.choices import (
    CONFIDENTIAL_CAPABLE_FIELDS,
    SUB_EVENT_PARENT,
    ActorRole,
    CaseState,
    CategoryKind,
    DialogueMechanism,
    EvidenceKind,
    InstitutionRole,
    Phase,
    TransitionKind,
    VictimGroup,
    VictimOutcome,
)
from willaq.cases.emails import NOTIFIED_KINDS
from willaq.cases.models import (
    Actor,
    Case,
    CaseActor,
    CaseCodeSequence,
    CasePlace,
    CaseTransition,
    Category,
    Event,
    Evidence,
    NewsItem,
    Victim,
)
from willaq.cases.tasks import notify_transition
from willaq.core.text import fold
from willaq.territory.models import Level, Ubigeo
from willaq.territory.selectors import locate_point

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

EVIDENCE_CONTENT_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain",
    ".csv": "text/csv",
}
# The first bytes each type must start with, so a renamed file is refused.
_MAGIC: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
    "application/vnd.oasis.opendocument.text": (b"PK\x03\x04",),
}


@dataclass(frozen=True)
class PlaceInput:
    ubigeo_code: str
    is_principal: bool = False


@dataclass(frozen=True)
class Transition:
    kind: TransitionKind
    sources: tuple[CaseState, ...]
    target: CaseState
    needs_approver: bool = False
    needs_reason: bool = False


# The workflow (domain.md §2). A transition not listed here is refused.
TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(TransitionKind.SUBMITTED, (CaseState.DRAFT,), CaseState.PROPOSED),
    "return": Transition(
        TransitionKind.RETURNED,
        (CaseState.PROPOSED,),
        CaseState.DRAFT,
        needs_approver=True,
        needs_reason=True,
    ),
    "approve": Transition(
        TransitionKind.APPROVED, (CaseState.PROPOSED,), CaseState.ACTIVE, needs_approver=True
    ),
    "approve_pre_conflict": Transition(
        TransitionKind.APPROVED,
        (CaseState.PROPOSED,),
        CaseState.PRE_CONFLICT,
        needs_approver=True,
    ),
    "escalate": Transition(TransitionKind.ESCALATED, (CaseState.PRE_CONFLICT,), CaseState.ACTIVE),
    "to_latent": Transition(TransitionKind.TO_LATENT, (CaseState.ACTIVE,), CaseState.LATENT),
    "reactivate": Transition(TransitionKind.REACTIVATED, (CaseState.LATENT,), CaseState.ACTIVE),
    "reactivate_withdrawn": Transition(
        TransitionKind.WITHDRAWN_REACTIVATED, (CaseState.WITHDRAWN,), CaseState.ACTIVE
    ),
    "resolve": Transition(
        TransitionKind.RESOLVED,
        (CaseState.ACTIVE, CaseState.LATENT, CaseState.PRE_CONFLICT),
        CaseState.RESOLVED,
        needs_reason=True,
    ),
    "withdraw": Transition(
        TransitionKind.WITHDRAWN,
        (CaseState.LATENT, CaseState.ACTIVE, CaseState.PRE_CONFLICT),
        CaseState.WITHDRAWN,
        needs_reason=True,
    ),
}


def transition_label(name: str) -> str:
    labels = {
        "submit": _("Proponer para aprobación"),
        "return": _("Devolver a borrador"),
        "approve": _("Aprobar como activo"),
        "approve_pre_conflict": _("Aprobar como preconflicto"),
        "escalate": _("Pasar a activo"),
        "to_latent": _("Pasar a latente"),
        "reactivate": _("Reactivar"),
        "reactivate_withdrawn": _("Reactivar caso retirado"),
        "resolve": _("Marcar como resuelto"),
        "withdraw": _("Retirar del reporte"),
    }
    return labels[name]


def allowed_transitions(user: AnyUser, case: Case) -> list[str]:
    """Names of the transitions this user may apply to this case now."""
    if not can_edit_case(user, case):
        return []
    names = []
    for name, t in TRANSITIONS.items():
        if case.state not in t.sources:
            continue
        if t.needs_approver and not can_approve_case(user, case):
            continue
        names.append(name)
    return names


# --- reading helpers -------------------------------------------------------------------------


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


def resolve_category(
    kind: CategoryKind, value: Category | str | int | None, institution: Institution | None
) -> Category | None:
    """A category by object, code or id, usable by this institution (shared or its own)."""
    if value in (None, ""):
        return None
    if isinstance(value, Category):
        category = value
    else:
        lookup = Q(pk=value) if isinstance(value, int) else Q(code=value)
        found = (
            usable_categories([institution.pk] if institution is not None else [])
            .filter(lookup, kind=kind, is_active=True)
            .first()
        )
        if found is None:
            raise ValidationError(
                {kind.value: _("Categoría desconocida: «%(value)s».") % {"value": value}}
            )
        category = found
    if category.kind != kind or (
        category.institution_id is not None
        and (institution is None or category.institution_id != institution.pk)
    ):
        raise ValidationError({kind.value: _("Esa categoría no es válida aquí.")})
    return category


# The registry starts with the 1980s: an earlier date is a typing mistake (1925 for 2025).
EARLIEST_DATE = dt.date(1980, 1, 1)


def _validate_record_date(field: str, value: dt.date | None) -> None:
    """A record's date: not before 1980, not in the future."""
    if value is None:
        return
    if value < EARLIEST_DATE:
        raise ValidationError(
            {field: _("La fecha no puede ser anterior a %(year)s.") % {"year": EARLIEST_DATE.year}}
        )
    if value > timezone.localdate():
        raise ValidationError({field: _("La fecha no puede estar en el futuro.")})


# A point more than this far from its place's capital, and outside the place, must be confirmed.
FAR_POINT_KM = 50.0


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def _within(unit: Ubigeo, place: Ubigeo) -> bool:
    """Whether ``unit`` is ``place`` or lies inside it (same code prefix for its level)."""
    digits = {Level.DEPARTMENT: 2, Level.PROVINCE: 4}.get(Level(place.level), 6)
    return unit.code[:digits] == place.code[:digits]


def check_point(
    latitude: float, longitude: float, place: Ubigeo | None, *, confirmed: bool
) -> Ubigeo:
    """The district (or department) holding a point, after two checks:

    - a point outside Peru is refused (``locate_point`` knows the boundaries);
    - a point outside its place *and* more than ``FAR_POINT_KM`` from the place's capital is
      probably a typing mistake (a swapped sign, a wrong digit): it is refused with a warning
      unless the user confirms it (``confirm_far_point``). A point inside a large district far
      from its capital is not warned about.
    """
    located = locate_point(latitude, longitude)
    if located is None:
        raise ValidationError(
            {"latitude": _("El punto indicado está fuera del territorio peruano.")}
        )
    if (
        place is not None
        and not confirmed
        and place.latitude is not None
        and place.longitude is not None
        and not _within(located, place)
    ):
        km = _distance_km(latitude, longitude, place.latitude, place.longitude)
        if km > FAR_POINT_KM:
            raise ValidationError(
                {
                    "confirm_far_point": _(
                        "El punto está a %(km)s km de %(place)s y fuera de ese lugar. Revise "
                        "las coordenadas o confirme que son correctas."
                    )
                    % {"km": round(km), "place": place.name}
                }
            )
    return located


def _validate_dates(errors: dict[str, list[str]], **dates: dt.date | None) -> None:
    for field, value in dates.items():
        try:
            _validate_record_date(field, value)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)


def _validate_case(case: Case) -> None:
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if case.start_date and case.start_date > today:
        errors.setdefault("start_date", []).append(
            _("La fecha de inicio no puede estar en el futuro.")
        )
    _validate_dates(
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
        place._history_user = user  # type: ignore[attr-defined]
        if at is not None:
            place._history_date = at  # type: ignore[attr-defined]
        place.save()

    for ubigeo_id, place in existing.items():
        if ubigeo_id not in wanted:
            place._history_user = user  # type: ignore[attr-defined]
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
    for field in CASE_DATA_FIELDS:
        if field not in data:
            continue
        value = data[field]
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
            value = sorted(set(value or []))
        setattr(case, field, value)
    sectors = [
        s
        for s in (
            resolve_category(CategoryKind.SECTOR, v, institution) for v in data.get("sectors") or []
        )
        if s is not None
    ]
    return sectors


# --- case lifecycle --------------------------------------------------------------------------


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
    case._history_user = user  # type: ignore[attr-defined]
    if at is not None:
        case._history_date = at  # type: ignore[attr-defined]
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
    sectors = _apply_case_data(case, data, case.institution)
    _validate_case(case)
    resolved = _resolve_places(places) if places is not None else None
    if resolved is not None or "latitude" in data or "longitude" in data:
        _check_case_point(case, resolved, data)
    case.full_clean(exclude=["typology", "subtype", "institution", "sectors"])
    case._history_user = user  # type: ignore[attr-defined]
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


def _next_code(year: int) -> str:
    seq, _created = CaseCodeSequence.objects.select_for_update().get_or_create(year=year)
    seq.last_number += 1
    seq.save(update_fields=["last_number"])
    return f"{year}-{seq.last_number:04d}"


@transaction.atomic
def transition_case(
    *,
    user: User,
    case: Case,
    name: str,
    reason: str = "",
    phase: str = Phase.EARLY,
    dialogue_mechanism: str = "",
    institution_role: str = "",
    at: dt.datetime | None = None,
    base_url: str = "",
) -> Case:
    """Apply the named workflow transition, or refuse it with a message.

    A proposal is e-mailed to the institution's coordinators, a return or an approval to the
    case's author (through Celery, after the commit; ``base_url`` makes the links absolute).
    A back-dated transition (``at``: imports, demo data) notifies nobody.

    A transition into the active state sets its phase; into the dialogue phase it needs the
    mechanism and the institution's role (``validate_phase``, as ``change_phase``)."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ValidationError({"transition": _("Cambio de estado desconocido.")})
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not can_edit_case(user, case):
        raise PermissionDenied(_("No puede cambiar el estado de este caso."))
    if transition.needs_approver and not can_approve_case(user, case):
        raise PermissionDenied(_("Solo un coordinador de la institución puede aprobar casos."))
    if case.state not in transition.sources:
        raise ValidationError(
            {
                "transition": _(
                    "No se puede pasar de «%(from)s» a «%(to)s»: %(action)s no está permitido."
                )
                % {
                    "from": CaseState(case.state).label,
                    "to": CaseState(transition.target).label,
                    "action": transition_label(name),
                }
            }
        )
    if transition.needs_reason and not reason.strip():
        raise ValidationError({"reason": _("Indique el motivo de este cambio.")})
    when = at or timezone.now()
    before = {
        "state": case.state,
        "phase": case.phase,
        "code": case.code,
        "dialogue_mechanism": case.dialogue_mechanism,
        "institution_role": case.institution_role,
    }
    from_state = case.state
    case.state = transition.target
    if transition.target == CaseState.ACTIVE:
        validate_phase(phase, dialogue_mechanism, institution_role)
        case.phase = phase
        case.dialogue_mechanism = dialogue_mechanism
        case.institution_role = institution_role
    else:
        case.phase = ""
        case.dialogue_mechanism = ""
        case.institution_role = ""
    if transition.kind == TransitionKind.APPROVED and not case.code:
        case.code = _next_code(timezone.localtime(when).year)
        case.approved_at = when
    if transition.target in (CaseState.RESOLVED, CaseState.WITHDRAWN) and not case.end_date:
        case.end_date = timezone.localtime(when).date()
    if transition.target == CaseState.ACTIVE and case.end_date:
        case.end_date = None
    case._history_user = user  # type: ignore[attr-defined]
    case._history_date = when  # type: ignore[attr-defined]
    case.save()
    made = CaseTransition.objects.create(
        case=case,
        kind=transition.kind,
        from_state=from_state,
        to_state=case.state,
        reason=reason.strip(),
        occurred_at=when,
        by=user,
    )
    if at is None and transition.kind in NOTIFIED_KINDS:
        transaction.on_commit(lambda: notify_transition.delay(made.pk, base_url))
    record(
        AuditEvent.CASE_TRANSITION,
        case,
        acting_user=user,
        institution=case.institution,
        diff=model_diff(
            before,
            {
                "state": case.state,
                "phase": case.phase,
                "code": case.code,
                "dialogue_mechanism": case.dialogue_mechanism,
                "institution_role": case.institution_role,
            },
        )
        | ({"reason": reason.strip()} if reason.strip() else {}),
    )
    return case


def validate_phase(phase: str, dialogue_mechanism: str, institution_role: str) -> None:
    """The one rule for an active case's phase, on every path (approval, reactivation, phase
    change): the dialogue phase needs the mechanism and the institution's role; any other phase
    takes neither."""
    if phase not in Phase.values:
        raise ValidationError({"phase": _("Fase desconocida.")})
    if phase == Phase.DIALOGUE:
        errors = {}
        if dialogue_mechanism not in DialogueMechanism.values:
            errors["dialogue_mechanism"] = _("Indique el mecanismo de diálogo.")
        if institution_role not in InstitutionRole.values:
            errors["institution_role"] = _("Indique el rol de la institución en el diálogo.")
        if errors:
            raise ValidationError(errors)
    elif dialogue_mechanism or institution_role:
        raise ValidationError(
            {
                "dialogue_mechanism": _(
                    "El mecanismo y el rol solo se registran en la fase de diálogo."
                )
            }
        )


@transaction.atomic
def change_phase(
    *,
    user: User,
    case: Case,
    phase: str,
    dialogue_mechanism: str = "",
    institution_role: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """Move an active case to another phase; mechanism and role only in the dialogue phase."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not can_edit_case(user, case):
        raise PermissionDenied(_("No puede modificar este caso."))
    if case.state != CaseState.ACTIVE:
        raise ValidationError(
            {
                "phase": _("Solo un caso activo tiene fase; este caso está «%(state)s».")
                % {"state": CaseState(case.state).label}
            }
        )
    validate_phase(phase, dialogue_mechanism, institution_role)
    before = {
        "phase": case.phase,
        "dialogue_mechanism": case.dialogue_mechanism,
        "institution_role": case.institution_role,
    }
    case.phase = phase
    case.dialogue_mechanism = dialogue_mechanism if phase == Phase.DIALOGUE else ""
    case.institution_role = institution_role if phase == Phase.DIALOGUE else ""
    after = {
        "phase": case.phase,
        "dialogue_mechanism": case.dialogue_mechanism,
        "institution_role": case.institution_role,
    }
    case._history_user = user  # type: ignore[attr-defined]
    if at is not None:
        case._history_date = at  # type: ignore[attr-defined]
    case.save()
    record(
        AuditEvent.CASE_PHASE_CHANGED,
        case,
        acting_user=user,
        institution=case.institution,
        diff=model_diff(before, after),
    )
    return case


# --- records added to a case (events, victims, actors, news, evidence) ---------------------


def acting_institution(
    user: AnyUser, case: Case, institution: Institution | None = None
) -> Institution:
    """The institution a new record of ``case`` belongs to: the one given, else the case's own
    when the user edits for it, else the first institution where the user is an editor."""
    return _acting_institution(user, case, institution, events=False)


def _acting_institution(
    user: AnyUser, case: Case, institution: Institution | None, *, events: bool
) -> Institution:
    """``acting_institution``; for events a reporter acts for their institution too."""
    allowed = can_add_events(user, case) if events else can_add_records(user, case)
    if not allowed:
        raise PermissionDenied(_("No puede añadir registros a este caso."))
    roles = CREATOR_ROLES if events else EDITOR_ROLES
    if institution is not None:
        if not has_role(user, institution.pk, roles):
            raise PermissionDenied(_("No es analista de esa institución."))
        return institution
    if has_role(user, case.institution_id, CREATOR_ROLES):
        return case.institution
    ids = sorted(i for i in institution_ids(user) if has_role(user, i, roles))
    return Institution.objects.get(pk=ids[0])


EVENT_FIELDS: tuple[str, ...] = (
    "event_date",
    "date_precision",
    "event_type",
    "sub_event_type",
    "protest_form",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "sources",
    "source_scale",
    "reported_by",
    "notes",
)


def _apply_event_data(event: Event, data: dict[str, Any]) -> None:
    placed_before = (event.latitude, event.longitude, event.ubigeo_id)
    for field in EVENT_FIELDS:
        if field in data:
            value = data[field]
            setattr(event, field, value.strip() if isinstance(value, str) else value)
    if data.get("ubigeo_code"):
        ubigeo = Ubigeo.objects.filter(code=str(data["ubigeo_code"]).strip()).first()
        if ubigeo is None:
            raise ValidationError(
                {"ubigeo_code": _("Ubigeo desconocido: %(code)s.") % {"code": data["ubigeo_code"]}}
            )
        event.ubigeo = ubigeo
    elif not event.ubigeo_id and event.latitude is not None and event.longitude is not None:
        # A field report with only a GPS point: the district is the one whose boundary holds it.
        event.ubigeo = check_point(event.latitude, event.longitude, None, confirmed=True)
    if (
        event.latitude is not None
        and event.longitude is not None
        and (event.latitude, event.longitude, event.ubigeo_id) != placed_before
    ):
        # A point typed or changed: in Peru, and near its place unless confirmed.
        check_point(
            event.latitude,
            event.longitude,
            event.ubigeo if event.ubigeo_id else None,
            confirmed=bool(data.get("confirm_far_point")),
        )
    errors: dict[str, str] = {}
    if event.event_date and event.event_date > timezone.localdate():
        errors["event_date"] = _("La fecha del evento no puede estar en el futuro.")
    elif event.event_date and event.event_date < EARLIEST_DATE:
        errors["event_date"] = _("La fecha no puede ser anterior a %(year)s.") % {
            "year": EARLIEST_DATE.year
        }
    if event.sub_event_type and SUB_EVENT_PARENT.get(event.sub_event_type) != event.event_type:
        errors["sub_event_type"] = _("El subtipo no corresponde al tipo de evento.")
    if (event.latitude is None) != (event.longitude is None):
        errors["latitude"] = _("Indique latitud y longitud juntas.")
    if errors:
        raise ValidationError(errors)
    if not event.ubigeo_id:
        raise ValidationError({"ubigeo_code": _("Indique el lugar (ubigeo) del evento.")})
    if event.latitude is None and event.ubigeo.latitude is not None:
        # No point given: use the capital of the place, and say the position is approximate.
        event.latitude = event.ubigeo.latitude
        event.longitude = event.ubigeo.longitude
        event.geo_precision = max(event.geo_precision or 2, 2)


@transaction.atomic
def record_event(
    *,
    user: User,
    case: Case,
    data: dict[str, Any],
    institution: Institution | None = None,
    is_demo: bool = False,
) -> Event:
    owner = _acting_institution(user, case, institution, events=True)
    event = Event(case=case, institution=owner, created_by=user, is_demo=is_demo)
    _apply_event_data(event, data)
    event.full_clean(exclude=["case", "institution", "ubigeo"])
    event._history_user = user  # type: ignore[attr-defined]
    event.save()
    record(
        AuditEvent.EVENT_CREATED,
        event,
        acting_user=user,
        institution=owner,
        diff={"case": str(case.uuid), "sub_event_type": event.sub_event_type},
    )
    return event


@transaction.atomic
def update_event(*, user: User, event: Event, data: dict[str, Any]) -> Event:
    if not can_edit_event(user, event):
        raise PermissionDenied(_("No puede modificar este evento."))
    event = Event.objects.select_for_update().get(pk=event.pk)
    before = {f: getattr(event, f) for f in EVENT_FIELDS} | {"ubigeo": event.ubigeo.code}
    _apply_event_data(event, data)
    event.full_clean(exclude=["case", "institution", "ubigeo"])
    event._history_user = user  # type: ignore[attr-defined]
    event.save()
    after = {f: getattr(event, f) for f in EVENT_FIELDS} | {"ubigeo": event.ubigeo.code}
    record(
        AuditEvent.EVENT_CHANGED,
        event,
        acting_user=user,
        institution=event.institution,
        diff=model_diff(before, after),
    )
    return event


def _recount_victims(event: Event) -> None:
    """Set the event's counters from its present victims with one UPDATE: no save, so no event
    history row per victim (each victim's own history row records the change)."""
    counts = Victim.objects.filter(event_id=event.pk).aggregate(
        dead=Count("pk", filter=Q(outcome=VictimOutcome.DEAD)),
        injured=Count("pk", filter=Q(outcome=VictimOutcome.INJURED)),
    )
    Event.all_objects.filter(pk=event.pk).update(
        fatalities=counts["dead"], injured=counts["injured"], updated_at=timezone.now()
    )
    event.fatalities = counts["dead"]
    event.injured = counts["injured"]


VICTIM_FIELDS: tuple[str, ...] = (
    "outcome",
    "group",
    "full_name",
    "document_number",
    "age",
    "sex",
    "notes",
)


def _apply_victim_data(victim: Victim, data: dict[str, Any]) -> None:
    """Set a victim's fields; outcome and group must be chosen, never assumed (an untouched
    form must not record a death)."""
    for field in VICTIM_FIELDS:
        if field in data:
            value = data[field]
            setattr(victim, field, value.strip() if isinstance(value, str) else value)
    errors: dict[str, str] = {}
    if victim.outcome not in VictimOutcome.values:
        errors["outcome"] = _("Elija el resultado: fallecido o herido.")
    if victim.group not in VictimGroup.values or (victim.pk is None and "group" not in data):
        errors["group"] = _("Elija el grupo de la víctima.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_victim(*, user: User, event: Event, data: dict[str, Any]) -> Victim:
    if not can_edit_event(user, event):
        raise PermissionDenied(
            _("Solo los analistas de la institución del evento registran víctimas.")
        )
    victim = Victim(event=event)
    _apply_victim_data(victim, data)
    victim.full_clean(exclude=["event"])
    victim._history_user = user  # type: ignore[attr-defined]
    victim.save()
    _recount_victims(event)
    # The audit trail names no victim: personal data stays in the protected table only.
    record(
        AuditEvent.VICTIM_RECORDED,
        event,
        acting_user=user,
        institution=event.institution,
        diff={"outcome": victim.outcome},
    )
    return victim


def similar_actors(user: AnyUser, name: str, kind: str, limit: int = 5) -> list[Actor]:
    """Actors the user may see whose names look like ``name`` ("did you mean…?"), best first."""
    folded = fold(name)
    words = [w for w in folded.split() if len(w) >= 4] or folded.split()[:1]
    if not words:
        return []
    lookup = Q()
    for word in words:
        lookup |= Q(search_name__contains=word)
    candidates = list(
        visible_actors(user).filter(lookup, kind=kind, merged_into__isnull=True)[:200]
    )
    scored = [
        (fuzz.token_set_ratio(folded, actor.search_name), actor)
        for actor in candidates
        if actor.search_name
    ]
    scored = [(score, actor) for score, actor in scored if score >= SIMILAR_ACTOR_SCORE]
    scored.sort(key=lambda pair: (-pair[0], pair[1].name))
    return [actor for _score, actor in scored[:limit]]


# How alike two folded names must be (rapidfuzz token-set ratio, 0–100) to ask "did you mean".
SIMILAR_ACTOR_SCORE = 85


@transaction.atomic
def create_actor(
    *,
    user: User,
    institution: Institution,
    data: dict[str, Any],
    is_demo: bool = False,
    allow_similar: bool = True,
) -> Actor:
    """Register an actor. The same name (ignoring accents and case) and kind as an actor the
    user can already see is refused with that actor named; with ``allow_similar=False`` similar
    names are refused too, so a form can ask "did you mean…?" before creating."""
    if not has_role(user, institution.pk, EDITOR_ROLES):
        raise PermissionDenied(_("No puede registrar actores para esta institución."))
    actor = Actor(institution=institution, is_demo=is_demo)
    for field in ("name", "kind", "organisation_type", "description"):
        if field in data:
            value = data[field]
            setattr(actor, field, value.strip() if isinstance(value, str) else value)
    actor.full_clean(exclude=["institution", "merged_into"])
    actor.search_name = fold(actor.name)
    same = (
        visible_actors(user)
        .filter(search_name=actor.search_name, kind=actor.kind, merged_into__isnull=True)
        .first()
    )
    if same is not None:
        raise ValidationError(
            {
                "name": _(
                    "Ya existe el actor «%(name)s» (%(institution)s). Vincule ese actor en lugar "
                    "de registrar otro."
                )
                % {"name": same.name, "institution": same.institution}
            }
        )
    if not allow_similar:
        similar = similar_actors(user, actor.name, actor.kind)
        if similar:
            raise ValidationError(
                {
                    "name": _("¿Quiso decir %(names)s? Si es un actor distinto, confírmelo.")
                    % {"names": ", ".join(f"«{a.name}»" for a in similar)}
                },
                code="similar",
            )
    actor._history_user = user  # type: ignore[attr-defined]
    actor.save()
    record(AuditEvent.ACTOR_CREATED, actor, acting_user=user, institution=institution)
    return actor


@transaction.atomic
def merge_actors(*, user: User, source: Actor, target: Actor) -> Actor:
    """Merge a duplicate actor into another: its case links move to ``target`` (where the case
    already links ``target``, that link is kept and the duplicate's removed), and ``source``
    leaves every list. Only a coordinator of the duplicate's institution may merge it."""
    if not has_role(user, source.institution_id, APPROVER_ROLES):
        raise PermissionDenied(
            _("Solo un coordinador de la institución que registró el actor puede fusionarlo.")
        )
    source = Actor.objects.select_for_update().get(pk=source.pk)
    if not visible_actors(user).filter(pk=target.pk).exists():
        raise ValidationError({"into": _("Actor desconocido.")})
    if source.pk == target.pk:
        raise ValidationError({"into": _("Un actor no se fusiona consigo mismo.")})
    if source.merged_into_id is not None or target.merged_into_id is not None:
        raise ValidationError({"into": _("Ese actor ya fue fusionado en otro.")})
    moved = dropped = 0
    target_cases = set(target.case_links.values_list("case_id", flat=True))
    for link in CaseActor.objects.select_for_update().filter(actor=source):
        link._history_user = user  # type: ignore[attr-defined]
        if link.case_id in target_cases:
            link.delete()
            dropped += 1
        else:
            link.actor = target
            link.save(update_fields=["actor", "updated_at"])
            moved += 1
    source.merged_into = target
    source._history_user = user  # type: ignore[attr-defined]
    source.save(update_fields=["merged_into", "updated_at"])
    record(
        AuditEvent.ACTORS_MERGED,
        target,
        acting_user=user,
        institution=source.institution,
        diff={"merged": str(source.uuid), "links_moved": moved, "links_dropped": dropped},
    )
    return target


def _check_link_fields(role: str, intensity: int | None) -> None:
    errors: dict[str, str] = {}
    if role not in ActorRole.values:
        errors["role"] = _("Rol desconocido.")
    if intensity is not None and not 1 <= intensity <= 5:
        errors["intensity"] = _("La intensidad va de 1 a 5.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def link_actor(
    *,
    user: User,
    case: Case,
    actor: Actor,
    role: str,
    position: str = "",
    intensity: int | None = None,
) -> CaseActor:
    """Link an actor the user may see to the case; the link belongs to the acting institution.

    An actor already linked is refused: changing a link is ``update_actor_link``, allowed only
    to the institution that made it."""
    owner = acting_institution(user, case)
    if not visible_actors(user).filter(pk=actor.pk).exists():
        raise ValidationError({"actor": _("Actor desconocido.")})
    _check_link_fields(role, intensity)
    existing = (
        CaseActor.objects.select_for_update()
        .select_related("institution")
        .filter(case=case, actor=actor)
        .first()
    )
    if existing is not None:
        raise ValidationError(
            {
                "actor": _(
                    "«%(actor)s» ya está vinculado a este caso (por %(institution)s). "
                    "Para cambiar su rol o posición, edite ese vínculo."
                )
                % {"actor": actor.name, "institution": existing.institution}
            }
        )
    link = CaseActor(
        case=case,
        actor=actor,
        institution=owner,
        role=role,
        position=position.strip(),
        intensity=intensity,
    )
    link.full_clean(exclude=["case", "actor", "institution"], validate_constraints=False)
    link._history_user = user  # type: ignore[attr-defined]
    link.save()
    record(
        AuditEvent.CASE_ACTOR_LINKED,
        case,
        acting_user=user,
        institution=owner,
        diff={"actor": str(actor.uuid), "role": role},
    )
    return link


@transaction.atomic
def update_actor_link(
    *,
    user: User,
    link: CaseActor,
    role: str,
    position: str = "",
    intensity: int | None = None,
) -> CaseActor:
    """Change the role, position or intensity of a link: only its own institution may."""
    if not can_edit_actor_link(user, link):
        raise PermissionDenied(
            _("Solo la institución que vinculó a este actor puede modificar el vínculo.")
        )
    _check_link_fields(role, intensity)
    link = CaseActor.objects.select_for_update().select_related("actor").get(pk=link.pk)
    before = {"role": link.role, "position": link.position, "intensity": link.intensity}
    link.role = role
    link.position = position.strip()
    link.intensity = intensity
    after = {"role": link.role, "position": link.position, "intensity": link.intensity}
    diff = model_diff(before, after)
    if not diff:
        return link
    link.full_clean(exclude=["case", "actor", "institution"], validate_constraints=False)
    link._history_user = user  # type: ignore[attr-defined]
    link.save()
    record(
        AuditEvent.CASE_ACTOR_CHANGED,
        link.case,
        acting_user=user,
        institution=link.institution,
        diff=diff | {"actor": str(link.actor.uuid)},
    )
    return link


@transaction.atomic
def unlink_actor(*, user: User, link: CaseActor) -> None:
    """Take an actor off a case: only the institution that linked it may (the actor stays)."""
    if not can_edit_actor_link(user, link):
        raise PermissionDenied(
            _("Solo la institución que vinculó a este actor puede quitarlo del caso.")
        )
    link._history_user = user  # type: ignore[attr-defined]
    record(
        AuditEvent.CASE_ACTOR_UNLINKED,
        link.case,
        acting_user=user,
        institution=link.institution,
        diff={"actor": str(link.actor.uuid)},
    )
    link.delete()


@transaction.atomic
def add_news(*, user: User, case: Case, data: dict[str, Any], is_demo: bool = False) -> NewsItem:
    owner = acting_institution(user, case)
    item = NewsItem(institution=owner, created_by=user, is_demo=is_demo)
    for field in ("outlet", "title", "published_on", "url"):
        if field in data:
            value = data[field]
            setattr(item, field, value.strip() if isinstance(value, str) else value)
    if data.get("region_code"):
        item.region = Ubigeo.objects.filter(code=data["region_code"]).first()
        if item.region is None:
            raise ValidationError({"region_code": _("Ubigeo desconocido.")})
    _validate_record_date("published_on", item.published_on)
    item.full_clean(exclude=["institution", "region", "cases"])
    item._history_user = user  # type: ignore[attr-defined]
    item.save()
    item.cases.add(case)
    record(
        AuditEvent.NEWS_CREATED,
        item,
        acting_user=user,
        institution=owner,
        diff={"case": str(case.uuid), "title": item.title},
    )
    return item


def validate_evidence_file(upload: "UploadedFile[bytes]") -> str:
    """Return the file's content type, or raise a ValidationError naming what is wrong."""
    name = (upload.name or "").lower()
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    content_type = EVIDENCE_CONTENT_TYPES.get(suffix)
    if content_type is None:
        raise ValidationError(
            {
                "file": _("Tipo de archivo no permitido. Se aceptan: %(types)s.")
                % {"types": ", ".join(sorted(EVIDENCE_CONTENT_TYPES))}
            }
        )
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            {
                "file": _("El archivo supera el tamaño máximo de %(mb)s MB.")
                % {"mb": limit // (1024 * 1024)}
            }
        )
    if upload.size == 0:
        raise ValidationError({"file": _("El archivo está vacío.")})
    magic = _MAGIC.get(content_type)
    if magic:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not any(head.startswith(m) for m in magic):
            raise ValidationError(
                {"file": _("El contenido del archivo no corresponde a su extensión.")}
            )
    return content_type


@transaction.atomic
def add_evidence(
    *,
    user: User,
    case: Case,
    title: str,
    kind: str,
    upload: "UploadedFile[bytes]",
    keywords: str = "",
    is_confidential: bool = False,
) -> Evidence:
    owner = acting_institution(user, case)
    content_type = validate_evidence_file(upload)
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": _("Tipo de evidencia desconocido.")})
    if not title.strip():
        raise ValidationError({"title": _("Indique un título.")})
    evidence = Evidence(
        case=case,
        institution=owner,
        title=title.strip(),
        kind=kind,
        keywords=keywords.strip(),
        content_type=content_type,
        size_bytes=upload.size or 0,
        original_name=(upload.name or "")[:255],
        is_confidential=is_confidential,
        uploaded_by=user,
    )
    evidence.file = upload
    evidence._history_user = user  # type: ignore[attr-defined]
    evidence.save()
    record(
        AuditEvent.EVIDENCE_ADDED,
        evidence,
        acting_user=user,
        institution=owner,
        diff={"case": str(case.uuid), "title": evidence.title, "size": evidence.size_bytes},
    )
    return evidence


# --- correcting records: edit, remove (soft), restore ----------------------------------------


@transaction.atomic
def update_victim(*, user: User, victim: Victim, data: dict[str, Any]) -> Victim:
    """Correct a victim; the audit names the changed fields, never the personal data."""
    if not can_edit_record(user, victim):
        raise PermissionDenied(
            _("Solo los analistas de la institución del evento corrigen víctimas.")
        )
    victim = Victim.objects.select_for_update().select_related("event").get(pk=victim.pk)
    before = {f: getattr(victim, f) for f in VICTIM_FIELDS}
    _apply_victim_data(victim, data)
    victim.full_clean(exclude=["event"])
    after = {f: getattr(victim, f) for f in VICTIM_FIELDS}
    changed = sorted(model_diff(before, after))
    if not changed:
        return victim
    victim._history_user = user  # type: ignore[attr-defined]
    victim.save()
    _recount_victims(victim.event)
    record(
        AuditEvent.VICTIM_CHANGED,
        victim.event,
        acting_user=user,
        institution=victim.event.institution,
        diff={"victim": str(victim.uuid), "fields": changed, "outcome": victim.outcome},
    )
    return victim


NEWS_FIELDS: tuple[str, ...] = ("outlet", "title", "published_on", "url")


@transaction.atomic
def update_news(*, user: User, item: NewsItem, data: dict[str, Any]) -> NewsItem:
    if not can_edit_record(user, item):
        raise PermissionDenied(_("Solo la institución que registró la noticia puede modificarla."))
    item = NewsItem.objects.select_for_update().get(pk=item.pk)
    before = {f: getattr(item, f) for f in NEWS_FIELDS} | {"region": item.region_id}
    for field in NEWS_FIELDS:
        if field in data:
            value = data[field]
            setattr(item, field, value.strip() if isinstance(value, str) else value)
    if "region_code" in data:
        item.region = None
        if data["region_code"]:
            item.region = Ubigeo.objects.filter(code=data["region_code"]).first()
            if item.region is None:
                raise ValidationError({"region_code": _("Ubigeo desconocido.")})
    _validate_record_date("published_on", item.published_on)
    item.full_clean(exclude=["institution", "region", "cases"])
    after = {f: getattr(item, f) for f in NEWS_FIELDS} | {"region": item.region_id}
    diff = model_diff(before, after)
    if diff:
        item._history_user = user  # type: ignore[attr-defined]
        item.save()
        record(
            AuditEvent.NEWS_CHANGED, item, acting_user=user, institution=item.institution, diff=diff
        )
    return item


EVIDENCE_FIELDS: tuple[str, ...] = ("title", "kind", "keywords", "is_confidential")


@transaction.atomic
def update_evidence(*, user: User, evidence: Evidence, data: dict[str, Any]) -> Evidence:
    """Correct an evidence's description (its file is never replaced: attach a new one)."""
    if not can_edit_record(user, evidence):
        raise PermissionDenied(_("Solo la institución que adjuntó la evidencia puede modificarla."))
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    before = {f: getattr(evidence, f) for f in EVIDENCE_FIELDS}
    for field in EVIDENCE_FIELDS:
        if field in data:
            value = data[field]
            setattr(evidence, field, value.strip() if isinstance(value, str) else value)
    if evidence.kind not in EvidenceKind.values:
        raise ValidationError({"kind": _("Tipo de evidencia desconocido.")})
    if not evidence.title:
        raise ValidationError({"title": _("Indique un título.")})
    evidence.full_clean(exclude=["case", "institution", "file"])
    diff = model_diff(before, {f: getattr(evidence, f) for f in EVIDENCE_FIELDS})
    if diff:
        evidence._history_user = user  # type: ignore[attr-defined]
        evidence.save()
        record(
            AuditEvent.EVIDENCE_CHANGED,
            evidence,
            acting_user=user,
            institution=evidence.institution,
            diff=diff,
        )
    return evidence


_REMOVAL_EVENTS: dict[type[Any], tuple[AuditEvent, AuditEvent]] = {
    Event: (AuditEvent.EVENT_REMOVED, AuditEvent.EVENT_RESTORED),
    Victim: (AuditEvent.VICTIM_REMOVED, AuditEvent.VICTIM_RESTORED),
    NewsItem: (AuditEvent.NEWS_REMOVED, AuditEvent.NEWS_RESTORED),
    Evidence: (AuditEvent.EVIDENCE_REMOVED, AuditEvent.EVIDENCE_RESTORED),
}


def _audit_target(item: Record) -> models.Model:
    # A victim is audited on its event, so the audit trail names no person.
    return item.event if isinstance(item, Victim) else item


@transaction.atomic
def remove_record(*, user: User, item: Record, reason: str) -> None:
    """Soft-remove an event, victim, news item or evidence: hidden everywhere (pages, API,
    counts), kept with its history, its file on disk, restorable by a coordinator. Removing an
    event takes its victims out of every count; removing a victim recounts its event."""
    if not can_edit_record(user, item):
        raise PermissionDenied(_("Solo la institución que lo registró puede eliminarlo."))
    if not reason.strip():
        raise ValidationError({"reason": _("Indique el motivo de la eliminación.")})
    if item.is_removed:
        raise ValidationError({"reason": _("Ya estaba eliminado.")})
    item.removed_at = timezone.now()
    item.removed_by = user
    item.removal_reason = reason.strip()
    item._history_user = user  # type: ignore[union-attr]
    item.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    if isinstance(item, Victim):
        _recount_victims(item.event)
    removed_event, _restored_event = _REMOVAL_EVENTS[type(item)]
    record(
        removed_event,
        _audit_target(item),
        acting_user=user,
        institution=Institution.objects.get(pk=record_institution_id(item)),
        diff={"uuid": str(item.uuid), "reason": item.removal_reason},
    )


@transaction.atomic
def restore_record(*, user: User, item: Record) -> None:
    """Bring a removed record back (its institution's coordinators)."""
    if not can_restore_record(user, item):
        raise PermissionDenied(_("Solo un coordinador de la institución puede restaurarlo."))
    if not item.is_removed:
        raise ValidationError({"reason": _("No está eliminado.")})
    reason = item.removal_reason
    item.removed_at = None
    item.removed_by = None
    item.removal_reason = ""
    item._history_user = user  # type: ignore[union-attr]
    item.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    if isinstance(item, Victim):
        _recount_victims(item.event)
    _removed_event, restored_event = _REMOVAL_EVENTS[type(item)]
    record(
        restored_event,
        _audit_target(item),
        acting_user=user,
        institution=Institution.objects.get(pk=record_institution_id(item)),
        diff={"uuid": str(item.uuid), "removal_reason": reason},
    )


# --- erasing a victim's identity (lawful request) --------------------------------------------

# The personal fields of a victim; outcome and group stay (they are the counts, not a person).
VICTIM_PERSONAL_FIELDS: dict[str, Any] = {
    "full_name": "",
    "document_number": "",
    "age": None,
    "sex": "",
    "notes": "",
}


@transaction.atomic
def erase_victim_identity(*, user: User, victim: Victim, reason: str) -> int:
    """Blank a victim's personal data in the row *and in every historical row*, on a lawful
    request (e.g. the person's or family's request under Peru's personal data law). Only a
    coordinator of the event's institution may do it. The outcome and group stay, so counts do
    not change. The audit names the victim's uuid, the reason and how many rows were blanked,
    never the data erased. Returns the number of historical rows blanked."""
    if not can_restore_record(user, victim):
        raise PermissionDenied(
            _("Solo un coordinador de la institución del evento puede borrar la identidad.")
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Indique el fundamento de la solicitud.")})
    # UPDATEs, not saves: a save would write one more historical row holding the old values'
    # neighbours, and erasing must leave no copy behind.
    Victim.all_objects.filter(pk=victim.pk).update(**VICTIM_PERSONAL_FIELDS)
    blanked = Victim.history.filter(id=victim.pk).update(**VICTIM_PERSONAL_FIELDS)
    record(
        AuditEvent.VICTIM_IDENTITY_ERASED,
        victim.event,
        acting_user=user,
        institution=victim.event.institution,
        diff={"victim": str(victim.uuid), "reason": reason.strip(), "history_rows": blanked},
    )
    return blanked

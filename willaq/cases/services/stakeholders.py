"""The stakeholder map of a case (domain.md §3): each actor's profile in the case, and the
relations between two actors over time.

The profile lives on the actor's link (``CaseActor``), so it belongs to the institution that
linked the actor and is historised with the link. A relation belongs to the institution that
recorded it; a change of its kind ends it the day before and starts a new one, so the map as of
any date shows the kind in force on that day.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent
from willaq.audit.services import model_diff, record
from willaq.cases.access import can_edit_actor_link, can_edit_relation
from willaq.cases.choices import Attitude, RelationKind
from willaq.cases.models import Actor, Case, CaseActor, StakeholderRelation
from willaq.cases.services.checks import (
    check_effective,
    stamp,
    took_effect,
    validate_record_date,
)
from willaq.cases.services.records import acting_institution

NOTE_MAX_LENGTH = 5000


@dataclass(frozen=True)
class ProfileInput:
    """An actor's stakeholder profile in one case."""

    conflict_role: str = ""
    interests: str = ""
    position: str = ""
    influence: int | None = None
    interest_level: int | None = None
    attitude: str = ""


PROFILE_FIELDS = (
    "conflict_role",
    "interests",
    "position",
    "influence",
    "interest_level",
    "attitude",
)


def _check_level(errors: dict[str, str], field: str, value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or not 1 <= value <= 5):
        errors[field] = _("El nivel va de 1 a 5.")


@transaction.atomic
def update_stakeholder_profile(
    *, user: User, link: CaseActor, profile: ProfileInput, at: dt.datetime | None = None
) -> CaseActor:
    """Change an actor's profile in a case: only the institution that linked the actor may.
    ``at`` is when the change took effect, if recorded late (the map of back then shows it)."""
    if not can_edit_actor_link(user, link):
        raise PermissionDenied(
            _("Solo la institución que vinculó a este actor puede modificar su perfil.")
        )
    errors: dict[str, str] = {}
    _check_level(errors, "influence", profile.influence)
    _check_level(errors, "interest_level", profile.interest_level)
    if profile.attitude and profile.attitude not in Attitude.values:
        errors["attitude"] = _("Actitud desconocida.")
    if len(profile.conflict_role.strip()) > 250:
        errors["conflict_role"] = _("Admite como máximo %(n)s caracteres.") % {"n": 250}
    if errors:
        raise ValidationError(errors)
    link = CaseActor.objects.select_for_update().select_related("actor", "case").get(pk=link.pk)
    before = {name: getattr(link, name) for name in PROFILE_FIELDS}
    for name in PROFILE_FIELDS:
        value = getattr(profile, name)
        setattr(link, name, value.strip() if isinstance(value, str) else value)
    diff = model_diff(before, {name: getattr(link, name) for name in PROFILE_FIELDS})
    if not diff:
        return link
    check_effective(at, not_before=took_effect(link))
    link.full_clean(exclude=["case", "actor", "institution"], validate_constraints=False)
    stamp(link, user, at)
    link.save()
    record(
        AuditEvent.STAKEHOLDER_PROFILE_CHANGED,
        link.case,
        acting_user=user,
        institution=link.institution,
        diff=diff | {"actor": str(link.actor.uuid)},
    )
    return link


@dataclass(frozen=True)
class RelationInput:
    """A relation between two actors of a case, from ``start_date`` to ``end_date`` (inclusive;
    None while it lasts)."""

    source: Actor | None
    target: Actor | None
    kind: str
    start_date: dt.date | None
    end_date: dt.date | None = None
    note: str = ""


def _linked(case: Case, actor: Actor | None) -> bool:
    return actor is not None and CaseActor.objects.filter(case=case, actor=actor).exists()


def _check_dates(errors: dict[str, str], start: dt.date | None, end: dt.date | None) -> None:
    for field, value in (("start_date", start), ("end_date", end)):
        try:
            validate_record_date(field, value)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if start is None:
        errors["start_date"] = _("Indique desde cuándo existe la relación.")
    elif end is not None and end < start and "end_date" not in errors:
        errors["end_date"] = _("La relación no puede terminar antes de empezar.")


def _overlapping(
    relation: StakeholderRelation, exclude: list[int | None] | None = None
) -> StakeholderRelation | None:
    """Another relation of the same institution between the same two actors whose days overlap
    this one's (an institution keeps one view of a pair at a time)."""
    pair = Q(source_id=relation.source_id, target_id=relation.target_id) | Q(
        source_id=relation.target_id, target_id=relation.source_id
    )
    others = StakeholderRelation.objects.filter(
        pair, case_id=relation.case_id, institution_id=relation.institution_id
    ).exclude(pk__in=[pk for pk in (exclude or []) if pk is not None])
    others = others.filter(Q(end_date__isnull=True) | Q(end_date__gte=relation.start_date))
    if relation.end_date is not None:
        others = others.filter(start_date__lte=relation.end_date)
    return others.order_by("start_date").first()


def _overlap_error(other: StakeholderRelation) -> ValidationError:
    return ValidationError(
        {
            "start_date": _(
                "Su institución ya registró una relación entre estos actores en esas fechas "
                "(%(kind)s desde %(start)s). Cambie su tipo o termínela en lugar de registrar otra."
            )
            % {
                "kind": other.get_kind_display(),
                "start": other.start_date.strftime("%d/%m/%Y"),
            }
        }
    )


@transaction.atomic
def record_relation(
    *,
    user: User,
    case: Case,
    data: RelationInput,
    institution: Institution | None = None,
    at: dt.datetime | None = None,
) -> StakeholderRelation:
    """Record a relation between two actors linked to ``case``; it belongs to the acting
    institution (as an actor link does)."""
    owner = acting_institution(user, case, institution)
    check_effective(at)
    errors: dict[str, str] = {}
    if data.source is None:
        errors["source"] = _("Elija un actor del caso.")
    elif not _linked(case, data.source):
        errors["source"] = _("Ese actor no está vinculado a este caso.")
    if data.target is None:
        errors["target"] = _("Elija el otro actor del caso.")
    elif not _linked(case, data.target):
        errors["target"] = _("Ese actor no está vinculado a este caso.")
    elif data.source is not None and data.source.pk == data.target.pk:
        errors["target"] = _("Una relación une a dos actores distintos: elija otro actor.")
    if data.kind not in RelationKind.values:
        errors["kind"] = _("Tipo de relación desconocido.")
    _check_dates(errors, data.start_date, data.end_date)
    if len(data.note) > NOTE_MAX_LENGTH:
        errors["note"] = _("Admite como máximo %(n)s caracteres.") % {"n": NOTE_MAX_LENGTH}
    if errors:
        raise ValidationError(errors)
    assert data.source is not None
    assert data.target is not None
    assert data.start_date is not None
    relation = StakeholderRelation(
        case=case,
        source=data.source,
        target=data.target,
        institution=owner,
        kind=data.kind,
        start_date=data.start_date,
        end_date=data.end_date,
        note=data.note.strip(),
        created_by=user,
    )
    other = _overlapping(relation)
    if other is not None:
        raise _overlap_error(other)
    stamp(relation, user, at)
    relation.save()
    record(
        AuditEvent.RELATION_RECORDED,
        relation,
        acting_user=user,
        institution=owner,
        diff={
            "case": str(case.uuid),
            "source": str(data.source.uuid),
            "target": str(data.target.uuid),
            "kind": data.kind,
            "start_date": data.start_date.isoformat(),
            "end_date": data.end_date.isoformat() if data.end_date else None,
        },
    )
    return relation


def _owned(user: User, relation: StakeholderRelation, action: str) -> StakeholderRelation:
    if not can_edit_relation(user, relation):
        raise PermissionDenied(
            _("Solo la institución que registró esta relación puede %(action)s.")
            % {"action": action}
        )
    return (
        StakeholderRelation.objects.select_for_update()
        .select_related("case", "source", "target", "institution")
        .get(pk=relation.pk)
    )


@transaction.atomic
def change_relation_kind(
    *,
    user: User,
    relation: StakeholderRelation,
    kind: str,
    on: dt.date | None,
    note: str | None = None,
) -> StakeholderRelation:
    """From ``on``, the two actors relate as ``kind``: the relation ends the day before and a
    new one (with ``previous`` pointing back) starts that day, until the old end if any. The
    note carries over unless a new one is given."""
    relation = _owned(user, relation, _("cambiar su tipo"))
    errors: dict[str, str] = {}
    if kind not in RelationKind.values:
        errors["kind"] = _("Tipo de relación desconocido.")
    elif kind == relation.kind:
        errors["kind"] = _("La relación ya es de ese tipo.")
    if on is None:
        errors["on"] = _("Indique desde cuándo cambia la relación.")
    else:
        try:
            validate_record_date("on", on)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
        if "on" not in errors and on <= relation.start_date:
            errors["on"] = _("El cambio debe ser posterior al inicio de la relación (%(d)s).") % {
                "d": relation.start_date.strftime("%d/%m/%Y")
            }
        elif "on" not in errors and relation.end_date is not None and on > relation.end_date:
            errors["on"] = _("La relación ya había terminado (%(d)s).") % {
                "d": relation.end_date.strftime("%d/%m/%Y")
            }
    if note is not None and len(note) > NOTE_MAX_LENGTH:
        errors["note"] = _("Admite como máximo %(n)s caracteres.") % {"n": NOTE_MAX_LENGTH}
    if errors:
        raise ValidationError(errors)
    assert on is not None
    old_end = relation.end_date
    relation.end_date = on - dt.timedelta(days=1)
    stamp(relation, user)
    relation.save(update_fields=["end_date", "updated_at"])
    successor = StakeholderRelation(
        case=relation.case,
        source=relation.source,
        target=relation.target,
        institution=relation.institution,
        kind=kind,
        start_date=on,
        end_date=old_end,
        note=relation.note if note is None else note.strip(),
        previous=relation,
        created_by=user,
    )
    stamp(successor, user)
    successor.save()
    record(
        AuditEvent.RELATION_KIND_CHANGED,
        successor,
        acting_user=user,
        institution=relation.institution,
        diff={"kind": [relation.kind, kind], "on": on.isoformat(), "previous": str(relation.uuid)},
    )
    return successor


@transaction.atomic
def end_relation(
    *, user: User, relation: StakeholderRelation, end_date: dt.date | None
) -> StakeholderRelation:
    """The relation lasted until ``end_date`` (inclusive)."""
    relation = _owned(user, relation, _("terminarla"))
    errors: dict[str, str] = {}
    if end_date is None:
        errors["end_date"] = _("Indique hasta cuándo duró la relación.")
    else:
        _check_dates(errors, relation.start_date, end_date)
    if errors:
        raise ValidationError(errors)
    assert end_date is not None
    before = relation.end_date
    relation.end_date = end_date
    other = _overlapping(relation, exclude=[relation.pk])
    if other is not None:
        raise _overlap_error(other)
    stamp(relation, user)
    relation.save(update_fields=["end_date", "updated_at"])
    record(
        AuditEvent.RELATION_ENDED,
        relation,
        acting_user=user,
        institution=relation.institution,
        diff={"end_date": [before.isoformat() if before else None, end_date.isoformat()]},
    )
    return relation


@transaction.atomic
def update_relation_note(
    *, user: User, relation: StakeholderRelation, note: str
) -> StakeholderRelation:
    """Rewrite the note of a relation (its institution's analysis)."""
    relation = _owned(user, relation, _("modificarla"))
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": _("Admite como máximo %(n)s caracteres.") % {"n": NOTE_MAX_LENGTH}}
        )
    if note.strip() == relation.note:
        return relation
    relation.note = note.strip()
    stamp(relation, user)
    relation.save(update_fields=["note", "updated_at"])
    # The note itself stays out of the audit log: the log is read by administrators of every
    # institution, the note only inside the recording one.
    record(
        AuditEvent.RELATION_CHANGED,
        relation,
        acting_user=user,
        institution=relation.institution,
        diff={"note": "changed"},
    )
    return relation


@transaction.atomic
def remove_relation(*, user: User, relation: StakeholderRelation) -> None:
    """Remove a relation recorded by mistake (its history keeps it). A relation that merely
    ended is ended (``end_relation``), not removed."""
    relation = _owned(user, relation, _("eliminarla"))
    stamp(relation, user)
    record(
        AuditEvent.RELATION_REMOVED,
        relation,
        acting_user=user,
        institution=relation.institution,
        diff={
            "case": str(relation.case.uuid),
            "source": str(relation.source.uuid),
            "target": str(relation.target.uuid),
            "kind": relation.kind,
        },
    )
    relation.delete()

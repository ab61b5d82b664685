"""Convening and running a dialogue space: its data, state, participants, publication and the
secret of its calendar feed.

Each function checks access itself (``willaq.dialogue.access``), validates its input (a
ValidationError keyed by field, in the user's language), writes inside one transaction with its
audit record, and returns the saved object.
"""

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from willaq.accounts.access import has_role
from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent
from willaq.audit.services import model_diff, record
from willaq.cases.access import visible_cases
from willaq.cases.models import Actor, Case
from willaq.cases.services.records import validate_evidence_file
from willaq.dialogue import access
from willaq.dialogue.choices import ParticipantKind, ParticipantRole, SpaceKind, SpaceState
from willaq.dialogue.models import DialogueSpace, InstitutionCalendar, Participant, new_secret
from willaq.territory.models import Ubigeo

NAME_MAX = 250

# Which state may follow which: a suspended space resumes; a concluded one is closed.
SPACE_TRANSITIONS: dict[str, frozenset[str]] = {
    SpaceState.CONVENED: frozenset(
        {SpaceState.IN_SESSION, SpaceState.SUSPENDED, SpaceState.CONCLUDED}
    ),
    SpaceState.IN_SESSION: frozenset({SpaceState.SUSPENDED, SpaceState.CONCLUDED}),
    SpaceState.SUSPENDED: frozenset({SpaceState.IN_SESSION, SpaceState.CONCLUDED}),
    SpaceState.CONCLUDED: frozenset(),
}

_SPACE_FIELDS = (
    "kind",
    "name",
    "description",
    "ground_rules",
    "start_date",
    "planned_end_date",
    "internal_notes",
)


@dataclass(frozen=True)
class SpaceInput:
    """What a space says, as the form and the API give it. ``cases`` are case uuids the user may
    see; ``facilitators`` user ids of members of the convening institution; ``place`` a ubigeo
    code; ``parent`` the uuid of a space of the same institution."""

    kind: str
    name: str
    start_date: dt.date
    planned_end_date: dt.date
    description: str = ""
    ground_rules: str = ""
    internal_notes: str = ""
    place: str = ""
    parent: str = ""
    cases: Sequence[str] = field(default_factory=tuple)
    facilitators: Sequence[int] = field(default_factory=tuple)
    # The ground rules as a document (PDF, Word…; checked by content), replacing any earlier one.
    ground_rules_file: "UploadedFile[bytes] | None" = field(default=None, compare=False)


@dataclass(frozen=True)
class ParticipantInput:
    """One party at the table: an institution (slug), an actor (uuid) or only a name."""

    kind: str
    role: str = ParticipantRole.PARTICIPANT
    institution: str = ""
    actor: str = ""
    name: str = ""
    representative: str = ""


def _clean_space(
    user: User, institution: Institution, data: SpaceInput, space: DialogueSpace | None
) -> tuple[dict[str, Any], list[Case], list[User], Ubigeo | None, DialogueSpace | None]:
    errors: dict[str, list[str]] = {}
    if data.kind not in SpaceKind.values:
        errors["kind"] = [_("Tipo de espacio desconocido.")]
    name = (data.name or "").strip()
    if not name:
        errors["name"] = [_("Indique el nombre del espacio.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("El nombre admite hasta %(n)s caracteres.") % {"n": NAME_MAX}]
    if data.planned_end_date < data.start_date:
        errors["planned_end_date"] = [
            _("La fecha prevista de término no puede ser anterior a la de instalación.")
        ]
    place = None
    if data.place:
        place = Ubigeo.objects.filter(code=data.place).first()
        if place is None:
            errors["place"] = [_("Ubigeo desconocido: %(code)s.") % {"code": data.place}]
    parent = None
    if data.parent:
        parent = DialogueSpace.objects.filter(uuid=_uuid_or_none(data.parent)).first()
        if parent is None or parent.institution_id != institution.pk:
            errors["parent"] = [_("El espacio principal no existe o es de otra institución.")]
        elif space is not None and (parent.pk == space.pk or _descends_from(parent, space)):
            errors["parent"] = [_("Un espacio no puede depender de sí mismo.")]
    wanted = [c for c in {str(c) for c in data.cases} if c]
    cases = list(visible_cases(user).filter(uuid__in=[_uuid_or_none(c) for c in wanted]))
    if len(cases) != len(wanted):
        errors["cases"] = [_("Algún caso vinculado no existe o no puede verlo.")]
    facilitators = list(
        User.objects.filter(
            pk__in=list(data.facilitators),
            memberships__institution=institution,
            memberships__is_active=True,
        ).distinct()
    )
    if len(facilitators) != len(set(data.facilitators)):
        errors["facilitators"] = [
            _("Los facilitadores deben ser miembros de la institución convocante.")
        ]
    if data.ground_rules_file is not None:
        try:
            validate_evidence_file(data.ground_rules_file)
        except ValidationError as exc:
            errors["ground_rules_file"] = exc.message_dict.get("file", exc.messages)
    if errors:
        raise ValidationError(errors)
    values = {
        "kind": data.kind,
        "name": name,
        "description": data.description.strip(),
        "ground_rules": data.ground_rules.strip(),
        "start_date": data.start_date,
        "planned_end_date": data.planned_end_date,
        "internal_notes": data.internal_notes.strip(),
    }
    return values, cases, facilitators, place, parent


def _uuid_or_none(value: str) -> str:
    """The canonical uuid, or one that matches nothing (so a bad reference is "not found")."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return str(uuid.UUID(int=0))


def _descends_from(candidate: DialogueSpace, space: DialogueSpace) -> bool:
    """Whether ``candidate`` hangs (at any depth) under ``space``: no cycles of sub-groups."""
    seen = set()
    node: DialogueSpace | None = candidate
    while node is not None and node.pk not in seen:
        if node.parent_id == space.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


@transaction.atomic
def convene_space(user: User, institution: Institution, data: SpaceInput) -> DialogueSpace:
    if not access.can_convene(user, institution):
        raise PermissionDenied(_("No puede convocar espacios de diálogo para esta institución."))
    values, cases, facilitators, place, parent = _clean_space(user, institution, data, None)
    space = DialogueSpace(
        institution=institution, place=place, parent=parent, created_by=user, **values
    )
    if data.ground_rules_file is not None:
        space.ground_rules_file = data.ground_rules_file
    space.save()
    space.cases.set(cases)
    space.facilitators.set(facilitators)
    # The convening institution sits at its own table.
    Participant.objects.create(
        space=space,
        kind=ParticipantKind.INSTITUTION,
        role=ParticipantRole.CONVENER,
        institution=institution,
        name=institution.name,
    )
    record(
        AuditEvent.SPACE_CONVENED,
        space,
        acting_user=user,
        institution=institution,
        diff={"name": space.name, "kind": space.kind, "cases": [str(c.uuid) for c in cases]},
    )
    return space


@transaction.atomic
def update_space(user: User, space: DialogueSpace, data: SpaceInput) -> DialogueSpace:
    if not access.can_manage_space(user, space):
        raise PermissionDenied(_("No puede modificar este espacio de diálogo."))
    space = DialogueSpace.objects.select_for_update().get(pk=space.pk)
    values, cases, facilitators, place, parent = _clean_space(user, space.institution, data, space)
    # The space's sessions must stay inside its dates.
    outside = space.sessions.exclude(
        starts_at__date__gte=values["start_date"],
        starts_at__date__lte=max(
            values["planned_end_date"], space.end_date or values["planned_end_date"]
        ),
    )
    if outside.exists():
        raise ValidationError(
            {"start_date": [_("Hay sesiones fuera de las nuevas fechas del espacio.")]}
        )
    before = {f: getattr(space, f) for f in _SPACE_FIELDS}
    before["place"] = space.place_id
    before["parent"] = space.parent_id
    for key, value in values.items():
        setattr(space, key, value)
    space.place = place
    space.parent = parent
    if data.ground_rules_file is not None:
        space.ground_rules_file = data.ground_rules_file
        before["ground_rules_file"] = ""
    space.save()
    # Cases the user cannot see stay linked (another institution linked them).
    hidden = space.cases.exclude(pk__in=visible_cases(user).values("pk"))
    space.cases.set([*cases, *hidden])
    space.facilitators.set(facilitators)
    after = {f: getattr(space, f) for f in _SPACE_FIELDS}
    after["place"] = space.place_id
    after["parent"] = space.parent_id
    if data.ground_rules_file is not None:
        after["ground_rules_file"] = data.ground_rules_file.name
    record(
        AuditEvent.SPACE_CHANGED,
        space,
        acting_user=user,
        institution=space.institution,
        diff=model_diff(before, after),
    )
    return space


@transaction.atomic
def change_space_state(
    user: User, space: DialogueSpace, state: str, *, end_date: dt.date | None = None
) -> DialogueSpace:
    if not access.can_manage_space(user, space):
        raise PermissionDenied(_("No puede modificar este espacio de diálogo."))
    space = DialogueSpace.objects.select_for_update().get(pk=space.pk)
    if state not in SpaceState.values:
        raise ValidationError({"state": [_("Estado desconocido.")]})
    if state not in SPACE_TRANSITIONS[space.state]:
        raise ValidationError(
            {
                "state": [
                    _("Un espacio «%(from)s» no puede pasar a «%(to)s».")
                    % {"from": space.get_state_display(), "to": SpaceState(state).label}
                ]
            }
        )
    old = space.state
    space.state = state
    if state == SpaceState.CONCLUDED:
        if end_date is None:
            raise ValidationError({"end_date": [_("Indique la fecha de término.")]})
        if end_date < space.start_date:
            raise ValidationError(
                {"end_date": [_("La fecha de término no puede ser anterior a la de instalación.")]}
            )
        space.end_date = end_date
    space.save(update_fields=["state", "end_date", "updated_at"])
    record(
        AuditEvent.SPACE_STATE_CHANGED,
        space,
        acting_user=user,
        institution=space.institution,
        diff={"state": [old, state]},
    )
    return space


@transaction.atomic
def set_space_public(user: User, space: DialogueSpace, is_public: bool) -> DialogueSpace:
    if not access.can_publish_space(user, space):
        raise PermissionDenied(_("Solo coordinadores y administradores publican el espacio."))
    if space.is_public != is_public:
        old = space.is_public
        space.is_public = is_public
        space.save(update_fields=["is_public", "updated_at"])
        record(
            AuditEvent.SPACE_PUBLISHED,
            space,
            acting_user=user,
            institution=space.institution,
            diff={"is_public": [old, is_public]},
        )
    return space


@transaction.atomic
def rotate_space_secret(user: User, space: DialogueSpace) -> DialogueSpace:
    """A new calendar URL: every subscription to the old one stops working."""
    if not access.can_publish_space(user, space):
        raise PermissionDenied(_("Solo coordinadores y administradores renuevan el enlace."))
    space.ical_secret = new_secret()
    space.save(update_fields=["ical_secret", "updated_at"])
    record(AuditEvent.SPACE_SECRET_ROTATED, space, acting_user=user, institution=space.institution)
    return space


def institution_calendar(institution: Institution) -> InstitutionCalendar:
    calendar, _created = InstitutionCalendar.objects.get_or_create(institution=institution)
    return calendar


@transaction.atomic
def rotate_institution_calendar(user: User, institution: Institution) -> InstitutionCalendar:
    if not has_role(user, institution.pk, access.PUBLISHER_ROLES):
        raise PermissionDenied(_("Solo coordinadores y administradores renuevan el enlace."))
    calendar = institution_calendar(institution)
    calendar.secret = new_secret()
    calendar.save(update_fields=["secret", "updated_at"])
    record(
        AuditEvent.INSTITUTION_CALENDAR_ROTATED, calendar, acting_user=user, institution=institution
    )
    return calendar


def _clean_participant(space: DialogueSpace, data: ParticipantInput) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if data.kind not in ParticipantKind.values:
        errors["kind"] = [_("Clase de participante desconocida.")]
    if data.role not in ParticipantRole.values:
        errors["role"] = [_("Rol desconocido.")]
    institution = actor = None
    if data.institution and data.actor:
        errors["institution"] = [_("Elija una institución o un actor, no ambos.")]
    elif data.institution:
        institution = Institution.objects.filter(slug=data.institution, is_active=True).first()
        if institution is None:
            errors["institution"] = [_("Institución desconocida.")]
    elif data.actor:
        actor = Actor.objects.filter(
            uuid=_uuid_or_none(data.actor), merged_into__isnull=True
        ).first()
        if actor is None:
            errors["actor"] = [_("Actor desconocido.")]
    name = (data.name or "").strip() or (
        institution.name if institution else actor.name if actor else ""
    )
    if not name:
        errors["name"] = [_("Indique el nombre del participante.")]
    if errors:
        raise ValidationError(errors)
    return {
        "kind": data.kind,
        "role": data.role,
        "institution": institution,
        "actor": actor,
        "name": name[:NAME_MAX],
        "representative": data.representative.strip()[:NAME_MAX],
    }


@transaction.atomic
def add_participant(user: User, space: DialogueSpace, data: ParticipantInput) -> Participant:
    if not access.can_manage_space(user, space):
        raise PermissionDenied(_("No puede modificar este espacio de diálogo."))
    values = _clean_participant(space, data)
    duplicate = (
        values["institution"] is not None
        and space.participants.filter(institution=values["institution"]).exists()
    ) or (values["actor"] is not None and space.participants.filter(actor=values["actor"]).exists())
    if duplicate:
        raise ValidationError({"name": [_("Ese participante ya está en el espacio.")]})
    participant = Participant.objects.create(space=space, **values)
    record(
        AuditEvent.PARTICIPANT_ADDED,
        participant,
        acting_user=user,
        institution=space.institution,
        diff={"space": str(space.uuid), "name": participant.name, "role": participant.role},
    )
    return participant


@transaction.atomic
def remove_participant(user: User, participant: Participant) -> None:
    space = participant.space
    if not access.can_manage_space(user, space):
        raise PermissionDenied(_("No puede modificar este espacio de diálogo."))
    if participant.commitments.exists() or participant.signed_actas.exists():
        raise ValidationError(
            {
                "name": [
                    _("Este participante firmó un acta o debe compromisos: no se puede retirar.")
                ]
            }
        )
    if participant.role == ParticipantRole.CONVENER:
        raise ValidationError({"name": [_("La institución convocante no se retira del espacio.")]})
    record(
        AuditEvent.PARTICIPANT_REMOVED,
        participant,
        acting_user=user,
        institution=space.institution,
        diff={"space": str(space.uuid), "name": participant.name},
    )
    participant.delete()

"""Actors and their links to cases: duplicates, merging, link ownership."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from willaq.accounts.access import APPROVER_ROLES, EDITOR_ROLES, AnyUser, has_role
from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent
from willaq.audit.services import model_diff, record
from willaq.cases.access import can_edit_actor_link, visible_actors
from willaq.cases.choices import ActorRole
from willaq.cases.models import Actor, Case, CaseActor, StakeholderRelation
from willaq.cases.services.checks import check_effective, stamp, took_effect
from willaq.cases.services.records import acting_institution
from willaq.core.text import fold


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
    stamp(actor, user)
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
        stamp(link, user)
        if link.case_id in target_cases:
            link.delete()
            dropped += 1
        else:
            link.actor = target
            link.save(update_fields=["actor", "updated_at"])
            moved += 1
    # Relations follow the actor; one between the duplicate and ``target`` would join an actor
    # with itself: it goes (its history keeps it).
    relations = StakeholderRelation.objects.select_for_update().filter(
        Q(source=source) | Q(target=source)
    )
    for relation in relations:
        stamp(relation, user)
        if target.pk in (relation.source_id, relation.target_id):
            relation.delete()
            continue
        if relation.source_id == source.pk:
            relation.source = target
        else:
            relation.target = target
        relation.save(update_fields=["source", "target", "updated_at"])
    source.merged_into = target
    stamp(source, user)
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
    at: dt.datetime | None = None,
) -> CaseActor:
    """Link an actor the user may see to the case; the link belongs to the acting institution.
    ``at`` is when the actor took part, if recorded late: ``history.actors_as_of`` then shows
    the actor in the case from that moment (the monthly report of back then).

    An actor already linked is refused: changing a link is ``update_actor_link``, allowed only
    to the institution that made it."""
    owner = acting_institution(user, case)
    check_effective(at)
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
    stamp(link, user, at)
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
    at: dt.datetime | None = None,
) -> CaseActor:
    """Change the role, position or intensity of a link: only its own institution may. ``at``
    is when the change took effect, if recorded late (not before the link took effect)."""
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
    check_effective(at, not_before=took_effect(link))
    stamp(link, user, at)
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
def unlink_actor(*, user: User, link: CaseActor, at: dt.datetime | None = None) -> None:
    """Take an actor off a case: only the institution that linked it may (the actor stays).
    ``at`` is when the actor left the case, if recorded late."""
    if not can_edit_actor_link(user, link):
        raise PermissionDenied(
            _("Solo la institución que vinculó a este actor puede quitarlo del caso.")
        )
    check_effective(at, not_before=took_effect(link))
    stamp(link, user, at)
    record(
        AuditEvent.CASE_ACTOR_UNLINKED,
        link.case,
        acting_user=user,
        institution=link.institution,
        diff={"actor": str(link.actor.uuid)},
    )
    link.delete()

"""The access rule for cases and their parts. Every view and API endpoint goes through here.

- A case in the shared registry (approved: pre-conflict, active, latent, resolved, withdrawn) is
  visible to every member of every institution; a draft or proposed case only to its institution.
- Its institution's analysts, coordinators and admins edit it; coordinators approve it.
- Any institution's analysts may add their own events, actors, news and evidence to a visible
  registered case; each record belongs to the institution that wrote it.
- Confidential case fields, event sources and reporters, victims' personal data and
  confidential evidence are seen only inside the institution that owns them (victims: analysts).
- An event recorded for a place without a case (a protest no case covers yet) belongs to its
  institution and is part of the shared registry, as a registered case's events are: every
  signed-in member of an institution reads it (its private fields redacted as any event's);
  the members of an institution who may record events (editors and reporters) record one for
  their institution; its institution's editors and its author correct, link or remove it.
"""

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404

from willaq.accounts.access import (
    APPROVER_ROLES,
    EDITOR_ROLES,
    AnyUser,
    has_role,
    institution_ids,
    is_member,
)
from willaq.accounts.models import Institution, Role
from willaq.cases.choices import REGISTERED_STATES, CaseState
from willaq.cases.models import (
    Actor,
    Case,
    CaseActor,
    CaseExternalId,
    Category,
    Event,
    Evidence,
    NewsItem,
    StakeholderRelation,
    Victim,
)

# Roles that may register a case and propose it: editors, and reporters (who may not edit
# others' data nor approve).
CREATOR_ROLES = EDITOR_ROLES | {Role.REPORTER}

# Records of a case that their institution's editors correct and remove (soft removal).
Record = Event | Victim | NewsItem | Evidence

# Fields of an event only its institution reads: where the information came from and who sent it.
EVENT_PRIVATE_FIELDS: frozenset[str] = frozenset(
    {"sources", "source_scale", "reported_by", "notes"}
)
# A relation's note between two actors is the recording institution's analysis of them: read
# only inside that institution, like an event's notes (page, API, GraphML and CSV alike).
RELATION_PRIVATE_FIELDS: frozenset[str] = frozenset({"note"})
# A victim's personal data: only the analysts of the event's institution read it.
VICTIM_PRIVATE_FIELDS: frozenset[str] = frozenset(
    {"full_name", "document_number", "age", "sex", "notes"}
)

_M = TypeVar("_M", bound=Model)


def usable_categories(institution_ids: Iterable[int] | None) -> QuerySet[Category]:
    """Categories these institutions may use: the shared ones and their own (all when None).

    The one "shared or own" rule: case forms, the services, the API and the category pages."""
    categories = Category.objects.all()
    if institution_ids is None:
        return categories
    return categories.filter(Q(institution__isnull=True) | Q(institution_id__in=institution_ids))


def visible_cases(user: AnyUser) -> QuerySet[Case]:
    if not user.is_authenticated:
        return Case.objects.none()
    if user.is_superuser:
        return Case.objects.all()
    mine = institution_ids(user)
    if not mine:
        return Case.objects.none()
    return Case.objects.filter(Q(state__in=REGISTERED_STATES) | Q(institution_id__in=mine))


def can_create_case(user: AnyUser) -> bool:
    """Register (and propose) a case for some institution: its editors, or its reporters."""
    return user.is_authenticated and any(
        has_role(user, i, CREATOR_ROLES) for i in institution_ids(user)
    )


def can_approve_any(user: AnyUser) -> bool:
    """A coordinator somewhere: sees the approval queue."""
    return user.is_authenticated and any(
        has_role(user, i, APPROVER_ROLES) for i in institution_ids(user)
    )


def cases_awaiting_approval(user: AnyUser) -> QuerySet[Case]:
    """Proposed cases of the institutions where the user is a coordinator (the approval queue)."""
    if not user.is_authenticated:
        return Case.objects.none()
    ids = [i for i in institution_ids(user) if has_role(user, i, APPROVER_ROLES)]
    return Case.objects.filter(state=CaseState.PROPOSED, institution_id__in=ids)


def can_view_case(user: AnyUser, case: Case) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or is_member(user, case.institution_id):
        return True
    return case.state in REGISTERED_STATES and bool(institution_ids(user))


def can_edit_case(user: AnyUser, case: Case) -> bool:
    """The institution's editors; a reporter only their own case while it is a draft (to
    complete it and propose it, or to correct it when a coordinator returns it)."""
    if not user.is_authenticated:
        return False
    if has_role(user, case.institution_id, EDITOR_ROLES):
        return True
    return (
        case.state == CaseState.DRAFT
        and case.created_by_id == user.pk
        and has_role(user, case.institution_id, frozenset({Role.REPORTER}))
    )


def can_add_events(user: AnyUser, case: Case) -> bool:
    """Events (with their victims): whoever may add records, and reporters, to a case they see."""
    if can_add_records(user, case):
        return True
    return (
        can_view_case(user, case)
        and user.is_authenticated
        and any(has_role(user, i, CREATOR_ROLES) for i in institution_ids(user))
    )


def _is_event_author(user: AnyUser, event: Event) -> bool:
    """The person who recorded the event, while still a member of its institution (a reporter
    corrects and completes their own events, never others')."""
    return (
        user.is_authenticated
        and event.created_by_id == user.pk
        and has_role(user, event.institution_id, CREATOR_ROLES)
    )


def can_approve_case(user: AnyUser, case: Case) -> bool:
    return user.is_authenticated and has_role(user, case.institution_id, APPROVER_ROLES)


def can_classify_case(user: AnyUser, case: Case, institution: Institution) -> bool:
    """Classify ``case`` under the PCM methodology on behalf of ``institution``: that
    institution's editors, for a case they may see that is registered (or their own)."""
    if not user.is_authenticated or not has_role(user, institution.pk, EDITOR_ROLES):
        return False
    if not can_view_case(user, case):
        return False
    return case.state in REGISTERED_STATES or case.institution_id == institution.pk


def classifying_institutions(user: AnyUser, case: Case) -> list[Institution]:
    """The institutions on whose behalf this user may classify ``case`` (``can_classify_case``)."""
    if not user.is_authenticated:
        return []
    ids = [i for i in institution_ids(user) if has_role(user, i, EDITOR_ROLES)]
    return [
        institution
        for institution in Institution.objects.filter(pk__in=ids).order_by("name")
        if can_classify_case(user, case, institution)
    ]


def can_merge_case(user: AnyUser, case: Case) -> bool:
    """Merge a registered case into another: a coordinator of the absorbed case's institution."""
    return (
        can_approve_case(user, case)
        and case.state in REGISTERED_STATES
        and case.state != CaseState.MERGED
    )


def merged_cases(user: AnyUser, case: Case) -> QuerySet[Case]:
    """The cases merged into ``case`` that this user may see (the absorbing case lists them)."""
    return visible_cases(user).filter(merged_into=case).order_by("code", "pk")


def find_case_for_user(user: AnyUser, reference: str) -> Case | None:
    """A case this user may see, named by its public code ("2025-0042") or its uuid."""
    reference = reference.strip()
    if not reference:
        return None
    cases = visible_cases(user)
    try:
        return cases.filter(uuid=UUID(reference)).first()
    except ValueError:
        return cases.filter(code=reference).first()


def external_ids(user: AnyUser, case: Case) -> QuerySet[CaseExternalId]:
    """A case's identifiers in other systems: not confidential, shown to whoever sees the case."""
    if not can_view_case(user, case):
        return CaseExternalId.objects.none()
    return CaseExternalId.objects.filter(case=case).order_by("source", "external_id")


def can_add_records(user: AnyUser, case: Case) -> bool:
    """Events, actors, news and evidence: the owner's editors, or any editor once registered."""
    if can_edit_case(user, case):
        return True
    if case.state not in REGISTERED_STATES or not user.is_authenticated:
        return False
    return any(has_role(user, i, EDITOR_ROLES) for i in institution_ids(user))


def sees_confidential(user: AnyUser, case: Case) -> bool:
    return inside_institution(user, case.institution_id)


def sees_event_sources(user: AnyUser, event: Event) -> bool:
    return not hidden_event_fields(user, event.institution_id)


def sees_victim_identity(user: AnyUser, event: Event) -> bool:
    """Victims' personal data: the event institution's editors, and the event's author."""
    return not hidden_victim_fields(user, event.institution_id, author_id=event.created_by_id)


def can_edit_event(user: AnyUser, event: Event) -> bool:
    """Edit an event and record its victims: its institution's editors, and its author."""
    return (
        user.is_authenticated and has_role(user, event.institution_id, EDITOR_ROLES)
    ) or _is_event_author(user, event)


def can_view_evidence(user: AnyUser, evidence: Evidence) -> bool:
    if not can_view_case(user, evidence.case):
        return False
    return not evidence.is_confidential or is_member(user, evidence.institution_id)


def visible_evidence_all(user: AnyUser, *, include_removed: bool = False) -> QuerySet[Evidence]:
    """Evidence of the cases the user may see, but another institution's confidential files
    (removed ones too when asked, for the history)."""
    manager = Evidence.all_objects if include_removed else Evidence.objects
    qs = manager.filter(case__in=visible_cases(user))
    if user.is_superuser:
        return qs
    return qs.filter(Q(is_confidential=False) | Q(institution_id__in=institution_ids(user)))


def visible_evidence(
    user: AnyUser, case: Case, *, include_removed: bool = False
) -> QuerySet[Evidence]:
    """The case's evidence this user may see (removed ones too for the history)."""
    return visible_evidence_all(user, include_removed=include_removed).filter(case=case)


def get_case_for_user(user: AnyUser, case_uuid: UUID | str) -> Case:
    """The case if the user may see it; 404 otherwise (its existence is not revealed)."""
    try:
        case = Case.objects.select_related("institution", "typology", "subtype").get(uuid=case_uuid)
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("case") from exc
    if not can_view_case(user, case):
        raise Http404("case")
    return case


def can_view_event(user: AnyUser, event: Event) -> bool:
    """An event of a case: whoever sees the case. An event without a case: every signed-in
    member of an institution (it is in the shared registry, as a registered case's events)."""
    if event.case is not None:
        return can_view_case(user, event.case)
    return user.is_authenticated and (user.is_superuser or bool(institution_ids(user)))


def visible_events(user: AnyUser) -> QuerySet[Event]:
    """The events (not removed) this user may see: those of the cases they see, and the
    caseless ones for members of an institution. ``can_view_event`` as a database condition,
    for the event list and the API."""
    events = Event.objects.all()
    if not user.is_authenticated:
        return events.none()
    if user.is_superuser:
        return events
    mine = institution_ids(user)
    if not mine:
        return events.none()
    return events.filter(
        Q(case__isnull=True)
        | Q(case__state__in=REGISTERED_STATES)
        | Q(case__institution_id__in=mine)
    )


def can_record_caseless_event(user: AnyUser) -> bool:
    """Record an event without a case: who may record events for some institution (its
    editors and its reporters)."""
    return user.is_authenticated and any(
        has_role(user, i, CREATOR_ROLES) for i in institution_ids(user)
    )


def get_event_for_user(user: AnyUser, event_uuid: UUID | str) -> Event:
    """The event if the user may see it (``can_view_event``) and it is not removed; 404
    otherwise."""
    try:
        event = (
            Event.objects.select_related("case", "case__institution", "institution", "ubigeo")
            .filter(uuid=event_uuid)
            .first()
        )
    except (ValueError, TypeError, ValidationError) as exc:
        raise Http404("event") from exc
    if event is None or not can_view_event(user, event):
        raise Http404("event")
    return event


def record_institution_id(record: Record) -> int:
    """The institution that owns a record: a victim belongs to its event's institution."""
    if isinstance(record, Victim):
        return record.event.institution_id
    return record.institution_id


def can_edit_record(user: AnyUser, record: Record) -> bool:
    """Edit or remove an event, victim, news item or evidence: its institution's editors (and
    the author of an event, for the event and its victims)."""
    if isinstance(record, Event):
        return can_edit_event(user, record)
    if isinstance(record, Victim):
        return can_edit_event(user, record.event)
    return user.is_authenticated and has_role(user, record_institution_id(record), EDITOR_ROLES)


def can_restore_record(user: AnyUser, record: Record) -> bool:
    """Bring back a removed record: its institution's coordinators."""
    return user.is_authenticated and has_role(user, record_institution_id(record), APPROVER_ROLES)


def record_case(record: Record, user: AnyUser | None = None) -> Case | None:
    """The case a record is shown on (a news item: the first of its cases the user sees)."""
    if isinstance(record, Victim):
        return record.event.case
    if isinstance(record, NewsItem):
        cases = record.cases.select_related("institution").order_by("pk")
        return next((c for c in cases if can_view_case(user, c)), None) if user else cases.first()
    return record.case


RECORD_MODELS: dict[str, type[Event] | type[Victim] | type[NewsItem] | type[Evidence]] = {
    "eventos": Event,
    "victimas": Victim,
    "noticias": NewsItem,
    "evidencias": Evidence,
}


def record_kind(record: Record) -> str:
    """The URL word of a record's kind (``RECORD_MODELS``' key)."""
    return next(kind for kind, model in RECORD_MODELS.items() if isinstance(record, model))


def get_record_for_user(
    user: AnyUser, kind: str, record_uuid: UUID | str, *, removed: bool = False
) -> tuple[Record, Case | None]:
    """A record and the case it is shown on, if the user may see both; 404 otherwise. An
    event without a case (or a victim of one) comes with no case, when the user may see it.

    ``removed`` looks among removed records instead (to restore them). A victim of a removed
    event, like the event, is not found."""
    model = RECORD_MODELS.get(kind)
    if model is None:
        raise Http404("record")
    manager = model.all_objects if removed else model.objects
    try:
        record: Record | None = manager.filter(uuid=record_uuid).first()
    except (ValueError, TypeError, ValidationError) as exc:
        raise Http404("record") from exc
    if record is None or record.is_removed != removed:
        raise Http404("record")
    if isinstance(record, Victim) and record.event.is_removed:
        raise Http404("record")
    case = record_case(record, user)
    event = (
        record
        if isinstance(record, Event)
        else record.event
        if isinstance(record, Victim)
        else None
    )
    if event is not None and event.case_id is None:
        if not can_view_event(user, event):
            raise Http404("record")
    elif case is None or not can_view_case(user, case):
        raise Http404("record")
    if isinstance(record, Evidence) and not can_view_evidence(user, record):
        raise Http404("record")
    if isinstance(record, Victim) and not sees_victim_identity(user, record.event):
        raise Http404("record")
    return record, case


def removed_records(user: AnyUser, case: Case) -> list[Record]:
    """The case's removed records this user may restore (coordinators of their institution),
    most recently removed first."""
    if not user.is_authenticated:
        return []
    ids = [i for i in institution_ids(user) if has_role(user, i, APPROVER_ROLES)]
    if not ids:
        return []
    records: list[Record] = [
        *Event.all_objects.filter(case=case, removed_at__isnull=False, institution_id__in=ids),
        *Victim.all_objects.filter(
            event__case=case,
            event__removed_at__isnull=True,
            removed_at__isnull=False,
            event__institution_id__in=ids,
        ).select_related("event"),
        *NewsItem.all_objects.filter(cases=case, removed_at__isnull=False, institution_id__in=ids),
        *Evidence.all_objects.filter(case=case, removed_at__isnull=False, institution_id__in=ids),
    ]
    records.sort(key=lambda r: r.removed_at or r.created_at, reverse=True)
    return records


def get_case_for_edit(user: AnyUser, case_uuid: UUID | str) -> Case:
    """The case if the user may edit it: 404 when unseen, PermissionDenied when read-only."""
    case = get_case_for_user(user, case_uuid)
    if not can_edit_case(user, case):
        raise PermissionDenied
    return case


# --- the one redaction rule: which fields of a record this user may not read -----------------
# Pages, API schemas, the history and the admin all ask these functions. The history passes the
# confidential fields *in force when a value was written*, so making a field public later does
# not reveal what was written while it was confidential.


def hidden_case_fields(
    user: AnyUser, case: Case, confidential_fields: Iterable[str] | None = None
) -> frozenset[str]:
    """Case fields hidden from this user: the confidential ones (``confidential_fields`` as
    recorded at some moment, by default the case's current ones) unless the user is inside."""
    if sees_confidential(user, case):
        return frozenset()
    fields = case.confidential_fields if confidential_fields is None else confidential_fields
    return frozenset(fields or ())


def readable_case_field(user: AnyUser, field: str, confidential_text: str) -> Q:
    """``hidden_case_fields`` as a database condition, for searches over many cases: the
    cases where this user may read ``field`` (not confidential there, or the user is inside).
    ``confidential_text`` names an alias of ``confidential_fields`` cast to text."""
    if user.is_authenticated and user.is_superuser:
        return Q()
    readable = ~Q(**{f"{confidential_text}__contains": f'"{field}"'})
    own = institution_ids(user)
    return readable | Q(institution_id__in=own) if own else readable


def inside_institution(user: AnyUser, institution_id: int) -> bool:
    """A member of the institution (or a superuser): reads what the institution keeps private."""
    return user.is_authenticated and (user.is_superuser or is_member(user, institution_id))


def hidden_event_fields(user: AnyUser, institution_id: int) -> frozenset[str]:
    """Event fields hidden from this user, for an event recorded by ``institution_id``."""
    return frozenset() if inside_institution(user, institution_id) else EVENT_PRIVATE_FIELDS


def hidden_victim_fields(
    user: AnyUser, institution_id: int, author_id: int | None = None
) -> frozenset[str]:
    """Victim fields hidden from this user, for a victim of an event of ``institution_id``
    recorded by ``author_id``: all but for the institution's editors and the event's author
    (while still a reporter or editor there)."""
    if user.is_authenticated and has_role(user, institution_id, EDITOR_ROLES):
        return frozenset()
    if (
        user.is_authenticated
        and author_id is not None
        and author_id == user.pk
        and has_role(user, institution_id, CREATOR_ROLES)
    ):
        return frozenset()
    return VICTIM_PRIVATE_FIELDS


def redacted(obj: _M, hidden: Iterable[str]) -> _M:
    """A copy of ``obj`` (never saved) with the ``hidden`` fields set to None."""
    fields = list(hidden)
    if not fields:
        return obj
    clone = copy.copy(obj)
    for name in fields:
        setattr(clone, name, None)
    return clone


def redact_event(user: AnyUser, event: Event) -> Event:
    return redacted(event, hidden_event_fields(user, event.institution_id))


def visible_actors(user: AnyUser) -> QuerySet[Actor]:
    """Actors of the user's institutions, and actors linked to a case the user may see.

    An actor known only from another institution's draft stays invisible: the draft is."""
    actors = Actor.objects.select_related("institution").filter(merged_into__isnull=True)
    if not user.is_authenticated:
        return actors.none()
    if user.is_superuser:
        return actors
    in_visible_case = CaseActor.objects.filter(actor=OuterRef("pk"), case__in=visible_cases(user))
    return actors.filter(Q(institution_id__in=institution_ids(user)) | Exists(in_visible_case))


def get_actor_for_user(user: AnyUser, actor_uuid: UUID | str) -> Actor:
    try:
        return visible_actors(user).get(uuid=actor_uuid)
    except (Actor.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("actor") from exc


def get_actor_link_for_user(
    user: AnyUser, case_uuid: UUID | str, actor_uuid: UUID | str
) -> CaseActor:
    """The link of an actor with a case the user may see; 404 otherwise."""
    case = get_case_for_user(user, case_uuid)
    try:
        link = CaseActor.objects.select_related("actor", "institution").get(
            case=case, actor__uuid=actor_uuid
        )
    except (CaseActor.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("actor") from exc
    link.case = case
    return link


def can_edit_actor_link(user: AnyUser, link: CaseActor) -> bool:
    """A case's actor link is changed or removed only by the institution that made it."""
    return user.is_authenticated and has_role(user, link.institution_id, EDITOR_ROLES)


def visible_relations(user: AnyUser, case: Case) -> QuerySet[StakeholderRelation]:
    """The relations between the actors of ``case`` (every institution's): whoever sees the
    case sees them, their notes redacted by ``hidden_relation_fields``."""
    if not can_view_case(user, case):
        return StakeholderRelation.objects.none()
    return StakeholderRelation.objects.filter(case=case).select_related(
        "source", "target", "institution"
    )


def get_relation_for_user(
    user: AnyUser, case_uuid: UUID | str, relation_uuid: UUID | str
) -> StakeholderRelation:
    """A relation of a case the user may see; 404 otherwise."""
    case = get_case_for_user(user, case_uuid)
    try:
        relation = visible_relations(user, case).get(uuid=relation_uuid)
    except (StakeholderRelation.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        raise Http404("relation") from exc
    relation.case = case
    return relation


def can_edit_relation(user: AnyUser, relation: StakeholderRelation) -> bool:
    """A relation is changed, ended or removed only by the institution that recorded it (the
    same rule as an actor link: ``can_edit_actor_link``)."""
    return user.is_authenticated and has_role(user, relation.institution_id, EDITOR_ROLES)


def hidden_relation_fields(user: AnyUser, institution_id: int) -> frozenset[str]:
    """Relation fields hidden from this user, for a relation recorded by ``institution_id``."""
    return frozenset() if inside_institution(user, institution_id) else RELATION_PRIVATE_FIELDS


def redact_relation(user: AnyUser, relation: StakeholderRelation) -> StakeholderRelation:
    return redacted(relation, hidden_relation_fields(user, relation.institution_id))


@dataclass(frozen=True)
class CaseAccess:
    """What one user may do with one case: computed once, read by templates and API."""

    can_view: bool
    can_edit: bool
    can_approve: bool
    can_add_records: bool
    sees_confidential: bool
    can_restore: bool = False
    can_add_events: bool = False
    can_merge: bool = False

    @classmethod
    def for_user(cls, user: AnyUser, case: Case) -> "CaseAccess":
        return cls(
            can_view=can_view_case(user, case),
            can_edit=can_edit_case(user, case),
            can_approve=can_approve_case(user, case),
            can_add_records=can_add_records(user, case),
            sees_confidential=sees_confidential(user, case),
            can_restore=can_approve_any(user),
            can_add_events=can_add_events(user, case),
            can_merge=can_merge_case(user, case),
        )

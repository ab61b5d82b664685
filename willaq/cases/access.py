"""The access rule for cases and their parts. Every view and API endpoint goes through here.

- A case in the shared registry (approved: pre-conflict, active, latent, resolved, withdrawn) is
  visible to every member of every institution; a draft or proposed case only to its institution.
- Its institution's analysts, coordinators and admins edit it; coordinators approve it.
- Any institution's analysts may add their own events, actors, news and evidence to a visible
  registered case; each record belongs to the institution that wrote it.
- Confidential case fields, event sources and reporters, victims' personal data and
  confidential evidence are seen only inside the institution that owns them (victims: analysts).
"""

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from django.core.exceptions import PermissionDenied
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
from willaq.cases.choices import REGISTERED_STATES
from willaq.cases.models import Actor, Case, CaseActor, Category, Event, Evidence

# Fields of an event only its institution reads: where the information came from and who sent it.
EVENT_PRIVATE_FIELDS: frozenset[str] = frozenset(
    {"sources", "source_scale", "reported_by", "notes"}
)
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


def can_view_case(user: AnyUser, case: Case) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or is_member(user, case.institution_id):
        return True
    return case.state in REGISTERED_STATES and bool(institution_ids(user))


def can_edit_case(user: AnyUser, case: Case) -> bool:
    return user.is_authenticated and has_role(user, case.institution_id, EDITOR_ROLES)


def can_approve_case(user: AnyUser, case: Case) -> bool:
    return user.is_authenticated and has_role(user, case.institution_id, APPROVER_ROLES)


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
    return not hidden_victim_fields(user, event.institution_id)


def can_edit_event(user: AnyUser, event: Event) -> bool:
    return user.is_authenticated and has_role(user, event.institution_id, EDITOR_ROLES)


def can_view_evidence(user: AnyUser, evidence: Evidence) -> bool:
    if not can_view_case(user, evidence.case):
        return False
    return not evidence.is_confidential or is_member(user, evidence.institution_id)


def visible_evidence_all(user: AnyUser) -> QuerySet[Evidence]:
    """Evidence of the cases the user may see, but another institution's confidential files."""
    qs = Evidence.objects.filter(case__in=visible_cases(user))
    if user.is_superuser:
        return qs
    return qs.filter(Q(is_confidential=False) | Q(institution_id__in=institution_ids(user)))


def visible_evidence(user: AnyUser, case: Case) -> QuerySet[Evidence]:
    return visible_evidence_all(user).filter(case=case)


def get_case_for_user(user: AnyUser, case_uuid: UUID | str) -> Case:
    """The case if the user may see it; 404 otherwise (its existence is not revealed)."""
    try:
        case = Case.objects.select_related("institution", "typology", "subtype").get(uuid=case_uuid)
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("case") from exc
    if not can_view_case(user, case):
        raise Http404("case")
    return case


def get_case_for_edit(user: AnyUser, case_uuid: UUID | str) -> Case:
    """The case if the user may edit it: 404 when unseen, PermissionDenied when read-only."""
    case = get_case_for_user(user, case_uuid)
    if not can_edit_case(user, case):
        raise PermissionDenied
    return case


def redact_case_value(user: AnyUser, case: Case, field: str, value: Any) -> Any:
    """The value of a case field as this user may see it (None when confidential)."""
    return None if field in hidden_case_fields(user, case) else value


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


def inside_institution(user: AnyUser, institution_id: int) -> bool:
    """A member of the institution (or a superuser): reads what the institution keeps private."""
    return user.is_authenticated and (user.is_superuser or is_member(user, institution_id))


def hidden_event_fields(user: AnyUser, institution_id: int) -> frozenset[str]:
    """Event fields hidden from this user, for an event recorded by ``institution_id``."""
    return frozenset() if inside_institution(user, institution_id) else EVENT_PRIVATE_FIELDS


def hidden_victim_fields(user: AnyUser, institution_id: int) -> frozenset[str]:
    """Victim fields hidden from this user, for a victim of an event of ``institution_id``."""
    if user.is_authenticated and has_role(user, institution_id, EDITOR_ROLES):
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


def redact_case(user: AnyUser, case: Case) -> Case:
    return redacted(case, hidden_case_fields(user, case))


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


def visible_events(user: AnyUser) -> QuerySet[Event]:
    return Event.objects.filter(case__in=visible_cases(user))


def get_event_for_user(user: AnyUser, event_uuid: UUID | str) -> Event:
    """The event if the user may see its case; 404 otherwise."""
    try:
        event = (
            Event.objects.select_related("case__institution", "institution", "ubigeo")
            .prefetch_related("victims")
            .get(uuid=event_uuid)
        )
    except (Event.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("event") from exc
    if not can_view_case(user, event.case):
        raise Http404("event")
    return event


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


@dataclass(frozen=True)
class CaseAccess:
    """What one user may do with one case: computed once, read by templates and API."""

    can_view: bool
    can_edit: bool
    can_approve: bool
    can_add_records: bool
    sees_confidential: bool

    @classmethod
    def for_user(cls, user: AnyUser, case: Case) -> "CaseAccess":
        return cls(
            can_view=can_view_case(user, case),
            can_edit=can_edit_case(user, case),
            can_approve=can_approve_case(user, case),
            can_add_records=can_add_records(user, case),
            sees_confidential=sees_confidential(user, case),
        )

"""The access rule for dialogue spaces and commitments. Every page, endpoint, feed, export and the
admin go through here.

- **Reading.** Who owes what is shared knowledge between the state's institutions: every member of
  an institution reads every space, its sessions, actas and commitments (as registered cases are
  read across institutions). Linked cases are shown only where the viewer may see the case.
- **Confidential fields** (``CONFIDENTIAL_FIELDS``): internal notes, the minutes, who represented a
  party, who added and who verified evidence. Only the **insiders** of a space read them: members
  of the convening institution and of the institutions seated at the table. Everyone else gets
  the same objects with these fields emptied (``willaq.cases.access.redacted``) — on the pages,
  the API, the history, the feeds and the exports alike.
- **The public** (no login) reads only spaces their convening institution made public
  (``public_spaces``), always redacted as an outsider.
- **Writing.** The convening institution's editors and facilitators (and the space's named
  facilitators) run the space: sessions, attendance, actas, commitments, evidence and its
  verification. Editors of an institution that owes a commitment report its progress and add
  evidence; they never verify their own evidence. Coordinators and admins of the convening
  institution publish the space and rotate its calendar secret.
"""

from typing import TypeVar
from uuid import UUID

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404

from willaq.accounts.access import (
    EDITOR_ROLES,
    AnyUser,
    has_role,
    institution_ids,
    institutions_with_role,
)
from willaq.accounts.models import Institution, Role
from willaq.cases.access import visible_cases
from willaq.cases.models import Case
from willaq.dialogue.models import (
    Acta,
    Commitment,
    CommitmentEvidence,
    DialogueSession,
    DialogueSpace,
    Participant,
)

_Row = TypeVar("_Row", bound=Model)

# Who convenes spaces and runs them for their institution.
CONVENER_ROLES = EDITOR_ROLES | {Role.FACILITATOR}
# Who publishes a space and revokes its calendar subscriptions.
PUBLISHER_ROLES = frozenset({Role.COORDINATOR, Role.ADMIN})

# Field names emptied for anyone outside the space, on every object that carries them.
CONFIDENTIAL_FIELDS = frozenset(
    {
        "internal_notes",  # space, commitment
        "minutes",  # session
        "minutes_file",  # session
        "representative",  # participant
        "represented_by",  # attendance
        "added_by",  # evidence
        "verified_by",  # evidence
        "created_by",  # every object
    }
)


# --- spaces -------------------------------------------------------------------------------------


def visible_spaces(user: AnyUser) -> QuerySet[DialogueSpace]:
    if not user.is_authenticated:
        return DialogueSpace.objects.none()
    if user.is_superuser or institution_ids(user):
        return DialogueSpace.objects.all()
    return DialogueSpace.objects.none()


def public_spaces() -> QuerySet[DialogueSpace]:
    return DialogueSpace.objects.filter(is_public=True)


def get_space_for_user(user: AnyUser, space_uuid: UUID | str) -> DialogueSpace:
    space = visible_spaces(user).filter(uuid=space_uuid).select_related("institution").first()
    if space is None:
        raise Http404("space")
    return space


def get_public_space(space_uuid: UUID | str) -> DialogueSpace:
    space = public_spaces().filter(uuid=space_uuid).select_related("institution").first()
    if space is None:
        raise Http404("space")
    return space


def insider_institution_ids(space: DialogueSpace) -> set[int]:
    """The convening institution and the institutions seated at the table."""
    seated = Participant.objects.filter(space=space, institution__isnull=False).values_list(
        "institution_id", flat=True
    )
    return {space.institution_id, *seated}


def is_insider(user: AnyUser, space: DialogueSpace) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return bool(institution_ids(user) & insider_institution_ids(space))


def hidden_dialogue_fields(user: AnyUser, space: DialogueSpace) -> frozenset[str]:
    """The fields ``user`` must not read on ``space`` and everything under it."""
    return frozenset() if is_insider(user, space) else CONFIDENTIAL_FIELDS


def insider_spaces_q(user: AnyUser, prefix: str = "") -> Q:
    """A filter for the spaces whose confidential fields ``user`` reads (for lists: one query
    instead of one ``is_insider`` per row). ``prefix`` reaches the space from another model
    ("space__", "acta__space__")."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    ids = institution_ids(user)
    return Q(**{f"{prefix}institution_id__in": ids}) | Q(
        **{f"{prefix}participants__institution_id__in": ids}
    )


def can_convene(user: AnyUser, institution: Institution) -> bool:
    return has_role(user, institution.pk, CONVENER_ROLES)


def convening_institutions(user: AnyUser) -> QuerySet[Institution]:
    return institutions_with_role(user, CONVENER_ROLES)


def can_manage_space(user: AnyUser, space: DialogueSpace) -> bool:
    if not user.is_authenticated:
        return False
    if has_role(user, space.institution_id, CONVENER_ROLES):
        return True
    return (
        bool(institution_ids(user) & {space.institution_id})
        and space.facilitators.filter(pk=user.pk).exists()
    )


def can_publish_space(user: AnyUser, space: DialogueSpace) -> bool:
    return has_role(user, space.institution_id, PUBLISHER_ROLES)


def space_cases(user: AnyUser, space: DialogueSpace) -> QuerySet[Case]:
    """The linked cases the viewer may see."""
    return space.cases.filter(pk__in=visible_cases(user).values("pk"))


# --- sessions and actas -------------------------------------------------------------------------


def visible_sessions(user: AnyUser) -> QuerySet[DialogueSession]:
    return DialogueSession.objects.filter(space__in=visible_spaces(user))


def get_session_for_user(user: AnyUser, session_uuid: UUID | str) -> DialogueSession:
    session = visible_sessions(user).filter(uuid=session_uuid).select_related("space").first()
    if session is None:
        raise Http404("session")
    return session


def visible_actas(user: AnyUser) -> QuerySet[Acta]:
    return Acta.objects.filter(session__space__in=visible_spaces(user))


def get_acta_for_user(user: AnyUser, acta_uuid: UUID | str) -> Acta:
    acta = visible_actas(user).filter(uuid=acta_uuid).select_related("session__space").first()
    if acta is None:
        raise Http404("acta")
    return acta


# --- commitments --------------------------------------------------------------------------------


def visible_commitments(user: AnyUser) -> QuerySet[Commitment]:
    return Commitment.objects.filter(space__in=visible_spaces(user))


def public_commitments() -> QuerySet[Commitment]:
    return Commitment.objects.filter(space__is_public=True)


def get_commitment_for_user(user: AnyUser, commitment_uuid: UUID | str) -> Commitment:
    commitment = (
        visible_commitments(user)
        .filter(uuid=commitment_uuid)
        .select_related("space", "acta")
        .first()
    )
    if commitment is None:
        raise Http404("commitment")
    return commitment


def owes(user: AnyUser, commitment: Commitment) -> bool:
    """An editor of an institution responsible for the commitment."""
    if not user.is_authenticated:
        return False
    owing = commitment.responsible.filter(institution__isnull=False).values_list(
        "institution_id", flat=True
    )
    return any(has_role(user, i, EDITOR_ROLES) for i in owing)


def can_report_progress(user: AnyUser, commitment: Commitment) -> bool:
    """Change state and progress, add evidence: the space's team or whoever owes it."""
    return can_manage_space(user, commitment.space) or owes(user, commitment)


def can_verify_evidence(user: AnyUser, evidence: CommitmentEvidence) -> bool:
    """The convening institution's team verifies; nobody verifies evidence they added."""
    if not can_manage_space(user, evidence.commitment.space):
        return False
    return evidence.added_by_id != user.pk


def can_edit_commitment(user: AnyUser, commitment: Commitment) -> bool:
    """Change what was agreed (text, parties, date, money): only the space's team."""
    return can_manage_space(user, commitment.space)


def visible_evidence(user: AnyUser) -> QuerySet[CommitmentEvidence]:
    return CommitmentEvidence.objects.filter(commitment__space__in=visible_spaces(user))


def get_evidence_for_user(user: AnyUser, evidence_uuid: UUID | str) -> CommitmentEvidence:
    evidence = (
        visible_evidence(user)
        .filter(uuid=evidence_uuid)
        .select_related("commitment__space")
        .first()
    )
    if evidence is None:
        raise Http404("evidence")
    return evidence


# --- part d-public: the public page's evidence downloads ------------------------------------------


def public_evidence() -> QuerySet[CommitmentEvidence]:
    return CommitmentEvidence.objects.filter(commitment__space__is_public=True)


def get_public_evidence(evidence_uuid: UUID | str) -> CommitmentEvidence:
    """Evidence of a public space (anyone, no login); 404 for any other."""
    evidence = public_evidence().filter(uuid=evidence_uuid).first()
    if evidence is None:
        raise Http404("evidence")
    return evidence


# --- part d-api: the insider flag of a list (one subquery instead of one is_insider per row) ----


def with_insider_flag(queryset: QuerySet[_Row], user: AnyUser, space_ref: str) -> QuerySet[_Row]:
    """``queryset`` with ``viewer_is_insider`` on each row: whether ``user`` reads the
    confidential fields of the row's space (``space_ref`` names the space's id from the row:
    "pk" on spaces, "space_id" on sessions and commitments, "session__space_id" on actas).
    The same rule as ``is_insider``, asked in the list's own query."""
    insider = DialogueSpace.objects.filter(insider_spaces_q(user)).filter(pk=OuterRef(space_ref))
    return queryset.annotate(viewer_is_insider=Exists(insider))  # type: ignore[return-value]


def row_hidden_fields(row: object) -> frozenset[str]:
    """``hidden_dialogue_fields`` of a row annotated by ``with_insider_flag``."""
    return frozenset() if getattr(row, "viewer_is_insider", False) else CONFIDENTIAL_FIELDS

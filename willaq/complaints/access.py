"""Who may see and handle a complaint: the one rule every page, API endpoint and the admin use.

- The **handling institution**'s editors (analysts, coordinators, admins) see its complaints and
  handle them; an institution that routed a complaint away still sees it (read only).
- The complainant's **identity** (name, contact) is read only inside the handling institution:
  ``hidden_complaint_fields`` blanks it for everyone else, everywhere.
- The citizen sees nothing of this: the tracking page reads only the state and the public
  answer (``views.public``).
"""

from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from willaq.accounts.access import (
    EDITOR_ROLES,
    AnyUser,
    has_role,
    institution_ids,
    institutions_with_role,
)
from willaq.accounts.models import Institution
from willaq.cases.access import can_view_case, inside_institution
from willaq.cases.models import Case
from willaq.complaints.choices import OPEN_STATES, ROUTABLE_STATES, ComplaintState
from willaq.complaints.models import Complaint, ComplaintRoute

# The complainant's identity: only inside the handling institution.
IDENTITY_FIELDS: frozenset[str] = frozenset({"complainant_name", "complainant_contact"})


def handling_institution_ids(user: AnyUser) -> list[int]:
    """Institutions where the user handles complaints (an editor there)."""
    if not user.is_authenticated:
        return []
    return [i for i in institution_ids(user) if has_role(user, i, EDITOR_ROLES)]


def handling_institutions(user: AnyUser) -> QuerySet[Institution]:
    return institutions_with_role(user, EDITOR_ROLES)


def visible_complaints(user: AnyUser) -> QuerySet[Complaint]:
    """The complaints of the institutions where the user is an editor, and those they routed
    away."""
    if not user.is_authenticated:
        return Complaint.objects.none()
    if user.is_superuser:
        return Complaint.objects.all()
    ids = handling_institution_ids(user)
    if not ids:
        return Complaint.objects.none()
    routed = ComplaintRoute.objects.filter(from_institution_id__in=ids).values("complaint_id")
    return Complaint.objects.filter(Q(institution_id__in=ids) | Q(pk__in=routed))


def can_view_complaint(user: AnyUser, complaint: Complaint) -> bool:
    return visible_complaints(user).filter(pk=complaint.pk).exists()


def get_complaint_for_user(user: AnyUser, complaint_uuid: UUID | str) -> Complaint:
    """The complaint if the user may see it, else 404 (never 403: its existence is private)."""
    try:
        return (
            visible_complaints(user)
            .select_related("institution", "ubigeo")
            .get(uuid=complaint_uuid)
        )
    except (Complaint.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_handle_complaint(user: AnyUser, complaint: Complaint) -> bool:
    """Triage, route, inspect, answer, close, link to a case: the handling institution's
    editors."""
    return user.is_authenticated and has_role(user, complaint.institution_id, EDITOR_ROLES)


def can_triage(user: AnyUser, complaint: Complaint) -> bool:
    return can_handle_complaint(user, complaint) and complaint.state == ComplaintState.RECEIVED


def can_route(user: AnyUser, complaint: Complaint) -> bool:
    return can_handle_complaint(user, complaint) and complaint.state in ROUTABLE_STATES


def can_record_inspection(user: AnyUser, complaint: Complaint) -> bool:
    return can_handle_complaint(user, complaint) and complaint.state in {
        ComplaintState.ADMITTED,
        ComplaintState.INSPECTED,
    }


def can_answer(user: AnyUser, complaint: Complaint) -> bool:
    return can_handle_complaint(user, complaint) and complaint.state in {
        ComplaintState.ADMITTED,
        ComplaintState.INSPECTED,
    }


def can_close(user: AnyUser, complaint: Complaint) -> bool:
    return can_handle_complaint(user, complaint) and complaint.state in {
        ComplaintState.ANSWERED,
        ComplaintState.DISMISSED,
    }


def can_link_case(user: AnyUser, complaint: Complaint, case: Case | None = None) -> bool:
    """Open a proposed case from the complaint, or join it to a case the user sees."""
    if not can_handle_complaint(user, complaint) or complaint.case_id is not None:
        return False
    if complaint.state not in OPEN_STATES | {ComplaintState.ANSWERED}:
        return False
    return case is None or can_view_case(user, case)


def hidden_complaint_fields(user: AnyUser, complaint: Complaint) -> frozenset[str]:
    """Fields this user may not read: the identity outside the handling institution."""
    if inside_institution(user, complaint.institution_id):
        return frozenset()
    return IDENTITY_FIELDS


def route_targets(complaint: Complaint) -> QuerySet[Institution]:
    """Institutions a complaint may be routed to: any other active one."""
    return Institution.objects.filter(is_active=True).exclude(pk=complaint.institution_id)

"""The access rule for prior consultation processes. Every page, endpoint, panel and the admin go
through here.

- **Reading.** Every member of an institution reads every process, its stages, documents,
  attendance, agreements and interpreters (consultation is public policy shared by the state).
  Anonymous visitors read nothing. Linked cases are shown only where the viewer may see the case
  (``willaq.cases.access.visible_cases``).
- **Confidential fields** (``CONFIDENTIAL_FIELDS``): the internal notes of the process and of its
  agreements, and who created the process. Only members of the **promoting institution** read
  them; everyone else gets the same objects with these fields emptied (``redacted``) — on the
  pages, the API and the admin alike.
- **Writing.** Editors (analysts, coordinators, admins) of the promoting institution change the
  process: its data, stages, documents, agreements and interpreter assignments.
"""

from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from willaq.accounts.access import (
    EDITOR_ROLES,
    AnyUser,
    has_role,
    institution_ids,
    institutions_with_role,
)
from willaq.accounts.models import Institution
from willaq.cases.access import redacted, visible_cases
from willaq.cases.models import Case
from willaq.consultation.models import Agreement, ConsultationProcess

CONFIDENTIAL_FIELDS = frozenset({"internal_notes", "created_by"})


def visible_processes(user: AnyUser) -> QuerySet[ConsultationProcess]:
    if not user.is_authenticated:
        return ConsultationProcess.objects.none()
    if user.is_superuser or institution_ids(user):
        return ConsultationProcess.objects.all()
    return ConsultationProcess.objects.none()


def get_process_for_user(user: AnyUser, process_uuid: UUID | str) -> ConsultationProcess:
    process = (
        visible_processes(user).filter(uuid=process_uuid).select_related("institution").first()
    )
    if process is None:
        raise Http404("consultation")
    return process


def is_promoter(user: AnyUser, process: ConsultationProcess) -> bool:
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser or process.institution_id in institution_ids(user))


def hidden_process_fields(user: AnyUser, process: ConsultationProcess) -> frozenset[str]:
    return frozenset() if is_promoter(user, process) else CONFIDENTIAL_FIELDS


def redact_process(user: AnyUser, process: ConsultationProcess) -> ConsultationProcess:
    return redacted(process, hidden_process_fields(user, process))


def redact_agreement(
    user: AnyUser, process: ConsultationProcess, agreement: Agreement
) -> Agreement:
    return redacted(agreement, hidden_process_fields(user, process))


def promoting_institutions(user: AnyUser) -> QuerySet[Institution]:
    """The institutions on whose behalf ``user`` opens processes."""
    return institutions_with_role(user, EDITOR_ROLES)


def can_open(user: AnyUser) -> bool:
    return bool(user.is_authenticated and promoting_institutions(user).exists())


def can_change(user: AnyUser, process: ConsultationProcess) -> bool:
    return bool(user.is_authenticated and has_role(user, process.institution_id, EDITOR_ROLES))


def linked_cases(user: AnyUser, process: ConsultationProcess) -> QuerySet[Case]:
    """The process's cases that ``user`` may see."""
    return visible_cases(user).filter(pk__in=process.cases.values("pk")).order_by("name")


def processes_of_case(user: AnyUser, case: Case) -> QuerySet[ConsultationProcess]:
    return visible_processes(user).filter(cases=case).select_related("institution")

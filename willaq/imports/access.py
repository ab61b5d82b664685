"""Who may import and who may extend the synonym tables: the one rule every surface calls
(commands, the future upload page, the API, the admin)."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404

from willaq.accounts.access import APPROVER_ROLES, AnyUser, can_manage_members, has_role
from willaq.accounts.models import Institution
from willaq.imports.choices import ImportKind
from willaq.imports.models import ImportJob


def can_import_cases(user: AnyUser, institution: Institution) -> bool:
    """A case import brings in registered cases (approved, with a code, back-dated): only a
    coordinator of the institution approves cases, so only a coordinator imports them."""
    return user.is_authenticated and has_role(user, institution.pk, APPROVER_ROLES)


def can_import_events(user: AnyUser, institution: Institution) -> bool:
    """Events are recorded in bulk for the whole institution: a coordinator's decision too."""
    return can_import_cases(user, institution)


def can_manage_synonyms(user: AnyUser, institution: Institution) -> bool:
    """An institution's own spellings are managed by its admins (as its own categories)."""
    return can_manage_members(user, institution)


def can_use_job(user: AnyUser, job: ImportJob) -> bool:
    """A file uploaded for import is seen and driven by whoever may import that kind for its
    institution (its report names cases and rows of that institution's file)."""
    return can_import(user, job.institution, job.kind)


def can_import(user: AnyUser, institution: Institution, kind: str) -> bool:
    """Whether the user may import files of ``kind`` (cases or events) for the institution."""
    allowed = can_import_events if kind == ImportKind.EVENTS else can_import_cases
    return allowed(user, institution)


def get_job_for_user(user: AnyUser, job_uuid: UUID | str) -> ImportJob:
    """The job, or 404 when it does not exist or the user may not see it (the same answer)."""
    try:
        job = ImportJob.objects.select_related("institution", "user").filter(uuid=job_uuid).first()
    except (ValueError, ValidationError) as exc:
        raise Http404("import job") from exc
    if job is None or not can_use_job(user, job):
        raise Http404("import job")
    return job

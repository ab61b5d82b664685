"""Who may see, build and publish the monthly report — the one rule every surface calls.

- A **published** version (current or superseded) holds only public data (registered cases,
  never confidential fields, event sources or victims' identity): anyone reads it, without login.
- Figures not published (the live draft and builds not published) need login: the whole
  registry's for any member of an institution; one institution's for its members.
- Building a draft: the registry's by the analysts, coordinators and admins of any institution;
  one institution's by its own.
- Publishing and correcting: one institution's report by its coordinators. The whole registry's
  report by a coordinator of **any** institution: it counts only registered cases, each already
  approved by a coordinator of its own institution, and no institution owns the sum; the audit
  log records who published it and from which institution.
"""

from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from willaq.accounts.access import (
    APPROVER_ROLES,
    EDITOR_ROLES,
    AnyUser,
    has_role,
    institution_ids,
    is_member,
)
from willaq.accounts.models import Institution
from willaq.reports.models import FROZEN_STATUSES, MonthlyReport


def _any_role(user: AnyUser, roles: frozenset[str]) -> bool:
    return any(has_role(user, i, roles) for i in institution_ids(user))


def can_view_unpublished(user: AnyUser, institution: Institution | None) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if institution is None:
        return bool(institution_ids(user))
    return is_member(user, institution.pk)


def can_build(user: AnyUser, institution: Institution | None) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if institution is None:
        return _any_role(user, EDITOR_ROLES)
    return has_role(user, institution.pk, EDITOR_ROLES)


def can_publish(user: AnyUser, institution: Institution | None) -> bool:
    if not user.is_authenticated:
        return False
    if institution is None:
        return _any_role(user, APPROVER_ROLES)
    return has_role(user, institution.pk, APPROVER_ROLES)


def can_view_report(user: AnyUser, report: MonthlyReport) -> bool:
    if report.status in FROZEN_STATUSES:
        return True
    return can_view_unpublished(user, report.institution)


def published_reports() -> QuerySet[MonthlyReport]:
    return MonthlyReport.objects.filter(status__in=FROZEN_STATUSES)


def institutions_for_reports(user: AnyUser) -> QuerySet[Institution]:
    """Institutions offered in the filters: every active one (the published reports of each
    are public; what the user may do with each is decided per report)."""
    return Institution.objects.filter(is_active=True).order_by("name")


def get_report_for_user(user: AnyUser, report_uuid: UUID) -> MonthlyReport:
    """A build or version by its uuid, or 404 for whoever may not see it."""
    report = (
        MonthlyReport.objects.select_related("institution", "created_by", "published_by")
        .filter(uuid=report_uuid)
        .first()
    )
    if report is None or not can_view_report(user, report):
        raise Http404("report")
    return report


def member_filter(user: AnyUser) -> Q:
    """Unpublished builds the user may list on the index page."""
    if user.is_authenticated and user.is_superuser:
        return Q()
    mine = institution_ids(user)
    if not mine:
        return Q(pk__in=[])
    return Q(institution__isnull=True) | Q(institution_id__in=mine)

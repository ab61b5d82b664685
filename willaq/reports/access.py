"""Who may read which report, build it and publish it. One rule per object, used by the pages
and the API alike.

- The monthly figures hold only public data (registered cases, never a confidential field, an
  event's sources or a victim's identity). A **published** version (current or superseded) is
  read by anyone, without login; figures not published (computed now, or a build not
  published) by any signed-in user (``can_view_monthly_figures``), for any institution.
- Building a draft: the registry's by the analysts, coordinators and admins of any institution;
  one institution's by its own.
- Publishing and correcting: one institution's report by its coordinators. The whole registry's
  report by a coordinator of **any** institution: it counts only registered cases, each already
  approved by a coordinator of its own institution, and no institution owns the sum; the audit
  log records who published it and from which institution.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from willaq.accounts.access import (
    APPROVER_ROLES,
    EDITOR_ROLES,
    AnyUser,
    has_role,
    institution_ids,
)
from willaq.accounts.models import Institution
from willaq.reports.models import FROZEN_STATUSES, MonthlyReport


def can_view_monthly_figures(user: AnyUser) -> bool:
    """The monthly figures (JSON, CSV) before publication: any signed-in user. They hold only
    what a published report holds (registered cases, no confidential field, no victim's data),
    for any institution."""
    return bool(user.is_authenticated)


def report_institution(slug: str | None) -> Institution | None:
    """The institution a report is filtered by (None: the whole registry), or a ValidationError
    naming the unknown one."""
    if not slug:
        return None
    institution = Institution.objects.filter(slug=slug.strip()).first()
    if institution is None:
        raise ValidationError(
            {"institution": _("Institución desconocida: «%(slug)s».") % {"slug": slug[:60]}}
        )
    return institution


def _any_role(user: AnyUser, roles: frozenset[str]) -> bool:
    return any(has_role(user, i, roles) for i in institution_ids(user))


def can_view_unpublished(user: AnyUser, institution: Institution | None) -> bool:
    """Figures not published, of the registry or of any institution: the figures' rule."""
    return can_view_monthly_figures(user)


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
    """The builds not published worth listing to the user on the index page: the registry's
    and their institutions' (they may read any; these are theirs to follow)."""
    if user.is_authenticated and user.is_superuser:
        return Q()
    mine = institution_ids(user)
    if not mine:
        return Q(pk__in=[])
    return Q(institution__isnull=True) | Q(institution_id__in=mine)


def can_view_charts(user: AnyUser) -> bool:
    """The charts' series (counts of registered cases and of events of registered cases or of
    no case, no field of any case): whoever reads the shared registry, a member of an
    institution (``willaq.cases.access.visible_cases`` shows them no less)."""
    return user.is_authenticated and (user.is_superuser or bool(institution_ids(user)))

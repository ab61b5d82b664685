"""Who sees what in the reports. Every report surface (map, monthly report, open data) asks here.

The rules come from ``willaq.cases.access``; this module only names the reports' scopes.

Open data (``/datos/`` and ``GET /api/v1/reports/exports/…``): the public (an
``AnonymousUser``) reads the shared registry only (``public_cases``, ``public_events``), a
signed-in user what ``visible_cases`` / ``visible_events`` give them (their institution's drafts
too). Which fields of each record are blanked is decided per record by ``hidden_case_fields`` and
``hidden_event_fields``, in ``willaq.reports.opendata``.

The monthly report:

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
from django.db.models import Q, QuerySet
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
from willaq.cases.access import inside_institution, visible_cases, visible_events
from willaq.cases.choices import REGISTERED_STATES, CaseState
from willaq.cases.models import Case, Event
from willaq.dialogue.access import public_commitments, visible_commitments
from willaq.dialogue.models import Commitment
from willaq.reports.models import FROZEN_STATUSES, EventMapCell, MonthlyReport

# --- the map (/mapa/ and /mapa/publico/) ------------------------------------------------------


def public_cases() -> QuerySet[Case]:
    """What anyone sees without logging in: the registered cases (never a draft or a proposal)."""
    return Case.objects.filter(state__in=REGISTERED_STATES)


def public_events() -> QuerySet[Event]:
    """Events anyone sees: not removed, of a registered case or of no case."""
    return Event.objects.filter(Q(case__isnull=True) | Q(case__state__in=REGISTERED_STATES))


# States outside the shared registry: a draft or a proposal, seen only inside its institution.
UNREGISTERED_STATES = tuple(s for s in CaseState if s not in REGISTERED_STATES)


def map_cases(user: AnyUser, *, public: bool) -> QuerySet[Case]:
    """The cases a map shows: the public ones on the public map, else those the user sees."""
    return public_cases() if public else visible_cases(user)


def unseen_cases(user: AnyUser, *, public: bool) -> QuerySet[Case]:
    """The complement of ``map_cases`` (a draft or a proposal of an institution the user is not
    in; on the public map every draft and proposal): few rows, found from the state's index.
    ``test_the_map_s_events_are_exactly_the_visible_ones`` holds it to ``visible_events``."""
    # Named by the states it keeps (a range of the state's index), not by those it leaves out.
    unregistered = Case.objects.filter(state__in=UNREGISTERED_STATES)
    if public:
        return unregistered
    if user.is_authenticated and user.is_superuser:
        return Case.objects.none()
    return unregistered.exclude(institution_id__in=institution_ids(user))


def map_events(user: AnyUser, *, public: bool) -> QuerySet[Event]:
    """The events a map shows: ``public_events`` or ``visible_events``, written as "not an
    event of an unseen case" so the database checks each event against the few unseen cases
    (a hashed set) instead of joining it to its case."""
    if not public and visible_events(user).query.is_empty():
        return Event.objects.none()
    return Event.objects.exclude(case__in=unseen_cases(user, public=public))


# --- the map's events summary (map_summary) ---


def map_event_cells(user: AnyUser, *, public: bool) -> QuerySet[EventMapCell]:
    """``map_events`` on the events summary: its rows except those of unseen cases (the
    summary keeps the case's institution for drafts and proposals, the only unseen ones).
    ``test_map_summary`` holds it to ``map_events`` for every persona."""
    if not public and visible_events(user).query.is_empty():
        return EventMapCell.objects.none()
    cells = EventMapCell.objects.all()
    if public:
        return cells.exclude(case_state__in=UNREGISTERED_STATES)
    if user.is_authenticated and user.is_superuser:
        return cells
    return cells.exclude(
        Q(case_state__in=UNREGISTERED_STATES) & ~Q(case_institution_id__in=institution_ids(user))
    )


# --- end of the map's block --------------------------------------------------------------------
# --- the charts -------------------------------------------------------------------------------


def can_view_charts(user: AnyUser) -> bool:
    """The charts' series (counts of registered cases and of events of registered cases or of
    no case, no field of any case): whoever reads the shared registry, a member of an
    institution (``willaq.cases.access.visible_cases`` shows them no less)."""
    return user.is_authenticated and (user.is_superuser or bool(institution_ids(user)))


# --- the monthly figures ----------------------------------------------------------------------


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
    slug = slug.strip()
    # A slug is short letters, digits and dashes: anything else is unknown without a query
    # (a NUL character would be refused by PostgreSQL itself).
    valid = 0 < len(slug) <= 60 and all(c.isascii() and (c.isalnum() or c in "-_") for c in slug)
    institution = Institution.objects.filter(slug=slug).first() if valid else None
    if institution is None:
        raise ValidationError(
            {
                "institution": _("Institución desconocida: «%(slug)s».")
                % {"slug": slug[:60].replace("\x00", "")}
            }
        )
    return institution


# --- open data ----------------------------------------------------------------------------------


def open_data_cases(user: AnyUser) -> QuerySet[Case]:
    """The cases an export for this user may hold: the registered ones for the public, what
    ``visible_cases`` gives a signed-in user."""
    return visible_cases(user) if user.is_authenticated else public_cases()


def open_data_events(user: AnyUser) -> QuerySet[Event]:
    """The events (not removed) an export for this user may hold: for the public, those of
    registered cases and those of no case; for a signed-in user, ``visible_events``."""
    return visible_events(user) if user.is_authenticated else public_events()


def sees_drafts_of(user: AnyUser, institution_id: int) -> bool:
    """Whether the panel may show a case's months before its approval (draft and proposed):
    only inside the registering institution, as ``visible_cases`` shows drafts."""
    return inside_institution(user, institution_id)


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


def open_data_commitments(user: AnyUser) -> QuerySet[Commitment]:
    """The commitments an export may hold: for the public, those of the spaces their convening
    institution made public; for a signed-in user, every commitment they read
    (``willaq.dialogue.access``)."""
    return visible_commitments(user) if user.is_authenticated else public_commitments()

"""The reports' access rules. Each builds on ``willaq.cases.access`` (one rule per object).

Open data (``/datos/`` and ``GET /api/v1/reports/exports/…``): the public (an
``AnonymousUser``) reads the shared registry only — registered cases (``REGISTERED_STATES``,
never a draft or a proposal) and the events of those cases or of no case —, a signed-in user
what ``visible_cases`` / ``visible_events`` give them (their institution's drafts too). Which
fields of each record are blanked is decided per record by ``hidden_case_fields`` and
``hidden_event_fields``, in ``willaq.reports.opendata``.
"""

from django.db.models import Q, QuerySet

from willaq.accounts.access import AnyUser
from willaq.cases.access import inside_institution, visible_cases, visible_events
from willaq.cases.choices import REGISTERED_STATES
from willaq.cases.models import Case, Event

# --- open data ----------------------------------------------------------------------------------


def open_data_cases(user: AnyUser) -> QuerySet[Case]:
    """The cases an export for this user may hold: the registered ones for the public, what
    ``visible_cases`` gives a signed-in user."""
    if user.is_authenticated:
        return visible_cases(user)
    return Case.objects.filter(state__in=REGISTERED_STATES)


def open_data_events(user: AnyUser) -> QuerySet[Event]:
    """The events (not removed) an export for this user may hold: for the public, those of
    registered cases and those of no case; for a signed-in user, ``visible_events``."""
    if user.is_authenticated:
        return visible_events(user)
    return Event.objects.filter(Q(case__isnull=True) | Q(case__state__in=REGISTERED_STATES))


def sees_drafts_of(user: AnyUser, institution_id: int) -> bool:
    """Whether the panel may show a case's months before its approval (draft and proposed):
    only inside the registering institution, as ``visible_cases`` shows drafts."""
    return inside_institution(user, institution_id)

"""The iCalendar feeds of dialogue (RFC 5545, written with the ``icalendar`` library).

- **A space's feed**: its sessions as events (UID ``session-<uuid>@willaq``; start and end in
  UTC; the place; the agenda as description — never the minutes, which are confidential; the
  session's page as URL; a cancelled session stays, marked ``STATUS:CANCELLED``, so subscribed
  calendars drop it), and the due dates of its open commitments (pending or in progress) as
  all-day events (UID ``commitment-<uuid>@willaq``).
- **An institution's feed**: the sessions of every space it convenes or sits at, and the due
  dates of the open commitments it owes.

UIDs are stable, so a calendar app updates an event when a session moves instead of adding a
second one. A session without an end lasts ``DEFAULT_SESSION_LENGTH``.
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from willaq.accounts.models import Institution
from willaq.dialogue.choices import OPEN_COMMITMENT_STATES, SessionState
from willaq.dialogue.models import Commitment, DialogueSession, DialogueSpace
from willaq.dialogue.schemas import absolute

DEFAULT_SESSION_LENGTH = dt.timedelta(hours=3)
PRODID = "-//Willaq//Diálogo//ES"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "America/Lima")
    return calendar


def session_event(session: DialogueSession) -> Event:
    event = Event()
    event.add("uid", f"session-{session.uuid}@willaq")
    event.add("dtstamp", session.updated_at.astimezone(dt.UTC))
    starts = session.starts_at.astimezone(dt.UTC)
    ends = (session.ends_at or session.starts_at + DEFAULT_SESSION_LENGTH).astimezone(dt.UTC)
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add(
        "summary",
        _("Sesión %(number)s — %(space)s") % {"number": session.number, "space": session.space},
    )
    if session.place:
        event.add("location", session.place)
    if session.agenda:
        event.add("description", session.agenda)
    event.add("url", absolute(reverse("dialogue:session", kwargs={"session_uuid": session.uuid})))
    if session.state == SessionState.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    return event


def commitment_event(commitment: Commitment) -> Event:
    event = Event()
    event.add("uid", f"commitment-{commitment.uuid}@willaq")
    event.add("dtstamp", commitment.updated_at.astimezone(dt.UTC))
    event.add("dtstart", commitment.due_date)
    event.add("dtend", commitment.due_date + dt.timedelta(days=1))
    event.add(
        "summary",
        _("Vence el compromiso %(number)s — %(space)s")
        % {"number": commitment.number, "space": commitment.space},
    )
    event.add("description", commitment.description)
    event.add("transp", "TRANSPARENT")
    event.add(
        "url",
        absolute(reverse("dialogue:commitment", kwargs={"commitment_uuid": commitment.uuid})),
    )
    return event


def _render(
    name: str, sessions: Iterable[DialogueSession], commitments: Iterable[Commitment]
) -> bytes:
    calendar = _calendar(name)
    for session in sessions:
        calendar.add_component(session_event(session))
    for commitment in commitments:
        calendar.add_component(commitment_event(commitment))
    return bytes(calendar.to_ical())


def _open(commitments: QuerySet[Commitment]) -> QuerySet[Commitment]:
    return (
        commitments.filter(state__in=OPEN_COMMITMENT_STATES)
        .select_related("space")
        .order_by("due_date", "id")
    )


def space_calendar(space: DialogueSpace) -> bytes:
    sessions = space.sessions.select_related("space").order_by("starts_at", "id")
    return _render(str(space), sessions, _open(space.commitments.all()))


def institution_calendar(institution: Institution) -> bytes:
    """Sessions where the institution convenes or sits; the due dates of what it owes."""
    spaces = DialogueSpace.objects.filter(
        Q(institution=institution) | Q(participants__institution=institution)
    ).values("pk")
    sessions = (
        DialogueSession.objects.filter(space__in=spaces)
        .select_related("space")
        .order_by("starts_at", "id")
    )
    owed = Commitment.objects.filter(
        pk__in=Commitment.objects.filter(responsible__institution=institution).values("pk")
    )
    name = _("Diálogo — %(institution)s") % {"institution": institution.name}
    return _render(name, sessions, _open(owed))

"""The dialogue calendar (/dialogo/calendario/?mes=YYYY-MM): a month grid and an agenda of the
sessions of visible spaces and the due dates of visible commitments, each linked to its page."""

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from willaq.accounts.models import User
from willaq.dialogue.services import sessions
from willaq.dialogue.tests.conftest import Roundtable, lima
from willaq.testing.factories import UserFactory

CALENDAR = reverse("dialogue:calendar")


@pytest.fixture(autouse=True)
def _april() -> Iterator[None]:
    # 15 May 2026 in Lima: the water study (due 30 April) is overdue.
    with time_machine.travel(dt.datetime(2026, 5, 15, 17, 0, tzinfo=dt.UTC), tick=False):
        yield


def session_url(roundtable: Roundtable) -> str:
    return reverse("dialogue:session", kwargs={"session_uuid": roundtable.session.uuid})


def commitment_url(commitment: object) -> str:
    return reverse("dialogue:commitment", kwargs={"commitment_uuid": commitment.uuid})  # type: ignore[attr-defined]


def test_anonymous_visitor_is_sent_to_log_in(anon_client: Client) -> None:
    response = anon_client.get(CALENDAR)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_month_of_the_first_session(outsider_client: Client, roundtable: Roundtable) -> None:
    response = outsider_client.get(CALENDAR, {"mes": "2026-03"})
    assert response.status_code == 200
    context = response.context
    assert context["month_label"] == "marzo de 2026"
    # March 2026 starts on a Sunday: the grid runs from Monday 23 February to Sunday 5 April.
    grid = context["grid"]
    assert len(grid) == 6
    assert grid[0][0].day == dt.date(2026, 2, 23)
    assert grid[-1][-1].day == dt.date(2026, 4, 5)
    entries = [e for week in grid for cell in week for e in cell.entries]
    assert len(entries) == 1
    assert entries[0].kind == "session"
    assert entries[0].day == dt.date(2026, 3, 10)
    assert len(context["agenda"]) == 1
    page = response.content.decode()
    # Linked from the grid and from the agenda.
    assert page.count(f'href="{session_url(roundtable)}"') == 2
    assert "10:00" in page  # the session's hour in Lima
    assert 'href="?mes=2026-02"' in page
    assert 'href="?mes=2026-04"' in page
    assert 'href="?mes=2026-05"' in page  # back to this month


def test_due_dates_with_the_derived_overdue_state(
    analyst_client: Client, roundtable: Roundtable
) -> None:
    response = analyst_client.get(CALENDAR, {"mes": "2026-04"})
    agenda = response.context["agenda"]
    assert len(agenda) == 1
    day, entries = agenda[0]
    assert day == dt.date(2026, 4, 30)
    assert len(entries) == 1
    assert entries[0].overdue
    page = response.content.decode()
    assert page.count(f'href="{commitment_url(roundtable.water)}"') == 2
    assert page.count("Vencido") == 1

    june = analyst_client.get(CALENDAR, {"mes": "2026-06"})
    [(day, entries)] = june.context["agenda"]
    assert day == dt.date(2026, 6, 30)
    assert not entries[0].overdue


def test_the_current_month_by_default_and_for_a_bad_month(
    analyst_client: Client, roundtable: Roundtable
) -> None:
    for params in ({}, {"mes": "2026-13"}, {"mes": "mayo"}, {"mes": "99999-01"}):
        response = analyst_client.get(CALENDAR, params)
        assert response.status_code == 200
        assert response.context["month"] == "2026-05", params
    today = [c for week in response.context["grid"] for c in week if c.is_today]
    assert len(today) == 1
    assert today[0].day == dt.date(2026, 5, 15)
    assert "Sin sesiones ni vencimientos este mes." in response.content.decode()


def test_a_cancelled_session_is_marked(
    coordinator: User, analyst_client: Client, roundtable: Roundtable
) -> None:
    planned = sessions.schedule_session(
        coordinator,
        roundtable.space,
        sessions.SessionInput(starts_at=lima(2026, 5, 20, 9), place="Tambobamba"),
    )
    sessions.cancel_session(coordinator, planned, reason="Paro regional")
    response = analyst_client.get(CALENDAR)
    [(day, entries)] = response.context["agenda"]
    assert day == dt.date(2026, 5, 20)
    assert entries[0].cancelled
    assert "calendar-cancelled" in response.content.decode()


def test_the_year_turns(analyst_client: Client, roundtable: Roundtable) -> None:
    december = analyst_client.get(CALENDAR, {"mes": "2026-12"}).context
    assert (december["previous_month"], december["next_month"]) == ("2026-11", "2027-01")
    january = analyst_client.get(CALENDAR, {"mes": "2027-01"}).context
    assert january["previous_month"] == "2026-12"


def test_a_user_of_no_institution_sees_an_empty_calendar(roundtable: Roundtable) -> None:
    client = Client()
    client.force_login(UserFactory(email="nadie@example.pe"))
    response = client.get(CALENDAR, {"mes": "2026-03"})
    assert response.status_code == 200
    assert response.context["agenda"] == []
    assert session_url(roundtable) not in response.content.decode()


def test_the_calendar_queries_do_not_grow_with_entries(
    coordinator: User, coordinator_client: Client, roundtable: Roundtable
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            coordinator_client.get(CALENDAR, {"mes": "2026-06"})
        return len(captured)

    before = queries()
    for day in (3, 10, 17, 24):
        sessions.schedule_session(
            coordinator, roundtable.space, sessions.SessionInput(starts_at=lima(2026, 6, day, 10))
        )
    after = queries()
    assert after == before
    response = coordinator_client.get(CALENDAR, {"mes": "2026-06"})
    assert response.context["entry_count"] == 5

"""The iCalendar feeds, parsed back with ``icalendar.Calendar.from_ical``: events counted, UIDs
stable, times in UTC, no minutes in the feed; unknown and rotated secrets answer the same 404;
the subscriptions page with the personas of two institutions."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from icalendar import Calendar

from willaq.accounts.models import Institution, User
from willaq.dialogue.choices import SessionState
from willaq.dialogue.models import Commitment, DialogueSession, InstitutionCalendar
from willaq.dialogue.services import spaces
from willaq.dialogue.tests.conftest import SESSION_AT, Roundtable

MINUTES = "Se acordó el mantenimiento de la vía y el agua."


@pytest.fixture(autouse=True)
def _base_url(settings: Any) -> None:
    settings.WILLAQ_BASE_URL = "https://willaq.example.pe"


def parse(response: Any) -> Calendar:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def uids(calendar: Calendar) -> list[str]:
    return [str(e["UID"]) for e in calendar.walk("VEVENT")]


def test_space_feed_has_sessions_and_open_due_dates(roundtable: Roundtable, anon_client: Client):
    DialogueSession.objects.filter(pk=roundtable.session.pk).update(
        agenda="1. Corredor vial\n2. Agua"
    )
    Commitment.objects.filter(pk=roundtable.school.pk).update(state="not_fulfilled")
    response = anon_client.get(f"/dialogo/ical/espacio/{roundtable.space.ical_secret}.ics")
    calendar = parse(response)
    events = calendar.walk("VEVENT")
    assert len(events) == 3  # one session, two open commitments (the school is closed)
    assert uids(calendar) == [
        f"session-{roundtable.session.uuid}@willaq",
        f"commitment-{roundtable.water.uuid}@willaq",
        f"commitment-{roundtable.road.uuid}@willaq",
    ]
    session = events[0]
    assert session.decoded("DTSTART") == SESSION_AT.astimezone(dt.UTC)
    assert session.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert session.decoded("DTEND").utcoffset() == dt.timedelta(0)
    assert "DTSTART:20260310T150000Z" in response.content.decode()
    assert session.decoded("DTEND") > session.decoded("DTSTART")
    assert str(session["LOCATION"]) == "Challhuahuacho"
    assert str(session["DESCRIPTION"]) == "1. Corredor vial\n2. Agua"
    assert str(session["URL"]) == (
        f"https://willaq.example.pe/dialogo/sesiones/{roundtable.session.uuid}/"
    )
    assert "Sesión 1" in str(session["SUMMARY"])
    road = events[2]
    assert road.decoded("DTSTART") == dt.date(2026, 6, 30)
    assert road.decoded("DTEND") == dt.date(2026, 7, 1)
    assert str(road["DESCRIPTION"]) == "Mantenimiento del corredor vial"
    text = response.content.decode()
    assert MINUTES not in text
    assert "Se acordó" not in text
    assert "desconfía" not in text  # internal notes
    assert "Gerente de Infraestructura" not in text  # representatives


def test_uids_are_stable_and_a_cancelled_session_is_marked(
    roundtable: Roundtable, anon_client: Client
):
    url = f"/dialogo/ical/espacio/{roundtable.space.ical_secret}.ics"
    first = uids(parse(anon_client.get(url)))
    DialogueSession.objects.filter(pk=roundtable.session.pk).update(
        state=SessionState.CANCELLED, starts_at=SESSION_AT + dt.timedelta(days=1)
    )
    calendar = parse(anon_client.get(url))
    assert uids(calendar) == first
    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


def test_institution_feed_of_the_debtor(
    roundtable: Roundtable, debtor_institution: Institution, anon_client: Client
):
    secret = spaces.institution_calendar(debtor_institution).secret
    calendar = parse(anon_client.get(f"/dialogo/ical/institucion/{secret}.ics"))
    # Its seat's session, and the road and the school it owes (not the company's water).
    assert uids(calendar) == [
        f"session-{roundtable.session.uuid}@willaq",
        f"commitment-{roundtable.road.uuid}@willaq",
        f"commitment-{roundtable.school.uuid}@willaq",
    ]
    assert MINUTES not in calendar.to_ical().decode()


def test_institution_feed_of_an_institution_not_seated(
    roundtable: Roundtable, other_institution: Institution, owner_institution, anon_client
):
    secret = spaces.institution_calendar(other_institution).secret
    assert uids(parse(anon_client.get(f"/dialogo/ical/institucion/{secret}.ics"))) == []
    # The convening institution owes nothing here but sees its session.
    mine = spaces.institution_calendar(owner_institution).secret
    calendar = parse(anon_client.get(f"/dialogo/ical/institucion/{mine}.ics"))
    assert uids(calendar) == [f"session-{roundtable.session.uuid}@willaq"]


@pytest.mark.parametrize(
    "secret", ["x" * 32, "nada", "a" * 65, "'; DROP TABLE x; --aaaaaaaaaaaa", "ñ" * 32]
)
def test_unknown_secret_is_404(roundtable: Roundtable, anon_client: Client, secret: str):
    for kind in ("espacio", "institucion"):
        response = anon_client.get(f"/dialogo/ical/{kind}/{secret}.ics")
        assert response.status_code == 404
        assert response.content.decode().startswith("Calendario no encontrado")


def test_rotating_the_space_secret_revokes_the_old_url(
    roundtable: Roundtable, coordinator: User, anon_client: Client
):
    old = roundtable.space.ical_secret
    spaces.rotate_space_secret(coordinator, roundtable.space)
    gone = anon_client.get(f"/dialogo/ical/espacio/{old}.ics")
    unknown = anon_client.get(f"/dialogo/ical/espacio/{'z' * 32}.ics")
    assert gone.status_code == unknown.status_code == 404
    assert gone.content == unknown.content
    new = roundtable.space.ical_secret
    assert anon_client.get(f"/dialogo/ical/espacio/{new}.ics").status_code == 200


# --- the subscriptions page ---------------------------------------------------------------------

PAGE = "/dialogo/calendario/suscripciones/"


def test_subscriptions_page_shows_the_institution_and_space_urls(
    roundtable: Roundtable, debtor_client: Client, debtor_institution: Institution
):
    response = debtor_client.get(PAGE)
    assert response.status_code == 200
    text = response.content.decode()
    secret = InstitutionCalendar.objects.get(institution=debtor_institution).secret
    assert f"https://willaq.example.pe/dialogo/ical/institucion/{secret}.ics" in text
    assert f"/dialogo/ical/espacio/{roundtable.space.ical_secret}.ics" in text
    # An analyst does not rotate the secret.
    assert "Renovar el enlace" not in text


def test_outsider_sees_its_own_feed_but_no_space_secret(
    roundtable: Roundtable, outsider_client: Client, other_institution: Institution
):
    text = outsider_client.get(PAGE).content.decode()
    secret = InstitutionCalendar.objects.get(institution=other_institution).secret
    assert secret in text
    assert roundtable.space.ical_secret not in text
    assert "ningún espacio" in text


def test_anonymous_is_sent_to_log_in(anon_client: Client):
    response = anon_client.get(PAGE)
    assert response.status_code == 302
    assert "login" in response["Location"] or "entrar" in response["Location"]


def test_coordinator_rotates_the_institution_secret(
    roundtable: Roundtable,
    coordinator_client: Client,
    owner_institution: Institution,
    anon_client: Client,
):
    assert "Renovar el enlace" in coordinator_client.get(PAGE).content.decode()
    old = spaces.institution_calendar(owner_institution).secret
    assert anon_client.get(f"/dialogo/ical/institucion/{old}.ics").status_code == 200
    response = coordinator_client.post(f"{PAGE}defensoria/renovar/")
    assert response.status_code == 302
    new = InstitutionCalendar.objects.get(institution=owner_institution).secret
    assert new != old
    assert anon_client.get(f"/dialogo/ical/institucion/{old}.ics").status_code == 404
    assert anon_client.get(f"/dialogo/ical/institucion/{new}.ics").status_code == 200


def test_analyst_and_outsider_cannot_rotate(
    roundtable: Roundtable,
    analyst_client: Client,
    outsider_client: Client,
    owner_institution: Institution,
):
    old = spaces.institution_calendar(owner_institution).secret
    assert analyst_client.post(f"{PAGE}defensoria/renovar/").status_code == 403
    # Another institution's secret: as unknown as a missing one.
    assert outsider_client.post(f"{PAGE}defensoria/renovar/").status_code == 404
    assert outsider_client.get(f"{PAGE}defensoria/renovar/").status_code == 405
    assert InstitutionCalendar.objects.get(institution=owner_institution).secret == old

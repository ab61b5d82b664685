"""History: readable per-case entries, and the registry rebuilt as of any past date."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from willaq.cases import services
from willaq.cases.choices import CaseState
from willaq.cases.history import (
    case_as_of,
    case_history,
    case_rows_as_of,
    cases_as_of,
    end_of_month,
    places_as_of,
)
from willaq.cases.services import PlaceInput
from willaq.cases.views.cases import HISTORY_ON_PAGE
from willaq.testing.factories import CaseFactory, EventFactory

pytestmark = pytest.mark.django_db

LIMA = dt.timezone(dt.timedelta(hours=-5))


def at(year, month, day):
    return dt.datetime(year, month, day, 12, tzinfo=LIMA)


@pytest.fixture
def story(analyst, coordinator, owner_institution):
    """Case A: new in Jan 2025, latent in Mar, reactivated in May, resolved in Jul.
    Case B: new in Feb 2025, still active. Case C: created in Jun, left as a draft."""
    data = {"start_date": dt.date(2025, 1, 5), "typology": "socioambiental"}
    with time_machine.travel(at(2025, 1, 5), tick=False):
        a = services.create_case(
            user=analyst,
            institution=owner_institution,
            data=data
            | {"name": "Caso A", "confidential_fields": ["demands"], "demands": "Secreto"},
            places=[PlaceInput("021801", True)],
        )
        services.transition_case(user=analyst, case=a, name="submit")
        services.transition_case(user=coordinator, case=a, name="approve")
    with time_machine.travel(at(2025, 2, 10), tick=False):
        b = services.create_case(
            user=analyst,
            institution=owner_institution,
            data=data | {"name": "Caso B"},
            places=[PlaceInput("080101", True)],
        )
        services.transition_case(user=analyst, case=b, name="submit")
        services.transition_case(user=coordinator, case=b, name="approve")
    with time_machine.travel(at(2025, 3, 15), tick=False):
        services.transition_case(user=analyst, case=a, name="to_latent")
    with time_machine.travel(at(2025, 4, 2), tick=False):
        services.update_case(
            user=analyst,
            case=a,
            data={"demands": "Otro secreto"},
            places=[PlaceInput("150101", True)],
        )
    with time_machine.travel(at(2025, 5, 20), tick=False):
        services.transition_case(user=analyst, case=a, name="reactivate", phase="crisis")
    with time_machine.travel(at(2025, 6, 1), tick=False):
        services.create_case(
            user=analyst,
            institution=owner_institution,
            data=data | {"name": "Caso C"},
            places=[PlaceInput("010101", True)],
        )
    with time_machine.travel(at(2025, 7, 9), tick=False):
        services.transition_case(user=analyst, case=a, name="resolve", reason="Acuerdo firmado")
    return a, b


def states_at(when):
    return {c.name: (c.state, c.phase) for c in cases_as_of(when)}


def test_registry_rebuilt_at_each_month_end(story):
    assert states_at(end_of_month(2024, 12)) == {}
    assert states_at(end_of_month(2025, 1)) == {"Caso A": (CaseState.ACTIVE, "early")}
    assert states_at(end_of_month(2025, 2)) == {
        "Caso A": (CaseState.ACTIVE, "early"),
        "Caso B": (CaseState.ACTIVE, "early"),
    }
    assert states_at(end_of_month(2025, 3))["Caso A"] == (CaseState.LATENT, "")
    assert states_at(end_of_month(2025, 5))["Caso A"] == (CaseState.ACTIVE, "crisis")
    assert states_at(end_of_month(2025, 6))["Caso C"] == (CaseState.DRAFT, "")
    assert states_at(end_of_month(2025, 7))["Caso A"] == (CaseState.RESOLVED, "")


def test_each_month_end_has_each_case_exactly_once(story):
    """Create, submit and approve share one instant in the story: still one row per case."""
    expected = {1: 1, 2: 2, 3: 2, 4: 2, 5: 2, 6: 3, 7: 3}
    for month, count in expected.items():
        when = end_of_month(2025, month)
        rebuilt = cases_as_of(when)
        assert len(rebuilt) == count
        assert len({c.pk for c in rebuilt}) == count
        rows = case_rows_as_of(when)
        assert len(rows) == count
        assert len({row["id"] for row in rows}) == count


def test_a_case_deleted_by_then_is_absent(story):
    a, b = story
    b_pk = b.pk
    b.delete()  # never done by the app (nothing is hard-deleted), but the history allows it
    assert [c.pk for c in cases_as_of(end_of_month(2025, 2))] == [a.pk, b_pk]
    later = [c.pk for c in cases_as_of(end_of_month(2030, 1))]
    assert len(later) == 2  # A and C
    assert b_pk not in later
    assert b_pk not in [row["id"] for row in case_rows_as_of(end_of_month(2030, 1))]


def test_report_rows_carry_the_state_then(story):
    a, _b = story
    rows = case_rows_as_of(end_of_month(2025, 3), fields=("id", "state"))
    assert [row["state"] for row in rows if row["id"] == a.pk] == [CaseState.LATENT]


def test_field_values_and_places_as_of(story):
    a, _b = story
    march_case = case_as_of(a, end_of_month(2025, 3))
    april_case = case_as_of(a, end_of_month(2025, 4))
    assert march_case is not None
    assert april_case is not None
    assert march_case.demands == "Secreto"
    assert april_case.demands == "Otro secreto"
    assert case_as_of(a, end_of_month(2024, 12)) is None
    march = places_as_of(end_of_month(2025, 3))
    april = places_as_of(end_of_month(2025, 4))
    assert [p.ubigeo_id for p in march[a.pk]] != [p.ubigeo_id for p in april[a.pk]]
    assert april[a.pk][0].ubigeo.code == "150101"


def test_end_of_month_is_last_instant_in_lima():
    moment = end_of_month(2024, 2)
    assert (moment.day, moment.hour, moment.minute) == (29, 23, 59)
    assert moment.utcoffset() == dt.timedelta(hours=-5)


def test_case_history_shows_who_what_old_new(story, analyst):
    a, _b = story
    entries = case_history(a, analyst)
    assert entries[0].when >= entries[-1].when
    whats = [e.what for e in entries]
    assert "Caso creado" in whats
    assert any(w.startswith("Lugar añadido") for w in whats)
    assert any(w.startswith("Lugar quitado") for w in whats)
    changes = [c for e in entries for c in e.changes]
    assert ("estado", "Activo", "Latente") in changes
    assert ("demandas y síntesis del problema", "Secreto", "Otro secreto") in changes
    assert all(e.who == "Ana Analista" or e.who == "Carlos Coordinador" for e in entries)


def test_case_history_hides_confidential_values_from_other_institutions(story, outsider):
    a, _b = story
    changes = [c for e in case_history(a, outsider) for c in e.changes]
    assert ("demandas y síntesis del problema", "Confidencial", "Confidencial") in changes
    assert "Secreto" not in str(changes)


def test_case_page_shows_the_latest_changes_and_the_history_page_all(
    analyst, owner_institution, django_assert_max_num_queries
):
    """A case with many events: the case page reads only the most recent changes (the same
    first entries as the whole history), and the history page pages them all."""
    case = CaseFactory(institution=owner_institution)
    for day in range(1, 41):
        EventFactory(case=case, event_date=dt.date(2025, 1, 1) + dt.timedelta(days=day))
    full = case_history(case, analyst)
    assert sum(e.what.startswith("Evento registrado") for e in full) == 40
    recent = case_history(case, analyst, limit=HISTORY_ON_PAGE)
    assert [(e.when, e.what) for e in recent] == [(e.when, e.what) for e in full[:HISTORY_ON_PAGE]]
    client = Client()
    client.force_login(analyst)
    page = client.get(reverse("cases:detail", kwargs={"case_uuid": case.uuid})).content.decode()
    assert page.count("<strong>Evento registrado") == HISTORY_ON_PAGE
    history_url = reverse("cases:history", kwargs={"case_uuid": case.uuid})
    assert history_url in page
    whole = client.get(history_url).content.decode()
    assert whole.count("<strong>Evento registrado") == 40

"""The charts' monthly series on a hand-built history where every right number is known.

Two institutions: the ombudsman (owner) and the national office (other). Everything is written
through the services, some of it late with an effective date (``at=``), as an office works.

    A (owner, socioambiental, Áncash)  approved active 10 Jan; to latent 5 Mar and reactivated
                                       20 Mar (twice in one month); resolved 12 May.
    B (owner, laboral, Áncash)         approved pre-conflict 3 Feb; escalated 2 Apr; to latent
                                       with effect 10 Jun, recorded 20 Aug; typology comunal
                                       with effect 1 Jul, recorded 20 Aug.
    C (other, draft)                   never approved: never counted, nor its events.
    D (other, socioambiental, Cusco)   approved active 14 Feb.
"""

import datetime as dt
from typing import Any

import pytest
import time_machine

from willaq.accounts.models import Institution, Role, User
from willaq.cases import services
from willaq.cases.choices import EventType, ProtestForm, SubEventType
from willaq.cases.models import Case, Event
from willaq.cases.services import PlaceInput
from willaq.reports.series import (
    MAX_MONTHS,
    SeriesError,
    chart_series,
    last_months,
    parse_month,
)
from willaq.testing.factories import member

pytestmark = pytest.mark.django_db

LIMA = dt.timezone(dt.timedelta(hours=-5))
TODAY = dt.datetime(2025, 9, 15, 12, tzinfo=LIMA)


def at(month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, tzinfo=LIMA)


def new_case(user: User, institution: Institution, name: str, typology: str, place: str) -> Case:
    return services.create_case(
        user=user,
        institution=institution,
        data={"name": name, "start_date": dt.date(2025, 1, 2), "typology": typology},
        places=[PlaceInput(place, True)],
        at=at(1, 5),
    )


def move(user: User, case: Case, name: str, when: dt.datetime, reason: str = "") -> Case:
    return services.transition_case(
        user=user, case=case, name=name, at=when, reason=reason or "motivo"
    )


def event(user: User, case: Case | None, day: dt.date, **extra: Any) -> Event:
    data = {
        "event_date": day,
        "event_type": EventType.PROTESTS,
        "sub_event_type": SubEventType.PEACEFUL_PROTEST,
        "protest_form": ProtestForm.ROAD_BLOCKADE,
        "actor1": "Rondas campesinas",
        "inter1": 6,
        "ubigeo_code": "020101",
        "sources": "SECRETO-fuente",
        **extra,
    }
    return services.record_event(user=user, case=case, data=data)


def victim(user: User, on: Event, outcome: str) -> None:
    services.record_victim(
        user=user, event=on, data={"outcome": outcome, "group": "civilian", "full_name": "X"}
    )


@pytest.fixture
def history(
    analyst: User, coordinator: User, owner_institution: Institution, other_institution: Institution
) -> dict[str, Any]:
    other_coordinator = member(other_institution, Role.COORDINATOR, email="coord@onds.gob.pe")
    with time_machine.travel(TODAY, tick=False):
        a = new_case(analyst, owner_institution, "A", "socioambiental", "021801")
        b = new_case(analyst, owner_institution, "B", "laboral", "021801")
        c = new_case(other_coordinator, other_institution, "C", "laboral", "021801")
        d = new_case(other_coordinator, other_institution, "D", "socioambiental", "080101")
        for case, user in ((a, coordinator), (b, coordinator), (d, other_coordinator)):
            move(user, case, "submit", at(1, 6))
        move(coordinator, a, "approve", at(1, 10))
        move(coordinator, a, "to_latent", at(3, 5))
        move(coordinator, a, "reactivate", at(3, 20))
        move(coordinator, a, "resolve", at(5, 12))
        move(coordinator, b, "approve_pre_conflict", at(2, 3))
        move(coordinator, b, "escalate", at(4, 2))
        move(other_coordinator, d, "approve", at(2, 14))
    with time_machine.travel(at(8, 20), tick=False):
        # Recorded late, each with the day it took effect.
        move(coordinator, b, "to_latent", at(6, 10))
        services.update_case(user=analyst, case=b, data={"typology": "comunal"}, at=at(7, 1))
    with time_machine.travel(TODAY, tick=False):
        e1 = event(analyst, a, dt.date(2025, 5, 3))
        victim(analyst, e1, "dead")
        victim(analyst, e1, "injured")
        event(analyst, None, dt.date(2025, 5, 20))  # the owner's caseless protest
        removed = event(analyst, a, dt.date(2025, 5, 5))
        victim(analyst, removed, "dead")
        services.remove_record(user=analyst, item=removed, reason="Duplicado")
        event(other_coordinator, c, dt.date(2025, 5, 7))  # on another institution's draft
        event(other_coordinator, None, dt.date(2025, 6, 2))  # the other's caseless protest
        attack = event(
            analyst,
            a,
            dt.date(2025, 5, 9),
            event_type=EventType.VIOLENCE_AGAINST_CIVILIANS,
            sub_event_type=SubEventType.ATTACK,
            protest_form="",
        )
        victim(analyst, attack, "injured")  # a victim of an event that is no protest
        # A dead person removed (a correction) counts no more.
        wrong = event(analyst, a, dt.date(2025, 6, 4))
        victim(analyst, wrong, "dead")
        (removed_victim,) = wrong.victims.all()
        services.remove_record(user=analyst, item=removed_victim, reason="Error")
    return {"a": a, "b": b, "c": c, "d": d}


def series(first: str, last: str, institution: Institution | None = None) -> Any:
    with time_machine.travel(TODAY, tick=False):
        return chart_series(parse_month(first), parse_month(last), institution)


def column(points: list[Any], name: str) -> list[Any]:
    return [p[name] for p in points]


def test_active_and_latent_at_each_month_end(history: dict[str, Any]) -> None:
    result = series("2024-12", "2025-08")
    assert column(result["states"], "month") == [
        "2024-12",
        *(f"2025-{m:02d}" for m in range(1, 9)),
    ]
    # Dec: nothing yet. Mar: A went latent and back to active in the month: active at its end.
    # Jun: B latent from 10 Jun although recorded in August (the effective date).
    assert column(result["states"], "active") == [0, 1, 2, 2, 3, 2, 1, 1, 1]
    assert column(result["states"], "latent") == [0, 0, 0, 0, 0, 0, 1, 1, 1]


def test_one_institution_counts_its_registered_cases_only(
    history: dict[str, Any], owner_institution: Institution, other_institution: Institution
) -> None:
    mine = series("2025-01", "2025-08", owner_institution)
    assert column(mine["states"], "active") == [1, 1, 1, 2, 1, 0, 0, 0]
    assert column(mine["states"], "latent") == [0, 0, 0, 0, 0, 1, 1, 1]
    theirs = series("2025-01", "2025-08", other_institution)
    # C, their draft, never counts: only D.
    assert column(theirs["states"], "active") == [0, 1, 1, 1, 1, 1, 1, 1]
    assert sum(column(theirs["states"], "latent")) == 0


def test_new_and_resolved_per_month(
    history: dict[str, Any], owner_institution: Institution
) -> None:
    result = series("2025-01", "2025-08")
    # Jan: A approved. Feb: B approved as pre-conflict, D approved. Apr: B escalated. The
    # latent/reactivated round trip of March is neither.
    assert column(result["flows"], "new") == [1, 2, 0, 1, 0, 0, 0, 0]
    assert column(result["flows"], "resolved") == [0, 0, 0, 0, 1, 0, 0, 0]
    mine = series("2025-01", "2025-08", owner_institution)
    assert column(mine["flows"], "new") == [1, 1, 0, 1, 0, 0, 0, 0]


def test_protest_actions_and_victims_per_month(
    history: dict[str, Any], owner_institution: Institution, other_institution: Institution
) -> None:
    result = series("2025-04", "2025-07")
    # May: A's blockade and the owner's caseless one; not the removed one, not the one on the
    # other's draft, not the attack (no protest). June: the other's caseless protest and the
    # event whose only victim was removed.
    assert column(result["events"], "protest_actions") == [0, 2, 2, 0]
    assert column(result["events"], "deaths") == [0, 1, 0, 0]
    assert column(result["events"], "injured") == [0, 2, 0, 0]
    mine = series("2025-04", "2025-07", owner_institution)
    assert column(mine["events"], "protest_actions") == [0, 2, 1, 0]
    theirs = series("2025-04", "2025-07", other_institution)
    assert column(theirs["events"], "protest_actions") == [0, 0, 1, 0]
    assert sum(column(theirs["events"], "deaths") + column(theirs["events"], "injured")) == 0


def test_typology_and_department_at_the_last_month_end(history: dict[str, Any]) -> None:
    august = series("2025-01", "2025-08")
    rows = [(r["code"], r["active"], r["latent"]) for r in august["by_typology"]]
    # B counts as comunal from July (effective date), D socioambiental; A is resolved.
    assert sorted(rows) == [("comunal", 0, 1), ("socioambiental", 1, 0)]
    june = series("2025-01", "2025-06")
    rows = [(r["code"], r["active"], r["latent"]) for r in june["by_typology"]]
    assert sorted(rows) == [("laboral", 0, 1), ("socioambiental", 1, 0)]
    departments = [(r["name"], r["kind"], r["active"], r["latent"]) for r in june["by_department"]]
    assert sorted(departments) == [("Cusco", "department", 1, 0), ("Áncash", "department", 0, 1)]
    april = series("2025-01", "2025-04")
    in_april = [(r["name"], r["active"], r["latent"]) for r in april["by_department"]]
    assert in_april == [("Áncash", 2, 0), ("Cusco", 1, 0)]


def test_a_place_moved_late_counts_where_it_stood_at_the_month_end(
    history: dict[str, Any], analyst: User
) -> None:
    with time_machine.travel(at(8, 25), tick=False):
        services.update_case(
            user=analyst,
            case=history["b"],
            data={},
            places=[PlaceInput("080101", True)],
            at=at(7, 15),
        )
    june = series("2025-06", "2025-06")
    assert sorted((r["name"], r["latent"]) for r in june["by_department"]) == [
        ("Cusco", 0),
        ("Áncash", 1),
    ]
    july = series("2025-07", "2025-07")
    assert [(r["name"], r["active"], r["latent"]) for r in july["by_department"]] == [
        ("Cusco", 1, 1)
    ]


def test_the_query_count_does_not_grow_with_months_or_cases(
    history: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(9):
        series("2023-01", "2025-08")
    with django_assert_max_num_queries(9):
        series("2025-08", "2025-08")


def test_bad_ranges_are_refused_with_a_message(db: None) -> None:
    with time_machine.travel(TODAY, tick=False):
        with pytest.raises(SeriesError, match="AAAA-MM"):
            parse_month("2025-13")
        with pytest.raises(SeriesError, match="AAAA-MM"):
            parse_month("ayer")
        with pytest.raises(SeriesError, match="futuros"):
            chart_series(dt.date(2025, 1, 1), dt.date(2025, 10, 1))
        with pytest.raises(SeriesError, match="anterior"):
            chart_series(dt.date(2025, 5, 1), dt.date(2025, 4, 1))
        with pytest.raises(SeriesError, match=str(MAX_MONTHS)):
            chart_series(dt.date(1900, 1, 1), dt.date(2025, 4, 1))
        assert last_months(24) == (dt.date(2023, 10, 1), dt.date(2025, 9, 1))


def test_a_case_approved_and_escalated_in_one_month_is_one_new_case(
    history: dict[str, Any], analyst: User, coordinator: User, owner_institution: Institution
) -> None:
    with time_machine.travel(TODAY, tick=False):
        e = new_case(analyst, owner_institution, "E", "comunal", "021801")
        move(coordinator, e, "submit", at(7, 1))
        move(coordinator, e, "approve_pre_conflict", at(7, 3))
        move(coordinator, e, "escalate", at(7, 20))
    result = series("2025-06", "2025-08", owner_institution)
    assert column(result["flows"], "new") == [0, 1, 0]
    assert column(result["states"], "active") == [0, 1, 1]

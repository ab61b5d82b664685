"""The map's events summary (``willaq.reports.map_summary``): the same answers as the events
read directly, for every persona, zoom, period and filter; kept current by every change of an
event or a case; rebuilt whole by ``refresh_map_summary`` (which the bulk writers call).

The direct answer is the same code with the summary switched off (``SUMMARY_ZOOM = -1``: every
day read from the events)."""

import datetime as dt
import random
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db.models import Sum

from willaq.accounts.models import Institution, User
from willaq.cases import services
from willaq.cases.choices import CaseState, CategoryKind, EventType, Phase, SubEventType
from willaq.cases.models import Case, Event
from willaq.reports import map as map_module
from willaq.reports.access import map_event_cells, map_events
from willaq.reports.map_forms import MapQuery, MapQueryForm
from willaq.reports.map_grid import DAY, split_period
from willaq.reports.map_summary import SUMMARY_ZOOM, rebuild
from willaq.reports.models import EventMapCell
from willaq.territory.models import Ubigeo
from willaq.testing.factories import CaseFactory, EventFactory, UserFactory, shared_category

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
PLACES = ("080101", "210101", "150101", "020101", "021801", "150122")  # Cusco, Puno, Lima…
PERU = "-81.5,-18.5,-68.5,0.1"
CUSCO = "-73.9,-15.6,-70.3,-11.2"
LIMA = "-77.4,-12.4,-76.6,-11.6"


@pytest.fixture(autouse=True)
def today() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield


def _query(user: Any, public: bool, **params: str) -> MapQuery:
    form = MapQueryForm({"layer": "events", **params}, user=user, public=public)
    assert form.is_valid(), form.errors
    return form.query()


def cells(answer: dict[str, Any]) -> dict[tuple[float, ...], int]:
    """Each cluster's count by its cell's bounds."""
    return {tuple(f["properties"]["bounds"]): f["properties"]["count"] for f in answer["features"]}


def both(
    user: Any, monkeypatch: pytest.MonkeyPatch, public: bool = False, **params: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The events layer from the summary, and read directly from the events."""
    summary = map_module.event_layer(user, _query(user, public, **params))
    with monkeypatch.context() as patch:
        patch.setattr(map_module, "SUMMARY_ZOOM", -1)
        direct = map_module.event_layer(user, _query(user, public, **params))
    return summary, direct


def assert_same(summary: dict[str, Any], direct: dict[str, Any]) -> None:
    assert summary["total"] == direct["total"]
    assert summary["mode"] == direct["mode"]
    assert summary["truncated"] == direct["truncated"]
    if summary["mode"] == "points":
        assert summary["features"] == direct["features"]
        return
    assert cells(summary) == cells(direct)
    assert len(summary["features"]) == len(direct["features"])
    # The cell's mean position: the same up to the rounding of sums in another order.
    for mine, theirs in zip(summary["features"], direct["features"], strict=True):
        for a, b in zip(
            mine["geometry"]["coordinates"], theirs["geometry"]["coordinates"], strict=True
        ):
            assert a == pytest.approx(b, abs=2e-5)


def summary_rows() -> list[tuple[Any, ...]]:
    return sorted(
        EventMapCell.objects.values_list(
            "month",
            "part",
            "detail",
            "cx",
            "cy",
            "institution_id",
            "case_state",
            "case_phase",
            "typology_id",
            "case_institution_id",
            "events",
        )
    )


def assert_current() -> None:
    """The summary kept by the receivers is the one a rebuild gives."""
    kept = summary_rows()
    rebuild()
    assert kept == summary_rows()


@pytest.fixture
def registry(owner_institution: Institution, other_institution: Institution) -> dict[str, Any]:
    """Cases of both institutions in six places, in every kind of state (drafts and a proposal
    included), and 300 events over three years: with and without coordinates (placed at their
    ubigeo's centroid), without a case, one removed."""
    labour = shared_category(CategoryKind.TYPOLOGY, "laboral")
    rng = random.Random(7)
    kinds = [
        (owner_institution, CaseState.ACTIVE, Phase.EARLY, None),
        (owner_institution, CaseState.ACTIVE, Phase.CRISIS, labour),
        (owner_institution, CaseState.LATENT, "", None),
        (owner_institution, CaseState.DRAFT, "", None),
        (other_institution, CaseState.ACTIVE, Phase.DIALOGUE, labour),
        (other_institution, CaseState.RESOLVED, "", None),
        (other_institution, CaseState.PROPOSED, "", None),
        (other_institution, CaseState.DRAFT, "", labour),
    ]
    cases: list[Case] = []
    for n, (institution, state, phase, typology) in enumerate(kinds):
        extra = {"typology": typology} if typology else {}
        cases.append(
            CaseFactory(
                institution=institution,
                state=state,
                phase=phase,
                place=PLACES[n % len(PLACES)],
                **extra,
            )
        )
    ubigeos = list(Ubigeo.objects.filter(code__in=PLACES))
    first = dt.date(2024, 1, 1)
    span = (TODAY.date() - first).days
    events: list[Event] = []
    for _n in range(300):
        case: Case | None = rng.choice([*cases, None])
        ubigeo = rng.choice(ubigeos)
        day = first + dt.timedelta(days=span - int(rng.triangular(0, span, 0)))
        own = rng.random() < 0.7
        events.append(
            EventFactory(
                case=case,
                institution=case.institution
                if case and rng.random() < 0.8
                else rng.choice([owner_institution, other_institution]),
                ubigeo=ubigeo,
                event_date=day,
                latitude=(ubigeo.latitude or 0) + rng.uniform(-0.3, 0.3) if own else None,
                longitude=(ubigeo.longitude or 0) + rng.uniform(-0.3, 0.3) if own else None,
            )
        )
    removed = events[0]
    removed.removed_at = TODAY
    removed.save()
    return {"cases": cases, "events": events, "labour": labour}


# --- the calendar blocks --------------------------------------------------------------------------


def test_a_period_splits_into_months_ten_day_parts_and_days_covering_each_day_once() -> None:
    rng = random.Random(3)
    periods = [
        (dt.date(2026, 9, 2), dt.date(2026, 12, 1)),
        (dt.date(2026, 9, 1), dt.date(2026, 11, 30)),
        (dt.date(2026, 2, 11), dt.date(2026, 2, 28)),
        (dt.date(2024, 2, 21), dt.date(2024, 3, 10)),
        (dt.date(2026, 5, 5), dt.date(2026, 5, 5)),
    ]
    periods += [
        (start, start + dt.timedelta(days=rng.randint(0, 800)))
        for start in (
            dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 1200)) for _ in range(300)
        )
    ]
    for start, end in periods:
        split = split_period(start, end)
        covered: list[dt.date] = []
        if split.years:
            first_year, last_year = split.years
            assert last_year is not None
            for year in range(first_year, last_year + 1):
                covered += [
                    dt.date(year, 1, 1) + dt.timedelta(days=d)
                    for d in range((dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1)
                ]
        for first, last in split.months:
            for month in range(first, last + 1):
                day = dt.date(month // 12, month % 12 + 1, 1)
                while day.month == month % 12 + 1:
                    covered.append(day)
                    day += DAY
        for month, part in split.parts:
            day = dt.date(month // 12, month % 12 + 1, 1 + 10 * (part - 1))
            while day.month == month % 12 + 1 and (part == 3 or day.day <= 10 * part):
                covered.append(day)
                day += DAY
        for first_day, last_day in split.days:
            assert last_day is not None
            assert (last_day - first_day).days < 10  # at most nine days left at each end
            covered += [
                first_day + dt.timedelta(days=d) for d in range((last_day - first_day).days + 1)
            ]
        expected = [start + dt.timedelta(days=d) for d in range((end - start).days + 1)]
        assert sorted(covered) == expected, (start, end, split)
        assert len(split.days) <= 2
    assert split_period(dt.date(2026, 9, 2), dt.date(2026, 12, 1)).months == (
        (2026 * 12 + 9, 2026 * 12 + 10),
    )
    open_ended = split_period(dt.date(2024, 9, 15), None)
    assert open_ended.years == (2025, None)
    assert open_ended.months == ((2024 * 12 + 9, 2024 * 12 + 11),)
    assert open_ended.parts == ((2024 * 12 + 8, 3),)
    assert open_ended.days == ((dt.date(2024, 9, 15), dt.date(2024, 9, 20)),)
    long = split_period(dt.date(2021, 3, 11), dt.date(2025, 2, 27))
    assert long.years == (2022, 2024)
    assert long.months == ((2021 * 12 + 3, 2021 * 12 + 11), (2025 * 12, 2025 * 12))
    assert long.parts == (
        (2021 * 12 + 2, 2),
        (2021 * 12 + 2, 3),
        (2025 * 12 + 1, 1),
        (2025 * 12 + 1, 2),
    )
    assert long.days == ((dt.date(2025, 2, 21), dt.date(2025, 2, 27)),)


# --- the same answers ----------------------------------------------------------------------------


SCENARIOS: list[dict[str, str]] = [
    {"zoom": "5", "bbox": PERU},
    {"zoom": "5", "bbox": PERU, "date_from": "2020-01-01"},
    {"zoom": "5", "bbox": PERU, "date_from": "2025-12-01"},
    {"zoom": "6", "bbox": PERU, "date_from": "2025-02-13", "date_to": "2026-10-27"},
    {"zoom": "8", "bbox": CUSCO, "date_from": "2024-01-01"},
    {"zoom": "8", "bbox": LIMA, "date_to": "2026-06-30"},
    {"zoom": "10", "bbox": LIMA, "date_from": "2024-03-05"},
    {"zoom": str(SUMMARY_ZOOM), "bbox": LIMA, "date_from": "2024-01-01"},
    {"zoom": str(SUMMARY_ZOOM + 1), "bbox": LIMA, "date_from": "2024-01-01"},
    {"zoom": "7", "bbox": PERU, "date_from": "2024-01-01", "state": "active"},
    {"zoom": "7", "bbox": PERU, "date_from": "2024-01-01", "phase": "crisis"},
    {"zoom": "7", "bbox": PERU, "date_from": "2024-01-01", "typology": "laboral"},
    {"zoom": "7", "bbox": PERU, "date_from": "2024-01-01", "institution": "onds"},
    {"zoom": "7", "bbox": PERU, "date_from": "2024-01-01", "state": "draft"},
    {"zoom": "9", "bbox": "-72.2,-13.8,-71.7,-13.3", "date_from": "2024-01-01"},
]


@pytest.mark.parametrize("params", SCENARIOS)
def test_the_summary_answers_as_the_events_do_for_every_persona(
    registry: dict[str, Any],
    analyst: User,
    outsider: User,
    monkeypatch: pytest.MonkeyPatch,
    params: dict[str, str],
) -> None:
    monkeypatch.setattr(map_module, "POINT_LIMIT", 0)  # clusters, whatever the count
    admin = UserFactory(is_superuser=True)
    nobody = UserFactory()
    totals = []
    for user in (analyst, outsider, admin, nobody):
        summary, direct = both(user, monkeypatch, **params)
        assert_same(summary, direct)
        totals.append(summary["total"])
    if params.get("state") != "draft":
        public_summary, public_direct = both(AnonymousUser(), monkeypatch, public=True, **params)
        assert_same(public_summary, public_direct)
    # Each persona sees its own: the owner's drafts for its analyst, the other's for theirs.
    assert totals[3] == 0
    if params["bbox"] == PERU and params.get("date_from") == "2020-01-01":
        assert totals[2] == 299  # all but the removed one
        assert totals[0] < totals[2]
        assert totals[1] < totals[2]


def test_the_whole_period_is_the_sum_of_the_summary_for_every_persona(
    registry: dict[str, Any], analyst: User, outsider: User
) -> None:
    """``map_event_cells`` is ``map_events`` on the summary: the same events for each persona."""
    personas = [(analyst, False), (outsider, False), (UserFactory(is_superuser=True), False)]
    personas += [(UserFactory(), False), (AnonymousUser(), True), (analyst, True)]
    counts = []
    for user, public in personas:
        events = map_events(user, public=public).count()
        rows = map_event_cells(user, public=public)
        for part in (0, 1, 4):
            for detail in (True, False):
                family = rows.filter(detail=detail, part__in=[part] if part != 1 else [1, 2, 3])
                assert (family.aggregate(n=Sum("events"))["n"] or 0) == events
        counts.append(events)
    drafts = Event.objects.filter(case__state__in=[CaseState.DRAFT, CaseState.PROPOSED]).count()
    assert counts[2] == 299
    assert counts[4] == counts[5] == 299 - drafts
    assert counts[3] == 0


def test_a_cell_s_count_includes_its_events_beyond_the_visible_edge(
    owner_institution: Institution, analyst: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cluster counts its whole cell: panning does not change a cell's count."""
    monkeypatch.setattr(map_module, "POINT_LIMIT", 0)
    case = CaseFactory(institution=owner_institution)
    size = map_module.cell_degrees(8)
    cell_west = (-72.0 // size) * size
    for lon in (cell_west + size * 0.1, cell_west + size * 0.9):
        EventFactory(case=case, event_date=dt.date(2026, 11, 5), latitude=-13.5, longitude=lon)
    bbox = f"{cell_west + size * 0.5},-14,-70,-13"  # cuts the cell between the two events
    summary, direct = both(analyst, monkeypatch, zoom="8", bbox=bbox)
    assert_same(summary, direct)
    assert summary["total"] == 2
    assert len(summary["features"]) == 1


# --- kept current --------------------------------------------------------------------------------


def test_every_change_of_an_event_or_a_case_reaches_the_map(
    owner_institution: Institution,
    analyst: User,
    coordinator: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(map_module, "POINT_LIMIT", 0)
    case = CaseFactory(institution=owner_institution, place="080101")
    ask = {"zoom": "6", "bbox": PERU, "date_from": "2024-01-01"}

    def total(**filters: str) -> int:
        summary, direct = both(analyst, monkeypatch, **ask, **filters)
        assert_same(summary, direct)
        return int(summary["total"])

    assert total() == 0
    data = {
        "event_date": dt.date(2026, 10, 14),
        "event_type": EventType.PROTESTS,
        "sub_event_type": SubEventType.PEACEFUL_PROTEST,
        "actor1": "Rondas campesinas",
        "inter1": 6,
        "ubigeo_code": "080101",
    }
    event = services.record_event(user=analyst, case=case, data=data)
    services.record_event(user=analyst, case=None, data={**data, "ubigeo_code": "210101"})
    assert (total(), total(state="active"), total(institution="defensoria")) == (2, 1, 2)
    assert_current()

    # Moved to Puno and to another month: counted there, no longer in Cusco.
    services.update_event(
        user=analyst,
        event=event,
        data={
            "ubigeo_code": "210101",
            "event_date": dt.date(2025, 3, 2),
            "latitude": None,
            "longitude": None,
        },
    )
    puno = Ubigeo.objects.get(code="210101")
    lon, lat = puno.longitude or 0.0, puno.latitude or 0.0
    box = f"{lon - 0.01},{lat - 0.01},{lon + 0.01},{lat + 0.01}"
    summary, _direct = both(
        analyst, monkeypatch, zoom="10", bbox=box, date_from="2025-03-01", date_to="2025-03-31"
    )
    assert summary["total"] == 1
    assert total() == 2
    assert_current()

    # The case's state and phase: its events follow.
    services.change_phase(user=analyst, case=case, phase=Phase.CRISIS)
    assert (total(phase="crisis"), total(phase="early")) == (1, 0)
    services.transition_case(user=coordinator, case=case, name="to_latent")
    assert (total(state="active"), total(state="latent")) == (0, 1)
    assert_current()

    # Removed and restored.
    services.remove_record(user=analyst, item=Event.objects.get(pk=event.pk), reason="Duplicado")
    assert (total(), total(state="latent")) == (1, 0)
    services.restore_record(user=coordinator, item=Event.all_objects.get(pk=event.pk))
    assert (total(), total(state="latent")) == (2, 1)
    assert_current()

    # Deleted outright (a case's deletion takes its events).
    Case.objects.filter(pk=case.pk).delete()
    assert total() == 1
    assert_current()


def test_a_draft_s_events_appear_for_others_once_it_is_approved(
    owner_institution: Institution,
    analyst: User,
    coordinator: User,
    outsider: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(map_module, "POINT_LIMIT", 0)
    draft = CaseFactory(institution=owner_institution, state=CaseState.PROPOSED)
    EventFactory.create_batch(3, case=draft, event_date=dt.date(2026, 11, 12))

    def totals() -> tuple[int, int, int]:
        answers = []
        for user, public in ((analyst, False), (outsider, False), (AnonymousUser(), True)):
            summary, direct = both(user, monkeypatch, public=public, zoom="5", bbox=PERU)
            assert_same(summary, direct)
            answers.append(int(summary["total"]))
        return answers[0], answers[1], answers[2]

    assert totals() == (3, 0, 0)
    services.transition_case(user=coordinator, case=draft, name="approve")
    assert totals() == (3, 3, 3)
    assert_current()


def test_refresh_map_summary_rebuilds_it_whole(
    registry: dict[str, Any], analyst: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = summary_rows()
    # Written around the models' saves (as COPY does): the summary is behind until rebuilt.
    Event.objects.filter(case__state=CaseState.LATENT).update(event_date=dt.date(2025, 1, 1))
    Case.objects.filter(state=CaseState.RESOLVED).update(state=CaseState.WITHDRAWN)
    out = StringIO()
    call_command("refresh_map_summary", stdout=out)
    assert "filas" in out.getvalue()
    rows = summary_rows()
    assert rows != kept
    assert EventMapCell.objects.count() == len(rows) > 0
    assert not EventMapCell.objects.filter(case_state=CaseState.RESOLVED).exists()
    monkeypatch.setattr(map_module, "POINT_LIMIT", 0)
    assert_same(*both(analyst, monkeypatch, zoom="5", bbox=PERU, date_from="2020-01-01"))


def test_the_synthetic_registry_ends_with_its_summary_built(
    analyst: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    call_command(
        "generate_registry",
        "--cases",
        "20",
        "--events",
        "300",
        "--big-case-events",
        "40",
        "--seed",
        "5",
        "--today",
        "2026-11-15",
        stdout=StringIO(),
    )
    assert Event.objects.count() == 300
    for part in (0, 4):
        for detail in (True, False):
            rows = EventMapCell.objects.filter(part=part, detail=detail)
            assert rows.aggregate(n=Sum("events"))["n"] == 300
    assert_current()
    admin = UserFactory(is_superuser=True)
    monkeypatch.setattr(map_module, "POINT_LIMIT", 0)
    assert_same(*both(admin, monkeypatch, zoom="5", bbox=PERU, date_from="2000-01-01"))

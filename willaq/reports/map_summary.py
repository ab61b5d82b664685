"""The map's events summary: events counted by block of days and grid cell, kept current.

Why: the events layer groups every event of the period into the grid cells of the zoom. Read
from the events, that is one pass over all of the period's rows (200,000 for three months and
2,000,000 for the whole period of a regional registry): far above the map's 100 ms. The summary
(``EventMapCell``) holds, per block of days (a year, a month, a ten-day part of a month) and per
cell of the grid of ``SUMMARY_ZOOM``, how many events there are and the sums of their positions,
in two families of rows:

- ``detail`` rows, per value of every key the map filters on: the event's institution, its
  case's state, phase and typology **as they are now** (the map shows each case as it is now and
  filters on that; "" and none for an event without a case) — read when the map filters;
- rows with only the access rule's keys — read when it does not, far fewer (a registry's keys
  barely compress: nearly one detail row per case and block).

Both keep, for an event of a draft or a proposal, the case's state and institution:
``map_event_cells`` in ``willaq.reports.access`` hides those rows from other institutions, as
``map_events`` does. Removed events are not counted; an event without coordinates is counted at
its ubigeo's centroid, as the map places it.

Reading (``willaq.reports.map``): at zoom ``SUMMARY_ZOOM`` or coarser the map's cells are
unions of summary cells (``map_grid``), so a map cell is a ``GROUP BY`` of summary rows on
``cx >> k, cy >> k``; the period is split into whole years, months and ten-day parts (one
query per kind, each an index range) and at most nine days at each end, which are read from the
events. Finer zooms read the events alone. Counts per cell are identical to the direct query
(``test_map_summary``).

Keeping it current: receivers of Django's model signals on ``Event`` and ``Case`` (the cases app
cannot import this one; its models' saves reach it whatever service, form, admin or factory
saved them), connected in ``ReportsConfig.ready``:

- an event saved (created, edited, removed, restored, linked to a case) or deleted: the cells
  where it was before (read in ``pre_save``) and where it is now are recounted, for the years
  concerned;
- a case whose state, phase, typology or institution changed: the cells of its events are
  recounted, for their years.

A recount deletes the summary rows of those cells and years and groups their events again, in
the writer's transaction, under a table lock that lets readers through but serialises writers
(PostgreSQL; SQLite serialises writes anyway), so two edits of one cell cannot count an event
twice. Bulk writes that bypass ``save()`` (``generate_registry``'s COPY, the spreadsheet imports)
rebuild the whole summary at their end with ``manage.py refresh_map_summary``, as does a reload
of the territory's centroids.
"""

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, F, IntegerField, Model, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Coalesce, ExtractMonth, ExtractYear, Floor

from willaq.cases.models import Case, Event
from willaq.reports.access import UNREGISTERED_STATES
from willaq.reports.map_grid import (
    TEN_DAY_PARTS,
    WHOLE_MONTH,
    WHOLE_YEAR,
    cell_degrees,
    month_index,
)
from willaq.reports.models import EventMapCell

# The summary's grid: cells of 0.00515° (about 570 m), zoom 14's, from which the map sends
# events one by one (``map.POINT_ZOOM``). Coarser zooms add its cells up; finer ones (a few
# streets) read the events, few in such an area.
SUMMARY_ZOOM = 14

# A (cx, cy, month) triple: where an event counts.
Spot = tuple[int, int, int]

_KEYS = (
    "g_month",
    "g_part",
    "g_detail",
    "g_cx",
    "g_cy",
    "g_institution",
    "g_state",
    "g_phase",
    "g_typology",
    "g_case_institution",
)
_SUMS = ("g_events", "g_latitude_sum", "g_longitude_sum")
_COLUMNS = (
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
    "latitude_sum",
    "longitude_sum",
)


def summary_size() -> float:
    return cell_degrees(SUMMARY_ZOOM)


def _placed(events: QuerySet[Event]) -> list[tuple[QuerySet[Event], str, str]]:
    """The events in two parts, each with where its position is read: those with their own
    coordinates, and those placed at their ubigeo's centroid."""
    return [
        (events.filter(latitude__isnull=False, longitude__isnull=False), "latitude", "longitude"),
        (
            events.filter(Q(latitude__isnull=True) | Q(longitude__isnull=True)),
            "ubigeo__latitude",
            "ubigeo__longitude",
        ),
    ]


def _grouped(
    events: QuerySet[Event],
    lat: str,
    lon: str,
    *,
    block: int,
    detail: bool,
    cell: tuple[int, int] | None = None,
) -> QuerySet[Any]:
    """The summary's rows of these events (its columns named ``_KEYS`` and ``_SUMS``): per
    block of days (``WHOLE_MONTH``, the ten-day parts, ``WHOLE_YEAR``), summary cell and keys
    (all of them, or the access rule's only); only one cell if given."""
    size = summary_size()
    year = ExtractYear("event_date") * 12
    unregistered = Q(case__state__in=UNREGISTERED_STATES)
    keys: dict[str, Any] = {
        "g_month": year if block == WHOLE_YEAR else year + ExtractMonth("event_date") - 1,
        "g_part": Value(block)
        if block != TEN_DAY_PARTS[0]
        else models.Case(
            When(event_date__day__lte=10, then=Value(TEN_DAY_PARTS[0])),
            When(event_date__day__lte=20, then=Value(TEN_DAY_PARTS[1])),
            default=Value(TEN_DAY_PARTS[2]),
        ),
        "g_detail": Value(detail),
        "g_institution": F("institution_id") if detail else Cast(Value(None), IntegerField()),
        "g_state": Coalesce(F("case__state"), Value(""))
        if detail
        else models.Case(When(unregistered, then=F("case__state")), default=Value("")),
        "g_phase": Coalesce(F("case__phase"), Value("")) if detail else Value(""),
        "g_typology": F("case__typology_id") if detail else Cast(Value(None), IntegerField()),
        "g_case_institution": models.Case(
            When(unregistered, then=F("case__institution_id")),
            default=Value(None),
            output_field=IntegerField(),
        ),
    }
    rows = events.annotate(g_lat=F(lat), g_lon=F(lon)).filter(
        g_lat__isnull=False, g_lon__isnull=False
    )
    if cell is not None:
        # A superset of the cell on the raw columns (an index range), then the cell exactly.
        cx, cy = cell
        margin = size / 1024
        rows = rows.filter(
            g_lon__gte=cx * size - margin,
            g_lon__lte=(cx + 1) * size + margin,
            g_lat__gte=cy * size - margin,
            g_lat__lte=(cy + 1) * size + margin,
        )
    rows = rows.annotate(
        g_cx=Cast(Floor(F("g_lon") / Value(size)), IntegerField()),
        g_cy=Cast(Floor(F("g_lat") / Value(size)), IntegerField()),
    )
    if cell is not None:
        rows = rows.filter(g_cx=cell[0], g_cy=cell[1])
    return (
        rows.annotate(**keys)
        .values(*_KEYS)
        .annotate(g_events=Count("id"), g_latitude_sum=Sum("g_lat"), g_longitude_sum=Sum("g_lon"))
        .order_by()
    )


# Every kind of row: (block, detail).
_FAMILIES = [
    (block, detail)
    for block in (WHOLE_MONTH, TEN_DAY_PARTS[0], WHOLE_YEAR)
    for detail in (True, False)
]


def _lock() -> None:
    """Serialise the summary's writers (readers pass): a recount's DELETE must see the rows
    another writer inserted (PostgreSQL's READ COMMITTED would not, mid-statement)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(EventMapCell._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")


def rebuild() -> int:
    """The whole summary from the events (``manage.py refresh_map_summary``). Returns its rows."""
    quote = connection.ops.quote_name
    table = quote(EventMapCell._meta.db_table)
    columns = ", ".join(quote(c) for c in _COLUMNS)
    selected = ", ".join(quote(c) for c in (*_KEYS, *_SUMS))
    with transaction.atomic():
        _lock()
        EventMapCell.objects.all().delete()
        with connection.cursor() as cursor:
            for events, lat, lon in _placed(Event.objects.all()):
                for block, detail in _FAMILIES:
                    grouped = _grouped(events, lat, lon, block=block, detail=detail)
                    sql, params = grouped.query.sql_with_params()
                    cursor.execute(
                        # Names from the model and a query Django compiled; values are params.
                        f"INSERT INTO {table} ({columns}) SELECT {selected} FROM ({sql}) AS g",  # noqa: S608
                        params,
                    )
        return EventMapCell.objects.count()


def recount(spots: Iterable[Spot]) -> None:
    """Recount the summary's rows of the cells of these (cell, month) triples, for the whole
    years of those months (a year's row counts its months), from the events."""
    by_cell: dict[tuple[int, int], set[int]] = defaultdict(set)
    for cx, cy, month in spots:
        by_cell[(cx, cy)].add(month // 12)
    if not by_cell:
        return
    with transaction.atomic():
        _lock()
        for (cx, cy), years in sorted(by_cell.items()):
            rows: list[EventMapCell] = []
            for year in sorted(years):
                EventMapCell.objects.filter(
                    cx=cx, cy=cy, month__gte=year * 12, month__lte=year * 12 + 11
                ).delete()
                events = Event.objects.filter(
                    event_date__gte=dt.date(year, 1, 1), event_date__lte=dt.date(year, 12, 31)
                )
                rows += [
                    EventMapCell(
                        **dict(zip(_COLUMNS, (row[k] for k in _KEYS + _SUMS), strict=True))
                    )
                    for part, lat, lon in _placed(events)
                    for block, detail in _FAMILIES
                    for row in _grouped(part, lat, lon, block=block, detail=detail, cell=(cx, cy))
                ]
            EventMapCell.objects.bulk_create(rows)


def event_spots(events: QuerySet[Event]) -> set[Spot]:
    """Where these events count in the summary (whether removed or not)."""
    size = summary_size()
    spots: set[Spot] = set()
    for day, lat, lon, centroid_lat, centroid_lon in events.values_list(
        "event_date", "latitude", "longitude", "ubigeo__latitude", "ubigeo__longitude"
    ):
        if lat is None or lon is None:
            lat, lon = centroid_lat, centroid_lon
        if lat is None or lon is None:
            continue
        spots.add((math.floor(lon / size), math.floor(lat / size), month_index(day)))
    return spots


# --- kept current: receivers of the cases' model signals (connected in ReportsConfig.ready) ---

_CASE_KEYS = ("state", "phase", "typology_id", "institution_id")


def event_before_save(sender: type[Model], instance: Event, raw: bool, **kwargs: Any) -> None:
    if raw or instance.pk is None:
        return
    instance._map_spots_before = event_spots(  # type: ignore[attr-defined]
        Event.all_objects.filter(pk=instance.pk)
    )


def event_saved(sender: type[Model], instance: Event, raw: bool, **kwargs: Any) -> None:
    if raw:
        return
    before: set[Spot] = getattr(instance, "_map_spots_before", set())
    recount(before | event_spots(Event.all_objects.filter(pk=instance.pk)))


def event_deleted(sender: type[Model], instance: Event, **kwargs: Any) -> None:
    ubigeo = instance.ubigeo
    lat, lon = instance.latitude, instance.longitude
    if lat is None or lon is None:
        lat, lon = ubigeo.latitude, ubigeo.longitude
    if lat is None or lon is None:
        return
    size = summary_size()
    recount([(math.floor(lon / size), math.floor(lat / size), month_index(instance.event_date))])


def case_before_save(sender: type[Model], instance: Case, raw: bool, **kwargs: Any) -> None:
    if raw or instance.pk is None:
        return
    instance._map_keys_before = (  # type: ignore[attr-defined]
        Case.objects.filter(pk=instance.pk).values_list(*_CASE_KEYS).first()
    )


def case_saved(
    sender: type[Model], instance: Case, raw: bool, created: bool, **kwargs: Any
) -> None:
    if raw or created:
        return
    before = getattr(instance, "_map_keys_before", None)
    if before == tuple(getattr(instance, key) for key in _CASE_KEYS):
        return
    recount(event_spots(Event.objects.filter(case_id=instance.pk)))

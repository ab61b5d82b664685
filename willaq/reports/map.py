"""The map's data: cases, events and a choropleth, aggregated in the database.

Whatever the registry's size, an answer holds at most ``MAX_FEATURES`` features and costs a fixed
number of queries:

- points are grouped into square cells of the grid of the zoom level (``cell_degrees``: about
  ``CELL_PIXELS`` screen pixels wide) with one ``GROUP BY``, and only the cells inside the
  visible area are sent, largest first; an events' cell counts every event in it, also those
  just outside the visible area (so a cell's count does not change as the map pans), and the
  events' cells at zoom ``SUMMARY_ZOOM`` or coarser are read from the events summary
  (``map_summary``: years, months and ten-day parts; the days left over at the period's ends
  from the events);
- when the area holds at most ``POINT_LIMIT`` items (or the map is zoomed in to street level),
  the items themselves are sent, each with its summary;
- the choropleth counts cases per department or province (at most 196 units).

A case is placed at its own coordinates, else at the centroid (capital) of its principal place;
an event at its coordinates, else at its ubigeo's. The map shows each case's current state; the
period keeps the cases whose life (start to end, or still open) overlaps it and the events dated
in it.
"""

import datetime as dt
import math
from typing import Any

from django.db.models import (
    Avg,
    Count,
    F,
    FilteredRelation,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Floor
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.accounts.access import AnyUser
from willaq.cases.choices import CaseState, EventType
from willaq.cases.models import Case, Event
from willaq.reports.access import map_cases, map_event_cells, map_events
from willaq.reports.map_forms import MapLayer, MapLevel, MapMeasure, MapQuery, map_states
from willaq.reports.map_grid import (
    WHOLE_MONTH,
    WHOLE_YEAR,
    PeriodSplit,
    cell_degrees,
    split_period,
)
from willaq.reports.map_summary import SUMMARY_ZOOM
from willaq.territory.models import Ubigeo

MAX_FEATURES = 2000  # features in one answer, whatever the data
POINT_LIMIT = 300  # items sent one by one when the area holds no more
POINT_ZOOM = 14  # from this zoom on, items are sent one by one (up to MAX_FEATURES)
# Events without a period: the last three months (what is happening now; a longer period is
# one choice away, and costs a longer scan of the events' index).
DEFAULT_EVENT_DAYS = 90
RATE_BASE = 100_000


# --- the rows and their coordinates -------------------------------------------------------------


def _located_cases(user: AnyUser, query: MapQuery) -> QuerySet[Case]:
    cases = (
        map_cases(user, public=query.public)
        .exclude(state=CaseState.MERGED)
        .annotate(principal=FilteredRelation("places", condition=Q(places__is_principal=True)))
        .annotate(
            lat=Coalesce(F("latitude"), F("principal__ubigeo__latitude")),
            lon=Coalesce(F("longitude"), F("principal__ubigeo__longitude")),
        )
    )
    if query.typology:
        cases = cases.filter(typology_id__in=query.typology_ids)
    if query.state:
        cases = cases.filter(state=query.state)
    if query.phase:
        cases = cases.filter(phase=query.phase)
    if query.institution:
        cases = cases.filter(institution_id__in=query.institution_ids)
    if query.date_to:
        cases = cases.filter(start_date__lte=query.date_to)
    if query.date_from:
        cases = cases.filter(Q(end_date__isnull=True) | Q(end_date__gte=query.date_from))
    return cases


def event_period(query: MapQuery) -> tuple[dt.date, dt.date | None]:
    """The events' period: the one asked, or the last three months up to its end."""
    if query.date_from:
        return query.date_from, query.date_to
    end = query.date_to or timezone.localdate()
    return end - dt.timedelta(days=DEFAULT_EVENT_DAYS), query.date_to


def _filtered_events(
    user: AnyUser, query: MapQuery, first: dt.date, last: dt.date | None
) -> QuerySet[Event]:
    events = map_events(user, public=query.public).filter(event_date__gte=first)
    if last:
        events = events.filter(event_date__lte=last)
    # A filter on the case's typology, state or phase keeps the events of such cases only.
    if query.typology:
        events = events.filter(case__typology_id__in=query.typology_ids)
    if query.state:
        events = events.filter(case__state=query.state)
    if query.phase:
        events = events.filter(case__phase=query.phase)
    if query.institution:
        events = events.filter(institution_id__in=query.institution_ids)
    return events


def view_cells(query: MapQuery) -> tuple[int, int, int, int]:
    """The grid cells of the zoom the visible area touches: first and last column and row."""
    size = cell_degrees(query.zoom)
    west, south, east, north = query.bbox
    return (
        math.floor(west / size),
        math.floor(south / size),
        math.floor(east / size),
        math.floor(north / size),
    )


def _in_view_cells(rows: QuerySet[Any], query: MapQuery) -> QuerySet[Any]:
    """The rows (annotated ``lat``, ``lon``) in the cells the visible area touches: a range on
    the coordinates a little wider than the cells (an index range), then the cells exactly."""
    size = cell_degrees(query.zoom)
    x0, y0, x1, y1 = view_cells(query)
    margin = size / 1024
    return (
        rows.filter(
            lat__gte=y0 * size - margin,
            lat__lte=(y1 + 1) * size + margin,
            lon__gte=x0 * size - margin,
            lon__lte=(x1 + 1) * size + margin,
        )
        .annotate(vx=Floor(F("lon") / Value(size)), vy=Floor(F("lat") / Value(size)))
        .filter(vx__gte=x0, vx__lte=x1, vy__gte=y0, vy__lte=y1)
    )


def _own_events(
    user: AnyUser, query: MapQuery, first: dt.date, last: dt.date | None
) -> QuerySet[Event]:
    """The events from ``first`` to ``last`` with their own coordinates (nearly all) in the cells
    the visible area touches, filtered on their columns straight from the map's covering indexes
    without joining the territory."""
    events = _filtered_events(user, query, first, last)
    return _in_view_cells(
        events.filter(latitude__isnull=False, longitude__isnull=False).annotate(
            lat=F("latitude"), lon=F("longitude")
        ),
        query,
    )


def _unplaced_events(
    user: AnyUser, query: MapQuery, first: dt.date, last: dt.date | None
) -> QuerySet[Event]:
    """The events from ``first`` to ``last`` without coordinates of their own (the map places
    them at their ubigeo's centroid), whatever their place."""
    return _filtered_events(user, query, first, last).filter(
        Q(latitude__isnull=True) | Q(longitude__isnull=True)
    )


def _event_parts(
    user: AnyUser, query: MapQuery, first: dt.date, last: dt.date | None
) -> tuple[QuerySet[Event], QuerySet[Event]]:
    """The events from ``first`` to ``last`` in the cells the visible area touches, in two
    parts read apart: ``_own_events``, and those placed at their ubigeo's centroid."""
    # The places whose centroid lies in those cells, picked here with the same arithmetic
    # (a join filtered on the territory's columns misleads PostgreSQL's estimates).
    centroid = _unplaced_events(user, query, first, last).filter(
        ubigeo_id__in=list(_centroids_in_view(query))
    )
    return _own_events(user, query, first, last), centroid.annotate(
        lat=F("ubigeo__latitude"), lon=F("ubigeo__longitude")
    )


def _centroids_in_view(query: MapQuery) -> dict[int, tuple[float, float]]:
    """The places (ubigeo id: latitude, longitude) whose centroid lies in the cells the visible
    area touches."""
    size = cell_degrees(query.zoom)
    x0, y0, x1, y1 = view_cells(query)
    margin = size / 1024
    places = Ubigeo.objects.filter(
        latitude__gte=y0 * size - margin,
        latitude__lte=(y1 + 1) * size + margin,
        longitude__gte=x0 * size - margin,
        longitude__lte=(x1 + 1) * size + margin,
    ).values_list("id", "latitude", "longitude")
    return {
        pk: (lat, lon)
        for pk, lat, lon in places
        if lat is not None
        and lon is not None
        and x0 <= math.floor(lon / size) <= x1
        and y0 <= math.floor(lat / size) <= y1
    }


# Above this many places in view, the unplaced events are counted per place over the whole
# country and the places out of view dropped here: a list of 1,900 ids in the query cost more
# to send than the count (13 ms against 3).
CENTROID_ID_LIMIT = 200


def _unplaced_counts(
    user: AnyUser,
    query: MapQuery,
    first: dt.date,
    last: dt.date | None,
    centroids: dict[int, tuple[float, float]],
) -> list[tuple[int, int, int, float, float]]:
    """The events without coordinates of their own, counted per place in the database (no join
    to the territory), as (cx, cy, count, sum of latitudes, sum of longitudes) in the cell of
    their place's centroid (``centroids``: those in view, ``_centroids_in_view``)."""
    events = _unplaced_events(user, query, first, last)
    if len(centroids) <= CENTROID_ID_LIMIT:
        events = events.filter(ubigeo_id__in=list(centroids))
    size = cell_degrees(query.zoom)
    counts = events.values("ubigeo_id").annotate(n=Count("id")).order_by()
    return [
        (math.floor(lon / size), math.floor(lat / size), n, lat * n, lon * n)
        for ubigeo_id, n in counts.values_list("ubigeo_id", "n")
        if ubigeo_id in centroids
        for lat, lon in [centroids[ubigeo_id]]
    ]


def event_split(query: MapQuery) -> PeriodSplit:
    """How the events' period is read: from the summary where it holds the zoom's cells, the
    rest (every day at a finer zoom) from the events."""
    start, end = event_period(query)
    if query.zoom <= SUMMARY_ZOOM:
        return split_period(start, end)
    return PeriodSplit(days=((start, end),))


def summary_periods(split: PeriodSplit) -> list[Q]:
    """The split's blocks as conditions on the summary, each one range of its period index
    (apart, so that each is an index-only scan: an ``OR`` of them is a bitmap over the table)."""
    periods: list[Q] = []
    if split.years is not None:
        first, last = split.years
        years = Q(part=WHOLE_YEAR, month__gte=first * 12)
        if last is not None:
            years &= Q(month__lte=last * 12)
        periods.append(years)
    for first_month, last_month in split.months:
        periods.append(Q(part=WHOLE_MONTH, month__gte=first_month, month__lte=last_month))
    by_month: dict[int, list[int]] = {}
    for month, part in split.parts:
        by_month.setdefault(month, []).append(part)
    for month, parts in sorted(by_month.items()):
        periods.append(Q(part__in=parts, month=month))
    return periods


def _summary_cell_rows(user: AnyUser, query: MapQuery, period: Q) -> list[dict[str, Any]]:
    """The zoom's cells summed from the summary's rows of one block of the period (a summary
    cell at ``SUMMARY_ZOOM`` lies in the zoom's cell ``(cx >> k, cy >> k)``)."""
    # Without a filter, the rows of the access rule's keys only (far fewer).
    filtered = bool(query.typology or query.state or query.phase or query.institution)
    shift = SUMMARY_ZOOM - query.zoom
    x0, y0, x1, y1 = view_cells(query)
    # The visible cells on the shifted columns: an expression no index serves, so PostgreSQL
    # reads the period's rows from the covering period index (a range on ``cx`` tempted it to
    # the recount's cell index and 26,000 heap pages).
    rows: QuerySet[Any] = (
        map_event_cells(user, public=query.public)
        .filter(period, detail=filtered)
        .annotate(mx=F("cx").bitrightshift(shift), my=F("cy").bitrightshift(shift))
        .filter(mx__gte=x0, mx__lte=x1, my__gte=y0, my__lte=y1)
    )
    if query.typology:
        rows = rows.filter(typology_id__in=query.typology_ids)
    if query.state:
        rows = rows.filter(case_state=query.state)
    if query.phase:
        rows = rows.filter(case_phase=query.phase)
    if query.institution:
        rows = rows.filter(institution_id__in=query.institution_ids)
    grouped: list[dict[str, Any]] = list(
        rows.values("mx", "my")
        .annotate(n=Sum("events"), sum_lat=Sum("latitude_sum"), sum_lon=Sum("longitude_sum"))
        .order_by("-n", "mx", "my")[: MAX_FEATURES + 1]
    )
    return grouped


def _event_cells(user: AnyUser, query: MapQuery) -> tuple[list[dict[str, Any]], int, bool]:
    """The events' grid cells: the summary's (``_summary_cell_rows``) and those of the days it
    does not hold, read from the events in two parts (``_own_events``, ``_unplaced_counts``),
    merged."""
    split = event_split(query)
    # Per cell: the count and the sums of the positions.
    merged: dict[tuple[int, int], list[float]] = {}

    def add(cx: float, cy: float, n: int, sum_lat: float, sum_lon: float) -> None:
        held = merged.setdefault((int(cx), int(cy)), [0, 0.0, 0.0])
        held[0] += n
        held[1] += sum_lat
        held[2] += sum_lon

    for period in summary_periods(split):
        for row in _summary_cell_rows(user, query, period):
            add(row["mx"], row["my"], row["n"], row["sum_lat"], row["sum_lon"])
    centroids = _centroids_in_view(query) if split.days else {}
    for first, last in split.days:
        for cell in _cell_rows(_own_events(user, query, first, last), query.zoom, {}):
            n = cell["n"]
            add(cell["cx"], cell["cy"], n, cell["mean_lat"] * n, cell["mean_lon"] * n)
        for place in _unplaced_counts(user, query, first, last, centroids):
            add(*place)
    cells = sorted(
        (
            {"cx": cx, "cy": cy, "n": int(n), "mean_lat": lat / n, "mean_lon": lon / n}
            for (cx, cy), (n, lat, lon) in merged.items()
            if n
        ),
        key=lambda c: (-c["n"], c["cx"], c["cy"]),
    )
    return (
        _cell_features(cells[:MAX_FEATURES], query.zoom, {}),
        _count(cells),
        (len(cells) > MAX_FEATURES),
    )


def _inside(rows: QuerySet[Any], bbox: tuple[float, float, float, float]) -> QuerySet[Any]:
    west, south, east, north = bbox
    return rows.filter(lat__gte=south, lat__lte=north, lon__gte=west, lon__lte=east)


# --- answers -------------------------------------------------------------------------------------


def _point(lon: float, lat: float, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
        "properties": properties,
    }


def _cell_rows(rows: QuerySet[Any], zoom: int, breakdown: dict[str, Q]) -> list[dict[str, Any]]:
    """Rows grouped by grid cell: ``cx``, ``cy``, ``n``, the mean position and the counts of
    ``breakdown``; the largest ``MAX_FEATURES`` + 1 (one more tells that some were left out)."""
    size = cell_degrees(zoom)
    return list(
        rows.annotate(cx=Floor(F("lon") / Value(size)), cy=Floor(F("lat") / Value(size)))
        .values("cx", "cy")
        .annotate(
            n=Count("id"),
            mean_lat=Avg("lat"),
            mean_lon=Avg("lon"),
            **{f"by_{key}": Count("id", filter=condition) for key, condition in breakdown.items()},
        )
        .order_by("-n", "cx", "cy")[: MAX_FEATURES + 1]
    )


def _count(cells: list[dict[str, Any]]) -> int:
    return sum(int(cell["n"]) for cell in cells)


def _cell_features(
    cells: list[dict[str, Any]], zoom: int, breakdown: dict[str, Q]
) -> list[dict[str, Any]]:
    size = cell_degrees(zoom)
    return [
        _point(
            cell["mean_lon"],
            cell["mean_lat"],
            {
                "cluster": True,
                "count": cell["n"],
                "by": {key: cell[f"by_{key}"] for key in breakdown if cell[f"by_{key}"]},
                "bounds": [
                    cell["cx"] * size,
                    cell["cy"] * size,
                    (cell["cx"] + 1) * size,
                    (cell["cy"] + 1) * size,
                ],
            },
        )
        for cell in cells
    ]


def _clusters(
    rows: QuerySet[Any], zoom: int, breakdown: dict[str, Q]
) -> tuple[list[dict[str, Any]], int, bool]:
    """One feature per grid cell holding rows: the count, the mean position, and the counts of
    ``breakdown``. Returns the features (largest cells first), the rows they count, and
    whether cells were left out for the cap."""
    cells = _cell_rows(rows, zoom, breakdown)
    kept = cells[:MAX_FEATURES]
    return _cell_features(kept, zoom, breakdown), _count(kept), len(cells) > MAX_FEATURES


def _answer(
    query: MapQuery, mode: str, features: list[dict[str, Any]], total: int, truncated: bool
) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "layer": query.layer,
        "mode": mode,
        "zoom": query.zoom,
        "bbox": list(query.bbox),
        "cell_degrees": cell_degrees(query.zoom),
        "total": total,
        "truncated": truncated,
        "max_features": MAX_FEATURES,
        "features": features,
    }


def _wants_points(query: MapQuery, total: int, truncated: bool) -> bool:
    return query.zoom >= POINT_ZOOM or (not truncated and total <= POINT_LIMIT)


def case_layer(user: AnyUser, query: MapQuery) -> dict[str, Any]:
    rows = _inside(_located_cases(user, query), query.bbox)
    states = map_states(public=query.public)
    features, total, truncated = _clusters(
        rows, query.zoom, {state: Q(state=state) for state in states}
    )
    if not _wants_points(query, total, truncated):
        return _answer(query, "clusters", features, total, truncated)
    labels = {value: str(label) for value, label in CaseState.choices}
    points = list(
        rows.order_by("code", "pk").values(
            "uuid",
            "code",
            "name",
            "state",
            "lat",
            "lon",
            "typology__name",
            "principal__ubigeo__name",
            "principal__grouping__name",
        )[: MAX_FEATURES + 1]
    )
    features = [
        _point(
            row["lon"],
            row["lat"],
            {
                "uuid": str(row["uuid"]),
                "code": row["code"] or "",
                "name": row["name"],
                "state": row["state"],
                "state_label": labels.get(row["state"], row["state"]),
                "typology": row["typology__name"] or "",
                "place": row["principal__grouping__name"] or row["principal__ubigeo__name"] or "",
                "url": ""
                if query.public
                else reverse("cases:detail", kwargs={"case_uuid": row["uuid"]}),
            },
        )
        for row in points[:MAX_FEATURES]
    ]
    return _answer(query, "points", features, total, truncated or len(points) > MAX_FEATURES)


def event_layer(user: AnyUser, query: MapQuery) -> dict[str, Any]:
    features, total, truncated = _event_cells(user, query)
    if not _wants_points(query, total, truncated):
        return _answer(query, "clusters", features, total, truncated)
    labels = {value: str(label) for value, label in EventType.choices}
    # The points' own columns only; their places' and cases' names are looked up after, by id
    # (joined in, PostgreSQL misjudged the rows of a small area and read the territory again
    # for each event: 300 ms for a few streets' 1,443 events).
    fields = ("uuid", "event_date", "event_type", "lat", "lon", "ubigeo_id", "case_id")
    points = sorted(
        (
            row
            for part in _event_parts(user, query, *event_period(query))
            for row in part.order_by("-event_date", "-pk").values_list(*fields)[: MAX_FEATURES + 1]
        ),
        key=lambda row: row[1],
        reverse=True,
    )
    kept = points[:MAX_FEATURES]
    places = dict(Ubigeo.objects.filter(pk__in={row[5] for row in kept}).values_list("pk", "name"))
    codes = dict(
        Case.objects.filter(pk__in={row[6] for row in kept if row[6]}).values_list("pk", "code")
    )
    features = [
        _point(
            lon,
            lat,
            {
                "uuid": str(uuid),
                "date": day.isoformat(),
                "event_type": event_type,
                "event_type_label": labels.get(event_type, event_type),
                "place": places.get(ubigeo_id) or "",
                "case_code": codes.get(case_id) or "",
            },
        )
        for uuid, day, event_type, lat, lon, ubigeo_id, case_id in kept
    ]
    return _answer(query, "points", features, total, truncated or len(points) > MAX_FEATURES)


def _breaks(values: list[float], classes: int = 5) -> list[float]:
    """Upper bounds of ``classes`` quantile classes of the positive values (the legend)."""
    positive = sorted(v for v in values if v > 0)
    if not positive:
        return []
    bounds = [
        positive[min(len(positive) - 1, (len(positive) * k) // classes)] for k in range(1, classes)
    ]
    return sorted({*bounds, positive[-1]})


def choropleth_layer(user: AnyUser, query: MapQuery) -> dict[str, Any]:
    """Cases per department or province of their principal place; with ``rate``, per 100,000
    inhabitants of the unit (INEI's estimate, ``Ubigeo.population``)."""
    department = query.level == MapLevel.DEPARTMENT
    key = "principal__ubigeo__department_code" if department else "principal__ubigeo__province_code"
    counts: dict[str, int] = dict(
        _located_cases(user, query)
        .annotate(unit=F(key))
        .filter(unit__isnull=False)
        .values("unit")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("unit", "n")
    )
    units = Ubigeo.objects.filter(level=query.level).order_by("code")
    rows: list[dict[str, Any]] = []
    for code, name, population in units.values_list("code", "name", "population"):
        count = counts.get(code, 0)
        rate = round(count * RATE_BASE / population, 2) if population else None
        rows.append(
            {
                "code": code,
                "key": code[:2] if department else code[:4],
                "name": name,
                "count": count,
                "population": population,
                "rate": rate,
                "value": rate if query.measure == MapMeasure.RATE else count,
            }
        )
    values = [float(r["value"]) for r in rows if r["value"] is not None]
    return {
        "layer": query.layer,
        "level": query.level,
        "measure": query.measure,
        "measure_label": str(MapMeasure(query.measure).label),
        "source": _("Población: INEI, estimaciones 2017 por distrito."),
        "total": sum(counts.get(r["code"], 0) for r in rows),
        "breaks": _breaks(values),
        "units": rows,
    }


def map_data(user: AnyUser, query: MapQuery) -> dict[str, Any]:
    if query.layer == MapLayer.EVENTS:
        return event_layer(user, query)
    if query.layer == MapLayer.CHOROPLETH:
        return choropleth_layer(user, query)
    return case_layer(user, query)

"""The one row rule of the open-data sets: which records (``willaq.reports.access``), which
fields blanked (``hidden_case_fields`` / ``hidden_event_fields``, per record), read with a
server-side cursor in a stable order."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from willaq.accounts.access import AnyUser
from willaq.accounts.models import Institution
from willaq.cases.access import EVENT_PRIVATE_FIELDS, hidden_case_fields, hidden_event_fields
from willaq.cases.choices import (
    REGISTERED_STATES,
    CategoryKind,
    EventType,
    SubEventType,
)
from willaq.cases.history import end_of_month
from willaq.cases.models import Case, CaseClassification, CasePlace, Category, Event
from willaq.reports.access import open_data_cases, open_data_events, sees_drafts_of
from willaq.reports.opendata.columns import CASE_TEXT_COLUMNS, LIST_SEPARATOR
from willaq.reports.opendata.filters import ExportFilters
from willaq.territory.models import Grouping, Level, Ubigeo

# Rows read from the database at a time (and the chunk a prefetch covers).
CHUNK_SIZE = 2000
# The panel starts here at the earliest: the ombudsman's first monthly report (2004-01).
PANEL_START = dt.date(2004, 1, 1)

Row = list[Any]


# --- what every export reads once ----------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str
    department_code: str
    province_code: str
    latitude: float | None
    longitude: float | None


@dataclass
class Lookups:
    """The small tables an export names rows with, read once: territory, groupings,
    categories and institutions (thousands of rows, whatever the size of the registry)."""

    units: dict[int, Unit] = field(default_factory=dict)
    names_by_code: dict[str, str] = field(default_factory=dict)
    groupings: dict[int, str] = field(default_factory=dict)
    categories: dict[int, tuple[str, str]] = field(default_factory=dict)
    institutions: dict[int, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> "Lookups":
        lookups = cls()
        rows = Ubigeo.objects.values_list(
            "id",
            "code",
            "name",
            "level",
            "department_code",
            "province_code",
            "latitude",
            "longitude",
        )
        for pk, code, name, level, department, province, lat, lon in rows:
            lookups.units[pk] = Unit(code, name, level, department, province, lat, lon)
            lookups.names_by_code[code] = name
        lookups.groupings = dict(Grouping.objects.values_list("id", "name"))
        lookups.categories = {
            pk: (code, name)
            for pk, code, name in Category.objects.values_list("id", "code", "name")
        }
        lookups.institutions = {
            pk: (slug, name)
            for pk, slug, name in Institution.objects.values_list("id", "slug", "name")
        }
        return lookups

    def place_names(self, unit: Unit | None) -> tuple[str, str, str]:
        """(department, province, district) names of a unit, blank below its level."""
        if unit is None:
            return "", "", ""
        department = self.names_by_code.get(unit.department_code, "")
        province = self.names_by_code.get(unit.province_code, "") if unit.province_code else ""
        district = unit.name if unit.level == Level.DISTRICT else ""
        return department, province, district

    def unit_ids_in_department(self, code: str) -> list[int]:
        return [pk for pk, unit in self.units.items() if unit.department_code == code]

    def institution_id(self, slug: str) -> int | None:
        return next((pk for pk, (s, _name) in self.institutions.items() if s == slug), None)

    def typology_ids(self, code: str) -> set[int]:
        """The typologies that count as ``code``: the shared one and those mapped onto it."""
        shared = Category.objects.filter(kind=CategoryKind.TYPOLOGY, code=code)
        return set(
            Category.objects.filter(Q(pk__in=shared) | Q(maps_to__in=shared)).values_list(
                "pk", flat=True
            )
        )

    def category(self, pk: int | None) -> tuple[str, str]:
        if pk is None:
            return "", ""
        return self.categories.get(pk, ("", ""))


def _typology_q(prefix: str, code: str) -> Q:
    return Q(**{f"{prefix}typology__code": code}) | Q(**{f"{prefix}typology__maps_to__code": code})


# --- cases ---------------------------------------------------------------------------------------


def filtered_cases(user: AnyUser, filters: ExportFilters) -> QuerySet[Case]:
    cases = open_data_cases(user)
    if filters.date_from:
        cases = cases.filter(start_date__gte=filters.date_from)
    if filters.date_to:
        cases = cases.filter(start_date__lte=filters.date_to)
    if filters.typology:
        cases = cases.filter(_typology_q("", filters.typology))
    if filters.state:
        cases = cases.filter(state=filters.state)
    if filters.institution:
        cases = cases.filter(institution__slug=filters.institution)
    if filters.department:
        placed = CasePlace.objects.filter(
            case=OuterRef("pk"), ubigeo__department_code=filters.department
        )
        cases = cases.filter(Exists(placed))
    return cases


def case_rows(user: AnyUser, filters: ExportFilters, lookups: Lookups) -> Iterator[Row]:
    """One row per case the user may see, by id; each case's confidential fields blank."""
    cases = (
        filtered_cases(user, filters)
        .prefetch_related(
            Prefetch("places", CasePlace.objects.order_by("-is_principal", "ubigeo__code")),
            Prefetch("classifications", CaseClassification.objects.order_by("institution_id")),
        )
        .order_by("id")
    )
    with transaction.atomic(using=cases.db):
        yield from _case_rows(user, cases, lookups)


def _case_rows(user: AnyUser, cases: QuerySet[Case], lookups: Lookups) -> Iterator[Row]:
    for case in cases.iterator(chunk_size=CHUNK_SIZE):
        hidden = hidden_case_fields(user, case)
        places = list(case.places.all())
        principal = next((p for p in places if p.is_principal), None)
        unit = lookups.units.get(principal.ubigeo_id) if principal else None
        department, province, district = lookups.place_names(unit)
        lat: float | None
        lon: float | None
        if case.latitude is not None and case.longitude is not None:
            lat, lon, origin = case.latitude, case.longitude, "case"
        elif unit is not None and unit.latitude is not None:
            lat, lon, origin = unit.latitude, unit.longitude, "place"
        else:
            lat, lon, origin = None, None, ""
        typology, subtype = lookups.category(case.typology_id), lookups.category(case.subtype_id)
        institution = lookups.institutions.get(case.institution_id, ("", ""))
        yield [
            str(case.uuid),
            case.code or "",
            case.name,
            *("" if name in hidden else getattr(case, name) for name in CASE_TEXT_COLUMNS),
            typology[0],
            typology[1],
            subtype[0],
            subtype[1],
            case.state,
            case.phase,
            case.scope,
            case.start_date,
            case.start_date_precision,
            case.end_date,
            unit.code if unit else "",
            department,
            province,
            district,
            lookups.groupings.get(principal.grouping_id, "")
            if principal and principal.grouping_id
            else "",
            LIST_SEPARATOR.join(_place_code(lookups, p) for p in places),
            LIST_SEPARATOR.join(_place_name(lookups, p) for p in places),
            lat,
            lon,
            origin,
            case.competent_authority,
            case.dialogue_mechanism,
            case.institution_role,
            LIST_SEPARATOR.join(
                f"{lookups.institutions.get(c.institution_id, ('', ''))[0]}:{c.classification}"
                for c in case.classifications.all()
            ),
            institution[0],
            institution[1],
        ]


def _place_code(lookups: Lookups, place: CasePlace) -> str:
    unit = lookups.units.get(place.ubigeo_id)
    return unit.code if unit else ""


def _place_name(lookups: Lookups, place: CasePlace) -> str:
    if place.grouping_id:
        return lookups.groupings.get(place.grouping_id, "")
    unit = lookups.units.get(place.ubigeo_id)
    return unit.name if unit else ""


# --- the case-month panel ------------------------------------------------------------------------


def last_complete_month(today: dt.date | None = None) -> dt.date:
    """The first day of the last month that has ended (in the installation's time zone)."""
    if today is None:
        today = timezone.localtime(timezone.now(), ZoneInfo(settings.TIME_ZONE)).date()
    first = today.replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def _months(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + dt.timedelta(days=32)).replace(day=1)


# Columns of Case.history and CasePlace.history the panel reads (nothing else is loaded).
_CASE_HISTORY = (
    "id",
    "history_date",
    "history_id",
    "history_type",
    "uuid",
    "code",
    "state",
    "phase",
    "typology_id",
    "subtype_id",
    "scope",
    "start_date",
    "institution_id",
)
_PLACE_HISTORY = ("case_id", "id", "history_date", "history_id", "history_type")
_PLACE_VALUES = ("ubigeo_id", "grouping_id", "is_principal")


def case_month_rows(
    user: AnyUser, filters: ExportFilters, lookups: Lookups, today: dt.date | None = None
) -> Iterator[Row]:
    """One row per case per month end, from the case's first month (2004-01 at the earliest)
    to the last complete month, with the case's state, phase, typology, scope and principal
    place as they stood at that month end by effective date (``history_date``).

    Reads ``Case.history`` and ``CasePlace.history`` of the cases the user may see, both
    ordered by case and effective date, side by side with two server-side cursors: one case's
    history is in memory at a time. A month before the case's first historical row has no row
    (the case was not in the registry yet); a month whose state was a draft or a proposal
    appears only inside the registering institution (``sees_drafts_of``)."""
    cases = filtered_cases(user, ExportFilters(institution=filters.institution)).values("id")
    case_history = (
        Case.history.filter(id__in=cases)
        .order_by("id", "history_date", "history_id")
        .values_list(*_CASE_HISTORY)
    )
    place_history = (
        CasePlace.history.filter(case_id__in=cases)
        .order_by("case_id", "history_date", "history_id")
        .values_list(*_PLACE_HISTORY, *_PLACE_VALUES)
    )
    last = last_complete_month(today)
    if filters.date_to:
        last = min(last, filters.date_to.replace(day=1))
    typologies = lookups.typology_ids(filters.typology) if filters.typology else None
    registered = {str(s) for s in REGISTERED_STATES}
    places_by_case = groupby(place_history.iterator(chunk_size=CHUNK_SIZE), key=lambda r: r[0])
    pending: tuple[int, list[tuple[Any, ...]]] | None = None

    def places_of(case_id: int) -> list[tuple[Any, ...]]:
        """The place rows of ``case_id`` (both cursors walk the cases in the same order)."""
        nonlocal pending
        while True:
            if pending is None:
                nxt = next(places_by_case, None)
                if nxt is None:
                    return []
                pending = (nxt[0], list(nxt[1]))
            if pending[0] > case_id:
                return []
            current, pending = pending, None
            if current[0] == case_id:
                return current[1]

    for case_id, group in groupby(case_history.iterator(chunk_size=CHUNK_SIZE), lambda r: r[0]):
        rows = list(group)
        places = places_of(case_id)
        current = rows[-1]
        institution_id = current[12]
        drafts_visible = sees_drafts_of(user, institution_id)
        entered = timezone.localtime(rows[0][1], ZoneInfo(settings.TIME_ZONE)).date()
        first = max(PANEL_START, entered.replace(day=1), current[11].replace(day=1))
        if filters.date_from:
            first = max(first, filters.date_from.replace(day=1))
        case_index = place_index = 0
        case_row: tuple[Any, ...] | None = None
        live_places: dict[int, tuple[Any, ...]] = {}
        for month in _months(first, last):
            moment = end_of_month(month.year, month.month)
            while case_index < len(rows) and rows[case_index][1] <= moment:
                case_row = rows[case_index]
                case_index += 1
            while place_index < len(places) and places[place_index][2] <= moment:
                place = places[place_index]
                if place[4] == "-":
                    live_places.pop(place[1], None)
                else:
                    live_places[place[1]] = place
                place_index += 1
            if case_row is None or case_row[3] == "-":
                continue
            state = case_row[6]
            if state not in registered and not drafts_visible:
                continue
            if filters.state and state != filters.state:
                continue
            if typologies is not None and case_row[8] not in typologies:
                continue
            principal = next((p for p in live_places.values() if p[7]), None)
            unit = lookups.units.get(principal[5]) if principal else None
            if filters.department and (unit is None or unit.department_code != filters.department):
                continue
            yield _panel_row(lookups, current, case_row, month, moment, unit, principal)


def _panel_row(
    lookups: Lookups,
    current: tuple[Any, ...],
    row: tuple[Any, ...],
    month: dt.date,
    moment: dt.datetime,
    unit: Unit | None,
    principal: tuple[Any, ...] | None,
) -> Row:
    typology, subtype = lookups.category(row[8]), lookups.category(row[9])
    department, province, district = lookups.place_names(unit)
    grouping = principal[6] if principal else None
    return [
        str(current[4]),
        current[5] or "",
        f"{month:%Y-%m}",
        moment.date(),
        row[6],
        row[7],
        typology[0],
        typology[1],
        subtype[0],
        subtype[1],
        row[10],
        unit.department_code if unit else "",
        department,
        unit.province_code if unit else "",
        province,
        unit.code if unit and unit.level == Level.DISTRICT else "",
        district,
        lookups.groupings.get(grouping, "") if grouping else "",
        unit.latitude if unit else None,
        unit.longitude if unit else None,
        lookups.institutions.get(current[12], ("", ""))[0],
    ]


# --- events --------------------------------------------------------------------------------------

_DISORDER = {
    EventType.PROTESTS: "Demonstrations",
    EventType.RIOTS: "Demonstrations",
    EventType.BATTLES: "Political violence",
    EventType.EXPLOSIONS: "Political violence",
    EventType.VIOLENCE_AGAINST_CIVILIANS: "Political violence",
    EventType.STRATEGIC_DEVELOPMENTS: "Strategic developments",
}
# Sub-event types that are violence within a demonstration.
_DISORDER_BY_SUBTYPE = {
    SubEventType.EXCESSIVE_FORCE: "Political violence; Demonstrations",
    SubEventType.MOB_VIOLENCE: "Political violence; Demonstrations",
}
_EVENT_VALUES = (
    "uuid",
    "event_date",
    "date_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "ubigeo_id",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
    "injured",
    "end_date",
    "protest_form",
    "case__uuid",
    "case__code",
    "institution_id",
)
_PRIVATE_VALUES = ("sources", "source_scale", "notes", "reported_by")
assert set(_PRIVATE_VALUES) == set(EVENT_PRIVATE_FIELDS)


def filtered_events(user: AnyUser, filters: ExportFilters, lookups: Lookups) -> QuerySet[Event]:
    events = open_data_events(user)
    if filters.date_from:
        events = events.filter(event_date__gte=filters.date_from)
    if filters.date_to:
        events = events.filter(event_date__lte=filters.date_to)
    if filters.event_type:
        events = events.filter(event_type=filters.event_type)
    if filters.department:
        events = events.filter(ubigeo_id__in=lookups.unit_ids_in_department(filters.department))
    if filters.institution:
        institution_id = lookups.institution_id(filters.institution)
        events = events.filter(institution_id=institution_id) if institution_id else events.none()
    if filters.typology:
        events = events.filter(_typology_q("case__", filters.typology))
    if filters.state:
        events = events.filter(case__state=filters.state)
    return events


def event_rows(user: AnyUser, filters: ExportFilters, lookups: Lookups) -> Iterator[Row]:
    """One row per event the user may see (not removed), in the order they were recorded (by
    id: stable, and a new event comes last), with ACLED's columns; sources, notes and reporter
    only of the events whose institution the user is inside (``hidden_event_fields``).

    The hot loop of the largest export (P4): uuids come as text from PostgreSQL (no UUID
    object per row), places are named once per unit, and the cursor is read inside a
    transaction so PostgreSQL streams it instead of materialising a holdable cursor."""
    with_private = user.is_authenticated
    events = filtered_events(user, filters, lookups)
    uuid_names = ("uuid", "case__uuid")
    if connection.vendor == "postgresql":
        events = events.annotate(
            uuid_text=Cast("uuid", TextField()), case_uuid_text=Cast("case__uuid", TextField())
        )
        uuid_names = ("uuid_text", "case_uuid_text")
    names = [uuid_names[0], *_EVENT_VALUES[1:20], uuid_names[1], *_EVENT_VALUES[21:]]
    if with_private:
        names += _PRIVATE_VALUES
    hidden_by_institution: dict[int, frozenset[str]] = {}
    places: dict[int, tuple[str, str, str, str, float | None, float | None]] = {}
    institutions = lookups.institutions
    with transaction.atomic(using=events.db):
        rows = events.order_by("id").values_list(*names).iterator(chunk_size=CHUNK_SIZE)
        for r in rows:
            place = places.get(r[11])
            if place is None:
                unit = lookups.units.get(r[11])
                place = (
                    *lookups.place_names(unit),
                    unit.code if unit else "",
                    unit.latitude if unit else None,
                    unit.longitude if unit else None,
                )
                places[r[11]] = place
            lat, lon = r[13], r[14]
            if lat is None or lon is None:
                lat, lon = place[4], place[5]
            inter1, inter2 = r[7], r[10]
            interaction = (
                (min(inter1, inter2) * 10 + max(inter1, inter2)) if inter2 else inter1 * 10
            )
            event_type = r[3]
            row: Row = [
                f"PER-{r[0]}",
                r[1],
                r[1].year,
                r[2],
                _DISORDER_BY_SUBTYPE.get(r[4]) or _DISORDER.get(event_type, ""),
                event_type,
                r[4],
                r[5],
                r[6],
                inter1,
                r[8],
                r[9],
                inter2,
                interaction,
                "Civilian targeting" if event_type == EventType.VIOLENCE_AGAINST_CIVILIANS else "",
                604,
                "South America",
                "Peru",
                place[0],
                place[1],
                place[2],
                r[12],
                lat,
                lon,
                r[15],
            ]
            if with_private:
                institution_id = r[22]
                hidden = hidden_by_institution.get(institution_id)
                if hidden is None:
                    hidden = hidden_event_fields(user, institution_id)
                    hidden_by_institution[institution_id] = hidden
                row += [
                    "" if name in hidden else r[23 + i] for i, name in enumerate(_PRIVATE_VALUES)
                ]
            row += [
                r[16],
                r[17],
                r[18],
                r[19],
                place[3],
                str(r[20]) if r[20] else "",
                r[21] or "",
                institutions.get(r[22], ("", ""))[0],
            ]
            yield row

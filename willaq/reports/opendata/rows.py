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
from django.db import transaction
from django.db.models import Case as DjangoCase
from django.db.models import (
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, ExtractYear, Greatest, Least, NullIf
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
    with transaction.atomic(using=case_history.db):
        yield from _case_months(user, filters, lookups, case_history, place_history, today)


def _case_months(
    user: AnyUser,
    filters: ExportFilters,
    lookups: Lookups,
    case_history: QuerySet[Any],
    place_history: QuerySet[Any],
    today: dt.date | None,
) -> Iterator[Row]:
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


class UuidText(Func):
    """A uuid column as its canonical text (``8-4-4-4-12``) on every database: PostgreSQL casts
    its uuid type; SQLite stores 32 hex digits, which get their dashes back."""

    output_field = TextField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="(%(expressions)s)::text", **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = " || '-' || ".join(
            f"substr(%(expressions)s, {start}, {length})"
            for start, length in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
        )
        return self.as_sql(compiler, connection, template=f"({template})", **extra)


def _text(name: str) -> NullIf:
    """A text column, empty as NULL (written empty in every format)."""
    return NullIf(F(name), Value(""), output_field=TextField())


_DEMONSTRATIONS = (EventType.PROTESTS, EventType.RIOTS)
_VIOLENCE_IN_DEMONSTRATIONS = (SubEventType.EXCESSIVE_FORCE, SubEventType.MOB_VIOLENCE)
_DISTRICT, _PROVINCE = Level.DISTRICT, Level.PROVINCE


def event_expressions(user: AnyUser, lookups: Lookups) -> dict[str, Any]:
    """The events' columns (``EVENT_COLUMNS``, in order) as database expressions: the one row
    rule of the events, run by the database whatever the format. ACLED's derived columns are
    computed from the event's own (``disorder_type`` from the type and sub-type, ``interaction``
    from the two actor codes); the place's names come from the ubigeo tree. The private columns
    are there only for a signed-in user, each blank unless ``hidden_event_fields`` lets the
    user read the event's institution's (asked once per institution)."""
    level = "ubigeo__level"
    columns: dict[str, Any] = {
        "event_id_cnty": Concat(Value("PER-"), UuidText("uuid"), output_field=TextField()),
        "event_date": F("event_date"),
        "year": ExtractYear("event_date"),
        "time_precision": F("date_precision"),
        "disorder_type": DjangoCase(
            When(
                sub_event_type__in=_VIOLENCE_IN_DEMONSTRATIONS,
                then=Value("Political violence; Demonstrations"),
            ),
            When(event_type__in=_DEMONSTRATIONS, then=Value("Demonstrations")),
            When(event_type=EventType.STRATEGIC_DEVELOPMENTS, then=Value("Strategic developments")),
            default=Value("Political violence"),
            output_field=TextField(),
        ),
        "event_type": F("event_type"),
        "sub_event_type": F("sub_event_type"),
        "actor1": F("actor1"),
        "assoc_actor_1": _text("assoc_actor_1"),
        "inter1": F("inter1"),
        "actor2": _text("actor2"),
        "assoc_actor_2": _text("assoc_actor_2"),
        "inter2": F("inter2"),
        "interaction": DjangoCase(
            When(inter2__isnull=True, then=F("inter1") * 10),
            default=Least("inter1", "inter2") * 10 + Greatest("inter1", "inter2"),
        ),
        "civilian_targeting": DjangoCase(
            When(
                event_type=EventType.VIOLENCE_AGAINST_CIVILIANS,
                then=Value("Civilian targeting"),
            ),
            default=Value(None, output_field=TextField()),
            output_field=TextField(),
        ),
        "iso": Value(604),
        "region": Value("South America"),
        "country": Value("Peru"),
        "admin1": DjangoCase(
            When(**{level: _DISTRICT}, then=F("ubigeo__parent__parent__name")),
            When(**{level: _PROVINCE}, then=F("ubigeo__parent__name")),
            default=F("ubigeo__name"),
            output_field=TextField(),
        ),
        "admin2": DjangoCase(
            When(**{level: _DISTRICT}, then=F("ubigeo__parent__name")),
            When(**{level: _PROVINCE}, then=F("ubigeo__name")),
            default=Value(None, output_field=TextField()),
            output_field=TextField(),
        ),
        "admin3": DjangoCase(
            When(**{level: _DISTRICT}, then=F("ubigeo__name")),
            default=Value(None, output_field=TextField()),
            output_field=TextField(),
        ),
        "location": _text("location"),
        "latitude": Coalesce("latitude", "ubigeo__latitude"),
        "longitude": Coalesce("longitude", "ubigeo__longitude"),
        "geo_precision": F("geo_precision"),
    }
    if user.is_authenticated:
        readable = [
            pk for pk in lookups.institutions if "sources" not in hidden_event_fields(user, pk)
        ]
        for column, name in _PRIVATE_COLUMNS.items():
            columns[column] = DjangoCase(
                When(institution_id__in=readable, then=_text(name)),
                default=Value(None, output_field=TextField()),
                output_field=TextField(),
            )
    columns |= {
        "fatalities": F("fatalities"),
        "injured": F("injured"),
        "end_date": F("end_date"),
        "protest_form": _text("protest_form"),
        "ubigeo": F("ubigeo__code"),
        "case_uuid": UuidText("case__uuid"),
        "case_code": F("case__code"),
        "institution": F("institution__slug"),
    }
    return columns


# The private columns of the events and the fields they show (``EVENT_PRIVATE_FIELDS``).
_PRIVATE_COLUMNS = {
    "source": "sources",
    "source_scale": "source_scale",
    "notes": "notes",
    "reported_by": "reported_by",
}
assert set(_PRIVATE_COLUMNS.values()) == set(EVENT_PRIVATE_FIELDS)


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


def event_query(user: AnyUser, filters: ExportFilters, lookups: Lookups) -> QuerySet[Any]:
    """The events the user may see (not removed), filtered, in the order they were recorded
    (by id: stable, and a new event comes last), as tuples of ``event_expressions``. Its SQL
    also feeds PostgreSQL's ``COPY … TO STDOUT`` for the CSV (``willaq.reports.exports``)."""
    columns = event_expressions(user, lookups)
    aliases = {f"x_{name}": expression for name, expression in columns.items()}
    return (
        filtered_events(user, filters, lookups)
        .annotate(**aliases)
        .order_by("id")
        .values_list(*aliases)
    )


def event_rows(user: AnyUser, filters: ExportFilters, lookups: Lookups) -> Iterator[Row]:
    """One row per event of ``event_query``, read with a server-side cursor inside a
    transaction (PostgreSQL then streams it instead of materialising a holdable cursor)."""
    query = event_query(user, filters, lookups)
    with transaction.atomic(using=query.db):
        for row in query.iterator(chunk_size=CHUNK_SIZE):
            yield list(row)

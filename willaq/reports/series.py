"""Monthly series for the charts (issue 7 §2), computed from the history with effective dates.

Every figure is a count, never a field of a case, so the series are the same for whoever may read
the shared registry: registered cases only (a draft or proposed case never counts, whoever owns
it), events not removed, of registered cases or of no case.

- **Active and latent at each month end** follow the cases' historical rows by ``history_date``
  (a change recorded late counts from when it took effect), as ``willaq.cases.history`` rebuilds
  a case at a moment: the newest row at or before the month end (ties: the higher
  ``history_id``), nothing once the case was deleted. One query reads each historical row's
  month and the month of the row after it (a window over the case's rows) and counts the rows by
  state, typology, scope and those two months; a row is the case's state at every month end from
  its own month until the month of the next row. The months are taken in the installation's
  time zone (America/Lima).
- **New and resolved per month** count ``CaseTransition`` rows by ``occurred_at`` (the effective
  moment), distinct cases per month as the monthly report counts them: new = approved into the
  registry (active or pre-conflict) or pre-conflict escalated to active (a case approved and
  escalated in one month is one new case); resolved = marked resolved.
- **By typology and by department at the last month end**: the cases active or latent then, by
  shared typology (an institution's own typology counts as the shared one it maps to), and
  single-department cases by the department (or Lima Metropolitana / Lima Provincias grouping)
  of their principal place as it stood then; multi-region cases apart, by scope.
- **Protest actions** are events of ``PROTEST_EVENT_TYPES`` dated in the month, **victims** the
  dead and injured recorded for events dated in the month (both not removed).

With an institution: its registered cases, and for events those cases' events plus the caseless
events it recorded.

About ten queries whatever the size of the registry and the number of months.
"""

import datetime as dt
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case as CaseWhen
from django.db.models import CharField, Count, F, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Lead
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.accounts.models import Institution
from willaq.cases.choices import (
    PROTEST_EVENT_TYPES,
    REGISTERED_STATES,
    CaseScope,
    CaseState,
    TransitionKind,
    VictimOutcome,
)
from willaq.cases.history import end_of_month
from willaq.cases.models import Case, CasePlace, CaseTransition, Category, Event, Victim
from willaq.reports import months
from willaq.territory.models import Grouping, Ubigeo

# The longest range a series may span (a chart of more than 50 years is not a chart).
MAX_MONTHS = 600
# The states drawn month by month (the cases "in the report").
REPORT_STATES = (CaseState.ACTIVE, CaseState.LATENT)
# Transitions counted as new cases (the monthly report's definition) and as resolved ones.
NEW_KINDS = (TransitionKind.APPROVED, TransitionKind.ESCALATED)
RESOLVED_KINDS = (TransitionKind.RESOLVED,)


class SeriesError(ValueError):
    """A range or an institution the series cannot be computed for; the message is for people."""


class StatePoint(TypedDict):
    month: str  # "2026-10"
    active: int
    latent: int


class FlowPoint(TypedDict):
    month: str
    new: int
    resolved: int


class EventPoint(TypedDict):
    month: str
    protest_actions: int
    deaths: int
    injured: int


class GroupCounts(TypedDict):
    """Cases active and latent at the last month end in one group (typology or department)."""

    code: str
    name: str
    # "typology"; or "department", "grouping" (Lima Metropolitana / Lima Provincias),
    # "unplaced" (a single-department case without a principal place), or the scope of a
    # multi-region case ("regional", "multiregional", "national").
    kind: str
    active: int
    latent: int


class ChartSeries(TypedDict):
    first: str  # "2024-11"
    last: str  # "2026-10"
    institution: str | None  # the institution's slug, or None for every institution
    as_of: str  # the last month end, ISO (America/Lima)
    states: list[StatePoint]
    flows: list[FlowPoint]
    events: list[EventPoint]
    by_typology: list[GroupCounts]
    by_department: list[GroupCounts]


# --- months ---------------------------------------------------------------------------------


def month_key(day: dt.date) -> int:
    """A month as one integer (months since year 0), the key the SQL groups by."""
    return day.year * 12 + day.month - 1


def key_month(key: int) -> dt.date:
    return dt.date(key // 12, key % 12 + 1, 1)


def month_label(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(text: str) -> dt.date:
    """ "2026-10" → 1 Oct 2026 (the report's one reading of a month, ``months.parse_month``); a
    SeriesError in words otherwise."""
    try:
        return months.parse_month(text)
    except ValidationError as exc:
        raise SeriesError(" ".join(exc.messages)) from exc


def current_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def last_months(count: int, until: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last month of the ``count`` months ending with ``until`` (this month)."""
    last = (until or current_month()).replace(day=1)
    return key_month(month_key(last) - count + 1), last


def check_range(first: dt.date, last: dt.date) -> None:
    if first > last:
        raise SeriesError(_("El primer mes debe ser anterior o igual al último."))
    if last > current_month():
        raise SeriesError(_("No hay cifras de meses futuros."))
    if month_key(last) - month_key(first) + 1 > MAX_MONTHS:
        raise SeriesError(
            _("Un gráfico abarca a lo más %(months)s meses; acorte el periodo.")
            % {"months": MAX_MONTHS}
        )


def _tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _key_of(field: str, *, local_time: bool) -> Any:
    """The month key of a date (or of a moment, in the installation's time zone) in SQL."""
    options: dict[str, Any] = {"tzinfo": _tz()} if local_time else {}
    return (
        ExtractYear(field, **options) * Value(12)
        + ExtractMonth(field, **options)
        - Value(1, output_field=IntegerField())
    )


# --- cases at month ends --------------------------------------------------------------------


def _with_next_month(history: QuerySet[Any]) -> QuerySet[Any]:
    """Historical rows with the month key of their own effective date (``k0``) and of the next
    row of the same object (``k1``, NULL for its newest row): the row is the object as it stood
    at the end of months k0 … k1 − 1 (none when both are the same month)."""
    key = _key_of("history_date", local_time=True)
    return history.order_by().annotate(
        k0=key,
        k1=Window(
            Lead(key),
            partition_by=[F("id")],
            order_by=[F("history_date").asc(), F("history_id").asc()],
        ),
    )


def _case_history(institution: Institution | None) -> QuerySet[Any]:
    history = Case.history.all()
    if institution is not None:
        history = history.filter(institution_id=institution.pk)
    return history


def _state_intervals(
    institution: Institution | None,
) -> list[tuple[str, int, str, int, int | None, int]]:
    """(state, typology id, scope, k0, k1, number of rows) of the active and latent rows."""
    inner = _with_next_month(_case_history(institution)).values(
        "state", "typology_id", "scope", "history_type", "k0", "k1"
    )
    sql, params = inner.query.sql_with_params()
    states = [str(s) for s in REPORT_STATES]
    marks = ", ".join(["%s"] * len(states))
    query = (
        "SELECT r.state, r.typology_id, r.scope, r.k0, r.k1, COUNT(*) "  # noqa: S608 (Django SQL)
        f"FROM ({sql}) r WHERE r.history_type <> %s AND r.state IN ({marks}) "
        "AND (r.k1 IS NULL OR r.k1 > r.k0) "
        "GROUP BY r.state, r.typology_id, r.scope, r.k0, r.k1"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, "-", *states])
        return [
            (str(s), int(t), str(sc), int(k0), None if k1 is None else int(k1), int(n))
            for s, t, sc, k0, k1, n in cursor.fetchall()
        ]


def _covers(k0: int, k1: int | None, key: int) -> bool:
    return k0 <= key and (k1 is None or key < k1)


def _typology_names(ids: set[int]) -> dict[int, tuple[str, str]]:
    """Each typology's shared (code, name): an institution's own one counts as its mapping."""
    rows = (
        Category.objects.filter(pk__in=ids)
        .annotate(
            shared_code=Coalesce("maps_to__code", "code"),
            shared_name=Coalesce("maps_to__name", "name"),
        )
        .values_list("pk", "shared_code", "shared_name")
    )
    return {pk: (code, name) for pk, code, name in rows}


def _departments_at(
    institution: Institution | None, key: int
) -> list[tuple[str, str, int | None, int]]:
    """(state, department code, grouping id, cases) of the single-department cases active or
    latent at the end of month ``key``, by their principal place as it stood then."""
    cases = _with_next_month(_case_history(institution)).values(
        "id", "state", "scope", "history_type", "k0", "k1"
    )
    places = _with_next_month(CasePlace.history.all()).values(
        "case_id",
        "is_principal",
        "grouping_id",
        "history_type",
        "k0",
        "k1",
        department=F("ubigeo__department_code"),
    )
    case_sql, case_params = cases.query.sql_with_params()
    place_sql, place_params = places.query.sql_with_params()
    states = [str(s) for s in REPORT_STATES]
    marks = ", ".join(["%s"] * len(states))
    query = (
        "SELECT c.state, p.department, p.grouping_id, COUNT(*) "  # noqa: S608 (Django SQL)
        f"FROM ({case_sql}) c JOIN ({place_sql}) p ON p.case_id = c.id "
        f"WHERE c.history_type <> %s AND c.state IN ({marks}) AND c.scope = %s "
        "AND c.k0 <= %s AND (c.k1 IS NULL OR c.k1 > %s) "
        "AND p.history_type <> %s AND p.is_principal = %s "
        "AND p.k0 <= %s AND (p.k1 IS NULL OR p.k1 > %s) "
        "GROUP BY c.state, p.department, p.grouping_id"
    )
    params = [
        *case_params,
        *place_params,
        "-",
        *states,
        str(CaseScope.LOCAL),
        key,
        key,
        "-",
        True,
        key,
        key,
    ]
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return [
            (str(s), str(d), None if g is None else int(g), int(n))
            for s, d, g, n in cursor.fetchall()
        ]


def _add(rows: dict[str, GroupCounts], code: str, name: str, kind: str, state: str, n: int) -> None:
    row = rows.setdefault(code, GroupCounts(code=code, name=name, kind=kind, active=0, latent=0))
    if state == CaseState.ACTIVE:
        row["active"] += n
    else:
        row["latent"] += n


def _by_size(rows: dict[str, GroupCounts]) -> list[GroupCounts]:
    return sorted(rows.values(), key=lambda r: (-(r["active"] + r["latent"]), r["name"]))


# --- transitions and events -----------------------------------------------------------------


def _flows(
    institution: Institution | None, first: dt.date, last: dt.date
) -> dict[int, dict[str, int]]:
    start = dt.datetime.combine(first, dt.time.min, tzinfo=_tz())
    transitions = CaseTransition.objects.filter(
        kind__in=[*NEW_KINDS, *RESOLVED_KINDS],
        occurred_at__gte=start,
        occurred_at__lte=end_of_month(last.year, last.month),
    )
    if institution is not None:
        transitions = transitions.filter(case__institution_id=institution.pk)
    counter = CaseWhen(
        When(kind__in=NEW_KINDS, then=Value("new")),
        default=Value("resolved"),
        output_field=CharField(),
    )
    rows = (
        transitions.order_by()
        .annotate(key=_key_of("occurred_at", local_time=True), counter=counter)
        .values("key", "counter")
        .annotate(n=Count("case_id", distinct=True))
    )
    result: dict[int, dict[str, int]] = {}
    for row in rows:
        result.setdefault(row["key"], {"new": 0, "resolved": 0})[row["counter"]] = row["n"]
    return result


def counted_events(institution: Institution | None, prefix: str = "") -> Q:
    """The events the series count: of registered cases or of no case (of one institution:
    its registered cases' events and the caseless events it recorded). ``prefix`` reaches the
    event from another model ("event__")."""
    case, inst = f"{prefix}case", f"{prefix}institution_id"
    if institution is None:
        return Q(**{f"{case}__isnull": True}) | Q(**{f"{case}__state__in": REGISTERED_STATES})
    return Q(**{f"{case}__isnull": True, inst: institution.pk}) | Q(
        **{f"{case}__state__in": REGISTERED_STATES, f"{case}__institution_id": institution.pk}
    )


def _by_month(events: QuerySet[Event]) -> dict[int, int]:
    """Events by month: counted by day in SQL (at most 31 rows a month, no date arithmetic on
    each event), added up by month here."""
    counts: dict[int, int] = {}
    for day, n in (
        events.order_by()
        .values("event_date")
        .annotate(n=Count("id"))
        .values_list("event_date", "n")
    ):
        counts[month_key(day)] = counts.get(month_key(day), 0) + n
    return counts


def _events(
    institution: Institution | None, first: dt.date, last: dt.date
) -> dict[int, dict[str, int]]:
    until = dt.date(last.year + last.month // 12, last.month % 12 + 1, 1)
    protests = Event.objects.filter(
        event_type__in=PROTEST_EVENT_TYPES, event_date__gte=first, event_date__lt=until
    )
    if institution is None:
        # Every protest of the months (an index-only scan of event_type_date, no join), less
        # those of the few cases outside the registry (drafts, proposals: read from the cases).
        counts = _by_month(protests)
        unregistered = [state for state in CaseState if state not in REGISTERED_STATES]
        for key, n in _by_month(protests.filter(case__state__in=unregistered)).items():
            counts[key] -= n
    else:
        counts = _by_month(protests.filter(counted_events(institution)))
    result: dict[int, dict[str, int]] = {
        key: {"protest_actions": n, "deaths": 0, "injured": 0} for key, n in counts.items()
    }
    # Victims (not removed) of the months' events (not removed), read from the victims' side.
    victims = Victim.objects.filter(
        counted_events(institution, prefix="event__"),
        event__removed_at__isnull=True,
        event__event_date__gte=first,
        event__event_date__lt=until,
    )
    for day, outcome, n in (
        victims.order_by()
        .values("event__event_date", "outcome")
        .annotate(n=Count("id"))
        .values_list("event__event_date", "outcome", "n")
    ):
        counts_of = result.setdefault(
            month_key(day), {"protest_actions": 0, "deaths": 0, "injured": 0}
        )
        counts_of["deaths" if outcome == VictimOutcome.DEAD else "injured"] += n
    return result


# --- the whole -----------------------------------------------------------------------------


def chart_series(
    first: dt.date, last: dt.date, institution: Institution | None = None
) -> ChartSeries:
    """Every series the charts draw, for the months ``first`` … ``last`` (first days)."""
    first, last = first.replace(day=1), last.replace(day=1)
    check_range(first, last)
    keys = range(month_key(first), month_key(last) + 1)
    last_key = month_key(last)

    intervals = _state_intervals(institution)
    states = [
        StatePoint(
            month=month_label(key_month(key)),
            active=sum(
                n
                for s, _t, _sc, k0, k1, n in intervals
                if s == CaseState.ACTIVE and _covers(k0, k1, key)
            ),
            latent=sum(
                n
                for s, _t, _sc, k0, k1, n in intervals
                if s == CaseState.LATENT and _covers(k0, k1, key)
            ),
        )
        for key in keys
    ]

    at_end = [row for row in intervals if _covers(row[3], row[4], last_key)]
    names = _typology_names({row[1] for row in at_end})
    typologies: dict[str, GroupCounts] = {}
    scopes: dict[str, GroupCounts] = {}
    local_cases = {"active": 0, "latent": 0}
    for state, typology_id, scope, _k0, _k1, n in at_end:
        code, name = names.get(typology_id, (str(typology_id), str(typology_id)))
        _add(typologies, code, name, "typology", state, n)
        if scope == CaseScope.LOCAL:
            local_cases[state] += n
        else:
            _add(scopes, scope, str(CaseScope(scope).label), scope, state, n)

    places = _departments_at(institution, last_key)
    groupings = dict(
        Grouping.objects.filter(
            pk__in={g for _s, _d, g, _n in places if g is not None}
        ).values_list("pk", "name")
    )
    department_names = dict(
        Ubigeo.objects.filter(code__in={d for _s, d, _g, _n in places}).values_list("code", "name")
    )
    departments: dict[str, GroupCounts] = {}
    placed = {"active": 0, "latent": 0}
    for state, department, grouping_id, n in places:
        placed[state] += n
        if grouping_id is not None:
            _add(
                departments, f"g{grouping_id}", groupings.get(grouping_id, ""), "grouping", state, n
            )
        else:
            name = department_names.get(department, department)
            _add(departments, department, name, "department", state, n)
    unplaced: dict[str, GroupCounts] = {}
    for state in ("active", "latent"):
        missing = local_cases[state] - placed[state]
        if missing > 0:
            _add(unplaced, "unplaced", _("Sin lugar principal"), "unplaced", state, missing)

    flows = _flows(institution, first, last)
    events = _events(institution, first, last)
    return ChartSeries(
        first=month_label(first),
        last=month_label(last),
        institution=institution.slug if institution is not None else None,
        as_of=end_of_month(last.year, last.month).isoformat(),
        states=states,
        flows=[
            FlowPoint(
                month=month_label(key_month(key)),
                new=flows.get(key, {}).get("new", 0),
                resolved=flows.get(key, {}).get("resolved", 0),
            )
            for key in keys
        ],
        events=[
            EventPoint(
                month=month_label(key_month(key)),
                protest_actions=events.get(key, {}).get("protest_actions", 0),
                deaths=events.get(key, {}).get("deaths", 0),
                injured=events.get(key, {}).get("injured", 0),
            )
            for key in keys
        ],
        by_typology=_by_size(typologies),
        by_department=_by_size(departments) + _by_size(scopes) + list(unplaced.values()),
    )

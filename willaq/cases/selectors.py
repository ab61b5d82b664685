"""Reads of the case registry for the web pages: filtered lists, dashboard counts, one case's parts.

Every read starts from the access rule (``access.visible_cases`` and friends), so a page never
shows a case or a record its user may not see. Each function runs a fixed number of queries,
whatever the number of cases.
"""

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case as CaseWhen
from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property

from willaq.accounts.access import AnyUser
from willaq.accounts.models import Institution
from willaq.cases import access, history, search
from willaq.cases.access import visible_cases, visible_events
from willaq.cases.choices import (
    ActorRole,
    Attitude,
    CaseScope,
    CaseState,
    CategoryKind,
    EventType,
    Phase,
    ProtestForm,
)
from willaq.cases.models import (
    Case,
    CaseActor,
    CasePlace,
    CaseTransition,
    Category,
    Event,
    NewsItem,
)
from willaq.core.text import fold
from willaq.territory.models import Ubigeo

PAGE_SIZE = 25
# The list counts its rows up to this many; beyond it says "más de 10.000" (counting every row of
# a regional registry on each page costs more than the page itself).
COUNT_LIMIT = 10_000

# Sort keys a visitor may ask for in ?sort= (the page) or ?ordering= (the API), mapped to the
# ordering they apply. Each has an index (see Case.Meta.indexes).
SORTS: dict[str, str] = {
    "start_date": "start_date",
    "-start_date": "-start_date",
    "code": "code",
    "-code": "-code",
    "name": "name",
    "-name": "-name",
    "state": "state_order",
    "-state": "-state_order",
    "updated_at": "updated_at",
    "-updated_at": "-updated_at",
}
DEFAULT_SORT = "-start_date"

# The workflow order of the states, so "sort by state" reads draft → … → withdrawn.
_STATE_ORDER = CaseWhen(
    *(When(state=state, then=Value(i)) for i, state in enumerate(CaseState.values)),
    default=Value(len(CaseState.values)),
    output_field=IntegerField(),
)


# The shared typology a case counts as: its typology's ``maps_to``, or the typology itself. The
# dashboard groups by it and the list filters by it, so a count and its list always agree.
_SHARED_TYPOLOGY_CODE = Coalesce(
    "typology__maps_to__code", "typology__code", output_field=CharField()
)
# The same, read on a Category row.
_SHARED_CODE = Coalesce("maps_to__code", "code", output_field=CharField())
_SHARED_NAME = Coalesce("maps_to__name", "name", output_field=CharField())


def _places_prefetch() -> Any:
    return Prefetch(
        "places", queryset=CasePlace.objects.select_related("ubigeo__parent__parent", "grouping")
    )


def departments() -> QuerySet[Ubigeo]:
    return Ubigeo.objects.departments().order_by("search_name")


def visible_cases_named(user: AnyUser, names: Sequence[str]) -> tuple[list[Case], list[str]]:
    """The cases named by their code (``2026-0042``) or uuid that ``user`` may see, once each
    in the order given, and the names that match none. (A code has at most 20 characters, so
    it never reads as a uuid's 32 hex digits.)"""
    wanted = list(dict.fromkeys(str(name).strip() for name in names if str(name).strip()))
    keys: dict[str, str] = {}  # name → the case's uuid (canonical form) or code
    uuids: list[str] = []
    for name in wanted:
        try:
            keys[name] = str(uuid.UUID(name))
            uuids.append(keys[name])
        except ValueError:
            keys[name] = name
    codes = [key for key in keys.values() if key not in uuids]
    found: dict[str, Case] = {}
    if wanted:
        for case in visible_cases(user).filter(Q(uuid__in=uuids) | Q(code__in=codes)):
            found[str(case.uuid)] = case
            if case.code:
                found[case.code] = case
    cases = list(dict.fromkeys(found[keys[name]] for name in wanted if keys[name] in found))
    return cases, [name for name in wanted if keys[name] not in found]


CASE_PICK_LIMIT = 20
CASE_CODES_LIMIT = 50


def registered_cases_matching(user: AnyUser, query: str) -> list[Case]:
    """Registered cases ``user`` may see whose code or name holds ``query`` (accents and case
    ignored; two characters at least), the newest code first, at most 20: what a picker offers."""
    needle = fold(query)[:100]
    if len(needle) < 2:
        return []
    cases = (
        visible_cases(user)
        .filter(code__isnull=False)
        .alias(_code=search.folded("code"), _name=search.folded("name"))
        .filter(Q(_code__contains=needle) | Q(_name__contains=needle))
        .only("code", "name")
        .order_by("-code")
    )
    return list(cases[:CASE_PICK_LIMIT])


def registered_cases_by_code(user: AnyUser, codes: Sequence[str]) -> list[Case]:
    """The registered cases of these codes (at most 50) that ``user`` may see, in the order
    given, each once; other names are left out (``visible_cases_named``, without drafts)."""
    cases, _unknown = visible_cases_named(user, list(codes)[:CASE_CODES_LIMIT])
    return [case for case in cases if case.code]


def shared_categories(kind: CategoryKind) -> QuerySet[Category]:
    return Category.objects.filter(kind=kind, institution__isnull=True, is_active=True)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class CaseFilters:
    """The filters of the case list, shared by the page and the API (unknown values dropped)."""

    state: str = ""
    phase: str = ""
    typology: str = ""  # code of a shared typology (its institutions' own ones count as it)
    department: str = ""  # ubigeo code of a department: cases with any place in it
    institution: str = ""  # institution slug
    q: str = ""
    start_from: dt.date | None = None
    start_to: dt.date | None = None
    last_event_from: dt.date | None = None
    last_event_to: dt.date | None = None
    updated_since: dt.datetime | None = None
    needs_review: bool = False  # only the cases an import flagged "por revisar"
    sort: str = DEFAULT_SORT

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "CaseFilters":
        sort = str(data.get("sort") or data.get("ordering") or DEFAULT_SORT)
        updated_since = data.get("updated_since")
        return cls(
            state=str(data.get("state") or ""),
            phase=str(data.get("phase") or ""),
            typology=str(data.get("typology") or ""),
            department=str(data.get("department") or ""),
            institution=str(data.get("institution") or ""),
            q=str(data.get("q") or "").strip(),
            start_from=_date(data.get("start_from")),
            start_to=_date(data.get("start_to")),
            last_event_from=_date(data.get("last_event_from")),
            last_event_to=_date(data.get("last_event_to")),
            updated_since=updated_since if isinstance(updated_since, dt.datetime) else None,
            needs_review=data.get("needs_review") in (True, "1", "on", "true"),
            sort=sort if sort in SORTS else DEFAULT_SORT,
        )


def _filtered(user: AnyUser, filters: CaseFilters) -> QuerySet[Case]:
    """The visible cases matching the filters (no sort, no related rows)."""
    qs = visible_cases(user)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.phase:
        qs = qs.filter(state=CaseState.ACTIVE, phase=filters.phase)
    if filters.typology:
        qs = qs.alias(_shared_typology=_SHARED_TYPOLOGY_CODE).filter(
            _shared_typology=filters.typology
        )
    if filters.department:
        qs = qs.filter(pk__in=cases_in_department(filters.department))
    if filters.institution:
        qs = qs.filter(institution__slug=filters.institution)
    if filters.start_from:
        qs = qs.filter(start_date__gte=filters.start_from)
    if filters.start_to:
        qs = qs.filter(start_date__lte=filters.start_to)
    if filters.last_event_from or filters.last_event_to:
        qs = qs.filter(_last_event_between(filters.last_event_from, filters.last_event_to))
    if filters.updated_since:
        qs = qs.filter(updated_at__gte=filters.updated_since)
    if filters.needs_review:
        qs = qs.filter(needs_review=True)
    if filters.q:
        qs = search.matching(user, qs, filters.q)
    return qs


def cases_in_department(department_code: str) -> QuerySet[CasePlace, Any]:
    """Ids of the cases with any place (district, province or the department) in a department.

    The one meaning of "cases in a department", used by the list filter and the dashboard.
    """
    return CasePlace.objects.filter(ubigeo__department_code=department_code).values("case_id")


def _last_event_between(first: dt.date | None, last: dt.date | None) -> Q:
    """Cases whose latest event falls between two dates (either may be open)."""
    in_range = Event.objects.filter(case_id=OuterRef("pk"), **_upto(last))
    if first is not None:
        in_range = in_range.filter(event_date__gte=first)
    condition = Q(Exists(in_range))
    if last is not None:
        later = Event.objects.filter(case_id=OuterRef("pk"), event_date__gt=last)
        condition &= ~Q(Exists(later))
    return condition


def _upto(last: dt.date | None) -> dict[str, dt.date]:
    return {"event_date__lte": last} if last is not None else {}


def sorted_cases(qs: QuerySet[Case], sort: str) -> QuerySet[Case]:
    order = SORTS.get(sort, SORTS[DEFAULT_SORT])
    if "state_order" in order:
        qs = qs.annotate(state_order=_STATE_ORDER)
    return qs.order_by(order, "-id" if order.startswith("-") else "id")


def filter_cases(user: AnyUser, filters: CaseFilters) -> QuerySet[Case]:
    """The cases this user may see that match the filters, sorted, ready to render as rows.

    The page and the API both list through here. Three queries per page whatever the size of
    the registry: the (bounded) count, the cases with institution and typologies, their places.
    """
    return (
        sorted_cases(_filtered(user, filters), filters.sort)
        .select_related("institution", "typology", "subtype")
        .prefetch_related(_places_prefetch())
    )


class BoundedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator that counts at most ``COUNT_LIMIT + 1`` rows.

    Past the limit, ``count_is_bounded`` is true, ``count`` is the limit and the pages stop
    there: the list says "más de 10.000" and asks to narrow the filters.
    """

    count_is_bounded = False

    def __init__(self, object_list: QuerySet[Any], per_page: int, limit: int = COUNT_LIMIT) -> None:
        super().__init__(object_list, per_page)
        self.limit = limit

    def page(self, number: Any) -> Page:  # type: ignore[type-arg]
        """The page's rows by a deferred join: first the page's ids (from the sort's index,
        however deep the page), then those rows with their related objects."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        ids = list(rows.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        return Page(list(rows.filter(pk__in=ids)), number, self)

    @cached_property
    def count(self) -> int:
        rows: QuerySet[Any] = self.object_list  # type: ignore[assignment]
        counted = rows.order_by()[: self.limit + 1].count()
        if counted > self.limit:
            self.count_is_bounded = True
            return self.limit
        return int(counted)


# --- events across the registry (the event list and the API) ---------------------------------


@dataclass(frozen=True)
class EventFilters:
    """The filters of the event list, shared by the page and the API (unknown values dropped)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    department: str = ""  # ubigeo code of a department
    event_type: str = ""
    protest_form: str = ""
    with_case: bool | None = None  # True: events of a case; False: events without a case
    institution: str = ""  # slug of the recording institution

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "EventFilters":
        event_type = str(data.get("event_type") or "")
        protest_form = str(data.get("protest_form") or "")
        with_case = data.get("with_case")
        if isinstance(with_case, str):
            with_case = {"si": True, "no": False, "true": True, "false": False}.get(with_case)
        return cls(
            date_from=_date(data.get("date_from")),
            date_to=_date(data.get("date_to")),
            department=str(data.get("department") or ""),
            event_type=event_type if event_type in EventType.values else "",
            protest_form=protest_form if protest_form in ProtestForm.values else "",
            with_case=with_case if isinstance(with_case, bool) else None,
            institution=str(data.get("institution") or ""),
        )


def filter_events(user: AnyUser, filters: EventFilters) -> QuerySet[Event]:
    """The events this user may see that match the filters, newest first, with their case,
    place and institution. Each filter has an index (see ``Event.Meta.indexes``): the page's
    rows walk the date index and the count stops at ``COUNT_LIMIT``."""
    qs = visible_events(user)
    if filters.date_from:
        # By the day an event started, as the monthly counts date it (a strike of 28 April to
        # 3 May is April's); an OR on the end date would leave the date index unused.
        qs = qs.filter(event_date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(event_date__lte=filters.date_to)
    if filters.department:
        qs = qs.filter(ubigeo__department_code=filters.department)
    if filters.event_type:
        qs = qs.filter(event_type=filters.event_type)
    if filters.protest_form:
        qs = qs.filter(protest_form=filters.protest_form)
    if filters.with_case is not None:
        qs = qs.filter(case__isnull=not filters.with_case)
    if filters.institution:
        qs = qs.filter(institution__slug=filters.institution)
    return qs.select_related("case", "institution", "ubigeo__parent__parent").order_by(
        "-event_date", "-id"
    )


@dataclass
class CountRow:
    key: str
    label: str
    count: int


@dataclass
class Dashboard:
    total: int = 0
    by_state: list[CountRow] = field(default_factory=list)
    by_phase: list[CountRow] = field(default_factory=list)
    by_typology: list[CountRow] = field(default_factory=list)
    # Single-department (local) cases by department, "Lima Metropolitana" and "Lima
    # Provincias" as rows of their own when a case is placed in the grouping.
    by_department: list[CountRow] = field(default_factory=list)
    # Multi-region cases apart, by scope (regional, multi-regional, national).
    by_scope: list[CountRow] = field(default_factory=list)
    latest_events: list[Event] = field(default_factory=list)


def dashboard(user: AnyUser, events: int = 10) -> Dashboard:
    """Counts of the visible cases by state, phase (active cases), typology and department."""
    cases = visible_cases(user)
    # One pass over the cases (an index-only scan of case_dashboard_counts on PostgreSQL) gives
    # the counts by state, by phase and by typology; the typologies' shared codes come from the
    # small category table.
    groups = list(
        cases.order_by().values("state", "phase", "typology_id", "scope").annotate(n=Count("id"))
    )
    state_counts: dict[str, int] = {}
    phase_counts: dict[str, int] = {}
    typology_counts: dict[int, int] = {}
    scope_counts: dict[str, int] = {}
    for row in groups:
        scope_counts[row["scope"]] = scope_counts.get(row["scope"], 0) + row["n"]
        state_counts[row["state"]] = state_counts.get(row["state"], 0) + row["n"]
        if row["state"] == CaseState.ACTIVE:
            phase_counts[row["phase"]] = phase_counts.get(row["phase"], 0) + row["n"]
        typology_counts[row["typology_id"]] = typology_counts.get(row["typology_id"], 0) + row["n"]
    by_state = [
        CountRow(state.value, str(state.label), state_counts[state.value])
        for state in CaseState
        if state_counts.get(state.value)
    ]
    by_phase = [
        CountRow(phase.value, str(phase.label), phase_counts[phase.value])
        for phase in Phase
        if phase_counts.get(phase.value)
    ]
    shared: dict[tuple[str, str], int] = {}
    for typology_id, code, name in (
        Category.objects.filter(pk__in=typology_counts)
        .annotate(shared_code=_SHARED_CODE, shared_name=_SHARED_NAME)
        .values_list("pk", "shared_code", "shared_name")
    ):
        shared[(code, name)] = shared.get((code, name), 0) + typology_counts[typology_id]
    by_typology = sorted(
        (CountRow(code, name, n) for (code, name), n in shared.items()),
        key=lambda row: (-row.count, row.label),
    )
    # As the ombudsman counts: a single-department (local) case in the department of its
    # principal place, or in the grouping its principal place stands for ("Lima Provincias");
    # multi-region cases apart, by scope. Each case counts once.
    department_rows = (
        # One semi-join with the visible local cases (not a join and a semi-join).
        CasePlace.objects.filter(is_principal=True, case__in=cases.filter(scope=CaseScope.LOCAL))
        .values("ubigeo__department_code", "grouping__code", "grouping__name")
        .annotate(n=Count("case_id"))
    )
    department_counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for r in department_rows:
        key = r["grouping__code"] or r["ubigeo__department_code"]
        department_counts[key] = department_counts.get(key, 0) + r["n"]
        if r["grouping__code"]:
            names[key] = r["grouping__name"]
    names |= dict(Ubigeo.objects.filter(code__in=department_counts).values_list("code", "name"))
    by_department = sorted(
        (CountRow(code, names.get(code, code), n) for code, n in department_counts.items()),
        key=lambda row: (-row.count, fold(row.label)),  # Áncash among the A's
    )
    by_scope = [
        CountRow(scope.value, str(scope.label), scope_counts[scope.value])
        for scope in CaseScope
        if scope != CaseScope.LOCAL and scope_counts.get(scope.value)
    ]
    latest = list(
        visible_events(user)
        .select_related("case", "ubigeo")
        .order_by("-event_date", "-id")[:events]
    )
    return Dashboard(
        total=sum(state_counts.values()),
        by_state=by_state,
        by_phase=by_phase,
        by_typology=by_typology,
        by_department=by_department,
        by_scope=by_scope,
        latest_events=latest,
    )


def case_places(case: Case) -> list[CasePlace]:
    return list(case.places.select_related("ubigeo__parent__parent", "grouping"))


def case_actors_by_role(case: Case) -> list[tuple[str, list[CaseActor]]]:
    """The case's actors grouped by role label, primary first."""
    links = list(
        case.case_actors.select_related("actor", "institution").order_by("role", "actor__name")
    )
    order = {"primary": 0, "secondary": 1, "tertiary": 2}
    links.sort(key=lambda link: (order.get(link.role, 9), link.actor.name))
    groups: dict[str, list[CaseActor]] = {}
    for link in links:
        groups.setdefault(str(link.get_role_display()), []).append(link)
    return list(groups.items())


# Events shown per page on the case page (a case may have thousands).
EVENTS_PAGE_SIZE = 20


def case_events_page(case: Case, number: Any = 1) -> Page:  # type: ignore[type-arg]
    """One page of the case's events, newest first, with places, institutions and victims.

    Three queries whatever the number of events: the count, the page, its victims.
    """
    events = (
        case.events.select_related("ubigeo__parent__parent", "institution")
        .prefetch_related("victims")
        .order_by("-event_date", "-id")
    )
    return Paginator(events, EVENTS_PAGE_SIZE).get_page(number)


def case_transitions(case: Case) -> list[CaseTransition]:
    """The case's state changes, oldest first, with who made them."""
    return list(case.transitions.select_related("by").order_by("occurred_at", "id"))


def current_transition(case: Case) -> CaseTransition | None:
    """The change that put the case in its present state (its reason explains the state)."""
    return (
        case.transitions.filter(to_state=case.state)
        .select_related("by")
        .order_by("-occurred_at", "-id")
        .first()
    )


def case_news(case: Case) -> list[NewsItem]:
    return list(case.news_items.select_related("region", "institution"))


def filter_institutions() -> QuerySet[Institution]:
    return Institution.objects.filter(is_active=True).order_by("name")


# --- stakeholder map --------------------------------------------------------------------------


@dataclass(frozen=True)
class MapNode:
    """An actor of the case on the map: its profile as it stood on the map's date."""

    uuid: str
    name: str
    kind: str
    organisation_type: str
    role: str
    role_label: str
    conflict_role: str
    influence: int | None
    interest_level: int | None
    attitude: str
    attitude_label: str
    linked_by: str


@dataclass(frozen=True)
class MapEdge:
    """A relation in force on the map's date. ``note`` is None when the viewer may not read it
    (``access.hidden_relation_fields``)."""

    uuid: str
    source: str
    target: str
    source_name: str
    target_name: str
    kind: str
    kind_label: str
    start_date: dt.date
    end_date: dt.date | None
    institution: str
    note: str | None
    can_edit: bool


@dataclass(frozen=True)
class StakeholderMap:
    as_of: dt.date
    nodes: list[MapNode]
    edges: list[MapEdge]


def _institution_label(institution: Institution) -> str:
    return institution.acronym or institution.name


def stakeholder_map(user: AnyUser, case: Case, as_of: dt.date) -> StakeholderMap:
    """The case's stakeholder map on ``as_of``: the actors linked to the case that day (their
    profile as it stood then, ``history.actors_as_of``) and the relations between them in force
    that day, as ``user`` may see them. Four queries, whatever the size of the map."""
    if not access.can_view_case(user, case):
        return StakeholderMap(as_of=as_of, nodes=[], edges=[])
    end_of_day = timezone.make_aware(dt.datetime.combine(as_of, dt.time.max))
    links = history.actors_as_of(end_of_day, [case.pk]).get(case.pk, [])
    institutions = Institution.objects.in_bulk({link.institution_id for link in links})
    nodes = [
        MapNode(
            uuid=str(link.actor.uuid),
            name=link.actor.name,
            kind=link.actor.kind,
            organisation_type=link.actor.organisation_type,
            role=link.role,
            role_label=str(ActorRole(link.role).label) if link.role in ActorRole.values else "",
            conflict_role=link.conflict_role,
            influence=link.influence,
            interest_level=link.interest_level,
            attitude=link.attitude,
            attitude_label=str(Attitude(link.attitude).label)
            if link.attitude in Attitude.values
            else "",
            linked_by=_institution_label(institutions[link.institution_id])
            if link.institution_id in institutions
            else "",
        )
        for link in sorted(links, key=lambda link: (link.role, link.actor.name, link.actor.pk))
    ]
    on_map = {link.actor_id for link in links}
    relations = (
        access.visible_relations(user, case)
        .filter(start_date__lte=as_of)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=as_of))
        .filter(source_id__in=on_map, target_id__in=on_map)
        .order_by("start_date", "pk")
    )
    edges = []
    for relation in relations:
        shown = access.redact_relation(user, relation)
        edges.append(
            MapEdge(
                uuid=str(relation.uuid),
                source=str(relation.source.uuid),
                target=str(relation.target.uuid),
                source_name=relation.source.name,
                target_name=relation.target.name,
                kind=relation.kind,
                kind_label=relation.get_kind_display(),
                start_date=relation.start_date,
                end_date=relation.end_date,
                institution=_institution_label(relation.institution),
                note=shown.note,
                can_edit=access.can_edit_relation(user, relation),
            )
        )
    return StakeholderMap(as_of=as_of, nodes=nodes, edges=edges)

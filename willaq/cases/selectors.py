"""Reads of the case registry for the web pages: filtered lists, dashboard counts, one case's parts.

Every read starts from the access rule (``access.visible_cases`` and friends), so a page never
shows a case or a record its user may not see. Each function runs a fixed number of queries,
whatever the number of cases.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case as CaseWhen
from django.db.models import (
    CharField,
    Count,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from willaq.accounts.access import AnyUser, institution_ids
from willaq.accounts.models import Institution
from willaq.cases.access import visible_cases
from willaq.cases.choices import CaseState, CategoryKind, Phase
from willaq.cases.models import (
    Case,
    CaseActor,
    CasePlace,
    CaseTransition,
    Category,
    Event,
    NewsItem,
)
from willaq.territory.models import Ubigeo

PAGE_SIZE = 25

# Sort keys a visitor may ask for in ?sort=, mapped to the ordering they apply.
SORTS: dict[str, str] = {
    "start_date": "start_date",
    "-start_date": "-start_date",
    "code": "code",
    "-code": "-code",
    "name": "name",
    "-name": "-name",
    "state": "state_order",
    "-state": "-state_order",
}
DEFAULT_SORT = "-start_date"

# The workflow order of the states, so "sort by state" reads draft → … → withdrawn.
_STATE_ORDER = CaseWhen(
    *(When(state=state, then=Value(i)) for i, state in enumerate(CaseState.values)),
    default=Value(len(CaseState.values)),
    output_field=IntegerField(),
)


def _places_prefetch() -> Any:
    return Prefetch("places", queryset=CasePlace.objects.select_related("ubigeo__parent__parent"))


def departments() -> QuerySet[Ubigeo]:
    return Ubigeo.objects.departments().order_by("search_name")


def shared_categories(kind: CategoryKind) -> QuerySet[Category]:
    return Category.objects.filter(kind=kind, institution__isnull=True, is_active=True)


@dataclass(frozen=True)
class CaseFilters:
    """The list's filters, already checked (unknown values are dropped by the form)."""

    state: str = ""
    phase: str = ""
    typology: str = ""  # code of a shared typology; an institution's own ones count as it
    department: str = ""  # ubigeo code of a department
    institution: str = ""  # institution slug
    q: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "CaseFilters":
        sort = str(data.get("sort") or DEFAULT_SORT)
        return cls(
            state=str(data.get("state") or ""),
            phase=str(data.get("phase") or ""),
            typology=str(data.get("typology") or ""),
            department=str(data.get("department") or ""),
            institution=str(data.get("institution") or ""),
            q=str(data.get("q") or "").strip(),
            sort=sort if sort in SORTS else DEFAULT_SORT,
        )


def filter_cases(user: AnyUser, filters: CaseFilters) -> QuerySet[Case]:
    """The cases this user may see that match the filters, sorted, ready to render as rows.

    Three queries per page whatever its size: the cases (with institution and typology), their
    places (with the ubigeo chain for the full name), and the count for the paginator.
    """
    qs = visible_cases(user)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.phase:
        qs = qs.filter(state=CaseState.ACTIVE, phase=filters.phase)
    if filters.typology:
        qs = qs.filter(
            Q(typology__code=filters.typology, typology__institution__isnull=True)
            | Q(typology__maps_to__code=filters.typology)
        )
    if filters.department:
        qs = qs.filter(
            pk__in=CasePlace.objects.filter(ubigeo__department_code=filters.department).values(
                "case_id"
            )
        )
    if filters.institution:
        qs = qs.filter(institution__slug=filters.institution)
    if filters.q:
        text = Q(code__icontains=filters.q) | Q(name__icontains=filters.q)
        # Descriptions may be confidential: search them only in the user's own cases.
        own = institution_ids(user)
        if getattr(user, "is_superuser", False):
            text |= Q(description__icontains=filters.q)
        elif own:
            text |= Q(institution_id__in=own, description__icontains=filters.q)
        qs = qs.filter(text)
    order = SORTS[filters.sort]
    if "state_order" in order:
        qs = qs.annotate(state_order=_STATE_ORDER)
    return (
        qs.select_related("institution", "typology")
        .prefetch_related(_places_prefetch())
        .order_by(order, "-id")
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
    by_department: list[CountRow] = field(default_factory=list)
    latest_events: list[Event] = field(default_factory=list)


def dashboard(user: AnyUser, events: int = 10) -> Dashboard:
    """Counts of the visible cases by state, phase (active cases), typology and department."""
    cases = visible_cases(user)
    state_counts = {row["state"]: row["n"] for row in cases.values("state").annotate(n=Count("id"))}
    by_state = [
        CountRow(state.value, str(state.label), state_counts[state.value])
        for state in CaseState
        if state_counts.get(state.value)
    ]
    phase_counts = {
        row["phase"]: row["n"]
        for row in cases.filter(state=CaseState.ACTIVE).values("phase").annotate(n=Count("id"))
    }
    by_phase = [
        CountRow(phase.value, str(phase.label), phase_counts[phase.value])
        for phase in Phase
        if phase_counts.get(phase.value)
    ]
    typology_rows = (
        cases.annotate(
            shared_code=Coalesce(
                "typology__maps_to__code", "typology__code", output_field=CharField()
            ),
            shared_name=Coalesce(
                "typology__maps_to__name", "typology__name", output_field=CharField()
            ),
        )
        .values("shared_code", "shared_name")
        .annotate(n=Count("id"))
        .order_by("-n", "shared_name")
    )
    by_typology = [CountRow(r["shared_code"], r["shared_name"], r["n"]) for r in typology_rows]
    department_rows = (
        CasePlace.objects.filter(is_principal=True, case__in=cases)
        .values("ubigeo__department_code")
        .annotate(n=Count("case_id"))
    )
    department_counts = {r["ubigeo__department_code"]: r["n"] for r in department_rows}
    names = dict(Ubigeo.objects.filter(code__in=department_counts).values_list("code", "name"))
    by_department = sorted(
        (CountRow(code, names.get(code, code), n) for code, n in department_counts.items()),
        key=lambda row: (-row.count, row.label),
    )
    latest = list(
        Event.objects.filter(case__in=cases)
        .select_related("case", "ubigeo")
        .order_by("-event_date", "-id")[:events]
    )
    return Dashboard(
        total=sum(state_counts.values()),
        by_state=by_state,
        by_phase=by_phase,
        by_typology=by_typology,
        by_department=by_department,
        latest_events=latest,
    )


def case_places(case: Case) -> list[CasePlace]:
    return list(case.places.select_related("ubigeo__parent__parent"))


def case_actors_by_role(case: Case) -> list[tuple[str, list[CaseActor]]]:
    """The case's actors grouped by role label, primary first."""
    links = list(case.case_actors.select_related("actor").order_by("role", "actor__name"))
    order = {"primary": 0, "secondary": 1, "tertiary": 2}
    links.sort(key=lambda link: (order.get(link.role, 9), link.actor.name))
    groups: dict[str, list[CaseActor]] = {}
    for link in links:
        groups.setdefault(str(link.get_role_display()), []).append(link)
    return list(groups.items())


def case_events(case: Case) -> list[Event]:
    return list(
        case.events.select_related("ubigeo__parent__parent", "institution").prefetch_related(
            "victims"
        )
    )


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

"""The monthly report's figures (domain.md §6), computed from the history as of a month's end.

``compute_month`` rebuilds every counter from what the registry says *took effect* by the last
instant of the month (America/Lima): the cases' historical rows (``history_date``), their places,
actors and PCM classifications as of then, the state changes (``CaseTransition.occurred_at``) and
the month's events and victims. Nothing is read from the cases' current columns, so a change
back-dated into a month changes that month's figures (until the month is published and frozen).

Cost: a fixed number of queries whatever the size of the registry (about a dozen). Each query is
a window over one history table (the newest row of each object at the month's end, as
``willaq.cases.history`` does) or an index range over the month's events; the counting runs over
plain tuples, never over model objects.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count as DbCount
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.accounts.models import Institution, InstitutionKind
from willaq.cases.choices import (
    PROTEST_EVENT_TYPES,
    REGISTERED_STATES,
    CaseScope,
    CaseState,
    DialogueMechanism,
    InstitutionRole,
    PcmClassification,
    Phase,
    ProtestForm,
    SubEventType,
    TransitionKind,
    VictimGroup,
    VictimOutcome,
)
from willaq.cases.history import _latest_rows, end_of_month
from willaq.cases.models import (
    Case,
    CaseActor,
    CaseClassification,
    CasePlace,
    CaseTransition,
    Category,
    Event,
    Victim,
)
from willaq.reports.figures import (
    CaseRef,
    Count,
    DepartmentRow,
    Dialogue,
    Fiche,
    InstitutionRef,
    MonthlyFigures,
    PcmCounts,
    ProtestActions,
    StateCounts,
    TypologyRow,
    Victims,
)
from willaq.territory.models import Grouping, Ubigeo

# The states a case of the report is in at the month's end ("casos registrados" of the
# ombudsman's report: active + latent).
REPORT_STATES = (CaseState.ACTIVE, CaseState.LATENT)

# The transition counters of the report and the kinds each one counts.
TRANSITION_COUNTERS: dict[str, tuple[str, ...]] = {
    "new": (TransitionKind.APPROVED, TransitionKind.ESCALATED),
    "reactivated": (TransitionKind.REACTIVATED,),
    "active_to_latent": (TransitionKind.TO_LATENT,),
    "resolved": (TransitionKind.RESOLVED,),
    "withdrawn": (TransitionKind.WITHDRAWN,),
    "withdrawn_to_active": (TransitionKind.WITHDRAWN_REACTIVATED,),
    "merged": (TransitionKind.MERGED,),
}

# The rows of "by department" that are not a department.
MULTIREGIONAL = "multiregional"
NATIONAL = "national"
NO_PLACE = "no_place"

# Fiche facts are short: a case with hundreds of events in a month shows the first ones.
MAX_FACTS = 20

# The case columns the report reads from the history (no text, nothing confidential).
_CASE_FIELDS = (
    "id",
    "uuid",
    "code",
    "name",
    "state",
    "phase",
    "scope",
    "typology_id",
    "subtype_id",
    "dialogue_mechanism",
    "institution_role",
)


def start_of_month(year: int, month: int) -> dt.datetime:
    """The first instant of a month in the installation's time zone."""
    return dt.datetime(year, month, 1, tzinfo=ZoneInfo(settings.TIME_ZONE))


def parse_month(text: str) -> tuple[int, int]:
    """ "2026-10" → (2026, 10), or a ValidationError in words."""
    value = (text or "").strip()
    parts = value.split("-")
    if (
        len(parts) != 2
        or len(parts[0]) != 4
        or len(parts[1]) != 2
        or not (parts[0].isdigit() and parts[1].isdigit())
        or not 1 <= int(parts[1]) <= 12
        or int(parts[0]) < 1900
    ):
        raise ValidationError(
            {"month": _("Mes no válido: use el formato AAAA-MM (por ejemplo, 2026-10).")}
        )
    return int(parts[0]), int(parts[1])


def first_registered_month() -> tuple[int, int] | None:
    """The month the registry's first registered case took effect (the first historical row of
    a case in a registered state: its approval, or an import's back-dated row), or None."""
    first = Case.history.filter(state__in=REGISTERED_STATES).aggregate(first=Min("history_date"))[
        "first"
    ]
    if first is None:
        return None
    local = timezone.localtime(first, ZoneInfo(settings.TIME_ZONE))
    return local.year, local.month


def check_month(year: int, month: int) -> None:
    """Refuse a month with no report: in the future, or before the first registered case."""
    if not 1 <= month <= 12 or year < 1900:
        raise ValidationError({"month": _("Mes no válido: use el formato AAAA-MM.")})
    today = timezone.localtime(timezone.now(), ZoneInfo(settings.TIME_ZONE))
    if (year, month) > (today.year, today.month):
        raise ValidationError(
            {
                "month": _("El mes %(month)s aún no ha llegado: no tiene reporte.")
                % {"month": f"{year:04d}-{month:02d}"}
            }
        )
    first = first_registered_month()
    if first is None:
        raise ValidationError({"month": _("El registro aún no tiene casos aprobados.")})
    if (year, month) < first:
        raise ValidationError(
            {
                "month": _(
                    "No hay reporte para %(month)s: el primer caso registrado es de %(first)s."
                )
                % {"month": f"{year:04d}-{month:02d}", "first": f"{first[0]:04d}-{first[1]:02d}"}
            }
        )


def definitions(
    institution: Institution | None, pcm_institution: Institution | None
) -> dict[str, str]:
    """Each counter in words, printed on the report beside it."""
    if institution is not None:
        scope = _(
            "Casos registrados por %(name)s; acciones de protesta y víctimas: eventos de esos "
            "casos y eventos sin caso registrados por esa institución."
        ) % {"name": institution.name}
        pcm = _(
            "Clasificación de la metodología de la PCM (diferencia, controversia, conflicto "
            "social) que %(name)s dio a cada caso del reporte, vigente al cierre del mes."
        ) % {"name": institution.name}
    else:
        scope = _(
            "Todos los casos del registro compartido (aprobados) de todas las instituciones; "
            "acciones de protesta y víctimas: todos los eventos no eliminados."
        )
        pcm = _(
            "Clasificación de la metodología de la PCM (diferencia, controversia, conflicto "
            "social) que la oficina nacional de diálogo (%(name)s) dio a cada caso del reporte, "
            "vigente al cierre del mes. Un caso que esa oficina no clasificó se cuenta como «sin "
            "clasificar»."
        ) % {"name": pcm_institution.name if pcm_institution else _("ninguna registrada")}
    return {
        "scope": scope,
        "as_of": _(
            "Todas las cifras se calculan con la historia del registro tal como estaba al último "
            "instante del mes (hora de Lima), según la fecha en que cada cambio surtió efecto. "
            "Un cambio registrado después con fecha efectiva dentro del mes modifica las cifras "
            "del mes mientras el reporte no se haya publicado."
        ),
        "total": _(
            "Casos registrados: casos activos más casos latentes al cierre del mes. Nunca "
            "incluye borradores ni casos propuestos."
        ),
        "active": _("Casos en estado activo al cierre del mes."),
        "latent": _("Casos en estado latente al cierre del mes."),
        "active_pct": _("Casos activos como porcentaje de los casos registrados."),
        "latent_pct": _("Casos latentes como porcentaje de los casos registrados."),
        "pre_conflict": _(
            "Casos en preconflicto al cierre del mes (no se suman a los casos registrados)."
        ),
        "new": _(
            "Casos nuevos: casos aprobados por primera vez durante el mes como activos o como "
            "preconflicto, más los casos en preconflicto que pasaron a activos durante el mes. "
            "Un caso aprobado y escalado en el mismo mes se cuenta una sola vez."
        ),
        "reactivated": _("Casos que pasaron de latente a activo durante el mes."),
        "active_to_latent": _("Casos que pasaron de activo a latente durante el mes."),
        "resolved": _("Casos marcados como resueltos durante el mes."),
        "withdrawn": _("Casos retirados del reporte durante el mes."),
        "withdrawn_to_active": _("Casos retirados que volvieron a estar activos durante el mes."),
        "merged": _("Casos fusionados en otro caso durante el mes."),
        "transitions": _(
            "Los cambios de estado se cuentan por la fecha en que ocurrieron. Un caso que cambió "
            "de estado varias veces en el mes se cuenta en cada tipo de cambio que hizo, una vez "
            "por tipo. Un caso aprobado y resuelto en el mismo mes se cuenta como nuevo y como "
            "resuelto, figura en ambas listas y tiene ficha, aunque no esté entre los casos "
            "registrados al cierre del mes."
        ),
        "by_department": _(
            "Casos de un solo departamento (ámbito local): por el departamento de su lugar "
            "principal al cierre del mes; un caso ubicado en una agrupación (Lima Metropolitana, "
            "Lima Provincias) se cuenta en la fila de la agrupación. Casos de ámbito regional o "
            "multirregional: fila «multirregional»; de ámbito nacional: fila «nacional». El "
            "ámbito es el que el caso tenía al cierre del mes."
        ),
        "by_typology": _(
            "Casos registrados por tipología compartida (la categoría propia de una institución "
            "se cuenta en la compartida a la que equivale); los socioambientales, por actividad."
        ),
        "by_phase": _("Casos activos por la fase en que estaban al cierre del mes."),
        "in_dialogue": _(
            "Casos activos en fase de diálogo al cierre del mes, por mecanismo de diálogo y por "
            "el rol de la institución que registra el caso."
        ),
        "protest_actions": _(
            "Acciones colectivas de protesta: eventos de tipo protesta o disturbio con fecha en "
            "el mes, incluidos los que no tienen caso y excluidos los eliminados, por forma de "
            "protesta y por departamento del lugar del evento."
        ),
        "deaths": _(
            "Personas fallecidas registradas como víctimas de los eventos del mes (de cualquier "
            "tipo), por grupo: civiles, policías, militares, sin información."
        ),
        "injured": _(
            "Personas heridas registradas como víctimas de los eventos del mes (de cualquier "
            "tipo), por grupo."
        ),
        "pcm": pcm,
        "crosswalk": _(
            "Equivalencia entre metodologías: la Defensoría cuenta los casos por estado (activo, "
            "latente); la PCM clasifica cada caso como diferencia (desacuerdo sin acciones de "
            "presión), controversia (desacuerdo con acciones de presión aisladas) o conflicto "
            "social (desacuerdo con acciones de fuerza o violencia). No hay equivalencia fija "
            "entre ambas: el cuadro cruzado cuenta, para los mismos casos, cuántos de cada "
            "estado tienen cada clasificación, y cuántos no tienen ninguna."
        ),
        "lists": _("Listas de los casos nuevos, reactivados y resueltos en el mes."),
        "fiches": _(
            "Una ficha por caso activo al cierre del mes y por cada caso nuevo, reactivado o "
            "resuelto en el mes: lugares y actores al cierre del mes, hechos del mes (sus "
            "eventos del mes: fecha, tipo y lugar) y si estaba en diálogo."
        ),
    }


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


class _Scope:
    """The cases and events of one report: one institution's, or the whole registry's."""

    def __init__(self, institution: Institution | None) -> None:
        self.institution = institution

    def case_history(self) -> Any:
        history = Case.history.all()
        if self.institution is not None:
            history = history.filter(institution_id=self.institution.pk)
        return history

    def part_history(self, model: Any) -> Any:
        history = model.history.all()
        if self.institution is not None:
            history = history.filter(case__institution_id=self.institution.pk)
        return history

    def transitions(self) -> Any:
        rows = CaseTransition.objects.all()
        if self.institution is not None:
            rows = rows.filter(case__institution_id=self.institution.pk)
        return rows

    def events_condition(self, prefix: str = "") -> Q:
        if self.institution is None:
            return Q()
        return Q(**{f"{prefix}case__institution_id": self.institution.pk}) | Q(
            **{f"{prefix}case__isnull": True, f"{prefix}institution_id": self.institution.pk}
        )


def compute_month(
    year: int, month: int, institution: Institution | None = None, *, fiches: bool = True
) -> MonthlyFigures:
    """Every figure of the monthly report of ``year``-``month``, for one institution's cases or
    (``institution=None``) for the whole registry. ``fiches=False`` leaves the fiches out (the
    counters alone). Raises ValidationError for a month with no report (``check_month``)."""
    check_month(year, month)
    start, end = start_of_month(year, month), end_of_month(year, month)
    scope = _Scope(institution)

    # 1. Every registered case as it stood at the month's end (one window over the history).
    cases: dict[int, dict[str, Any]] = {
        row["id"]: row
        for row in _latest_rows(scope.case_history(), end)
        .filter(state__in=REGISTERED_STATES)
        .values(*_CASE_FIELDS)
    }
    in_report = [c for c in cases.values() if c["state"] in REPORT_STATES]
    active = [c for c in in_report if c["state"] == CaseState.ACTIVE]
    latent_count = len(in_report) - len(active)

    # 2. The month's state changes, by effective date: distinct cases per counter.
    changed: dict[str, set[int]] = {key: set() for key in TRANSITION_COUNTERS}
    kind_to_key = {kind: key for key, kinds in TRANSITION_COUNTERS.items() for kind in kinds}
    for case_id, kind in (
        scope.transitions()
        .filter(occurred_at__gte=start, occurred_at__lte=end, kind__in=list(kind_to_key))
        .values_list("case_id", "kind")
    ):
        if case_id in cases:  # registered as of the month's end (always, for these kinds)
            changed[kind_to_key[kind]].add(case_id)

    # 3. Categories, territory names, places as of the month's end.
    categories: dict[int, dict[str, Any]] = {
        c["id"]: dict(c)
        for c in Category.objects.values("id", "code", "name", "maps_to_id", "parent_id")
    }
    departments = dict(Ubigeo.objects.filter(level="department").values_list("code", "name"))
    groupings: dict[int, dict[str, Any]] = {
        g["id"]: dict(g) for g in Grouping.objects.values("id", "code", "name")
    }
    # The places' rows alone, the territory's names from memory (joined and sorted in the
    # database, 35,000 places cost 190 ms of the report's 450 ms of SQL), principal first, then
    # by ubigeo code.
    units = {
        pk: (code, name, department)
        for pk, code, name, department in Ubigeo.objects.values_list(
            "pk", "code", "name", "department_code"
        )
    }
    places: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for case_id, is_principal, grouping_id, ubigeo_id in _latest_rows(
        scope.part_history(CasePlace), end
    ).values_list("case_id", "is_principal", "grouping_id", "ubigeo_id"):
        if case_id in cases:
            code, name, department = units.get(ubigeo_id, ("", "", ""))
            places[case_id].append(
                {
                    "is_principal": is_principal,
                    "grouping_id": grouping_id,
                    "ubigeo__code": code,
                    "ubigeo__name": name,
                    "ubigeo__department_code": department,
                }
            )
    for held in places.values():
        held.sort(key=lambda place: (not place["is_principal"], place["ubigeo__code"]))

    def shared(category_id: int | None) -> dict[str, Any] | None:
        category = categories.get(category_id) if category_id is not None else None
        if category is not None and category["maps_to_id"] is not None:
            return categories.get(category["maps_to_id"], category)
        return category

    def department_of(case: dict[str, Any]) -> tuple[str, str, str]:
        """(kind, code, name) of the case's row in "by department"."""
        if case["scope"] in (CaseScope.REGIONAL, CaseScope.MULTIREGIONAL):
            return MULTIREGIONAL, MULTIREGIONAL, _("Multirregional")
        if case["scope"] == CaseScope.NATIONAL:
            return NATIONAL, NATIONAL, _("Nacional")
        principal = next((p for p in places.get(case["id"], []) if p["is_principal"]), None)
        if principal is None:
            return NO_PLACE, NO_PLACE, _("Sin lugar registrado")
        if principal["grouping_id"] is not None and principal["grouping_id"] in groupings:
            grouping = groupings[principal["grouping_id"]]
            return "grouping", grouping["code"], grouping["name"]
        code = principal["ubigeo__department_code"]
        return "department", code, departments.get(code, code)

    # 4. Breakdowns of the cases in the report.
    dept_counts: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    typology_counts: dict[int | None, Counter[str]] = defaultdict(Counter)
    subtype_counts: dict[int | None, dict[int | None, Counter[str]]] = defaultdict(
        lambda: defaultdict(Counter)
    )
    for case in in_report:
        dept_counts[department_of(case)][case["state"]] += 1
        typology = shared(case["typology_id"])
        typology_id = typology["id"] if typology else None
        typology_counts[typology_id][case["state"]] += 1
        if typology is not None and typology["code"] == "socioambiental":
            subtype = shared(case["subtype_id"])
            subtype_counts[typology_id][subtype["id"] if subtype else None][case["state"]] += 1

    def state_counts(code: str, name: str, counts: Counter[str]) -> StateCounts:
        return StateCounts(
            code=code,
            name=name,
            total=counts[CaseState.ACTIVE] + counts[CaseState.LATENT],
            active=counts[CaseState.ACTIVE],
            latent=counts[CaseState.LATENT],
        )

    kind_order = {"department": 0, "grouping": 0, NO_PLACE: 1, MULTIREGIONAL: 2, NATIONAL: 3}
    by_department: list[DepartmentRow] = [
        DepartmentRow(**state_counts(code, name, counts), kind=kind)
        for (kind, code, name), counts in sorted(
            dept_counts.items(), key=lambda item: (kind_order[item[0][0]], item[0][2])
        )
    ]

    by_typology: list[TypologyRow] = []
    for typology_id, counts in typology_counts.items():
        category = categories.get(typology_id) if typology_id is not None else None
        subtypes = [
            state_counts(
                categories[sid]["code"] if sid is not None else "",
                categories[sid]["name"] if sid is not None else _("Sin actividad indicada"),
                sub,
            )
            for sid, sub in subtype_counts.get(typology_id, {}).items()
        ]
        subtypes.sort(key=lambda row: (-row["total"], row["name"]))
        by_typology.append(
            TypologyRow(
                **state_counts(
                    category["code"] if category else "",
                    category["name"] if category else _("Sin tipología"),
                    counts,
                ),
                subtypes=subtypes,
            )
        )
    by_typology.sort(key=lambda row: (-row["total"], row["name"]))

    phases = Counter(c["phase"] for c in active)
    by_phase = [Count(code=p.value, name=str(p.label), count=phases[p.value]) for p in Phase]

    dialogue_cases = [c for c in active if c["phase"] == Phase.DIALOGUE]
    mechanisms = Counter(c["dialogue_mechanism"] for c in dialogue_cases)
    roles = Counter(c["institution_role"] for c in dialogue_cases)
    in_dialogue = Dialogue(
        total=len(dialogue_cases),
        by_mechanism=[
            Count(code=m.value, name=str(m.label), count=mechanisms[m.value])
            for m in DialogueMechanism
        ],
        by_role=[
            Count(code=r.value, name=str(r.label), count=roles[r.value]) for r in InstitutionRole
        ],
    )

    # 5. The month's protest actions and victims, counted by the database (a month may hold tens
    # of thousands of events): one row per case, form and department.
    month_days = {"event_date__gte": start.date(), "event_date__lte": end.date()}

    def counted(case_id: int | None) -> bool:
        # Events of cases not registered at the month's end (drafts) never count.
        return case_id is None or case_id in cases

    forms: Counter[str] = Counter()
    event_departments: Counter[str] = Counter()
    caseless = 0
    for case_id, form, dept, n in (
        Event.objects.filter(scope.events_condition(), event_type__in=PROTEST_EVENT_TYPES)
        .filter(**month_days)
        .values_list("case_id", "protest_form", "ubigeo__department_code")
        .annotate(n=DbCount("id"))
        .order_by()
    ):
        if not counted(case_id):
            continue
        forms[form] += n
        event_departments[dept] += n
        caseless += n if case_id is None else 0
    protest_actions = ProtestActions(
        total=sum(forms.values()),
        caseless=caseless,
        by_form=[
            Count(
                code=f.value,
                name=str(f.label) if f.value else _("Sin forma indicada"),
                count=forms[f.value],
            )
            for f in ProtestForm
            if forms[f.value] or f.value
        ],
        by_department=sorted(
            (
                Count(code=code, name=departments.get(code, code), count=n)
                for code, n in event_departments.items()
            ),
            key=lambda row: (-row["count"], row["name"]),
        ),
    )

    victims: dict[str, Counter[str]] = {
        VictimOutcome.DEAD: Counter(),
        VictimOutcome.INJURED: Counter(),
    }
    for case_id, outcome, group, n in (
        Victim.objects.filter(
            scope.events_condition("event__"),
            event__removed_at__isnull=True,
            event__event_date__gte=start.date(),
            event__event_date__lte=end.date(),
        )
        .values_list("event__case_id", "outcome", "group")
        .annotate(n=DbCount("id"))
        .order_by()
    ):
        if counted(case_id) and outcome in victims:
            victims[outcome][group] += n

    def victim_counts(counts: Counter[str]) -> Victims:
        return Victims(
            total=sum(counts.values()),
            civilians=counts[VictimGroup.CIVILIAN],
            police=counts[VictimGroup.POLICE],
            military=counts[VictimGroup.MILITARY],
            unknown=counts[VictimGroup.UNKNOWN],
        )

    # 6. PCM classifications of the same cases, as of the month's end.
    pcm_institution = institution
    if institution is None:
        pcm_institution = (
            Institution.objects.filter(kind=InstitutionKind.DIALOGUE_OFFICE).order_by("id").first()
        )
    classified: dict[int, str] = {}
    if pcm_institution is not None:
        classified = dict(
            _latest_rows(
                CaseClassification.history.filter(institution_id=pcm_institution.pk), end
            ).values_list("case_id", "classification")
        )
    pcm_counts: Counter[str] = Counter()
    crosswalk_counts: Counter[tuple[str, str]] = Counter()
    for case in in_report:
        value = classified.get(case["id"], "")
        pcm_counts[value] += 1
        crosswalk_counts[(case["state"], value)] += 1
    crosswalk: list[dict[str, str | int]] = [
        {
            "state": state.value,
            "state_name": str(state.label),
            "classification": value,
            "classification_name": (
                _label(PcmClassification, value) if value else _("Sin clasificar")
            ),
            "count": crosswalk_counts[(state.value, value)],
        }
        for state in REPORT_STATES
        for value in [*PcmClassification.values, ""]
    ]
    pcm = PcmCounts(
        institution=_ref(pcm_institution),
        counts=[
            Count(code=v.value, name=str(v.label), count=pcm_counts[v.value])
            for v in PcmClassification
        ],
        unclassified=pcm_counts[""],
        crosswalk=crosswalk,
    )

    # 7. Lists and fiches.
    def case_ref(case: dict[str, Any]) -> CaseRef:
        typology = shared(case["typology_id"])
        return CaseRef(
            uuid=str(case["uuid"]),
            code=case["code"] or "",
            name=case["name"],
            typology=typology["name"] if typology else "",
            department=department_of(case)[2],
        )

    def listed(ids: Iterable[int]) -> list[CaseRef]:
        rows = [cases[i] for i in ids]
        rows.sort(key=lambda c: (c["code"] or "", c["id"]))
        return [case_ref(c) for c in rows]

    lists = {
        "new": listed(changed["new"]),
        "reactivated": listed(changed["reactivated"]),
        "resolved": listed(changed["resolved"]),
    }

    fiche_list: list[Fiche] = []
    if fiches:
        fiche_list = _fiches(
            scope, (start, end), cases, active, changed, places, groupings, categories
        )

    total = len(in_report)
    return MonthlyFigures(
        month=f"{year:04d}-{month:02d}",
        institution=_ref(institution),
        as_of=end.isoformat(),
        generated_at=timezone.now().isoformat(),
        definitions=definitions(institution, pcm_institution),
        total=total,
        active=len(active),
        latent=latent_count,
        active_pct=_pct(len(active), total),
        latent_pct=_pct(latent_count, total),
        pre_conflict=sum(1 for c in cases.values() if c["state"] == CaseState.PRE_CONFLICT),
        new=len(changed["new"]),
        reactivated=len(changed["reactivated"]),
        active_to_latent=len(changed["active_to_latent"]),
        resolved=len(changed["resolved"]),
        withdrawn=len(changed["withdrawn"]),
        withdrawn_to_active=len(changed["withdrawn_to_active"]),
        merged=len(changed["merged"]),
        by_department=by_department,
        by_typology=by_typology,
        by_phase=by_phase,
        in_dialogue=in_dialogue,
        protest_actions=protest_actions,
        deaths=victim_counts(victims[VictimOutcome.DEAD]),
        injured=victim_counts(victims[VictimOutcome.INJURED]),
        pcm=pcm,
        lists=lists,
        fiches=fiche_list,
    )


def _ref(institution: Institution | None) -> InstitutionRef | None:
    if institution is None:
        return None
    return InstitutionRef(slug=institution.slug, name=institution.name)


def _fiches(
    scope: _Scope,
    month: tuple[dt.datetime, dt.datetime],
    cases: dict[int, dict[str, Any]],
    active: list[dict[str, Any]],
    changed: dict[str, set[int]],
    places: dict[int, list[dict[str, Any]]],
    groupings: dict[int, dict[str, Any]],
    categories: dict[int, dict[str, Any]],
) -> list[Fiche]:
    """A fiche per case active at the month's end and per new, reactivated or resolved case of
    the month: two more queries (actors as of the month's end, the month's events), whatever the
    number of cases."""
    start, end = month
    ids = {c["id"] for c in active} | changed["new"] | changed["reactivated"] | changed["resolved"]
    actors: dict[int, dict[str, list[str]]] = defaultdict(
        lambda: {"primary": [], "secondary": [], "tertiary": []}
    )
    for case_id, role, name in (
        _latest_rows(scope.part_history(CaseActor), end)
        .order_by("case_id", "role", "actor__name", "id")
        .values_list("case_id", "role", "actor__name")
    ):
        if case_id in ids and role in ("primary", "secondary", "tertiary"):
            actors[case_id][role].append(name)
    facts: dict[int, list[dict[str, str]]] = defaultdict(list)
    for case_id, sub, day, location, place in (
        Event.objects.filter(scope.events_condition())
        .filter(event_date__gte=start.date(), event_date__lte=end.date(), case__isnull=False)
        .order_by("event_date", "id")
        .values_list("case_id", "sub_event_type", "event_date", "location", "ubigeo__name")
    ):
        if case_id in ids and len(facts[case_id]) < MAX_FACTS:
            where = f"{location}, {place}" if location else place
            facts[case_id].append(
                {"date": day.isoformat(), "text": f"{_label(SubEventType, sub)} — {where}"}
            )

    def category_name(category_id: int | None) -> str:
        category = categories.get(category_id) if category_id is not None else None
        if category is None:
            return ""
        target = categories.get(category["maps_to_id"]) if category["maps_to_id"] else None
        return (target or category)["name"]

    result: list[Fiche] = []
    for case_id in sorted(ids, key=lambda i: (cases[i]["code"] or "", i)):
        case = cases[case_id]
        status = ""
        if case_id in changed["new"]:
            status = "new"
        elif case_id in changed["reactivated"]:
            status = "reactivated"
        names = [
            groupings[p["grouping_id"]]["name"]
            if p["grouping_id"] in groupings
            else p["ubigeo__name"]
            for p in places.get(case_id, [])
        ]
        result.append(
            Fiche(
                uuid=str(case["uuid"]),
                code=case["code"] or "",
                name=case["name"],
                typology=category_name(case["typology_id"]),
                subtype=category_name(case["subtype_id"]),
                state=_label(CaseState, case["state"]),
                phase=_label(Phase, case["phase"]) if case["phase"] else "",
                status=status,
                places=names,
                actors=dict(actors[case_id]),
                facts=facts.get(case_id, []),
                dialogue=case["phase"] == Phase.DIALOGUE,
            )
        )
    return result

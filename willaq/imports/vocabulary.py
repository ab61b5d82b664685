"""What the words of a spreadsheet mean: synonyms, categories, fixed vocabularies and places,
held in memory for one import (a few thousand entries), so a row is read without a query.

``Vocabulary(institution)`` answers ``lookup(kind, text)`` (the institution's own synonyms win
over the shared ones; the labels, stored values and category names match without a synonym) and
``suggest(kind, text)`` (the closest known spellings, for the report). ``places`` resolves the
place columns of a row (see ``Places``).
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise
from rapidfuzz import fuzz, process

from willaq.accounts.models import Institution
from willaq.cases.access import usable_categories
from willaq.cases.choices import (
    CaseScope,
    CaseState,
    CategoryKind,
    CompetentAuthority,
    EventType,
    Phase,
    ProtestForm,
    SubEventType,
)
from willaq.cases.services import PlaceInput
from willaq.core.text import fold
from willaq.imports.choices import SynonymKind
from willaq.imports.models import Synonym
from willaq.territory.models import Grouping, Level, Ubigeo

# The fixed vocabularies a synonym may point into (stored value → label).
CHOICE_KINDS: dict[SynonymKind, type[models.TextChoices]] = {
    SynonymKind.STATE: CaseState,
    SynonymKind.PHASE: Phase,
    SynonymKind.SCOPE: CaseScope,
    SynonymKind.COMPETENT_AUTHORITY: CompetentAuthority,
    SynonymKind.EVENT_TYPE: EventType,
    SynonymKind.SUB_EVENT_TYPE: SubEventType,
    SynonymKind.PROTEST_FORM: ProtestForm,
}

# Fields a column of each kind of file may be read into.
CASE_FIELDS: dict[str, StrOrPromise] = {
    "name": gettext_lazy("nombre del caso"),
    "external_id": gettext_lazy("identificador externo"),
    "department": gettext_lazy("departamento"),
    "province": gettext_lazy("provincia"),
    "district": gettext_lazy("distrito"),
    "place": gettext_lazy("lugar"),
    "scope": gettext_lazy("ámbito"),
    "typology": gettext_lazy("tipología"),
    "subtype": gettext_lazy("subtipo"),
    "state": gettext_lazy("estado"),
    "phase": gettext_lazy("fase"),
    "start_date": gettext_lazy("fecha de inicio"),
    "end_date": gettext_lazy("fecha de fin"),
    "description": gettext_lazy("descripción"),
    "actors": gettext_lazy("actores primarios"),
    "actors_secondary": gettext_lazy("actores secundarios"),
    "actors_tertiary": gettext_lazy("actores terciarios"),
    "demands": gettext_lazy("demandas"),
    "causes": gettext_lazy("causas"),
    "competent_authority": gettext_lazy("autoridad competente"),
    "next_steps": gettext_lazy("próximos pasos"),
    "ignore": gettext_lazy("(no importar)"),
}
EVENT_FIELDS: dict[str, StrOrPromise] = {
    "event_date": gettext_lazy("fecha"),
    "end_date": gettext_lazy("fecha de fin"),
    "event_type": gettext_lazy("tipo de evento"),
    "sub_event_type": gettext_lazy("subtipo de evento"),
    "protest_form": gettext_lazy("forma de protesta"),
    "actor1": gettext_lazy("actor 1"),
    "actor2": gettext_lazy("actor 2"),
    "assoc_actor_1": gettext_lazy("actores asociados al actor 1"),
    "assoc_actor_2": gettext_lazy("actores asociados al actor 2"),
    "inter1": gettext_lazy("tipo de actor 1"),
    "inter2": gettext_lazy("tipo de actor 2"),
    "department": gettext_lazy("departamento"),
    "province": gettext_lazy("provincia"),
    "district": gettext_lazy("distrito"),
    "location": gettext_lazy("localidad"),
    "latitude": gettext_lazy("latitud"),
    "longitude": gettext_lazy("longitud"),
    "sources": gettext_lazy("fuentes"),
    "notes": gettext_lazy("notas"),
    "case": gettext_lazy("caso"),
    "external_id": gettext_lazy("identificador externo"),
    "fatalities": gettext_lazy("fallecidos"),
    "injured": gettext_lazy("heridos"),
    "ignore": gettext_lazy("(no importar)"),
}


def valid_targets(kind: SynonymKind, institution: Institution | None) -> set[str]:
    """What a synonym of ``kind`` may mean."""
    if kind == SynonymKind.CASE_COLUMN:
        return set(CASE_FIELDS)
    if kind == SynonymKind.EVENT_COLUMN:
        return set(EVENT_FIELDS)
    if kind in (SynonymKind.TYPOLOGY, SynonymKind.SUBTYPE):
        ids = [institution.pk] if institution is not None else []
        return set(
            usable_categories(ids)
            .filter(kind=kind.value, is_active=True)
            .values_list("code", flat=True)
        )
    if kind == SynonymKind.PLACE:
        groupings = {f"grouping:{c}" for c in Grouping.objects.values_list("code", flat=True)}
        units = {f"ubigeo:{c}" for c in Ubigeo.objects.values_list("code", flat=True)}
        return groupings | units | {"scope:national", "scope:multiregional"}
    if kind == SynonymKind.EMPTY:
        return {""}
    return set(CHOICE_KINDS[kind].values)


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: str
    department_code: str
    province_code: str


@dataclass
class PlaceResult:
    places: list[PlaceInput] = field(default_factory=list)
    scope: str = ""  # set when the place says it (national, multiregional, several departments)
    # (field, value, message) of what could not be resolved; the row is then rejected.
    problems: list[tuple[str, str, str]] = field(default_factory=list)
    # The principal unit (for matching a case by name + place).
    key: str = ""


# "Ayacucho / Huancavelica", "Puno y Cusco", "Apurímac, Cusco", "Piura - Tumbes".
_MULTI_SPLIT = re.compile(r"\s*(?:/|,|;|\s-\s|-|\s+y\s+|\s+e\s+)\s*", re.IGNORECASE)


class Places:
    """The territory in memory: every unit by folded name and parent, the groupings."""

    def __init__(self, place_synonyms: dict[str, str], empty: set[str]) -> None:
        self.units: dict[str, Unit] = {}
        self.departments: dict[str, Unit] = {}
        self.provinces: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        self.districts_in_province: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        self.districts_in_department: dict[tuple[str, str], list[Unit]] = defaultdict(list)
        self.districts: dict[str, list[Unit]] = defaultdict(list)
        self.provinces_anywhere: dict[str, list[Unit]] = defaultdict(list)
        for code, name, search, level, dept, prov in Ubigeo.objects.values_list(
            "code", "name", "search_name", "level", "department_code", "province_code"
        ):
            unit = Unit(code, name, level, dept, prov)
            self.units[code] = unit
            if level == Level.DEPARTMENT:
                self.departments[search] = unit
            elif level == Level.PROVINCE:
                self.provinces[(dept, search)].append(unit)
                self.provinces_anywhere[search].append(unit)
            else:
                self.districts_in_province[(prov, search)].append(unit)
                self.districts_in_department[(dept, search)].append(unit)
                self.districts[search].append(unit)
        self.synonyms = dict(place_synonyms)
        for code, search in Grouping.objects.values_list("code", "search_name"):
            self.synonyms.setdefault(search, f"grouping:{code}")
        self.grouping_anchor = dict(Grouping.objects.values_list("code", "anchor__code"))
        self.empty = empty

    def _department(self, folded: str) -> Unit | None:
        target = self.synonyms.get(folded, "")
        if target.startswith("ubigeo:"):
            unit = self.units.get(target.removeprefix("ubigeo:"))
            if unit is not None and unit.level == Level.DEPARTMENT:
                return unit
        return self.departments.get(folded)

    def _by_synonym(self, folded: str, level: str, department_code: str) -> list[Unit]:
        """A unit an old or variant spelling names ("Nasca" for the province of Nazca)."""
        target = self.synonyms.get(folded, "")
        unit = self.units.get(target.removeprefix("ubigeo:")) if target else None
        if unit is not None and unit.level == level and unit.department_code == department_code:
            return [unit]
        return []

    def _department_names(self) -> list[str]:
        return [u.name for u in self.departments.values()]

    def suggest(self, folded: str, choices: Iterable[str]) -> list[str]:
        found = process.extract(
            folded, list(choices), scorer=fuzz.WRatio, processor=fold, limit=3, score_cutoff=70
        )
        return [match for match, _score, _index in found]

    def _unknown(
        self, column: str, raw: str, what: str, choices: Iterable[str]
    ) -> tuple[str, str, str]:
        suggestions = self.suggest(fold(raw), choices)
        message = _("%(what)s desconocido: «%(value)s».") % {"what": what, "value": raw}
        if suggestions:
            message += " " + _("¿Quiso decir: %(list)s?") % {"list": ", ".join(suggestions)}
        return (column, raw, message)

    def resolve(self, department: str, province: str, district: str, place: str) -> PlaceResult:
        """The places a row names. ``department`` may hold several departments, a grouping or a
        scope word ("Nacional"); ``place`` is a free column read the same way."""
        result = PlaceResult()
        dept_text = department if fold(department) not in self.empty else ""
        prov_text = province if fold(province) not in self.empty else ""
        dist_text = district if fold(district) not in self.empty else ""
        place_text = place if fold(place) not in self.empty else ""
        if not dept_text and place_text:
            dept_text, column = place_text, "place"
        else:
            column = "department"
        if not dept_text:
            if prov_text or dist_text:
                return self._without_department(prov_text, dist_text, result)
            return result  # no place at all: the caller flags the case for review
        folded = fold(dept_text)
        target = self.synonyms.get(folded, "")
        if target.startswith("scope:"):
            result.scope = target.removeprefix("scope:")
            return result
        if target.startswith("grouping:"):
            code = target.removeprefix("grouping:")
            result.places.append(PlaceInput(grouping_code=code, is_principal=True))
            result.key = self.grouping_anchor.get(code, "")
            # A province or district inside the grouping is finer: keep the grouping, which is
            # how the file names the place (reports count the grouping's row).
            return result
        unit = self._department(folded)
        if unit is None:
            parts = [p for p in _MULTI_SPLIT.split(dept_text) if p.strip()]
            if len(parts) > 1:
                return self._several(column, dept_text, parts, result)
            result.problems.append(
                self._unknown(column, dept_text, _("Departamento"), self._department_names())
            )
            return result
        return self._within(unit, prov_text, dist_text, result)

    def _several(self, column: str, raw: str, parts: list[str], result: PlaceResult) -> PlaceResult:
        units: list[Unit] = []
        for part in parts:
            folded = fold(part)
            target = self.synonyms.get(folded, "")
            if target.startswith("grouping:"):
                code = target.removeprefix("grouping:")
                anchor = self.grouping_anchor.get(code, "")
                result.places.append(PlaceInput(grouping_code=code))
                units.append(self.units[anchor])
                continue
            unit = self._department(folded)
            if unit is None:
                result.problems.append(
                    self._unknown(column, part, _("Departamento"), self._department_names())
                )
                continue
            if unit.code not in {u.code for u in units}:
                units.append(unit)
                result.places.append(PlaceInput(ubigeo_code=unit.code))
        if result.problems:
            result.places = []
            return result
        departments = {u.department_code for u in units}
        result.scope = CaseScope.REGIONAL if len(departments) > 1 else ""
        first = result.places[0]
        result.places[0] = PlaceInput(first.ubigeo_code, True, first.grouping_code)
        result.key = units[0].code
        return result

    def _within(
        self, department: Unit, prov_text: str, dist_text: str, result: PlaceResult
    ) -> PlaceResult:
        dept = department.code
        province: Unit | None = None
        if prov_text:
            found = self.provinces.get((dept, fold(prov_text)), [])
            if not found:
                found = self._by_synonym(fold(prov_text), Level.PROVINCE, dept)
            if not found:
                names = [u.name for (d, _n), us in self.provinces.items() if d == dept for u in us]
                result.problems.append(
                    self._unknown(
                        "province",
                        prov_text,
                        _("Provincia de %(department)s") % {"department": department.name},
                        names,
                    )
                )
                return result
            province = found[0]
        unit: Unit = province or department
        if dist_text:
            folded = fold(dist_text)
            if province is not None:
                candidates = self.districts_in_province.get((province.code, folded), [])
                scope_name = province.name
            else:
                candidates = self.districts_in_department.get((dept, folded), [])
                scope_name = department.name
            if not candidates:
                candidates = self._by_synonym(folded, Level.DISTRICT, dept)
            if not candidates:
                pool = [
                    u.name
                    for u in self.units.values()
                    if u.level == Level.DISTRICT
                    and (
                        u.province_code == province.code if province else u.department_code == dept
                    )
                ]
                result.problems.append(
                    self._unknown(
                        "district",
                        dist_text,
                        _("Distrito de %(place)s") % {"place": scope_name},
                        pool,
                    )
                )
                return result
            if len(candidates) > 1:
                result.problems.append(
                    (
                        "district",
                        dist_text,
                        _(
                            "Hay %(count)s distritos «%(name)s» en %(place)s (%(list)s): "
                            "indique la provincia."
                        )
                        % {
                            "count": len(candidates),
                            "name": dist_text,
                            "place": scope_name,
                            "list": ", ".join(
                                f"{self.units[c.province_code].name}" for c in candidates
                            ),
                        },
                    )
                )
                return result
            unit = candidates[0]
        result.places.append(PlaceInput(ubigeo_code=unit.code, is_principal=True))
        result.key = unit.code
        return result

    def _without_department(
        self, prov_text: str, dist_text: str, result: PlaceResult
    ) -> PlaceResult:
        """A province or district without its department: accepted when the name is unique in
        the country, else reported as ambiguous (district names repeat: Coporaque, Yauli)."""
        if prov_text:
            found = self.provinces_anywhere.get(fold(prov_text), [])
            column, raw, pool = "province", prov_text, found
        else:
            found = self.districts.get(fold(dist_text), [])
            column, raw, pool = "district", dist_text, found
        if len(pool) == 1:
            unit = pool[0]
            department = self.units[unit.department_code]
            if prov_text and dist_text:
                return self._within(department, prov_text, dist_text, result)
            result.places.append(PlaceInput(ubigeo_code=unit.code, is_principal=True))
            result.key = unit.code
            return result
        if not pool:
            names = self.provinces_anywhere if prov_text else self.districts
            shown = [units[0].name for units in names.values()]
            result.problems.append(self._unknown(column, raw, _("Lugar"), shown))
            return result
        result.problems.append(
            (
                column,
                raw,
                _("«%(name)s» existe en %(count)s lugares (%(list)s): indique el departamento.")
                % {
                    "name": raw,
                    "count": len(pool),
                    "list": ", ".join(self.units[u.department_code].name for u in pool),
                },
            )
        )
        return result


class Vocabulary:
    """Every lookup one import needs, loaded once for the institution."""

    def __init__(self, institution: Institution) -> None:
        self.institution = institution
        self.entries: dict[str, dict[str, str]] = defaultdict(dict)
        self.display: dict[str, dict[str, str]] = defaultdict(dict)  # folded → as shown
        for kind, choices in CHOICE_KINDS.items():
            for value, label in choices.choices:
                self._add(kind, str(label), value)
                if value:
                    self._add(kind, str(value), value)
        categories = usable_categories([institution.pk]).filter(
            kind__in=[CategoryKind.TYPOLOGY, CategoryKind.SUBTYPE], is_active=True
        )
        for category_kind, code, name in categories.values_list("kind", "code", "name"):
            self._add(SynonymKind(category_kind), name, code)  # the name first: suggestions show it
            self._add(SynonymKind(category_kind), code, code)
        for column_kind, fields in (
            (SynonymKind.CASE_COLUMN, CASE_FIELDS),
            (SynonymKind.EVENT_COLUMN, EVENT_FIELDS),
        ):
            for name in fields:
                self._add(column_kind, name, name)
        # Shared synonyms first, the institution's own over them.
        rows = Synonym.objects.filter(
            models.Q(institution=None) | models.Q(institution=institution)
        ).order_by(models.F("institution_id").asc(nulls_first=True))
        for synonym_kind, text, folded, target in rows.values_list(
            "kind", "text", "folded", "target"
        ):
            self.entries[synonym_kind][folded] = target
            self.display[synonym_kind].setdefault(folded, text)
        self.empty = set(self.entries[SynonymKind.EMPTY]) | {""}
        self.places = Places(dict(self.entries[SynonymKind.PLACE]), self.empty)

    def _add(self, kind: SynonymKind, text: str, target: str) -> None:
        folded = fold(text)
        self.entries[kind][folded] = target
        self.display[kind].setdefault(folded, text)

    def lookup(self, kind: SynonymKind, text: str) -> str | None:
        return self.entries[kind].get(fold(text))

    def is_empty(self, text: str) -> bool:
        return fold(text) in self.empty

    def suggest(self, kind: SynonymKind, text: str, limit: int = 3) -> list[str]:
        """The closest known spellings of ``text`` (as they are written), best first."""
        shown = self.display[kind]
        targets = self.entries[kind]
        found = process.extract(
            fold(text), list(shown), scorer=fuzz.WRatio, limit=limit * 5, score_cutoff=75
        )
        best: dict[str, str] = {}  # one spelling per meaning, the closest
        for match, _score, _index in found:
            best.setdefault(targets.get(match, match), shown[match])
        return list(best.values())[:limit]

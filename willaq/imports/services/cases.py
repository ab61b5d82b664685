"""Importing a spreadsheet of cases.

``analyse_cases`` (dry run) and ``import_cases`` (confirmed) run the very same code: every row is
validated and written through ``willaq.cases.services`` inside one transaction; the dry run rolls
it back at the end, so its counts are exactly what the confirmed run will do. In the confirmed
run an unexpected failure rolls back the whole file; a row the services refuse is rolled back
alone (a savepoint) and reported — a row is never half-imported.

Each row is matched to an existing case by external id (``CaseExternalId`` with the options'
source), then by name and principal place; it is then created, updated, left unchanged or
rejected with a reason. A new case is brought in with its history back-dated to its start date:
created, submitted and approved (active or pre-conflict) then, for a latent, resolved or
withdrawn case, moved on at its end date (or at the import's date when the file has none).
"""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.cases import services as case_services
from willaq.cases.access import visible_actors
from willaq.cases.choices import (
    PLACELESS_SCOPES,
    ActorKind,
    ActorRole,
    CaseState,
    Phase,
    StartDatePrecision,
)
from willaq.cases.models import Actor, Case, CaseExternalId, Category
from willaq.cases.services import PlaceInput
from willaq.core.text import fold
from willaq.imports.access import can_import_cases
from willaq.imports.choices import ImportKind, RowOutcome, SynonymKind
from willaq.imports.dates import DateError, parse_date
from willaq.imports.reading import Row
from willaq.imports.recognition import cell_text, not_a_record, section_state
from willaq.imports.report import ImportReport
from willaq.imports.services.common import (
    ImportOptions,
    OptionsError,
    Progress,
    open_layout,
    record_run,
    validation_messages,
)
from willaq.imports.vocabulary import CASE_FIELDS, Vocabulary

# Fields a --default may give (the values a file most often lacks).
DEFAULTABLE = (
    "state",
    "typology",
    "subtype",
    "phase",
    "start_date",
    "scope",
    "competent_authority",
)

# A name derived from a description keeps its first words, up to this length.
DERIVED_NAME_LENGTH = 90

# Plain text fields copied as they are.
_TEXT_FIELDS = ("description", "demands", "causes", "next_steps")

# The transition that brings an approved case to each registered state.
_AFTER_APPROVAL = {
    CaseState.LATENT: "to_latent",
    CaseState.RESOLVED: "resolve",
    CaseState.WITHDRAWN: "withdraw",
}
# How an existing case moves to the state a later file gives it.
_CHANGE = {
    (CaseState.ACTIVE, CaseState.LATENT): "to_latent",
    (CaseState.LATENT, CaseState.ACTIVE): "reactivate",
    (CaseState.WITHDRAWN, CaseState.ACTIVE): "reactivate_withdrawn",
    (CaseState.PRE_CONFLICT, CaseState.ACTIVE): "escalate",
    (CaseState.ACTIVE, CaseState.RESOLVED): "resolve",
    (CaseState.LATENT, CaseState.RESOLVED): "resolve",
    (CaseState.PRE_CONFLICT, CaseState.RESOLVED): "resolve",
    (CaseState.ACTIVE, CaseState.WITHDRAWN): "withdraw",
    (CaseState.LATENT, CaseState.WITHDRAWN): "withdraw",
    (CaseState.PRE_CONFLICT, CaseState.WITHDRAWN): "withdraw",
}


class RowRejected(Exception):
    """The row cannot be imported; its problems are already in the report."""


@dataclass
class CaseRow:
    """One row read into what the case services take."""

    number: int
    data: dict[str, Any] = field(default_factory=dict)
    places: list[PlaceInput] = field(default_factory=list)
    place_key: str = ""
    state: str = CaseState.ACTIVE
    phase: str = Phase.EARLY
    end_date: dt.date | None = None
    external_id: str = ""
    actors: list[tuple[str, str]] = field(default_factory=list)  # (name, role)
    review: list[str] = field(default_factory=list)
    name_given: bool = True

    def match_key(self) -> tuple[str, str]:
        return (fold(self.data["name"]), self.place_key)


class CaseImport:
    """One run over one file (see the module docstring)."""

    def __init__(self, path: Path, options: ImportOptions, dry_run: bool) -> None:
        self.path = path
        self.options = options
        self.institution = options.institution
        self.user = options.user
        self.report = ImportReport(
            ImportKind.CASES, options.file_name or path.name, dry_run=dry_run
        )
        self.dry_run = dry_run
        self.now = timezone.now()
        self.effective = options.effective()  # None: the changes take effect now
        self.reason = _("Importado de %(file)s") % {"file": self.report.file_name}

    # --- setup ---------------------------------------------------------------------------

    def check_options(self, vocabulary: Vocabulary) -> dict[str, Any]:
        """The --default values, read as a row's cells would be (so "Latente" works)."""
        unknown = [k for k in self.options.defaults if k not in DEFAULTABLE]
        if unknown:
            raise OptionsError(
                _("--default %(fields)s: solo se admiten %(allowed)s.")
                % {"fields": ", ".join(unknown), "allowed": ", ".join(DEFAULTABLE)}
            )
        defaults: dict[str, Any] = {}
        for key, raw in self.options.defaults.items():
            if key == "start_date":
                try:
                    defaults[key] = parse_date(raw)[0]
                except DateError as exc:
                    raise OptionsError(f"--default start_date={raw}: {exc}") from exc
                continue
            kind = SynonymKind(key)
            value = vocabulary.lookup(kind, raw)
            if value is None:
                raise OptionsError(
                    _("--default %(field)s=%(value)s: valor desconocido.")
                    % {"field": key, "value": raw}
                )
            defaults[key] = value
        return defaults

    def run(self, progress: Progress | None) -> ImportReport:
        if not can_import_cases(self.user, self.institution):
            raise PermissionDenied(
                _("Solo un coordinador de %(institution)s puede importar casos.")
                % {"institution": self.institution}
            )
        vocabulary = Vocabulary(self.institution)
        self.defaults = self.check_options(vocabulary)
        self.vocabulary = vocabulary
        layout = open_layout(
            self.path, self.options, vocabulary, SynonymKind.CASE_COLUMN, CASE_FIELDS, self.report
        )
        if layout is None:
            return self.report
        self.layout = layout
        self.columns = layout.by_field()
        self._load_index()
        self.actors: dict[str, Actor] = {}  # by folded name: found or created in this run
        data = list(layout.data)
        total = len(data)
        section = ""
        seen: dict[tuple[str, str] | str, int] = {}
        for done, row in enumerate(data, start=1):
            section = self._one_row(row, section, seen)
            if progress is not None:
                progress(done, total)
        return self.report

    def _load_index(self) -> None:
        """The institution's cases by folded name and principal place, and external ids."""
        self.by_name: dict[tuple[str, str], int] = {}
        cases = Case.objects.filter(institution=self.institution).prefetch_related("places")
        for case in cases.only("id", "name"):
            principal = case.principal_place
            key = principal.ubigeo.code if principal else ""
            self.by_name.setdefault((fold(case.name), key), case.pk)
        self.by_external = dict(
            CaseExternalId.objects.filter(source=self.options.id_source).values_list(
                "external_id", "case_id"
            )
        )

    # --- one row -------------------------------------------------------------------------

    def _one_row(self, row: Row, section: str, seen: dict[Any, int]) -> str:
        reason = not_a_record(row)
        if reason:
            heading_state = section_state(row, self.vocabulary)
            first = next((cell_text(v) for v in row.values if cell_text(v)), "")
            self.report.add(row.number, "", first, reason, "not_a_case")
            self.report.record(row.number, RowOutcome.REJECTED, reason=reason)
            return heading_state or section
        problems_before = len(self.report.problems)
        try:
            parsed = self._parse(row, section)
        except RowRejected:
            self._reject(row.number, problems_before)
            return section
        key: tuple[str, str] | str = parsed.external_id or parsed.match_key()
        if key in seen:
            message = _("Fila repetida: el mismo caso que la fila %(row)s.") % {"row": seen[key]}
            self.report.add(row.number, "", parsed.data["name"], message, "duplicate_row")
            self.report.record(row.number, RowOutcome.REJECTED, reason=message)
            return section
        seen[key] = row.number
        try:
            with transaction.atomic():
                outcome, target = self._write(parsed)
        except (ValidationError, PermissionDenied, IntegrityError, DataError) as exc:
            # The savepoint took back whatever the row had written.
            if isinstance(exc, ValidationError):
                messages = validation_messages(exc)
            elif isinstance(exc, PermissionDenied):
                messages = [("", str(exc))]
            else:
                messages = [
                    ("", _("La base de datos rechazó la fila (%(error)s).") % {"error": exc})
                ]
            for field_name, message in messages:
                column = self.columns.get(_column_of(field_name))
                value = (
                    cell_text(row.values[column.index])
                    if column and column.index < len(row.values)
                    else ""
                )
                self.report.add(
                    row.number, column.header if column else "", value, message, "invalid"
                )
            self._reject(row.number, problems_before)
            return section
        self.report.record(row.number, outcome, target=target)
        return section

    def _reject(self, number: int, problems_before: int) -> None:
        reasons = [
            p.message
            for p in self.report.problems[problems_before:]
            if p.code not in ("no_place", "derived_name")
        ]
        self.report.record(number, RowOutcome.REJECTED, reason=" ".join(reasons))

    def _cell(self, row: Row, name: str) -> str:
        column = self.columns.get(name)
        if column is None or column.index >= len(row.values):
            return ""
        return cell_text(row.values[column.index])

    def _raw(self, row: Row, name: str) -> object:
        column = self.columns.get(name)
        if column is None or column.index >= len(row.values):
            return ""
        return row.values[column.index]

    def _problem(self, row: Row, name: str, value: str, message: str, code: str) -> None:
        column = self.columns.get(name)
        self.report.add(row.number, column.header if column else name, value, message, code)

    def _vocabulary_value(
        self, row: Row, name: str, kind: SynonymKind, what: str, errors: list[str]
    ) -> str:
        raw = self._cell(row, name)
        if not raw or self.vocabulary.is_empty(raw):
            return ""
        value = self.vocabulary.lookup(kind, raw)
        if value is None:
            suggestions = self.vocabulary.suggest(kind, raw)
            message = _("%(what)s desconocido: «%(value)s».") % {"what": what, "value": raw}
            if suggestions:
                message += " " + _("¿Quiso decir: %(list)s?") % {"list": ", ".join(suggestions)}
            self._problem(row, name, raw, message, "unknown_value")
            self.report.unmatched_value(name, raw, suggestions)
            errors.append(name)
            return ""
        return value

    def _typology(self, row: Row, errors: list[str]) -> tuple[str, str]:
        """(typology, subtype) codes. A typology cell may carry the activity too
        ("Socioambiental - Minería") or only the activity ("Minería")."""
        raw = self._cell(row, "typology")
        subtype = self._vocabulary_value(row, "subtype", SynonymKind.SUBTYPE, _("Subtipo"), errors)
        if not raw or self.vocabulary.is_empty(raw):
            return self.defaults.get("typology", ""), subtype or self.defaults.get("subtype", "")
        typology = self.vocabulary.lookup(SynonymKind.TYPOLOGY, raw)
        if typology is None:
            as_subtype = self.vocabulary.lookup(SynonymKind.SUBTYPE, raw)
            if as_subtype is not None:
                return self._parent(as_subtype), subtype or as_subtype
            parts = [p for p in re.split(r"\s*[-/(),:]\s*", raw) if p.strip()]
            if len(parts) == 2:
                first = self.vocabulary.lookup(SynonymKind.TYPOLOGY, parts[0])
                second = self.vocabulary.lookup(SynonymKind.SUBTYPE, parts[1])
                if first and second:
                    return first, subtype or second
        if typology is None:
            self._vocabulary_value(row, "typology", SynonymKind.TYPOLOGY, _("Tipo"), errors)
            return "", subtype
        return typology, subtype

    def _parent(self, subtype: str) -> str:
        category = (
            Category.objects.filter(code=subtype, kind=SynonymKind.SUBTYPE.value)
            .select_related("parent")
            .first()
        )
        return category.parent.code if category and category.parent else ""

    def _date(self, row: Row, name: str, errors: list[str]) -> tuple[dt.date | None, str]:
        raw = self._raw(row, name)
        text = cell_text(raw)  # type: ignore[arg-type]
        if not text or self.vocabulary.is_empty(text):
            return None, ""
        try:
            value, precision = parse_date(raw)
        except DateError as exc:
            self._problem(row, name, text, str(exc), "bad_date")
            errors.append(name)
            return None, ""
        if value > timezone.localdate():
            self._problem(
                row,
                name,
                text,
                _("La fecha %(date)s está en el futuro.") % {"date": value.isoformat()},
                "future_date",
            )
            errors.append(name)
            return None, ""
        return value, precision

    def _parse(self, row: Row, section: str) -> CaseRow:
        errors: list[str] = []
        parsed = CaseRow(row.number)
        data = parsed.data
        for name in _TEXT_FIELDS:
            if name in self.columns:
                data[name] = self._cell(row, name)
        # Name, or one derived from the description.
        name = self._cell(row, "name")
        if not name:
            description = data.get("description", "")
            if not description:
                self._problem(
                    row,
                    "name",
                    "",
                    _("Falta el nombre del caso (y no hay descripción de la que tomarlo)."),
                    "missing_value",
                )
                raise RowRejected
            name = derive_name(description)
            parsed.name_given = False
            parsed.review.append(_("Nombre tomado de la descripción: revíselo."))
            self._problem(row, "description", description[:80], parsed.review[-1], "derived_name")
        data["name"] = name[:250]
        parsed.external_id = self._cell(row, "external_id")
        typology, subtype = self._typology(row, errors)
        if not typology and "typology" not in errors:
            self._problem(
                row,
                "typology",
                "",
                _("Falta la tipología (o use --default typology=CÓDIGO)."),
                "missing_value",
            )
            errors.append("typology")
        data["typology"] = typology
        if subtype:
            data["subtype"] = subtype
        authority = self._vocabulary_value(
            row,
            "competent_authority",
            SynonymKind.COMPETENT_AUTHORITY,
            _("Autoridad competente"),
            errors,
        ) or self.defaults.get("competent_authority", "")
        if authority:
            data["competent_authority"] = authority
        # State and phase: the cell, else the section heading above, else --default, else active.
        state = self._vocabulary_value(row, "state", SynonymKind.STATE, _("Estado"), errors)
        state = state or section or self.defaults.get("state", "")
        if not state:
            state = CaseState.ACTIVE
            parsed.review.append(_("El archivo no indica el estado: se registró como activo."))
        parsed.state = state
        phase = self._vocabulary_value(row, "phase", SynonymKind.PHASE, _("Fase"), errors)
        phase = phase or self.defaults.get("phase", "") or Phase.EARLY
        if phase == Phase.DIALOGUE:
            # The dialogue phase needs the mechanism and the institution's role, which
            # registries rarely give: the case enters the early phase, flagged for review.
            parsed.review.append(
                _("El archivo indica fase de diálogo sin mecanismo ni rol: revise la fase.")
            )
            phase = Phase.EARLY
        parsed.phase = phase
        # Dates.
        start, precision = self._date(row, "start_date", errors)
        if start is None and "start_date" not in errors:
            default = self.defaults.get("start_date")
            if default is None:
                self._problem(
                    row,
                    "start_date",
                    "",
                    _("Falta la fecha de inicio (o use --default start_date=AAAA-MM-DD)."),
                    "missing_value",
                )
                errors.append("start_date")
            else:
                start, precision = default, StartDatePrecision.BEFORE
        if start is not None:
            data["start_date"] = start
            data["start_date_precision"] = precision
        parsed.end_date, _precision = self._date(row, "end_date", errors)
        # Places and scope.
        scope = self._vocabulary_value(row, "scope", SynonymKind.SCOPE, _("Ámbito"), errors)
        place = self.vocabulary.places.resolve(
            self._cell(row, "department"),
            self._cell(row, "province"),
            self._cell(row, "district"),
            self._cell(row, "place"),
        )
        for column_name, value, message in place.problems:
            self._problem(row, column_name, value, message, "unknown_place")
            self.report.unmatched_value("places", value, _suggestions_in(message))
            errors.append(column_name)
        scope = scope or place.scope or self.defaults.get("scope", "")
        if scope:
            data["scope"] = scope
        parsed.places = place.places
        parsed.place_key = place.key
        if not place.places and not place.problems and scope not in PLACELESS_SCOPES:
            parsed.review.append(_("El archivo no indica el lugar: complételo."))
            self._problem(row, "department", "", parsed.review[-1], "no_place")
        for column_name, role in _ACTOR_COLUMNS:
            for name in split_actors(self._cell(row, column_name)):
                if len(name) > ACTOR_NAME_LENGTH:
                    self._problem(
                        row,
                        column_name,
                        name[:60],
                        _("Nombre de actor demasiado largo (máximo %(max)s caracteres).")
                        % {"max": ACTOR_NAME_LENGTH},
                        "invalid",
                    )
                    errors.append(column_name)
                elif fold(name) not in {fold(n) for n, _r in parsed.actors}:
                    parsed.actors.append((name, role))
        if errors:
            raise RowRejected
        if parsed.review:
            data["needs_review"] = True
            data["review_note"] = " ".join(parsed.review)
        return parsed

    # --- writing -------------------------------------------------------------------------

    def _write(self, parsed: CaseRow) -> tuple[RowOutcome, str]:
        case_id = None
        if parsed.external_id:
            case_id = self.by_external.get(parsed.external_id)
        if case_id is None:
            case_id = self.by_name.get(parsed.match_key())
        if case_id is None:
            case = self._create(parsed)
            self._link_actors(case, parsed.actors)
            return RowOutcome.CREATED, case.code or str(case.uuid)
        case = Case.objects.select_related("typology", "subtype").get(pk=case_id)
        if case.institution_id != self.institution.pk:
            raise PermissionDenied(
                _("El identificador %(id)s es de un caso de otra institución.")
                % {"id": parsed.external_id}
            )
        changed = self._update(case, parsed)
        changed = self._link_actors(case, parsed.actors) or changed
        return (RowOutcome.UPDATED if changed else RowOutcome.UNCHANGED), case.code or str(
            case.uuid
        )

    def _moment(self, day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))

    def _create(self, parsed: CaseRow) -> Case:
        start = parsed.data["start_date"]
        at = self._moment(start)
        external = [(self.options.id_source, parsed.external_id)] if parsed.external_id else []
        case = case_services.create_case(
            user=self.user,
            institution=self.institution,
            data=parsed.data,
            places=parsed.places,
            external_ids=external,
            at=at,
        )
        approve = "approve_pre_conflict" if parsed.state == CaseState.PRE_CONFLICT else "approve"
        for name in ("submit", approve):
            case = case_services.transition_case(
                user=self.user, case=case, name=name, reason=self.reason, phase=parsed.phase, at=at
            )
        follow = _AFTER_APPROVAL.get(CaseState(parsed.state))
        if follow is not None:
            when = max(self.effective or self.now, at)  # never before the approval
            if parsed.end_date is not None and parsed.state != CaseState.LATENT:
                when = max(self._moment(parsed.end_date), at)
            case = case_services.transition_case(
                user=self.user, case=case, name=follow, reason=self.reason, at=when
            )
        self.by_name[parsed.match_key()] = case.pk
        if parsed.external_id:
            self.by_external[parsed.external_id] = case.pk
        return case

    def _update(self, case: Case, parsed: CaseRow) -> bool:
        """Bring ``case`` to what the row says; False when it already is."""
        changes: dict[str, Any] = {}
        for name, value in parsed.data.items():
            if name in ("needs_review", "review_note"):
                continue  # set once, at creation: a reviewer's decision stays
            if name == "name" and not parsed.name_given:
                continue
            current = getattr(case, name)
            if name in ("typology", "subtype"):
                current = current.code if current is not None else ""
            if current != value and not (current in (None, "") and value in (None, "")):
                changes[name] = value
        places: list[PlaceInput] | None = None
        if parsed.places and _place_set(parsed.places) != _place_set_of(case):
            places = parsed.places
        external = []
        if parsed.external_id and parsed.external_id not in self.by_external:
            external = [(self.options.id_source, parsed.external_id)]
            self.by_external[parsed.external_id] = case.pk
        changed = bool(changes or places is not None or external)
        if changed:
            case_services.update_case(
                user=self.user,
                case=case,
                data=changes,
                places=places,
                external_ids=external,
                at=self.effective,
            )
        transition = _CHANGE.get((CaseState(case.state), CaseState(parsed.state)))
        if case.state != parsed.state:
            if transition is None:
                raise ValidationError(
                    {
                        "state": _("El caso %(case)s está «%(from)s»; no pasa a «%(to)s».")
                        % {
                            "case": case,
                            "from": CaseState(case.state).label,
                            "to": CaseState(parsed.state).label,
                        }
                    }
                )
            case_services.transition_case(
                user=self.user,
                case=case,
                name=transition,
                reason=self.reason,
                phase=parsed.phase,
                at=self.effective,
            )
            changed = True
        elif (
            case.state == CaseState.ACTIVE
            and "phase" in self.columns
            and parsed.phase
            and case.phase != parsed.phase
        ):
            case_services.change_phase(
                user=self.user, case=case, phase=parsed.phase, at=self.effective
            )
            changed = True
        return changed

    def _link_actors(self, case: Case, actors: list[tuple[str, str]]) -> bool:
        """Link the row's actors to the case (an actor the user may see with the same name, or a
        new organisation); links already there stay as they are. True when one was added."""
        if not actors:
            return False
        linked = set(case.case_actors.values_list("actor__search_name", flat=True))
        added = False
        for name, role in actors:
            folded = fold(name)
            if folded in linked:
                continue
            actor = self.actors.get(folded)
            if actor is None:
                actor = visible_actors(self.user).filter(search_name=folded).first()
            if actor is None:
                actor = case_services.create_actor(
                    user=self.user,
                    institution=self.institution,
                    data={"name": name, "kind": ActorKind.ORGANISATION},
                )
            self.actors[folded] = actor
            case_services.link_actor(user=self.user, case=case, actor=actor, role=role)
            linked.add(folded)
            added = True
        return added


# The actor columns and the role their actors take in the case.
_ACTOR_COLUMNS = (
    ("actors", ActorRole.PRIMARY),
    ("actors_secondary", ActorRole.SECONDARY),
    ("actors_tertiary", ActorRole.TERTIARY),
)
ACTOR_NAME_LENGTH = 250


def split_actors(text: str) -> list[str]:
    """Actor names in a cell: separated by semicolons, line breaks or " / " (commas are left
    alone: "Comunidad campesina de Tintaya, Espinar" is one name)."""
    return [n.strip(" .") for n in re.split(r";|\n|\s/\s", text) if n.strip(" .")]


def _column_of(field_name: str) -> str:
    """The import field a service's error key belongs to."""
    return {
        "places": "department",
        "scope": "department",
        "start_date_precision": "start_date",
        "external_ids": "external_id",
        "transition": "state",
        "confirm_far_point": "department",
    }.get(field_name, field_name)


def _suggestions_in(message: str) -> list[str]:
    found = re.search(r"¿[^:]*: (.*)\?$", message)
    return [s.strip() for s in found[1].split(",")] if found else []


def _place_set(places: Iterable[PlaceInput]) -> set[str]:
    return {p.grouping_code or p.ubigeo_code for p in places}


def _place_set_of(case: Case) -> set[str]:
    return {
        p.grouping.code if p.grouping else p.ubigeo.code
        for p in case.places.select_related("ubigeo", "grouping")
    }


def derive_name(description: str) -> str:
    """A case's name from its description: the first sentence's first words."""
    first = re.split(r"(?<=[.;:])\s", description.strip(), maxsplit=1)[0].rstrip(".;:")
    if len(first) <= DERIVED_NAME_LENGTH:
        return first
    cut = first[:DERIVED_NAME_LENGTH].rsplit(" ", 1)[0]
    return f"{cut}…"


def _run(
    path: Path | str, options: ImportOptions, *, dry_run: bool, progress: Progress | None
) -> ImportReport:
    path = Path(path)
    started = timezone.now()
    job = CaseImport(path, options, dry_run)
    with transaction.atomic():
        report = job.run(progress)
        if dry_run:
            transaction.set_rollback(True)
        elif report.readable:
            record_run(ImportKind.CASES, path, options, report, started)
            # Cases written in bulk: the map's events summary (reports app) keys on their
            # state, phase and typology; rebuilt whole, in the import's transaction.
            call_command("refresh_map_summary", verbosity=0, stdout=StringIO())
    return report


def analyse_cases(
    path: Path | str, options: ImportOptions, progress: Progress | None = None
) -> ImportReport:
    """The dry run: every row validated and written, then all rolled back."""
    return _run(path, options, dry_run=True, progress=progress)


def import_cases(
    path: Path | str, options: ImportOptions, progress: Progress | None = None
) -> ImportReport:
    """The confirmed run, in one transaction; ``progress(done, total)`` after each row."""
    return _run(path, options, dry_run=False, progress=progress)

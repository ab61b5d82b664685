"""Importing a spreadsheet of events (ACLED-style columns, Spanish or English labels), fast.

A file of events can hold hundreds of thousands of rows, so this import does not call
``record_event`` per row: it applies the same rules in memory (types and sub-types that belong
together, the protest form only on protests, dates not in the future nor before 1980, an end
after the start, a place, a point in Peru and near its place), with lookup tables and caches of
the values already seen, and writes the events and their history rows in batches (PostgreSQL
``COPY``; batched INSERTs elsewhere). The whole file is one transaction.

- History: each event gets its "+" row with ``history_date`` = the event's date (when it
  happened: month-end figures follow it) and ``recorded_at`` = now; the run is audited once
  (``AuditEvent.IMPORT_EVENTS``, with the counts) and kept as an ``ImportRun``.
- Identity: ``Event.import_key`` is the row's external id (with the source) when the file has an
  id column, else a hash of the row's normalised content; importing the same file again adds
  nothing. A row whose id is known but whose content changed updates the event (through
  ``update_event``). Two identical rows without an id are one event (the second is reported).
- Victims: dead and injured are never typed as numbers (they come from victim records); columns
  with such counts are reported, not imported.
- The dry run validates everything and writes nothing.
"""

import datetime as dt
import hashlib
import math
import random
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.cases import services as case_services
from willaq.cases.access import visible_cases
from willaq.cases.choices import (
    PROTEST_EVENT_TYPES,
    SUB_EVENT_PARENT,
    ActorTypeCode,
    DatePrecision,
    EventType,
    GeoPrecision,
    StartDatePrecision,
)
from willaq.cases.models import CaseExternalId, Event
from willaq.cases.services import EARLIEST_DATE, FAR_POINT_KM
from willaq.core.text import fold
from willaq.imports.access import can_import_events
from willaq.imports.choices import ImportKind, RowOutcome, SynonymKind
from willaq.imports.dates import DateError, parse_date
from willaq.imports.reading import ReadError, Row
from willaq.imports.recognition import Column, cell_text, not_a_record
from willaq.imports.report import ImportReport
from willaq.imports.services.common import (
    ImportOptions,
    OptionsError,
    Progress,
    open_layout,
    record_run,
    validation_messages,
)
from willaq.imports.vocabulary import EVENT_FIELDS, Vocabulary
from willaq.territory.models import Level, Ubigeo

# Rows validated and written at a time.
BATCH = 5000
# Peru's bounding box (a point outside is refused without a boundary test).
PERU_LATITUDE = (-18.4, 0.1)
PERU_LONGITUDE = (-81.4, -68.6)
# Who acts in a protest or a riot when the file does not say (ACLED's conventions). Stored
# data, in the registry's language: not translated.
DEFAULT_ACTOR = {
    EventType.PROTESTS: ("Manifestantes", ActorTypeCode.PROTESTERS),
    EventType.RIOTS: ("Amotinados", ActorTypeCode.RIOTERS),
}
# ACLED's English names of the actor types, besides the Spanish labels.
_INTER_NAMES = {
    "state forces": 1,
    "rebel groups": 2,
    "political militias": 3,
    "identity militias": 4,
    "rioters": 5,
    "protesters": 6,
    "civilians": 7,
    "external/other forces": 8,
    "other forces": 8,
}
_TEXT_LIMITS = {
    "actor1": 200,
    "actor2": 200,
    "assoc_actor_1": 300,
    "assoc_actor_2": 300,
    "location": 200,
}
_PLAIN_TEXT = ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2", "location", "sources", "notes")
EVENT_DEFAULTABLE = ("event_type", "sub_event_type", "protest_form", "actor1", "inter1")


class _Rejected(Exception):
    pass


@dataclass
class _Unit:
    pk: int
    code: str
    level: str
    latitude: float | None
    longitude: float | None


def _key(*parts: object) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class EventImport:
    def __init__(self, path: Path, options: ImportOptions, dry_run: bool) -> None:
        self.path = path
        self.options = options
        self.user = options.user
        self.institution = options.institution
        self.dry_run = dry_run
        self.report = ImportReport(
            ImportKind.EVENTS, options.file_name or path.name, dry_run=dry_run, list_every_row=False
        )
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.cells: dict[str, Any] = {}
        self.reason = _("Importado de %(file)s") % {"file": self.report.file_name}
        self.caches: dict[str, dict[Any, Any]] = {
            "date": {},
            "sub": {},
            "type": {},
            "form": {},
            "place": {},
            "case": {},
            "inter": {},
        }
        self.pending: list[dict[str, Any]] = []
        self.writer = BatchWriter()
        self.victim_rows = 0

    # --- setup ---------------------------------------------------------------------------

    def _load(self) -> None:
        self.units: dict[str, _Unit] = {
            code: _Unit(pk, code, level, lat, lon)
            for pk, code, level, lat, lon in Ubigeo.objects.values_list(
                "pk", "code", "level", "latitude", "longitude"
            )
        }
        self.codes = {unit.pk: code for code, unit in self.units.items()}
        cases = visible_cases(self.user).filter(code__isnull=False)
        self.case_codes = dict(cases.values_list("code", "id"))
        self.case_ids = dict(
            CaseExternalId.objects.filter(
                source=self.options.id_source, case__in=visible_cases(self.user)
            ).values_list("external_id", "case_id")
        )
        keys = Event.all_objects.filter(institution=self.institution).exclude(import_key="")
        self.known: dict[str, int] = dict(keys.values_list("import_key", "id"))
        self.seen: dict[str, int] = {}

    def _defaults(self, vocabulary: Vocabulary) -> dict[str, Any]:
        unknown = [k for k in self.options.defaults if k not in EVENT_DEFAULTABLE]
        if unknown:
            raise OptionsError(
                _("--default %(fields)s: solo se admiten %(allowed)s.")
                % {"fields": ", ".join(unknown), "allowed": ", ".join(EVENT_DEFAULTABLE)}
            )
        return dict(self.options.defaults)

    def run(self, progress: Progress | None) -> ImportReport:
        if not can_import_events(self.user, self.institution):
            raise PermissionDenied(
                _("Solo un coordinador de %(institution)s puede importar eventos.")
                % {"institution": self.institution}
            )
        self.vocabulary = Vocabulary(self.institution)
        self.defaults = self._defaults(self.vocabulary)
        layout = open_layout(
            self.path,
            self.options,
            self.vocabulary,
            SynonymKind.EVENT_COLUMN,
            EVENT_FIELDS,
            self.report,
            stream=True,
        )
        if layout is None:
            return self.report
        self.columns = layout.by_field()
        self.index = {name: column.index for name, column in self.columns.items()}
        self.items = list(self.index.items())
        for name in ("fatalities", "injured"):
            if name in self.columns:
                self.report.add(
                    None,
                    self.columns[name].header,
                    "",
                    _(
                        "Los fallecidos y heridos no se importan como números: regístrelos como "
                        "víctimas de cada evento (las cifras del mes se cuentan de ellas)."
                    ),
                    "not_imported",
                )
        self._load()
        total = max(self._estimate_rows() - layout.header_row, 0)
        done = 0
        try:
            for row in layout.data:
                self._one_row(row)
                done += 1
                if len(self.pending) >= BATCH:
                    self._flush()
                if progress is not None and done % 500 == 0:
                    progress(done, max(total, done))
            self._flush()
        except ReadError as exc:  # a stream that breaks mid-file: nothing is kept
            self.writer.close()
            transaction.set_rollback(True)
            self.report.readable = False
            self.report.add(None, "", self.report.file_name, exc.message, "file")
            return self.report
        finally:
            self.writer.close()  # the last batch is written (or its error raised) here
        if progress is not None:
            progress(done, done)
        return self.report

    def _estimate_rows(self) -> int:
        """Lines in the file (for the progress bar; a quoted cell may hold more)."""
        count = 0
        with self.path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                count += chunk.count(b"\n")
        return count

    # --- one row -------------------------------------------------------------------------

    def _cell(self, row: Row, name: str) -> Any:
        return self.cells.get(name, "")

    def _text(self, row: Row, name: str) -> str:
        value = self.cells.get(name, "")
        return value if type(value) is str else cell_text(value)

    def _fail(self, row: Row, name: str, value: object, message: str, code: str) -> NoReturn:
        column: Column | None = self.columns.get(name)
        self.report.add(row.number, column.header if column else name, value, message, code)
        raise _Rejected

    def _one_row(self, row: Row) -> None:
        values_in = row.values
        size = len(values_in)
        # Text cells come stripped from the reader.
        self.cells = {name: values_in[i] if i < size else "" for name, i in self.items}
        # Only a row with at most two cells, or one that starts with a total, may be a heading,
        # a sentence or a total (``not_a_record`` is too slow to ask of every row).
        filled = size - values_in.count("")  # calamine and csv give "" for an empty cell
        first = values_in[0] if size else ""
        maybe_total = type(first) is str and first[:3].lower() in ("tot", "sub")
        reason = not_a_record(row) if filled <= 2 or maybe_total else ""
        if reason:
            first = next((cell_text(v) for v in row.values if cell_text(v)), "")
            self.report.add(row.number, "", first, reason, "not_an_event")
            self.report.record(row.number, RowOutcome.REJECTED, reason=reason)
            return
        before = len(self.report.problems)
        try:
            values = self._parse(row)
        except _Rejected:
            reasons = " ".join(p.message for p in self.report.problems[before:])
            self.report.record(row.number, RowOutcome.REJECTED, reason=reasons)
            return
        external = self._text(row, "external_id")
        if external:
            key = "i" + _key(self.options.id_source, external)
        else:
            key = "h" + _key(*(values[name] for name in sorted(values)))
        if key in self.seen:
            message = _("Fila repetida: el mismo evento que la fila %(row)s.") % {
                "row": self.seen[key]
            }
            self.report.add(row.number, "", external, message, "duplicate_row")
            self.report.record(row.number, RowOutcome.REJECTED, reason=message)
            return
        self.seen[key] = row.number
        existing = self.known.get(key)
        if existing is not None:
            outcome = self._maybe_update(row, existing, values) if key[0] == "i" else None
            self.report.record(row.number, outcome or RowOutcome.UNCHANGED)
            return
        values["import_key"] = key
        values["_row"] = row.number
        self.pending.append(values)

    def _parse(self, row: Row) -> dict[str, Any]:
        values: dict[str, Any] = {}
        # Types.
        sub_raw = self._text(row, "sub_event_type") or self.defaults.get("sub_event_type", "")
        type_raw = self._text(row, "event_type") or self.defaults.get("event_type", "")
        sub = self._lookup(row, "sub_event_type", SynonymKind.SUB_EVENT_TYPE, sub_raw, "sub")
        event_type = self._lookup(row, "event_type", SynonymKind.EVENT_TYPE, type_raw, "type")
        if not sub:
            self._fail(
                row, "sub_event_type", sub_raw, _("Indique el subtipo de evento."), "missing_value"
            )
        parent = SUB_EVENT_PARENT[sub]
        if event_type and event_type != parent:
            self._fail(
                row,
                "sub_event_type",
                sub_raw,
                _("El subtipo «%(sub)s» no corresponde al tipo «%(type)s».")
                % {"sub": sub_raw, "type": type_raw},
                "invalid",
            )
        values["event_type"], values["sub_event_type"] = str(parent), sub
        form_raw = self._text(row, "protest_form") or self.defaults.get("protest_form", "")
        form = self._lookup(row, "protest_form", SynonymKind.PROTEST_FORM, form_raw, "form")
        if form and parent not in PROTEST_EVENT_TYPES:
            self._fail(
                row,
                "protest_form",
                form_raw,
                _("La forma de protesta solo va en protestas y disturbios."),
                "invalid",
            )
        values["protest_form"] = form
        # Dates.
        start, precision = self._date(row, "event_date", required=True)
        end, _precision = self._date(row, "end_date", required=False)
        if end is not None and start is not None and end < start:
            self._fail(
                row,
                "end_date",
                self._text(row, "end_date"),
                _("La fecha de fin es anterior a la del evento."),
                "bad_date",
            )
        values["event_date"], values["end_date"] = start, end
        values["date_precision"] = int(
            DatePrecision.MONTH if precision == StartDatePrecision.MONTH else DatePrecision.DAY
        )
        # Actors.
        cells = self.cells
        for name in _PLAIN_TEXT:
            text = cells.get(name, "")
            if type(text) is not str:
                text = cell_text(text)
            limit = _TEXT_LIMITS.get(name)
            if limit is not None and len(text) > limit:
                self._fail(
                    row,
                    name,
                    text[:60],
                    _("Texto demasiado largo (%(count)s caracteres; máximo %(limit)s).")
                    % {"count": len(text), "limit": limit},
                    "invalid",
                )
            values[name] = text
        fallback_actor, fallback_inter = DEFAULT_ACTOR.get(EventType(parent), ("", None))
        if not values["actor1"]:
            values["actor1"] = self.defaults.get("actor1") or str(fallback_actor)
        if not values["actor1"]:
            self._fail(row, "actor1", "", _("Indique el actor 1."), "missing_value")
        values["inter1"] = self._inter(row, "inter1") or self._default_inter(fallback_inter)
        if values["inter1"] is None:
            self._fail(row, "inter1", "", _("Indique el tipo de actor 1."), "missing_value")
        values["inter2"] = self._inter(row, "inter2")
        # Place and point.
        unit = self._place(row)
        values["ubigeo_id"] = unit.pk
        values["latitude"], values["longitude"], values["geo_precision"] = self._point(row, unit)
        values["case_id"] = self._case(row)
        for name in ("fatalities", "injured"):
            count = self._cell(row, name)
            if count not in ("", None, 0, 0.0, "0"):
                self.victim_rows += 1
                break
        return values

    def _lookup(self, row: Row, name: str, kind: SynonymKind, raw: str, cache: str) -> str:
        if not raw:
            return ""
        known = self.caches[cache]
        if raw not in known:
            known[raw] = self.vocabulary.lookup(kind, raw)
        value = known[raw]
        if value is None:
            suggestions = self.vocabulary.suggest(kind, raw)
            self.report.unmatched_value(name, raw, suggestions)
            message = _("Valor desconocido: «%(value)s».") % {"value": raw}
            if suggestions:
                message += " " + _("¿Quiso decir: %(list)s?") % {"list": ", ".join(suggestions)}
            self._fail(row, name, raw, message, "unknown_value")
        return str(value)

    def _date(self, row: Row, name: str, *, required: bool) -> tuple[dt.date | None, str]:
        raw = self._cell(row, name)
        if raw in ("", None):
            if required:
                self._fail(row, name, "", _("Indique la fecha del evento."), "missing_value")
            return None, ""
        cache = self.caches["date"]
        cache_key = raw if isinstance(raw, str | int | float) else repr(raw)
        if cache_key not in cache:
            try:
                cache[cache_key] = parse_date(raw)
            except DateError as exc:
                cache[cache_key] = exc
        found = cache[cache_key]
        text = cell_text(raw)
        if isinstance(found, DateError):
            self._fail(row, name, text, str(found), "bad_date")
        day, precision = found
        if precision == StartDatePrecision.YEAR:
            self._fail(row, name, text, _("Un evento necesita al menos el mes."), "bad_date")
        if day > self.today:
            self._fail(
                row,
                name,
                text,
                _("La fecha %(date)s está en el futuro.") % {"date": day.isoformat()},
                "future_date",
            )
        if day < EARLIEST_DATE:
            self._fail(
                row,
                name,
                text,
                _("La fecha no puede ser anterior a %(year)s.") % {"year": EARLIEST_DATE.year},
                "bad_date",
            )
        return day, precision

    def _default_inter(self, fallback: int | None) -> int | None:
        raw = self.defaults.get("inter1", "")
        return self._inter_value(raw) if raw else fallback

    def _inter_value(self, raw: str) -> int | None:
        cache = self.caches["inter"]
        if raw not in cache:
            folded = fold(raw)
            value: int | None = None
            if folded.isdigit() and int(folded) in ActorTypeCode.values:
                value = int(folded)
            else:
                labels = {fold(str(label)): code for code, label in ActorTypeCode.choices}
                value = labels.get(folded) or _INTER_NAMES.get(folded)
            cache[raw] = value
        return cache[raw]

    def _inter(self, row: Row, name: str) -> int | None:
        raw = self._text(row, name)
        if not raw:
            return None
        value = self._inter_value(raw)
        if value is None:
            self._fail(
                row,
                name,
                raw,
                _("Tipo de actor desconocido: «%(value)s» (use 1 a 8 o su nombre).")
                % {"value": raw},
                "unknown_value",
            )
        return value

    def _place(self, row: Row) -> _Unit:
        parts = (
            self._text(row, "department"),
            self._text(row, "province"),
            self._text(row, "district"),
        )
        cache = self.caches["place"]
        if parts not in cache:
            result = self.vocabulary.places.resolve(*parts, "")
            if result.problems:
                cache[parts] = result.problems[0]
            elif len(result.places) != 1:
                column = "department"
                cache[parts] = (
                    column,
                    parts[0],
                    _(
                        "Un evento ocurre en un lugar: indique el departamento, la provincia o "
                        "el distrito."
                    ),
                )
            else:
                place = result.places[0]
                code = place.ubigeo_code or self.vocabulary.places.grouping_anchor.get(
                    place.grouping_code, ""
                )
                cache[parts] = self.units[code]
        found = cache[parts]
        if isinstance(found, tuple):
            column, value, message = found
            if not any(parts) and self._text(row, "latitude"):
                return self._unit_of_point(row)
            code = "missing_value" if not any(parts) else "unknown_place"
            if code == "unknown_place":
                self.report.unmatched_value("places", value, [])
            self._fail(row, column, value, message, code)
        return found

    def _unit_of_point(self, row: Row) -> _Unit:
        latitude, longitude = self._coordinates(row)
        if latitude is None or longitude is None:
            self._fail(row, "department", "", _("Indique el lugar del evento."), "missing_value")
        try:
            located = case_services.check_point(latitude, longitude, None, confirmed=True)
        except ValidationError as exc:
            self._fail(row, "latitude", latitude, exc.messages[0], "unknown_place")
        return self.units[located.code]

    def _coordinates(self, row: Row) -> tuple[float | None, float | None]:
        raw_lat, raw_lon = self._cell(row, "latitude"), self._cell(row, "longitude")
        if raw_lat in ("", None) and raw_lon in ("", None):
            return None, None
        try:
            latitude = float(str(raw_lat).replace(",", "."))
            longitude = float(str(raw_lon).replace(",", "."))
        except ValueError:
            self._fail(
                row,
                "latitude",
                f"{raw_lat}, {raw_lon}",
                _("Indique latitud y longitud juntas, como números."),
                "invalid",
            )
        if not (
            PERU_LATITUDE[0] <= latitude <= PERU_LATITUDE[1]
            and PERU_LONGITUDE[0] <= longitude <= PERU_LONGITUDE[1]
        ):
            self._fail(
                row,
                "latitude",
                f"{raw_lat}, {raw_lon}",
                _("El punto indicado está fuera del territorio peruano."),
                "invalid",
            )
        return latitude, longitude

    def _point(self, row: Row, unit: _Unit) -> tuple[float | None, float | None, int]:
        latitude, longitude = self._coordinates(row)
        if latitude is None or longitude is None:
            # No point: the capital of the place, an approximate position (as record_event).
            precision = GeoPrecision.NEAR if unit.level == Level.DISTRICT else GeoPrecision.REGION
            return unit.latitude, unit.longitude, int(precision)
        if (
            unit.latitude is not None
            and unit.longitude is not None
            # Within 0.3° on both axes the point is under 50 km away: no need to measure.
            and (abs(latitude - unit.latitude) > 0.3 or abs(longitude - unit.longitude) > 0.3)
            and _distance_km(latitude, longitude, unit.latitude, unit.longitude) > FAR_POINT_KM
        ):
            # Far from the capital: the full check (inside the place, or refused).
            try:
                case_services.check_point(
                    latitude, longitude, Ubigeo.objects.get(pk=unit.pk), confirmed=False
                )
            except ValidationError as exc:
                self._fail(row, "latitude", f"{latitude}, {longitude}", exc.messages[0], "invalid")
        return latitude, longitude, int(GeoPrecision.EXACT)

    def _case(self, row: Row) -> int | None:
        raw = self._text(row, "case")
        if not raw or self.vocabulary.is_empty(raw):
            return None
        case_id = self.case_codes.get(raw) or self.case_ids.get(raw)
        if case_id is None:
            self._fail(
                row,
                "case",
                raw,
                _("Caso desconocido: «%(value)s» (ni código ni identificador de %(source)s).")
                % {"value": raw, "source": self.options.id_source},
                "unknown_case",
            )
        return case_id

    def _maybe_update(self, row: Row, event_id: int, values: dict[str, Any]) -> RowOutcome | None:
        """A known id with changed content: the event is updated through its service."""
        event = Event.all_objects.select_related("ubigeo").get(pk=event_id)
        # The fields ``update_event`` changes (the case and the end date are not among them).
        changes = {
            name: values[name]
            for name in case_services.EVENT_FIELDS
            if name in values and getattr(event, name) != values[name]
        }
        if values["ubigeo_id"] != event.ubigeo_id:
            changes["ubigeo_code"] = self.codes[values["ubigeo_id"]]
        if not changes:
            return RowOutcome.UNCHANGED
        if self.dry_run:
            return RowOutcome.UPDATED
        try:
            with transaction.atomic():
                case_services.update_event(user=self.user, event=event, data=changes)
        except (ValidationError, PermissionDenied) as exc:
            messages = (
                validation_messages(exc) if isinstance(exc, ValidationError) else [("", str(exc))]
            )
            for _field, message in messages:
                self.report.add(row.number, "", "", message, "invalid")
            return RowOutcome.REJECTED
        return RowOutcome.UPDATED

    # --- writing -------------------------------------------------------------------------

    def _flush(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        if not self.dry_run:
            self.writer.write(batch, self.user.pk, self.institution.pk, self.now, self.reason)
        for values in batch:
            self.known[values["import_key"]] = 0
            self.report.record(values["_row"], RowOutcome.CREATED)

    def finish(self) -> None:
        if self.victim_rows:
            self.report.add(
                None,
                "",
                str(self.victim_rows),
                _("%(count)s filas traen cifras de fallecidos o heridos que no se importaron.")
                % {"count": self.victim_rows},
                "not_imported",
            )
        self.report.results.sort(key=lambda r: r.row)


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


class BatchWriter:
    """Writes batches of events in order.

    On PostgreSQL the rows are formatted for COPY here (in the calling thread), and a
    background thread takes their ids from the sequences and streams them to the server, on the
    request's own database connection (so inside its transaction): the server ingests one batch
    while Python validates and formats the next. At most one batch is in flight; an error in it
    is raised at the next ``write`` or at ``close``. Elsewhere (SQLite, the tests) the batch is
    written at once with batched INSERTs."""

    def __init__(self) -> None:
        self.raw: Any = None
        self.pool: ThreadPoolExecutor | None = None
        self.running: Future[None] | None = None

    def write(
        self,
        batch: list[dict[str, Any]],
        user_id: int,
        institution_id: int,
        now: dt.datetime,
        reason: str,
    ) -> None:
        common = _common_values(user_id, institution_id, now, reason)
        _add_identity(batch)
        if connection.vendor != "postgresql":
            _insert(batch, common)
            return
        if self.pool is None:
            connection.ensure_connection()
            self.raw = connection.connection
            self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="willaq-import")
        lines = _copy_lines(batch, common)
        self.wait()
        self.running = self.pool.submit(_copy_batch, lines, self.raw)

    def wait(self) -> None:
        if self.running is not None:
            running, self.running = self.running, None
            running.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True)
                self.pool = None


def _common_values(
    user_id: int, institution_id: int, now: dt.datetime, reason: str
) -> dict[str, Any]:
    """The columns every imported event (and its history row) shares."""
    return {
        "created_at": now,
        "updated_at": now,
        "removed_at": None,
        "removed_by_id": None,
        "removal_reason": "",
        "institution_id": institution_id,
        "source_scale": "",
        "reported_by": "",
        "fatalities": 0,
        "injured": 0,
        "created_by_id": user_id,
        "is_demo": False,
        "history_change_reason": reason,
        "history_type": "+",
        "history_user_id": user_id,
        "recorded_at": now,
    }


def _add_identity(batch: list[dict[str, Any]]) -> None:
    noon = dt.time(12, 0)
    tz = timezone.get_current_timezone()
    random_bits = _RANDOM.getrandbits
    for values in batch:
        bits = random_bits(128) & _UUID_CLEAR | _UUID_V4  # a version-4, RFC 4122 uuid
        values["uuid"] = f"{bits:032x}"
        # Effective when it happened (month-end figures follow it); recorded now.
        values["history_date"] = dt.datetime.combine(values["event_date"], noon, tzinfo=tz)


# The primary keys come first in each COPY line: the writer thread prefixes them.
_KEYS = {"id", "history_id"}


def _copy_lines(batch: list[dict[str, Any]], common: dict[str, Any]) -> dict[str, Any]:
    """Each table's rows in COPY's text format, without their keys; each value formatted once
    for both tables."""
    history_model = Event.history.model
    texts = {n: _copy_text(v) for n, v in common.items()}
    result: dict[str, Any] = {}
    tables = [(Event, ["id"]), (history_model, ["history_id", "id"])]
    names: set[str] = set()
    for model, _keys in tables:
        names |= {f.attname for f in model._meta.concrete_fields}
    names -= set(common) | _KEYS
    formatted = [{n: _copy_text(values[n]) for n in names} for values in batch]
    for model, keys in tables:
        fields = [f for f in model._meta.concrete_fields if f.attname not in _KEYS]
        spec = [(None, texts[f.attname]) if f.attname in texts else (f.attname, "") for f in fields]
        lines = [
            "\t".join([text if name is None else row[name] for name, text in spec])
            for row in formatted
        ]
        columns = ", ".join(
            connection.ops.quote_name(str(model._meta.get_field(k).column)) for k in keys
        )
        columns += ", " + ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        result[model._meta.label] = (f"COPY {table} ({columns}) FROM STDIN", lines)
    return result


def _copy_batch(lines: dict[str, Any], raw: Any) -> None:
    """In the writer thread: take the keys from the sequences, stream both tables."""
    count = len(lines[Event._meta.label][1])
    ids = _next_ids(Event, "id", count, raw)
    history_ids = _next_ids(Event.history.model, "history_id", count, raw)
    sql, rows = lines[Event._meta.label]
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        copy.write("".join(f"{i}\t{row}\n" for i, row in zip(ids, rows, strict=True)))
    sql, rows = lines[Event.history.model._meta.label]
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        copy.write(
            "".join(f"{h}\t{i}\t{row}\n" for h, i, row in zip(history_ids, ids, rows, strict=True))
        )


def _next_ids(model: type[models.Model], pk: str, count: int, raw: Any) -> list[int]:
    """``count`` fresh primary keys: from the sequence on PostgreSQL (safe beside other
    writers); after the largest id elsewhere (SQLite serialises writers)."""
    if raw is not None:
        with raw.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
    top = model._default_manager.aggregate(top=models.Max(pk))["top"] or 0
    return list(range(top + 1, top + 1 + count))


def _insert(batch: list[dict[str, Any]], common: dict[str, Any]) -> None:
    """Batched INSERTs of the events and their history rows (databases without COPY)."""
    history_model = Event.history.model
    ids = _next_ids(Event, "id", len(batch), None)
    history_ids = _next_ids(history_model, "history_id", len(batch), None)
    for event_id, history_id, values in zip(ids, history_ids, batch, strict=True):
        values["id"], values["history_id"] = event_id, history_id
    for model in (Event, history_model):
        names = [f.attname for f in model._meta.concrete_fields]
        model._default_manager.bulk_create(
            [model(**{n: row[n] if n in row else common[n] for n in names}) for row in batch],
            batch_size=500,
        )


# Version-4 uuids from a generator seeded by the system (uuid4() asks the system every time):
# the version and variant bits set, as uuid.UUID(int=..., version=4) does.
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_V4 = (0x4000 << 64) | (0x8000 << 48)
_RANDOM = random.Random()  # noqa: S311 (identifiers, not secrets)


def _copy_text(value: Any) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = (
                value.replace("\\", "\\\\")
                .replace("\t", "\\t")
                .replace("\n", "\\n")
                .replace("\r", "\\r")
            )
        return value
    if kind is bool:
        return "t" if value else "f"
    if kind is int or kind is float:
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _run(
    path: Path | str, options: ImportOptions, *, dry_run: bool, progress: Progress | None
) -> ImportReport:
    path = Path(path)
    started = timezone.now()
    job = EventImport(path, options, dry_run)
    with transaction.atomic():
        report = job.run(progress)
        job.finish()
        if dry_run or not report.readable:
            transaction.set_rollback(True)
        else:
            record_run(ImportKind.EVENTS, path, options, report, started)
            # The rows bypassed the models' saves: the map's events summary (reports app) is
            # rebuilt whole, in the import's transaction.
            call_command("refresh_map_summary", verbosity=0, stdout=StringIO())
    return report


def analyse_events(
    path: Path | str, options: ImportOptions, progress: Progress | None = None
) -> ImportReport:
    """The dry run: every row validated, nothing written."""
    return _run(path, options, dry_run=True, progress=progress)


def import_events(
    path: Path | str, options: ImportOptions, progress: Progress | None = None
) -> ImportReport:
    """The confirmed run, in one transaction; ``progress(done, total)`` every 500 rows."""
    return _run(path, options, dry_run=False, progress=progress)

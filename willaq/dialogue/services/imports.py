"""An acta's commitments imported from a spreadsheet (XLSX or CSV), all or nothing (issue 9 §3).

- ``check_import``: reads the file and validates every row through
  ``services.commitments.clean_commitment`` (the same messages as the form and the API) plus what
  only a file can get wrong (an unknown party named in a cell, a date written some other way, a
  clause number twice). Nothing is saved; the report names the row and the column of each
  problem, e.g. "Fila 4, columna «responsables»: «Minera X» no participa en este espacio".
- ``import_commitments``: checks again and, when every row is valid, saves every row in one
  transaction through ``add_commitment`` (any failure saves none) and writes one
  COMMITMENTS_IMPORTED audit record with the count.
- ``build_template``: the XLSX to fill in, with the space's participants on a second sheet.

Columns (Spanish headers, accent- and case-insensitive, in any order): numero, compromiso,
responsables (participants' names separated by ";"), fecha_vencimiento (DD/MM/AAAA, AAAA-MM-DD or
an Excel date), monto, fuente (Estado, Empresa, Mixto, Otro), peso, and optionally avance (0–99:
the progress already reported when an old acta is brought in; a clause at 100 % needs evidence
and is marked fulfilled on its page).
"""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import charset_normalizer
import python_calamine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from willaq.accounts.models import User
from willaq.audit.models import AuditEvent
from willaq.audit.services import record
from willaq.core.text import fold
from willaq.dialogue import access
from willaq.dialogue.choices import CommitmentState, FundingSource
from willaq.dialogue.models import Acta, Commitment, Participant
from willaq.dialogue.services.commitments import (
    CommitmentInput,
    ProgressInput,
    add_commitment,
    clean_commitment,
    report_progress,
)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000

Cell = str | float | int | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None

# The template's columns, in its order; the first three are required.
COLUMNS = (
    "numero",
    "compromiso",
    "responsables",
    "fecha_vencimiento",
    "monto",
    "fuente",
    "peso",
    "avance",
)
REQUIRED_COLUMNS = ("compromiso", "responsables", "fecha_vencimiento")
# Other ways offices write the same headers (folded, spaces as "_").
HEADER_SYNONYMS = {
    "n": "numero",
    "no": "numero",
    "nro": "numero",
    "clausula": "numero",
    "descripcion": "compromiso",
    "responsable": "responsables",
    "fecha": "fecha_vencimiento",
    "vencimiento": "fecha_vencimiento",
    "fecha_de_vencimiento": "fecha_vencimiento",
    "monto_s/": "monto",
    "fuente_de_financiamiento": "fuente",
    "avance_%": "avance",
}
# The service's field names → the column that carries them.
FIELD_COLUMNS = {
    "number": "numero",
    "description": "compromiso",
    "responsible": "responsables",
    "due_date": "fecha_vencimiento",
    "amount": "monto",
    "funding_source": "fuente",
    "weight": "peso",
    "progress": "avance",
}

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")


class ImportFileError(Exception):
    """A file that cannot be read as a table of commitments; ``message`` says why, in Spanish."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowProblem:
    row: int  # as the user sees it in the file (the header is row 1 when it is the first)
    column: str
    message: str

    def __str__(self) -> str:
        return _("Fila %(row)s, columna «%(column)s»: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass(frozen=True)
class ImportRow:
    row: int
    data: CommitmentInput
    progress: int = 0
    responsible_names: tuple[str, ...] = ()


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    format: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems

    @property
    def rows_with_problems(self) -> int:
        return len({p.row for p in self.problems})


# --- reading ------------------------------------------------------------------------------------


def read_table(content: bytes) -> tuple[list[tuple[int, list[Cell]]], str, list[str]]:
    """The rows of the file (row number, cells), its format and notes; ``ImportFileError`` for a
    file that is not a spreadsheet, is empty or too big."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(
            _("El archivo supera el tamaño máximo de %(mb)s MB.") % {"mb": MAX_BYTES // 2**20}
        )
    if not content.strip():
        raise ImportFileError(_("El archivo está vacío."))
    if content.startswith(b"%PDF"):
        raise ImportFileError(
            _("El archivo es un PDF, no una hoja de cálculo. Guárdelo como XLSX o CSV.")
        )
    if content.startswith(_ZIP_MAGIC) or content.startswith(_OLE_MAGIC):
        rows, fmt, notes = _read_workbook(content)
    else:
        rows, fmt, notes = _read_text(content)
    rows = [(n, values) for n, values in rows if not _blank_row(values)]
    if not rows:
        raise ImportFileError(_("El archivo no tiene datos: todas sus filas están vacías."))
    return rows, fmt, notes


def _blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _blank_row(values: Sequence[Cell]) -> bool:
    return all(_blank(v) for v in values)


def _read_workbook(content: bytes) -> tuple[list[tuple[int, list[Cell]]], str, list[str]]:
    fmt = "xls"
    if content.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile as exc:
            raise ImportFileError(
                _("El archivo está dañado: parece un XLSX pero no se puede abrir.")
            ) from exc
        if not any(n.startswith("xl/") for n in names):
            raise ImportFileError(_("El archivo es un ZIP pero no una hoja de cálculo XLSX."))
        fmt = "xlsx"
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet_names = workbook.sheet_names
        if not sheet_names:
            raise ImportFileError(_("El libro no tiene hojas."))
        sheet = workbook.get_sheet_by_index(0)
        grid: list[list[Cell]] = [[*row] for row in sheet.to_python(skip_empty_area=False)]
    except ImportFileError:
        raise
    except Exception as exc:  # calamine raises several error types for a damaged file
        raise ImportFileError(
            _("El archivo está dañado o no es una hoja de cálculo válida.")
        ) from exc
    notes = []
    if len(sheet_names) > 1:
        notes.append(_("Se lee solo la primera hoja, «%(sheet)s».") % {"sheet": sheet_names[0]})
    rows = [
        (index + 1, [v.strip() if isinstance(v, str) else v for v in values])
        for index, values in enumerate(grid)
    ]
    return rows, fmt, notes


def _decode(content: bytes) -> tuple[str, str]:
    if b"\x00" in content[:4096] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(
            _(
                "El archivo no es una hoja de cálculo (XLSX) ni un texto CSV. Guárdelo como XLSX "
                "o CSV."
            )
        )
    try:
        return content.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    # Not UTF-8: what Excel writes elsewhere. charset-normalizer picks among these only (left free
    # it names short Spanish texts after a neighbour of Latin-1, e.g. Cyrillic code pages).
    best = charset_normalizer.from_bytes(
        content, cp_isolation=["cp1252", "latin_1", "utf_16"]
    ).best()
    encoding = best.encoding if best is not None else "cp1252"
    try:
        return content.decode(encoding), encoding.upper().replace("_", "-")
    except UnicodeDecodeError:
        return content.decode("latin-1"), "LATIN-1"


def _read_text(content: bytes) -> tuple[list[tuple[int, list[Cell]]], str, list[str]]:
    text, encoding = _decode(content)
    if not text.strip():
        raise ImportFileError(_("El archivo está vacío."))
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    counts = {d: sum(line.count(d) for line in lines) for d in ";,\t"}
    delimiter = max(";,\t", key=lambda d: (counts[d], d == ";"))
    if not counts[delimiter]:
        delimiter = ","
    rows: list[tuple[int, list[Cell]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = 0
    try:
        for values in reader:
            rows.append((previous + 1, [v.strip() for v in values]))
            previous = reader.line_num
            if len(rows) > MAX_ROWS + 50:
                break
    except csv.Error as exc:
        raise ImportFileError(
            _("El CSV está mal formado cerca de la fila %(row)s.") % {"row": reader.line_num}
        ) from exc
    shown = "TAB" if delimiter == "\t" else delimiter
    note = _("Texto leído como %(encoding)s, separado por «%(delimiter)s».") % {
        "encoding": encoding,
        "delimiter": shown,
    }
    return rows, "csv", [note]


# --- values -------------------------------------------------------------------------------------


def header_key(text: Cell) -> str:
    key = fold(str(text or "")).replace(" ", "_").replace(".", "")
    return HEADER_SYNONYMS.get(key, key)


def parse_date(value: Cell) -> dt.date:
    """A date cell, an Excel serial, DD/MM/AAAA or AAAA-MM-DD; ValueError otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 29221 <= value <= 73415:  # Excel serials from 1980 to 2100
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(value)
    text = str(value).strip()
    if match := _DMY.match(text):
        day, month, year = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    if match := _ISO.match(text):
        year, month, day = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    if re.fullmatch(r"\d{5}(?:\.0+)?", text):
        return parse_date(float(text))
    raise ValueError(text)


def parse_number(value: Cell) -> Decimal:
    """A number cell or text as offices write money ("S/ 1,200,000.00", "1 200 000")."""
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    text = str(value).strip().replace("S/.", "").replace("S/", "").replace(" ", "")
    text = text.replace("\u00a0", "")
    if text.count(",") and text.count(".") == 0 and re.fullmatch(r"-?\d+,\d{1,2}", text):
        text = text.replace(",", ".")  # "1500,50": a decimal comma
    number = Decimal(text.replace(",", ""))
    if not number.is_finite():
        raise InvalidOperation
    return number


def _cell_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _funding_sources() -> dict[str, str]:
    keys = {fold(str(label)): value for value, label in FundingSource.choices}
    keys.update({fold(value): value for value in FundingSource.values})
    keys["privado"] = FundingSource.COMPANY
    keys["publico"] = FundingSource.STATE
    return keys


def participant_keys(participants: Sequence[Participant]) -> dict[str, Participant]:
    """How a cell may name each participant: its name and, for an institution, its acronym."""
    keys: dict[str, Participant] = {}
    for participant in participants:
        keys.setdefault(fold(participant.name), participant)
        if participant.institution is not None:
            for alias in (participant.institution.name, participant.institution.acronym):
                if alias:
                    keys.setdefault(fold(alias), participant)
        if participant.actor is not None:
            keys.setdefault(fold(participant.actor.name), participant)
    return keys


# --- checking -----------------------------------------------------------------------------------


def _check_access(user: User, acta: Acta) -> None:
    if not access.can_manage_space(user, acta.session.space):
        raise PermissionDenied(_("Solo el equipo del espacio importa compromisos a sus actas."))


def check_import(user: User, acta: Acta, name: str, content: bytes) -> ImportReport:
    """Read and validate every row; save nothing. ``ImportFileError`` for an unreadable file."""
    _check_access(user, acta)
    rows, fmt, notes = read_table(content)
    report = ImportReport(notes=notes, format=fmt)
    (header_row, header), body = rows[0], rows[1:]
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        key = header_key(title)
        if key in COLUMNS and key not in columns:
            columns[key] = index
        elif not _blank(title):
            report.notes.append(
                _("La columna «%(column)s» no se reconoce y se ignora.") % {"column": title}
            )
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ImportFileError(
            _(
                "Falta la columna %(columns)s en la fila %(row)s (la de los títulos). Use la "
                "plantilla."
            )
            % {"columns": ", ".join(f"«{c}»" for c in missing), "row": header_row}
        )
    if not body:
        raise ImportFileError(_("El archivo tiene los títulos pero ningún compromiso."))
    if len(body) > MAX_ROWS:
        raise ImportFileError(
            _("El archivo tiene más de %(max)s filas: divídalo en partes más pequeñas.")
            % {"max": MAX_ROWS}
        )
    space = acta.session.space
    participants = list(space.participants.select_related("institution", "actor"))
    parties = participant_keys(participants)
    sources = _funding_sources()
    taken = set(acta.commitments.values_list("number", flat=True))
    seen_numbers: dict[int, int] = {}
    for row_number, values in body:
        _check_row(
            report,
            acta,
            row_number,
            values,
            columns,
            parties,
            sources,
            taken,
            seen_numbers,
        )
    return report


def _check_row(
    report: ImportReport,
    acta: Acta,
    row_number: int,
    values: list[Cell],
    columns: dict[str, int],
    parties: dict[str, Participant],
    sources: dict[str, str],
    taken: set[int],
    seen_numbers: dict[int, int],
) -> None:
    def cell(column: str) -> Cell:
        index = columns.get(column)
        if index is None or index >= len(values):
            return None
        return values[index]

    problems: list[RowProblem] = []

    def problem(column: str, message: str) -> None:
        problems.append(RowProblem(row_number, column, message))

    number: int | None = None
    raw = cell("numero")
    if not _blank(raw):
        try:
            parsed = parse_number(raw)
            if parsed != parsed.to_integral_value() or parsed < 1:
                raise InvalidOperation
            number = int(parsed)
        except (InvalidOperation, ValueError):
            problem("numero", _("«%(value)s» no es un número de cláusula.") % {"value": raw})
        else:
            if number in taken:
                problem("numero", _("El acta ya tiene la cláusula %(n)s.") % {"n": number})
            elif number in seen_numbers:
                problem(
                    "numero",
                    _("La cláusula %(n)s ya está en la fila %(row)s.")
                    % {"n": number, "row": seen_numbers[number]},
                )
            seen_numbers.setdefault(number, row_number)

    responsible: list[str] = []
    names: list[str] = []
    for name in _cell_text(cell("responsables")).split(";"):
        if not name.strip():
            continue
        participant = parties.get(fold(name))
        if participant is None:
            problem(
                "responsables",
                _("«%(name)s» no participa en este espacio.") % {"name": name.strip()},
            )
        else:
            responsible.append(str(participant.uuid))
            names.append(participant.name)

    due_date: dt.date | None = None
    raw = cell("fecha_vencimiento")
    if _blank(raw):
        problem("fecha_vencimiento", _("Indique la fecha de vencimiento."))
    else:
        try:
            due_date = parse_date(raw)
        except (ValueError, OverflowError):
            problem(
                "fecha_vencimiento",
                _("«%(value)s» no es una fecha: escríbala DD/MM/AAAA.")
                % {"value": _cell_text(raw)},
            )

    def number_in(column: str, *, positive: bool = False) -> Decimal | None:
        raw = cell(column)
        if _blank(raw):
            return None
        try:
            value = parse_number(raw)
        except (InvalidOperation, ValueError):
            problem(column, _("«%(value)s» no es un número.") % {"value": _cell_text(raw)})
            return None
        if positive and value <= 0:
            problem(column, _("El peso debe ser mayor que cero."))
            return None
        return value

    amount = number_in("monto")
    weight = number_in("peso", positive=True)
    progress = 0
    raw_progress = number_in("avance")
    if raw_progress is not None:
        if raw_progress != raw_progress.to_integral_value() or not 0 <= raw_progress <= 100:
            problem("avance", _("El avance es un número entero de 0 a 100."))
        elif raw_progress == 100:
            problem(
                "avance",
                _(
                    "Con avance 100 el compromiso se marca cumplido con su evidencia, en su "
                    "página; impórtelo con menos avance."
                ),
            )
        else:
            progress = int(raw_progress)

    funding = ""
    raw = cell("fuente")
    if not _blank(raw):
        found = sources.get(fold(_cell_text(raw)))
        if found is None:
            problem(
                "fuente",
                _("«%(value)s» no es una fuente conocida (Estado, Empresa, Mixto u Otro).")
                % {"value": _cell_text(raw)},
            )
        else:
            funding = found

    data = CommitmentInput(
        description=_cell_text(cell("compromiso")),
        due_date=due_date or acta.signed_on,
        responsible=responsible,
        amount=amount,
        funding_source=funding,
        weight=weight,
        number=number,
    )
    # The clause's own rules, with the messages every other surface shows; a column that already
    # has a problem here is not reported twice.
    try:
        clean_commitment(acta, data)
    except ValidationError as exc:
        flagged = {p.column for p in problems}
        for key, messages in exc.message_dict.items():
            column = FIELD_COLUMNS.get(key, key)
            if column in flagged:
                continue
            if key == "due_date" and due_date is None:
                continue
            for message in messages:
                problem(column, message)
    if problems:
        report.problems.extend(problems)
        return
    report.rows.append(ImportRow(row_number, data, progress, tuple(names)))


# --- saving -------------------------------------------------------------------------------------


def import_commitments(
    user: User, acta: Acta, name: str, content: bytes
) -> tuple[ImportReport, list[Commitment]]:
    """Check the file and, when every row is valid, save them all (or none). A file with any
    problem raises ``ValidationError`` listing them (row and column); an unreadable file raises
    ``ImportFileError``."""
    report = check_import(user, acta, name, content)
    if not report.ok:
        raise ValidationError([str(p) for p in report.problems] or _("No hay compromisos."))
    created: list[Commitment] = []
    with transaction.atomic():
        for row in report.rows:
            try:
                commitment = add_commitment(user, acta, row.data)
                if row.progress:
                    commitment = report_progress(
                        user,
                        commitment,
                        ProgressInput(CommitmentState.IN_PROGRESS, row.progress),
                    )
            except ValidationError as exc:
                # Rows were checked a moment ago: only a concurrent change gets here.
                raise ValidationError(
                    [
                        str(RowProblem(row.row, FIELD_COLUMNS.get(key, key), message))
                        for key, messages in exc.message_dict.items()
                        for message in messages
                    ]
                ) from exc
            created.append(commitment)
        record(
            AuditEvent.COMMITMENTS_IMPORTED,
            acta,
            acting_user=user,
            institution=acta.session.space.institution,
            diff={
                "count": len(created),
                "file": name[:200],
                "numbers": [c.number for c in created],
            },
        )
    return report, created


# --- the template -------------------------------------------------------------------------------


def build_template(acta: Acta) -> bytes:
    """The XLSX to fill in: the columns, one example row, and the space's participants."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("compromisos")
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    participants = list(
        acta.session.space.participants.select_related("institution").order_by("name")
    )
    example = participants[0].name if participants else ""
    next_number = (acta.commitments.aggregate(n=Max("number"))["n"] or 0) + 1
    sheet.append(
        [
            next_number,
            _("Describa aquí el compromiso tal como lo dice el acta"),
            example,
            acta.signed_on + dt.timedelta(days=90),
            None,
            "",
            1,
            0,
        ]
    )
    sheet.cell(row=2, column=4).number_format = "DD/MM/YYYY"
    for letter, width in zip("ABCDEFGH", (8, 60, 40, 18, 14, 12, 8, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    names = workbook.create_sheet(_("responsables"))
    names.append([_("Responsables posibles (escriba el nombre tal cual; varios separados por ;)")])
    names["A1"].font = Font(bold=True)
    for participant in participants:
        names.append([participant.name])
    names.column_dimensions["A"].width = 70
    help_sheet = workbook.create_sheet(_("ayuda"))
    for line in (
        _("numero: número de cláusula del acta (opcional; si falta, se numera en orden)."),
        _("compromiso: el texto del compromiso (obligatorio)."),
        _("responsables: quién lo debe, separados por «;» (obligatorio; vea la otra hoja)."),
        _("fecha_vencimiento: DD/MM/AAAA, no anterior a la firma del acta (obligatoria)."),
        _("monto: soles comprometidos, sin signo negativo (opcional)."),
        _("fuente: Estado, Empresa, Mixto u Otro (obligatoria si hay monto)."),
        _("peso: cuánto cuenta la cláusula en el avance (opcional, mayor que 0; 1 si falta)."),
        _("avance: porcentaje ya avanzado, de 0 a 99 (opcional)."),
    ):
        help_sheet.append([line])
    help_sheet.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

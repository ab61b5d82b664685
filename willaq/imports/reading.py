"""Reading a spreadsheet into rows of raw values, whatever office produced it.

``read_table(path)`` returns a ``Table``: the sheet's rows as lists of cell values (text, a
number, a date or a datetime; empty cells are ""), each with the 1-based row number the user sees
in the file, plus the notes the reader had to make (encoding, delimiter, merged cells). It raises
``ReadError`` with a Spanish message for anything it cannot read — never another exception.

- CSV and text: UTF-8 with or without BOM, Excel's UTF-16 "Unicode text" (tab-separated), and
  otherwise Windows-1252 (what Excel on Windows writes for "CSV"), which also reads Latin-1 text;
  the delimiter (``,`` ``;`` tab ``|``) is sniffed.
- XLSX, XLS and ODS through calamine: formulas give their cached values (what the user saw when
  the file was last saved); a formula never calculated reads as empty.
- Merged cells: the value of a merged block fills every cell of the block, so a department
  written once beside ten rows applies to the ten rows (the usual reason to merge in a registry);
  the reader notes each merged block it filled.
- Size: a file above ``settings.WILLAQ_IMPORT_MAX_BYTES`` is refused from its size alone.

Finding the header row is recognition's job (``recognition.find_header``): titles above the
header and empty rows are left in the table with their row numbers.
"""

import csv
import datetime as dt
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

Cell = str | float | int | bool | dt.date | dt.datetime | dt.time | dt.timedelta

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97–2003)
_ZIP_MAGIC = b"PK\x03\x04"  # .xlsx and .ods
_DELIMITERS = ",;\t|"
# Bytes read to tell the format, the encoding and the delimiter.
_SAMPLE_BYTES = 64 * 1024


class ReadError(Exception):
    """A file that cannot be read as a table; ``message`` says why, in Spanish."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Row:
    number: int  # as the user sees it in the file (1-based, counting every line)
    values: list[Cell]

    def is_empty(self) -> bool:
        return all(_is_blank(v) for v in self.values)


@dataclass
class Table:
    rows: list[Row]
    format: str  # "csv", "xlsx", "xls", "ods"
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    notes: list[str] = field(default_factory=list)


def _is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass
class TableStream:
    """A table whose rows are read as they are used (a CSV of 500,000 events is never held in
    memory at once). A workbook is read whole (calamine reads a sheet at once)."""

    rows: Iterator[Row]
    format: str
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    notes: list[str] = field(default_factory=list)


def read_table(path: Path | str, *, max_bytes: int | None = None) -> Table:
    """The first sheet of ``path`` (or the CSV) as rows; ``ReadError`` if it cannot be read."""
    stream = stream_table(path, max_bytes=max_bytes)
    rows = list(stream.rows)
    if not any(not row.is_empty() for row in rows):
        raise ReadError(_("El archivo no tiene datos: todas sus filas están vacías."))
    return Table(
        rows,
        stream.format,
        encoding=stream.encoding,
        delimiter=stream.delimiter,
        sheet=stream.sheet,
        notes=stream.notes,
    )


def stream_table(path: Path | str, *, max_bytes: int | None = None) -> TableStream:
    """As ``read_table``, the rows read lazily; a ``ReadError`` may come while iterating."""
    path = Path(path)
    limit = settings.WILLAQ_IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(_("No se encuentra el archivo «%(name)s».") % {"name": path.name}) from exc
    if size > limit:
        raise ReadError(
            _(
                "El archivo pesa %(size)s MB y el límite es %(limit)s MB: divídalo en partes "
                "más pequeñas."
            )
            % {"size": _megabytes(size), "limit": _megabytes(limit)}
        )
    if size == 0:
        raise ReadError(_("El archivo está vacío."))
    with path.open("rb") as handle:
        head = handle.read(_SAMPLE_BYTES)
    if head.startswith(_ZIP_MAGIC) or head.startswith(_OLE_MAGIC):
        table = _read_workbook(path, head)
        return TableStream(iter(table.rows), table.format, sheet=table.sheet, notes=table.notes)
    return _stream_text(path, head)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


# --- text files ------------------------------------------------------------------------------


def detect_encoding(sample: bytes) -> str:
    """The encoding of a text file from its first bytes (see ``decode``)."""
    if sample.startswith(b"\xef\xbb\xbf"):
        return _claimed(sample[3:], "utf-8-sig")
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = sample[:4000]
    if len(head) >= 4 and head[1::2].count(0) > len(head) // 4:
        return "utf-16-le"
    if len(head) >= 4 and head[::2].count(0) > len(head) // 4:
        return "utf-16-be"
    if b"\x00" in head:
        raise ReadError(
            _(
                "El archivo no es una hoja de cálculo ni un texto CSV (contiene datos binarios). "
                "Guárdelo como XLSX o CSV."
            )
        )
    # A multi-byte character may be cut at the end of the sample: ignore its last bytes.
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and len(sample) >= _SAMPLE_BYTES:
            return "utf-8"
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _claimed(sample: bytes, encoding: str) -> str:
    """``encoding`` when the sample (its last few bytes aside) decodes with it."""
    body = sample if len(sample) < _SAMPLE_BYTES else sample[:-4]
    try:
        body.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ReadError(
            _("El archivo dice estar en %(encoding)s pero no lo está; guárdelo otra vez en UTF-8.")
            % {"encoding": encoding.upper().replace("-SIG", "")}
        ) from exc
    return encoding


def sniff_delimiter(text: str) -> str:
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        # The sniffer wants the same count on every line; titles above the header break that.
        # The delimiter the most lines use most is the next best guess.
        counts = {d: sum(1 for line in lines if d in line) for d in _DELIMITERS}
        best = max(_DELIMITERS, key=lambda d: (counts[d], d == ","))
        return best if counts[best] else ","


def _stream_text(path: Path, sample: bytes) -> TableStream:
    encoding = detect_encoding(sample)
    if encoding == "utf-8":
        try:  # the sample is the whole file when it is small: check it all now
            if len(sample) < _SAMPLE_BYTES:
                sample.decode("utf-8")
        except UnicodeDecodeError:
            encoding = "cp1252"
    text_sample = sample.decode(encoding, errors="ignore")
    if not text_sample.strip():
        raise ReadError(_("El archivo está vacío."))
    delimiter = sniff_delimiter(text_sample)
    notes = [
        _("Texto leído como %(encoding)s, separado por «%(delimiter)s».")
        % {"encoding": encoding.upper(), "delimiter": "TAB" if delimiter == "\t" else delimiter}
    ]
    return TableStream(
        _text_rows(path, encoding, delimiter),
        "csv",
        encoding=encoding,
        delimiter=delimiter,
        notes=notes,
    )


def _text_rows(path: Path, encoding: str, delimiter: str) -> Iterator[Row]:
    # Latin-1 and Windows-1252 never fail; UTF-8 may, far into a file that mixes encodings.
    with path.open(encoding=encoding, newline="", errors="strict") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        previous = 0  # the line the last row ended on: the next one starts after it
        try:
            for values in reader:
                yield Row(previous + 1, [v.strip() for v in values])
                previous = reader.line_num
        except UnicodeDecodeError as exc:
            raise ReadError(
                _(
                    "Después de la fila %(row)s el archivo cambia de codificación: guárdelo "
                    "otra vez entero en UTF-8."
                )
                % {"row": reader.line_num}
            ) from exc
        except csv.Error as exc:
            raise ReadError(
                _("El CSV está mal formado cerca de la fila %(row)s: %(error)s")
                % {"row": reader.line_num, "error": exc}
            ) from exc


# --- workbooks -------------------------------------------------------------------------------


def _workbook_format(path: Path, head: bytes) -> str:
    if head.startswith(_OLE_MAGIC):
        return "xls"
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
                return "ods"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError(
            _("El archivo está dañado: parece un XLSX pero no se puede abrir.")
        ) from exc
    raise ReadError(_("El archivo es un ZIP pero no una hoja de cálculo (XLSX u ODS)."))


def _read_workbook(path: Path, head: bytes) -> Table:
    fmt = _workbook_format(path, head)
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        names = workbook.sheet_names
        if not names:
            raise ReadError(_("El libro no tiene hojas."))
        sheet = workbook.get_sheet_by_index(0)
        grid: list[list[Cell]] = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    except ReadError:
        raise
    except Exception as exc:  # calamine raises several error types for a damaged file
        raise ReadError(
            _("El archivo está dañado o no es una hoja de cálculo válida (%(error)s).")
            % {"error": type(exc).__name__}
        ) from exc
    notes = []
    if len(names) > 1:
        notes.append(
            _("El libro tiene %(count)s hojas; se lee solo la primera, «%(sheet)s».")
            % {"count": len(names), "sheet": names[0]}
        )
    filled = _fill_merged(grid, merged)
    if filled:
        notes.append(
            _(
                "%(count)s bloques de celdas combinadas: su valor se aplicó a cada celda del "
                "bloque (%(ranges)s)."
            )
            % {"count": len(filled), "ranges": ", ".join(filled[:10])}
        )
    rows = [
        Row(index + 1, [v.strip() if isinstance(v, str) else v for v in values])
        for index, values in enumerate(grid)
    ]
    return Table(rows, fmt, sheet=names[0], notes=notes)


def _fill_merged(
    grid: list[list[Cell]], ranges: Sequence[tuple[tuple[int, int], tuple[int, int]]]
) -> list[str]:
    filled = []
    for (top, left), (bottom, right) in ranges:
        if top >= len(grid) or left >= len(grid[top]):
            continue
        value = grid[top][left]
        for r in range(top, min(bottom, len(grid) - 1) + 1):
            row = grid[r]
            for c in range(left, min(right, len(row) - 1) + 1):
                if _is_blank(row[c]):
                    row[c] = value
        filled.append(f"{_cell_name(top, left)}:{_cell_name(bottom, right)}")
    return filled


def _cell_name(row: int, column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"

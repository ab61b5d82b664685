"""Recognising a spreadsheet's layout: which row is the header, what each column holds, and
which rows are no records at all (a statistics sentence, a section heading, a total).

Column names are matched by the synonym tables (``Vocabulary``) in any case and accent; the
user's ``--map COLUMN=FIELD`` overrides win. A column nobody knows is reported, never dropped
silently; a repeated header is kept apart as "tipo (2)" and reported.
"""

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from willaq.core.text import fold
from willaq.imports.choices import SynonymKind
from willaq.imports.reading import Cell, Row
from willaq.imports.report import ImportReport
from willaq.imports.vocabulary import Vocabulary

# The header is looked for among the first rows (titles and notes sit above it).
HEADER_SEARCH_ROWS = 30


class LayoutError(Exception):
    """The file has no recognisable header: nothing can be imported."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def cell_text(value: Cell | None) -> str:
    """A cell as text: a whole number without ".0", a date as ISO, text stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


@dataclass
class Column:
    index: int
    header: str  # as written ("tipo (2)" for a repeated header)
    field: str  # "" when not imported


@dataclass
class Layout:
    header_row: int
    columns: list[Column]
    data: Iterator[Row]  # the rows below the header, empty ones left out (read as used)

    def by_field(self) -> dict[str, Column]:
        return {c.field: c for c in self.columns if c.field and c.field != "ignore"}


def parse_overrides(items: list[str] | dict[str, str]) -> dict[str, str]:
    """``["caso=description"]`` → ``{"caso": "description"}`` (the column folded)."""
    if isinstance(items, dict):
        return {fold(k): v.strip() for k, v in items.items()}
    result = {}
    for item in items:
        column, sep, target = item.rpartition("=")
        if not sep or not column.strip() or not target.strip():
            raise LayoutError(
                _("«%(item)s» no es COLUMNA=CAMPO (por ejemplo caso=description).") % {"item": item}
            )
        result[fold(column)] = target.strip()
    return result


def _column_field(
    text: str, vocabulary: Vocabulary, kind: SynonymKind, overrides: dict[str, str]
) -> str | None:
    folded = fold(text)
    if folded in overrides:
        return overrides[folded]
    return vocabulary.lookup(kind, folded)


def find_layout(
    rows: Iterable[Row],
    vocabulary: Vocabulary,
    kind: SynonymKind,
    overrides: dict[str, str],
    fields: dict[str, object],
    report: ImportReport,
) -> Layout:
    """The header row and the columns' fields; problems about columns go to ``report``."""
    for name, target in overrides.items():
        if target not in fields:
            raise LayoutError(
                _("--map %(column)s=%(field)s: «%(field)s» no es un campo (campos: %(fields)s).")
                % {"column": name, "field": target, "fields": ", ".join(sorted(fields))}
            )
    stream = iter(rows)
    head = list(itertools.islice(stream, HEADER_SEARCH_ROWS))
    header: Row | None = None
    best = 0
    for row in head:
        known = sum(
            1
            for v in row.values
            if cell_text(v) and _column_field(cell_text(v), vocabulary, kind, overrides)
        )
        if known >= 2 and known > best:
            header, best = row, known
            if known >= 3:
                break
    if header is None:
        raise LayoutError(
            _(
                "No se encontró la fila de encabezados en las primeras %(count)s filas: ninguna "
                "tiene dos nombres de columna conocidos (por ejemplo «caso», «departamento», "
                "«tipo», «fecha»). Use --map COLUMNA=CAMPO."
            )
            % {"count": HEADER_SEARCH_ROWS}
        )
    columns: list[Column] = []
    seen: dict[str, int] = {}
    taken: dict[str, str] = {}
    for index, value in enumerate(header.values):
        text = cell_text(value)
        if not text:
            continue
        folded = fold(text)
        seen[folded] = seen.get(folded, 0) + 1
        if seen[folded] > 1:
            shown = f"{text} ({seen[folded]})"
            override = overrides.get(fold(shown))
            columns.append(Column(index, shown, override or ""))
            if override is None:
                report.add(
                    header.number,
                    shown,
                    text,
                    _(
                        "Encabezado repetido: la columna %(position)s se llama también «%(name)s»; "
                        'no se importa (use --map "%(shown)s=CAMPO" para leerla).'
                    )
                    % {"position": index + 1, "name": text, "shown": shown},
                    "duplicate_header",
                )
            continue
        target = _column_field(text, vocabulary, kind, overrides) or ""
        if target and target != "ignore" and target in taken:
            report.add(
                header.number,
                text,
                text,
                _("La columna «%(other)s» ya se lee como %(field)s; esta no se importa.")
                % {"other": taken[target], "field": fields[target]},
                "duplicate_header",
            )
            target = ""
        elif target and target != "ignore":
            taken[target] = text
        elif not target:
            report.add(
                header.number,
                text,
                text,
                _('Columna no reconocida; no se importa (use --map "%(column)s=CAMPO").')
                % {"column": text},
                "unknown_column",
            )
        columns.append(Column(index, text, target))
    for name in overrides:
        if not any(fold(c.header) == name for c in columns):
            raise LayoutError(
                _("--map: el archivo no tiene la columna «%(column)s».") % {"column": name}
            )
    below = itertools.chain((r for r in head if r.number > header.number), stream)
    report.columns = {c.header: c.field for c in columns}
    return Layout(header.number, columns, (r for r in below if not r.is_empty()))


# A statistics sentence: a percentage, or many words ending with a full stop.
_PERCENT = re.compile(r"\d+(?:[.,]\d+)?\s*%")
_TOTAL = re.compile(r"^(?:sub)?total(?:es)?\b")


def not_a_record(row: Row) -> str:
    """Why ``row`` is not a record (a Spanish reason), or "" when it may be one.

    Reports pasted into a registry bring section headings ("CONFLICTOS ACTIVOS"), statistics
    sentences ("El 63,9% de los conflictos…") and total rows; they are reported, not imported.
    """
    texts = [cell_text(v) for v in row.values]
    filled = [t for t in texts if t]
    distinct = list(dict.fromkeys(filled))  # a merged heading repeats its text
    if filled and _TOTAL.match(fold(filled[0])):
        return _("Fila de totales.")
    if len(distinct) == 1:
        text = distinct[0]
        if _PERCENT.search(text):
            return _("Frase de estadística, no un caso.")
        words = text.split()
        if len(words) >= 8 and text.rstrip().endswith((".", ":")):
            return _("Frase de texto, no un caso.")
        letters = [ch for ch in text if ch.isalpha()]
        if letters and all(ch.isupper() for ch in letters):
            return _("Título de sección, no un caso.")
        if len(words) <= 6:
            return _("Fila con un solo dato: parece un título, no un caso.")
    return ""


def section_state(row: Row, vocabulary: Vocabulary) -> str:
    """The state a section heading names ("CONFLICTOS LATENTES" → latent), or ""."""
    texts = [cell_text(v) for v in row.values if cell_text(v)]
    if not texts:
        return ""
    for word in fold(texts[0]).split():
        state = vocabulary.lookup(SynonymKind.STATE, word)
        if state and len(word) > 1:
            return state
    return ""

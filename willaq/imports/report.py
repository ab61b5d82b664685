"""The report of an import (dry run or confirmed): what each row became and why.

It is plain data (``to_dict`` gives the JSON the command writes and ``ImportRun.report``
keeps), so a web page, a CSV download or a Celery task needs nothing recomputed."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from willaq.imports.choices import RowOutcome

# Problem codes and their label, for the counts by problem.
PROBLEM_LABELS = {
    "file": _("Archivo"),
    "unknown_column": _("Columna no reconocida"),
    "duplicate_header": _("Encabezado repetido"),
    "not_a_case": _("Fila que no es un caso"),
    "not_an_event": _("Fila que no es un evento"),
    "unknown_place": _("Lugar desconocido o ambiguo"),
    "no_place": _("Sin lugar"),
    "unknown_value": _("Valor desconocido"),
    "missing_value": _("Falta un dato obligatorio"),
    "bad_date": _("Fecha no válida"),
    "future_date": _("Fecha en el futuro"),
    "duplicate_row": _("Fila repetida en el archivo"),
    "derived_name": _("Nombre tomado de la descripción"),
    "not_imported": _("Dato que no se importa"),
    "invalid": _("Rechazada por la validación"),
    "unknown_case": _("Caso desconocido"),
}

# Codes that only inform: the row is still imported.
WARNING_CODES = frozenset(
    {"no_place", "derived_name", "not_imported", "unknown_column", "duplicate_header"}
)


@dataclass
class Problem:
    row: int | None  # None for the file or a whole column
    column: str  # as written in the file ("" for the whole row or file)
    value: str
    message: str
    code: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "code": self.code,
            "is_warning": self.code in WARNING_CODES,
        }


@dataclass
class RowResult:
    row: int
    outcome: RowOutcome
    target: str = ""  # the case's code or uuid, the event's uuid
    reason: str = ""


@dataclass
class ImportReport:
    kind: str
    file_name: str
    dry_run: bool
    columns: dict[str, str] = field(default_factory=dict)  # column as written → field
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    results: list[RowResult] = field(default_factory=list)
    # Values no table knew, with the closest known spellings: {"typology": {"Sociambientl": [..]}}
    unmatched: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    readable: bool = True
    # Rows per outcome. ``results`` lists every row, except that an events import (hundreds of
    # thousands of rows) lists only the rows that were not created or left unchanged.
    tally: Counter[RowOutcome] = field(default_factory=Counter)
    list_every_row: bool = True

    def add(self, row: int | None, column: str, value: object, message: str, code: str) -> None:
        self.problems.append(Problem(row, column, _text(value), message, code))

    def unmatched_value(self, what: str, value: str, suggestions: list[str]) -> None:
        self.unmatched.setdefault(what, {})[value] = suggestions

    def record(self, row: int, outcome: RowOutcome, target: str = "", reason: str = "") -> None:
        self.tally[outcome] += 1
        if self.list_every_row or outcome in (RowOutcome.REJECTED, RowOutcome.UPDATED):
            self.results.append(RowResult(row, outcome, target, reason))

    def count(self, outcome: RowOutcome) -> int:
        return self.tally[outcome]

    @property
    def rows(self) -> int:
        return sum(self.tally.values())

    @property
    def created(self) -> int:
        return self.count(RowOutcome.CREATED)

    @property
    def updated(self) -> int:
        return self.count(RowOutcome.UPDATED)

    @property
    def unchanged(self) -> int:
        return self.count(RowOutcome.UNCHANGED)

    @property
    def rejected(self) -> int:
        return self.count(RowOutcome.REJECTED)

    def problem_counts(self) -> dict[str, int]:
        return dict(Counter(p.code for p in self.problems).most_common())

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file_name,
            "dry_run": self.dry_run,
            "readable": self.readable,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "columns": self.columns,
            "notes": self.notes,
            "problem_counts": {
                code: {"label": str(PROBLEM_LABELS.get(code, code)), "count": n}
                for code, n in self.problem_counts().items()
            },
            "unmatched": self.unmatched,
            "problems": [p.to_dict() for p in self.problems],
            "results": [
                {"row": r.row, "outcome": r.outcome.value, "target": r.target, "reason": r.reason}
                for r in self.results
            ],
        }


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

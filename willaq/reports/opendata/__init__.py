"""Open data (issue 7 §4): the datasets of ``/datos/`` and ``GET /api/v1/reports/exports/…``,
their data dictionary, their filters and the one row rule.

A dataset is a list of ``Column`` (the dictionary: name, HXL hashtag, type, meaning, values) and
a generator of rows (lists in the columns' order) for a user and ``ExportFilters``;
``willaq.reports.exports`` writes those rows as CSV, XLSX, JSON or GeoJSON. The same generator
serves the public page (with an ``AnonymousUser``) and the API (with the signed-in user): which
records come out is ``willaq.reports.access`` (built on ``visible_cases`` / ``visible_events``),
which fields of each record are blanked is ``hidden_case_fields`` / ``hidden_event_fields``,
asked per record. Victims never appear: only the event's counts of dead and injured.

Every generator reads with a server-side cursor (``.iterator(chunk_size=…)``) in a stable order,
so an export of millions of rows holds one chunk in memory, never the whole file. The territory,
the categories and the institutions (a few thousand rows in all) are read once per export into
``Lookups`` instead of being joined to every row.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from willaq.accounts.access import AnyUser
from willaq.reports.opendata.columns import (
    CASE_COLUMNS,
    COMMITMENT_COLUMNS,
    EVENT_COLUMNS,
    PANEL_COLUMNS,
    Column,
    ColumnType,
)
from willaq.reports.opendata.commitments import commitment_rows
from willaq.reports.opendata.filters import (
    FILTER_NAMES,
    ExportFilterForm,
    ExportFilters,
    parse_filters,
)
from willaq.reports.opendata.rows import (
    Lookups,
    Row,
    case_month_rows,
    case_rows,
    event_query,
    event_rows,
    last_complete_month,
)

__all__ = [
    "CASE_COLUMNS",
    "COMMITMENT_COLUMNS",
    "DATASETS",
    "DATASETS_BY_KEY",
    "DATASETS_BY_SLUG",
    "EVENT_COLUMNS",
    "FILTER_NAMES",
    "PANEL_COLUMNS",
    "Column",
    "ColumnType",
    "Dataset",
    "ExportFilterForm",
    "ExportFilters",
    "Lookups",
    "Row",
    "case_month_rows",
    "case_rows",
    "commitment_rows",
    "dataset_query",
    "dataset_rows",
    "dictionary_rows",
    "event_query",
    "event_rows",
    "last_complete_month",
    "parse_filters",
]

# --- the datasets --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    key: str  # the API's name (cases, case-months, events)
    slug: str  # the page's and the file name's word (casos, casos-mes, eventos)
    title: Promise
    description: Promise
    columns: list[Column]
    filters: tuple[str, ...]  # the filters it honours
    rows: Callable[[AnyUser, ExportFilters, Lookups], Iterator[Row]] | None = None
    available: bool = True
    # The dataset as one query whose tuples are its rows (PostgreSQL then writes its CSV).
    query: Callable[[AnyUser, ExportFilters, Lookups], QuerySet[Any]] | None = None

    def columns_for(self, user: AnyUser) -> list[Column]:
        return [c for c in self.columns if user.is_authenticated or not c.private]


DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "cases",
        "casos",
        _("Casos"),
        _(
            "Un registro por caso registrado (aprobado): preconflicto, activo, latente, "
            "resuelto, retirado o fusionado. Nunca borradores ni propuestas, ni los campos que "
            "la institución marcó confidenciales, ni fuentes, ni datos de víctimas."
        ),
        CASE_COLUMNS,
        ("date_from", "date_to", "typology", "state", "department", "institution"),
        case_rows,
    ),
    Dataset(
        "case-months",
        "casos-mes",
        _("Panel caso-mes"),
        _(
            "Una fila por caso y por cierre de mes, desde el primer mes del caso (o enero de "
            "2004) hasta el último mes completo: estado, fase, tipología, ámbito y lugar "
            "principal vigentes al cierre de ese mes según la fecha efectiva de cada cambio. "
            "El periodo elige los meses; estado, tipología y departamento se comparan con los "
            "valores de cada mes."
        ),
        PANEL_COLUMNS,
        ("date_from", "date_to", "typology", "state", "department", "institution"),
        case_month_rows,
    ),
    Dataset(
        "events",
        "eventos",
        _("Eventos"),
        _(
            "Un registro por evento (protestas, disturbios, violencia, hechos estratégicos) de "
            "un caso registrado o sin caso, con las columnas de ACLED y las de Willaq. Sin "
            "fuentes, notas ni datos de víctimas: solo el número de fallecidos y heridos."
        ),
        EVENT_COLUMNS,
        (
            "date_from",
            "date_to",
            "typology",
            "state",
            "department",
            "institution",
            "event_type",
        ),
        event_rows,
        query=event_query,
    ),
    Dataset(
        "commitments",
        "compromisos",
        _("Acuerdos y compromisos"),
        _(
            "Un registro por compromiso de un acta firmada en un espacio de diálogo público "
            "(mesa de diálogo, de desarrollo, técnica…): quién lo debe, cuándo vence, estado, "
            "avance, dinero comprometido y verificado, y el lugar del espacio. «Vencido» se "
            "calcula el día de la descarga. Nunca espacios no públicos ni campos "
            "confidenciales (notas internas, representantes, ayudas memoria). El periodo se "
            "compara con la fecha de vencimiento; la institución es la convocante."
        ),
        COMMITMENT_COLUMNS,
        ("date_from", "date_to", "department", "institution"),
        commitment_rows,
    ),
)

DATASETS_BY_KEY = {d.key: d for d in DATASETS if d.available}
DATASETS_BY_SLUG = {d.slug: d for d in DATASETS if d.available}


def dataset_query(
    dataset: Dataset, user: AnyUser, filters: ExportFilters, lookups: Lookups
) -> QuerySet[Any] | None:
    """The dataset as one query (its tuples are ``dataset_rows``), when it is one."""
    return dataset.query(user, filters, lookups) if dataset.query else None


def dataset_rows(
    dataset: Dataset, user: AnyUser, filters: ExportFilters, lookups: Lookups | None = None
) -> Iterator[Row]:
    """The rows of ``dataset`` for ``user`` (an ``AnonymousUser`` for the public page)."""
    assert dataset.rows is not None
    return dataset.rows(user, filters, lookups or Lookups.load())


def dictionary_rows() -> Iterator[dict[str, str]]:
    """The data dictionary: one entry per column of every available dataset."""
    for dataset in DATASETS:
        for column in dataset.columns:
            yield {
                "dataset": dataset.key,
                "column": column.name,
                "hxl": column.hxl,
                "type": str(column.type),
                "meaning": str(column.meaning),
                "values": str(column.values),
                "public": "no" if column.private else "sí",
            }

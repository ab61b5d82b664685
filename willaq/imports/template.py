"""The downloadable XLSX template: a sheet with the columns the import recognises (and a sample
row), a sheet of the allowed values of each vocabulary, and a sheet explaining each column.

``build_template(kind, institution)`` returns the workbook's bytes; the command
``import_template`` writes it to a file, and the web upload page will serve the same bytes."""

import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from willaq.accounts.models import Institution
from willaq.cases.access import usable_categories
from willaq.cases.choices import (
    CaseScope,
    CaseState,
    CategoryKind,
    CompetentAuthority,
    Phase,
    ProtestForm,
    SubEventType,
)
from willaq.imports.choices import ImportKind
from willaq.territory.models import Grouping, Level, Ubigeo


def case_columns() -> list[tuple[str, str, str]]:
    """(column header, field, what to put in it)."""
    return [
        (
            "Código",
            "external_id",
            _("Identificador del caso en su registro (para volver a importar)."),
        ),
        (
            "Caso",
            "name",
            _("Nombre del caso. Si falta, se toma de la descripción y se marca."),
        ),
        (
            "Departamento",
            "department",
            _(
                "Uno o varios («Ayacucho / Huancavelica»), «Lima "
                "Metropolitana», «Lima Provincias», «Nacional»…"
            ),
        ),
        ("Provincia", "province", _("Opcional.")),
        ("Distrito", "district", _("Opcional; «No detalla» ubica el caso en la provincia.")),
        ("Ámbito", "scope", _("Opcional: local, regional, multirregional o nacional.")),
        ("Tipología", "typology", _("Ver la hoja de valores permitidos.")),
        ("Subtipo", "subtype", _("Actividad de un caso socioambiental.")),
        ("Estado", "state", _("Activo, latente, resuelto, retirado, preconflicto.")),
        ("Fase", "phase", _("Solo para casos activos.")),
        (
            "Fecha de inicio",
            "start_date",
            _("31/12/2019, 2019-12-31, dic-2019 o solo el año."),
        ),
        ("Fecha de fin", "end_date", _("Para casos resueltos o retirados.")),
        ("Descripción", "description", ""),
        ("Demandas", "demands", ""),
        (
            "Autoridad competente",
            "competent_authority",
            _("Ver la hoja de valores permitidos."),
        ),
    ]


def event_columns() -> list[tuple[str, str, str]]:
    return [
        ("ID", "external_id", _("Identificador del evento (para volver a importar).")),
        ("Fecha", "event_date", _("Día o mes (no basta el año).")),
        ("Fecha de fin", "end_date", _("Último día de una acción de varios días.")),
        ("Tipo de evento", "event_type", _("Opcional: se deduce del subtipo.")),
        (
            "Subtipo",
            "sub_event_type",
            _("Ver la hoja de valores permitidos (español o inglés)."),
        ),
        ("Forma de protesta", "protest_form", _("Solo en protestas y disturbios.")),
        ("Actor 1", "actor1", ""),
        ("Tipo de actor 1", "inter1", _("1 a 8 (ACLED) o su nombre.")),
        ("Actor 2", "actor2", ""),
        ("Departamento", "department", ""),
        ("Provincia", "province", ""),
        ("Distrito", "district", ""),
        ("Localidad", "location", ""),
        ("Latitud", "latitude", ""),
        ("Longitud", "longitude", ""),
        ("Fuentes", "sources", ""),
        ("Notas", "notes", ""),
        ("Caso", "case", _("Código del caso o su identificador; vacío: evento sin caso.")),
    ]


CASE_SAMPLE = [
    "DP-0001", "Comunidad de ejemplo y empresa", "Cusco", "Espinar", "Coporaque", "",
    "Socioambiental", "Minería", "Activo", "Diálogo", "dic-2016", "", "", "", "Gobierno nacional",
]  # fmt: skip
EVENT_SAMPLE = [
    "EV-0001", "12/03/2023", "", "Protestas", "Protesta pacífica", "Paro", "Frente de defensa",
    "Manifestantes", "", "Puno", "Puno", "Puno", "Plaza de Armas", "", "", "Radio local", "",
    "DP-0001",
]  # fmt: skip


def _labels(values: Iterable[object]) -> list[str]:
    return [str(v) for v in values if str(v)]


def build_template(kind: str, institution: Institution | None = None) -> bytes:
    columns, sample = (
        (case_columns(), CASE_SAMPLE)
        if kind == ImportKind.CASES
        else (event_columns(), EVENT_SAMPLE)
    )
    book = Workbook()
    sheet = book.active
    sheet.title = _("Casos") if kind == ImportKind.CASES else _("Eventos")
    sheet.append([header for header, _field, _note in columns])
    sheet.append(sample)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index in range(1, len(columns) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 22

    allowed = book.create_sheet(_("Valores permitidos"))
    ids = [institution.pk] if institution is not None else []
    categories = usable_categories(ids).filter(is_active=True).order_by("sort_order", "name")
    lists: dict[str, list[str]] = {
        _("Tipología"): _labels(
            categories.filter(kind=CategoryKind.TYPOLOGY).values_list("name", flat=True)
        ),
        _("Subtipo"): _labels(
            categories.filter(kind=CategoryKind.SUBTYPE).values_list("name", flat=True)
        ),
        _("Estado"): _labels(
            CaseState(s).label for s in CaseState.values if s not in ("draft", "proposed")
        ),
        _("Fase"): _labels(Phase.labels),
        _("Ámbito"): _labels(CaseScope.labels),
        _("Autoridad competente"): _labels(CompetentAuthority.labels),
        _("Subtipo de evento"): _labels(SubEventType.labels),
        _("Forma de protesta"): _labels(ProtestForm(v).label for v in ProtestForm.values if v),
        _("Departamento"): _labels(
            [
                *Ubigeo.objects.filter(level=Level.DEPARTMENT).values_list("name", flat=True),
                *Grouping.objects.values_list("name", flat=True),
            ]
        ),
    }
    for index, (title, values) in enumerate(lists.items(), start=1):
        allowed.cell(row=1, column=index, value=title).font = Font(bold=True)
        allowed.column_dimensions[get_column_letter(index)].width = 30
        for row, value in enumerate(values, start=2):
            allowed.cell(row=row, column=index, value=value)

    notes = book.create_sheet(_("Columnas"))
    notes.append([_("Columna"), _("Campo"), _("Qué poner")])
    for header, field, note in columns:
        notes.append([header, field, note])
    notes.append([])
    notes.append(
        [
            _(
                "Los nombres de columna se reconocen sin importar mayúsculas ni tildes, con sus "
                "sinónimos habituales; las columnas desconocidas se informan y no se importan."
            )
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

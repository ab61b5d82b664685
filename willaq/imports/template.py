"""The downloadable XLSX template of a case import: a sheet to fill, a sheet describing each
column, and a sheet of the allowed values (the fill sheet's drop-down lists point at it).

Its headers are the ones the import recognises first, and its values are the vocabulary's own
labels: a template filled as shown imports without a mapping step (tested)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from willaq.accounts.models import Institution
from willaq.cases.access import usable_categories
from willaq.cases.choices import (
    REGISTERED_STATES,
    CaseScope,
    CaseState,
    CategoryKind,
    CompetentAuthority,
    Phase,
)
from willaq.territory.models import Grouping, Ubigeo

# (header, what it holds, example) in the order of the fill sheet.
CASE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("Código", "Identificador del caso en su sistema (para volver a encontrarlo).", "D-2019-041"),
    ("Nombre del caso", "Obligatorio si no hay descripción.", "Comunidad de Ejemplo y minera"),
    ("Departamento", "Uno, o varios separados por « / ».", "Cusco"),
    ("Provincia", "Opcional.", "Espinar"),
    ("Distrito", "Opcional; «No detalla» ubica el caso en la provincia.", "Coporaque"),
    ("Ámbito", "Local, regional, multirregional o nacional (se deduce si falta).", "Local"),
    ("Tipología", "Ver «Valores permitidos».", "Socioambiental"),
    ("Subtipo", "Para los socioambientales: la actividad.", "Minería"),
    ("Estado", "Ver «Valores permitidos».", "Activo"),
    ("Fase", "Solo para casos activos.", "Temprana"),
    ("Fecha de inicio", "Día (31/12/2019), mes (12/2019) o solo año (2019).", "15/03/2019"),
    ("Fecha de fin", "Para casos resueltos o retirados.", ""),
    ("Descripción", "Texto libre.", "La comunidad reclama por el uso del agua."),
    ("Actores", "Separados por « ; ».", "Comunidad de Ejemplo; Empresa Minera S.A."),
    ("Demandas", "Texto libre.", "Monitoreo ambiental participativo."),
    ("Autoridad competente", "Ver «Valores permitidos».", "Gobierno nacional"),
)


def _allowed_values(institution: Institution) -> dict[str, list[str]]:
    categories = usable_categories([institution.pk]).filter(is_active=True)
    return {
        "Tipología": [
            c.name for c in categories.filter(kind=CategoryKind.TYPOLOGY).order_by("sort_order")
        ],
        "Subtipo": [
            c.name for c in categories.filter(kind=CategoryKind.SUBTYPE).order_by("sort_order")
        ],
        "Estado": [str(CaseState(s).label) for s in REGISTERED_STATES if s != CaseState.MERGED],
        "Fase": [str(label) for label in Phase.labels],
        "Ámbito": [str(label).split(" (")[0] for label in CaseScope.labels],
        "Autoridad competente": [str(label) for label in CompetentAuthority.labels],
        "Departamento": [
            *Ubigeo.objects.departments().order_by("name").values_list("name", flat=True),
            *Grouping.objects.order_by("name").values_list("name", flat=True),
            "Nacional",
            "Multirregional",
        ],
    }


def template_workbook(kind: str, institution: Institution) -> bytes:
    """The template as XLSX bytes (only cases for now)."""
    workbook = Workbook()
    fill = workbook.active
    assert fill is not None
    fill.title = _("Casos")
    bold = Font(bold=True)
    headers = [header for header, _what, _example in CASE_COLUMNS]
    fill.append(headers)
    fill.append([example for _header, _what, example in CASE_COLUMNS])
    for cell in fill[1]:
        cell.font = bold
    fill.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        fill.column_dimensions[get_column_letter(index)].width = max(14, len(header) + 4)

    about = workbook.create_sheet(_("Columnas"))
    about.append([_("Columna"), _("Qué contiene"), _("Ejemplo")])
    for cell in about[1]:
        cell.font = bold
    for spec in CASE_COLUMNS:
        about.append(list(spec))
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 70
    about.column_dimensions["C"].width = 40

    allowed = workbook.create_sheet(_("Valores permitidos"))
    values = _allowed_values(institution)
    for column, (name, items) in enumerate(values.items(), start=1):
        letter = get_column_letter(column)
        allowed.cell(row=1, column=column, value=name).font = bold
        for line, item in enumerate(items, start=2):
            allowed.cell(row=line, column=column, value=item)
        allowed.column_dimensions[letter].width = max(18, max((len(i) for i in items), default=0))
        if name == "Departamento":
            continue  # several departments in one cell ("Ayacucho / Huancavelica") are allowed
        target = headers.index(name) + 1
        validation = DataValidation(
            type="list",
            formula1=f"'{allowed.title}'!${letter}$2:${letter}${len(items) + 1}",
            allow_blank=True,
            showErrorMessage=False,
        )
        fill.add_data_validation(validation)
        validation.add(f"{get_column_letter(target)}2:{get_column_letter(target)}5000")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

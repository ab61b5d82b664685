"""The reports' API: monthly figures, map data and open-data exports under /api/v1/."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router

from willaq.core.schemas import OBJECT_READ_ERRORS, ErrorOut
from willaq.reports import access, selectors
from willaq.reports.monthly import parse_month
from willaq.reports.schemas import MonthlyFiguresOut
from willaq.reports.tables import TABLE_NAMES, csv_bytes, csv_filename, tables

router = Router(tags=["reportes"])

# --- monthly figures (report-engine) ----------------------------------------------------------


def _month_figures(request: HttpRequest, month: str, institution: str | None) -> Any:
    if not access.can_view_monthly_figures(request.user):
        raise PermissionDenied
    year, number = parse_month(month)
    return selectors.month_figures(year, number, access.report_institution(institution))


@router.get(
    "/monthly/{month}",
    response={200: MonthlyFiguresOut, 403: ErrorOut, **OBJECT_READ_ERRORS},
    summary="Cifras del reporte mensual",
    description=(
        "Todas las cifras del reporte mensual de `month` (AAAA-MM), calculadas con la historia "
        "del registro al cierre del mes (hora de Lima): casos registrados, activos, latentes, "
        "nuevos, reactivados, resueltos…, por departamento, tipología, fase, diálogo, acciones "
        "de protesta, víctimas, la clasificación PCM y su cruce, listas y fichas. "
        "`institution` (slug) limita el reporte a los casos de esa institución. "
        "Un mes futuro, anterior al primer caso registrado o mal escrito, o una institución "
        "desconocida, responden 422 con el motivo."
    ),
)
def monthly_figures(request: HttpRequest, month: str, institution: str | None = None) -> Any:
    return _month_figures(request, month, institution)


@router.get(
    "/monthly/{month}/tables/{table}.csv",
    response={200: None, 403: ErrorOut, **OBJECT_READ_ERRORS},
    summary="Una tabla del reporte mensual en CSV",
    description=(
        "Una tabla del reporte mensual como CSV (UTF-8 con BOM, encabezados en español). "
        "Tablas: " + ", ".join(f"`{name}`" for name in TABLE_NAMES) + "."
    ),
)
def monthly_table_csv(
    request: HttpRequest, month: str, table: str, institution: str | None = None
) -> HttpResponse:
    if table not in TABLE_NAMES:
        raise ValidationError(
            {
                "table": _("Tabla desconocida. Tablas: %(names)s.")
                % {"names": ", ".join(TABLE_NAMES)}
            }
        )
    figures = _month_figures(request, month, institution)
    body = csv_bytes(tables(figures)[table])
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = csv_filename(figures["month"], table, institution and institution.strip())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

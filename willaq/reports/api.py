"""The reports' API: monthly figures, map data and open-data exports under /api/v1/."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from willaq.core.schemas import OBJECT_READ_ERRORS, ErrorOut
from willaq.reports import access, selectors
from willaq.reports.exports import (
    FORMATS,
    TooManyRows,
    export_response,
    filename,
    xlsx_max_rows,
)
from willaq.reports.map_api import router as map_router
from willaq.reports.monthly import parse_month
from willaq.reports.opendata import (
    DATASETS_BY_KEY,
    Lookups,
    dataset_query,
    dataset_rows,
    parse_filters,
)
from willaq.reports.schemas import MonthlyFiguresOut
from willaq.reports.tables import TABLE_NAMES, csv_bytes, csv_filename, tables

router = Router(tags=["reportes"])

# The map (report-map): GET /map.
router.add_router("", map_router)

# --- monthly figures (report-engine) ----------------------------------------------------------


def _month_figures(
    request: HttpRequest, month: str, institution: str | None, *, fiches: bool = True
) -> Any:
    if not access.can_view_monthly_figures(request.user):
        raise PermissionDenied
    year, number = parse_month(month)
    return selectors.month_figures(
        year, number, access.report_institution(institution), fiches=fiches
    )


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
        "`fiches=false` omite las fichas (`fiches: []`): las cifras llegan en un segundo aun "
        "con miles de casos activos. "
        "Un mes futuro, anterior al primer caso registrado o mal escrito, o una institución "
        "desconocida, responden 422 con el motivo."
    ),
)
def monthly_figures(
    request: HttpRequest, month: str, institution: str | None = None, fiches: bool = True
) -> Any:
    return _month_figures(request, month, institution, fiches=fiches)


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


# --- open data: GET /api/v1/reports/exports/{dataset}.{fmt} -------------------------------------


class ExportQuery(Schema):
    """The export filters (the names of the /datos/ form). Read as text and validated by the
    same form as the page: an unknown value answers 400 naming the field."""

    date_from: str | None = Field(None, description="Desde (AAAA-MM-DD).")
    date_to: str | None = Field(None, description="Hasta (AAAA-MM-DD).")
    typology: str | None = Field(None, description="Código de una tipología compartida.")
    state: str | None = Field(None, description="Estado del caso.")
    department: str | None = Field(None, description="Ubigeo de un departamento.")
    institution: str | None = Field(None, description="Institución (slug).")
    event_type: str | None = Field(None, description="Tipo de evento ACLED (solo eventos).")
    hxl: str | None = Field(None, description="1: segunda fila con etiquetas HXL (CSV, XLSX).")


def _export_error(status: int, detail: str, errors: dict[str, list[str]]) -> Status[Any]:
    return Status(status, {"detail": detail, "errors": errors})


@router.get(
    "/exports/{dataset}.{fmt}",
    response={400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Exportar datos abiertos (con los registros privados de la institución propia)",
    openapi_extra={
        "responses": {
            200: {
                "description": "El archivo, transmitido por partes.",
                "content": {media: {} for media in FORMATS.values()},
            }
        }
    },
)
def export_dataset(
    request: HttpRequest, dataset: str, fmt: str, filters: Query[ExportQuery]
) -> Any:
    """`dataset`: `cases`, `case-months`, `events` o `commitments`; `fmt`: `csv`, `xlsx`,
    `json` o `geojson`.
    Las mismas filas y columnas que `/datos/`, más los borradores, los campos confidenciales y
    las fuentes y notas de los eventos de la institución del usuario (los de otras
    instituciones, vacíos); en `commitments`, los compromisos de todos los espacios que el
    usuario lee, con las notas internas solo de los espacios de su institución.
    CSV, JSON y GeoJSON se transmiten por partes; XLSX admite un número
    limitado de filas (400 si se supera)."""
    found = DATASETS_BY_KEY.get(dataset)
    if found is None or fmt not in FORMATS:
        return _export_error(
            404,
            _("Conjunto o formato desconocido."),
            {
                "dataset": [_("Use cases, case-months, events o commitments.")],
                "fmt": [_("Use csv, xlsx, json o geojson.")],
            },
        )
    parsed, errors = parse_filters(request.GET)
    hxl = request.GET.get("hxl", "")
    if hxl not in ("", "0", "1"):
        errors["hxl"] = [_("Use hxl=1 para añadir la fila de etiquetas HXL.")]
    if parsed is None or errors:
        return _export_error(400, _("Filtros no válidos: revise los campos indicados."), errors)
    user = request.user
    lookups = Lookups.load()
    try:
        response: HttpResponseBase = export_response(
            found.columns_for(user),
            dataset_rows(found, user, parsed, lookups),
            fmt,
            filename(found.slug, fmt),
            hxl=hxl == "1",
            query=dataset_query(found, user, parsed, lookups),
        )
    except TooManyRows:
        return _export_error(
            400,
            _("La exportación en XLSX admite hasta %(n)s filas: use CSV o acote los filtros.")
            % {"n": xlsx_max_rows()},
            {"fmt": [_("Demasiadas filas para XLSX.")]},
        )
    return response

"""The reports' API: monthly figures, map data and open-data exports under /api/v1/."""

from ninja import Router

router = Router(tags=["reportes"])


# --- open data: GET /api/v1/reports/exports/{dataset}.{fmt} -------------------------------------

from typing import Any  # noqa: E402

from django.http import HttpRequest, HttpResponseBase  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from ninja import Field, Query, Schema  # noqa: E402
from ninja.responses import Status  # noqa: E402

from willaq.core.schemas import ErrorOut  # noqa: E402
from willaq.reports.exports import (  # noqa: E402
    FORMATS,
    TooManyRows,
    export_response,
    filename,
    xlsx_max_rows,
)
from willaq.reports.opendata import (  # noqa: E402
    DATASETS_BY_KEY,
    Lookups,
    dataset_query,
    dataset_rows,
    parse_filters,
)


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
    """`dataset`: `cases`, `case-months` o `events`; `fmt`: `csv`, `xlsx`, `json` o `geojson`.
    Las mismas filas y columnas que `/datos/`, más los borradores, los campos confidenciales y
    las fuentes y notas de los eventos de la institución del usuario (los de otras
    instituciones, vacíos). CSV, JSON y GeoJSON se transmiten por partes; XLSX admite un número
    limitado de filas (400 si se supera)."""
    found = DATASETS_BY_KEY.get(dataset)
    if found is None or fmt not in FORMATS:
        return _export_error(
            404,
            _("Conjunto o formato desconocido."),
            {
                "dataset": [_("Use cases, case-months o events.")],
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

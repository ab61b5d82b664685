"""The map's data endpoint: GET /api/v1/reports/map (mounted by ``willaq.reports.api``)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from ninja import Field, Query, Router, Schema

from willaq.core.schemas import READ_ERRORS
from willaq.reports.map import map_data
from willaq.reports.map_forms import MapQueryForm

router = Router(tags=["reportes"])


class MapParams(Schema):
    """The map's query, read and checked by ``willaq.reports.map_forms.MapQueryForm``."""

    bbox: str | None = Field(None, description="Área visible: «oeste,sur,este,norte» en grados.")
    zoom: str | None = Field(None, description="Nivel de zoom, de 0 a 18 (5 por defecto).")
    layer: str | None = Field(None, description="`cases` (defecto), `events` o `choropleth`.")
    level: str | None = Field(None, description="Coropleta: `department` (defecto) o `province`.")
    measure: str | None = Field(None, description="Coropleta: `count` (defecto) o `rate`.")
    date_from: str | None = Field(None, description="Periodo desde (AAAA-MM-DD).")
    date_to: str | None = Field(None, description="Periodo hasta (AAAA-MM-DD).")
    typology: str | None = Field(None, description="Código de tipología.")
    state: str | None = Field(None, description="Estado del caso.")
    phase: str | None = Field(None, description="Fase del caso.")
    institution: str | None = Field(None, description="Identificador de la institución.")


@router.get("/map", response={200: dict[str, Any], **READ_ERRORS}, summary="Datos del mapa")
def map_endpoint(request: HttpRequest, params: Query[MapParams]) -> JsonResponse:
    """Cases (grouped in grid cells, or one by one when few), events, or a choropleth of cases
    by department or province (count or rate per 100 000 inhabitants), among what the user may
    see. At most 2 000 features per answer, whatever the registry's size; unknown values → 422."""
    form = MapQueryForm(request.GET, user=request.user, public=False)
    if not form.is_valid():
        raise ValidationError({field: list(messages) for field, messages in form.errors.items()})
    # Sent as it is built (plain JSON types): ninja's validation of a free-form dict walked
    # every feature again (17 ms for 1,443 points).
    return JsonResponse(map_data(request.user, form.query()))

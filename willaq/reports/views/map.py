"""The map pages: /mapa/ (signed in, what the user may see) and /mapa/publico/ (anyone, public
data only), and the public map's data. The signed-in map reads GET /api/v1/reports/map."""

from typing import Any

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from willaq.reports.map import MAX_FEATURES, map_data
from willaq.reports.map_forms import MapQueryForm

# The online base map, drawn only when the browser reaches it (static/js/map.js tries a tile
# first); the shipped boundaries work offline.
TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TILE_ORIGIN = "https://tile.openstreetmap.org"


def form_errors(form: MapQueryForm) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}


def _page(request: HttpRequest, *, public: bool) -> HttpResponse:
    form = MapQueryForm(request.GET or None, user=request.user, public=public)
    if form.is_bound:
        form.is_valid()  # the page shows the messages; the data endpoint refuses the query
    context: dict[str, Any] = {
        "form": form,
        "public": public,
        "data_url": reverse("reports:public_map_data") if public else "/api/v1/reports/map",
        "tile_url": TILE_URL,
        "max_features": MAX_FEATURES,
    }
    return render(request, "reports/map.html", context)


@login_required
@require_GET
@csp_update({"img-src": [TILE_ORIGIN]})
def map_page(request: HttpRequest) -> HttpResponse:
    return _page(request, public=False)


@require_GET
@csp_update({"img-src": [TILE_ORIGIN]})
def public_map_page(request: HttpRequest) -> HttpResponse:
    return _page(request, public=True)


@require_GET
def public_map_data(request: HttpRequest) -> JsonResponse:
    """The public map's data: the same answer as the API's, from public data only (registered
    cases, their events and the caseless ones), whoever asks."""
    form = MapQueryForm(request.GET, user=request.user, public=True)
    if not form.is_valid():
        return JsonResponse(
            {
                "detail": _("La solicitud no es válida: revise los campos indicados."),
                "errors": form_errors(form),
            },
            status=422,
        )
    return JsonResponse(map_data(request.user, form.query()))

"""The dialogue panel of a case page and the dashboard's risk signal (loaded by HTMX).

The views below are placeholders so other modules can name these URLs; each is replaced by the
real view."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path


def _pending(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404("pending")


urlpatterns: list[URLPattern] = [
    path("dialogo/casos/<uuid:case_uuid>/panel/", _pending, name="case_panel"),
    path("dialogo/riesgos/", _pending, name="risk_panel"),
]

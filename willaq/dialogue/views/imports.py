"""Commitments imported from a spreadsheet of an acta.

The views below are placeholders so other modules can name these URLs; each is replaced by the
real view."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path


def _pending(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404("pending")


urlpatterns: list[URLPattern] = [
    path("dialogo/actas/<uuid:acta_uuid>/importar/", _pending, name="commitments_import"),
]

"""Commitments (list, page, progress, evidence and its verification) and the calendar.

The views below are placeholders so other modules can name these URLs; each is replaced by the
real view."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path


def _pending(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404("pending")


urlpatterns: list[URLPattern] = [
    path("dialogo/compromisos/", _pending, name="commitments"),
    path("dialogo/compromisos/<uuid:commitment_uuid>/", _pending, name="commitment"),
    path("dialogo/actas/<uuid:acta_uuid>/compromisos/nuevo/", _pending, name="commitment_create"),
    path("dialogo/calendario/", _pending, name="calendar"),
]

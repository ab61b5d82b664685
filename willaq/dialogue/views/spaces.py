"""Spaces, participants, sessions and actas (the facilitator's pages).

The views below are placeholders so other modules can name these URLs; each is replaced by the
real view."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path


def _pending(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404("pending")


urlpatterns: list[URLPattern] = [
    path("dialogo/", _pending, name="spaces"),
    path("dialogo/<uuid:space_uuid>/", _pending, name="space"),
    path("dialogo/sesiones/<uuid:session_uuid>/", _pending, name="session"),
    path("dialogo/actas/<uuid:acta_uuid>/", _pending, name="acta"),
]

"""The public page of a dialogue space (no login) and the compliance boards.

The views below are placeholders so other modules can name these URLs; each is replaced by the
real view."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path


def _pending(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404("pending")


urlpatterns: list[URLPattern] = [
    path("dialogo/publico/", _pending, name="public_spaces"),
    path("dialogo/publico/<uuid:space_uuid>/", _pending, name="public_space"),
    path("dialogo/cumplimiento/", _pending, name="compliance"),
]

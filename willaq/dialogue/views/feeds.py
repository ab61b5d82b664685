"""iCalendar feeds (per space and per institution, behind a revocable secret).

The views below are placeholders so other modules can name these URLs; each is replaced by the
real view."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path


def _pending(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404("pending")


urlpatterns: list[URLPattern] = [
    path("dialogo/ical/espacio/<str:secret>.ics", _pending, name="space_ical"),
    path("dialogo/ical/institucion/<str:secret>.ics", _pending, name="institution_ical"),
]

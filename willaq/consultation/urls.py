"""The consultation app's pages."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path

app_name = "consultation"


def _pending(request: HttpRequest) -> HttpResponse:
    raise Http404("pending")


urlpatterns: list[URLPattern] = [path("consulta-previa/", _pending, name="list")]

"""Request guards shared by pages and API."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext as _


class RejectNulCharactersMiddleware:
    """Refuse a NUL character in the path or the query string with a 400.

    PostgreSQL cannot store or compare text holding NUL, so a filter such as ``?q=%00`` would
    otherwise fail deep in the database as a server error. Form and API bodies are checked by
    their own validators.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            message = _("La dirección contiene un carácter no permitido (NUL).")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


# Paths whose views refuse an oversized body themselves (from Content-Length, before reading it).
SELF_LIMITED_PATHS = ("/openrosa/",)


class RequestSizeLimitMiddleware:
    """Refuse a request whose announced body exceeds ``WILLAQ_MAX_REQUEST_BYTES`` with a 413.

    It answers from the ``Content-Length`` header alone, before anything reads the body, so an
    oversized upload is not streamed to disk first. (A body sent without ``Content-Length`` is
    not read by Django at all.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # OpenRosa (ODK Collect) checks its own, smaller limit and answers in its own format.
        if request.path.startswith(SELF_LIMITED_PATHS):
            return self.get_response(request)
        announced = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(announced)
        except ValueError:
            length = -1
        limit: int = settings.WILLAQ_MAX_REQUEST_BYTES
        if 0 <= length <= limit:
            return self.get_response(request)
        # This runs before LocaleMiddleware: answer in the language the request asks for.
        with translation.override(translation.get_language_from_request(request)):
            if length < 0:
                return self._refuse(request, 400, _("La longitud del contenido no es válida."))
            message = _(
                "El envío es demasiado grande (%(size)s); el máximo es %(limit)s. Adjunte "
                "archivos más pequeños."
            ) % {"size": filesizeformat(length), "limit": filesizeformat(limit)}
            return self._refuse(request, 413, message)

    @staticmethod
    def _refuse(request: HttpRequest, status: int, message: str) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=status)
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")

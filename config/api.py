"""API v1: one NinjaAPI, one router per app, personal-token or session authentication.

Every error answers with the same body, ``{"detail": str, "errors": {field: [messages]}}``
(willaq.core.schemas.ErrorOut), in the request's language: services' ValidationError and
ninja's own validation errors → 422 with field messages, PermissionDenied → 403, Http404 → 404,
missing or bad credentials → 401, an unreadable request → 400.
"""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from willaq.accounts.api import ApiTokenAuth, BrowserSessionAuth
from willaq.accounts.api import router as accounts_router
from willaq.cases.api import router as cases_router
from willaq.complaints.api import router as complaints_router
from willaq.consultation.api import router as consultation_router
from willaq.dialogue.api import router as dialogue_router
from willaq.earlywarning.api import router as earlywarning_router
from willaq.peoples.api import router as peoples_router
from willaq.reports.api import router as reports_router
from willaq.territory.api import router as territory_router

api = NinjaAPI(
    title="Willaq API",
    version="1",
    description=(
        "Registro compartido de conflictos sociales. Autenticación: "
        "`Authorization: Bearer <token>` (token personal) o la sesión del navegador. "
        "Los errores responden `{detail, errors}`; los mensajes siguen el idioma de la "
        "solicitud (`Accept-Language`, español por defecto)."
    ),
    auth=[ApiTokenAuth(), BrowserSessionAuth()],
    urls_namespace="api",
)
api.add_router("/accounts", accounts_router)
api.add_router("/territory", territory_router)
api.add_router("/", cases_router)
api.add_router("/reports", reports_router)
api.add_router("/", earlywarning_router)
api.add_router("/", dialogue_router)
api.add_router("/", peoples_router)
api.add_router("/", consultation_router)
api.add_router("/", complaints_router)


# --- error handlers -----------------------------------------------------------------------------


def _error(
    request: HttpRequest, status: int, detail: str, errors: dict[str, list[str]] | None = None
) -> HttpResponse:
    body: dict[str, Any] = {"detail": detail}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


def _pydantic_message(error: dict[str, Any]) -> str:
    """A pydantic error as a sentence in the active language."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("Este campo es obligatorio.")
    if kind == "string_unicode":
        return _("No puede contener caracteres sustitutos (UTF-16) sueltos.")
    if kind in ("string_type", "str_type"):
        return _("Debe ser un texto.")
    if kind == "string_too_long":
        return _("Admite como máximo %(n)s caracteres.") % {"n": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("Debe tener al menos %(n)s caracteres.") % {"n": ctx.get("min_length")}
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == r"^[0-9]{6}$":
            return _("Debe ser un código ubigeo de 6 dígitos.")
        return _("El formato no es válido.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Debe ser un número entero.")
    if kind in ("float_parsing", "float_type", "finite_number"):
        return _("Debe ser un número.")
    if kind in ("decimal_parsing", "decimal_type", "decimal_max_digits", "decimal_whole_digits"):
        return _("Debe ser un monto de hasta 14 cifras enteras y 2 decimales.")
    if kind == "decimal_max_places":
        return _("Admite como máximo %(n)s decimales.") % {"n": ctx.get("decimal_places")}
    if kind in ("greater_than_equal", "greater_than"):
        return _("Debe ser mayor o igual que %(n)s.") % {"n": ctx.get("ge", ctx.get("gt"))}
    if kind in ("less_than_equal", "less_than"):
        return _("Debe ser menor o igual que %(n)s.") % {"n": ctx.get("le", ctx.get("lt"))}
    if kind in ("bool_parsing", "bool_type"):
        return _("Debe ser verdadero o falso.")
    if kind.startswith("date_") and not kind.startswith("datetime"):
        return _("Fecha no válida: use el formato AAAA-MM-DD.")
    if kind.startswith("datetime"):
        return _("Fecha y hora no válidas: use el formato ISO 8601.")
    if kind.startswith("uuid"):
        return _("Identificador (UUID) no válido.")
    if kind in ("enum", "literal_error"):
        # pydantic lists the values as "'a', 'b' or 'c'".
        values = str(ctx.get("expected", "")).replace(" or ", ", ")
        return _("Valor no permitido. Valores aceptados: %(values)s.") % {"values": values}
    if kind in ("list_type", "tuple_type", "set_type"):
        return _("Debe ser una lista.")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("Debe ser un objeto JSON.")
    if kind == "extra_forbidden":
        return _("Campo desconocido.")
    if kind == "json_invalid":
        return _("El JSON no es válido.")
    if kind == "value_error":
        # Codes raised by the validators of willaq.cases.schemas.
        msg = str(error.get("msg", ""))
        if "nul_character" in msg:
            return _("No puede contener el carácter nulo.")
        if "lone_surrogate" in msg:
            return _("No puede contener caracteres sustitutos (UTF-16) sueltos.")
        if "out_of_range" in msg:
            return _("La fecha está fuera del rango admitido.")

    return str(error.get("msg", _("Valor no válido.")))


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """("body", "payload", "places", 0, "ubigeo") → "places.0.ubigeo"; ("query", "state") →
    "state". The source and the name of the body parameter are left out."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        source = parts.pop(0)
        if source == "body" and parts and parts[0] == "payload":
            parts.pop(0)
            if not parts:
                return "body"
    return ".".join(str(p) for p in parts) or NON_FIELD_ERRORS


@api.exception_handler(NinjaValidationError)
def on_request_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field_name(error.get("loc", ())), []).append(_pydantic_message(error))
    return _error(
        request, 422, _("La solicitud no es válida: revise los campos indicados."), errors
    )


@api.exception_handler(DjangoValidationError)
def on_data_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    else:
        errors = {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}
    return _error(request, 422, _("Los datos enviados no son válidos."), errors)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or _("No tiene permiso para realizar esta acción."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, _("No encontrado."))


@api.exception_handler(SuspiciousOperation)
def on_bad_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    # Django's own 400s (a body above DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields…).
    return _error(request, 400, _("La solicitud no se puede procesar."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        # ninja could not parse the body: say so as a field error, like any invalid input.
        return _error(
            request,
            422,
            _("La solicitud no es válida: revise los campos indicados."),
            {"body": [_("El cuerpo de la solicitud no es JSON válido.")]},
        )
    if exc.status_code == 400:
        return _error(request, 400, _("La solicitud no se puede procesar."))
    if exc.status_code == 401:
        response = _error(
            request,
            401,
            _("Se requiere autenticación: envíe «Authorization: Bearer <token>» o inicie sesión."),
        )
        response["WWW-Authenticate"] = "Bearer"
        return response
    if exc.status_code == 403:
        return _error(
            request,
            403,
            _("Solicitud rechazada: falta el token CSRF de la sesión.")
            if "CSRF" in exc.message
            else _("No tiene permiso para realizar esta acción."),
        )
    return _error(request, exc.status_code, str(exc))

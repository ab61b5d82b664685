"""The phone form for pre-alerts (``/prealertas/nueva/``), the sender's list of what they sent
(``/prealertas/mias/``) and what makes the form an installable web app that works offline: the
manifest, the service worker and the territory list kept on the phone.

The form is a plain HTML form (it works with no JavaScript); ``static/js/prealert.js`` keeps
drafts and an outbox on the phone and posts each submission to the same view with
``Accept: application/json``, which then answers JSON: 201 (received), 200 (already received:
the same client id), 422 (``{detail, errors}`` naming the fields), 401, 403 or 409. Every
submission goes through ``services.intake.receive_prealert(channel="web", client_id=…)``, so a
retry never creates a second pre-alert. Who may send: ``access.submitting_institutions``.
"""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import condition, require_GET, require_http_methods

from willaq.accounts.models import User
from willaq.cases.access import visible_cases
from willaq.cases.forms import apply_service_errors
from willaq.earlywarning import access, offline
from willaq.earlywarning.choices import Channel
from willaq.earlywarning.forms import PreAlertForm
from willaq.earlywarning.services.intake import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    receive_prealert,
    reporter_for_user,
)

PAGE_SIZE = 50
JSON_TYPE = "application/json"


def _wants_json(request: HttpRequest) -> bool:
    return JSON_TYPE in request.headers.get("Accept", "")


def _problem(status: int, detail: str, errors: dict[str, list[str]] | None = None) -> JsonResponse:
    return JsonResponse({"detail": detail, "errors": errors}, status=status)


def _sender(request: HttpRequest, *, json_mode: bool) -> User | HttpResponse:
    """The signed-in user who may send pre-alerts, or the answer for anyone else."""
    if not isinstance(request.user, User) or not request.user.is_authenticated:
        if json_mode:
            return _problem(401, _("Su sesión terminó: inicie sesión para enviar las prealertas."))
        return redirect_to_login(request.get_full_path())
    if not access.can_submit_prealert(request.user):
        if json_mode:
            return _problem(403, _("Su cuenta no puede enviar prealertas."))
        raise PermissionDenied(_("Su cuenta no puede enviar prealertas."))
    return request.user


def _raw_payload(request: HttpRequest, form: PreAlertForm) -> str:
    """The submission as it arrived: its fields (not the CSRF token) and its photos' names."""
    fields = {
        key: values if len(values) > 1 else values[0]
        for key, values in request.POST.lists()
        if key != "csrfmiddlewaretoken"
    }
    photos = [
        {"name": item.name, "content_type": item.content_type, "size": len(item.content)}
        for item in form.cleaned_data.get("photos") or []
    ]
    return json.dumps({"fields": fields, "photos": photos}, ensure_ascii=False)


def _client_strings() -> dict[str, str]:
    """The page script's sentences, translated here (the script has no catalogue)."""
    return {
        "pending_one": _("1 prealerta pendiente de envío"),
        "pending_many": _("%(n)s prealertas pendientes de envío"),
        "pending_none": _("No hay prealertas pendientes de envío."),
        "queued": _("Prealerta guardada en el teléfono. Se enviará en cuanto haya conexión."),
        "sending": _("Enviando…"),
        "sent": _("Prealerta enviada: la recibió su institución."),
        "all_sent": _("Todas las prealertas fueron enviadas."),
        "offline": _("Sin conexión. Las prealertas quedan guardadas en el teléfono."),
        "failed": _("No se pudo enviar ahora. Se reintentará cuando vuelva la conexión."),
        "login": _("Su sesión terminó: inicie sesión y vuelva a esta página para enviar."),
        "has_errors": _("Con errores: corríjala para enviarla."),
        "other_account": _("De otra cuenta: se enviará cuando esa cuenta inicie sesión."),
        "fix": _("Corregir"),
        "discard": _("Descartar"),
        "discard_confirm": _("¿Descartar esta prealerta sin enviarla?"),
        "draft_restored": _("Se recuperó el borrador guardado en el teléfono."),
        "check_fields": _("Revise los campos marcados."),
        "need_place": _(
            "Indique el lugar (departamento, provincia, distrito) o la ubicación del teléfono."
        ),
        "need_description": _("Cuente qué pasó."),
        "too_many_photos": _("Admite como máximo %(n)s fotos.") % {"n": MAX_ATTACHMENTS},
        "photo_too_big": _("«%(name)s» pesa más de 5 MB."),
        "photo_type": _("«%(name)s»: solo se aceptan fotos JPEG, PNG o WebP."),
        "remove_photo": _("Quitar"),
        "locating": _("Buscando la ubicación…"),
        "located": _("Ubicación registrada (precisión: %(m)s m)."),
        "no_location": _("No se pudo obtener la ubicación del teléfono."),
        "choose": _("— elija —"),
        "max_photo_bytes": str(MAX_ATTACHMENT_BYTES),
        "max_photos": str(MAX_ATTACHMENTS),
    }


@require_http_methods(["GET", "POST"])
def prealert_new(request: HttpRequest) -> HttpResponse:
    """The pre-alert form. GET with ``Accept: application/json`` answers the session's CSRF
    token and the user's id, which the outbox needs before it sends."""
    json_mode = _wants_json(request)
    sender = _sender(request, json_mode=json_mode)
    if isinstance(sender, HttpResponse):
        return sender
    institutions = access.submitting_institutions(sender)
    if request.method == "GET" and json_mode:
        response: HttpResponse = JsonResponse(
            {"csrf_token": get_token(request), "user": str(sender.uuid)}
        )
        patch_cache_control(response, no_store=True)
        patch_vary_headers(response, ["Accept"])
        return response
    if request.method == "POST" and "refresh_places" in request.POST:
        # With no JavaScript: show the provinces and districts of the chosen department.
        form = PreAlertForm(initial=request.POST.dict(), institutions=institutions)
    elif request.method == "POST":
        form = PreAlertForm(request.POST, request.FILES, institutions=institutions)
        if form.is_valid():
            answer = _receive(request, sender, form, json_mode=json_mode)
            if answer is not None:
                return answer
        if json_mode:
            errors = {key: [str(m) for m in value] for key, value in form.errors.items()}
            return _problem(422, _("Revise los campos marcados."), errors)
    else:
        form = PreAlertForm(institutions=institutions)
    response = render(
        request,
        "earlywarning/prealert_form.html",
        {
            "form": form,
            "strings": _client_strings(),
            "territory_url": reverse("earlywarning:prealert_territory"),
            "sync_tag": offline.SYNC_TAG,
            "user_id": str(sender.uuid),
        },
    )
    patch_vary_headers(response, ["Accept"])
    return response


def _receive(
    request: HttpRequest, user: User, form: PreAlertForm, *, json_mode: bool
) -> HttpResponse | None:
    """Hand a valid form to the intake; None when the intake refused it (errors on the form)."""
    institution = form.cleaned_data["institution"]
    profile = reporter_for_user(user)
    try:
        prealert, created = receive_prealert(
            channel=Channel.WEB,
            client_id=form.cleaned_data["client_id"],
            institution=institution,
            data=form.service_data(),
            raw_payload=_raw_payload(request, form),
            raw_content_type=request.content_type or "",
            submitted_by=user,
            reporter=profile if profile and profile.institution_id == institution.pk else None,
            sender=user.email,
            attachments=form.cleaned_data.get("photos") or [],
        )
    except ValidationError as error:
        apply_service_errors(form, error, PreAlertForm.SERVICE_FIELDS)
        return None
    if prealert.submitted_by_id != user.pk:
        # Someone else's client id (never generated by this form): say nothing about it.
        detail = _("Este envío no es válido: vuelva a cargar el formulario.")
        if json_mode:
            return _problem(409, detail)
        messages.error(request, detail)
        return redirect("earlywarning:prealert_new")
    if created:
        detail = _("Prealerta recibida: la revisará un analista de %(institution)s.") % {
            "institution": prealert.institution.acronym or prealert.institution.name
        }
    else:
        detail = _("Esta prealerta ya había sido recibida; no se duplicó.")
    if json_mode:
        return JsonResponse(
            {
                "uuid": str(prealert.uuid),
                "client_id": prealert.client_id,
                "created": created,
                "detail": detail,
                "url": reverse("earlywarning:my_prealerts"),
            },
            status=201 if created else 200,
        )
    messages.success(request, detail)
    return redirect("earlywarning:my_prealerts")


@require_GET
def my_prealerts(request: HttpRequest) -> HttpResponse:
    """The pre-alerts the user sent, newest first, with their review state and outcome — as
    the sender reads them (``access.hidden_prealert_fields``)."""
    sender = _sender(request, json_mode=False)
    if isinstance(sender, HttpResponse):
        return sender
    sent = (
        access.visible_prealerts(sender)
        .filter(submitted_by=sender)
        .select_related("institution", "ubigeo__parent__parent", "case")
    )
    page = Paginator(sent, PAGE_SIZE).get_page(request.GET.get("page"))
    case_ids = {p.case_id for p in page.object_list if p.case_id}
    readable_cases = set(visible_cases(sender).filter(pk__in=case_ids).values_list("pk", flat=True))
    rows: list[dict[str, Any]] = []
    for prealert in page.object_list:
        hidden = access.hidden_prealert_fields(sender, prealert)
        rows.append(
            {
                "prealert": prealert,
                "review_notes": "" if "review_notes" in hidden else prealert.review_notes,
                "case": prealert.case if prealert.case_id in readable_cases else None,
                "photos": prealert.attachments.count(),
            }
        )
    total = page.paginator.count
    return render(
        request,
        "earlywarning/my_prealerts.html",
        {
            "page": page,
            "rows": rows,
            "summary": ngettext("%(n)s prealerta enviada", "%(n)s prealertas enviadas", total)
            % {"n": total},
        },
    )


@require_GET
def web_app_manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest that makes the form installable on a phone."""
    response = JsonResponse(
        offline.web_app_manifest(),
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
    patch_cache_control(response, public=True, max_age=3600)
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker (Workbox), served here so that its scope covers /prealertas/."""
    config = {
        "workboxPrefix": static(offline.WORKBOX_DIR),
        "precache": offline.precache_manifest(),
        "pages": offline.cached_pages(),
        "pagesCache": offline.PAGES_CACHE,
        "syncTag": offline.SYNC_TAG,
        "formUrl": reverse("earlywarning:prealert_new"),
    }
    response = render(
        request,
        "earlywarning/sw.js",
        {
            "workbox_sw": static(offline.WORKBOX_DIR + "workbox-sw.js"),
            "outbox_script": static("js/prealert-outbox.js"),
            "config": json.dumps(config, ensure_ascii=False),
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = offline.scope()
    patch_cache_control(response, no_cache=True)
    return response


def _territory_etag(request: HttpRequest) -> str:
    return offline.territory_list().etag


@require_GET
@condition(etag_func=_territory_etag)
def territory(request: HttpRequest) -> HttpResponse:
    """Departments, provinces and districts for the form's place selects, kept on the phone
    (public reference data, as the shipped boundaries are)."""
    listing = offline.territory_list()
    response = HttpResponse(listing.body, content_type="application/json")
    patch_cache_control(response, public=True, max_age=offline.TERRITORY_MAX_AGE)
    return response

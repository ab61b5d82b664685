"""The handling institution's pages: the queue (``/denuncias/``), a complaint's page with its
actions (triage, route, inspection, answer, close, link or open a case) and its photos. Every
page asks ``access``; the identity is blanked by ``access.hidden_complaint_fields``."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from willaq.accounts.models import User
from willaq.cases.access import find_case_for_user, redacted
from willaq.cases.forms import apply_service_errors
from willaq.complaints import access, clock
from willaq.complaints.forms import (
    AnswerForm,
    CloseForm,
    InspectionForm,
    LinkCaseForm,
    OpenCaseForm,
    QueueFilterForm,
    RouteForm,
    TriageForm,
)
from willaq.complaints.models import Complaint, ComplaintPhoto
from willaq.complaints.selectors import QueueFilters, queue
from willaq.complaints.services import handling

PAGE_SIZE = 30


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
@require_GET
def complaint_queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not access.handling_institution_ids(user) and not user.is_superuser:
        raise PermissionDenied(_("Su cuenta no atiende denuncias ambientales."))
    form = QueueFilterForm(request.GET or None)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    filters = QueueFilters(
        state=data.get("state") or "",
        department=data.get("department") or "",
        due=data.get("due") or "",
        overdue=True if data.get("overdue") else None,
    )
    today = timezone.localdate()
    page = Paginator(queue(user, filters, today), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "complaint": c,
            "clock": clock.clock_state(c, today),
            "routed_away": c.institution_id not in access.handling_institution_ids(user),
        }
        for c in page.object_list
    ]
    template = (
        "complaints/partials/queue_rows.html"
        if request.headers.get("HX-Request")
        else "complaints/queue.html"
    )
    return render(request, template, {"form": form, "page": page, "rows": rows})


def _action_forms(user: User, complaint: Complaint) -> dict[str, forms.Form]:
    """The forms of the actions this user may take on the complaint now."""
    found: dict[str, forms.Form] = {}
    if access.can_triage(user, complaint):
        found["evaluar"] = TriageForm()
    if access.can_route(user, complaint):
        found["derivar"] = RouteForm(institutions=access.route_targets(complaint))
    if access.can_record_inspection(user, complaint):
        found["inspeccion"] = InspectionForm(
            initial={"inspected_on": complaint.inspected_on or timezone.localdate()}
        )
    if access.can_answer(user, complaint):
        found["responder"] = AnswerForm(initial={"public_answer": complaint.public_answer})
    if access.can_close(user, complaint):
        found["cerrar"] = CloseForm()
    if access.can_link_case(user, complaint):
        found["vincular-caso"] = LinkCaseForm()
        found["abrir-caso"] = OpenCaseForm(
            institution=complaint.institution,
            initial={"name": complaint.description[:120]},
        )
    return found


def _detail_page(
    request: HttpRequest, complaint: Complaint, bound: tuple[str, forms.Form] | None = None
) -> HttpResponse:
    user = _user(request)
    shown = redacted(complaint, access.hidden_complaint_fields(user, complaint))
    action_forms = _action_forms(user, complaint)
    if bound is not None:
        action_forms[bound[0]] = bound[1]
    today = timezone.localdate()
    case = None
    if complaint.case_id is not None:
        case = find_case_for_user(user, str(complaint.case.uuid)) if complaint.case else None
    return render(
        request,
        "complaints/detail.html",
        {
            "complaint": shown,
            "identity_hidden": bool(access.hidden_complaint_fields(user, complaint)),
            "clock": clock.clock_state(complaint, today),
            "days_left": clock.working_days_left(complaint, today),
            "photos": complaint.photos.order_by("id"),
            "routes": complaint.routes.select_related("from_institution", "to_institution"),
            "actions": action_forms,
            "case": case,
        },
        status=400 if bound is not None else 200,
    )


@login_required
@require_GET
def complaint_detail(request: HttpRequest, complaint_uuid: str) -> HttpResponse:
    complaint = access.get_complaint_for_user(_user(request), complaint_uuid)
    return _detail_page(request, complaint)


Handler = Callable[[User, Complaint, Any], Complaint]


def _triage(user: User, complaint: Complaint, data: dict[str, Any]) -> Complaint:
    return handling.triage(
        user,
        complaint,
        admit=data["decision"] == "admit",
        public_answer=data.get("public_answer") or "",
        note=data.get("note") or "",
    )


def _route(user: User, complaint: Complaint, data: dict[str, Any]) -> Complaint:
    return handling.route(user, complaint, to=data["institution"], reason=data["reason"])


def _inspection(user: User, complaint: Complaint, data: dict[str, Any]) -> Complaint:
    return handling.record_inspection(
        user, complaint, inspected_on=data["inspected_on"], findings=data["findings"]
    )


def _answer(user: User, complaint: Complaint, data: dict[str, Any]) -> Complaint:
    return handling.answer(
        user, complaint, public_answer=data["public_answer"], note=data.get("note") or ""
    )


def _close(user: User, complaint: Complaint, data: dict[str, Any]) -> Complaint:
    return handling.close(user, complaint, note=data.get("note") or "")


def _link(user: User, complaint: Complaint, data: dict[str, Any]) -> Complaint:
    case = find_case_for_user(user, data["case"])
    if case is None:
        raise ValidationError({"case": _("Caso desconocido.")})
    return handling.link_case(user, complaint, case=case)


def _open_case(user: User, complaint: Complaint, data: dict[str, Any]) -> Complaint:
    return handling.open_case(user, complaint, name=data["name"], typology=data["typology"])


ACTIONS: dict[
    str,
    tuple[Callable[..., forms.Form], Callable[[User, Complaint, dict[str, Any]], Complaint], str],
] = {
    "evaluar": (lambda c, d: TriageForm(d), _triage, _("Denuncia evaluada.")),
    "derivar": (
        lambda c, d: RouteForm(d, institutions=access.route_targets(c)),
        _route,
        _("Denuncia derivada a la entidad competente."),
    ),
    "inspeccion": (lambda c, d: InspectionForm(d), _inspection, _("Inspección registrada.")),
    "responder": (lambda c, d: AnswerForm(d), _answer, _("Respuesta registrada.")),
    "cerrar": (lambda c, d: CloseForm(d), _close, _("Denuncia cerrada.")),
    "vincular-caso": (lambda c, d: LinkCaseForm(d), _link, _("Denuncia vinculada al caso.")),
    "abrir-caso": (
        lambda c, d: OpenCaseForm(d, institution=c.institution),
        _open_case,
        _("Caso propuesto a partir de la denuncia: espera la aprobación."),
    ),
}


@login_required
@require_POST
def complaint_action(request: HttpRequest, complaint_uuid: str, action: str) -> HttpResponse:
    """One handling action (``ACTIONS``): 404 for a complaint the user does not see, 403 for
    one they may not handle, 400 with the form's errors."""
    user = _user(request)
    complaint = access.get_complaint_for_user(user, complaint_uuid)
    if action not in ACTIONS:
        raise Http404
    if not access.can_handle_complaint(user, complaint):
        raise PermissionDenied(_("No puede atender esta denuncia."))
    make_form, handler, done = ACTIONS[action]
    form = make_form(complaint, request.POST)
    if form.is_valid():
        try:
            handler(user, complaint, form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, done)
            if access.can_view_complaint(user, complaint):
                return redirect("complaints:detail", complaint_uuid=complaint.uuid)
            return redirect("complaints:queue")
    return _detail_page(request, complaint, (action, form))


@login_required
@require_GET
def complaint_photo(request: HttpRequest, complaint_uuid: str, photo_uuid: str) -> FileResponse:
    complaint = access.get_complaint_for_user(_user(request), complaint_uuid)
    photo = ComplaintPhoto.objects.filter(complaint=complaint, uuid=photo_uuid).first()
    if photo is None:
        raise Http404
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response

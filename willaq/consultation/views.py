"""Consultation pages: the list, the board by stage and department, a process with its stages
and agreements, the forms that move it, and the panel the case page loads."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from willaq.accounts.access import institution_ids
from willaq.accounts.models import User
from willaq.cases.access import get_case_for_user
from willaq.consultation import access, selectors
from willaq.consultation.choices import STAGE_ORDER, ProcessState, Stage
from willaq.consultation.forms import (
    AgreementForm,
    AssignmentForm,
    DocumentForm,
    FollowForm,
    ProcessFilterForm,
    ProcessForm,
    StageForm,
    apply_service_errors,
)
from willaq.consultation.models import Agreement, ConsultationStage, InterpreterAssignment
from willaq.consultation.services import agreements as agreement_services
from willaq.consultation.services import processes as process_services
from willaq.dialogue import access as dialogue_access
from willaq.dialogue.models import DialogueSession
from willaq.peoples.models import Interpreter, Language

PAGE_SIZE = 25


def _member(request: HttpRequest) -> User:
    """The signed-in member of an institution (anyone else reads nothing here)."""
    if not request.user.is_authenticated or not (
        request.user.is_superuser or institution_ids(request.user)
    ):
        raise PermissionDenied
    assert isinstance(request.user, User)
    return request.user


def _is_htmx_partial(request: HttpRequest) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


@login_required
@require_GET
def process_list(request: HttpRequest) -> HttpResponse:
    _member(request)
    form = ProcessFilterForm(request.GET)
    processes = selectors.filter_processes(access.visible_processes(request.user), form.filters())
    page = Paginator(processes, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "can_open": access.can_open(request.user)}
    template = (
        "consultation/partials/process_rows.html"
        if _is_htmx_partial(request)
        else "consultation/process_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def process_board(request: HttpRequest) -> HttpResponse:
    """Processes in progress by stage, filtered by department."""
    _member(request)
    form = ProcessFilterForm(request.GET)
    filters = form.filters()
    processes = selectors.filter_processes(access.visible_processes(request.user), filters)
    return render(
        request,
        "consultation/board.html",
        {"form": form, "columns": selectors.board(processes), "total": processes.count()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def process_new(request: HttpRequest) -> HttpResponse:
    user = _member(request)
    if not access.can_open(user):
        raise PermissionDenied
    form = ProcessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            process = process_services.open_process(user, form.to_input())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Proceso de consulta registrado."))
            return redirect("consultation:detail", process.uuid)
    return render(
        request,
        "consultation/form.html",
        {"form": form, "title": _("Nuevo proceso de consulta previa"), "multipart": False},
    )


def _next_stage(stages: list[ConsultationStage]) -> str:
    return STAGE_ORDER[len(stages)] if len(stages) < len(STAGE_ORDER) else ""


@login_required
@require_GET
def process_detail(request: HttpRequest, process_uuid: UUID) -> HttpResponse:
    user = _member(request)
    process = access.get_process_for_user(user, process_uuid)
    stages = selectors.process_stages(process)
    can_change = access.can_change(user, process)
    next_stage = _next_stage(stages)
    stage_form = None
    if can_change and next_stage and process.state == ProcessState.IN_PROGRESS:
        stage_form = StageForm(initial={"stage": next_stage})
    agreements = [
        access.redact_agreement(user, process, a) for a in selectors.process_agreements(process)
    ]
    return render(
        request,
        "consultation/detail.html",
        {
            "process": access.redact_process(user, process),
            "peoples": list(process.peoples.order_by("name")),
            "localities": list(process.localities.order_by("code")),
            "cases": list(access.linked_cases(user, process)),
            "stages": stages,
            "next_stage": Stage(next_stage).label if next_stage else "",
            "agreements": agreements,
            "can_change": can_change,
            "stage_form": stage_form,
            "agreement_form": AgreementForm() if can_change else None,
            "follow_form": FollowForm() if can_change else None,
            "document_form": DocumentForm() if can_change else None,
            "assignment_form": AssignmentForm() if can_change else None,
            "is_promoter": access.is_promoter(user, process),
        },
    )


@login_required
@require_POST
def stage_record(request: HttpRequest, process_uuid: UUID) -> HttpResponse:
    user = _member(request)
    process = access.get_process_for_user(user, process_uuid)
    if not access.can_change(user, process):
        raise PermissionDenied
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            process_services.record_stage(user, process, form.to_input())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Etapa registrada."))
            return redirect("consultation:detail", process.uuid)
    return render(
        request,
        "consultation/form.html",
        {"form": form, "title": _("Registrar etapa: %(t)s") % {"t": process}, "process": process},
        status=422,
    )


def _stage_for_change(user: User, stage_uuid: UUID) -> ConsultationStage:
    stage = (
        ConsultationStage.objects.filter(
            uuid=stage_uuid, process__in=access.visible_processes(user)
        )
        .select_related("process__institution")
        .first()
    )
    if stage is None:
        raise Http404("stage")
    if not access.can_change(user, stage.process):
        raise PermissionDenied
    return stage


@login_required
@require_http_methods(["GET", "POST"])
def stage_edit(request: HttpRequest, stage_uuid: UUID) -> HttpResponse:
    user = _member(request)
    stage = _stage_for_change(user, stage_uuid)
    form = StageForm(request.POST or None, initial=StageForm.initial_for(stage))
    if request.method == "POST" and form.is_valid():
        try:
            process_services.update_stage(user, stage, form.to_input())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Etapa actualizada."))
            return redirect("consultation:detail", stage.process.uuid)
    return render(
        request,
        "consultation/form.html",
        {
            "form": form,
            "title": _("Modificar etapa: %(s)s") % {"s": stage},
            "process": stage.process,
        },
    )


@login_required
@require_POST
def document_add(request: HttpRequest, stage_uuid: UUID) -> HttpResponse:
    user = _member(request)
    stage = _stage_for_change(user, stage_uuid)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            process_services.add_document(
                user, stage, form.cleaned_data["title"], form.cleaned_data["file"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Documento añadido."))
            return redirect("consultation:detail", stage.process.uuid)
    return render(
        request,
        "consultation/form.html",
        {"form": form, "title": _("Añadir documento"), "process": stage.process, "multipart": True},
        status=422,
    )


@login_required
@require_POST
def assignment_add(request: HttpRequest, stage_uuid: UUID) -> HttpResponse:
    user = _member(request)
    stage = _stage_for_change(user, stage_uuid)
    form = AssignmentForm(request.POST)
    if form.is_valid():
        interpreter_uuid, _sep, language_slug = form.cleaned_data["skill"].partition(":")
        interpreter = Interpreter.objects.get(uuid=interpreter_uuid)
        language = Language.objects.get(slug=language_slug)
        try:
            agreement_services.assign_interpreter(user, interpreter, language, stage=stage)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Intérprete asignado."))
            return redirect("consultation:detail", stage.process.uuid)
    return render(
        request,
        "consultation/form.html",
        {"form": form, "title": _("Asignar intérprete"), "process": stage.process},
        status=422,
    )


def _session_assignments(session: DialogueSession) -> list[InterpreterAssignment]:
    return list(
        InterpreterAssignment.objects.filter(session=session)
        .select_related("interpreter", "language")
        .order_by("language__name", "interpreter__full_name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_assignment(request: HttpRequest, session_uuid: UUID) -> HttpResponse:
    """Assign an interpreter to a dialogue session, for whoever may manage its space; lists the
    session's assignments."""
    user = _member(request)
    session = dialogue_access.get_session_for_user(user, session_uuid)
    if not dialogue_access.can_manage_space(user, session.space):
        raise PermissionDenied
    form = AssignmentForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            interpreter_uuid, _sep, language_slug = form.cleaned_data["skill"].partition(":")
            interpreter = Interpreter.objects.get(uuid=interpreter_uuid)
            language = Language.objects.get(slug=language_slug)
            try:
                agreement_services.assign_interpreter(user, interpreter, language, session=session)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Intérprete asignado a la sesión."))
                return redirect("consultation:session_assignment", session.uuid)
    return render(
        request,
        "consultation/session_assignment.html",
        {
            "form": form,
            "session": session,
            "space": session.space,
            "assignments": _session_assignments(session),
        },
        status=status,
    )


@require_GET
def session_panel(request: HttpRequest, session_uuid: UUID) -> HttpResponse:
    """The interpreters of a dialogue session, for the session page (loaded by HTMX)."""
    session = dialogue_access.get_session_for_user(request.user, session_uuid)
    return render(
        request,
        "consultation/partials/session_panel.html",
        {
            "session": session,
            "assignments": _session_assignments(session),
            "can_assign": dialogue_access.can_manage_space(request.user, session.space),
        },
    )


@login_required
@require_POST
def agreement_add(request: HttpRequest, process_uuid: UUID) -> HttpResponse:
    user = _member(request)
    process = access.get_process_for_user(user, process_uuid)
    if not access.can_change(user, process):
        raise PermissionDenied
    form = AgreementForm(request.POST)
    if form.is_valid():
        try:
            agreement_services.add_agreement(user, process, form.to_input())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Acuerdo registrado."))
            return redirect("consultation:detail", process.uuid)
    return render(
        request,
        "consultation/form.html",
        {"form": form, "title": _("Registrar acuerdo"), "process": process},
        status=422,
    )


@login_required
@require_POST
def agreement_follow(request: HttpRequest, agreement_uuid: UUID) -> HttpResponse:
    user = _member(request)
    agreement = (
        Agreement.objects.filter(uuid=agreement_uuid, process__in=access.visible_processes(user))
        .select_related("process__institution")
        .first()
    )
    if agreement is None:
        raise Http404("agreement")
    if not access.can_change(user, agreement.process):
        raise PermissionDenied
    form = FollowForm(request.POST)
    if form.is_valid():
        try:
            agreement_services.follow_agreement(
                user, agreement, form.cleaned_data["state"], form.cleaned_data["progress_note"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Seguimiento registrado."))
            return redirect("consultation:detail", agreement.process.uuid)
    return render(
        request,
        "consultation/form.html",
        {"form": form, "title": _("Seguimiento del acuerdo"), "process": agreement.process},
        status=422,
    )


@require_GET
def case_panel(request: HttpRequest, case_uuid: UUID) -> HttpResponse:
    """The consultation processes linked to a case, for the case page (loaded by HTMX)."""
    case = get_case_for_user(request.user, case_uuid)
    processes: list[Any] = []
    if request.user.is_authenticated:
        processes = list(access.processes_of_case(request.user, case).order_by("-created_at"))
    return render(request, "consultation/partials/case_panel.html", {"processes": processes})

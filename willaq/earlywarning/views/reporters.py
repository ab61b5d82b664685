"""The reporter network's pages (issue 8 §1): the list for the institution's reviewers, create
and edit for its coordinators and admins (``access.can_manage_reporters``)."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from willaq.accounts.models import User
from willaq.cases.forms import apply_service_errors
from willaq.cases.views.common import GET_POST, signed_in_user
from willaq.earlywarning import access
from willaq.earlywarning.forms import ReporterFilterForm, ReporterForm
from willaq.earlywarning.models import Reporter
from willaq.earlywarning.selectors import triage as selectors
from willaq.earlywarning.services import reporters as services

PAGE_SIZE = 50


@login_required
@require_GET
def reporter_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not access.reviewing_institution_ids(user):
        raise PermissionDenied(_("No ve la red de reporteros de ninguna institución."))
    form = ReporterFilterForm(request.GET)
    form.is_valid()
    filters = selectors.ReporterFilters.from_data(form.cleaned_data)
    page = Paginator(selectors.reporters(user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    managed = set(access.network_institutions(user).values_list("pk", flat=True))
    return render(
        request,
        "earlywarning/reporter_list.html",
        {"form": form, "page": page, "managed": managed, "can_create": bool(managed)},
    )


def _data(form: ReporterForm) -> services.ReporterData:
    data = form.cleaned_data
    territories = services.parse_territory_codes(data["territories"] or "")
    return services.ReporterData(
        name=data["name"],
        level=data["level"],
        institution=data["institution"],
        territories=territories,
        phone=data["phone"] or "",
        email=data["email"] or "",
        account=data["account"],
        is_active=bool(data["is_active"]),
        notes=data["notes"] or "",
    )


def _save(user: User, form: ReporterForm, reporter: Reporter | None) -> Reporter | None:
    try:
        data = _data(form)
        if reporter is None:
            return services.create_reporter(user, data)
        return services.update_reporter(user, reporter, data)
    except ValidationError as exc:
        apply_service_errors(form, exc, ReporterForm.SERVICE_FIELDS)
        return None


@login_required
@require_http_methods(GET_POST)
def reporter_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    institutions = access.network_institutions(user)
    if not institutions.exists():
        raise PermissionDenied(_("No gestiona la red de reporteros de ninguna institución."))
    form = ReporterForm(
        request.POST if request.method == "POST" else None,
        institutions=institutions,
        user=user,
        initial={"institution": institutions.first(), "is_active": True},
    )
    if form.is_bound and form.is_valid():
        saved = _save(user, form, None)
        if saved is not None:
            messages.success(request, _("Reportero registrado."))
            return redirect("earlywarning:reporters")
    return render(
        request,
        "earlywarning/reporter_form.html",
        {"form": form, "title": _("Nuevo reportero"), "reporter": None},
    )


@login_required
@require_http_methods(GET_POST)
def reporter_edit(request: HttpRequest, reporter_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    reporter = access.get_reporter_for_user(user, reporter_uuid)
    if not access.can_manage_reporters(user, reporter.institution):
        raise PermissionDenied(_("No gestiona la red de reporteros de esta institución."))
    form = ReporterForm(
        request.POST if request.method == "POST" else None,
        institutions=access.network_institutions(user),
        user=user,
        initial=ReporterForm.initial_for(reporter),
    )
    if form.is_bound and form.is_valid():
        saved = _save(user, form, reporter)
        if saved is not None:
            messages.success(request, _("Reportero actualizado."))
            return redirect("earlywarning:reporters")
    return render(
        request,
        "earlywarning/reporter_form.html",
        {"form": form, "title": _("Editar reportero"), "reporter": reporter},
    )

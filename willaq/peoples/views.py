"""The registry's pages: peoples, languages, interpreters and their gaps by department.

Anyone reads the registry; contact data only members of an institution (``access``)."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from willaq.accounts.models import User
from willaq.peoples import access, selectors, services
from willaq.peoples.forms import (
    GapForm,
    InterpreterFilterForm,
    InterpreterForm,
    LanguageFilterForm,
    PeopleFilterForm,
    apply_service_errors,
)
from willaq.territory.models import Ubigeo

PAGE_SIZE = 25


def _is_htmx_partial(request: HttpRequest) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _list(
    request: HttpRequest, page_template: str, rows_template: str, context: dict[str, Any]
) -> HttpResponse:
    template = rows_template if _is_htmx_partial(request) else page_template
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def people_list(request: HttpRequest) -> HttpResponse:
    """The 55 peoples, searchable by any of their names, filtered by area, family, department."""
    form = PeopleFilterForm(request.GET)
    peoples = selectors.filter_peoples(access.visible_peoples(request.user), form.filters())
    page = Paginator(peoples, PAGE_SIZE).get_page(request.GET.get("page"))
    return _list(
        request,
        "peoples/people_list.html",
        "peoples/partials/people_rows.html",
        {"form": form, "page": page},
    )


@require_GET
def people_detail(request: HttpRequest, slug: str) -> HttpResponse:
    people = access.get_people(slug)
    languages = list(people.languages.select_related("family").prefetch_related("varieties"))
    interpreters = [
        access.without_contact(request.user, i)
        for i in selectors.filter_interpreters(
            access.visible_interpreters(request.user).filter(
                language_links__language__in=languages
            ),
            selectors.InterpreterFilters(),
        )
    ]
    organisations = [
        access.without_contact(request.user, o)
        for o in access.visible_organisations(request.user)
        .filter(peoples=people)
        .select_related("ubigeo")
    ]
    authorities = [
        access.without_contact(request.user, a)
        for a in access.visible_authorities(request.user)
        .filter(people=people)
        .select_related("organisation", "ubigeo")
    ]
    return render(
        request,
        "peoples/people_detail.html",
        {
            "people": people,
            "languages": languages,
            "alternative_names": list(people.alternative_names.all()),
            "localities": list(people.localities.select_related("ubigeo")),
            "organisations": organisations,
            "authorities": authorities,
            "interpreters": interpreters,
            "shows_contact": access.is_institution_member(request.user),
        },
    )


@require_GET
def language_list(request: HttpRequest) -> HttpResponse:
    form = LanguageFilterForm(request.GET)
    languages = selectors.filter_languages(form.filters())
    return _list(
        request,
        "peoples/language_list.html",
        "peoples/partials/language_rows.html",
        {"form": form, "languages": languages},
    )


@require_GET
def interpreter_list(request: HttpRequest) -> HttpResponse:
    form = InterpreterFilterForm(request.GET)
    interpreters = selectors.filter_interpreters(
        access.visible_interpreters(request.user), form.filters()
    )
    page = Paginator(interpreters, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [access.without_contact(request.user, i) for i in page.object_list]
    editable = {i.pk for i in page.object_list if access.can_change(request.user, i)}
    return _list(
        request,
        "peoples/interpreter_list.html",
        "peoples/partials/interpreter_rows.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "editable": editable,
            "can_register": access.can_register(request.user),
            "shows_contact": access.is_institution_member(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def interpreter_new(request: HttpRequest) -> HttpResponse:
    if not access.can_register(request.user):
        raise PermissionDenied
    assert isinstance(request.user, User)
    form = InterpreterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            interpreter = services.register_interpreter(request.user, form.to_input())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Intérprete registrado: %(n)s.") % {"n": interpreter})
            return redirect("peoples:interpreters")
    return render(
        request,
        "peoples/interpreter_form.html",
        {"form": form, "title": _("Registrar intérprete o facilitador(a)")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def interpreter_edit(request: HttpRequest, interpreter_uuid: UUID) -> HttpResponse:
    interpreter = access.get_interpreter_for_user(request.user, interpreter_uuid)
    if not access.can_change(request.user, interpreter):
        raise PermissionDenied
    assert isinstance(request.user, User)
    form = InterpreterForm(request.POST or None, initial=InterpreterForm.initial_for(interpreter))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_interpreter(request.user, interpreter, form.to_input())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Intérprete actualizado."))
            return redirect("peoples:interpreters")
    return render(
        request,
        "peoples/interpreter_form.html",
        {"form": form, "title": _("Modificar intérprete: %(n)s") % {"n": interpreter}},
    )


@require_GET
def interpreter_gaps(request: HttpRequest) -> HttpResponse:
    """The languages of a department's peoples with no active certified interpreter there."""
    form = GapForm(request.GET or None)
    department = None
    gaps: list[selectors.GapRow] = []
    covered: list[selectors.GapRow] = []
    if form.is_valid():
        department = Ubigeo.objects.departments().get(code=form.cleaned_data["departamento"])
        gaps, covered = selectors.interpreter_gaps(department)
    return render(
        request,
        "peoples/interpreter_gaps.html",
        {"form": form, "department": department, "gaps": gaps, "covered": covered},
    )

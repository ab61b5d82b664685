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
    AuthorityForm,
    GapForm,
    InterpreterFilterForm,
    InterpreterForm,
    LanguageFilterForm,
    LocalityForm,
    OrganisationForm,
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
    organisation_rows = list(
        access.visible_organisations(request.user).filter(peoples=people).select_related("ubigeo")
    )
    authority_rows = list(
        access.visible_authorities(request.user)
        .filter(people=people)
        .select_related("organisation", "ubigeo")
    )
    editable = {o.uuid for o in organisation_rows if access.can_change(request.user, o)} | {
        a.uuid for a in authority_rows if access.can_change(request.user, a)
    }
    organisations = [access.without_contact(request.user, o) for o in organisation_rows]
    authorities = [access.without_contact(request.user, a) for a in authority_rows]
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
            "can_register": access.can_register(request.user),
            "editable": editable,
        },
    )


def _registrar(request: HttpRequest) -> User:
    """The signed-in editor who registers on behalf of an institution (views behind login)."""
    if not access.can_register(request.user):
        raise PermissionDenied
    assert isinstance(request.user, User)
    return request.user


def _form_page(request: HttpRequest, form: Any, title: str, people: Any) -> HttpResponse:
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "peoples/registry_form.html",
        {"form": form, "title": title, "people": people},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Register a representative organisation of this people (and maybe others)."""
    people = access.get_people(slug)
    user = _registrar(request)
    form = OrganisationForm(request.POST or None, initial={"peoples": [people.slug]})
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.register_organisation(user, form.to_input())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Organización registrada: %(n)s.") % {"n": organisation})
            return redirect("peoples:detail", people.slug)
    title = _("Registrar organización representativa: %(p)s") % {"p": people}
    return _form_page(request, form, title, people)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, organisation_uuid: UUID) -> HttpResponse:
    organisation = access.get_organisation_for_user(request.user, organisation_uuid)
    if not access.can_change(request.user, organisation):
        raise PermissionDenied
    assert isinstance(request.user, User)
    # Back to the people the editor most likely came from (the first one it represents).
    people = organisation.peoples.order_by("name").first()
    form = OrganisationForm(
        request.POST or None, initial=OrganisationForm.initial_for(organisation)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(request.user, organisation, form.to_input())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Organización actualizada."))
            return redirect("peoples:detail", people.slug) if people else redirect("peoples:list")
    title = _("Modificar organización: %(n)s") % {"n": organisation}
    return _form_page(request, form, title, people)


@login_required
@require_http_methods(["GET", "POST"])
def authority_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Register a recognised authority of this people, with its term of office."""
    people = access.get_people(slug)
    user = _registrar(request)
    form = AuthorityForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        try:
            authority = services.register_authority(user, form.to_input())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Autoridad registrada: %(n)s.") % {"n": authority})
            return redirect("peoples:detail", people.slug)
    title = _("Registrar autoridad reconocida: %(p)s") % {"p": people}
    return _form_page(request, form, title, people)


@login_required
@require_http_methods(["GET", "POST"])
def authority_edit(request: HttpRequest, authority_uuid: UUID) -> HttpResponse:
    authority = access.get_authority_for_user(request.user, authority_uuid)
    if not access.can_change(request.user, authority):
        raise PermissionDenied
    assert isinstance(request.user, User)
    people = authority.people
    form = AuthorityForm(
        request.POST or None, people=people, initial=AuthorityForm.initial_for(authority)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_authority(request.user, authority, form.to_input())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Autoridad actualizada."))
            return redirect("peoples:detail", people.slug)
    title = _("Modificar autoridad: %(n)s") % {"n": authority}
    return _form_page(request, form, title, people)


@login_required
@require_http_methods(["GET", "POST"])
def locality_new(request: HttpRequest, slug: str) -> HttpResponse:
    """Add a locality (a district or community, by ubigeo) where this people lives."""
    people = access.get_people(slug)
    user = _registrar(request)
    form = LocalityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            locality = services.add_locality(
                user, people, form.cleaned_data["ubigeo"], form.cleaned_data["name"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Localidad añadida: %(n)s.") % {"n": locality})
            return redirect("peoples:detail", people.slug)
    title = _("Añadir localidad: %(p)s") % {"p": people}
    return _form_page(request, form, title, people)


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

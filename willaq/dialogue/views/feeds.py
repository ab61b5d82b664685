"""iCalendar feeds (per space and per institution, behind a revocable secret) and the page
where a member finds the subscription URLs of their institution.

A feed answers to its secret only: an unknown, malformed or rotated secret gets the same 404
(one indexed lookup either way, no hint of which). The feed is the space's or the institution's
own calendar, so it is served to anyone holding the URL — that is what a calendar app does.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from willaq.accounts.access import has_role, institution_ids
from willaq.accounts.models import Institution, User
from willaq.dialogue import access, ical
from willaq.dialogue.models import DialogueSpace, InstitutionCalendar
from willaq.dialogue.schemas import absolute
from willaq.dialogue.services import spaces as space_services

# new_secret() writes 32 url-safe characters; the column holds 64.
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
PAGE_SIZE = 25


def _ics(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _not_found() -> HttpResponse:
    """The one answer to a secret that opens nothing: a short text, the same whatever the
    secret (the HTML 404 page would echo the address)."""
    return HttpResponseNotFound(
        _("Calendario no encontrado: el enlace no existe o fue renovado."),
        content_type="text/plain; charset=utf-8",
    )


@require_GET
def space_ical(request: HttpRequest, secret: str) -> HttpResponse:
    space = (
        DialogueSpace.objects.filter(ical_secret=secret).first()
        if SECRET_RE.match(secret)
        else None
    )
    if space is None:
        return _not_found()
    return _ics(ical.space_calendar(space), f"espacio-{space.uuid}")


@require_GET
def institution_ical(request: HttpRequest, secret: str) -> HttpResponse:
    calendar = (
        InstitutionCalendar.objects.select_related("institution").filter(secret=secret).first()
        if SECRET_RE.match(secret)
        else None
    )
    if calendar is None:
        return _not_found()
    institution = calendar.institution
    return _ics(ical.institution_calendar(institution), f"institucion-{institution.slug}")


def _ical_url(name: str, secret: str) -> str:
    return absolute(reverse(name, kwargs={"secret": secret}))


@login_required
@require_GET
def subscriptions(request: HttpRequest) -> HttpResponse:
    """The user's institutions' feeds, and the feeds of the spaces they are insiders of."""
    user = request.user
    assert isinstance(user, User)
    mine = institution_ids(user)
    institutions = [
        {
            "institution": institution,
            "url": _ical_url(
                "dialogue:institution_ical",
                space_services.institution_calendar(institution).secret,
            ),
            "can_rotate": has_role(user, institution.pk, access.PUBLISHER_ROLES),
        }
        for institution in Institution.objects.filter(pk__in=mine).order_by("name")
    ]
    spaces = (
        DialogueSpace.objects.filter(
            pk__in=DialogueSpace.objects.filter(access.insider_spaces_q(user)).values("pk")
        )
        .select_related("institution")
        .order_by("-start_date", "-id")
    )
    page = Paginator(spaces, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(space, _ical_url("dialogue:space_ical", space.ical_secret)) for space in page]
    context = {"institutions": institutions, "page": page, "rows": rows}
    return render(request, "dialogue/feeds_subscriptions.html", context)


@login_required
@require_POST
def rotate_institution_secret(request: HttpRequest, institution_slug: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    institution = get_object_or_404(
        Institution, slug=institution_slug, pk__in=institution_ids(user)
    )
    space_services.rotate_institution_calendar(user, institution)
    messages.success(
        request,
        _("Enlace renovado: las suscripciones al enlace anterior dejaron de funcionar."),
    )
    return redirect("dialogue:calendar_subscriptions")


urlpatterns: list[URLPattern] = [
    path("dialogo/ical/espacio/<str:secret>.ics", space_ical, name="space_ical"),
    path("dialogo/ical/institucion/<str:secret>.ics", institution_ical, name="institution_ical"),
    path(
        "dialogo/calendario/suscripciones/",
        subscriptions,
        name="calendar_subscriptions",
    ),
    path(
        "dialogo/calendario/suscripciones/<slug:institution_slug>/renovar/",
        rotate_institution_secret,
        name="calendar_rotate",
    ),
]

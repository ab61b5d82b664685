"""Pages about actors: the search behind the link form, editing a link, merging duplicates.

The actors offered and accepted are always ``access.visible_actors`` (the same rule as the API),
and a link is changed only by the institution that made it (``services.update_actor_link``).
"""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from willaq.accounts.access import APPROVER_ROLES, has_role
from willaq.cases import services
from willaq.cases.access import (
    can_edit_actor_link,
    get_actor_for_user,
    get_actor_link_for_user,
    visible_actors,
    visible_cases,
)
from willaq.cases.forms import ActorLinkFields, ActorMergeForm, apply_service_errors
from willaq.cases.models import CaseActor
from willaq.cases.views.common import GET_POST, case_url, is_htmx_partial, signed_in_user
from willaq.core.text import fold

SEARCH_LIMIT = 20
CASES_PAGE_SIZE = 25


@login_required
@require_GET
def actor_detail(request: HttpRequest, actor_uuid: UUID) -> HttpResponse:
    """An actor of the shared registry and every case it appears in that the user may see
    (another institution's draft stays out, as everywhere: ``access.visible_cases``)."""
    user = signed_in_user(request)
    actor = get_actor_for_user(user, actor_uuid)
    links = (
        CaseActor.objects.filter(actor=actor, case__in=visible_cases(user))
        .select_related("case", "institution")
        .order_by("-case__start_date", "case__pk")
    )
    page = Paginator(links, CASES_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "actor": actor,
        "page": page,
        "can_merge": has_role(user, actor.institution_id, APPROVER_ROLES),
    }
    if is_htmx_partial(request):
        return render(request, "cases/partials/actor_cases.html", context)
    return render(request, "cases/actor_detail.html", context)


@login_required
@require_GET
def actor_search(request: HttpRequest) -> HttpResponse:
    """HTMX: up to 20 actors the user may see whose folded name contains the query."""
    user = signed_in_user(request)
    field = request.GET.get("field", "actor")
    if field not in ("actor", "into"):
        field = "actor"
    query = " ".join(str(request.GET.get(f"{field}_q") or request.GET.get("q") or "").split())[:100]
    actors: list[object] = []
    more = False
    if len(fold(query)) >= 2:
        found = list(
            visible_actors(user)
            .filter(search_name__contains=fold(query))
            .order_by("search_name", "pk")[: SEARCH_LIMIT + 1]
        )
        more = len(found) > SEARCH_LIMIT
        actors = list(found[:SEARCH_LIMIT])
    return render(
        request,
        "cases/partials/actor_results.html",
        {"actors": actors, "query": query, "field": field, "more": more},
    )


@login_required
@require_http_methods(GET_POST)
def actor_link_edit(request: HttpRequest, case_uuid: UUID, actor_uuid: UUID) -> HttpResponse:
    """Change the role, position and intensity of a link (only its own institution)."""
    user = signed_in_user(request)
    link = get_actor_link_for_user(user, case_uuid, actor_uuid)
    if not can_edit_actor_link(user, link):
        raise PermissionDenied(
            _("Solo la institución que vinculó a este actor puede modificar el vínculo.")
        )
    initial = {"role": link.role, "position": link.position, "intensity": link.intensity}
    form = ActorLinkFields(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.update_actor_link(
                user=user,
                link=link,
                role=form.cleaned_data["role"],
                position=form.cleaned_data["position"] or "",
                intensity=form.cleaned_data["intensity"],
                at=services.effective_moment(form.cleaned_data["effective_date"]),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("Vínculo de «%(name)s» actualizado.") % {"name": link.actor.name}
            )
            return redirect(case_url(link.case, "actores"))
    return render(
        request,
        "cases/record_form.html",
        {
            "case": link.case,
            "form": form,
            "title": _("Editar el vínculo de «%(name)s»") % {"name": link.actor.name},
        },
    )


@login_required
@require_http_methods(GET_POST)
def actor_merge(request: HttpRequest, actor_uuid: UUID) -> HttpResponse:
    """A coordinator merges a duplicate actor of their institution into another actor."""
    user = signed_in_user(request)
    actor = get_actor_for_user(user, actor_uuid)
    if not has_role(user, actor.institution_id, APPROVER_ROLES):
        raise PermissionDenied(
            _("Solo un coordinador de la institución que registró el actor puede fusionarlo.")
        )
    form = ActorMergeForm(
        request.POST if request.method == "POST" else None,
        actors=visible_actors(user).exclude(pk=actor.pk),
        search_url=reverse("cases:actor_search"),
    )
    if form.is_bound and form.is_valid():
        target = form.cleaned_data["into"]
        try:
            services.merge_actors(user=user, source=actor, target=target)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("«%(source)s» fusionado en «%(target)s».")
                % {"source": actor.name, "target": target.name},
            )
            back = request.GET.get("caso")
            if back:
                try:
                    return redirect(
                        reverse("cases:detail", kwargs={"case_uuid": UUID(back)}) + "#actores"
                    )
                except ValueError:
                    pass
            return redirect("cases:dashboard")
    return render(
        request,
        "cases/actor_merge.html",
        {"actor": actor, "form": form, "cases": actor.case_links.count()},
    )

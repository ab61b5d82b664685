"""Pages of the events across the registry: the list (with the events recorded without a case),
recording an event for a place without a case, and one event's page.

Same rules as the other views: events are read through ``access`` (``visible_events``,
``get_event_for_user``; private fields through ``redact_event``) and changed through
``services``.
"""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from willaq.accounts.access import institutions_with_role
from willaq.cases import selectors, services
from willaq.cases.access import (
    CREATOR_ROLES,
    can_edit_event,
    can_record_caseless_event,
    get_event_for_user,
    redact_event,
    sees_event_sources,
    sees_victim_identity,
)
from willaq.cases.choices import SUB_EVENT_PARENT
from willaq.cases.forms import EventFilterForm, EventForm, apply_service_errors
from willaq.cases.views.common import GET_POST, is_htmx_partial, record_page, signed_in_user


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    """Every event the user may see, newest first, filtered; a page at a time with a bounded
    count (the registry holds millions of events)."""
    user = signed_in_user(request)
    form = EventFilterForm(request.GET)
    form.is_valid()  # invalid values are simply dropped from the filters
    filters = selectors.EventFilters.from_data(form.cleaned_data)
    paginator = selectors.BoundedPaginator(
        selectors.filter_events(user, filters), selectors.PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = [redact_event(user, event) for event in page.object_list]
    context = {
        "form": form,
        "page": page,
        "can_record": can_record_caseless_event(user),
    }
    partial = is_htmx_partial(request)
    template = "cases/partials/event_rows.html" if partial else "cases/event_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_http_methods(GET_POST)
def event_create(request: HttpRequest) -> HttpResponse:
    """Record an event for a place without a case (it counts in the month's protest actions);
    it may be linked to a case later, from its page."""
    user = signed_in_user(request)
    if not can_record_caseless_event(user):
        raise PermissionDenied(_("No puede registrar eventos para ninguna institución."))
    institutions = institutions_with_role(user, CREATOR_ROLES).order_by("name")
    form = EventForm(
        request.POST if request.method == "POST" else None,
        caseless_institutions=institutions,
    )
    if form.is_bound and form.is_valid():
        try:
            event = services.record_event(
                user=user,
                case=None,
                data=form.event_data(),
                institution=form.cleaned_data.get("institution"),
                at=services.effective_moment(form.cleaned_data["effective_date"]),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, EventForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("Evento sin caso registrado."))
            return redirect("cases:event_detail", event_uuid=event.uuid)
    return record_page(
        request,
        None,
        form,
        _("Nuevo evento sin caso"),
        cancel_url=reverse("cases:event_list"),
        sub_event_parent={str(k): str(v) for k, v in SUB_EVENT_PARENT.items()},
    )


@login_required
@require_GET
def event_detail(request: HttpRequest, event_uuid: UUID) -> HttpResponse:
    """One event: its facts (private ones for its institution only), its victims (their
    identity for those who may read it) and what the user may do with it."""
    user = signed_in_user(request)
    event = get_event_for_user(user, event_uuid)
    sees_victims = sees_victim_identity(user, event)
    return render(
        request,
        "cases/event_detail.html",
        {
            "event": redact_event(user, event),
            "sees_sources": sees_event_sources(user, event),
            "sees_victims": sees_victims,
            "victims": list(event.victims.all()) if sees_victims else [],
            "can_edit": can_edit_event(user, event),
        },
    )

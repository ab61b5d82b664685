"""Pages that change records already added to a case: edit an event, unlink an actor.

Same rules as ``views``: the object is found through ``access`` (404 when the user may not see
its case, 403 when they may only read it) and changed only through ``services``.
"""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from willaq.cases import services
from willaq.cases.access import can_edit_event, get_actor_link_for_user, get_case_for_user
from willaq.cases.choices import SUB_EVENT_PARENT
from willaq.cases.forms import EventForm, apply_service_errors
from willaq.cases.models import Event
from willaq.cases.views import GET_POST, _case_url, _record_page, _user


def _event_initial(event: Event) -> dict[str, Any]:
    """The form's starting values: every field of the event and its place, level by level."""
    initial: dict[str, Any] = {name: getattr(event, name) for name in services.EVENT_FIELDS}
    initial |= EventForm.place_initial("place", event.ubigeo)
    return initial


def _point_from_place(event: Event) -> bool:
    """Whether the event's point is the capital of its place, filled in by the service because
    nobody typed one (it must follow the place when the place changes)."""
    ubigeo = event.ubigeo
    return (
        event.latitude is not None
        and ubigeo.latitude is not None
        and (event.latitude, event.longitude) == (ubigeo.latitude, ubigeo.longitude)
    )


@login_required
@require_http_methods(GET_POST)
def event_edit(request: HttpRequest, event_uuid: UUID) -> HttpResponse:
    user = _user(request)
    event = (
        Event.objects.select_related("case", "ubigeo", "institution")
        .filter(uuid=event_uuid)
        .first()
    )
    if event is None:
        raise Http404("event")
    case = get_case_for_user(user, event.case.uuid)
    if not can_edit_event(user, event):
        raise PermissionDenied(
            _("Solo los analistas de la institución que registró el evento pueden modificarlo.")
        )
    form = EventForm(
        request.POST if request.method == "POST" else None, initial=_event_initial(event)
    )
    if form.is_bound and form.is_valid():
        data = form.event_data()
        if (
            _point_from_place(event)
            and data["ubigeo_code"] != event.ubigeo.code
            and (data["latitude"], data["longitude"]) == (event.latitude, event.longitude)
        ):
            # The old place's capital, left as it was: let the service use the new place's.
            data["latitude"] = data["longitude"] = None
        try:
            services.update_event(user=user, event=event, data=data)
        except ValidationError as exc:
            apply_service_errors(form, exc, EventForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("Evento actualizado."))
            return redirect(_case_url(case, f"evento-{event.uuid}"))
    return _record_page(
        request,
        case,
        form,
        _("Editar evento"),
        action=reverse("cases:event_edit", kwargs={"event_uuid": event.uuid}),
        sub_event_parent={str(k): str(v) for k, v in SUB_EVENT_PARENT.items()},
    )


@login_required
@require_POST
def actor_unlink(request: HttpRequest, case_uuid: UUID, actor_uuid: UUID) -> HttpResponse:
    """Take an actor off the case (the actor itself stays in the registry)."""
    user = _user(request)
    link = get_actor_link_for_user(user, case_uuid, actor_uuid)
    case = link.case
    services.unlink_actor(user=user, link=link)
    messages.success(
        request, _("Actor «%(name)s» desvinculado del caso.") % {"name": link.actor.name}
    )
    return redirect(_case_url(case, "actores"))

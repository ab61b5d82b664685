"""Pages that change records already added to a case: edit an event, a victim, a news item or an
evidence; remove one (a confirmation step with a required reason; soft removal) and restore it
(coordinators); unlink an actor.

Same rules as ``views``: the object is found through ``access`` (404 when the user may not see
its case, 403 when they may only read it) and changed only through ``services``.
"""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from willaq.accounts.models import User
from willaq.cases import services
from willaq.cases.access import (
    Record,
    can_edit_event,
    can_edit_record,
    can_restore_record,
    get_actor_link_for_user,
    get_event_for_user,
    get_record_for_user,
    visible_cases,
)
from willaq.cases.choices import SUB_EVENT_PARENT
from willaq.cases.forms import (
    EventForm,
    EvidenceEditForm,
    NewsForm,
    RemoveForm,
    VictimForm,
    apply_service_errors,
)
from willaq.cases.models import Case, Event, Evidence, NewsItem, Victim
from willaq.cases.views.common import (
    GET_POST,
    case_url,
    event_url,
    record_page,
    signed_in_user,
)


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
    user = signed_in_user(request)
    event = get_event_for_user(user, event_uuid)
    case = event.case
    if not can_edit_event(user, event):
        raise PermissionDenied(
            _("Solo los analistas de la institución que registró el evento pueden modificarlo.")
        )
    # An event without a case may be linked to one by its code.
    form = EventForm(
        request.POST if request.method == "POST" else None,
        initial=_event_initial(event),
        linkable=case is None,
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
        link: Any = services.KEEP_CASE
        code = (form.cleaned_data.get("case_code") or "").strip()
        if code:
            link = visible_cases(user).filter(code=code).first()
            if link is None:
                form.add_error("case_code", _("Caso desconocido: %(code)s.") % {"code": code})
        if not form.errors:
            try:
                event = services.update_event(
                    user=user,
                    event=event,
                    data=data,
                    case=link,
                    at=services.effective_moment(form.cleaned_data["effective_date"]),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc, EventForm.SERVICE_FIELDS)
            else:
                messages.success(request, _("Evento actualizado."))
                return redirect(event_url(event))
    return record_page(
        request,
        case,
        form,
        _("Editar evento"),
        back_event=event if case is None else None,
        cancel_url=event_url(event),
        action=reverse("cases:event_edit", kwargs={"event_uuid": event.uuid}),
        sub_event_parent={str(k): str(v) for k, v in SUB_EVENT_PARENT.items()},
    )


@login_required
@require_POST
def actor_unlink(request: HttpRequest, case_uuid: UUID, actor_uuid: UUID) -> HttpResponse:
    """Take an actor off the case (the actor itself stays in the registry)."""
    user = signed_in_user(request)
    link = get_actor_link_for_user(user, case_uuid, actor_uuid)
    case = link.case
    services.unlink_actor(user=user, link=link)
    messages.success(
        request, _("Actor «%(name)s» desvinculado del caso.") % {"name": link.actor.name}
    )
    return redirect(case_url(case, "actores"))


# --- correcting victims, news and evidence; removing and restoring records -------------------


def record_url(record: Record, case: Case | None) -> str:
    """Where a record is shown: its place on the case page, or an event's own page when the
    event has no case (the event list once it is removed)."""
    event = (
        record
        if isinstance(record, Event)
        else record.event
        if isinstance(record, Victim)
        else None
    )
    if case is None and event is not None:
        if event.is_removed:
            return reverse("cases:event_list")
        return reverse("cases:event_detail", kwargs={"event_uuid": event.uuid})
    assert case is not None
    return case_url(case, record_anchor(record))


def record_anchor(record: Record) -> str:
    """Where a record is on the case page."""
    if isinstance(record, Event):
        return f"evento-{record.uuid}"
    if isinstance(record, Victim):
        return f"evento-{record.event.uuid}"
    return "noticias" if isinstance(record, NewsItem) else "evidencias"


def record_label(record: Record) -> str:
    """A record as the confirmation page names it (no personal data of a victim)."""
    if isinstance(record, Event):
        return _("Evento del %(date)s · %(type)s") % {
            "date": record.event_date.strftime("%d/%m/%Y"),
            "type": record.get_sub_event_type_display(),
        }
    if isinstance(record, Victim):
        return _("Víctima (%(outcome)s) del evento del %(date)s") % {
            "outcome": record.get_outcome_display(),
            "date": record.event.event_date.strftime("%d/%m/%Y"),
        }
    if isinstance(record, NewsItem):
        return _("Noticia «%(title)s»") % {"title": record.title}
    return _("Evidencia «%(title)s»") % {"title": record.title}


def _record_for_edit(user: User, kind: str, record_uuid: UUID) -> tuple[Record, Case | None]:
    record, case = get_record_for_user(user, kind, record_uuid)
    if not can_edit_record(user, record):
        raise PermissionDenied(_("Solo la institución que lo registró puede modificarlo."))
    return record, case


@login_required
@require_http_methods(GET_POST)
def victim_edit(request: HttpRequest, victim_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    victim, case = _record_for_edit(user, "victimas", victim_uuid)
    assert isinstance(victim, Victim)
    initial = {name: getattr(victim, name) for name in services.VICTIM_FIELDS}
    form = VictimForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.update_victim(
                user=user,
                victim=victim,
                data=form.cleaned_data,
                at=services.effective_moment(form.cleaned_data["effective_date"]),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Víctima actualizada."))
            return redirect(record_url(victim, case))
    return record_page(
        request,
        case,
        form,
        _("Corregir víctima"),
        event=victim.event,
        action=reverse("cases:victim_edit", kwargs={"victim_uuid": victim.uuid}),
    )


@login_required
@require_http_methods(GET_POST)
def news_edit(request: HttpRequest, news_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    item, case = _record_for_edit(user, "noticias", news_uuid)
    assert isinstance(item, NewsItem)
    assert case is not None
    initial = {name: getattr(item, name) for name in services.NEWS_FIELDS}
    initial["region_code"] = item.region.code if item.region else ""
    form = NewsForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.update_news(
                user=user,
                item=item,
                data=form.cleaned_data,
                at=services.effective_moment(form.cleaned_data["effective_date"]),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Noticia actualizada."))
            return redirect(case_url(case, "noticias"))
    return record_page(
        request,
        case,
        form,
        _("Corregir noticia"),
        action=reverse("cases:news_edit", kwargs={"news_uuid": item.uuid}),
    )


@login_required
@require_http_methods(GET_POST)
def evidence_edit(request: HttpRequest, evidence_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    evidence, case = _record_for_edit(user, "evidencias", evidence_uuid)
    assert isinstance(evidence, Evidence)
    assert case is not None
    initial = {name: getattr(evidence, name) for name in services.EVIDENCE_FIELDS}
    form = EvidenceEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.update_evidence(
                user=user,
                evidence=evidence,
                data=form.cleaned_data,
                at=services.effective_moment(form.cleaned_data["effective_date"]),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Evidencia actualizada."))
            return redirect(case_url(case, "evidencias"))
    return record_page(
        request,
        case,
        form,
        _("Corregir evidencia"),
        action=reverse("cases:evidence_edit", kwargs={"evidence_uuid": evidence.uuid}),
    )


@login_required
@require_http_methods(GET_POST)
def record_remove(request: HttpRequest, kind: str, record_uuid: UUID) -> HttpResponse:
    """The confirmation step of a removal: what will be removed, a required reason, and a
    button that looks destructive. GET shows it; POST removes."""
    user = signed_in_user(request)
    record, case = _record_for_edit(user, kind, record_uuid)
    form = RemoveForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.remove_record(user=user, item=record, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(record)s: eliminado. Un coordinador puede restaurarlo.")
                % {"record": record_label(record)},
            )
            return redirect(record_url(record, case))
    return render(
        request,
        "cases/record_remove.html",
        {
            "case": case,
            "form": form,
            "label": record_label(record),
            "is_event": isinstance(record, Event),
            "victims": record.victims.count() if isinstance(record, Event) else 0,
            "cancel_url": record_url(record, case),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def record_restore(request: HttpRequest, kind: str, record_uuid: UUID) -> HttpResponse:
    """Bring back a removed record (the "Eliminados" list of the case page, coordinators)."""
    user = signed_in_user(request)
    record, case = get_record_for_user(user, kind, record_uuid, removed=True)
    if not can_restore_record(user, record):
        raise PermissionDenied(_("Solo un coordinador de la institución puede restaurarlo."))
    services.restore_record(user=user, item=record)
    messages.success(request, _("%(record)s: restaurado.") % {"record": record_label(record)})
    return redirect(record_url(record, case))

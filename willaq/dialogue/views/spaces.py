"""Spaces, participants, sessions and actas (the facilitator's pages).

Reads go through ``willaq.dialogue.access`` (``visible_spaces``, ``get_space_for_user``,
``get_session_for_user``, ``get_acta_for_user``); confidential fields are emptied for anyone outside
the space with ``hidden_dialogue_fields`` and ``redacted``. Every change is a POST handled by one
service of ``willaq.dialogue.services``, which checks access again. Files (ground rules, minutes,
acta documents) are only served here, after the access rule — never by a media URL.
"""

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from willaq.accounts.models import User
from willaq.cases.access import redacted
from willaq.cases.forms import apply_service_errors
from willaq.cases.views.common import is_htmx_partial, signed_in_user
from willaq.dialogue import access, selectors
from willaq.dialogue.choices import SessionState, SpaceState
from willaq.dialogue.forms import (
    ActaForm,
    CancelSessionForm,
    ParticipantForm,
    RecordSessionForm,
    SessionForm,
    SpaceFilterForm,
    SpaceForm,
    SpaceStateForm,
    represented_field,
    status_field,
)
from willaq.dialogue.models import (
    Acta,
    Commitment,
    DialogueSession,
    DialogueSpace,
    Participant,
)
from willaq.dialogue.services import sessions as session_services
from willaq.dialogue.services import spaces as space_services

GET_POST = ["GET", "POST"]
PAGE_SIZE = 25


def space_url(space: DialogueSpace, anchor: str = "") -> str:
    url = reverse("dialogue:space", kwargs={"space_uuid": space.uuid})
    return f"{url}#{anchor}" if anchor else url


def _count(model: type[DialogueSession | Commitment], condition: Q | None = None) -> Coalesce:
    """A correlated count of the space's sessions or commitments (one subquery per column, so
    the list stays one query per page whatever its length)."""
    rows = model.objects.filter(space=OuterRef("pk"))
    if condition is not None:
        rows = rows.filter(condition)
    counted = rows.order_by().values("space").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def filtered_spaces(user: Any, filters: dict[str, str]) -> QuerySet[DialogueSpace]:
    spaces = access.visible_spaces(user)
    if filters.get("kind"):
        spaces = spaces.filter(kind=filters["kind"])
    if filters.get("state"):
        spaces = spaces.filter(state=filters["state"])
    if filters.get("institution"):
        spaces = spaces.filter(institution__slug=filters["institution"])
    if filters.get("department"):
        spaces = spaces.filter(place__department_code=filters["department"])
    if filters.get("case"):
        linked = DialogueSpace.cases.through.objects.filter(case__code=filters["case"].strip())
        spaces = spaces.filter(pk__in=linked.values("dialoguespace_id"))
    if filters.get("q"):
        text = filters["q"]
        spaces = spaces.filter(Q(name__icontains=text) | Q(description__icontains=text))
    return spaces.select_related("institution").annotate(
        session_count=_count(DialogueSession),
        commitment_count=_count(Commitment),
        overdue_count=_count(Commitment, selectors.overdue_q()),
    )


@login_required
@require_GET
def space_list(request: HttpRequest) -> HttpResponse:
    """Every space the visitor reads, newest first, filtered and paginated."""
    user = signed_in_user(request)
    form = SpaceFilterForm(request.GET)
    spaces = filtered_spaces(user, form.filter_data())
    page = Paginator(spaces, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "spaces": list(page.object_list),
        "can_convene": access.convening_institutions(user).exists(),
    }
    template = (
        "dialogue/space_rows.html" if is_htmx_partial(request) else "dialogue/space_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- convene, edit, state, publication, calendar secret ----------------------------------------


@login_required
@require_http_methods(GET_POST)
def space_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    institutions = access.convening_institutions(user)
    if not institutions.exists():
        raise PermissionDenied(_("No puede convocar espacios de diálogo."))
    form = SpaceForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=user,
        institutions=institutions,
    )
    if form.is_bound and form.is_valid():
        try:
            space = space_services.convene_space(
                user, form.cleaned_data["institution"], form.space_input()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, SpaceForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("Espacio de diálogo convocado."))
            return redirect(space_url(space))
    return render(
        request,
        "dialogue/space_form.html",
        {"form": form, "title": _("Convocar un espacio"), "cancel_url": reverse("dialogue:spaces")},
    )


def _space_to_manage(user: User, space_uuid: UUID) -> DialogueSpace:
    space = access.get_space_for_user(user, space_uuid)
    if not access.can_manage_space(user, space):
        raise PermissionDenied(_("No puede modificar este espacio de diálogo."))
    return space


@login_required
@require_http_methods(GET_POST)
def space_edit(request: HttpRequest, space_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    space = _space_to_manage(user, space_uuid)
    form = SpaceForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=user,
        institutions=access.convening_institutions(user),
        space=space,
        initial=SpaceForm.initial_of(space),
    )
    if form.is_bound and form.is_valid():
        try:
            space_services.update_space(user, space, form.space_input())
        except ValidationError as exc:
            apply_service_errors(form, exc, SpaceForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("Espacio actualizado."))
            return redirect(space_url(space))
    return render(
        request,
        "dialogue/space_form.html",
        {"form": form, "title": _("Editar el espacio"), "cancel_url": space_url(space)},
    )


@login_required
@require_POST
def space_state(request: HttpRequest, space_uuid: UUID) -> HttpResponse:
    """Suspend, resume or conclude the space (the page shows the errors by field)."""
    user = signed_in_user(request)
    space = _space_to_manage(user, space_uuid)
    form = SpaceStateForm(request.POST)
    if form.is_valid():
        try:
            space_services.change_space_state(
                user, space, form.cleaned_data["state"], end_date=form.cleaned_data["end_date"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Estado del espacio actualizado."))
            return redirect(space_url(space))
    return space_page(request, space, state_form=form, status=400)


@login_required
@require_POST
def space_publish(request: HttpRequest, space_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    space = access.get_space_for_user(user, space_uuid)
    if not access.can_publish_space(user, space):
        raise PermissionDenied(_("Solo coordinadores y administradores publican el espacio."))
    make_public = request.POST.get("is_public") == "1"
    space_services.set_space_public(user, space, make_public)
    messages.success(
        request,
        _("El espacio tiene ahora una página pública.")
        if make_public
        else _("El espacio ya no tiene página pública."),
    )
    return redirect(space_url(space))


@login_required
@require_POST
def space_rotate_secret(request: HttpRequest, space_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    space = access.get_space_for_user(user, space_uuid)
    if not access.can_publish_space(user, space):
        raise PermissionDenied(_("Solo coordinadores y administradores renuevan el enlace."))
    space_services.rotate_space_secret(user, space)
    messages.success(
        request, _("Nuevo enlace de calendario: las suscripciones anteriores dejan de funcionar.")
    )
    return redirect(space_url(space, "calendario"))


# --- the space's page --------------------------------------------------------------------------


def space_page(
    request: HttpRequest,
    space: DialogueSpace,
    *,
    state_form: SpaceStateForm | None = None,
    participant_form: ParticipantForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    hidden = access.hidden_dialogue_fields(user, space)
    insider = not hidden
    can_manage = access.can_manage_space(user, space)
    now = timezone.now()
    participants = [
        redacted(p, hidden)
        for p in space.participants.select_related("institution", "actor").order_by("role", "name")
    ]
    all_sessions = list(space.sessions.select_related("acta").order_by("starts_at"))
    upcoming = [s for s in all_sessions if s.state == SessionState.PLANNED and s.starts_at >= now]
    past = [s for s in all_sessions if s not in upcoming]
    past.reverse()
    actas = list(
        Acta.objects.filter(session__space=space)
        .select_related("session")
        .prefetch_related("commitments")
        .order_by("-signed_on", "-id")
    )
    today = timezone.localdate()
    ical_url = ""
    if insider:
        ical_url = settings.WILLAQ_BASE_URL.rstrip("/") + reverse(
            "dialogue:space_ical", kwargs={"secret": space.ical_secret}
        )
    context = {
        "space": redacted(space, hidden),
        "insider": insider,
        "can_manage": can_manage,
        "can_publish": access.can_publish_space(user, space),
        "parent": space.parent,
        "subgroups": list(space.subgroups.select_related("institution").order_by("name")),
        "cases": list(access.space_cases(user, space).order_by("code", "name")),
        "facilitators": list(space.facilitators.order_by("full_name", "email")),
        "participants": participants,
        "upcoming": upcoming,
        "past": past,
        "actas": [
            (acta, [(c, c.is_overdue_on(today)) for c in acta.commitments.all()]) for acta in actas
        ],
        "rollup": selectors.rollup(space.commitments.all()),
        "ical_url": ical_url,
        "state_form": state_form
        or SpaceStateForm(initial={"end_date": today, "state": SpaceState.CONCLUDED}),
        "state_choices": [
            (value, SpaceState(value).label)
            for value in SpaceState.values
            if value in space_services.SPACE_TRANSITIONS[space.state]
        ],
        "participant_form": participant_form or ParticipantForm(),
    }
    return render(request, "dialogue/space_detail.html", context, status=status)


@login_required
@require_GET
def space_detail(request: HttpRequest, space_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    return space_page(request, access.get_space_for_user(user, space_uuid))


def _download(field: FieldFile, name: str) -> FileResponse:
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404(name) from exc
    response = FileResponse(handle, as_attachment=True, filename=str(field.name).rsplit("/", 1)[-1])
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def ground_rules_download(request: HttpRequest, space_uuid: UUID) -> FileResponse:
    space = access.get_space_for_user(signed_in_user(request), space_uuid)
    if not space.ground_rules_file:
        raise Http404("ground rules")
    return _download(space.ground_rules_file, "ground rules")


# --- participants ------------------------------------------------------------------------------


@login_required
@require_POST
def participant_add(request: HttpRequest, space_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    space = _space_to_manage(user, space_uuid)
    form = ParticipantForm(request.POST)
    if form.is_valid():
        try:
            participant = space_services.add_participant(user, space, form.participant_input())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("Participante añadido: %(name)s.") % {"name": participant.name}
            )
            return redirect(space_url(space, "participantes"))
    return space_page(request, space, participant_form=form, status=400)


@login_required
@require_POST
def participant_remove(request: HttpRequest, participant_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    participant = (
        Participant.objects.filter(uuid=participant_uuid, space__in=access.visible_spaces(user))
        .select_related("space")
        .first()
    )
    if participant is None:
        raise Http404("participant")
    space = participant.space
    try:
        space_services.remove_participant(user, participant)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Participante retirado."))
    return redirect(space_url(space, "participantes"))


# --- sessions ----------------------------------------------------------------------------------


def session_url(session: DialogueSession) -> str:
    return reverse("dialogue:session", kwargs={"session_uuid": session.uuid})


@login_required
@require_http_methods(GET_POST)
def session_create(request: HttpRequest, space_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    space = _space_to_manage(user, space_uuid)
    form = SessionForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            session = session_services.schedule_session(user, space, form.session_input())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Sesión programada."))
            return redirect(session_url(session))
    return render(
        request,
        "dialogue/session_form.html",
        {
            "form": form,
            "space": space,
            "title": _("Programar una sesión"),
            "cancel_url": space_url(space, "sesiones"),
        },
    )


def _session_to_manage(user: User, session_uuid: UUID) -> DialogueSession:
    session = access.get_session_for_user(user, session_uuid)
    if not access.can_manage_space(user, session.space):
        raise PermissionDenied(_("No puede modificar este espacio de diálogo."))
    return session


@login_required
@require_GET
def session_detail(request: HttpRequest, session_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    session = access.get_session_for_user(user, session_uuid)
    space = session.space
    hidden = access.hidden_dialogue_fields(user, space)
    attendance = session_services.attendance_by_participant(session)
    rows = [
        (p, redacted(attendance[p.pk], hidden) if p.pk in attendance else None)
        for p in space.participants.order_by("role", "name")
    ]
    acta = Acta.objects.filter(session=session).first()
    can_manage = access.can_manage_space(user, space)
    held = session.state == SessionState.HELD
    return render(
        request,
        "dialogue/session_detail.html",
        {
            "session": redacted(session, hidden),
            "space": space,
            "insider": not hidden,
            "rows": rows,
            "acta": acta,
            "can_manage": can_manage,
            "can_record": can_manage
            and session.state != SessionState.CANCELLED
            and session.starts_at <= timezone.now(),
            "can_cancel": can_manage and session.state == SessionState.PLANNED,
            "can_sign": can_manage and held and acta is None,
            "has_minutes_file": not hidden and bool(session.minutes_file),
            "cancel_form": CancelSessionForm(),
        },
    )


@login_required
@require_http_methods(GET_POST)
def session_record(request: HttpRequest, session_uuid: UUID) -> HttpResponse:
    """Attendance per participant, the minutes (text and file) and the next steps."""
    user = signed_in_user(request)
    session = _session_to_manage(user, session_uuid)
    participants = list(session.space.participants.order_by("role", "name"))
    initial: dict[str, Any] = {"minutes": session.minutes, "next_steps": session.next_steps}
    for participant, row in (
        (p, session_services.attendance_by_participant(session).get(p.pk)) for p in participants
    ):
        if row is not None:
            initial[status_field(participant)] = row.status
            initial[represented_field(participant)] = row.represented_by
    post = request.method == "POST"
    form = RecordSessionForm(
        request.POST if post else None,
        request.FILES if post else None,
        session=session,
        participants=participants,
        initial=initial,
    )
    if form.is_bound and form.is_valid():
        try:
            session_services.record_session(
                user,
                session,
                attendance=form.attendance(),
                minutes=form.cleaned_data["minutes"],
                next_steps=form.cleaned_data["next_steps"],
                minutes_file=form.cleaned_data.get("minutes_file"),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, {"file": "minutes_file"})
        else:
            messages.success(request, _("Sesión registrada."))
            return redirect(session_url(session))
    return render(
        request,
        "dialogue/session_record.html",
        {"form": form, "session": session, "space": session.space},
    )


@login_required
@require_POST
def session_cancel(request: HttpRequest, session_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    session = _session_to_manage(user, session_uuid)
    form = CancelSessionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        session_services.cancel_session(user, session, reason)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Sesión cancelada."))
    return redirect(session_url(session))


@login_required
@require_GET
def minutes_download(request: HttpRequest, session_uuid: UUID) -> FileResponse:
    """The minutes' file: confidential, so only for the space's insiders."""
    user = signed_in_user(request)
    session = access.get_session_for_user(user, session_uuid)
    hidden = access.hidden_dialogue_fields(user, session.space)
    if "minutes_file" in hidden or not session.minutes_file:
        raise Http404("minutes")
    return _download(session.minutes_file, "minutes")


# --- actas -------------------------------------------------------------------------------------


def acta_url(acta: Acta) -> str:
    return reverse("dialogue:acta", kwargs={"acta_uuid": acta.uuid})


@login_required
@require_http_methods(GET_POST)
def acta_create(request: HttpRequest, session_uuid: UUID) -> HttpResponse:
    """Sign an acta from a held session."""
    user = signed_in_user(request)
    session = _session_to_manage(user, session_uuid)
    existing = Acta.objects.filter(session=session).first()
    if existing is not None:
        return redirect(acta_url(existing))
    participants = list(session.space.participants.order_by("role", "name"))
    post = request.method == "POST"
    form = ActaForm(
        request.POST if post else None,
        request.FILES if post else None,
        participants=participants,
        initial={
            "signed_on": timezone.localtime(session.starts_at).date(),
            "title": _("Acta de la sesión %(n)s") % {"n": session.number},
        },
    )
    if form.is_bound and form.is_valid():
        try:
            acta = session_services.sign_acta(
                user, session, form.acta_input(), document=form.cleaned_data.get("document")
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, {"session": "title"})
        else:
            messages.success(request, _("Acta firmada."))
            return redirect(acta_url(acta))
    return render(
        request,
        "dialogue/acta_form.html",
        {"form": form, "session": session, "space": session.space},
    )


@login_required
@require_GET
def acta_detail(request: HttpRequest, acta_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    acta = access.get_acta_for_user(user, acta_uuid)
    space = acta.session.space
    today = timezone.localdate()
    clauses = list(acta.commitments.prefetch_related("responsible").order_by("number"))
    return render(
        request,
        "dialogue/acta_detail.html",
        {
            "acta": acta,
            "session": acta.session,
            "space": space,
            "signatories": list(acta.signatories.order_by("name")),
            "clauses": [(c, c.is_overdue_on(today)) for c in clauses],
            "rollup": selectors.rollup(acta.commitments.all()),
            "can_manage": access.can_manage_space(user, space),
        },
    )


@login_required
@require_GET
def acta_document(request: HttpRequest, acta_uuid: UUID) -> FileResponse:
    acta = access.get_acta_for_user(signed_in_user(request), acta_uuid)
    if not acta.document:
        raise Http404("acta document")
    return _download(acta.document, "acta document")


urlpatterns: list[URLPattern] = [
    path("dialogo/", space_list, name="spaces"),
    path("dialogo/nuevo/", space_create, name="space_create"),
    path("dialogo/<uuid:space_uuid>/", space_detail, name="space"),
    path("dialogo/<uuid:space_uuid>/editar/", space_edit, name="space_edit"),
    path("dialogo/<uuid:space_uuid>/estado/", space_state, name="space_state"),
    path("dialogo/<uuid:space_uuid>/publicar/", space_publish, name="space_publish"),
    path("dialogo/<uuid:space_uuid>/calendario/", space_rotate_secret, name="space_rotate"),
    path("dialogo/<uuid:space_uuid>/reglas/", ground_rules_download, name="space_ground_rules"),
    path("dialogo/<uuid:space_uuid>/participantes/", participant_add, name="participant_add"),
    path(
        "dialogo/participantes/<uuid:participant_uuid>/retirar/",
        participant_remove,
        name="participant_remove",
    ),
    path("dialogo/<uuid:space_uuid>/sesiones/nueva/", session_create, name="session_create"),
    path("dialogo/sesiones/<uuid:session_uuid>/", session_detail, name="session"),
    path("dialogo/sesiones/<uuid:session_uuid>/registrar/", session_record, name="session_record"),
    path("dialogo/sesiones/<uuid:session_uuid>/cancelar/", session_cancel, name="session_cancel"),
    path("dialogo/sesiones/<uuid:session_uuid>/ayuda-memoria/", minutes_download, name="minutes"),
    path("dialogo/sesiones/<uuid:session_uuid>/acta/", acta_create, name="acta_create"),
    path("dialogo/actas/<uuid:acta_uuid>/", acta_detail, name="acta"),
    path("dialogo/actas/<uuid:acta_uuid>/documento/", acta_document, name="acta_document"),
]

"""Commitments (list, page, clause form, progress, evidence and its verification) and the
calendar of sessions and due dates.

Reads go through ``access`` (``visible_commitments``, ``get_commitment_for_user``,
``get_evidence_for_user``, ``visible_sessions``) and are redacted with
``hidden_dialogue_fields``: someone outside the space never reads internal notes nor who added or
verified evidence. Changes go through ``services.commitments``, which checks access again; the
views check first so a visitor who may not act gets 403 before any form is read.
"""

import calendar
import datetime as dt
import mimetypes
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.cache import patch_vary_headers
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from willaq.accounts.models import User
from willaq.cases.access import redacted
from willaq.cases.forms import apply_service_errors
from willaq.dialogue import access, clock
from willaq.dialogue.choices import OPEN_COMMITMENT_STATES, SessionState
from willaq.dialogue.commitment_history import commitment_history
from willaq.dialogue.forms_commitments import (
    CommitmentFilterForm,
    CommitmentForm,
    EvidenceForm,
    ProgressForm,
    parse_month,
)
from willaq.dialogue.models import Commitment, Participant
from willaq.dialogue.services import commitments as services

GET_POST = ["GET", "POST"]
PAGE_SIZE = 25
# A commitment falling due within this many days is highlighted in the list.
DUE_SOON_DAYS = 7


def _signed_in(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _is_htmx_partial(request: HttpRequest) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def _commitment_url(commitment: Commitment, anchor: str = "") -> str:
    url = reverse("dialogue:commitment", kwargs={"commitment_uuid": commitment.uuid})
    return f"{url}#{anchor}" if anchor else url


def _is_due_soon(commitment: Commitment, today: dt.date) -> bool:
    return commitment.state in OPEN_COMMITMENT_STATES and (
        today <= commitment.due_date <= today + dt.timedelta(days=DUE_SOON_DAYS)
    )


# --- the list -------------------------------------------------------------------------------------


@dataclass
class CommitmentRow:
    commitment: Commitment
    overdue: bool
    due_soon: bool


@login_required
@require_GET
def commitment_list(request: HttpRequest) -> HttpResponse:
    """Every commitment the user may see, by due date, filtered; "Vencido" is derived."""
    user = _signed_in(request)
    form = CommitmentFilterForm(request.GET, user=user)
    commitments = (
        form.filter(access.visible_commitments(user))
        .select_related("space", "acta")
        .prefetch_related(
            Prefetch("responsible", queryset=Participant.objects.order_by("name", "id"))
        )
        .order_by("due_date", "space__name", "number", "id")
    )
    page = Paginator(commitments, PAGE_SIZE).get_page(request.GET.get("page"))
    today = clock.today()
    rows = [CommitmentRow(c, c.is_overdue_on(today), _is_due_soon(c, today)) for c in page]
    context = {"form": form, "page": page, "rows": rows, "due_soon_days": DUE_SOON_DAYS}
    partial = _is_htmx_partial(request)
    template = (
        "dialogue/partials/commitment_rows.html" if partial else "dialogue/commitment_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- a clause: add and edit -----------------------------------------------------------------------


def _form_page(request: HttpRequest, form: CommitmentForm, **extra: Any) -> HttpResponse:
    return render(request, "dialogue/commitment_form.html", {"form": form, **extra})


@login_required
@require_http_methods(GET_POST)
def commitment_create(request: HttpRequest, acta_uuid: UUID) -> HttpResponse:
    """Add a clause to a signed acta (the space's team)."""
    user = _signed_in(request)
    acta = access.get_acta_for_user(user, acta_uuid)
    space = acta.session.space
    if not access.can_manage_space(user, space):
        raise PermissionDenied(_("No puede modificar este espacio de diálogo."))
    form = CommitmentForm(request.POST or None, space=space)
    if request.method == "POST" and form.is_valid():
        try:
            commitment = services.add_commitment(user, acta, form.to_input())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Compromiso registrado."))
            return redirect(_commitment_url(commitment))
    return _form_page(
        request,
        form,
        title=_("Nuevo compromiso"),
        acta=acta,
        space=space,
        cancel_url=reverse("dialogue:acta", kwargs={"acta_uuid": acta.uuid}),
    )


@login_required
@require_http_methods(GET_POST)
def commitment_edit(request: HttpRequest, commitment_uuid: UUID) -> HttpResponse:
    """Change what was agreed: text, parties, date, money (the space's team only)."""
    user = _signed_in(request)
    commitment = access.get_commitment_for_user(user, commitment_uuid)
    if not access.can_edit_commitment(user, commitment):
        raise PermissionDenied(_("No puede modificar este compromiso."))
    initial = CommitmentForm.initial_of(commitment)
    form = CommitmentForm(request.POST or None, initial=initial, space=commitment.space)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_commitment(user, commitment, form.to_input())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Compromiso actualizado."))
            return redirect(_commitment_url(commitment))
    return _form_page(
        request,
        form,
        title=_("Modificar el compromiso %(number)s") % {"number": commitment.number},
        acta=commitment.acta,
        space=commitment.space,
        cancel_url=_commitment_url(commitment),
    )


# --- the commitment's page ------------------------------------------------------------------------


def _detail_page(
    request: HttpRequest,
    commitment: Commitment,
    *,
    progress_form: ProgressForm | None = None,
    evidence_form: EvidenceForm | None = None,
) -> HttpResponse:
    user = _signed_in(request)
    space = commitment.space
    hidden = access.hidden_dialogue_fields(user, space)
    responsible = [
        redacted(p, hidden)
        for p in commitment.responsible.select_related("institution", "actor").order_by("name")
    ]
    evidence = list(
        commitment.evidence.select_related("added_by", "verified_by").order_by("created_at", "id")
    )
    # Who may verify is judged on the evidence as stored, before its "who" is redacted.
    evidence_rows = [(redacted(e, hidden), access.can_verify_evidence(user, e)) for e in evidence]
    verified = sum(
        (e.amount_executed for e in evidence if e.verified_at and e.amount_executed),
        Decimal("0.00"),
    )
    can_report = access.can_report_progress(user, commitment)
    today = clock.today()
    context = {
        "commitment": redacted(commitment, hidden),
        "space": space,
        "acta": commitment.acta,
        "responsible": responsible,
        "evidence_rows": evidence_rows,
        "amount_verified": verified,
        "money_ratio": (
            (verified * 100 / commitment.amount).quantize(Decimal("0.1"))
            if commitment.amount
            else None
        ),
        "overdue": commitment.is_overdue_on(today),
        "due_soon": _is_due_soon(commitment, today),
        "days_late": (today - commitment.due_date).days,
        "days_left": (commitment.due_date - today).days,
        "is_insider": not hidden,
        "can_edit": access.can_edit_commitment(user, commitment),
        "can_report": can_report,
        "progress_form": progress_form
        or ProgressForm(initial={"state": commitment.state, "progress": commitment.progress}),
        "evidence_form": evidence_form or EvidenceForm(),
        "history": commitment_history(user, commitment),
    }
    return render(request, "dialogue/commitment_detail.html", context)


@login_required
@require_GET
def commitment_detail(request: HttpRequest, commitment_uuid: UUID) -> HttpResponse:
    user = _signed_in(request)
    commitment = access.get_commitment_for_user(user, commitment_uuid)
    return _detail_page(request, commitment)


def _commitment_to_report(request: HttpRequest, commitment_uuid: UUID) -> Commitment:
    user = _signed_in(request)
    commitment = access.get_commitment_for_user(user, commitment_uuid)
    if not access.can_report_progress(user, commitment):
        raise PermissionDenied(_("No puede informar el avance de este compromiso."))
    return commitment


@login_required
@require_POST
def commitment_progress(request: HttpRequest, commitment_uuid: UUID) -> HttpResponse:
    """Report state and progress (the team, or an editor of an institution that owes it)."""
    commitment = _commitment_to_report(request, commitment_uuid)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.report_progress(_signed_in(request), commitment, form.to_input())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Avance registrado."))
            return redirect(_commitment_url(commitment, "avance"))
    return _detail_page(request, commitment, progress_form=form)


@login_required
@require_POST
def commitment_evidence_add(request: HttpRequest, commitment_uuid: UUID) -> HttpResponse:
    """Add evidence: a file or a link, with the money it proves executed."""
    commitment = _commitment_to_report(request, commitment_uuid)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_evidence(_signed_in(request), commitment, form.to_input())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Evidencia añadida; queda por verificar."))
            return redirect(_commitment_url(commitment, "evidencias"))
    return _detail_page(request, commitment, evidence_form=form)


@login_required
@require_POST
def evidence_verify(request: HttpRequest, evidence_uuid: UUID) -> HttpResponse:
    """The space's team verifies evidence someone else added."""
    user = _signed_in(request)
    evidence = access.get_evidence_for_user(user, evidence_uuid)
    if not access.can_verify_evidence(user, evidence):
        raise PermissionDenied(
            _("La evidencia la verifica el equipo del espacio, no quien la añadió.")
        )
    services.verify_evidence(user, evidence)
    messages.success(request, _("Evidencia verificada."))
    return redirect(_commitment_url(evidence.commitment, "evidencias"))


@login_required
@require_GET
def evidence_file(request: HttpRequest, evidence_uuid: UUID) -> FileResponse:
    """The evidence's file, after the access rule; its existence is not revealed to others."""
    user = _signed_in(request)
    evidence = access.get_evidence_for_user(user, evidence_uuid)
    if not evidence.file:
        raise Http404("evidence file")
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("evidence file") from exc
    name = str(evidence.file.name).rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)


# --- the calendar ---------------------------------------------------------------------------------


@dataclass
class CalendarEntry:
    day: dt.date
    kind: str  # "session" or "commitment"
    title: str
    url: str
    space_name: str
    moment: dt.datetime | None = None
    cancelled: bool = False
    overdue: bool = False


@dataclass
class CalendarDay:
    day: dt.date
    number: int
    in_month: bool
    is_today: bool
    entries: list[CalendarEntry]


def _month_param(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@login_required
@require_GET
def calendar_view(request: HttpRequest) -> HttpResponse:
    """A month of sessions and due dates (``?mes=YYYY-MM``): a grid, and the same entries as an
    agenda list for phones."""
    user = _signed_in(request)
    today = clock.today()
    first = parse_month(request.GET.get("mes"), today)
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
        first.year, first.month
    )
    grid_start, grid_end = weeks[0][0], weeks[-1][-1]
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(grid_start, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(grid_end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)

    by_day: dict[dt.date, list[CalendarEntry]] = {}
    sessions = (
        access.visible_sessions(user)
        .filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("space")
        .order_by("starts_at", "id")
    )
    for session in sessions:
        moment = timezone.localtime(session.starts_at)
        entry = CalendarEntry(
            day=moment.date(),
            kind="session",
            title=_("Sesión %(number)s") % {"number": session.number},
            url=reverse("dialogue:session", kwargs={"session_uuid": session.uuid}),
            space_name=session.space.name,
            moment=moment,
            cancelled=session.state == SessionState.CANCELLED,
        )
        by_day.setdefault(entry.day, []).append(entry)
    commitments = (
        access.visible_commitments(user)
        .filter(due_date__gte=grid_start, due_date__lte=grid_end)
        .select_related("space")
        .order_by("due_date", "space__name", "number", "id")
    )
    for commitment in commitments:
        entry = CalendarEntry(
            day=commitment.due_date,
            kind="commitment",
            title=_("Vence el compromiso %(number)s") % {"number": commitment.number},
            url=_commitment_url(commitment),
            space_name=commitment.space.name,
            overdue=commitment.is_overdue_on(today),
        )
        by_day.setdefault(entry.day, []).append(entry)

    grid = [
        [
            CalendarDay(day, day.day, day.month == first.month, day == today, by_day.get(day, []))
            for day in week
        ]
        for week in weeks
    ]
    agenda = [
        (day, entries)
        for day, entries in sorted(by_day.items())
        if day.month == first.month and day.year == first.year
    ]
    previous_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    context = {
        "month_label": formats.date_format(first, "YEAR_MONTH_FORMAT"),
        "month": _month_param(first),
        "weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
        "grid": grid,
        "agenda": agenda,
        "entry_count": sum(len(entries) for _day, entries in agenda),
        "previous_month": _month_param(previous_month),
        "previous_label": formats.date_format(previous_month, "YEAR_MONTH_FORMAT"),
        "next_month": _month_param(next_month),
        "next_label": formats.date_format(next_month, "YEAR_MONTH_FORMAT"),
        "this_month": _month_param(today),
        "is_this_month": first == today.replace(day=1),
    }
    return render(request, "dialogue/calendar.html", context)


urlpatterns: list[URLPattern] = [
    path("dialogo/compromisos/", commitment_list, name="commitments"),
    path("dialogo/compromisos/<uuid:commitment_uuid>/", commitment_detail, name="commitment"),
    path(
        "dialogo/compromisos/<uuid:commitment_uuid>/editar/",
        commitment_edit,
        name="commitment_edit",
    ),
    path(
        "dialogo/compromisos/<uuid:commitment_uuid>/avance/",
        commitment_progress,
        name="commitment_progress",
    ),
    path(
        "dialogo/compromisos/<uuid:commitment_uuid>/evidencias/",
        commitment_evidence_add,
        name="commitment_evidence_add",
    ),
    path(
        "dialogo/evidencias/<uuid:evidence_uuid>/verificar/",
        evidence_verify,
        name="commitment_evidence_verify",
    ),
    path(
        "dialogo/evidencias/<uuid:evidence_uuid>/archivo/",
        evidence_file,
        name="commitment_evidence_file",
    ),
    path(
        "dialogo/actas/<uuid:acta_uuid>/compromisos/nuevo/",
        commitment_create,
        name="commitment_create",
    ),
    path("dialogo/calendario/", calendar_view, name="calendar"),
]

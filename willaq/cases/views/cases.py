"""Web pages of the case registry. Each view finds its object through ``access`` (404 when the
user may not see it, 403 when they may only read it) and changes data only through ``services``."""

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Max
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from willaq.accounts.access import APPROVER_ROLES, has_role
from willaq.accounts.models import User
from willaq.cases import selectors, services
from willaq.cases.access import (
    CaseAccess,
    can_add_events,
    can_approve_any,
    can_create_case,
    can_edit_actor_link,
    can_edit_event,
    can_edit_record,
    can_view_case,
    cases_awaiting_approval,
    classifying_institutions,
    external_ids,
    get_case_for_edit,
    get_case_for_user,
    get_event_for_user,
    get_record_for_user,
    hidden_case_fields,
    merged_cases,
    record_kind,
    redact_event,
    removed_records,
    sees_event_sources,
    sees_victim_identity,
    visible_actors,
    visible_evidence,
)
from willaq.cases.choices import (
    CONFIDENTIAL_CAPABLE_FIELDS,
    SUB_EVENT_PARENT,
    CaseState,
    DialogueMechanism,
    InstitutionRole,
    Phase,
)
from willaq.cases.forms import (
    ActorLinkForm,
    CaseFilterForm,
    CaseForm,
    EventForm,
    EvidenceForm,
    NewsForm,
    PhaseForm,
    TransitionForm,
    VictimForm,
    apply_service_errors,
    model_label,
)
from willaq.cases.history import case_history
from willaq.cases.models import Case, Event, Evidence, Victim
from willaq.cases.views.common import (
    GET_POST,
    case_for_records,
    case_url,
    event_url,
    is_htmx_partial,
    record_page,
    signed_in_user,
)

# --- dashboard and list ------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request,
        "cases/dashboard.html",
        {
            "board": selectors.dashboard(user),
            "can_create": can_create_case(user),
        },
    )


@dataclass
class Column:
    label: str
    next: str = ""  # the sort a click on the header asks for
    current: str = ""  # "ascending" / "descending" when the list is sorted by this column


def _columns(sort: str) -> list[Column]:
    columns = []
    for key, label in (
        ("code", _("Código")),
        ("name", _("Caso")),
        ("state", _("Estado")),
        ("", _("Tipología")),
        ("", _("Lugar principal")),
        ("", _("Institución")),
        ("start_date", _("Inicio")),
    ):
        if not key:
            columns.append(Column(label))
            continue
        current = {key: "ascending", f"-{key}": "descending"}.get(sort, "")
        columns.append(Column(label, next=f"-{key}" if sort == key else key, current=current))
    return columns


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = CaseFilterForm(request.GET)
    form.is_valid()  # invalid values are simply dropped from the filters
    filters = selectors.CaseFilters.from_data(form.cleaned_data)
    paginator = selectors.BoundedPaginator(
        selectors.filter_cases(user, filters), selectors.PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    partial = is_htmx_partial(request)
    context = {
        "form": form,
        "page": page,
        "filters": filters,
        "columns": _columns(filters.sort),
        # A partial also refreshes the "Ordenar por" select, so a header click and the select
        # agree and the next filter change keeps the sort.
        "refresh_sort": partial,
    }
    template = "cases/partials/case_rows.html" if partial else "cases/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def approval_queue(request: HttpRequest) -> HttpResponse:
    """Proposed cases waiting for one of the user's institutions' coordinators, oldest first."""
    user = signed_in_user(request)
    if not can_approve_any(user):
        raise PermissionDenied(_("Solo los coordinadores aprueban casos."))
    cases = list(
        cases_awaiting_approval(user)
        .select_related("institution", "typology", "created_by")
        .annotate(proposed_at=Max("transitions__occurred_at"))
        .order_by("proposed_at", "pk")
    )
    return render(request, "cases/queue.html", {"cases": cases})


# --- one case ----------------------------------------------------------------------------------


@dataclass
class Fact:
    """One line of the case summary."""

    label: str
    value: Any
    confidential: bool = False  # hidden from this user
    marked: bool = False  # marked confidential by its institution (shown to its members)
    multiline: bool = False


@dataclass
class EventView:
    event: Event
    sees_sources: bool
    sees_victims: bool
    can_edit: bool
    victims: list[Victim] = field(default_factory=list)


@dataclass
class TransitionOption:
    name: str
    label: str
    needs_reason: bool
    picks_phase: bool
    form: TransitionForm | None = None


def _facts(case: Case, hidden_fields: frozenset[str]) -> list[Fact]:
    def label(name: str) -> str:
        return str(model_label(Case, name))

    def fact(name: str, value: Any, multiline: bool = False) -> Fact:
        marked = name in (case.confidential_fields or [])
        hidden = name in hidden_fields
        return Fact(
            label(name),
            None if hidden else value,
            confidential=hidden,
            marked=marked,
            multiline=multiline,
        )

    always = {label(name) for name in ("code", "start_date", "end_date", "typology", "scope")}
    facts = [
        fact("code", case.display_code),
        fact("institution", case.institution.name),
        fact("state", case.get_state_display()),
    ]
    if case.phase:
        facts.append(fact("phase", case.get_phase_display()))
    if case.phase == Phase.DIALOGUE:
        facts += [
            fact("dialogue_mechanism", case.get_dialogue_mechanism_display()),
            fact("institution_role", case.get_institution_role_display()),
        ]
    facts += [
        fact("start_date", case.start_date_text),
        fact("end_date", case.end_date),
        fact("scope", case.get_scope_display()),
        fact("typology", case.typology.name),
        fact("subtype", case.subtype.name if case.subtype else ""),
        fact("competent_authority", case.get_competent_authority_display()),
        fact("sectors", ", ".join(s.name for s in case.sectors.all())),
    ]
    for name in CONFIDENTIAL_CAPABLE_FIELDS:
        facts.append(fact(name, getattr(case, name), multiline=True))
    facts.append(fact("investment_amount", case.investment_amount))
    if case.latitude is not None:
        facts.append(Fact(str(_("Punto")), f"{case.latitude:.5f}, {case.longitude:.5f}"))
    if case.approved_at:
        facts.append(fact("approved_at", case.approved_at))
    if case.needs_review:
        facts.append(fact("review_note", case.review_note or _("Sí"), multiline=True))
    # Leave out optional fields nobody filled in (a long list of dashes is hard to read on a phone).
    return [f for f in facts if f.confidential or f.value not in (None, "") or f.label in always]


def _transition_options(
    user: User, case: Case, bound: TransitionForm | None = None
) -> list[TransitionOption]:
    options = []
    bound_name = bound.data.get("name") if bound is not None else None
    for name in services.allowed_transitions(user, case):
        transition = services.TRANSITIONS[name]
        options.append(
            TransitionOption(
                name=name,
                label=services.transition_label(name),
                needs_reason=transition.needs_reason,
                picks_phase=transition.target == CaseState.ACTIVE,
                form=bound if bound_name == name else None,
            )
        )
    return options


def _actor_groups(user: User, case: Case) -> list[tuple[str, list[Any]]]:
    """The case's actors by role, each link marked with what this user may do with it."""
    groups = selectors.case_actors_by_role(case)
    for _role, links in groups:
        for link in links:
            link.user_can_edit = can_edit_actor_link(user, link)  # type: ignore[attr-defined]
            link.user_can_merge = has_role(  # type: ignore[attr-defined]
                user, link.actor.institution_id, APPROVER_ROLES
            )
    return groups


def _detail_context(
    request: HttpRequest,
    case: Case,
    *,
    transition_form: TransitionForm | None = None,
    phase_form: PhaseForm | None = None,
) -> dict[str, Any]:
    user = signed_in_user(request)
    access = CaseAccess.for_user(user, case)
    events_page = selectors.case_events_page(case, request.GET.get("eventos"))
    events = [
        EventView(
            event=redact_event(user, event),
            sees_sources=sees_event_sources(user, event),
            sees_victims=sees_victim_identity(user, event),
            can_edit=can_edit_event(user, event),
            victims=list(event.victims.all()) if sees_victim_identity(user, event) else [],
        )
        for event in events_page.object_list
    ]
    if phase_form is None and case.state == CaseState.ACTIVE and access.can_edit:
        phase_form = PhaseForm(
            initial={
                "phase": case.phase,
                "dialogue_mechanism": case.dialogue_mechanism,
                "institution_role": case.institution_role,
            }
        )
    transitions = _transition_options(user, case, transition_form)
    stray_transition_errors = (
        transition_form is not None
        and transition_form.errors
        and not any(t.form is not None for t in transitions)
    )
    news = selectors.case_news(case)
    evidence = list(visible_evidence(user, case).select_related("institution"))
    history = case_history(case, user, limit=HISTORY_ON_PAGE + 1)
    return {
        "case": case,
        "external_ids": list(external_ids(user, case)),
        "classifications": list(
            case.classifications.select_related("institution").order_by("institution__name")
        ),
        "can_classify": bool(classifying_institutions(user, case)),
        "merged_into": (
            case.merged_into
            if case.merged_into is not None and can_view_case(user, case.merged_into)
            else None
        ),
        "merged_cases": list(merged_cases(user, case)),
        "access": access,
        "editable_news": {n.pk for n in news if can_edit_record(user, n)},
        "editable_evidence": {e.pk for e in evidence if can_edit_record(user, e)},
        "removed": [(record_kind(r), r) for r in removed_records(user, case)],
        "facts": _facts(case, hidden_case_fields(user, case)),
        "places": selectors.case_places(case),
        "actor_groups": _actor_groups(user, case),
        "events": events,
        "events_page": events_page,
        "news": news,
        "evidence": evidence,
        "history": history[:HISTORY_ON_PAGE],
        "history_more": len(history) > HISTORY_ON_PAGE,
        "current_transition": selectors.current_transition(case),
        "transitions": transitions,
        "transition_form": transition_form if stray_transition_errors else None,
        "phase_form": phase_form,
        "phase_choices": Phase.choices,
        "mechanism_choices": DialogueMechanism.choices,
        "role_choices": InstitutionRole.choices,
    }


@login_required
@require_GET
def case_detail(request: HttpRequest, case_uuid: UUID) -> HttpResponse:
    case = get_case_for_user(signed_in_user(request), case_uuid)
    return render(request, "cases/detail.html", _detail_context(request, case))


# The case page shows the most recent changes; the history page shows them all, by pages.
HISTORY_ON_PAGE = 30
HISTORY_PAGE_SIZE = 100


@login_required
@require_GET
def case_history_page(request: HttpRequest, case_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    case = get_case_for_user(user, case_uuid)
    page = Paginator(case_history(case, user), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    return render(request, "cases/history.html", {"case": case, "page": page})


@login_required
@require_http_methods(GET_POST)
def case_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not can_create_case(user):
        raise PermissionDenied(_("No es analista de ninguna institución."))
    form = CaseForm(request.POST if request.method == "POST" else None, user=user)
    if form.is_bound and form.is_valid():
        try:
            case = services.create_case(
                user=user,
                institution=form.cleaned_data["institution"],
                data=form.case_data(),
                places=form.places(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, CaseForm.SERVICE_FIELDS)
        else:
            messages.success(
                request, _("Caso «%(name)s» registrado como borrador.") % {"name": case.name}
            )
            return redirect(case_url(case))
    return render(request, "cases/case_form.html", {"form": form, "case": None})


@login_required
@require_http_methods(GET_POST)
def case_edit(request: HttpRequest, case_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    case = get_case_for_edit(user, case_uuid)
    form = CaseForm(request.POST if request.method == "POST" else None, user=user, case=case)
    if form.is_bound and form.is_valid():
        try:
            services.update_case(
                user=user,
                case=case,
                data=form.case_data(),
                places=form.places(),
                at=form.effective_at(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, CaseForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("Cambios guardados."))
            return redirect(case_url(case))
    return render(request, "cases/case_form.html", {"form": form, "case": case})


class _NotConfirmed(Exception):
    """Raised to undo a validated transition the user has not confirmed yet."""


def _transition_confirmation(
    request: HttpRequest, case: Case, form: TransitionForm
) -> HttpResponse:
    """The confirmation step of a state change: what will happen, and a button to do it."""
    name = form.cleaned_data["name"]
    transition = services.TRANSITIONS[name]
    return render(
        request,
        "cases/transition_confirm.html",
        {
            "case": case,
            "name": name,
            "label": services.transition_label(name),
            "target": CaseState(transition.target).label,
            "approves": transition.needs_approver and name != "return",
            "ends": transition.target in (CaseState.RESOLVED, CaseState.WITHDRAWN),
            "destructive": name in ("return", "withdraw"),
            "data": {
                key: form.cleaned_data.get(key) or ""
                for key in ("name", "reason", "phase", "dialogue_mechanism", "institution_role")
            }
            # As typed (ISO), so the confirmation posts back what the form parses.
            | {"effective_date": form.data.get("effective_date", "")},
            "effective_date": form.cleaned_data.get("effective_date"),
        },
    )


@login_required
@require_POST
def case_transition(request: HttpRequest, case_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    case = get_case_for_edit(user, case_uuid)
    form = TransitionForm(request.POST)
    if form.is_valid():
        confirmed = request.POST.get("confirmed") == "1"
        try:
            # Validated in full by the service, then undone until the user confirms: the
            # confirmation step only appears for a change that would succeed.
            with transaction.atomic():
                changed = services.transition_case(
                    user=user,
                    case=case,
                    name=form.cleaned_data["name"],
                    reason=form.cleaned_data["reason"] or "",
                    phase=form.cleaned_data["phase"] or Phase.EARLY,
                    dialogue_mechanism=form.cleaned_data["dialogue_mechanism"],
                    institution_role=form.cleaned_data["institution_role"],
                    at=services.effective_moment(form.cleaned_data["effective_date"]),
                    base_url=request.build_absolute_uri("/"),
                )
                if not confirmed:
                    raise _NotConfirmed
        except _NotConfirmed:
            return _transition_confirmation(request, case, form)
        except ValidationError as exc:
            apply_service_errors(
                form, exc, {"transition": NON_FIELD_ERRORS, "effective_date": NON_FIELD_ERRORS}
            )
        else:
            case = changed
            if case.code and form.cleaned_data["name"].startswith("approve"):
                text = _("Caso aprobado con el código %(code)s.") % {"code": case.code}
            else:
                text = _("El caso ahora está «%(state)s».") % {"state": case.get_state_display()}
            messages.success(request, text)
            return redirect(case_url(case))
    messages.error(request, _("No se pudo cambiar el estado del caso."))
    case.refresh_from_db()
    return render(
        request,
        "cases/detail.html",
        _detail_context(request, case, transition_form=form),
        status=400,
    )


@login_required
@require_POST
def case_phase(request: HttpRequest, case_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    case = get_case_for_edit(user, case_uuid)
    form = PhaseForm(request.POST)
    if form.is_valid():
        try:
            services.change_phase(
                user=user,
                case=case,
                phase=form.cleaned_data["phase"],
                dialogue_mechanism=form.cleaned_data["dialogue_mechanism"],
                institution_role=form.cleaned_data["institution_role"],
                at=services.effective_moment(form.cleaned_data["effective_date"]),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, {"effective_date": NON_FIELD_ERRORS})
        else:
            messages.success(request, _("Fase actualizada."))
            return redirect(case_url(case, "fase"))
    messages.error(request, _("No se pudo cambiar la fase del caso."))
    case.refresh_from_db()
    return render(
        request, "cases/detail.html", _detail_context(request, case, phase_form=form), status=400
    )


# --- records added to a case -------------------------------------------------------------------


@login_required
@require_http_methods(GET_POST)
def event_create(request: HttpRequest, case_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    case = get_case_for_user(user, case_uuid)
    if not can_add_events(user, case):
        raise PermissionDenied(_("No puede añadir registros a este caso."))
    form = EventForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            event = services.record_event(
                user=user,
                case=case,
                data=form.event_data(),
                at=services.effective_moment(form.cleaned_data["effective_date"]),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, EventForm.SERVICE_FIELDS)
        else:
            messages.success(
                request, _("Evento registrado. Puede añadir sus víctimas desde la línea de tiempo.")
            )
            return redirect(case_url(case, f"evento-{event.uuid}"))
    return record_page(
        request,
        case,
        form,
        _("Registrar evento"),
        sub_event_parent={str(k): str(v) for k, v in SUB_EVENT_PARENT.items()},
    )


@login_required
@require_http_methods(GET_POST)
def victim_create(request: HttpRequest, event_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    event = get_event_for_user(user, event_uuid)
    case = event.case
    if not can_edit_event(user, event):
        raise PermissionDenied(
            _("Solo los analistas de la institución del evento registran víctimas.")
        )
    form = VictimForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.record_victim(
                user=user,
                event=event,
                data=form.cleaned_data,
                at=services.effective_moment(form.cleaned_data["effective_date"]),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Víctima registrada."))
            return redirect(event_url(event))
    return record_page(
        request,
        case,
        form,
        _("Registrar víctima"),
        event=event,
        action=reverse("cases:victim_create", kwargs={"event_uuid": event.uuid}),
    )


@login_required
@require_http_methods(GET_POST)
def actor_link(request: HttpRequest, case_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    case = case_for_records(user, case_uuid)
    form = ActorLinkForm(
        request.POST if request.method == "POST" else None,
        actors=visible_actors(user),
        search_url=reverse("cases:actor_search"),
    )
    if form.is_bound and form.is_valid():
        try:
            with transaction.atomic():
                actor = form.cleaned_data["actor"]
                if actor is None:
                    try:
                        actor = services.create_actor(
                            user=user,
                            institution=services.acting_institution(user, case),
                            data=form.actor_data(),
                            allow_similar=form.cleaned_data["confirm_new"],
                        )
                    except ValidationError as exc:
                        apply_service_errors(form, exc, ActorLinkForm.SERVICE_FIELDS)
                        raise
                services.link_actor(
                    user=user,
                    case=case,
                    actor=actor,
                    role=form.cleaned_data["role"],
                    position=form.cleaned_data["position"] or "",
                    intensity=form.cleaned_data["intensity"],
                    at=services.effective_moment(form.cleaned_data["effective_date"]),
                )
        except ValidationError as exc:
            if not form.errors:
                apply_service_errors(form, exc)
        else:
            messages.success(request, _("Actor «%(name)s» vinculado al caso.") % {"name": actor})
            return redirect(case_url(case, "actores"))
    return record_page(request, case, form, _("Vincular actor"))


@login_required
@require_http_methods(GET_POST)
def news_create(request: HttpRequest, case_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    case = case_for_records(user, case_uuid)
    form = NewsForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.add_news(
                user=user,
                case=case,
                data=form.cleaned_data,
                at=services.effective_moment(form.cleaned_data["effective_date"]),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Noticia añadida."))
            return redirect(case_url(case, "noticias"))
    return record_page(request, case, form, _("Añadir noticia"))


@login_required
@require_http_methods(GET_POST)
def evidence_create(request: HttpRequest, case_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    case = case_for_records(user, case_uuid)
    posted = request.method == "POST"
    form = EvidenceForm(request.POST if posted else None, request.FILES if posted else None)
    if form.is_bound and form.is_valid():
        try:
            services.add_evidence(
                user=user,
                case=case,
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                keywords=form.cleaned_data["keywords"] or "",
                is_confidential=form.cleaned_data["is_confidential"],
                at=services.effective_moment(form.cleaned_data["effective_date"]),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Evidencia adjuntada."))
            return redirect(case_url(case, "evidencias"))
    return record_page(request, case, form, _("Adjuntar evidencia"), multipart=True)


@login_required
@require_GET
def evidence_download(request: HttpRequest, evidence_uuid: UUID) -> FileResponse:
    """The file, after the access rule; its existence is not revealed to others."""
    user = signed_in_user(request)
    evidence, _case = get_record_for_user(user, "evidencias", evidence_uuid)
    assert isinstance(evidence, Evidence)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("evidence file") from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name or str(evidence.file.name).rsplit("/", 1)[-1],
        content_type=evidence.content_type,
    )

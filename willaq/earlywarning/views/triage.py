"""The triage queue and one pre-alert's page (issue 8 §3).

Pre-alerts are read through ``access`` (``get_prealert_for_user``: 404 to anyone outside the
receiving institution's reviewers and the sender; ``hidden_prealert_fields`` for the sender)
and changed through ``services.triage``, which checks the rule again. Every action is a plain
form POST (the pages work without JavaScript); HTMX only refreshes the queue's results.
"""

from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from willaq.accounts.models import Membership, User
from willaq.cases.access import find_case_for_user
from willaq.cases.forms import apply_service_errors
from willaq.cases.views.common import GET_POST, is_htmx_partial, signed_in_user
from willaq.earlywarning import access
from willaq.earlywarning.choices import CLOSED_REVIEW_STATES, ReviewState
from willaq.earlywarning.forms import (
    BulkActionForm,
    QueueFilterForm,
    ReviewStateForm,
    StructureForm,
    ValidateForm,
)
from willaq.earlywarning.models import PreAlert
from willaq.earlywarning.selectors import triage as selectors
from willaq.earlywarning.services import triage as services


def _reviewer(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not access.reviewing_institution_ids(user):
        raise PermissionDenied(_("No revisa prealertas de ninguna institución."))
    return user


def _assignees(user: User) -> QuerySet[User]:
    """The people the user may assign pre-alerts to: reviewers of the queues they review."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__in=Membership.objects.filter(
                is_active=True,
                institution_id__in=access.reviewing_institution_ids(user),
                role__in=access.REVIEWER_ROLES,
            ),
        )
        .distinct()
        .order_by("full_name", "email")
    )


def _prealert_url(prealert: PreAlert) -> str:
    return reverse("earlywarning:prealert", kwargs={"prealert_uuid": prealert.uuid})


def _safe_next(request: HttpRequest, candidate: str, default: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _error_text(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


# --- the queue ----------------------------------------------------------------------------------


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The institution's pre-alerts to review: filters, ordering, a page at a time, who holds
    each one, and the bulk action bar."""
    user = _reviewer(request)
    reporters = access.visible_reporters(user).order_by("name")
    form = QueueFilterForm(request.GET, reporters=reporters)
    form.is_valid()  # invalid values are simply dropped from the filters
    filters = selectors.QueueFilters.from_data(form.cleaned_data)
    paginator = Paginator(selectors.queue(user, filters), selectors.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    context = {
        "form": form,
        "page": page,
        "rows": [(p, services.active_holder(p)) for p in rows],
        "bulk_form": BulkActionForm(prealert_uuids=[], assignees=_assignees(user)),
        "filtered": any(v for k, v in form.cleaned_data.items() if k != "order"),
        "next": request.get_full_path(),
    }
    partial = is_htmx_partial(request)
    template = "earlywarning/partials/queue_results.html" if partial else "earlywarning/queue.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _run_bulk(user: User, form: BulkActionForm, prealerts: list[PreAlert]) -> int:
    action = form.cleaned_data["action"]
    if action == "assign":
        return services.assign(user, prealerts, form.cleaned_data["assignee"])
    if action == "reject":
        return services.reject(user, prealerts, form.cleaned_data["reason"])
    if action == "duplicate":
        reference = form.cleaned_data["original"].strip().lower()
        original = _find_original(user, reference)
        if original is None:
            raise ValidationError(
                {"original": _("No se encontró la prealerta «%(ref)s».") % {"ref": reference}}
            )
        return services.mark_duplicate(user, prealerts, original)
    case = find_case_for_user(user, form.cleaned_data["case"])
    if case is None:
        raise ValidationError(
            {"case": _("No se encontró el caso «%(ref)s».") % {"ref": form.cleaned_data["case"]}}
        )
    return services.link_to_case(user, prealerts, case)


def _find_original(user: User, reference: str) -> PreAlert | None:
    """A pre-alert of the user's queues by its uuid or its short reference (8 characters)."""
    queue_items = PreAlert.objects.filter(institution_id__in=access.reviewing_institution_ids(user))
    try:
        return queue_items.filter(uuid=UUID(reference)).first()
    except ValueError:
        pass
    if len(reference) < 8:
        return None
    if not all(c in "0123456789abcdef" for c in reference):
        return None
    matches = list(queue_items.filter(uuid__startswith=reference)[:2])
    return matches[0] if len(matches) == 1 else None


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """One action on the chosen pre-alerts (all of them or none), then back to the queue (or
    the page the form came from) with how many changed."""
    user = _reviewer(request)
    chosen = request.POST.getlist("prealerts")
    visible = list(
        PreAlert.objects.filter(
            institution_id__in=access.reviewing_institution_ids(user),
            uuid__in=[c for c in chosen if _is_uuid(c)],
        )
    )
    back = _safe_next(request, request.POST.get("next", ""), reverse("earlywarning:queue"))
    if len(visible) != len(set(chosen)):
        messages.error(
            request,
            _("Alguna de las prealertas elegidas no está en su bandeja: no se cambió ninguna."),
        )
        return redirect(back)
    form = BulkActionForm(
        request.POST,
        prealert_uuids=[str(p.uuid) for p in visible],
        assignees=_assignees(user),
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    try:
        count = _run_bulk(user, form, visible)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect(back)
    messages.success(
        request,
        ngettext("%(count)s prealerta cambiada.", "%(count)s prealertas cambiadas.", count)
        % {"count": count},
    )
    return redirect(back)


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


# --- one pre-alert ------------------------------------------------------------------------------


@login_required
@require_GET
def prealert_detail(request: HttpRequest, prealert_uuid: UUID) -> HttpResponse:
    """The whole pre-alert (raw payload, attachments, history) and the review's actions; its
    sender sees it without what ``access.hidden_prealert_fields`` hides."""
    user = signed_in_user(request)
    prealert = access.get_prealert_for_user(user, prealert_uuid)
    hidden = access.hidden_prealert_fields(user, prealert)
    reviewer = access.can_review_prealert(user, prealert)
    context: dict[str, object] = {
        "prealert": prealert,
        "hidden": hidden,
        "reviewer": reviewer,
        "attachments": list(prealert.attachments.order_by("name")),
        "is_open": prealert.state not in CLOSED_REVIEW_STATES,
        # A validated pre-alert is where a coordinator of its institution issues an alert.
        "can_issue_alert": prealert.state == ReviewState.VALIDATED
        and access.can_issue_alert(user, prealert.institution),
    }
    if reviewer:
        holder = services.active_holder(prealert)
        context |= {
            "holder": holder,
            "held_by_other": holder is not None and holder.pk != user.pk,
            "history": list(selectors.prealert_history(prealert)),
            "state_form": ReviewStateForm(),
            "bulk_form": BulkActionForm(prealert_uuids=[], assignees=_assignees(user)),
            "candidates": list(selectors.duplicate_candidates(prealert)),
            "short_ref": services.short_ref(prealert),
            "next": _prealert_url(prealert),
        }
    return render(request, "earlywarning/prealert_detail.html", context)


def _reviewable(request: HttpRequest, prealert_uuid: UUID) -> tuple[User, PreAlert]:
    user = signed_in_user(request)
    prealert = access.get_prealert_for_user(user, prealert_uuid)
    if not access.can_review_prealert(user, prealert):
        raise PermissionDenied(_("No puede revisar esta prealerta."))
    return user, prealert


@login_required
@require_POST
def prealert_claim(request: HttpRequest, prealert_uuid: UUID) -> HttpResponse:
    user, prealert = _reviewable(request, prealert_uuid)
    try:
        services.claim(user, prealert, force=request.POST.get("force") == "1")
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Usted revisa esta prealerta."))
    return redirect(_prealert_url(prealert))


@login_required
@require_POST
def prealert_release(request: HttpRequest, prealert_uuid: UUID) -> HttpResponse:
    user, prealert = _reviewable(request, prealert_uuid)
    try:
        services.release(user, prealert)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Prealerta liberada."))
    return redirect(_prealert_url(prealert))


@login_required
@require_POST
def prealert_state(request: HttpRequest, prealert_uuid: UUID) -> HttpResponse:
    user, prealert = _reviewable(request, prealert_uuid)
    form = ReviewStateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Elija un estado válido."))
        return redirect(_prealert_url(prealert))
    try:
        services.set_state(
            user, prealert, form.cleaned_data["state"], note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("Estado cambiado a «%(state)s».")
            % {"state": ReviewState(form.cleaned_data["state"]).label},
        )
    return redirect(_prealert_url(prealert))


@login_required
@require_http_methods(GET_POST)
def prealert_structure(request: HttpRequest, prealert_uuid: UUID) -> HttpResponse:
    """Read place, date and what happened out of an unstructured pre-alert (or correct them)."""
    user, prealert = _reviewable(request, prealert_uuid)
    if request.method == "POST":
        form = StructureForm(request.POST)
        if form.is_valid():
            try:
                services.structure(user, prealert, form.prealert_data())
            except ValidationError as exc:
                apply_service_errors(form, exc, StructureForm.SERVICE_FIELDS)
            else:
                messages.success(request, _("Prealerta estructurada."))
                return redirect(_prealert_url(prealert))
    else:
        form = StructureForm(initial=StructureForm.initial_for(prealert))
    return render(
        request, "earlywarning/prealert_structure.html", {"prealert": prealert, "form": form}
    )


@login_required
@require_http_methods(GET_POST)
def prealert_validate(request: HttpRequest, prealert_uuid: UUID) -> HttpResponse:
    """Validate into an event of an existing case or a new proposed case."""
    user, prealert = _reviewable(request, prealert_uuid)
    if request.method == "POST":
        form = ValidateForm(request.POST, institution=prealert.institution)
        if form.is_valid() and _validate(user, prealert, form):
            messages.success(request, _("Prealerta validada."))
            return redirect(_prealert_url(prealert))
    else:
        form = ValidateForm(
            institution=prealert.institution,
            initial={
                "case": prealert.case.code if prealert.case and prealert.case.code else "",
                "actor1": services.default_actor(prealert),
                "name": services.default_case_name(prealert),
            },
        )
    return render(
        request, "earlywarning/prealert_validate.html", {"prealert": prealert, "form": form}
    )


def _validate(user: User, prealert: PreAlert, form: ValidateForm) -> bool:
    data = form.cleaned_data
    try:
        if data["target"] == "event":
            case = find_case_for_user(user, data["case"])
            if case is None:
                raise ValidationError(
                    {"case": _("No se encontró el caso «%(ref)s».") % {"ref": data["case"]}}
                )
            services.validate(
                user,
                prealert,
                case=case,
                event_data=services.EventData(
                    event_type=data["event_type"],
                    sub_event_type=data["sub_event_type"],
                    protest_form=data["protest_form"] or "",
                    actor1=data["actor1"],
                    inter1=data["inter1"],
                ),
            )
        else:
            services.validate(
                user,
                prealert,
                new_case_data=services.NewCaseData(name=data["name"], typology=data["typology"]),
            )
    except ValidationError as exc:
        apply_service_errors(form, exc, {"ubigeo_code": "case", "start_date": "name"})
        return False
    return True


@login_required
@require_GET
def attachment_download(
    request: HttpRequest, prealert_uuid: UUID, attachment_uuid: UUID
) -> FileResponse:
    """A photo of a pre-alert, to whoever may read the pre-alert (never a public URL)."""
    user = signed_in_user(request)
    prealert = access.get_prealert_for_user(user, prealert_uuid)
    attachment = prealert.attachments.filter(uuid=attachment_uuid).first()
    if attachment is None:
        raise Http404("attachment")
    response = FileResponse(
        attachment.file.open("rb"), content_type=attachment.content_type, filename=attachment.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def queue_url(**params: str) -> str:
    """The queue's address with filters (for links and tests)."""
    url = reverse("earlywarning:queue")
    return f"{url}?{urlencode(params)}" if params else url

"""Pages of a case's place in the registry: its identifiers in other systems, and merging it
into another case. Every object is found through ``access``; every change goes through
``services``."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from willaq.cases import selectors, services
from willaq.cases.access import (
    can_merge_case,
    classifying_institutions,
    find_case_for_user,
    get_case_for_edit,
    get_case_for_user,
)
from willaq.cases.forms import ClassificationForm, ExternalIdForm, MergeForm, apply_service_errors
from willaq.cases.models import CaseClassification
from willaq.cases.views.common import GET_POST, case_url, signed_in_user


@login_required
@require_http_methods(GET_POST)
def external_id_add(request: HttpRequest, case_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    case = get_case_for_edit(user, case_uuid)
    form = ExternalIdForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.add_external_id(
                user=user,
                case=case,
                source=form.cleaned_data["source"],
                external_id=form.cleaned_data["external_id"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, {"external_ids": NON_FIELD_ERRORS})
        else:
            messages.success(request, _("Identificador externo añadido."))
            return redirect(case_url(case, "identificadores"))
    return render(
        request,
        "cases/record_form.html",
        {"case": case, "form": form, "title": _("Añadir identificador externo")},
    )


@login_required
@require_http_methods(GET_POST)
def case_classify(request: HttpRequest, case_uuid: UUID) -> HttpResponse:
    """An institution classifies the case under the PCM methodology (its own classification,
    beside the registering institution's typology and state)."""
    user = signed_in_user(request)
    case = get_case_for_user(user, case_uuid)
    institutions = classifying_institutions(user, case)
    if not institutions:
        raise PermissionDenied(_("No puede clasificar este caso."))
    current = {row.institution_id: row for row in CaseClassification.objects.filter(case=case)}
    initial: dict[str, object] = {"institution": institutions[0].pk}
    if institutions[0].pk in current:
        initial["classification"] = current[institutions[0].pk].classification
        initial["note"] = current[institutions[0].pk].note
    form = ClassificationForm(
        request.POST if request.method == "POST" else None,
        institutions=institutions,
        initial=initial,
    )
    if form.is_bound and form.is_valid():
        try:
            services.classify_case(
                user=user,
                case=case,
                institution=form.cleaned_data["institution"],
                classification=form.cleaned_data["classification"],
                note=form.cleaned_data["note"],
                at=services.effective_moment(form.cleaned_data.get("effective_date")),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, {})
        else:
            messages.success(request, _("Clasificación guardada."))
            return redirect(case_url(case, "clasificacion"))
    return render(
        request,
        "cases/record_form.html",
        {"case": case, "form": form, "title": _("Clasificar según la metodología PCM")},
    )


@login_required
@require_POST
def external_id_remove(request: HttpRequest, case_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    case = get_case_for_edit(user, case_uuid)
    try:
        services.remove_external_id(
            user=user,
            case=case,
            source=request.POST.get("source", ""),
            external_id=request.POST.get("external_id", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Identificador externo quitado."))
    return redirect(case_url(case, "identificadores"))


class _NotConfirmed(Exception):
    """Raised to undo a validated merge the user has not confirmed yet."""


@login_required
@require_http_methods(GET_POST)
def case_merge(request: HttpRequest, case_uuid: UUID) -> HttpResponse:
    """Merge the case into another, after a confirmation step that shows both cases."""
    user = signed_in_user(request)
    case = get_case_for_edit(user, case_uuid)
    if not can_merge_case(user, case):
        raise PermissionDenied(
            _("Solo un coordinador de la institución fusiona un caso aprobado en otro.")
        )
    form = MergeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        into = find_case_for_user(user, form.cleaned_data["into"])
        if into is None:
            form.add_error("into", _("No hay un caso con ese código."))
        else:
            confirmed = request.POST.get("confirmed") == "1"
            try:
                # Validated in full by the service, then undone until the user confirms.
                with transaction.atomic():
                    services.merge_case(
                        user=user,
                        case=case,
                        into=into,
                        reason=form.cleaned_data["reason"],
                        at=services.effective_moment(form.cleaned_data["effective_date"]),
                    )
                    if not confirmed:
                        raise _NotConfirmed
            except _NotConfirmed:
                return render(
                    request,
                    "cases/merge_confirm.html",
                    {"case": case, "into": into, "form": form},
                )
            except ValidationError as exc:
                apply_service_errors(form, exc, {"transition": NON_FIELD_ERRORS})
            else:
                messages.success(
                    request,
                    _("El caso quedó fusionado en %(code)s.") % {"code": into.display_code},
                )
                return redirect(case_url(case))
    return render(
        request,
        "cases/record_form.html",
        {"case": case, "form": form, "title": _("Fusionar en otro caso")},
    )


@login_required
@require_GET
def case_search(request: HttpRequest) -> JsonResponse:
    """The case picker's source (``CaseCodesInput``): registered cases the user may see, as
    ``{code, name, full_name}``, whose code or name holds ``?q=``, or, with
    ``?codes=2026-0042,2026-0051``, those cases in that order."""
    user = signed_in_user(request)
    if "codes" in request.GET:
        cases = selectors.registered_cases_by_code(user, request.GET["codes"].split(","))
    else:
        cases = selectors.registered_cases_matching(user, request.GET.get("q", ""))
    return JsonResponse(
        [{"code": c.code, "name": c.name, "full_name": f"{c.code} · {c.name}"} for c in cases],
        safe=False,
    )

"""The citizen's pages, no login: the complaint form (``/denuncias/nueva/``) and the tracking
look-up (``/denuncias/seguimiento/``).

The form works without JavaScript (a button reloads the provinces and districts);
``static/js/complaints-form.js`` fills them from the public territory list instead. A refused
submission (bad photo, limit reached) shows the form again with everything typed but the files.
The tracking page answers one thing for a code: its state and the public answer; an unknown or
mistyped code gets the same answer, and look-ups are limited per client address.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from willaq.accounts.models import Institution
from willaq.accounts.throttling import client_ip
from willaq.cases.forms import apply_service_errors
from willaq.complaints.forms import ComplaintForm, TrackingForm
from willaq.complaints.models import Complaint
from willaq.complaints.services import ratelimit
from willaq.complaints.services.intake import (
    TooManyComplaints,
    normalise_code,
    submit_complaint,
)

LOOKUP_SCOPE = "lookup"


def _institutions() -> QuerySet[Institution]:
    return Institution.objects.filter(is_active=True).order_by("name")


def _form_page(
    request: HttpRequest, form: ComplaintForm, status: int = 200, problem: str = ""
) -> HttpResponse:
    response = render(
        request,
        "complaints/complaint_form.html",
        {
            "form": form,
            "problem": problem,
            "territory_url": reverse("earlywarning:prealert_territory"),
        },
        status=status,
    )
    patch_cache_control(response, no_store=True)
    return response


@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _form_page(request, ComplaintForm(institutions=_institutions()))
    if "refresh_places" in request.POST:
        # Without JavaScript: show the provinces and districts of the chosen department.
        form = ComplaintForm(initial=request.POST.dict(), institutions=_institutions())
        return _form_page(request, form)
    form = ComplaintForm(request.POST, request.FILES, institutions=_institutions())
    if form.is_spam:
        # A person never sees the honeypot; whatever was typed stays on the page.
        data = request.POST.copy()
        data["website"] = ""
        form = ComplaintForm(data, institutions=_institutions())
        form.is_valid()
        form.add_error(None, _("No se pudo enviar la denuncia: vuelva a intentarlo."))
        return _form_page(request, form, status=400)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    try:
        complaint, created = submit_complaint(
            form.service_input(), client_address=client_ip(request)
        )
    except TooManyComplaints as limit:
        return _form_page(request, form, status=429, problem=limit.message)
    except ValidationError as error:
        apply_service_errors(form, error, ComplaintForm.SERVICE_FIELDS)
        return _form_page(request, form, status=400)
    response = render(
        request,
        "complaints/complaint_received.html",
        {"code": complaint.display_code, "created": created},
        status=201 if created else 200,
    )
    patch_cache_control(response, no_store=True)
    return response


@require_http_methods(["GET", "POST"])
def tracking(request: HttpRequest) -> HttpResponse:
    """Look a complaint up by its code: only its state and public answer."""
    result: dict[str, str] | None = None
    not_found = False
    status = 200
    if request.method == "POST":
        form = TrackingForm(request.POST)
        address = client_ip(request)
        if ratelimit.over_limit(LOOKUP_SCOPE, address, settings.WILLAQ_COMPLAINTS_LOOKUPS_PER_HOUR):
            form.add_error(
                None,
                _(
                    "Demasiadas consultas desde esta conexión en la última hora. Espere un momento "
                    "y vuelva a intentarlo."
                ),
            )
            status = 429
        elif form.is_valid():
            ratelimit.count_one(LOOKUP_SCOPE, address)
            # Only the two fields the citizen may read leave the database.
            row = (
                Complaint.objects.filter(tracking_code=normalise_code(form.cleaned_data["code"]))
                .values("state", "public_answer")
                .first()
            )
            if row is None:
                not_found = True
            else:
                result = {
                    "state": str(Complaint(state=row["state"]).get_state_display()),
                    "public_answer": row["public_answer"],
                }
    else:
        form = TrackingForm()
    response = render(
        request,
        "complaints/tracking.html",
        {"form": form, "result": result, "not_found": not_found},
        status=status,
    )
    patch_cache_control(response, no_store=True)
    return response

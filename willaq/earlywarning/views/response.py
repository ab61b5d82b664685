"""Pages of the response: deployment orders with their 48-hour clock, ordering one, moving it
on, and the response-time statistics.

Orders are read through ``access`` (``visible_orders``, ``get_order_for_user``) and changed
through ``services.response``; the clock is ``willaq.earlywarning.clock``.
"""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from willaq.cases.access import visible_cases
from willaq.cases.forms import apply_service_errors
from willaq.cases.models import Case
from willaq.cases.views.common import GET_POST, is_htmx_partial, signed_in_user
from willaq.earlywarning import access
from willaq.earlywarning.clock import response_window, warning_window
from willaq.earlywarning.forms import (
    OrderAdvanceForm,
    OrderFilterForm,
    OrderForm,
    ResponseStatsForm,
)
from willaq.earlywarning.models import Alert
from willaq.earlywarning.selectors import response as selectors
from willaq.earlywarning.services import response as services
from willaq.territory.models import Ubigeo


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    """The orders the user may see (given by or to their institutions), newest first, each with
    its clock; filters by state, responsible institution, department and overdue."""
    user = signed_in_user(request)
    form = OrderFilterForm(request.GET, institutions=selectors.order_institutions(user))
    orders = selectors.filter_orders(user, form.filters())
    page = Paginator(orders, selectors.ORDER_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_order": access.issuing_institutions(user).exists(),
        "hours": settings_hours(),
    }
    template = (
        "earlywarning/partials/order_rows.html"
        if is_htmx_partial(request)
        else "earlywarning/order_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def settings_hours() -> dict[str, int]:
    return {
        "due": int(response_window().total_seconds() // 3600),
        "warn": int(warning_window().total_seconds() // 3600),
    }


def _prefill(request: HttpRequest, user: Any) -> tuple[dict[str, Any], Alert | None, Case | None]:
    """The form's initial values from ``?alerta=<uuid>`` or ``?caso=<uuid>`` (ignored when
    unknown or not visible)."""
    initial: dict[str, Any] = {}
    alert = case = None
    wanted_alert = request.GET.get("alerta") or request.POST.get("alert")
    wanted_case = request.GET.get("caso") or request.POST.get("case")
    try:
        if wanted_alert:
            alert = access.visible_alerts(user).filter(uuid=UUID(wanted_alert)).first()
        if wanted_case:
            case = visible_cases(user).filter(uuid=UUID(wanted_case)).first()
    except ValueError:
        pass
    place: Ubigeo | None = None
    if alert is not None:
        initial |= {"alert": alert.uuid, "instructions": alert.instruction}
        place = alert.area_units.order_by("code").first()
        if alert.case_id and case is None:
            case = alert.case
    if case is not None:
        initial["case"] = case.uuid
        if place is None:
            principal = case.places.select_related("ubigeo").order_by("-is_principal").first()
            place = principal.ubigeo if principal else None
    if place is not None:
        initial |= OrderForm.place_initial("place", place)
    return initial, alert, case


@login_required
@require_http_methods(GET_POST)
def order_create(request: HttpRequest) -> HttpResponse:
    """Order a response (coordinators), optionally answering an alert or a case."""
    user = signed_in_user(request)
    ordering = access.issuing_institutions(user)
    if not ordering.exists():
        raise PermissionDenied(_("Solo los coordinadores ordenan una respuesta."))
    initial, alert, case = _prefill(request, user)
    form = OrderForm(
        request.POST if request.method == "POST" else None, initial=initial, ordering=ordering
    )
    if form.is_bound and form.is_valid() and form.ubigeo is not None:
        try:
            order = services.order_response(
                user,
                ordering_institution=form.cleaned_data["ordering_institution"],
                institution=form.cleaned_data["institution"],
                team=form.cleaned_data["team"],
                team_members=form.cleaned_data["team_members"],
                ubigeo=form.ubigeo,
                instructions=form.cleaned_data["instructions"],
                alert=alert,
                case=case,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Orden de despliegue emitida: el plazo corre desde ahora."))
            return redirect("earlywarning:order_detail", order_uuid=order.uuid)
    return render(
        request,
        "earlywarning/order_form.html",
        {"form": form, "alert": alert, "case": case, "hours": settings_hours()},
    )


@login_required
@require_GET
def order_detail(request: HttpRequest, order_uuid: UUID) -> HttpResponse:
    """One order: its clock, its moments, the report, and the next states for those who may
    move it on."""
    user = signed_in_user(request)
    order = access.get_order_for_user(user, order_uuid)
    return _detail_page(request, order, None)


def _detail_page(request: HttpRequest, order: Any, form: OrderAdvanceForm | None) -> HttpResponse:
    user = signed_in_user(request)
    can_update = access.can_update_order(user, order)
    states = services.next_states(order)
    if form is None and can_update and states:
        form = OrderAdvanceForm(states=states, initial={"state": states[0]})
    return render(
        request,
        "earlywarning/order_detail.html",
        {
            "order": order,
            "members": list(order.team_members.order_by("full_name")),
            "form": form if can_update else None,
            "due_at": services.due_at(order),
            "hours": settings_hours(),
        },
        status=400 if form is not None and form.is_bound else 200,
    )


@login_required
@require_POST
def order_advance(request: HttpRequest, order_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    order = access.get_order_for_user(user, order_uuid)
    if not access.can_update_order(user, order):
        raise PermissionDenied(_("No puede actualizar esta orden de despliegue."))
    form = OrderAdvanceForm(request.POST, states=services.next_states(order))
    if form.is_valid():
        try:
            services.advance(
                user,
                order,
                form.cleaned_data["state"],
                report=form.cleaned_data["report"],
                at=form.moment(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Orden actualizada."))
            return redirect("earlywarning:order_detail", order_uuid=order.uuid)
    return _detail_page(request, order, form)


@login_required
@require_GET
def order_stats(request: HttpRequest) -> HttpResponse:
    """Response times per institution and per department over the orders the user sees."""
    user = signed_in_user(request)
    form = ResponseStatsForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    stats = selectors.response_stats(user, since=data.get("since"), until=data.get("until"))
    return render(
        request,
        "earlywarning/order_stats.html",
        {
            "form": form,
            "stats": stats,
            "hours": settings_hours(),
            "chart": _chart(stats) if stats.by_institution else None,
        },
    )


def _chart(stats: selectors.ResponseStats) -> dict[str, Any]:
    """A Vega-Lite bar chart: median and 90th percentile of the response time per institution,
    with the response window as a rule."""
    values = [
        {"institucion": row.label, "medida": label, "horas": hours}
        for row in stats.by_institution
        for label, hours in ((_("Mediana"), row.median_hours), (_("Percentil 90"), row.p90_hours))
        if hours is not None
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": _("Tiempo de respuesta por institución (horas)"),
        "width": "container",
        "layer": [
            {
                "data": {"values": values},
                "mark": "bar",
                "encoding": {
                    "y": {"field": "institucion", "type": "nominal", "title": None},
                    "yOffset": {"field": "medida"},
                    "x": {"field": "horas", "type": "quantitative", "title": _("Horas")},
                    "color": {"field": "medida", "type": "nominal", "title": None},
                    "tooltip": [
                        {"field": "institucion", "title": _("Institución")},
                        {"field": "medida", "title": _("Medida")},
                        {"field": "horas", "title": _("Horas"), "format": ".1f"},
                    ],
                },
            },
            {
                "data": {"values": [{"horas": stats.hours}]},
                "mark": {"type": "rule", "strokeDash": [4, 4]},
                "encoding": {"x": {"field": "horas", "type": "quantitative"}},
            },
        ],
    }

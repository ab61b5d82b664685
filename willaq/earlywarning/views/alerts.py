"""Alert pages: the list, an alert's page (its thread), its CAP document, the forms to issue,
update and cancel, and the Atom feed of public alerts.

Reads go through ``access`` (``visible_alerts``, ``get_alert_for_user``, ``public_alerts``):
a public alert is read by anyone, signed in or not; a restricted one by the issuing and
recipient institutions only, and answers 404 to anyone else on every URL. Changes go through
``services.alerts``, which checks the coordinator's role again.
"""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from willaq.accounts.models import Institution, User
from willaq.cases.access import get_case_for_user
from willaq.cases.forms import apply_service_errors
from willaq.cases.models import Case
from willaq.earlywarning import access
from willaq.earlywarning.cap import CAP_CONTENT_TYPE, build_cap
from willaq.earlywarning.forms import AlertCancelForm, AlertFilterForm, AlertForm
from willaq.earlywarning.models import Alert, PreAlert
from willaq.earlywarning.selectors_alerts import (
    PAGE_SIZE,
    AlertFilters,
    AlertState,
    alert_state,
    filter_alerts,
    is_cancelled,
    thread,
    visible_filtered_alerts,
)
from willaq.earlywarning.services import alerts as services

GET_POST = ["GET", "POST"]
FEED_SIZE = 50


def _signed_in(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _is_htmx_partial(request: HttpRequest) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    """The alerts the visitor may read (public ones to anyone), newest first, filtered."""
    form = AlertFilterForm(request.GET)
    filters = AlertFilters.from_data(form.filter_data())
    alerts = visible_filtered_alerts(request.user, filters).prefetch_related("area_units")
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(alert, alert_state(alert, now)) for alert in page.object_list]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "can_issue": access.issuing_institutions(request.user).exists(),
    }
    partial = _is_htmx_partial(request)
    template = (
        "earlywarning/partials/alert_rows.html" if partial else "earlywarning/alert_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def alert_detail(request: HttpRequest, alert_uuid: UUID) -> HttpResponse:
    """One alert and its thread (the original, its updates, its cancellation), as far as the
    visitor may read each message."""
    alert = access.get_alert_for_user(request.user, alert_uuid)
    visible = access.visible_alerts(request.user)
    messages_ = list(
        thread(alert).filter(pk__in=visible.values("pk")).select_related("institution")
    )
    cancelled = is_cancelled(alert)
    return render(
        request,
        "earlywarning/alert_detail.html",
        {
            "alert": alert,
            "state": alert_state(alert),
            "states": AlertState,
            "thread": messages_,
            "units": list(alert.area_units.order_by("code")),
            "recipients": list(alert.recipients.order_by("name")),
            "can_follow_up": not cancelled and access.can_follow_up_alert(request.user, alert),
            # Its response is ordered from here (a coordinator of any institution that sees it).
            "can_order": not cancelled and access.issuing_institutions(request.user).exists(),
        },
    )


@require_GET
def alert_cap(request: HttpRequest, alert_uuid: UUID) -> HttpResponse:
    """The alert as a CAP 1.2 document."""
    alert = access.get_alert_for_user(request.user, alert_uuid)
    response = HttpResponse(build_cap(alert), content_type=CAP_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{alert.identifier}.xml"'
    return response


# --- issue, update, cancel ----------------------------------------------------------------------


def _uuid_list(text: str) -> list[str]:
    values = []
    for part in text.split(","):
        try:
            values.append(str(UUID(part.strip())))
        except ValueError:
            continue
    return values


def _sources(request: HttpRequest, user: User) -> tuple[list[PreAlert], Case | None]:
    """The pre-alerts (``?prealertas=<uuid>,<uuid>``, those the user may read) and the case
    (``?caso=<uuid>``, 404 when the user may not see it) the alert is issued from."""
    wanted = _uuid_list(request.GET.get("prealertas", ""))
    prealerts = list(
        access.visible_prealerts(user).filter(uuid__in=wanted).select_related("ubigeo")
    )
    if len(prealerts) != len(set(wanted)):
        messages.warning(request, _("Algunas prealertas indicadas no existen o no las puede ver."))
    case = None
    if request.GET.get("caso"):
        case = get_case_for_user(user, request.GET["caso"])
    return prealerts, case


def _initial_from(prealerts: list[PreAlert], case: Case | None) -> dict[str, Any]:
    codes: list[str] = [p.ubigeo.code for p in prealerts if p.ubigeo is not None]
    texts = [p.description for p in prealerts if p.description]
    initial: dict[str, Any] = {}
    if case is not None:
        codes += [place.ubigeo.code for place in case.places.select_related("ubigeo")]
        initial["headline"] = case.name[:160]
        texts.insert(0, case.description)
    if prealerts:
        initial["institution"] = prealerts[0].institution
    initial["area_units"] = ", ".join(dict.fromkeys(codes))
    initial["description"] = "\n\n".join(t for t in texts if t)
    return initial


def _initial_of(alert: Alert) -> dict[str, Any]:
    return {
        "level": alert.level,
        "urgency": alert.urgency,
        "certainty": alert.certainty,
        "headline": alert.headline,
        "description": alert.description,
        "instruction": alert.instruction,
        "area_units": ", ".join(u.code for u in alert.area_units.order_by("code")),
        "area_description": alert.area_description,
        "latitude": alert.latitude,
        "longitude": alert.longitude,
        "radius_km": alert.radius_km,
        "polygon": alert.polygon,
        "recipients": list(alert.recipients.all()),
        "is_public": alert.is_public,
        "expires_at": timezone.localtime(alert.expires_at) if alert.expires_at else None,
    }


def _form_page(
    request: HttpRequest, form: Any, title: str, *, cancel_url: str, **extra: Any
) -> HttpResponse:
    context = {"form": form, "title": title, "cancel_url": cancel_url, **extra}
    return render(request, "earlywarning/alert_form.html", context)


@login_required
@require_http_methods(GET_POST)
def alert_create(request: HttpRequest) -> HttpResponse:
    """Issue an alert (coordinators), prefilled from ``?prealertas=`` or ``?caso=``."""
    user = _signed_in(request)
    institutions = access.issuing_institutions(user)
    if not institutions.exists():
        raise PermissionDenied(_("Solo los coordinadores emiten alertas."))
    prealerts, case = _sources(request, user)
    form = AlertForm(
        request.POST if request.method == "POST" else None,
        institutions=institutions,
        initial=_initial_from(prealerts, case),
    )
    if form.is_bound and form.is_valid():
        institution: Institution = form.cleaned_data["institution"]
        try:
            alert = services.issue_alert(
                user, institution, form.alert_input(), prealerts=prealerts, case=case
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, AlertForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("Alerta emitida."))
            return redirect("earlywarning:alert_detail", alert_uuid=alert.uuid)
    return _form_page(
        request,
        form,
        _("Nueva alerta"),
        cancel_url=reverse("earlywarning:alerts"),
        prealerts=prealerts,
        case=case,
    )


def _alert_to_follow(request: HttpRequest, alert_uuid: UUID) -> tuple[User, Alert]:
    user = _signed_in(request)
    alert = access.get_alert_for_user(user, alert_uuid)
    if not access.can_follow_up_alert(user, alert):
        raise PermissionDenied(_("Solo los coordinadores de la institución emisora."))
    return user, alert


@login_required
@require_http_methods(GET_POST)
def alert_update(request: HttpRequest, alert_uuid: UUID) -> HttpResponse:
    """An update of the alert's thread (a new CAP message referencing the original)."""
    user, alert = _alert_to_follow(request, alert_uuid)
    latest = thread(alert).last() or alert
    form = AlertForm(
        request.POST if request.method == "POST" else None, initial=_initial_of(latest)
    )
    detail_url = reverse("earlywarning:alert_detail", kwargs={"alert_uuid": alert.uuid})
    if is_cancelled(alert):
        messages.error(request, _("Esta alerta fue cancelada: no admite más mensajes."))
        return redirect(detail_url)
    if form.is_bound and form.is_valid():
        try:
            update = services.update_alert(user, alert, form.alert_input())
        except ValidationError as exc:
            apply_service_errors(form, exc, AlertForm.SERVICE_FIELDS)
        else:
            messages.success(request, _("Actualización emitida."))
            return redirect("earlywarning:alert_detail", alert_uuid=update.uuid)
    return _form_page(
        request, form, _("Actualizar la alerta"), cancel_url=detail_url, original=alert
    )


@login_required
@require_http_methods(GET_POST)
def alert_cancel(request: HttpRequest, alert_uuid: UUID) -> HttpResponse:
    """Cancel the alert's thread, with a reason (a CAP Cancel message)."""
    user, alert = _alert_to_follow(request, alert_uuid)
    detail_url = reverse("earlywarning:alert_detail", kwargs={"alert_uuid": alert.uuid})
    if is_cancelled(alert):
        messages.error(request, _("Esta alerta fue cancelada: no admite más mensajes."))
        return redirect(detail_url)
    form = AlertCancelForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            cancellation = services.cancel_alert(user, alert, form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Alerta cancelada."))
            return redirect("earlywarning:alert_detail", alert_uuid=cancellation.uuid)
    return render(
        request,
        "earlywarning/alert_cancel.html",
        {"form": form, "alert": alert, "cancel_url": detail_url},
    )


# --- the Atom feed ------------------------------------------------------------------------------


class CapAtomFeed(Atom1Feed):
    """Atom 1.0 whose entries also link to their CAP document (``type="application/cap+xml"``)."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement(
            "link", "", {"rel": "alternate", "type": CAP_CONTENT_TYPE, "href": item["cap_url"]}
        )


class AlertFeed(Feed):  # type: ignore[type-arg]
    """``/alertas/feed.atom``: the public alerts, newest first (restricted ones never)."""

    feed_type = CapAtomFeed
    title = gettext_lazy("Willaq · alertas públicas")
    subtitle = gettext_lazy("Alertas de conflictos sociales (OASIS CAP 1.2)")
    link = reverse_lazy("earlywarning:alerts")

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def items(self) -> list[Alert]:
        alerts = filter_alerts(access.public_alerts(), AlertFilters())
        return list(alerts[:FEED_SIZE])

    def item_title(self, item: Alert) -> str:
        return f"{item.get_msg_type_display()} · {item.get_level_display()}: {item.headline}"

    def item_description(self, item: Alert) -> str:
        return item.description

    def item_link(self, item: Alert) -> str:
        return reverse("earlywarning:alert_detail", kwargs={"alert_uuid": item.uuid})

    def item_guid(self, item: Alert) -> str:
        return f"urn:willaq:alert:{item.identifier}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Alert) -> Any:
        return item.sent_at

    def item_updateddate(self, item: Alert) -> Any:
        return item.sent_at

    def item_author_name(self, item: Alert) -> str:
        return item.institution.name

    def item_extra_kwargs(self, item: Alert) -> dict[str, Any]:
        path = reverse("earlywarning:alert_cap", kwargs={"alert_uuid": item.uuid})
        return {"cap_url": self.request.build_absolute_uri(path)}

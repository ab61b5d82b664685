"""The monthly report's pages: the index (published months, the build form), a month's report
(the current published version, or the live figures marked as a draft, with the build, publish
and correct actions and the build's progress), its PDF, and the build's progress for HTMX.

Every report is reached through ``access``: a published version is public; figures not
published need login (``access.can_view_unpublished``). Bad input — a malformed, future or
too-early month, an unknown institution or version — answers a readable page (400/404)."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from willaq.accounts.models import Institution, User
from willaq.reports import selectors, services
from willaq.reports.access import (
    can_build,
    can_publish,
    can_view_charts,
    can_view_unpublished,
    get_report_for_user,
    member_filter,
    report_institution,
)
from willaq.reports.building import CHART_MONTHS, REPORT_CHARTS, compute_figures
from willaq.reports.forms import BuildForm, FilterForm
from willaq.reports.models import FROZEN_STATUSES, MonthlyReport, ReportStatus
from willaq.reports.months import check_reportable, has_ended, month_label, parse_month
from willaq.reports.series import last_months

GET_POST = ["GET", "POST"]
INDEX_PAGE_SIZE = 24
# Fiches shown on the page (the rest: the "fiches" CSV table, as in the PDF).
MAX_PAGE_FICHES = 200


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 404) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _problem(request: HttpRequest, error: BadRequest) -> HttpResponse:
    return render(request, "reports/problem.html", {"message": error.message}, status=error.status)


def _month(text: str) -> dt.date:
    try:
        month = parse_month(text)
    except ValidationError as exc:
        raise BadRequest(" ".join(exc.messages), status=400) from exc
    try:
        check_reportable(month)
    except ValidationError as exc:
        raise BadRequest(" ".join(exc.messages)) from exc
    return month


def _institution(request: HttpRequest) -> Institution | None:
    try:
        return report_institution(request.GET.get("institucion"))
    except ValidationError as exc:
        raise BadRequest(" ".join(exc.messages)) from exc


def _month_url(month: dt.date, institution: Institution | None, suffix: str = "") -> str:
    url = reverse("reports:monthly", args=[f"{month:%Y-%m}"])
    if suffix == ".pdf":
        url = reverse("reports:monthly_pdf", args=[f"{month:%Y-%m}"])
    if institution is not None:
        url += "?" + urlencode({"institucion": institution.slug})
    return url


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


@require_http_methods(GET_POST)
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    build_form = None
    if user is not None and _builds_somewhere(user):
        build_form = BuildForm(request.POST or None, user=user)
        if request.method == "POST" and build_form.is_valid():
            month = build_form.cleaned_data["month"]
            institution = build_form.cleaned_data["institution"]
            try:
                services.request_build(user, month, institution)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                return redirect(_month_url(month, institution))
    elif request.method == "POST":
        raise PermissionDenied
    filters = FilterForm(request.GET or None)
    published = MonthlyReport.objects.filter(status__in=FROZEN_STATUSES)
    if filters.is_valid():
        if filters.cleaned_data["mes"]:
            published = published.filter(month=filters.cleaned_data["mes"])
        slug = filters.cleaned_data["institucion"]
        if slug == "":
            published = published.filter(institution__isnull=True)
        elif slug and slug != "*":
            published = published.filter(institution__slug=slug)
    page = Paginator(
        published.select_related("institution", "published_by").order_by(
            "-month", "institution__name", "-version"
        ),
        INDEX_PAGE_SIZE,
    ).get_page(request.GET.get("pagina"))
    drafts: list[MonthlyReport] = []
    if user is not None:
        drafts = list(
            MonthlyReport.objects.filter(member_filter(user))
            .exclude(status__in=FROZEN_STATUSES)
            .select_related("institution", "created_by")
            .order_by("-created_at")[:10]
        )
    return render(
        request,
        "reports/index.html",
        {
            "filters": filters,
            "page": page,
            "drafts": drafts,
            "build_form": build_form,
            "query": _without_page(request),
        },
    )


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("pagina", None)
    return query.urlencode()


def _builds_somewhere(user: User) -> bool:
    """The registry's report or some institution's: whoever may build one sees the form."""
    return can_build(user, None) or any(
        can_build(user, i) for i in Institution.objects.filter(is_active=True)
    )


@require_http_methods(GET_POST)
def monthly(request: HttpRequest, month: str) -> HttpResponse:
    try:
        the_month = _month(month)
        institution = _institution(request)
        if request.method == "POST":
            return _monthly_action(request, the_month, institution)
        return _monthly_page(request, the_month, institution)
    except BadRequest as error:
        return _problem(request, error)


def _version(request: HttpRequest, month: dt.date, institution: Institution | None) -> Any:
    text = request.GET.get("version", "").strip()
    if not text:
        return None
    found = None
    if text.isdigit():
        found = (
            selectors.reports_of(month, institution)
            .filter(status__in=FROZEN_STATUSES, version=int(text))
            .first()
        )
    if found is None:
        raise BadRequest(
            _("%(month)s no tiene una versión publicada «%(version)s».")
            % {"month": month_label(month), "version": text[:20]}
        )
    return found


def _monthly_page(
    request: HttpRequest, month: dt.date, institution: Institution | None
) -> HttpResponse:
    user = request.user
    current = selectors.current_version(month, institution)
    shown: MonthlyReport | None = _version(request, month, institution) or current
    unpublished_ok = can_view_unpublished(user, institution)
    figures: Any = None
    if shown is not None:
        figures = shown.figures
    elif not unpublished_ok:
        raise BadRequest(
            _(
                "El reporte de %(month)s todavía no se ha publicado. Las cifras sin publicar "
                "solo las ven los miembros de las instituciones, con su cuenta."
            )
            % {"month": month_label(month)}
        )
    else:
        # Inside the web request only the counters (about a second for a regional registry);
        # the fiches come with a build (Celery), as the PDF.
        figures = compute_figures(month, institution, fiches=False)
    build = selectors.latest_build(month, institution) if unpublished_ok else None
    return render(
        request,
        "reports/monthly.html",
        {
            "month": month,
            "month_slug": f"{month:%Y-%m}",
            "month_label": month_label(month),
            "institution": institution,
            "figures": figures,
            "fiches": figures["fiches"][:MAX_PAGE_FICHES],
            "fiches_hidden": max(0, len(figures["fiches"]) - MAX_PAGE_FICHES),
            "fiches_in_build": shown is None,
            "shown": shown,
            "current": current,
            "versions": selectors.versions(month, institution),
            "build": build,
            "can_build": can_build(user, institution),
            "can_publish": can_publish(user, institution),
            "month_ended": has_ended(month),
            "chart_specs": shown.charts if shown is not None else [],
            "chart_urls": (
                _chart_urls(month, institution) if shown is None and can_view_charts(user) else []
            ),
            "link_cases": user.is_authenticated,
            "page_url": _month_url(month, institution),
            "pdf_url": _month_url(month, institution, ".pdf"),
            "institution_query": (
                "?" + urlencode({"institucion": institution.slug}) if institution else ""
            ),
        },
    )


def _chart_urls(month: dt.date, institution: Institution | None) -> list[str]:
    """The chart JSON of each of the report's charts, over the 24 months up to ``month``."""
    first, last = last_months(CHART_MONTHS, until=month)
    query = {"desde": f"{first:%Y-%m}", "hasta": f"{last:%Y-%m}"}
    if institution is not None:
        query["institucion"] = institution.slug
    return [
        reverse("reports:chart", args=[name]) + "?" + urlencode(query) for name in REPORT_CHARTS
    ]


def _monthly_action(
    request: HttpRequest, month: dt.date, institution: Institution | None
) -> HttpResponse:
    user = _user(request)
    if user is None:
        raise BadRequest(_("Entre con su cuenta para generar o publicar un reporte."), 403)
    action = request.POST.get("action", "")
    try:
        if action == "build":
            services.request_build(user, month, institution)
        elif action in ("publish", "correct"):
            try:
                report_uuid = UUID(request.POST.get("report", ""))
            except ValueError as exc:
                raise BadRequest(_("Falta el informe que publicar."), 400) from exc
            report = get_report_for_user(user, report_uuid)
            if report.month != month or report.institution_id != (
                institution.pk if institution else None
            ):
                raise BadRequest(_("Ese informe es de otro mes o de otra institución."), 400)
            if action == "publish":
                services.publish(user, report, request.POST.get("note", ""))
                messages.success(request, _("Reporte publicado."))
            else:
                services.correct(user, report, request.POST.get("note", ""))
                messages.success(
                    request,
                    _("Se está generando la corrección: se publicará como nueva versión."),
                )
        else:
            raise BadRequest(_("Acción desconocida."), 400)
    except PermissionDenied as exc:
        raise BadRequest(str(exc) or _("No tiene permiso para esto."), 403) from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(_month_url(month, institution))


@require_GET
def monthly_pdf(request: HttpRequest, month: str) -> HttpResponseBase:
    """The current published version's PDF (or ``?version=N``); for members, without a published
    version, the newest built draft — or a build started now, whose progress the page shows."""
    try:
        the_month = _month(month)
        institution = _institution(request)
        report = _version(request, the_month, institution) or selectors.current_version(
            the_month, institution
        )
        if report is not None:
            return _pdf_response(report)
        user = request.user
        if not can_view_unpublished(user, institution):
            raise BadRequest(
                _("El reporte de %(month)s todavía no se ha publicado.")
                % {"month": month_label(the_month)}
            )
        build = selectors.latest_build(the_month, institution)
        if build is not None and build.status == ReportStatus.READY:
            return _pdf_response(build)
        if build is None and isinstance(user, User) and can_build(user, institution):
            build = services.request_build(user, the_month, institution)
        if build is None:
            raise BadRequest(_("Este mes no tiene todavía un PDF."))
        return render(
            request,
            "reports/pdf_wait.html",
            {
                "build": build,
                "month_label": month_label(the_month),
                "page_url": _month_url(the_month, institution),
                "next": "pdf",
            },
            status=202 if build.is_running else 200,
        )
    except BadRequest as error:
        return _problem(request, error)


def _pdf_response(report: MonthlyReport) -> HttpResponseBase:
    if not report.pdf:
        raise BadRequest(_("Este informe no tiene PDF."))
    suffix = f"-v{report.version}" if report.version else "-borrador"
    who = report.institution.slug if report.institution else "registro"
    return FileResponse(
        report.pdf.open("rb"),
        as_attachment=False,
        filename=f"reporte-{report.month_slug}-{who}{suffix}.pdf",
        content_type="application/pdf",
    )


@require_GET
def build_progress(request: HttpRequest, report_uuid: UUID) -> HttpResponse:
    """HTMX, polled every second while a build runs: the progress bar, or — when the build is
    over — a redirect to the month's page (or its PDF)."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    report = get_report_for_user(request.user, report_uuid)
    if not report.is_running:
        response = HttpResponse(status=204)
        target = _month_url(report.month, report.institution)
        if request.GET.get("next") == "pdf" and report.status != ReportStatus.FAILED:
            target = _month_url(report.month, report.institution, ".pdf")
        response["HX-Redirect"] = target
        return response
    return render(
        request,
        "reports/partials/build_progress.html",
        {"build": report, "next": request.GET.get("next", "")},
    )


def report_pdf(request: HttpRequest, report_uuid: UUID) -> HttpResponseBase:
    """One build's or version's PDF by its uuid, through the access rule."""
    try:
        return _pdf_response(get_report_for_user(request.user, report_uuid))
    except BadRequest as error:
        return _problem(request, error)

"""The CSV download of each table of the monthly report: /reportes/mensual/AAAA-MM/<tabla>.csv."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from willaq.reports import access, selectors
from willaq.reports.monthly import parse_month
from willaq.reports.tables import TABLE_NAMES, csv_bytes, csv_filename, table_titles, tables


def _refused(request: HttpRequest, error: ValidationError, status: int = 400) -> HttpResponse:
    messages = [str(m) for m in error.messages]
    return render(
        request,
        "reports/month_refused.html",
        {"messages": messages, "tables": table_titles()},
        status=status,
    )


@login_required
@require_GET
def monthly_table_csv(request: HttpRequest, month: str, table: str) -> HttpResponse:
    """One table of the month's report as CSV (UTF-8 with BOM); ``?institucion=<slug>`` keeps
    one institution's cases. A bad month, institution or table gets a page saying which."""
    if not access.can_view_monthly_figures(request.user):
        raise PermissionDenied
    if table not in TABLE_NAMES:
        return _refused(
            request,
            ValidationError(_("Tabla desconocida: «%(name)s».") % {"name": table[:40]}),
            404,
        )
    slug = request.GET.get("institucion") or None
    try:
        year, number = parse_month(month)
        institution = access.report_institution(slug)
        figures = selectors.month_figures(year, number, institution)
    except ValidationError as error:
        return _refused(request, error)
    response = HttpResponse(
        csv_bytes(tables(figures)[table]), content_type="text/csv; charset=utf-8"
    )
    name = csv_filename(figures["month"], table, institution.slug if institution else None)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

"""The charts' data for the pages: ``/reportes/graficos/<name>.json`` answers one chart's
Vega-Lite spec (``willaq.reports.charts``) with its data inline, for the signed-in members of an
institution. ``static/js/charts.js`` draws it wherever a page has ``data-vega-spec="<url>"``
(the dashboard: the last 24 months of the whole registry).

Query: ``desde`` and ``hasta`` (YYYY-MM, by default the 24 months up to this one) and
``institucion`` (a slug; by default every institution). The series are cached briefly
(``CHART_CACHE_SECONDS``), shared by every chart and every reader: they hold counts of the shared
registry only, the same for whoever may read them.
"""

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from willaq.accounts.models import Institution
from willaq.reports.access import can_view_charts
from willaq.reports.charts import CHARTS
from willaq.reports.series import (
    ChartSeries,
    SeriesError,
    chart_series,
    last_months,
    month_label,
    parse_month,
)

# How long a series is reused (the dashboard's four charts, every reader).
CHART_CACHE_SECONDS = 300
# The dashboard's period.
DEFAULT_MONTHS = 24
_PARAMETERS = {"desde", "hasta", "institucion"}


def _problem(status: int, detail: str, errors: dict[str, str] | None = None) -> JsonResponse:
    return JsonResponse({"detail": detail, "errors": errors or {}}, status=status)


def cached_series(first_text: str, last_text: str, institution: Institution | None) -> ChartSeries:
    first, last = parse_month(first_text), parse_month(last_text)
    key = f"reports:chart-series:{month_label(first)}:{month_label(last)}:" + (
        institution.slug if institution else "*"
    )
    found: ChartSeries | None = cache.get(key)
    if found is None:
        found = chart_series(first, last, institution)
        cache.set(key, found, CHART_CACHE_SECONDS)
    return found


@require_GET
@login_required
def chart_data(request: HttpRequest, name: str) -> JsonResponse:
    build = CHARTS.get(name)
    if build is None:
        return _problem(404, _("No existe el gráfico «%(name)s».") % {"name": name[:40]})
    if not can_view_charts(request.user):
        return _problem(403, _("Los gráficos son para los miembros de una institución."))
    unknown = sorted(set(request.GET) - _PARAMETERS)
    if unknown:
        return _problem(
            400,
            _("Parámetros desconocidos: %(names)s.") % {"names": ", ".join(unknown)[:200]},
            {name[:40]: _("Parámetro desconocido.") for name in unknown[:10]},
        )
    default_first, default_last = last_months(DEFAULT_MONTHS)
    first = request.GET.get("desde") or month_label(default_first)
    last = request.GET.get("hasta") or month_label(default_last)
    institution = None
    slug = request.GET.get("institucion", "").strip()
    if slug:
        institution = Institution.objects.filter(slug=slug).first()
        if institution is None:
            return _problem(
                404,
                _("Institución desconocida: «%(slug)s».") % {"slug": slug[:60]},
                {"institucion": _("Institución desconocida.")},
            )
    try:
        series = cached_series(first, last, institution)
    except SeriesError as error:
        return _problem(400, str(error), {"desde/hasta": str(error)})
    response = JsonResponse(build(series))
    response["Content-Language"] = get_language() or ""
    patch_cache_control(response, private=True, max_age=CHART_CACHE_SECONDS)
    return response

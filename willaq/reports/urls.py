from django.urls import URLPattern, path

from willaq.reports import chart_views

app_name = "reports"

urlpatterns: list[URLPattern] = []

# Charts: one chart's Vega-Lite spec with its data, for data-vega-spec (static/js/charts.js).
urlpatterns += [
    path("reportes/graficos/<slug:name>.json", chart_views.chart_data, name="chart"),
]

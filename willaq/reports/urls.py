from django.urls import URLPattern, path

from willaq.reports import chart_views, views, views_tables

app_name = "reports"

urlpatterns: list[URLPattern] = []

# report-engine: the CSV of each table of the monthly report.
urlpatterns += [
    path(
        "reportes/mensual/<str:month>/<str:table>.csv",
        views_tables.monthly_table_csv,
        name="monthly_table_csv",
    ),
]

# report-output: the monthly report as HTML and PDF, its builds and versions.
urlpatterns += [
    path("reportes/", views.index, name="index"),
    path("reportes/mensual/<str:month>.pdf", views.monthly_pdf, name="monthly_pdf"),
    path("reportes/mensual/<str:month>/", views.monthly, name="monthly"),
    path(
        "reportes/generacion/<uuid:report_uuid>/progreso/",
        views.build_progress,
        name="build_progress",
    ),
    path("reportes/generacion/<uuid:report_uuid>.pdf", views.report_pdf, name="report_pdf"),
]

# Charts: one chart's Vega-Lite spec with its data, for data-vega-spec (static/js/charts.js).
urlpatterns += [
    path("reportes/graficos/<slug:name>.json", chart_views.chart_data, name="chart"),
]

from django.urls import URLPattern, path

from willaq.reports.views import charts, map, monthly, opendata, tables

app_name = "reports"

urlpatterns: list[URLPattern] = [
    # The map: signed in (what the user sees) and public (the shared registry).
    path("mapa/", map.map_page, name="map"),
    path("mapa/publico/", map.public_map_page, name="public_map"),
    path("mapa/publico/datos.json", map.public_map_data, name="public_map_data"),
    # The monthly report: HTML and PDF, its builds and versions, the CSV of each table.
    path("reportes/", monthly.index, name="index"),
    path("reportes/mensual/<str:month>.pdf", monthly.monthly_pdf, name="monthly_pdf"),
    path("reportes/mensual/<str:month>/", monthly.monthly, name="monthly"),
    path(
        "reportes/mensual/<str:month>/<str:table>.csv",
        tables.monthly_table_csv,
        name="monthly_table_csv",
    ),
    path(
        "reportes/generacion/<uuid:report_uuid>/progreso/",
        monthly.build_progress,
        name="build_progress",
    ),
    path("reportes/generacion/<uuid:report_uuid>.pdf", monthly.report_pdf, name="report_pdf"),
    # Charts: one chart's Vega-Lite spec with its data, for data-vega-spec (static/js/charts.js).
    path("reportes/graficos/<slug:name>.json", charts.chart_data, name="chart"),
    # Open data (/datos/): anyone, public records only.
    path("datos/", opendata.open_data, name="open_data"),
    path("datos/diccionario.<str:fmt>", opendata.open_data_dictionary, name="open_data_dictionary"),
    path("datos/<slug:slug>.<str:fmt>", opendata.open_data_export, name="open_data_export"),
]

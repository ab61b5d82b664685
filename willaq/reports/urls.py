from django.urls import URLPattern, path

from willaq.reports import chart_views, map_views, views_tables
from willaq.reports.views import opendata

app_name = "reports"

urlpatterns: list[URLPattern] = []

# The map (report-map).
urlpatterns += [
    path("mapa/", map_views.map_page, name="map"),
    path("mapa/publico/", map_views.public_map_page, name="public_map"),
    path("mapa/publico/datos.json", map_views.public_map_data, name="public_map_data"),
]

# Charts: one chart's Vega-Lite spec with its data, for data-vega-spec (static/js/charts.js).
urlpatterns += [
    path("reportes/graficos/<slug:name>.json", chart_views.chart_data, name="chart"),
]

# report-engine: the CSV of each table of the monthly report.
urlpatterns += [
    path(
        "reportes/mensual/<str:month>/<str:table>.csv",
        views_tables.monthly_table_csv,
        name="monthly_table_csv",
    ),
]

# --- open data (/datos/) ---
urlpatterns += [
    path("datos/", opendata.open_data, name="open_data"),
    path("datos/diccionario.<str:fmt>", opendata.open_data_dictionary, name="open_data_dictionary"),
    path("datos/<slug:slug>.<str:fmt>", opendata.open_data_export, name="open_data_export"),
]

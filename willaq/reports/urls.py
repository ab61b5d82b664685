from django.urls import URLPattern, path

from willaq.reports import views_tables

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

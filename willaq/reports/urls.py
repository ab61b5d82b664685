from django.urls import URLPattern, path

from willaq.reports import views

app_name = "reports"

urlpatterns: list[URLPattern] = []

# The monthly report as HTML and PDF, its builds and versions (branch report-output).
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

from django.urls import path

from willaq.imports import views

app_name = "imports"

urlpatterns = [
    path("importar/", views.index, name="index"),
    path("importar/plantilla-<str:kind>.xlsx", views.template_download, name="template"),
    path("importar/<uuid:job_uuid>/", views.job_detail, name="job"),
    path("importar/<uuid:job_uuid>/progreso/", views.job_progress, name="progress"),
    path("importar/<uuid:job_uuid>/informe.csv", views.job_report_csv, name="report_csv"),
    path("instituciones/<slug:slug>/sinonimos/", views.synonyms_page, name="synonyms"),
]

"""Root URLs. Uploaded files are never served directly: downloads go through their access rule."""

from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("cuentas/", include("willaq.accounts.urls")),
    path("territorio/", include("willaq.territory.urls")),
    path("", include("willaq.core.urls")),
    path("", include("willaq.cases.urls")),
    path("", include("willaq.imports.urls")),
    path("", include("willaq.earlywarning.urls")),
    path("", include("willaq.dialogue.urls")),
    path("", include("willaq.peoples.urls")),
    path("", include("willaq.consultation.urls")),
    path("", include("willaq.complaints.urls")),
    path("", include("willaq.reports.urls")),
]

"""Early warning's pages: the pre-alert form and queue, alerts (HTML, CAP, Atom), the reporter
network, deployment orders; OpenRosa and the SMS webhook. One list, one line per URL."""

from django.urls import URLPattern, path

from willaq.earlywarning.views import alerts

app_name = "earlywarning"

urlpatterns: list[URLPattern] = [
    # Alerts
    path("alertas/", alerts.alert_list, name="alerts"),
    path("alertas/nueva/", alerts.alert_create, name="alert_new"),
    path("alertas/feed.atom", alerts.AlertFeed(), name="alert_feed"),
    path("alertas/<uuid:alert_uuid>/", alerts.alert_detail, name="alert_detail"),
    path("alertas/<uuid:alert_uuid>/cap.xml", alerts.alert_cap, name="alert_cap"),
    path("alertas/<uuid:alert_uuid>/actualizar/", alerts.alert_update, name="alert_update"),
    path("alertas/<uuid:alert_uuid>/cancelar/", alerts.alert_cancel, name="alert_cancel"),
]

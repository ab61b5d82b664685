"""Early warning's pages: the pre-alert form and queue, alerts (HTML, CAP, Atom), the reporter
network, deployment orders; OpenRosa and the SMS webhook. One list, one line per URL."""

from django.urls import URLPattern, path

from willaq.earlywarning.openrosa import views as openrosa_views
from willaq.earlywarning.views import alerts, form
from willaq.earlywarning.views import reporters as views_reporters
from willaq.earlywarning.views import response as response_views
from willaq.earlywarning.views import triage as views_triage
from willaq.earlywarning.views_sms import sms_inbound

app_name = "earlywarning"

urlpatterns: list[URLPattern] = [
    # Triage
    path("prealertas/", views_triage.queue, name="queue"),
    path("prealertas/acciones/", views_triage.bulk, name="bulk"),
    path("prealertas/<uuid:prealert_uuid>/", views_triage.prealert_detail, name="prealert"),
    path("prealertas/<uuid:prealert_uuid>/tomar/", views_triage.prealert_claim, name="claim"),
    path(
        "prealertas/<uuid:prealert_uuid>/liberar/",
        views_triage.prealert_release,
        name="release",
    ),
    path("prealertas/<uuid:prealert_uuid>/estado/", views_triage.prealert_state, name="state"),
    path(
        "prealertas/<uuid:prealert_uuid>/estructurar/",
        views_triage.prealert_structure,
        name="structure",
    ),
    path(
        "prealertas/<uuid:prealert_uuid>/validar/",
        views_triage.prealert_validate,
        name="validate",
    ),
    path(
        "prealertas/<uuid:prealert_uuid>/adjuntos/<uuid:attachment_uuid>/",
        views_triage.attachment_download,
        name="attachment",
    ),
    # Reporter network
    path("prealertas/reporteros/", views_reporters.reporter_list, name="reporters"),
    path("prealertas/reporteros/nuevo/", views_reporters.reporter_create, name="reporter_create"),
    path(
        "prealertas/reporteros/<uuid:reporter_uuid>/editar/",
        views_reporters.reporter_edit,
        name="reporter_edit",
    ),
    # OpenRosa (ODK Collect / KoboCollect; server URL http(s)://HOST/openrosa): no trailing
    # slash, as Collect asks for them (they resolve, so APPEND_SLASH never redirects them).
    path("openrosa/formList", openrosa_views.form_list, name="openrosa-form-list"),
    path("openrosa/forms/<str:form_id>/form.xml", openrosa_views.form_xml, name="openrosa-form"),
    path("openrosa/submission", openrosa_views.submission, name="openrosa-submission"),
    # Offline form
    path("prealertas/nueva/", form.prealert_new, name="prealert_new"),
    path("prealertas/mias/", form.my_prealerts, name="my_prealerts"),
    path("prealertas/territorio.json", form.territory, name="prealert_territory"),
    path("prealertas/manifest.webmanifest", form.web_app_manifest, name="prealert_manifest"),
    path("prealertas/sw.js", form.service_worker, name="prealert_sw"),
    # (end of offline form)
    # Response (deployment orders, the 48-hour clock, statistics)
    path("respuesta/", response_views.order_list, name="orders"),
    path("respuesta/nueva/", response_views.order_create, name="order_create"),
    path("respuesta/estadisticas/", response_views.order_stats, name="order_stats"),
    path("respuesta/<uuid:order_uuid>/", response_views.order_detail, name="order_detail"),
    path("respuesta/<uuid:order_uuid>/estado/", response_views.order_advance, name="order_advance"),
    # SMS gateway's webhook (CSRF-exempt, shared secret)
    path("sms/entrada/", sms_inbound, name="sms_inbound"),
    # Alerts
    path("alertas/", alerts.alert_list, name="alerts"),
    path("alertas/nueva/", alerts.alert_create, name="alert_new"),
    path("alertas/feed.atom", alerts.AlertFeed(), name="alert_feed"),
    path("alertas/<uuid:alert_uuid>/", alerts.alert_detail, name="alert_detail"),
    path("alertas/<uuid:alert_uuid>/cap.xml", alerts.alert_cap, name="alert_cap"),
    path("alertas/<uuid:alert_uuid>/actualizar/", alerts.alert_update, name="alert_update"),
    path("alertas/<uuid:alert_uuid>/cancelar/", alerts.alert_cancel, name="alert_cancel"),
]

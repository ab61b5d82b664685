"""Early warning's pages: the pre-alert form and queue, alerts (HTML, CAP, Atom), the reporter
network, deployment orders; OpenRosa and the SMS webhook. One list, one line per URL."""

from django.urls import URLPattern, path

from willaq.earlywarning.views import form

app_name = "earlywarning"

urlpatterns: list[URLPattern] = [
    # Offline form
    path("prealertas/nueva/", form.prealert_new, name="prealert_new"),
    path("prealertas/mias/", form.my_prealerts, name="my_prealerts"),
    path("prealertas/territorio.json", form.territory, name="prealert_territory"),
    path("prealertas/manifest.webmanifest", form.web_app_manifest, name="prealert_manifest"),
    path("prealertas/sw.js", form.service_worker, name="prealert_sw"),
    # (end of offline form)
]

"""Early warning's pages: the pre-alert form and queue, alerts (HTML, CAP, Atom), the reporter
network, deployment orders; OpenRosa and the SMS webhook. One list, one line per URL."""

from django.urls import URLPattern, path

from willaq.earlywarning.openrosa import views as openrosa_views

app_name = "earlywarning"

urlpatterns: list[URLPattern] = [
    # OpenRosa (ODK Collect / KoboCollect; server URL http(s)://HOST/openrosa): no trailing
    # slash, as Collect asks for them (they resolve, so APPEND_SLASH never redirects them).
    path("openrosa/formList", openrosa_views.form_list, name="openrosa-form-list"),
    path("openrosa/forms/<str:form_id>/form.xml", openrosa_views.form_xml, name="openrosa-form"),
    path("openrosa/submission", openrosa_views.submission, name="openrosa-submission"),
]

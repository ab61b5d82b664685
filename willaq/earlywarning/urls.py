"""Early warning's pages: the pre-alert form and queue, alerts (HTML, CAP, Atom), the reporter
network, deployment orders; OpenRosa and the SMS webhook. One list, one line per URL."""

from django.urls import URLPattern, path

app_name = "earlywarning"

urlpatterns: list[URLPattern] = []

# --- smsapi: the SMS gateway's webhook (CSRF-exempt, shared secret) ---
from willaq.earlywarning.views_sms import sms_inbound  # noqa: E402

urlpatterns += [path("sms/entrada/", sms_inbound, name="sms_inbound")]
# --- end smsapi ---

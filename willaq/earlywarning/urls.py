"""Early warning's pages: the pre-alert form and queue, alerts (HTML, CAP, Atom), the reporter
network, deployment orders; OpenRosa and the SMS webhook. One list, one line per URL."""

from django.urls import URLPattern, path  # noqa: F401

app_name = "earlywarning"

urlpatterns: list[URLPattern] = []

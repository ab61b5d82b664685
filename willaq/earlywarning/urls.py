"""Early warning's pages: the pre-alert form and queue, alerts (HTML, CAP, Atom), the reporter
network, deployment orders; OpenRosa and the SMS webhook. One list, one line per URL."""

from django.urls import URLPattern, path

# Response (deployment orders)
from willaq.earlywarning.views import response as response_views

app_name = "earlywarning"

urlpatterns: list[URLPattern] = [
    # Response (deployment orders, the 48-hour clock, statistics)
    path("respuesta/", response_views.order_list, name="orders"),
    path("respuesta/nueva/", response_views.order_create, name="order_create"),
    path("respuesta/estadisticas/", response_views.order_stats, name="order_stats"),
    path("respuesta/<uuid:order_uuid>/", response_views.order_detail, name="order_detail"),
    path("respuesta/<uuid:order_uuid>/estado/", response_views.order_advance, name="order_advance"),
]

from django.urls import URLPattern, path

from willaq.reports.views import opendata

app_name = "reports"

urlpatterns: list[URLPattern] = []

# --- open data (/datos/) ---
urlpatterns += [
    path("datos/", opendata.open_data, name="open_data"),
    path("datos/diccionario.<str:fmt>", opendata.open_data_dictionary, name="open_data_dictionary"),
    path("datos/<slug:slug>.<str:fmt>", opendata.open_data_export, name="open_data_export"),
]

"""The complaints app's pages."""

from django.urls import URLPattern

app_name = "complaints"

urlpatterns: list[URLPattern] = []

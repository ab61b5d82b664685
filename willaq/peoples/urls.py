"""The peoples app's pages."""

from django.urls import URLPattern

app_name = "peoples"

urlpatterns: list[URLPattern] = []

"""The consultation app's pages."""

from django.urls import URLPattern

app_name = "consultation"

urlpatterns: list[URLPattern] = []

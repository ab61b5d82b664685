"""The dialogue panel of a case page and the dashboard's risk signal (loaded by HTMX)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []

"""iCalendar feeds (per space and per institution, behind a revocable secret)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []

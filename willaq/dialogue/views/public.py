"""The public page of a dialogue space (no login) and the compliance boards."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []

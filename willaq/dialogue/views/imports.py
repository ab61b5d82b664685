"""Commitments imported from a spreadsheet of an acta."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []

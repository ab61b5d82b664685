"""Spaces, participants, sessions, actas and commitments (the facilitator's pages)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []

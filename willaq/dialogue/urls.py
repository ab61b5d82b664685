"""Dialogue's pages under /dialogo/. Each view module lists its own URLs (one line per URL)."""

from django.urls import URLPattern

from willaq.dialogue.views import commitments, feeds, imports, panels, public, spaces

app_name = "dialogue"

urlpatterns: list[URLPattern] = [
    *spaces.urlpatterns,
    *commitments.urlpatterns,
    *feeds.urlpatterns,
    *imports.urlpatterns,
    *panels.urlpatterns,
    *public.urlpatterns,
]

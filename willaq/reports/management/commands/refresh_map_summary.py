"""Rebuild the map's events summary from the events (``willaq.reports.map_summary``).

    manage.py refresh_map_summary

Saves through the app keep it current by themselves; bulk writes that bypass them
(``generate_registry``, the spreadsheet imports) call this at their end, and so should whoever
writes events or cases in SQL or reloads the territory's centroids."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from willaq.reports.map_summary import rebuild


class Command(BaseCommand):
    help = "Rebuild the map's events summary (events by month and grid cell)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        rows = rebuild()
        self.stdout.write(
            f"Resumen de eventos del mapa: {rows:,} filas en {time.monotonic() - started:.1f} s."
        )

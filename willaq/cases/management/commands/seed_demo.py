"""Create the demo data set (willaq/cases/demo/) and print the demo logins.

The data lives in willaq/cases/demo/data/*.toml and the seeding in willaq/cases/demo/seed.py;
this command only checks where it runs, times the seeding and prints. Never in production.
"""

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from willaq.cases.demo.seed import (
    SUMMARY_ORDER,
    DemoSeeder,
    MissingTerritoryError,
    demo_data_exists,
    logins_block,
)


class Command(BaseCommand):
    help = (
        "Crea los datos de demostración: dos instituciones con usuarios por rol y unos 60 casos "
        "ficticios con su historia, eventos, actores y noticias. Nunca en producción."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Si ya hay datos de demostración, no cambia nada y solo muestra los accesos.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.WILLAQ_ENV == "production":
            raise CommandError(
                "No se crean datos de demostración en producción (WILLAQ_ENV=production)."
            )
        if demo_data_exists():
            if not options["reuse"]:
                raise CommandError(
                    "Ya existen datos de demostración; use --reuse para conservarlos."
                )
            if options["verbosity"]:
                self.stdout.write("Datos de demostración ya presentes: se conservan sin cambios.")
        else:
            started = time.perf_counter()
            try:
                counts = DemoSeeder(now=timezone.now()).run()
            except MissingTerritoryError as error:
                raise CommandError(str(error)) from error
            elapsed = time.perf_counter() - started
            summary = ", ".join(f"{counts[what]} {what}" for what in SUMMARY_ORDER)
            if options["verbosity"]:
                self.stdout.write(f"Datos de demostración creados en {elapsed:.1f} s: {summary}.")
        # The logins are the point of the demo: printed even with --verbosity 0.
        self.stdout.write(logins_block())

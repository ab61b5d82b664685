"""Prepare a migrated database: territory, shared categories and, with --demo, the demo data.

`make setup` (and so `make run`) runs it after `migrate`. Every step is idempotent: a second run
reuses what exists, writes nothing new and takes a few seconds. The commands are called by name,
so this base app does not import the apps above it.
"""

import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Carga el territorio y las categorías compartidas; con --demo, además los datos de "
        "demostración (solo en desarrollo) y muestra los accesos."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Crea los datos de demostración si aún no existen y muestra los accesos.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        demo = options["demo"]
        if demo and settings.WILLAQ_ENV != "development":
            raise CommandError(
                f"--demo solo está permitido con WILLAQ_ENV=development (aquí "
                f"WILLAQ_ENV={settings.WILLAQ_ENV}): los datos de demostración y sus contraseñas "
                "conocidas nunca deben llegar a un servidor real."
            )
        verbosity = options["verbosity"]
        started = time.perf_counter()
        call_command("load_territory", verbosity=verbosity, stdout=self.stdout)
        call_command("load_population", verbosity=verbosity, stdout=self.stdout)
        call_command("load_peoples", verbosity=verbosity, stdout=self.stdout)
        call_command("load_categories", verbosity=verbosity, stdout=self.stdout)
        call_command("load_synonyms", verbosity=verbosity, stdout=self.stdout)
        if verbosity:
            elapsed = time.perf_counter() - started
            self.stdout.write(f"Territorio y categorías listos en {elapsed:.1f} s.")
        if demo:
            # Last, so the block of logins is what the terminal shows before the server starts.
            # --reuse leaves existing demo data untouched (a second `make run` changes nothing).
            # Early warning's demo builds on the cases' (silent: the logins stay the last block).
            call_command("seed_demo", "--reuse", stdout=self.stdout)
            call_command("seed_earlywarning_demo", "--reuse", verbosity=0)
            # Dialogue's demo (spaces, actas, commitments) builds on both (silent as well).
            call_command("seed_dialogue_demo", "--reuse", verbosity=0)
            # Complaints' demo (an environmental agency and its complaints).
            call_command("seed_complaints_demo", "--reuse", verbosity=0)
            # Prior consultation's demo (interpreters, organisations, three processes).
            call_command("seed_consultation_demo", "--reuse", verbosity=0)

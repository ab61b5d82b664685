"""Load Peru's national holidays of some years into ``Holiday`` (the complaint clock)."""

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from willaq.complaints.services.holidays import load_holidays


class Command(BaseCommand):
    help = (
        "Carga los feriados nacionales del Perú de los años indicados (p. ej. --years 2024-2030); "
        "los días ya cargados no cambian."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--years", default="2024-2030", help="Un año (2025) o un rango (2024-2030)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", options["years"].strip())
        if match is None:
            raise CommandError("Indique --years como AAAA o AAAA-AAAA, p. ej. 2024-2030.")
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first or last - first > 50:
            raise CommandError("El rango de años no es válido (como máximo 50 años).")
        added = load_holidays(range(first, last + 1))
        if options["verbosity"]:
            self.stdout.write(f"Feriados nacionales {first}–{last}: {added} días nuevos.")

"""Load the 55 indigenous peoples and 48 languages shipped in data/peoples (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand

from willaq.peoples.loader import load_peoples


class Command(BaseCommand):
    help = "Carga los 55 pueblos indígenas y las 48 lenguas (idempotente)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_peoples()
        if options["verbosity"]:
            self.stdout.write(
                f"Pueblos: {result.peoples}, lenguas: {result.languages}, familias: "
                f"{result.families} ({result.created} filas nuevas)."
            )

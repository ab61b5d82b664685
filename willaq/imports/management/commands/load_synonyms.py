from typing import Any

from django.core.management.base import BaseCommand

from willaq.imports.services import load_shared_synonyms


class Command(BaseCommand):
    help = (
        "Carga los sinónimos compartidos de data/imports/synonyms.toml. Repetirlo no cambia nada."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        created, updated, removed = load_shared_synonyms()
        if options["verbosity"]:
            self.stdout.write(
                f"Sinónimos de importación: {created} nuevos, {updated} cambiados, "
                f"{removed} retirados."
            )

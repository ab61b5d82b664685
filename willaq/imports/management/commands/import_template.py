from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from willaq.accounts.models import Institution
from willaq.imports.choices import ImportKind
from willaq.imports.template import build_template


class Command(BaseCommand):
    help = (
        "Escribe la plantilla XLSX de importación (columnas, valores permitidos y su "
        "explicación) de casos o de eventos."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=ImportKind.values, help="cases o events")
        parser.add_argument("output", help="El archivo .xlsx a escribir.")
        parser.add_argument(
            "--institution", help="Incluir las categorías propias de esta institución (slug)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        institution = None
        if options["institution"]:
            institution = Institution.objects.filter(slug=options["institution"]).first()
            if institution is None:
                raise CommandError(f"No existe la institución «{options['institution']}».")
        Path(options["output"]).write_bytes(build_template(options["kind"], institution))
        if options["verbosity"]:
            self.stdout.write(f"Plantilla escrita en {options['output']}.")

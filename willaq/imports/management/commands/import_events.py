"""python manage.py import_events FILE --institution SLUG [--dry-run] [--default FIELD=VALUE ...]
[--map COLUMN=FIELD ...] [--report FILE.json] [--user EMAIL] [--source SLUG]"""

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from willaq.imports.management.summary import options_from, write_summary
from willaq.imports.services import OptionsError, analyse_events, import_events


class Command(BaseCommand):
    help = (
        "Importa eventos de una hoja de cálculo (CSV, XLSX, XLS, ODS). Con --dry-run valida todo "
        "sin escribir nada. Cada fila queda creada, actualizada, sin cambios o rechazada con "
        "su motivo."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="El archivo CSV, XLSX, XLS u ODS.")
        parser.add_argument("--institution", required=True, help="Identificador (slug).")
        parser.add_argument("--dry-run", action="store_true", help="Validar sin escribir.")
        parser.add_argument(
            "--default",
            action="append",
            default=[],
            metavar="FIELD=VALUE",
            help="Valor para lo que el archivo no trae (event_type, sub_event_type, inter1…).",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help="Leer una columna como un campo (codigo=case).",
        )
        parser.add_argument("--report", help="Escribir el informe en este archivo JSON.")
        parser.add_argument(
            "--user", help="Correo del usuario que importa (por defecto, el primer coordinador)."
        )
        parser.add_argument(
            "--source",
            help="Sistema de origen de los identificadores (por defecto, el de la institución).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            import_options = options_from(options, path)
            run = analyse_events if options["dry_run"] else import_events
            report = run(path, import_options)
        except (OptionsError, PermissionDenied) as exc:
            raise CommandError(getattr(exc, "message", None) or str(exc)) from exc
        if options["report"]:
            Path(options["report"]).write_text(
                json.dumps(report.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
            )
        write_summary(self.stdout, report, noun="eventos")
        if not report.readable:
            raise CommandError(report.problems[-1].message)

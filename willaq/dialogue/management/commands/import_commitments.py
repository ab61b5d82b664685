"""python manage.py import_commitments ACTA_UUID FILE --user EMAIL [--dry-run]

The same service as the import page: every row is checked first, and the commitments are saved
all together or not at all. Exits with an error listing each problem (row and column)."""

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from willaq.accounts.models import User
from willaq.dialogue.access import get_acta_for_user
from willaq.dialogue.services import imports


class Command(BaseCommand):
    help = (
        "Importa los compromisos de un acta desde una hoja de cálculo (XLSX o CSV). Con "
        "--dry-run solo valida. Se guardan todas las filas o ninguna."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("acta", help="uuid del acta")
        parser.add_argument("file", type=Path, help="archivo XLSX o CSV")
        parser.add_argument("--user", required=True, help="correo de quien importa")
        parser.add_argument("--dry-run", action="store_true", help="validar sin guardar")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No hay un usuario activo con el correo {options['user']}.")
        try:
            acta = get_acta_for_user(user, options["acta"])
        except Http404 as exc:
            raise CommandError("El acta no existe o el usuario no la ve.") from exc
        path: Path = options["file"]
        try:
            if path.stat().st_size > imports.MAX_BYTES:
                raise CommandError(f"El archivo supera {imports.MAX_BYTES // 2**20} MB.")
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"No se puede leer {path}: {exc}") from exc
        try:
            if options["dry_run"]:
                report = imports.check_import(user, acta, path.name, content)
                created = 0
            else:
                report, saved = imports.import_commitments(user, acta, path.name, content)
                created = len(saved)
        except imports.ImportFileError as exc:
            raise CommandError(exc.message) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError(
                "Nada se guardó. Problemas:\n" + "\n".join(f"  {m}" for m in exc.messages)
            ) from exc
        for note in report.notes:
            self.stdout.write(note)
        for problem in report.problems:
            self.stdout.write(f"  {problem}")
        if options["dry_run"]:
            self.stdout.write(
                f"Filas válidas: {len(report.rows)}; con problemas: {report.rows_with_problems}."
                " Nada se guardó (--dry-run)."
            )
            if report.problems:
                raise CommandError("El archivo tiene problemas: corríjalos antes de importar.")
        else:
            self.stdout.write(f"Compromisos importados: {created}.")

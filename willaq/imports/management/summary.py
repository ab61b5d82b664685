"""What the import commands share: their options and run (``ImportCommand``), reading the
options, printing the Spanish summary."""

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.utils.translation import gettext as _

from willaq.accounts.models import Institution, Membership, Role, User
from willaq.imports.recognition import parse_overrides
from willaq.imports.report import PROBLEM_LABELS, ImportReport
from willaq.imports.services import ImportOptions, OptionsError, parse_pairs


def options_from(options: dict[str, Any], path: Path) -> ImportOptions:
    institution = Institution.objects.filter(slug=options["institution"]).first()
    if institution is None:
        raise OptionsError(
            _("No existe la institución «%(slug)s».") % {"slug": options["institution"]}
        )
    if options.get("user"):
        user = User.objects.filter(email__iexact=options["user"]).first()
        if user is None:
            raise OptionsError(_("No existe el usuario «%(email)s».") % {"email": options["user"]})
    else:
        membership = (
            Membership.objects.filter(
                institution=institution, role=Role.COORDINATOR, is_active=True
            )
            .select_related("user")
            .order_by("created_at", "id")
            .first()
        )
        if membership is None:
            raise OptionsError(
                _("%(institution)s no tiene coordinadores: indique --user.")
                % {"institution": institution}
            )
        user = membership.user
    try:
        mapping = parse_overrides(options.get("map") or [])
    except Exception as exc:
        raise OptionsError(getattr(exc, "message", str(exc))) from exc
    as_of = None
    if options.get("as_of"):
        try:
            as_of = dt.date.fromisoformat(options["as_of"])
        except ValueError as exc:
            raise OptionsError(
                _("--as-of %(value)s: escriba la fecha como AAAA-MM-DD.")
                % {"value": options["as_of"]}
            ) from exc
    return ImportOptions(
        as_of=as_of,
        institution=institution,
        user=user,
        file_name=path.name,
        defaults=parse_pairs(options.get("default") or [], "--default"),
        mapping=mapping,
        source=options.get("source") or "",
    )


def write_summary(out: OutputWrapper, report: ImportReport, *, noun: str) -> None:
    mode = _("Simulación (no se escribió nada)") if report.dry_run else _("Importación")
    out.write(f"{mode}: {report.file_name}\n")
    for note in report.notes:
        out.write(f"  · {note}\n")
    out.write(
        _(
            "Filas: %(rows)s — %(noun)s creados: %(created)s, actualizados: %(updated)s, "
            "sin cambios: %(unchanged)s, filas rechazadas: %(rejected)s.\n"
        )
        % {
            "rows": report.rows,
            "noun": noun.capitalize(),
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "rejected": report.rejected,
        }
    )
    counts = report.problem_counts()
    if counts:
        out.write(_("Problemas:") + "\n")
        for code, count in counts.items():
            out.write(f"  {PROBLEM_LABELS.get(code, code)}: {count}\n")
    for what, values in report.unmatched.items():
        for value, suggestions in list(values.items())[:20]:
            hint = f" → {', '.join(suggestions)}" if suggestions else ""
            out.write(f"  ? {what}: «{value}»{hint}\n")
    shown = [p for p in report.problems if p.row is not None][:30]
    if shown:
        out.write(_("Primeros problemas (fila, columna, valor: mensaje):") + "\n")
        for p in shown:
            out.write(f"  {p.row}, {p.column or '-'}, «{p.value}»: {p.message}\n")


class ImportCommand(BaseCommand):
    """What ``import_cases`` and ``import_events`` share: the options (a contract other scripts
    rely on), the run, the JSON report and the Spanish summary. A subclass names its services,
    its noun and the examples in its help."""

    analyse: Callable[..., ImportReport]
    run: Callable[..., ImportReport]
    noun = ""
    default_example = ""
    map_example = ""
    takes_as_of = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="El archivo CSV, XLSX, XLS u ODS.")
        parser.add_argument("--institution", required=True, help="Identificador (slug).")
        parser.add_argument("--dry-run", action="store_true", help="Validar sin escribir.")
        parser.add_argument(
            "--default",
            action="append",
            default=[],
            metavar="FIELD=VALUE",
            help=f"Valor para lo que el archivo no trae ({self.default_example}…).",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help=f"Leer una columna como un campo ({self.map_example}).",
        )
        parser.add_argument("--report", help="Escribir el informe en este archivo JSON.")
        parser.add_argument(
            "--user", help="Correo del usuario que importa (por defecto, el primer coordinador)."
        )
        if self.takes_as_of:
            parser.add_argument(
                "--as-of",
                help="Fecha del reporte (AAAA-MM-DD): los cambios que trae rigen desde entonces.",
            )
        parser.add_argument(
            "--source",
            help="Sistema de origen de los identificadores (por defecto, el de la institución).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            import_options = options_from(options, path)
            step = type(self).analyse if options["dry_run"] else type(self).run
            report = step(path, import_options)
        except (OptionsError, PermissionDenied) as exc:
            raise CommandError(getattr(exc, "message", None) or str(exc)) from exc
        if options["report"]:
            Path(options["report"]).write_text(
                json.dumps(report.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
            )
        write_summary(self.stdout, report, noun=self.noun)
        if not report.readable:
            raise CommandError(report.problems[-1].message)

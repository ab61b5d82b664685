"""Create prior consultation's demo data (willaq/consultation/demo.py) on top of the case demo."""

import time
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from willaq.accounts.models import Institution
from willaq.consultation import demo
from willaq.consultation.models import ConsultationProcess


class Command(BaseCommand):
    help = (
        "Crea los datos de demostración de consulta previa: organizaciones y autoridades de "
        "algunos pueblos, intérpretes y tres procesos en distintas etapas. Necesita la "
        "demostración de casos (seed_demo). Nunca en producción."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Si ya hay datos de demostración de consulta previa, no cambia nada.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.WILLAQ_ENV == "production":
            raise CommandError(
                "No se crean datos de demostración en producción (WILLAQ_ENV=production)."
            )
        if ConsultationProcess.objects.filter(title__endswith=demo.DEMO_MARK).exists():
            if not options["reuse"]:
                raise CommandError(
                    "Ya existen datos de demostración de consulta previa; use --reuse."
                )
            return
        institutions = {i.slug: i for i in Institution.objects.filter(slug__in=demo.INSTITUTIONS)}
        missing = sorted(set(demo.INSTITUTIONS) - set(institutions))
        if missing:
            raise CommandError(
                f"Falta la demostración de casos (instituciones {', '.join(missing)}): "
                "ejecute antes seed_demo."
            )
        call_command("load_peoples", verbosity=0)
        started = time.perf_counter()
        counts: Counter[str] = Counter()
        with transaction.atomic():
            demo.seed_registry(institutions, counts)
            demo.seed_processes(institutions, counts)
        if options["verbosity"]:
            summary = ", ".join(f"{n} {what}" for what, n in counts.items())
            self.stdout.write(
                f"Consulta previa (demostración) creada en "
                f"{time.perf_counter() - started:.1f} s: {summary}."
            )

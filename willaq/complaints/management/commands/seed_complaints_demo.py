"""Create the complaints' demo data (willaq/complaints/demo.py) on top of the case demo."""

import time
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from willaq.complaints import demo
from willaq.complaints.models import Complaint


class Command(BaseCommand):
    help = (
        "Crea los datos de demostración de denuncias ambientales: la entidad ambiental con sus "
        "usuarios y denuncias en cada estado, algunas vencidas. Nunca en producción."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Si ya hay denuncias de demostración, no cambia nada.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.WILLAQ_ENV == "production":
            raise CommandError(
                "No se crean datos de demostración en producción (WILLAQ_ENV=production)."
            )
        if Complaint.objects.filter(is_demo=True).exists():
            if not options["reuse"]:
                raise CommandError("Ya existen denuncias de demostración; use --reuse.")
            return
        started = time.perf_counter()
        counts: Counter[str] = Counter()
        with transaction.atomic():
            agency, analyst, _coordinator = demo.seed_agency(counts)
            demo.seed_complaints(agency, analyst, timezone.now(), counts)
        if options["verbosity"]:
            summary = ", ".join(f"{n} {what}" for what, n in counts.items())
            self.stdout.write(
                f"Denuncias ambientales (demostración) creadas en "
                f"{time.perf_counter() - started:.1f} s: {summary}."
            )

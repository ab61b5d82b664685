"""Create early warning's demo data (willaq/earlywarning/demo.py) on top of the case demo."""

import logging
import time
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from willaq.accounts.models import Institution
from willaq.earlywarning import demo
from willaq.earlywarning.models import Reporter


class Command(BaseCommand):
    help = (
        "Crea los datos de demostración de alerta temprana: la red de reporteros, prealertas de "
        "cada canal en cada estado de revisión, alertas y órdenes de despliegue. Necesita la "
        "demostración de casos (seed_demo). Nunca en producción."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Si ya hay datos de demostración de alerta temprana, no cambia nada.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.WILLAQ_ENV == "production":
            raise CommandError(
                "No se crean datos de demostración en producción (WILLAQ_ENV=production)."
            )
        if Reporter.objects.filter(is_demo=True).exists():
            if not options["reuse"]:
                raise CommandError(
                    "Ya existen datos de demostración de alerta temprana; use --reuse."
                )
            return
        institutions = {i.slug: i for i in Institution.objects.filter(slug__in=list(demo.NETWORK))}
        missing = sorted(set(demo.NETWORK) - set(institutions))
        if missing:
            raise CommandError(
                f"Falta la demostración de casos (instituciones {', '.join(missing)}): "
                "ejecute antes seed_demo."
            )
        started = time.perf_counter()
        counts: Counter[str] = Counter()
        now = timezone.now()
        # The replies the demo reporters get would fill the terminal (console SMS backend).
        sms_log = logging.getLogger("willaq.sms")
        sms_log.disabled = True
        try:
            with transaction.atomic():
                network = demo.seed_network(institutions, counts)
                demo.seed_prealerts(institutions, network, now, counts)
                demo.seed_orders(institutions, now, counts)
                demo.seed_alerts(institutions, now, counts)
        finally:
            sms_log.disabled = False
        if options["verbosity"]:
            summary = ", ".join(f"{n} {what}" for what, n in counts.items())
            self.stdout.write(
                f"Alerta temprana (demostración) creada en "
                f"{time.perf_counter() - started:.1f} s: {summary}."
            )

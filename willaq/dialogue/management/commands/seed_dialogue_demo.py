"""Create dialogue's demo data (willaq/dialogue/demo.py) on top of the case demo, and print the
figures of the closing note: weighted progress, money committed and verified, overdue count."""

import time
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from willaq.accounts.models import Institution
from willaq.dialogue import demo
from willaq.dialogue.choices import CommitmentState
from willaq.dialogue.models import Commitment, DialogueSpace
from willaq.dialogue.selectors import due_within_q, rollup


class Command(BaseCommand):
    help = (
        "Crea los datos de demostración de diálogo: espacios de cada tipo, sesiones, actas "
        "firmadas y 80 compromisos en cada estado, con montos y evidencias. Necesita la "
        "demostración de casos (seed_demo). Nunca en producción."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Si ya hay datos de demostración de diálogo, no cambia nada.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.WILLAQ_ENV == "production":
            raise CommandError(
                "No se crean datos de demostración en producción (WILLAQ_ENV=production)."
            )
        verbose = bool(options["verbosity"])
        if DialogueSpace.objects.filter(is_demo=True).exists():
            if not options["reuse"]:
                raise CommandError("Ya existen datos de demostración de diálogo; use --reuse.")
            if verbose:
                self.stdout.write("Diálogo (demostración) ya presente: se conserva sin cambios.")
                self._figures()
            return
        institutions = {i.slug: i for i in Institution.objects.filter(slug__in=demo.INSTITUTIONS)}
        missing = sorted(set(demo.INSTITUTIONS) - set(institutions))
        if missing:
            raise CommandError(
                f"Falta la demostración de casos (instituciones {', '.join(missing)}): "
                "ejecute antes seed_demo."
            )
        started = time.perf_counter()
        counts: Counter[str] = Counter()
        with transaction.atomic():
            demo.seed(institutions, counts)
        if verbose:
            summary = ", ".join(f"{n} {what}" for what, n in counts.items())
            self.stdout.write(
                f"Diálogo (demostración) creado en {time.perf_counter() - started:.1f} s: "
                f"{summary}."
            )
            self._figures()

    def _figures(self) -> None:
        """The figures the closing note quotes, measured on the demo's commitments."""
        demo_commitments = Commitment.objects.filter(is_demo=True)
        total = rollup(demo_commitments)
        ratio = f"{total.money_ratio} %" if total.money_ratio is not None else "—"
        progress = f"{total.weighted_progress} %" if total.weighted_progress is not None else "—"
        by_state = ", ".join(
            f"{CommitmentState(state).label.lower()} {total.by_state.get(state, 0)}"
            for state in CommitmentState.values
        )
        self.stdout.write(
            f"Compromisos: {total.count} ({by_state}); avance ponderado {progress}; "
            f"vencidos {total.overdue}; vencen en 7 días "
            f"{demo_commitments.filter(due_within_q(7)).count()}; "
            f"monto comprometido S/ {total.amount_committed:,.2f}; "
            f"ejecutado verificado S/ {total.amount_verified:,.2f} ({ratio})."
        )

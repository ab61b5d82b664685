"""Run the commitment deadline check by hand (what the hourly Celery task does)."""

from typing import Any

from django.core.management.base import BaseCommand

from willaq.dialogue.services.deadlines import run_commitment_deadlines


class Command(BaseCommand):
    help = (
        "Recuerda a los responsables los compromisos por vencer y señala los vencidos "
        "(cada aviso una sola vez)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        run = run_commitment_deadlines()
        self.stdout.write(
            f"Recordatorios enviados: {run.reminded}\n"
            f"Compromisos vencidos señalados: {run.flagged}\n"
            f"Notificaciones escritas: {run.notifications}"
        )

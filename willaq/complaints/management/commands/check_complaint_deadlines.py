"""Run the complaint clock by hand: the same service as the hourly Celery task."""

from typing import Any

from django.core.management.base import BaseCommand

from willaq.complaints.services.deadlines import run_complaint_clock


class Command(BaseCommand):
    help = (
        "Avisa a las instituciones de las denuncias por vencer (5 días hábiles antes) y vencidas "
        "(cada aviso una sola vez)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        run = run_complaint_clock()
        if options["verbosity"]:
            self.stdout.write(
                f"Denuncias por vencer avisadas: {run.warned}; vencidas: {run.overdue}."
            )

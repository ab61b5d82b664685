"""Erase a victim's identity from the registry and its history, on a lawful request.

    manage.py erase_victim_identity <uuid> --by coord@inst.pe --reason "Solicitud 12/2026"

The same service as any other change (services.erase_victim_identity): the person named by
``--by`` must be a coordinator of the event's institution, and the audit log records who, why
and how many historical rows were blanked, never the data erased.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from willaq.accounts.models import User
from willaq.cases.models import Victim
from willaq.cases.services import erase_victim_identity


class Command(BaseCommand):
    help = "Erase a victim's personal data from the registry and its history (lawful request)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("victim", help="uuid of the victim")
        parser.add_argument("--by", required=True, help="e-mail of the coordinator acting")
        parser.add_argument(
            "--reason",
            required=True,
            help="legal ground or request number (no personal data: it is kept in the audit log)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["by"], is_active=True).first()
        if user is None:
            raise CommandError(f"Unknown user: {options['by']}")
        try:
            victim = Victim.all_objects.select_related("event__institution").get(
                uuid=options["victim"]
            )
        except (Victim.DoesNotExist, ValueError, ValidationError) as exc:
            raise CommandError(f"Unknown victim: {options['victim']}") from exc
        try:
            rows = erase_victim_identity(user=user, victim=victim, reason=options["reason"])
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        if options["verbosity"]:
            self.stdout.write(f"Identity erased from the victim and {rows} historical rows.")

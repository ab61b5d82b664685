"""Warnings about commitments' due dates (issue 9 §5). The Celery beat task
``willaq.dialogue.tasks.check_commitment_deadlines`` calls :func:`run_commitment_deadlines` every
hour; ``manage.py check_commitment_deadlines`` runs it by hand.

- **Reminders**: an open commitment (pending or in progress) is recalled to the editors of the
  institutions that owe it ``settings.WILLAQ_COMMITMENT_REMINDER_DAYS`` days before its due date
  (30, 7 and 1 by default). Each threshold is sent once, on the first run inside its window: a
  commitment signed 5 days before its due date gets the 7-day reminder, then the 1-day one — never
  the 30-day one late. A commitment owed only by parties without users (a company, a community)
  is recalled to the space's team, who follow it up with them.
- **Overdue**: once past its due date and still open, the commitment is flagged once to the
  analysts and coordinators of the convening institution and of the institutions that
  registered the space's linked cases.
- Every warning sent is a ``CommitmentReminder`` keyed by the due date it was about: moving the
  date re-arms them. Closed commitments (fulfilled, partly or not fulfilled) are never warned.
  The row is written in the same transaction as the notifications and the audit record, and the
  unique constraint makes a second worker's run send nothing.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from willaq.accounts.access import EDITOR_ROLES
from willaq.accounts.models import Membership, Role, User
from willaq.accounts.notifications import notify
from willaq.audit.models import AuditEvent
from willaq.audit.services import record
from willaq.dialogue import clock
from willaq.dialogue.access import CONVENER_ROLES
from willaq.dialogue.choices import OPEN_COMMITMENT_STATES, ReminderKind
from willaq.dialogue.models import Commitment, CommitmentReminder

# Commitments looked at per kind of warning and pass (the task runs hourly: a backlog drains).
BATCH = 500
# Who hears that a commitment is overdue, in each institution concerned.
ESCALATION_ROLES = frozenset({Role.ANALYST, Role.COORDINATOR})

KIND_REMINDER = "commitment.reminder"
KIND_OVERDUE = "commitment.overdue"


@dataclass(frozen=True)
class DeadlineRun:
    reminded: int  # reminders sent (one per commitment and threshold)
    flagged: int  # overdue commitments flagged
    notifications: int  # notifications written, all warnings together


def reminder_days() -> list[int]:
    """The configured thresholds, ascending, positive and distinct."""
    return sorted({int(d) for d in settings.WILLAQ_COMMITMENT_REMINDER_DAYS if int(d) > 0})


def _members(institution_ids: Iterable[int], roles: Iterable[str]) -> list[User]:
    ids = set(institution_ids)
    if not ids:
        return []
    return [
        m.user
        for m in Membership.objects.filter(
            institution_id__in=ids, role__in=list(roles), is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("user__email", "pk")
    ]


def _commitment_url(commitment: Commitment) -> str:
    return reverse("dialogue:commitment", kwargs={"commitment_uuid": commitment.uuid})


def _already_sent(kind: str, days_before: int) -> Exists:
    return Exists(
        CommitmentReminder.objects.filter(
            commitment=OuterRef("pk"),
            kind=kind,
            days_before=days_before,
            due_date=OuterRef("due_date"),
        )
    )


def _claim(commitment: Commitment, kind: str, days_before: int) -> bool:
    """Write the reminder row; False when another run already did (the unique constraint)."""
    try:
        with transaction.atomic():
            CommitmentReminder.objects.create(
                commitment=commitment,
                kind=kind,
                days_before=days_before,
                due_date=commitment.due_date,
            )
    except IntegrityError:
        return False
    return True


def _candidates(condition: Q, kind: str, days_before: int) -> list[Commitment]:
    """Open commitments matching ``condition`` not yet warned of ``kind``/``days_before`` for
    their current due date (the ``commitment_open_due`` partial index serves the date range)."""
    return list(
        Commitment.objects.filter(condition, state__in=OPEN_COMMITMENT_STATES)
        .exclude(_already_sent(kind, days_before))
        .select_related("space__institution", "acta")
        .prefetch_related("responsible__institution")
        .order_by("due_date", "pk")[:BATCH]
    )


def _remind(commitment: Commitment, days_before: int, day: dt.date) -> int | None:
    """Send one reminder; the number of notifications written (None when already sent)."""
    with transaction.atomic():
        if not _claim(commitment, ReminderKind.BEFORE_DUE, days_before):
            return None
        owing = {p.institution_id for p in commitment.responsible.all() if p.institution_id}
        people = _members(owing, EDITOR_ROLES)
        if not owing:
            people = [
                *_members({commitment.space.institution_id}, CONVENER_ROLES),
                *commitment.space.facilitators.filter(is_active=True).order_by("email"),
            ]
        days_left = (commitment.due_date - day).days
        with translation.override(settings.LANGUAGE_CODE):
            when = (
                _("vence hoy")
                if days_left <= 0
                else ngettext("vence en %(n)s día", "vence en %(n)s días", days_left)
                % {"n": days_left}
            )
            sent = notify(
                people,
                kind=KIND_REMINDER,
                title=_("Compromiso que %(when)s: %(description)s")
                % {"when": when, "description": commitment.description[:120]},
                body=_(
                    "Vence el %(date)s. Espacio: %(space)s. Acta: %(acta)s, cláusula %(number)s. "
                    "Informe su avance o adjunte la evidencia de cumplimiento en su página."
                )
                % {
                    "date": commitment.due_date.strftime("%d/%m/%Y"),
                    "space": commitment.space.name,
                    "acta": commitment.acta.title,
                    "number": commitment.number,
                },
                url=_commitment_url(commitment),
            )
        record(
            AuditEvent.COMMITMENT_REMINDED,
            commitment,
            institution=commitment.space.institution,
            diff={
                "days_before": days_before,
                "due_date": str(commitment.due_date),
                "recipients": len(sent),
                "owing_institutions": len(owing),
            },
        )
    return len(sent)


def _flag_overdue(commitment: Commitment) -> int | None:
    """Flag one overdue commitment; the notifications written (None when already flagged)."""
    with transaction.atomic():
        if not _claim(commitment, ReminderKind.OVERDUE, 0):
            return None
        space = commitment.space
        case_institutions = set(space.cases.values_list("institution_id", flat=True))
        people = _members({space.institution_id, *case_institutions}, ESCALATION_ROLES)
        parties = ", ".join(sorted(p.name for p in commitment.responsible.all()))
        with translation.override(settings.LANGUAGE_CODE):
            sent = notify(
                people,
                kind=KIND_OVERDUE,
                title=_("Compromiso vencido: %(description)s")
                % {"description": commitment.description[:150]},
                body=_(
                    "Venció el %(date)s y sigue %(state)s. Responsables: %(parties)s. Espacio: "
                    "%(space)s. Un compromiso incumplido puede reactivar el conflicto."
                )
                % {
                    "date": commitment.due_date.strftime("%d/%m/%Y"),
                    "state": str(commitment.get_state_display()).lower(),
                    "parties": parties,
                    "space": space.name,
                },
                url=_commitment_url(commitment),
            )
        record(
            AuditEvent.COMMITMENT_OVERDUE_FLAGGED,
            commitment,
            institution=space.institution,
            diff={
                "due_date": str(commitment.due_date),
                "recipients": len(sent),
                "case_institutions": len(case_institutions),
            },
        )
    return len(sent)


def run_commitment_deadlines(day: dt.date | None = None) -> DeadlineRun:
    """Send every reminder and overdue warning due on ``day`` (today in Lima by default)."""
    day = day or clock.today()
    reminded = flagged = notifications = 0
    lower = 0
    for days_before in reminder_days():
        # Due in (lower, days_before] days from today: this threshold is the nearest one.
        window = Q(
            due_date__gte=day + dt.timedelta(days=lower),
            due_date__lte=day + dt.timedelta(days=days_before),
        )
        for commitment in _candidates(window, ReminderKind.BEFORE_DUE, days_before):
            sent = _remind(commitment, days_before, day)
            if sent is not None:
                reminded += 1
                notifications += sent
        lower = days_before + 1
    for commitment in _candidates(Q(due_date__lt=day), ReminderKind.OVERDUE, 0):
        sent = _flag_overdue(commitment)
        if sent is not None:
            flagged += 1
            notifications += sent
    return DeadlineRun(reminded=reminded, flagged=flagged, notifications=notifications)

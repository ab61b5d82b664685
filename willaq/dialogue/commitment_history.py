"""A commitment's history as its page shows it: what changed in the clause, state and progress
(django-simple-history rows), the notes given with each progress report and the evidence added
and verified (audit records).

The reader's confidential fields are those of the page (``access.hidden_dialogue_fields``): a
change of ``internal_notes`` shows "Confidencial" instead of its values, and who made a change
(``created_by``, ``added_by``, ``verified_by`` on the page) is left out, for anyone outside the
space.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from willaq.accounts.access import AnyUser
from willaq.audit.models import AuditEvent, AuditLog
from willaq.dialogue import access
from willaq.dialogue.models import Commitment, CommitmentEvidence, Participant

# Bookkeeping columns that never interest a reader.
_IGNORED = ["id", "uuid", "created_at", "updated_at", "created_by", "is_demo", "acta", "space"]
# A progress note belongs to the history row written in the same transaction, a moment before.
_SAME_CHANGE = dt.timedelta(seconds=5)
# Who made a change is read only where these fields are.
_WHO_FIELDS = {"created_by", "added_by", "verified_by"}


@dataclass
class HistoryEntry:
    when: dt.datetime
    what: str
    who: str = ""
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    note: str = ""


def _label(name: str) -> str:
    try:
        return capfirst(str(getattr(Commitment._meta.get_field(name), "verbose_name", name)))
    except FieldDoesNotExist:
        return name


def _value(name: str, raw: Any, names: dict[int, str]) -> str:
    if name == "responsible":
        ids = [row.get("participant") for row in raw or []]
        return ", ".join(sorted(names.get(i, "?") for i in ids)) or "—"
    if raw in (None, ""):
        return "—"
    try:
        model_field = Commitment._meta.get_field(name)
    except FieldDoesNotExist:
        return str(raw)
    choices = getattr(model_field, "choices", None)
    if choices:
        return str(dict(choices).get(raw, raw))
    if isinstance(raw, dt.datetime) and timezone.is_aware(raw):
        raw = timezone.localtime(raw)
    return str(formats.localize(raw))


def _who(user: models.Model | None, show: bool) -> str:
    if not show:
        return ""
    return str(user) if user else _("Sistema")


def commitment_history(user: AnyUser, commitment: Commitment) -> list[HistoryEntry]:
    """The entries of ``commitment``'s history ``user`` may read, newest first."""
    hidden = access.hidden_dialogue_fields(user, commitment.space)
    show_who = not (hidden & _WHO_FIELDS)
    names = dict(Participant.objects.filter(space_id=commitment.space_id).values_list("pk", "name"))
    rows = list(
        commitment.history.select_related("history_user").order_by("history_date", "history_id")
    )
    entries: list[HistoryEntry] = []
    previous = None
    for row in rows:
        if row.history_type == "+":
            entries.append(
                HistoryEntry(
                    row.history_date, _("Compromiso registrado"), _who(row.history_user, show_who)
                )
            )
        elif previous is not None:
            delta = row.diff_against(previous, excluded_fields=_IGNORED)
            changes = []
            for change in delta.changes:
                if change.field in hidden:
                    old = new = _("Confidencial")
                else:
                    old = _value(change.field, change.old, names)
                    new = _value(change.field, change.new, names)
                changes.append((_label(change.field), old, new))
            creation = entries[-1] if entries else None
            if (
                creation is not None
                and creation.what == _("Compromiso registrado")
                and not creation.changes
                and row.history_date - creation.when <= _SAME_CHANGE
            ):
                # The parties are set just after the clause is created: one entry, not two.
                creation.changes = changes
            elif changes:
                entries.append(
                    HistoryEntry(
                        row.history_date,
                        _("Compromiso modificado"),
                        _who(row.history_user, show_who),
                        changes,
                    )
                )
        previous = row
    _add_progress_notes(entries, commitment, show_who)
    _add_evidence_events(entries, commitment, show_who)
    entries.sort(key=lambda e: e.when)
    entries.reverse()
    return entries


def _add_progress_notes(
    entries: list[HistoryEntry], commitment: Commitment, show_who: bool
) -> None:
    """Each progress report's note on the history row of that report (or on a line of its own
    when the report changed nothing)."""
    reports = AuditLog.objects.filter(
        event_type=AuditEvent.COMMITMENT_PROGRESS,
        target_type=Commitment._meta.label_lower,
        target_id=str(commitment.uuid),
    ).select_related("acting_user")
    for report in reports.order_by("created_at", "id"):
        note = str(report.diff.get("note", ""))
        if not note:
            continue
        match = next(
            (
                e
                for e in reversed(entries)
                if e.changes and not e.note and abs(report.created_at - e.when) <= _SAME_CHANGE
            ),
            None,
        )
        if match is not None:
            match.note = note
        else:
            entries.append(
                HistoryEntry(
                    report.created_at,
                    _("Avance informado"),
                    _who(report.acting_user, show_who),
                    note=note,
                )
            )


def _add_evidence_events(
    entries: list[HistoryEntry], commitment: Commitment, show_who: bool
) -> None:
    evidence = {
        str(uuid): description
        for uuid, description in commitment.evidence.values_list("uuid", "description")
    }
    if not evidence:
        return
    titles = {
        AuditEvent.COMMITMENT_EVIDENCE_ADDED: _("Evidencia añadida"),
        AuditEvent.COMMITMENT_EVIDENCE_VERIFIED: _("Evidencia verificada"),
    }
    events = AuditLog.objects.filter(
        event_type__in=list(titles),
        target_type=CommitmentEvidence._meta.label_lower,
        target_id__in=list(evidence),
    ).select_related("acting_user")
    entries.extend(
        HistoryEntry(
            event.created_at,
            f"{titles[AuditEvent(event.event_type)]}: {evidence[event.target_id]}",
            _who(event.acting_user, show_who),
        )
        for event in events
    )

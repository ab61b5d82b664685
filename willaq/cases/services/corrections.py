"""Removing records (soft), restoring them, erasing a victim's identity."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent
from willaq.audit.services import record
from willaq.cases.access import (
    VICTIM_PRIVATE_FIELDS,
    Record,
    can_edit_record,
    can_restore_record,
    record_institution_id,
)
from willaq.cases.models import Event, Evidence, NewsItem, Victim
from willaq.cases.services.checks import stamp
from willaq.cases.services.records import recount_victims

_REMOVAL_EVENTS: dict[type[Any], tuple[AuditEvent, AuditEvent]] = {
    Event: (AuditEvent.EVENT_REMOVED, AuditEvent.EVENT_RESTORED),
    Victim: (AuditEvent.VICTIM_REMOVED, AuditEvent.VICTIM_RESTORED),
    NewsItem: (AuditEvent.NEWS_REMOVED, AuditEvent.NEWS_RESTORED),
    Evidence: (AuditEvent.EVIDENCE_REMOVED, AuditEvent.EVIDENCE_RESTORED),
}


def _audit_target(item: Record) -> models.Model:
    # A victim is audited on its event, so the audit trail names no person.
    return item.event if isinstance(item, Victim) else item


def _mark(item: Record, user: User, *, removed: bool, reason: str) -> None:
    """Set or clear the removal columns (one save, one history row) and recount a victim's
    event, whose counts follow its present victims."""
    item.removed_at = timezone.now() if removed else None
    item.removed_by = user if removed else None
    item.removal_reason = reason
    stamp(item, user)
    item.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    if isinstance(item, Victim):
        recount_victims(item.event)


def _audit(item: Record, user: User, event: AuditEvent, diff: dict[str, Any]) -> None:
    record(
        event,
        _audit_target(item),
        acting_user=user,
        institution=Institution.objects.get(pk=record_institution_id(item)),
        diff={"uuid": str(item.uuid)} | diff,
    )


@transaction.atomic
def remove_record(*, user: User, item: Record, reason: str) -> None:
    """Soft-remove an event, victim, news item or evidence: hidden everywhere (pages, API,
    counts), kept with its history, its file on disk, restorable by a coordinator. Removing an
    event takes its victims out of every count; removing a victim recounts its event."""
    if not can_edit_record(user, item):
        raise PermissionDenied(_("Solo la institución que lo registró puede eliminarlo."))
    if not reason.strip():
        raise ValidationError({"reason": _("Indique el motivo de la eliminación.")})
    if item.is_removed:
        raise ValidationError({"reason": _("Ya estaba eliminado.")})
    removed_event, _restored_event = _REMOVAL_EVENTS[type(item)]
    _mark(item, user, removed=True, reason=reason.strip())
    _audit(item, user, removed_event, {"reason": item.removal_reason})


@transaction.atomic
def restore_record(*, user: User, item: Record) -> None:
    """Bring a removed record back (its institution's coordinators)."""
    if not can_restore_record(user, item):
        raise PermissionDenied(_("Solo un coordinador de la institución puede restaurarlo."))
    if not item.is_removed:
        raise ValidationError({"reason": _("No está eliminado.")})
    reason = item.removal_reason
    _removed_event, restored_event = _REMOVAL_EVENTS[type(item)]
    _mark(item, user, removed=False, reason="")
    _audit(item, user, restored_event, {"removal_reason": reason})


# A victim's personal data (the access module's private fields) blanked: "" for text, None for
# the age. Outcome and group stay (they are the counts, not a person).
VICTIM_PERSONAL_FIELDS: dict[str, Any] = {
    name: None if Victim._meta.get_field(name).null else "" for name in VICTIM_PRIVATE_FIELDS
}


@transaction.atomic
def erase_victim_identity(*, user: User, victim: Victim, reason: str) -> int:
    """Blank a victim's personal data in the row *and in every historical row*, on a lawful
    request (e.g. the person's or family's request under Peru's personal data law). Only a
    coordinator of the event's institution may do it. The outcome and group stay, so counts do
    not change. The audit names the victim's uuid, the reason and how many rows were blanked,
    never the data erased. Returns the number of historical rows blanked."""
    if not can_restore_record(user, victim):
        raise PermissionDenied(
            _("Solo un coordinador de la institución del evento puede borrar la identidad.")
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Indique el fundamento de la solicitud.")})
    # UPDATEs, not saves: a save would write one more historical row holding the old values'
    # neighbours, and erasing must leave no copy behind.
    Victim.all_objects.filter(pk=victim.pk).update(**VICTIM_PERSONAL_FIELDS)
    blanked = Victim.history.filter(id=victim.pk).update(**VICTIM_PERSONAL_FIELDS)
    record(
        AuditEvent.VICTIM_IDENTITY_ERASED,
        victim.event,
        acting_user=user,
        institution=victim.event.institution,
        diff={"victim": str(victim.uuid), "reason": reason.strip(), "history_rows": blanked},
    )
    return blanked

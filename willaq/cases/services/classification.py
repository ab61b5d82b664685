"""Each institution's own classification of a case under the national office's methodology
(diferencia / controversia / conflicto social), beside the ombudsman's typology and states."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent
from willaq.audit.services import record
from willaq.cases.access import can_classify_case
from willaq.cases.choices import PcmClassification
from willaq.cases.models import Case, CaseClassification
from willaq.cases.services.checks import check_effective, stamp


def _check_value(classification: str) -> str:
    value = (classification or "").strip()
    if value and value not in PcmClassification.values:
        choices = ", ".join(PcmClassification.values)
        raise ValidationError(
            {
                "classification": _("Clasificación desconocida. Use una de: %(choices)s.")
                % {"choices": choices}
            }
        )
    return value


def set_classification(
    case: Case,
    institution: Institution,
    classification: str,
    user: User | None,
    *,
    note: str | None = None,
    at: dt.datetime | None = None,
) -> CaseClassification | None:
    """Write ``institution``'s classification of ``case`` (an empty value removes it), with its
    history and audit record; no access check (callers check). Returns the row, or None when
    removed or absent. A back-dated change may not precede the classification's last change."""
    value = _check_value(classification)
    current = (
        CaseClassification.objects.select_for_update()
        .filter(case=case, institution=institution)
        .first()
    )
    before = current.classification if current is not None else ""
    note_changed = note is not None and current is not None and current.note != note.strip()
    if value == before and not note_changed:
        return current
    if current is not None and at is not None:
        last = current.history.order_by("-history_date").values_list("history_date", flat=True)
        check_effective(at, not_before=last.first())
    else:
        check_effective(at)
    if not value:
        if current is not None:
            stamp(current, user, at)
            current.delete()
        row = None
    else:
        row = current or CaseClassification(case=case, institution=institution, created_by=user)
        row.classification = value
        if note is not None:
            row.note = note.strip()
        stamp(row, user, at)
        row.full_clean(exclude=["case", "institution"])
        row.save()
    diff: dict[str, object] = {"classification": [before, value]}
    if at is not None:
        diff["effective_at"] = at.isoformat()
    record(AuditEvent.CASE_CLASSIFIED, case, acting_user=user, institution=institution, diff=diff)
    return row


@transaction.atomic
def classify_case(
    *,
    user: User,
    case: Case,
    institution: Institution,
    classification: str,
    note: str | None = None,
    at: dt.datetime | None = None,
) -> CaseClassification | None:
    """``institution`` classifies ``case`` under the PCM methodology: its editors may classify
    any registered case (and their own institution's drafts), never another institution's
    classification. An empty ``classification`` withdraws it."""
    if not can_classify_case(user, case, institution):
        raise PermissionDenied(_("No puede clasificar este caso por esta institución."))
    return set_classification(case, institution, classification, user, note=note, at=at)


def registrar_classification(case: Case) -> str:
    """The registering institution's classification of the case ("" when it has none)."""
    for row in case.classifications.all():
        if row.institution_id == case.institution_id:
            return row.classification
    return ""


def classifications_text(case: Case) -> str:
    """Every institution's classification of the case, for a page: "Conflicto social (ONDS);
    Controversia (DP)"."""
    rows = case.classifications.select_related("institution").order_by("institution__name")
    return "; ".join(f"{row.get_classification_display()} ({row.institution})" for row in rows)

"""Changes that took effect before they were recorded (a late report, an import).

django-simple-history keeps full snapshots: each historical row holds every column. A change
effective last March but recorded in June must therefore not just be stamped "March", or every
row written between March and June would still show the old value (and the month-end figures
follow those rows). ``save_case_effective`` writes the change where it belongs:

1. a new historical row at the effective date: the case as it stood then, plus the change;
2. the change carried forward into the later rows that still held the old value, stopping for
   each field at the first later row where that field had changed anyway;
3. the live case updated only for the fields no later change overrode (saved without a new
   historical row: the history already says everything).

The new row's ``recorded_at`` is now; the audit record, written by the calling service, says
who wrote the change and when.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from willaq.accounts.models import User
from willaq.cases.models import Case, CasePlace, CaseTransition, Category
from willaq.cases.services.checks import check_effective, columns, stamp

# Columns a back-dated change never rewrites in the past (bookkeeping, not facts).
_BOOKKEEPING = frozenset({"id", "uuid", "created_at", "updated_at", "created_by_id", "is_demo"})


def check_effective_date(case: Case, at: dt.datetime | None) -> None:
    """An effective date of a case's change: a valid effective date (``check_effective``) and
    not before the case started."""
    check_effective(at)
    if at is None:
        return
    if case.start_date and timezone.localtime(at).date() < case.start_date:
        raise ValidationError(
            {
                "effective_date": _(
                    "La fecha efectiva no puede ser anterior al inicio del caso (%(date)s)."
                )
                % {"date": formats.localize(case.start_date)}
            }
        )


def check_after_last_transition(case: Case, at: dt.datetime | None) -> None:
    """A state or phase change cannot be back-dated before the case's last state change: the
    states in between would no longer follow the workflow."""
    if at is None:
        return
    last = CaseTransition.objects.filter(case=case).order_by("-occurred_at", "-id").first()
    if last is not None and at < last.occurred_at:
        raise ValidationError(
            {
                "effective_date": _(
                    "Este cambio no puede tener fecha efectiva anterior al último cambio de "
                    "estado del caso (%(date)s)."
                )
                % {"date": formats.localize(timezone.localtime(last.occurred_at))}
            }
        )


def _is_back_dated(history: Any, at: dt.datetime | None) -> bool:
    return at is not None and history.filter(history_date__gt=at).exists()


def _sector_ids(record: Any) -> frozenset[int]:
    return frozenset(record.sectors.values_list("category_id", flat=True))


def _set_sectors(record: Any, case: Case, ids: frozenset[int]) -> None:
    record.sectors.all().delete()
    record.sectors.model.objects.bulk_create(
        record.sectors.model(history=record, case_id=case.pk, category_id=i) for i in sorted(ids)
    )


def save_case_effective(
    case: Case,
    user: User,
    at: dt.datetime | None,
    before: dict[str, Any],
    sectors: list[Category] | None = None,
) -> None:
    """Save ``case`` (changed in memory from ``before``, its columns by attname) and, when
    given, its new ``sectors``, as a change effective at ``at``."""
    history = case.history.all()
    if not _is_back_dated(history, at):
        stamp(case, user, at)
        if columns(case) != before:
            case.save()
        if sectors is not None:
            case.sectors.set(sectors)
        return
    assert at is not None
    base = history.filter(history_date__lte=at).order_by("-history_date", "-history_id").first()
    if base is None:
        first = history.order_by("history_date", "history_id").first()
        raise ValidationError(
            {
                "effective_date": _(
                    "El historial de este caso empieza el %(date)s: la fecha efectiva no puede "
                    "ser anterior."
                )
                % {"date": formats.localize(timezone.localtime(first.history_date).date())}
            }
        )
    changed = {
        f.attname: getattr(case, f.attname)
        for f in Case._meta.concrete_fields
        if f.attname not in _BOOKKEEPING and getattr(case, f.attname) != before[f.attname]
    }
    old = {name: getattr(base, name) for name in changed}
    new_sectors = frozenset(s.pk for s in sectors) if sectors is not None else None
    old_sectors = _sector_ids(base)
    if new_sectors == old_sectors:
        new_sectors = None
    # 1. The row at the effective date: the case as it stood, plus the change.
    row = type(base).objects.get(history_id=base.history_id)
    row.history_id = None
    row.history_date = at
    row.history_type = "~"
    row.history_user = user
    row.history_change_reason = None
    row.recorded_at = timezone.now()
    for name, value in changed.items():
        setattr(row, name, value)
    row.save()
    _set_sectors(row, case, new_sectors if new_sectors is not None else old_sectors)
    # 2. Carried forward while the later rows still hold the old value.
    carry = dict(changed)
    carry_sectors = new_sectors is not None
    for later in history.filter(history_date__gt=at).order_by("history_date", "history_id"):
        updates = {}
        for name in list(carry):
            if getattr(later, name) == old[name]:
                updates[name] = carry[name]
            else:
                del carry[name]
        if updates:
            type(later).objects.filter(history_id=later.history_id).update(**updates)
        if carry_sectors:
            if _sector_ids(later) == old_sectors:
                assert new_sectors is not None
                _set_sectors(later, case, new_sectors)
            else:
                carry_sectors = False
        if not carry and not carry_sectors:
            break
    # 3. The live case takes only what no later change overrode.
    for name in changed:
        if name not in carry:
            setattr(case, name, before[name])
    if carry:
        case.skip_history_when_saving = True  # type: ignore[attr-defined]
        try:
            case.save()
        finally:
            del case.skip_history_when_saving  # type: ignore[attr-defined]
    if carry_sectors:
        case.skip_history_when_saving = True  # type: ignore[attr-defined]
        try:
            case.sectors.set(sectors or [])
        finally:
            del case.skip_history_when_saving  # type: ignore[attr-defined]


def check_place_effective(place: CasePlace, at: dt.datetime | None) -> None:
    """A place's back-dated change cannot precede that place's own latest change (its rows
    would then contradict each other: removed in March, still there in May)."""
    if at is None or place.pk is None:
        return
    latest = CasePlace.history.filter(id=place.pk).order_by("-history_date").first()
    if latest is not None and at < latest.history_date:
        raise ValidationError(
            {
                "effective_date": _(
                    "El lugar %(place)s cambió el %(date)s: la fecha efectiva de este cambio no "
                    "puede ser anterior."
                )
                % {
                    "place": place,
                    "date": formats.localize(timezone.localtime(latest.history_date).date()),
                }
            }
        )

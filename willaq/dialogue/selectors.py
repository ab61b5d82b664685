"""Reads of dialogue: the derived overdue state and the progress roll-ups.

- **Overdue** (never stored): a commitment still pending or in progress after its due date
  (``overdue_q``; ``Commitment.is_overdue`` for one object).
- **Weighted progress** of a set of commitments: Σ(weight × progress) / Σ(weight), in percent;
  ``None`` for an empty set (an acta with no clauses has no progress, not 0 %).
- **Money**: committed = Σ amount; verified as executed = Σ ``amount_executed`` of verified
  evidence. A commitment owed by two institutions counts in full for each of them (each owes it),
  never twice in one roll-up.

Every roll-up takes two queries whatever the number of commitments.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from willaq.dialogue import clock
from willaq.dialogue.choices import OPEN_COMMITMENT_STATES, CommitmentState
from willaq.dialogue.models import Commitment, CommitmentEvidence


def overdue_q(day: dt.date | None = None, prefix: str = "") -> Q:
    day = day or clock.today()
    return Q(**{f"{prefix}state__in": OPEN_COMMITMENT_STATES, f"{prefix}due_date__lt": day})


def due_within_q(days: int, day: dt.date | None = None) -> Q:
    """Open commitments falling due in the next ``days`` days (today included)."""
    day = day or clock.today()
    return Q(
        state__in=OPEN_COMMITMENT_STATES,
        due_date__gte=day,
        due_date__lte=day + dt.timedelta(days=days),
    )


@dataclass
class Rollup:
    count: int = 0
    weight: Decimal = Decimal(0)
    weighted_progress: Decimal | None = None
    overdue: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    amount_committed: Decimal = Decimal(0)
    amount_verified: Decimal = Decimal(0)

    @property
    def fulfilled(self) -> int:
        return self.by_state.get(CommitmentState.FULFILLED, 0)

    @property
    def money_ratio(self) -> Decimal | None:
        if not self.amount_committed:
            return None
        return (self.amount_verified * 100 / self.amount_committed).quantize(Decimal("0.1"))


def rollup(commitments: QuerySet[Commitment], day: dt.date | None = None) -> Rollup:
    """The roll-up of ``commitments`` (any filtered queryset; duplicates are collapsed)."""
    ids = commitments.order_by().values("pk").distinct()
    base = Commitment.objects.filter(pk__in=ids)
    day = day or clock.today()
    rows = base.values("state").annotate(
        n=Count("pk"),
        w=Sum("weight"),
        wp=Sum(F("weight") * F("progress")),
        amount=Sum("amount"),
        late=Count("pk", filter=overdue_q(day)),
    )
    result = Rollup()
    weighted = Decimal(0)
    for row in rows:
        result.count += row["n"]
        result.by_state[row["state"]] = row["n"]
        result.weight += Decimal(row["w"] or 0)
        weighted += Decimal(row["wp"] or 0)
        result.amount_committed += Decimal(row["amount"] or 0)
        result.overdue += row["late"]
    if result.weight:
        result.weighted_progress = (weighted / result.weight).quantize(Decimal("0.1"))
    verified = CommitmentEvidence.objects.filter(
        commitment__in=ids, verified_at__isnull=False
    ).aggregate(total=Sum("amount_executed"))["total"]
    result.amount_verified = Decimal(verified or 0)
    return result

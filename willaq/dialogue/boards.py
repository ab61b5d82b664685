"""Roll-ups of commitments grouped by acta, space, case, responsible institution and department,
and the rows of the compliance boards built on them.

Each grouping is the arithmetic of ``selectors.rollup`` (weighted progress, counts by state,
overdue, money committed against money verified as executed) computed for every group at once:
two grouped queries whatever the number of groups, never one query per row.

- A commitment owed by two institutions counts in full for each of them (each owes it), once per
  institution: a space seats an institution once (``participant_institution_once``), so the pair
  (institution, commitment) is unique.
- A commitment of a space linked to two cases counts for each case, once per case.
- The department is the department of the space's ``place``; spaces without a place are grouped
  under ``None``.
- A group with no commitments is absent from the result: ``rollup_for`` gives it an empty
  ``Rollup`` (no progress, not 0 %).
"""

import datetime as dt
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case as DbCase
from django.db.models import Count, F, IntegerField, QuerySet, Sum, Value, When

from willaq.accounts.models import Institution
from willaq.cases.models import Case
from willaq.dialogue import clock
from willaq.dialogue.models import Commitment, CommitmentEvidence
from willaq.dialogue.selectors import Rollup, overdue_q
from willaq.territory.models import Ubigeo

# The group keys, as lookups from a commitment.
BY_ACTA = "acta_id"
BY_SPACE = "space_id"
BY_CASE = "space__cases"
BY_INSTITUTION = "responsible__institution"
BY_DEPARTMENT = "space__place__department_code"


def rollup_by(
    commitments: QuerySet[Commitment], key: str, day: dt.date | None = None
) -> dict[Hashable, Rollup]:
    """The roll-up of ``commitments`` for each value of ``key`` (one of the ``BY_*`` lookups).

    Two queries: the commitments grouped by (key, state), and the verified evidence grouped by
    key. ``commitments`` may be any filtered queryset; its duplicates are collapsed first."""
    day = day or clock.today()
    ids = commitments.order_by().values("pk").distinct()
    base = Commitment.objects.filter(pk__in=ids)
    rows = (
        base.values(key, "state")
        .order_by()
        .annotate(
            n=Count("pk"),
            w=Sum("weight"),
            wp=Sum(F("weight") * F("progress")),
            amount=Sum("amount"),
            late=Count("pk", filter=overdue_q(day)),
        )
    )
    result: dict[Hashable, Rollup] = {}
    weighted: dict[Hashable, Decimal] = {}
    for row in rows:
        group = row[key]
        rollup = result.setdefault(group, Rollup())
        rollup.count += row["n"]
        rollup.by_state[row["state"]] = rollup.by_state.get(row["state"], 0) + row["n"]
        rollup.weight += Decimal(row["w"] or 0)
        weighted[group] = weighted.get(group, Decimal(0)) + Decimal(row["wp"] or 0)
        rollup.amount_committed += Decimal(row["amount"] or 0)
        rollup.overdue += row["late"]
    for group, rollup in result.items():
        if rollup.weight:
            rollup.weighted_progress = (weighted[group] / rollup.weight).quantize(Decimal("0.1"))
    verified = (
        CommitmentEvidence.objects.filter(commitment__in=ids, verified_at__isnull=False)
        .values(f"commitment__{key}")
        .order_by()
        .annotate(total=Sum("amount_executed"))
    )
    for row in verified:
        group = row[f"commitment__{key}"]
        if group in result:
            result[group].amount_verified += Decimal(row["total"] or 0)
    return result


def rollup_for(rollups: Mapping[Hashable, Rollup], group: Hashable) -> Rollup:
    """The roll-up of ``group``, empty when it has no commitments (an acta with no clauses)."""
    return rollups.get(group) or Rollup()


# --- board rows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InstitutionRow:
    institution: Institution
    rollup: Rollup


@dataclass(frozen=True)
class DepartmentRow:
    # None: spaces with no place.
    department: Ubigeo | None
    rollup: Rollup


@dataclass(frozen=True)
class CaseRow:
    case: Case
    rollup: Rollup


def _late_first(rollup: Rollup, name: str) -> tuple[int, Decimal, str]:
    """Most overdue first; then the least progress; then by name."""
    progress = rollup.weighted_progress if rollup.weighted_progress is not None else Decimal(0)
    return (-rollup.overdue, progress, name.casefold())


def institution_board(
    commitments: QuerySet[Commitment], day: dt.date | None = None
) -> list[InstitutionRow]:
    """One row per institution that owes something among ``commitments``, the latest first."""
    rollups = rollup_by(commitments, BY_INSTITUTION, day)
    institutions = Institution.objects.in_bulk([k for k in rollups if k is not None])
    rows = [InstitutionRow(institutions[pk], rollups[pk]) for pk in institutions]
    return sorted(rows, key=lambda r: _late_first(r.rollup, r.institution.name))


def department_board(
    commitments: QuerySet[Commitment], day: dt.date | None = None
) -> list[DepartmentRow]:
    """One row per department with commitments (and one for spaces with no place)."""
    rollups = rollup_by(commitments, BY_DEPARTMENT, day)
    departments = {
        u.department_code: u
        for u in Ubigeo.objects.departments().filter(
            department_code__in=[k for k in rollups if k is not None]
        )
    }
    rows = [
        DepartmentRow(departments.get(str(code)) if code else None, r)
        for code, r in rollups.items()
    ]
    return sorted(
        rows, key=lambda r: _late_first(r.rollup, r.department.name if r.department else "~")
    )


def case_board(
    commitments: QuerySet[Commitment], cases: QuerySet[Case], day: dt.date | None = None
) -> list[CaseRow]:
    """One row per case of ``cases`` (those the viewer sees) with commitments."""
    rollups = rollup_by(commitments, BY_CASE, day)
    found = cases.filter(pk__in=[k for k in rollups if k is not None]).in_bulk()
    rows = [CaseRow(case, rollups[pk]) for pk, case in found.items()]
    return sorted(rows, key=lambda r: _late_first(r.rollup, r.case.name))


def late_first(
    commitments: QuerySet[Commitment], day: dt.date | None = None
) -> QuerySet[Commitment]:
    """``commitments`` with the overdue ones first (the oldest due date first), then the others
    by due date: ordered in the database, so the list paginates."""
    late = When(overdue_q(day), then=Value(0))
    return commitments.annotate(
        late_rank=DbCase(late, default=Value(1), output_field=IntegerField())
    ).order_by("late_rank", "due_date", "pk")

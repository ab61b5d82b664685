"""The roll-ups by acta, space, case, institution and department: weights, empty actas, money,
shared commitments, and a constant number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from willaq.accounts.models import Institution, User
from willaq.cases.access import visible_cases
from willaq.dialogue import boards
from willaq.dialogue.choices import CommitmentState, SpaceKind
from willaq.dialogue.models import Commitment
from willaq.dialogue.services import commitments, sessions, spaces
from willaq.dialogue.tests.conftest import Roundtable, lima
from willaq.dialogue.tests.test_services import PDF

MAY_15 = dt.date(2026, 5, 15)


@pytest.fixture
def followed(roundtable: Roundtable, coordinator: User) -> Roundtable:
    """The roundtable with progress, verified money, and two more clauses: a health post owed
    by the regional government AND the convening institution (shared), and a bridge owed by
    the regional government alone, both due in April (overdue on 15 May)."""
    with time_machine.travel(lima(2026, 3, 12), tick=False):
        commitments.add_commitment(
            coordinator,
            roundtable.acta,
            commitments.CommitmentInput(
                description="Posta médica",
                due_date=dt.date(2026, 4, 15),
                responsible=[str(roundtable.gore.uuid), str(roundtable.convener.uuid)],
                amount=Decimal("500000"),
                funding_source="state",
            ),
        )
        commitments.add_commitment(
            coordinator,
            roundtable.acta,
            commitments.CommitmentInput(
                description="Puente peatonal",
                due_date=dt.date(2026, 4, 20),
                responsible=[str(roundtable.gore.uuid)],
            ),
        )
    commitments.report_progress(
        coordinator, roundtable.road, commitments.ProgressInput(CommitmentState.IN_PROGRESS, 50)
    )
    commitments.report_progress(
        coordinator, roundtable.school, commitments.ProgressInput(CommitmentState.IN_PROGRESS, 20)
    )
    evidence = commitments.add_evidence(
        coordinator,
        roundtable.road,
        commitments.EvidenceInput(
            description="Valorización 1",
            file=SimpleUploadedFile("v1.pdf", PDF),
            amount_executed=Decimal("400000"),
        ),
    )
    commitments.add_evidence(  # never verified: not money executed
        coordinator,
        roundtable.school,
        commitments.EvidenceInput(
            description="Foto", url="https://example.org/f", amount_executed=9
        ),
    )
    evidence.added_by = None  # the adder never verifies: the team does
    evidence.save(update_fields=["added_by"])
    commitments.verify_evidence(coordinator, evidence)
    return roundtable


def test_by_institution_counts_a_shared_commitment_once_per_institution(
    followed: Roundtable,
    owner_institution: Institution,
    debtor_institution: Institution,
    django_assert_num_queries: object,
) -> None:
    with django_assert_num_queries(2):  # type: ignore[operator]
        rollups = boards.rollup_by(Commitment.objects.all(), boards.BY_INSTITUTION, MAY_15)
    gore = rollups[debtor_institution.pk]
    owner = rollups[owner_institution.pk]
    # road, school, health post, bridge; the water study is the company's (no institution).
    assert gore.count == 4
    assert owner.count == 1
    assert rollups[None].count == 2  # water (company), school (company's share)
    # gore: (2 × 50 + 1 × 20 + 1 × 0 + 1 × 0) / 5 = 24 %
    assert gore.weight == Decimal(5)
    assert gore.weighted_progress == Decimal("24.0")
    assert gore.amount_committed == Decimal("2000000.00")
    assert gore.amount_verified == Decimal("400000.00")
    assert gore.money_ratio == Decimal("20.0")
    assert gore.overdue == 2
    assert owner.weighted_progress == Decimal("0.0")
    assert owner.amount_committed == Decimal("500000.00")
    assert owner.amount_verified == Decimal(0)
    assert owner.overdue == 1


def test_the_institution_board_lists_who_owes_the_latest_first(
    followed: Roundtable, owner_institution: Institution, debtor_institution: Institution
) -> None:
    rows = boards.institution_board(Commitment.objects.all(), MAY_15)
    assert len(rows) == 2
    assert rows[0].institution == debtor_institution  # two overdue
    assert rows[1].institution == owner_institution  # one overdue
    # Five commitments; the shared health post counts in both rows.
    assert Commitment.objects.count() == 5
    assert rows[0].rollup.count + rows[1].rollup.count == 5


def test_by_acta_includes_empty_actas_with_no_progress(
    followed: Roundtable, coordinator: User
) -> None:
    with time_machine.travel(lima(2026, 5, 1), tick=False):
        session = sessions.schedule_session(
            coordinator, followed.space, sessions.SessionInput(starts_at=lima(2026, 4, 20))
        )
        empty = sessions.sign_acta(
            coordinator,
            session,
            sessions.ActaInput(
                "Acta sin cláusulas", dt.date(2026, 4, 20), [str(followed.gore.uuid)]
            ),
        )
    rollups = boards.rollup_by(Commitment.objects.all(), boards.BY_ACTA, MAY_15)
    assert len(rollups) == 1
    first = boards.rollup_for(rollups, followed.acta.pk)
    nothing = boards.rollup_for(rollups, empty.pk)
    # (2 × 50 + 0 + 1 × 20 + 0 + 0) / 6 = 20 %
    assert (first.count, first.weighted_progress, first.overdue) == (5, Decimal("20.0"), 3)
    assert first.amount_committed == Decimal("2000000.00")
    assert first.amount_verified == Decimal("400000.00")
    assert (nothing.count, nothing.weighted_progress, nothing.money_ratio) == (0, None, None)


def test_by_space_case_and_department(
    followed: Roundtable, coordinator: User, owner_institution: Institution
) -> None:
    with time_machine.travel(lima(2026, 3, 12), tick=False):
        other = spaces.convene_space(  # no place, no case, no commitments
            coordinator,
            owner_institution,
            spaces.SpaceInput(
                kind=SpaceKind.WORKING_GROUP,
                name="Grupo de trabajo de agua",
                start_date=dt.date(2026, 3, 1),
                planned_end_date=dt.date(2026, 9, 1),
            ),
        )
    everything = Commitment.objects.all()
    by_space = boards.rollup_by(everything, boards.BY_SPACE, MAY_15)
    assert len(by_space) == 1
    assert by_space[followed.space.pk].count == 5
    assert boards.rollup_for(by_space, other.pk).count == 0

    departments = boards.department_board(everything, MAY_15)
    assert len(departments) == 1
    assert departments[0].department is not None
    assert departments[0].department.code == "030000"  # Apurímac, from the place 030506
    assert departments[0].rollup.count == 5
    assert departments[0].rollup.weighted_progress == Decimal("20.0")

    cases = boards.case_board(everything, visible_cases(coordinator), MAY_15)
    assert len(cases) == 1
    assert cases[0].case == followed.case
    assert cases[0].rollup.overdue == 3  # water, health post, bridge


def test_late_first_orders_overdue_commitments_first(followed: Roundtable) -> None:
    ordered = list(boards.late_first(Commitment.objects.all(), MAY_15))
    assert len(ordered) == 5
    assert [c.description for c in ordered[:3]] == [
        "Posta médica",
        "Puente peatonal",
        "Estudio de calidad del agua",
    ]
    assert sum(1 for c in ordered[:3] if c.is_overdue_on(MAY_15)) == 3
    assert not any(c.is_overdue_on(MAY_15) for c in ordered[3:])

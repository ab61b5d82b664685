"""The derived overdue state (with time travel) and the roll-up arithmetic."""

import datetime as dt
from decimal import Decimal

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from willaq.accounts.models import User
from willaq.dialogue.choices import CommitmentState
from willaq.dialogue.models import Commitment
from willaq.dialogue.selectors import overdue_q, rollup
from willaq.dialogue.services import commitments, sessions
from willaq.dialogue.tests.conftest import Roundtable, lima
from willaq.dialogue.tests.test_services import PDF


def test_overdue_is_derived_from_the_date(roundtable: Roundtable) -> None:
    water = roundtable.water  # due 30 April 2026
    with time_machine.travel(lima(2026, 4, 30, 23), tick=False):
        assert not water.is_overdue
        assert Commitment.objects.filter(overdue_q()).count() == 0
    with time_machine.travel(lima(2026, 5, 1, 0), tick=False):
        assert water.is_overdue
        assert list(Commitment.objects.filter(overdue_q())) == [water]
    # Nothing was stored: the state is still "pending".
    water.refresh_from_db()
    assert water.state == CommitmentState.PENDING


def test_a_closed_commitment_is_never_overdue(roundtable: Roundtable, coordinator: User) -> None:
    water = commitments.report_progress(
        coordinator, roundtable.water, commitments.ProgressInput(CommitmentState.NOT_FULFILLED, 0)
    )
    with time_machine.travel(lima(2026, 6, 1), tick=False):  # the road is due 30 June
        assert not water.is_overdue
        assert Commitment.objects.filter(overdue_q()).count() == 0


def test_rollup_weights_progress_and_money(roundtable: Roundtable, coordinator: User) -> None:
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
    commitments.add_evidence(  # not verified: not counted as executed
        coordinator,
        roundtable.school,
        commitments.EvidenceInput(
            description="Avance", url="https://example.org/a", amount_executed="99"
        ),
    )
    evidence.added_by = None  # verified by the team (the adder never verifies)
    evidence.save(update_fields=["added_by"])
    commitments.verify_evidence(coordinator, evidence)
    with time_machine.travel(lima(2026, 5, 15), tick=False):
        total = rollup(Commitment.objects.all())
    # weights: road 2 × 50, water 1 × 0, school 1 × 20 → 120 / 4 = 30 %
    assert total.count == 3
    assert total.weight == Decimal(4)
    assert total.weighted_progress == Decimal("30.0")
    assert total.amount_committed == Decimal("1500000.00")
    assert total.amount_verified == Decimal("400000.00")
    assert total.money_ratio == Decimal("26.7")
    assert total.overdue == 1  # water, due 30 April
    assert total.by_state == {CommitmentState.IN_PROGRESS: 2, CommitmentState.PENDING: 1}


def test_rollup_of_nothing_has_no_progress(roundtable: Roundtable, coordinator: User) -> None:
    with time_machine.travel(lima(2026, 5, 1), tick=False):
        session = sessions.schedule_session(
            coordinator, roundtable.space, sessions.SessionInput(starts_at=lima(2026, 4, 20))
        )
        acta = sessions.sign_acta(
            coordinator,
            session,
            sessions.ActaInput("Acta vacía", dt.date(2026, 4, 20), [str(roundtable.gore.uuid)]),
        )
    empty = rollup(acta.commitments.all())
    assert (empty.count, empty.weighted_progress, empty.money_ratio) == (0, None, None)


def test_a_commitment_owed_twice_counts_once(roundtable: Roundtable) -> None:
    owed = Commitment.objects.filter(responsible__space=roundtable.space)  # joins: duplicates
    assert owed.count() == 4
    assert rollup(owed).count == 3

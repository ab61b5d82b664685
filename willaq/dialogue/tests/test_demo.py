"""The dialogue demo: every kind of space, 30 sessions, 6 signed actas, 80 commitments in every
state (some overdue, some due within a week) with money and evidence, made through the services
on top of the case demo; a second run with --reuse creates nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from willaq.audit.models import AuditEvent, AuditLog
from willaq.dialogue.choices import CommitmentState, FundingSource, SpaceKind
from willaq.dialogue.models import (
    Acta,
    Commitment,
    CommitmentEvidence,
    DialogueSession,
    DialogueSpace,
)
from willaq.dialogue.selectors import due_within_q, overdue_q

pytestmark = pytest.mark.django_db


def test_the_demo_counts_and_a_second_run_creates_nothing() -> None:
    call_command("seed_demo", verbosity=0)
    out = StringIO()
    call_command("seed_dialogue_demo", stdout=out)

    spaces = DialogueSpace.objects.all()
    assert spaces.count() >= 8
    assert spaces.filter(is_demo=False).count() == 0
    assert len(set(spaces.values_list("kind", flat=True))) == len(SpaceKind.values)
    # A technical table under a roundtable.
    assert (
        spaces.filter(kind=SpaceKind.TECHNICAL_TABLE, parent__kind=SpaceKind.DIALOGUE_TABLE).count()
        == 1
    )
    assert 2 <= spaces.filter(is_public=True).count() <= 3
    assert spaces.filter(cases__isnull=False).distinct().count() == spaces.count()
    assert DialogueSession.objects.count() == 30
    assert Acta.objects.count() == 6

    commitments = Commitment.objects.all()
    assert commitments.count() == 80
    assert len(set(commitments.values_list("state", flat=True))) == len(CommitmentState.values)
    assert commitments.filter(overdue_q()).count() > 0
    assert commitments.filter(due_within_q(7)).count() > 0
    funded = set(commitments.exclude(amount=None).values_list("funding_source", flat=True))
    assert {FundingSource.STATE, FundingSource.COMPANY, FundingSource.MIXED} <= funded
    evidence = CommitmentEvidence.objects.all()
    assert evidence.filter(verified_at__isnull=False).count() > 0
    assert evidence.filter(verified_at__isnull=True).count() > 0
    assert evidence.exclude(file="").count() > 0
    # Made through the services: one audit record per commitment added.
    assert AuditLog.objects.filter(event_type=AuditEvent.COMMITMENT_ADDED).count() == 80
    # The closing note's figures are printed.
    printed = out.getvalue()
    assert "avance ponderado" in printed
    assert "vencidos" in printed
    assert "ejecutado verificado" in printed

    audit_before = AuditLog.objects.count()
    call_command("seed_dialogue_demo", "--reuse", verbosity=0)
    assert DialogueSpace.objects.count() == spaces.count()
    assert DialogueSession.objects.count() == 30
    assert Commitment.objects.count() == 80
    assert AuditLog.objects.count() == audit_before

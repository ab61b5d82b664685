"""Each state change of dialogue through its service: access, validation keyed by field, audit."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.dialogue.choices import (
    AttendanceStatus,
    CommitmentState,
    SessionState,
    SpaceKind,
    SpaceState,
)
from willaq.dialogue.models import Attendance, Commitment
from willaq.dialogue.services import commitments, sessions, spaces
from willaq.dialogue.tests.conftest import SIGNED_ON, Roundtable, lima

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _audits(event: AuditEvent) -> int:
    return AuditLog.objects.filter(event_type=event).count()


def test_convening_needs_a_convener_role(outsider: User, owner_institution: Institution) -> None:
    data = spaces.SpaceInput(
        kind=SpaceKind.DIALOGUE_TABLE,
        name="Mesa",
        start_date=dt.date(2026, 1, 1),
        planned_end_date=dt.date(2026, 6, 1),
    )
    with pytest.raises(PermissionDenied):
        spaces.convene_space(outsider, owner_institution, data)


def test_convening_validates_by_field(coordinator: User, owner_institution: Institution) -> None:
    data = spaces.SpaceInput(
        kind="mesa",
        name=" ",
        start_date=dt.date(2026, 6, 1),
        planned_end_date=dt.date(2026, 1, 1),
        place="999999",
        cases=["not-a-uuid"],
    )
    with pytest.raises(ValidationError) as caught:
        spaces.convene_space(coordinator, owner_institution, data)
    assert set(caught.value.message_dict) == {
        "kind",
        "name",
        "planned_end_date",
        "place",
        "cases",
    }
    assert _audits(AuditEvent.SPACE_CONVENED) == 0


def test_roundtable_is_recorded_with_audit(roundtable: Roundtable) -> None:
    space = roundtable.space
    # The convener sits at its own table; recording the session put the space in session.
    assert space.participants.count() == 4
    assert space.state == SpaceState.IN_SESSION
    assert roundtable.session.state == SessionState.HELD
    assert Attendance.objects.filter(session=roundtable.session).count() == 4
    assert roundtable.acta.signatories.count() == 4
    assert [c.number for c in roundtable.acta.commitments.order_by("number")] == [1, 2, 3]
    assert _audits(AuditEvent.SPACE_CONVENED) == 1
    assert _audits(AuditEvent.PARTICIPANT_ADDED) == 3
    assert _audits(AuditEvent.SESSION_SCHEDULED) == 1
    assert _audits(AuditEvent.SESSION_HELD) == 1
    assert _audits(AuditEvent.SPACE_STATE_CHANGED) == 1
    assert _audits(AuditEvent.ACTA_SIGNED) == 1
    assert _audits(AuditEvent.COMMITMENT_ADDED) == 3


def test_session_outside_the_space_dates_is_refused(
    roundtable: Roundtable, coordinator: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        sessions.schedule_session(
            coordinator, roundtable.space, sessions.SessionInput(starts_at=lima(2027, 2, 1))
        )
    assert "starts_at" in caught.value.message_dict
    assert roundtable.space.sessions.count() == 1


def test_represented_attendance_names_the_representative(
    roundtable: Roundtable, coordinator: User
) -> None:
    with time_machine.travel(lima(2026, 4, 20), tick=False):
        session = sessions.schedule_session(
            coordinator, roundtable.space, sessions.SessionInput(starts_at=lima(2026, 4, 15))
        )
        with pytest.raises(ValidationError) as caught:
            sessions.record_session(
                coordinator,
                session,
                attendance=[
                    sessions.AttendanceInput(
                        str(roundtable.gore.uuid), AttendanceStatus.REPRESENTED
                    )
                ],
            )
    assert "attendance" in caught.value.message_dict
    session.refresh_from_db()
    assert session.state == SessionState.PLANNED
    assert session.attendance.count() == 0


def test_a_session_signs_one_acta(roundtable: Roundtable, coordinator: User) -> None:
    with pytest.raises(ValidationError) as caught:
        sessions.sign_acta(
            coordinator,
            roundtable.session,
            sessions.ActaInput(
                title="Otra", signed_on=SIGNED_ON, signatories=[str(roundtable.gore.uuid)]
            ),
        )
    assert "session" in caught.value.message_dict


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"due_date": dt.date(2026, 3, 1)}, "due_date"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "100", "funding_source": ""}, "funding_source"),
        ({"responsible": []}, "responsible"),
        ({"responsible": ["00000000-0000-0000-0000-000000000000"]}, "responsible"),
        ({"description": ""}, "description"),
        ({"weight": "0"}, "weight"),
    ],
)
def test_commitment_errors_name_the_field(
    roundtable: Roundtable, coordinator: User, change: dict[str, object], field: str
) -> None:
    values: dict[str, object] = {
        "description": "Posta médica",
        "due_date": dt.date(2026, 8, 1),
        "responsible": [str(roundtable.gore.uuid)],
    }
    values.update(change)
    with pytest.raises(ValidationError) as caught:
        commitments.add_commitment(
            coordinator,
            roundtable.acta,
            commitments.CommitmentInput(**values),  # type: ignore[arg-type]
        )
    assert field in caught.value.message_dict
    assert Commitment.objects.count() == 3


def test_fulfilled_requires_evidence_and_means_100(
    roundtable: Roundtable, debtor_analyst: User, coordinator: User
) -> None:
    road = roundtable.road
    with pytest.raises(ValidationError) as caught:
        commitments.report_progress(
            debtor_analyst, road, commitments.ProgressInput(CommitmentState.FULFILLED, 100)
        )
    assert "state" in caught.value.message_dict
    evidence = commitments.add_evidence(
        debtor_analyst,
        road,
        commitments.EvidenceInput(
            description="Acta de recepción de obra",
            file=SimpleUploadedFile("recepcion.pdf", PDF, content_type="application/pdf"),
            amount_executed=Decimal("1100000"),
        ),
    )
    # Whoever added the evidence does not verify it; the space's team does.
    with pytest.raises(PermissionDenied):
        commitments.verify_evidence(debtor_analyst, evidence)
    commitments.verify_evidence(coordinator, evidence)
    done = commitments.report_progress(
        debtor_analyst, road, commitments.ProgressInput(CommitmentState.FULFILLED, 80)
    )
    assert (done.state, done.progress) == (CommitmentState.FULFILLED, 100)
    assert _audits(AuditEvent.COMMITMENT_PROGRESS) == 1
    assert _audits(AuditEvent.COMMITMENT_EVIDENCE_VERIFIED) == 1


@pytest.mark.parametrize("progress", [-1, 101])
def test_progress_outside_0_100_is_refused(
    roundtable: Roundtable, coordinator: User, progress: int
) -> None:
    with pytest.raises(ValidationError) as caught:
        commitments.report_progress(
            coordinator,
            roundtable.water,
            commitments.ProgressInput(CommitmentState.IN_PROGRESS, progress),
        )
    assert "progress" in caught.value.message_dict


def test_only_the_debtor_or_the_team_reports_progress(
    roundtable: Roundtable, outsider: User
) -> None:
    with pytest.raises(PermissionDenied):
        commitments.report_progress(
            outsider, roundtable.road, commitments.ProgressInput(CommitmentState.IN_PROGRESS, 10)
        )


def test_evidence_needs_a_file_or_a_link(roundtable: Roundtable, coordinator: User) -> None:
    with pytest.raises(ValidationError) as caught:
        commitments.add_evidence(
            coordinator, roundtable.road, commitments.EvidenceInput(description="Foto")
        )
    assert "file" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        commitments.add_evidence(
            coordinator,
            roundtable.road,
            commitments.EvidenceInput(description="Foto", url="javascript:alert(1)"),
        )
    assert "url" in caught.value.message_dict


def test_space_state_transitions(roundtable: Roundtable, coordinator: User) -> None:
    space = spaces.change_space_state(coordinator, roundtable.space, SpaceState.SUSPENDED)
    space = spaces.change_space_state(coordinator, space, SpaceState.IN_SESSION)
    with pytest.raises(ValidationError):
        spaces.change_space_state(coordinator, space, SpaceState.CONCLUDED)  # no end date
    space = spaces.change_space_state(
        coordinator, space, SpaceState.CONCLUDED, end_date=dt.date(2026, 11, 30)
    )
    assert space.end_date == dt.date(2026, 11, 30)
    with pytest.raises(ValidationError):
        spaces.change_space_state(coordinator, space, SpaceState.IN_SESSION)


def test_publishing_and_rotating_need_a_coordinator(
    roundtable: Roundtable, analyst: User, coordinator: User
) -> None:
    with pytest.raises(PermissionDenied):
        spaces.set_space_public(analyst, roundtable.space, True)
    old = roundtable.space.ical_secret
    space = spaces.rotate_space_secret(coordinator, roundtable.space)
    assert space.ical_secret != old
    assert len(space.ical_secret) >= 32


def test_a_participant_who_owes_is_not_removed(roundtable: Roundtable, coordinator: User) -> None:
    with pytest.raises(ValidationError):
        spaces.remove_participant(coordinator, roundtable.gore)
    assert roundtable.space.participants.count() == 4

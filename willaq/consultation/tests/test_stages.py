import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.consultation.choices import STAGE_ORDER, ProcessState, Stage
from willaq.consultation.models import ConsultationProcess
from willaq.consultation.services.agreements import (
    AgreementInput,
    add_agreement,
    assign_interpreter,
    follow_agreement,
)
from willaq.consultation.services.processes import (
    ProcessInput,
    StageInput,
    open_process,
    record_stage,
    update_stage,
)
from willaq.dialogue.choices import SpaceKind
from willaq.dialogue.services import sessions, spaces
from willaq.peoples.models import Language
from willaq.peoples.services import InterpreterInput, LanguageSkill, register_interpreter

START = dt.date(2024, 3, 1)


def _process(user: User) -> ConsultationProcess:
    return open_process(
        user,
        ProcessInput(
            title="Lote 192",
            measure_kind="administrative",
            measure_type="hydrocarbon_lot",
            peoples=["achuar", "quechuas", "kichwa"],
            localities=["160000"],
        ),
    )


def _stage(user: User, process: ConsultationProcess, stage: str, days: int) -> None:
    record_stage(user, process, StageInput(stage=stage, started_on=START + dt.timedelta(days)))


def test_the_seven_stages_in_order_conclude_the_process(analyst: User) -> None:
    process = _process(analyst)
    for days, stage in enumerate(STAGE_ORDER):
        _stage(analyst, process, stage, days * 10)
    process.refresh_from_db()
    assert process.stages.count() == 7
    assert process.current_stage == Stage.DECISION
    assert process.department_codes == "160000"
    last = process.stages.get(stage=Stage.DECISION)
    update_stage(
        analyst,
        last,
        StageInput(stage=Stage.DECISION, started_on=last.started_on, ended_on=dt.date(2024, 6, 1)),
    )
    process.refresh_from_db()
    assert process.state == ProcessState.CONCLUDED
    assert AuditLog.objects.filter(event_type=AuditEvent.CONSULTATION_STAGE_RECORDED).count() == 7


def test_the_first_stage_is_the_identification_of_the_measure(analyst: User) -> None:
    process = _process(analyst)
    with pytest.raises(ValidationError) as raised:
        _stage(analyst, process, Stage.PEOPLES, 0)
    assert "saltar" in raised.value.message_dict["stage"][0]
    assert process.stages.count() == 0


def test_a_skipped_stage_is_refused(analyst: User) -> None:
    process = _process(analyst)
    _stage(analyst, process, Stage.MEASURE, 0)
    _stage(analyst, process, Stage.PEOPLES, 5)
    with pytest.raises(ValidationError) as raised:
        _stage(analyst, process, Stage.INFORMATION, 10)  # publicity skipped
    assert "Publicidad" in raised.value.message_dict["stage"][0]
    assert process.stages.count() == 2


def test_a_stage_out_of_order_or_twice_is_refused(analyst: User) -> None:
    process = _process(analyst)
    for days, stage in enumerate(STAGE_ORDER[:3]):
        _stage(analyst, process, stage, days)
    with pytest.raises(ValidationError) as raised:
        _stage(analyst, process, Stage.PEOPLES, 10)
    assert "ya está registrada" in raised.value.message_dict["stage"][0]
    assert process.stages.count() == 3


def test_a_stage_dated_before_the_previous_one_is_refused(analyst: User) -> None:
    process = _process(analyst)
    _stage(analyst, process, Stage.MEASURE, 10)
    with pytest.raises(ValidationError) as raised:
        _stage(analyst, process, Stage.PEOPLES, 9)
    assert "antes que la anterior" in raised.value.message_dict["started_on"][0]
    # The same day is allowed.
    _stage(analyst, process, Stage.PEOPLES, 10)
    # Editing a stage may not move it before the previous one nor after the next one.
    first = process.stages.get(stage=Stage.MEASURE)
    with pytest.raises(ValidationError):
        update_stage(
            analyst, first, StageInput(stage=Stage.MEASURE, started_on=START + dt.timedelta(11))
        )
    second = process.stages.get(stage=Stage.PEOPLES)
    with pytest.raises(ValidationError):
        update_stage(analyst, second, StageInput(stage=Stage.PEOPLES, started_on=START))
    with pytest.raises(ValidationError) as raised:
        update_stage(
            analyst,
            second,
            StageInput(stage=Stage.PEOPLES, started_on=second.started_on, ended_on=START),
        )
    assert "ended_on" in raised.value.message_dict


def test_a_stage_starting_before_the_previous_ended_is_refused(analyst: User) -> None:
    process = _process(analyst)
    record_stage(
        analyst,
        process,
        StageInput(stage=Stage.MEASURE, started_on=START, ended_on=START + dt.timedelta(20)),
    )
    with pytest.raises(ValidationError) as raised:
        _stage(analyst, process, Stage.PEOPLES, 10)
    assert "started_on" in raised.value.message_dict


def test_only_the_promoting_institution_moves_the_process(analyst: User, outsider: User) -> None:
    process = _process(analyst)
    with pytest.raises(PermissionDenied):
        _stage(outsider, process, Stage.MEASURE, 0)


def test_agreements_follow_like_commitments(analyst: User, outsider: User) -> None:
    process = _process(analyst)
    with pytest.raises(ValidationError):
        add_agreement(analyst, process, AgreementInput("Monitoreo", "OEFA"))
    for days, stage in enumerate(STAGE_ORDER[:6]):
        _stage(analyst, process, stage, days)
    agreement = add_agreement(
        analyst, process, AgreementInput("Monitoreo ambiental", "OEFA", dt.date(2024, 5, 1))
    )
    assert agreement.is_overdue(dt.date(2024, 5, 2))
    assert not agreement.is_overdue(dt.date(2024, 5, 1))
    with pytest.raises(PermissionDenied):
        follow_agreement(outsider, agreement, "fulfilled")
    follow_agreement(analyst, agreement, "fulfilled", "Informe entregado")
    assert not agreement.is_overdue(dt.date(2024, 6, 1))
    with pytest.raises(ValidationError):
        add_agreement(analyst, process, AgreementInput("", ""))


def test_interpreter_assignment_to_a_stage(analyst: User) -> None:
    process = _process(analyst)
    _stage(analyst, process, Stage.MEASURE, 0)
    stage = process.stages.get()
    interpreter = register_interpreter(
        analyst,
        InterpreterInput(
            full_name="Rosa Tsamajain", department="160000", languages=[LanguageSkill("achuar")]
        ),
    )
    achuar = Language.objects.get(slug="achuar")
    assign_interpreter(analyst, interpreter, achuar, stage=stage)
    assert stage.assignments.count() == 1
    with pytest.raises(ValidationError):
        assign_interpreter(analyst, interpreter, achuar, stage=stage)
    with pytest.raises(ValidationError) as raised:
        assign_interpreter(analyst, interpreter, Language.objects.get(slug="quechua"), stage=stage)
    assert "language" in raised.value.message_dict


def test_a_process_needs_peoples_and_visible_cases(analyst: User) -> None:
    with pytest.raises(ValidationError) as raised:
        open_process(
            analyst,
            ProcessInput(
                title="",
                measure_kind="x",
                measure_type="regulation",
                peoples=[],
                cases=["00000000-0000-0000-0000-000000000000"],
            ),
        )
    assert sorted(raised.value.message_dict) == ["cases", "measure_kind", "peoples", "title"]


def test_interpreter_assignment_to_a_dialogue_session(
    analyst: User, owner_institution: Institution, outsider: User
) -> None:
    process = _process(analyst)
    with time_machine.travel(dt.datetime(2026, 3, 12, 12, 0, tzinfo=dt.UTC), tick=False):
        space = spaces.convene_space(
            analyst,
            owner_institution,
            spaces.SpaceInput(
                kind=SpaceKind.DEVELOPMENT_TABLE,
                name="Mesa de diálogo del Lote 192",
                start_date=dt.date(2026, 3, 12),
                planned_end_date=dt.date(2026, 12, 31),
            ),
        )
        session = sessions.schedule_session(
            analyst,
            space,
            sessions.SessionInput(starts_at=dt.datetime(2026, 4, 2, 15, 0, tzinfo=dt.UTC)),
        )
    interpreter = register_interpreter(
        analyst,
        InterpreterInput(
            full_name="Mercedes Sandi", department="160000", languages=[LanguageSkill("achuar")]
        ),
    )
    achuar = Language.objects.get(slug="achuar")
    with pytest.raises(ValidationError):
        assign_interpreter(analyst, interpreter, achuar)  # neither a stage nor a session
    with pytest.raises(PermissionDenied):  # the outsider does not manage the space
        assign_interpreter(outsider, interpreter, achuar, session=session)
    assignment = assign_interpreter(analyst, interpreter, achuar, session=session, process=process)
    assert assignment.session == session
    assert assignment.stage is None
    assert (
        AuditLog.objects.filter(
            event_type=AuditEvent.CONSULTATION_INTERPRETER_ASSIGNED, target_id=str(process.uuid)
        ).count()
        == 1
    )

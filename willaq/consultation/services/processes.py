"""Opening a consultation process, moving it through the law's seven stages, and the stages'
documents.

Each function checks access itself (``willaq.consultation.access``), validates its input (a
ValidationError keyed by field, in Spanish), writes inside one transaction with its audit
record, and returns the saved object.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent
from willaq.audit.services import record
from willaq.cases.access import visible_cases
from willaq.cases.models import Case
from willaq.cases.selectors import visible_cases_named
from willaq.cases.services.records import validate_evidence_file
from willaq.consultation import access
from willaq.consultation.choices import (
    STAGE_ORDER,
    MeasureKind,
    MeasureType,
    ProcessState,
    Stage,
    stage_position,
)
from willaq.consultation.models import ConsultationProcess, ConsultationStage, StageDocument
from willaq.peoples.models import People
from willaq.territory.models import Ubigeo

TITLE_MAX = 250


@dataclass(frozen=True)
class ProcessInput:
    """What a process says. ``peoples`` are People slugs, ``localities`` ubigeo codes,
    ``cases`` codes (``2026-0042``) or uuids of cases the user may see."""

    title: str
    measure_kind: str
    measure_type: str
    peoples: Sequence[str]
    measure_description: str = ""
    localities: Sequence[str] = field(default_factory=tuple)
    cases: Sequence[str] = field(default_factory=tuple)
    internal_notes: str = ""


def _clean_process(user: User, data: ProcessInput) -> tuple[list[People], list[Ubigeo], list[Case]]:
    errors: dict[str, list[str]] = {}
    title = (data.title or "").strip()
    if not title:
        errors["title"] = [_("Indique el título del proceso.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("El título admite hasta %(n)s caracteres.") % {"n": TITLE_MAX}]
    if data.measure_kind not in MeasureKind.values:
        errors["measure_kind"] = [_("Tipo de medida desconocido.")]
    if data.measure_type not in MeasureType.values:
        errors["measure_type"] = [_("Objeto de la medida desconocido.")]
    slugs = {s for s in data.peoples if s}
    peoples = list(People.objects.filter(slug__in=slugs))
    if not slugs:
        errors["peoples"] = [_("Indique al menos un pueblo consultado.")]
    elif len(peoples) != len(slugs):
        errors["peoples"] = [_("Algún pueblo indicado no existe.")]
    codes = {c for c in data.localities if c}
    localities = list(Ubigeo.objects.filter(code__in=codes))
    if len(localities) != len(codes):
        errors["localities"] = [_("Algún ubigeo indicado no existe.")]
    cases, unknown = visible_cases_named(user, data.cases)
    if unknown:
        errors["cases"] = [
            _("Casos desconocidos o que no puede ver: %(codes)s.") % {"codes": ", ".join(unknown)}
        ]
    if errors:
        raise ValidationError(errors)
    return peoples, localities, cases


def _department_codes(localities: Sequence[Ubigeo]) -> str:
    return " ".join(sorted({u.department_code for u in localities}))


def open_process(
    user: User, data: ProcessInput, institution: Institution | None = None
) -> ConsultationProcess:
    """Register a process promoted by one of the user's institutions."""
    allowed = access.promoting_institutions(user)
    institution = institution or allowed.first()
    if institution is None or not allowed.filter(pk=institution.pk).exists():
        raise PermissionDenied(_("Solo los editores de la entidad promotora registran procesos."))
    peoples, localities, cases = _clean_process(user, data)
    with transaction.atomic():
        process = ConsultationProcess.objects.create(
            title=data.title.strip(),
            measure_kind=data.measure_kind,
            measure_type=data.measure_type,
            measure_description=data.measure_description.strip(),
            institution=institution,
            internal_notes=data.internal_notes.strip(),
            department_codes=_department_codes(localities),
            created_by=user,
        )
        process.peoples.set(peoples)
        process.localities.set(localities)
        process.cases.set(cases)
        record(
            AuditEvent.CONSULTATION_OPENED,
            process,
            acting_user=user,
            institution=institution,
            diff={
                "title": process.title,
                "peoples": [p.slug for p in peoples],
                "cases": [str(c.uuid) for c in cases],
            },
        )
    return process


def link_case(user: User, process: ConsultationProcess, case_uuid: str) -> None:
    """Link a case the user may see to the process (idempotent)."""
    if not access.can_change(user, process):
        raise PermissionDenied(_("Solo la entidad promotora modifica el proceso."))
    case = visible_cases(user).filter(uuid=case_uuid).first()
    if case is None:
        raise ValidationError({"cases": [_("El caso no existe o no puede verlo.")]})
    with transaction.atomic():
        process.cases.add(case)
        record(
            AuditEvent.CONSULTATION_CHANGED,
            process,
            acting_user=user,
            institution=process.institution,
            diff={"cases": ["+", str(case.uuid)]},
        )


@dataclass(frozen=True)
class StageInput:
    stage: str
    started_on: dt.date
    ended_on: dt.date | None = None
    summary: str = ""
    attendees: int | None = None
    attendance: str = ""


def _check_dates(
    data: StageInput, previous: ConsultationStage | None, following: ConsultationStage | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.ended_on is not None and data.ended_on < data.started_on:
        errors["ended_on"] = [_("La etapa no puede terminar antes de empezar.")]
    if previous is not None:
        floor = previous.started_on
        if data.started_on < floor:
            errors["started_on"] = [
                _("La etapa no puede empezar antes que la anterior (%(stage)s, %(date)s).")
                % {"stage": previous.get_stage_display(), "date": floor.strftime("%d/%m/%Y")}
            ]
        elif previous.ended_on is not None and data.started_on < previous.ended_on:
            errors["started_on"] = [
                _("La etapa no puede empezar antes de que termine la anterior (%(date)s).")
                % {"date": previous.ended_on.strftime("%d/%m/%Y")}
            ]
    if following is not None and (
        following.started_on < data.started_on
        or (data.ended_on is not None and following.started_on < data.ended_on)
    ):
        errors["started_on"] = [
            _(
                "La etapa siguiente (%(stage)s) empieza el %(date)s: estas fechas la dejarían "
                "antes que esta."
            )
            % {
                "stage": following.get_stage_display(),
                "date": following.started_on.strftime("%d/%m/%Y"),
            }
        ]
    return errors


def record_stage(user: User, process: ConsultationProcess, data: StageInput) -> ConsultationStage:
    """Record the next stage of the process. Stages follow the law's order: the first is the
    identification of the measure, each one the stage right after the last recorded (none is
    skipped), and none starts before the previous one."""
    if not access.can_change(user, process):
        raise PermissionDenied(_("Solo la entidad promotora modifica el proceso."))
    if data.stage not in Stage.values:
        raise ValidationError({"stage": [_("Etapa desconocida.")]})
    if process.state != ProcessState.IN_PROGRESS:
        raise ValidationError({"stage": [_("El proceso no está en curso.")]})
    with transaction.atomic():
        process = ConsultationProcess.objects.select_for_update().get(pk=process.pk)
        last = process.stages.order_by("-position").first()
        expected = STAGE_ORDER[0] if last is None else None
        if last is not None:
            position = last.position + 1
            if position >= len(STAGE_ORDER):
                raise ValidationError({"stage": [_("El proceso ya registró sus siete etapas.")]})
            expected = STAGE_ORDER[position]
        assert expected is not None
        if data.stage != expected:
            if process.stages.filter(stage=data.stage).exists():
                message = _("Esa etapa ya está registrada.")
            elif stage_position(data.stage) > stage_position(expected):
                message = _("No se puede saltar etapas: la siguiente etapa es «%(expected)s».") % {
                    "expected": Stage(expected).label
                }
            else:
                message = _("La etapa que sigue es «%(expected)s».") % {
                    "expected": Stage(expected).label
                }
            raise ValidationError({"stage": [message]})
        errors = _check_dates(data, last, None)
        if errors:
            raise ValidationError(errors)
        stage = ConsultationStage.objects.create(
            process=process,
            stage=data.stage,
            position=stage_position(data.stage),
            started_on=data.started_on,
            ended_on=data.ended_on,
            summary=data.summary.strip(),
            attendees=data.attendees,
            attendance=data.attendance.strip(),
        )
        process.current_stage = data.stage
        if data.stage == Stage.DECISION and data.ended_on is not None:
            process.state = ProcessState.CONCLUDED
        process.save(update_fields=["current_stage", "state", "updated_at"])
        record(
            AuditEvent.CONSULTATION_STAGE_RECORDED,
            process,
            acting_user=user,
            institution=process.institution,
            diff={"stage": data.stage, "started_on": str(data.started_on)},
        )
    return stage


def update_stage(user: User, stage: ConsultationStage, data: StageInput) -> ConsultationStage:
    """Change a recorded stage's dates, summary and attendance (never which stage it is); the
    dates must stay between the previous and the following stage."""
    process = stage.process
    if not access.can_change(user, process):
        raise PermissionDenied(_("Solo la entidad promotora modifica el proceso."))
    if data.stage != stage.stage:
        raise ValidationError({"stage": [_("No se puede cambiar qué etapa es.")]})
    previous = process.stages.filter(position__lt=stage.position).order_by("-position").first()
    following = process.stages.filter(position__gt=stage.position).order_by("position").first()
    errors = _check_dates(data, previous, following)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = {"started_on": str(stage.started_on), "ended_on": str(stage.ended_on)}
        stage.started_on = data.started_on
        stage.ended_on = data.ended_on
        stage.summary = data.summary.strip()
        stage.attendees = data.attendees
        stage.attendance = data.attendance.strip()
        stage.save()
        if stage.stage == Stage.DECISION and data.ended_on is not None:
            process.state = ProcessState.CONCLUDED
            process.save(update_fields=["state", "updated_at"])
        record(
            AuditEvent.CONSULTATION_STAGE_CHANGED,
            process,
            acting_user=user,
            institution=process.institution,
            diff={
                "stage": stage.stage,
                "before": before,
                "after": {"started_on": str(stage.started_on), "ended_on": str(stage.ended_on)},
            },
        )
    return stage


def add_document(
    user: User, stage: ConsultationStage, title: str, upload: "UploadedFile[bytes]"
) -> StageDocument:
    """Attach a document (checked by content and size) to a stage."""
    if not access.can_change(user, stage.process):
        raise PermissionDenied(_("Solo la entidad promotora modifica el proceso."))
    if not title.strip():
        raise ValidationError({"title": [_("Indique el título del documento.")]})
    try:
        content_type = validate_evidence_file(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    with transaction.atomic():
        document = StageDocument.objects.create(
            stage=stage,
            title=title.strip()[:250],
            file=upload,
            content_type=content_type,
            added_by=user,
        )
        record(
            AuditEvent.CONSULTATION_DOCUMENT_ADDED,
            stage.process,
            acting_user=user,
            institution=stage.process.institution,
            diff={"stage": stage.stage, "title": document.title},
        )
    return document

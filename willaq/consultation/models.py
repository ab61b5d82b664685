"""Prior consultation processes under Law 29785 (the domain description, §7).

- A **process** consults one measure (legislative or administrative: an oil lot, a mining
  concession, a regulation) promoted by one institution, with the **peoples** and **localities**
  concerned, and links the **conflict cases** it touches.
- It goes through the law's **seven stages in order** (``choices.STAGE_ORDER``): each recorded
  stage has its dates, documents and attendance. A stage is never skipped and never starts before
  the previous one (``services.record_stage``). The current stage is the last one recorded.
- **Agreements** reached (normally at the dialogue stage) are followed like commitments: state,
  due date, responsible; "overdue" is derived (``Agreement.is_overdue``), never stored.
- **Interpreters** are assigned to a stage (or to a dialogue session of ``willaq.dialogue``).

Confidential fields (the promoting institution only; see ``access``): internal notes of the
process and of agreements, and who registered things.
"""

import datetime as dt
import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from willaq.accounts.models import Institution
from willaq.cases.models import Case
from willaq.consultation.choices import (
    OPEN_AGREEMENT_STATES,
    AgreementState,
    MeasureKind,
    MeasureType,
    ProcessState,
    Stage,
)
from willaq.core.models import TimeStampedModel
from willaq.dialogue.models import DialogueSession
from willaq.peoples.models import Interpreter, Language, People
from willaq.territory.models import Ubigeo


def _document_upload_to(instance: models.Model, filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    return f"consultation/{uuid.uuid4()}{suffix}"


class ConsultationProcess(TimeStampedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("título"), max_length=250)
    measure_kind = models.CharField(_("tipo de medida"), max_length=16, choices=MeasureKind.choices)
    measure_type = models.CharField(
        _("objeto de la medida"), max_length=20, choices=MeasureType.choices
    )
    measure_description = models.TextField(_("descripción de la medida"), blank=True)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("entidad promotora"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    peoples = models.ManyToManyField(
        People, verbose_name=_("pueblos consultados"), related_name="consultations"
    )
    localities = models.ManyToManyField(
        Ubigeo, verbose_name=_("localidades"), related_name="+", blank=True
    )
    # The departments of the localities, kept so the board and the API filter by one lookup
    # (space-separated ubigeo codes, rewritten by the service that sets the localities).
    department_codes = models.CharField(max_length=200, blank=True, editable=False)
    cases = models.ManyToManyField(
        Case, verbose_name=_("casos vinculados"), related_name="+", blank=True
    )
    state = models.CharField(
        _("estado"), max_length=12, choices=ProcessState.choices, default=ProcessState.IN_PROGRESS
    )
    # The last recorded stage, kept by the stage service (the board groups by it).
    current_stage = models.CharField(
        _("etapa actual"), max_length=20, choices=Stage.choices, blank=True
    )
    internal_notes = models.TextField(_("notas internas"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("proceso de consulta previa")
        verbose_name_plural = _("procesos de consulta previa")
        ordering = ["-created_at"]
        # The board: processes grouped by stage; the API's stage filter.
        indexes = [models.Index(fields=["current_stage", "state"], name="consultation_stage")]

    def __str__(self) -> str:
        return self.title


class ConsultationStage(TimeStampedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    process = models.ForeignKey(
        ConsultationProcess, on_delete=models.CASCADE, related_name="stages"
    )
    stage = models.CharField(_("etapa"), max_length=20, choices=Stage.choices)
    # 0–6, the stage's place in the law's order (so "ordered by position" is a plain sort).
    position = models.PositiveSmallIntegerField(editable=False)
    started_on = models.DateField(_("inicio"))
    ended_on = models.DateField(_("término"), null=True, blank=True)
    summary = models.TextField(_("resumen"), blank=True)
    attendees = models.PositiveIntegerField(_("asistentes"), null=True, blank=True)
    attendance = models.TextField(
        _("asistencia"), blank=True, help_text=_("Organizaciones y representantes presentes.")
    )

    class Meta:
        verbose_name = _("etapa de la consulta")
        verbose_name_plural = _("etapas de la consulta")
        ordering = ["process", "position"]
        constraints = [
            models.UniqueConstraint(fields=["process", "stage"], name="consultation_stage_once"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="consultation_stage_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.get_stage_display()


class StageDocument(TimeStampedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    stage = models.ForeignKey(ConsultationStage, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("título"), max_length=250)
    file = models.FileField(_("archivo"), upload_to=_document_upload_to)
    content_type = models.CharField(max_length=100, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("documento de etapa")
        verbose_name_plural = _("documentos de etapa")
        ordering = ["stage", "created_at"]

    def __str__(self) -> str:
        return self.title


class Agreement(TimeStampedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    process = models.ForeignKey(
        ConsultationProcess, on_delete=models.CASCADE, related_name="agreements"
    )
    description = models.TextField(_("acuerdo"))
    responsible = models.CharField(_("responsable"), max_length=250)
    due_date = models.DateField(_("fecha de vencimiento"), null=True, blank=True)
    state = models.CharField(
        _("estado"), max_length=12, choices=AgreementState.choices, default=AgreementState.PENDING
    )
    progress_note = models.TextField(_("avance"), blank=True)
    internal_notes = models.TextField(_("notas internas"), blank=True)

    class Meta:
        verbose_name = _("acuerdo de consulta")
        verbose_name_plural = _("acuerdos de consulta")
        ordering = ["process", "due_date", "created_at"]
        # Overdue agreements: open ones by due date.
        indexes = [
            models.Index(
                fields=["due_date"],
                condition=Q(state__in=["pending", "in_progress"]),
                name="agreement_open_due",
            )
        ]

    def __str__(self) -> str:
        return self.description[:80]

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.state in OPEN_AGREEMENT_STATES
            and self.due_date is not None
            and self.due_date < today
        )


class InterpreterAssignment(TimeStampedModel):
    """An interpreter working in one language at a stage of a process or at a dialogue
    session."""

    interpreter = models.ForeignKey(
        Interpreter, on_delete=models.PROTECT, related_name="consultation_assignments"
    )
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="+")
    stage = models.ForeignKey(
        ConsultationStage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
    )
    session = models.ForeignKey(
        DialogueSession,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("asignación de intérprete")
        verbose_name_plural = _("asignaciones de intérpretes")
        constraints = [
            models.CheckConstraint(
                condition=(Q(stage__isnull=False) & Q(session__isnull=True))
                | (Q(stage__isnull=True) & Q(session__isnull=False)),
                name="assignment_stage_or_session",
            ),
            models.UniqueConstraint(
                fields=["interpreter", "stage", "language"],
                condition=Q(stage__isnull=False),
                name="assignment_once_per_stage",
            ),
            models.UniqueConstraint(
                fields=["interpreter", "session", "language"],
                condition=Q(session__isnull=False),
                name="assignment_once_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.interpreter} ({self.language})"

"""Dialogue spaces and the follow-up of every commitment (the domain description, §5).

- A **dialogue space** (mesa de diálogo, de desarrollo, técnica, comisión de alto nivel, grupo de
  trabajo) is convened by one institution, may hang under another space (a technical table under a
  roundtable), links conflict cases, and has **participants** — institutions, companies, community
  organisations — each with who represents them.
- A space meets in **sessions** (date, place, agenda, attendance, minutes). A session may sign an
  **acta**; each clause of an acta is a **commitment** owed by one or more participants, with a due
  date, money where money is promised, a state and progress, and **evidence** of fulfilment.
- "Overdue" is never stored: a commitment still open (pending or in progress) after its due date is
  overdue (``Commitment.is_overdue``; the lists use ``selectors.overdue_q``).

Confidential fields (the convening and participating institutions only; see ``access``): the space's
and the commitment's internal notes, the minutes, who represented whom, who verified evidence.
"""

import datetime as dt
import secrets
import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from willaq.accounts.models import Institution
from willaq.cases.models import Actor, Case
from willaq.core.models import RecordedHistory, TimeStampedModel
from willaq.dialogue import clock
from willaq.dialogue.choices import (
    OPEN_COMMITMENT_STATES,
    AttendanceStatus,
    CommitmentState,
    FundingSource,
    ParticipantKind,
    ParticipantRole,
    ReminderKind,
    SessionState,
    SpaceKind,
    SpaceState,
)
from willaq.territory.models import Ubigeo


def new_secret() -> str:
    """A calendar feed's secret: 32 url-safe characters, unguessable."""
    return secrets.token_urlsafe(24)


def _document_upload_to(instance: models.Model, filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    return f"dialogue/{instance._meta.model_name}/{uuid.uuid4()}{suffix}"


class DialogueSpace(TimeStampedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("tipo de espacio"), max_length=20, choices=SpaceKind.choices)
    name = models.CharField(_("nombre"), max_length=250)
    description = models.TextField(_("objetivo y descripción"), blank=True)
    # The convening institution: its editors and facilitators run the space.
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="dialogue_spaces",
        verbose_name=_("institución convocante"),
    )
    # A technical table or working group under a roundtable.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subgroups",
        verbose_name=_("espacio principal"),
    )
    cases = models.ManyToManyField(
        Case, blank=True, related_name="dialogue_spaces", verbose_name=_("casos vinculados")
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="facilitated_spaces",
        verbose_name=_("facilitadores"),
    )
    # Where the space sits (its department counts it in the boards); optional.
    place = models.ForeignKey(
        Ubigeo,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lugar"),
    )
    ground_rules = models.TextField(_("reglas de funcionamiento"), blank=True)
    ground_rules_file = models.FileField(
        _("documento de reglas"), upload_to=_document_upload_to, blank=True
    )
    start_date = models.DateField(_("fecha de instalación"))
    planned_end_date = models.DateField(_("fecha prevista de término"))
    end_date = models.DateField(_("fecha de término"), null=True, blank=True)
    state = models.CharField(
        _("estado"), max_length=20, choices=SpaceState.choices, default=SpaceState.CONVENED
    )
    # The convening institution publishes the space's page (no login) by setting this.
    is_public = models.BooleanField(_("página pública"), default=False)
    internal_notes = models.TextField(_("notas internas"), blank=True)
    # The secret in the space's iCalendar URL; rotating it revokes every subscription.
    ical_secret = models.CharField(max_length=64, unique=True, default=new_secret, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(default=False)

    history = HistoricalRecords(
        excluded_fields=["updated_at", "ical_secret"], bases=[RecordedHistory]
    )

    class Meta:
        verbose_name = _("espacio de diálogo")
        verbose_name_plural = _("espacios de diálogo")
        ordering = ["-start_date", "-id"]
        indexes = [
            # The list's filters by institution and state, newest first.
            models.Index(
                fields=["institution", "state", "-start_date"], name="space_institution_state"
            ),
            # The public listing and the open data: public spaces only.
            models.Index(fields=["-start_date"], condition=Q(is_public=True), name="space_public"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end_date__gte=F("start_date")),
                name="space_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="space_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Participant(TimeStampedModel):
    """A party seated at a space: an institution of Willaq, an actor of the registry (a company, a
    community organisation) or, failing both, a name."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    space = models.ForeignKey(DialogueSpace, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(_("clase"), max_length=20, choices=ParticipantKind.choices)
    role = models.CharField(
        _("rol"),
        max_length=20,
        choices=ParticipantRole.choices,
        default=ParticipantRole.PARTICIPANT,
    )
    institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dialogue_seats",
        verbose_name=_("institución"),
    )
    actor = models.ForeignKey(
        Actor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dialogue_seats",
        verbose_name=_("actor"),
    )
    # The party's name as the acta writes it (filled from the institution or actor when empty).
    name = models.CharField(_("nombre"), max_length=250)
    # Who represents the party at the table (confidential: see ``access``).
    representative = models.CharField(_("representante"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("participante")
        verbose_name_plural = _("participantes")
        ordering = ["space", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~(Q(institution__isnull=False) & Q(actor__isnull=False)),
                name="participant_institution_or_actor",
            ),
            models.UniqueConstraint(
                fields=["space", "institution"],
                condition=Q(institution__isnull=False),
                name="participant_institution_once",
            ),
            models.UniqueConstraint(
                fields=["space", "actor"],
                condition=Q(actor__isnull=False),
                name="participant_actor_once",
            ),
        ]
        indexes = [
            # "What does institution X owe": its seats, across spaces.
            models.Index(fields=["institution"], name="participant_institution"),
        ]

    def __str__(self) -> str:
        return self.name


class DialogueSession(TimeStampedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    space = models.ForeignKey(DialogueSpace, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveIntegerField(_("número"))
    starts_at = models.DateTimeField(_("fecha y hora"))
    ends_at = models.DateTimeField(_("termina"), null=True, blank=True)
    place = models.CharField(_("lugar"), max_length=250, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    state = models.CharField(
        _("estado"), max_length=20, choices=SessionState.choices, default=SessionState.PLANNED
    )
    minutes = models.TextField(_("ayuda memoria"), blank=True)
    minutes_file = models.FileField(
        _("archivo de la ayuda memoria"), upload_to=_document_upload_to, blank=True
    )
    next_steps = models.TextField(_("próximos pasos"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(default=False)

    history = HistoricalRecords(excluded_fields=["updated_at"], bases=[RecordedHistory])

    class Meta:
        verbose_name = _("sesión")
        verbose_name_plural = _("sesiones")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["space", "number"], name="session_number_unique"),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="session_ends_after_start",
            ),
        ]
        indexes = [
            # The calendar and the iCal feeds: sessions by date.
            models.Index(fields=["starts_at"], name="session_starts_at"),
        ]

    def __str__(self) -> str:
        return f"{self.space} — {self.number}"


class Attendance(models.Model):
    session = models.ForeignKey(
        DialogueSession, on_delete=models.CASCADE, related_name="attendance"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(_("asistencia"), max_length=20, choices=AttendanceStatus.choices)
    represented_by = models.CharField(_("representado por"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("asistencia")
        verbose_name_plural = _("asistencias")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participant"], name="attendance_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant}: {self.get_status_display()}"


class Acta(TimeStampedModel):
    """The signed record of a session's agreements; each clause is a commitment."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.OneToOneField(
        DialogueSession, on_delete=models.PROTECT, related_name="acta", verbose_name=_("sesión")
    )
    title = models.CharField(_("título"), max_length=250)
    signed_on = models.DateField(_("fecha de firma"))
    document = models.FileField(_("documento"), upload_to=_document_upload_to, blank=True)
    signatories = models.ManyToManyField(
        Participant, blank=True, related_name="signed_actas", verbose_name=_("firmantes")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(default=False)

    history = HistoricalRecords(excluded_fields=["updated_at"], bases=[RecordedHistory])

    class Meta:
        verbose_name = _("acta")
        verbose_name_plural = _("actas")
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return self.title


class Commitment(TimeStampedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    acta = models.ForeignKey(Acta, on_delete=models.PROTECT, related_name="commitments")
    # Denormalised from the acta's session, for the lists and boards (never changes).
    space = models.ForeignKey(
        DialogueSpace, on_delete=models.PROTECT, related_name="commitments", editable=False
    )
    # The clause number in the acta.
    number = models.PositiveIntegerField(_("número de cláusula"))
    description = models.TextField(_("compromiso"))
    responsible = models.ManyToManyField(
        Participant, related_name="commitments", verbose_name=_("responsables")
    )
    due_date = models.DateField(_("fecha de vencimiento"))
    amount = models.DecimalField(
        _("monto comprometido (S/)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    funding_source = models.CharField(
        _("fuente de financiamiento"), max_length=20, choices=FundingSource.choices, blank=True
    )
    state = models.CharField(
        _("estado"),
        max_length=20,
        choices=CommitmentState.choices,
        default=CommitmentState.PENDING,
    )
    progress = models.PositiveSmallIntegerField(_("avance (%)"), default=0)
    # The weight of the clause in the roll-ups (1 unless the acta says a clause counts more).
    weight = models.DecimalField(_("peso"), max_digits=6, decimal_places=2, default=1)
    internal_notes = models.TextField(_("notas internas"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_demo = models.BooleanField(default=False)

    history = HistoricalRecords(
        excluded_fields=["updated_at"], m2m_fields=[responsible], bases=[RecordedHistory]
    )

    class Meta:
        verbose_name = _("compromiso")
        verbose_name_plural = _("compromisos")
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["acta", "number"], name="commitment_number_unique"),
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="commitment_progress_0_100",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="commitment_amount_not_negative",
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="commitment_weight_positive"),
            models.CheckConstraint(
                condition=~Q(state=CommitmentState.FULFILLED) | Q(progress=100),
                name="commitment_fulfilled_is_100",
            ),
        ]
        indexes = [
            # The overdue scan, the reminders and the lists by due date: open commitments only.
            models.Index(
                fields=["due_date"],
                condition=Q(state__in=OPEN_COMMITMENT_STATES),
                name="commitment_open_due",
            ),
            # Boards and roll-ups by space and state.
            models.Index(fields=["space", "state"], name="commitment_space_state"),
        ]

    def __str__(self) -> str:
        return f"{self.acta} — {self.number}"

    def is_overdue_on(self, day: dt.date) -> bool:
        """Derived, never stored: still owed (pending or in progress) after its due date."""
        return self.state in OPEN_COMMITMENT_STATES and self.due_date < day

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(clock.today())


class CommitmentEvidence(TimeStampedModel):
    """Proof that a commitment was (partly) honoured: a file or a link, verified by the follow-up
    team of the convening institution. ``amount_executed`` is the money it proves spent."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="evidence")
    description = models.CharField(_("descripción"), max_length=500)
    file = models.FileField(_("archivo"), upload_to=_document_upload_to, blank=True)
    url = models.URLField(_("enlace"), max_length=500, blank=True)
    amount_executed = models.DecimalField(
        _("monto ejecutado (S/)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(_("verificada el"), null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("evidencia de cumplimiento")
        verbose_name_plural = _("evidencias de cumplimiento")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(file="") | ~Q(url=""), name="commitment_evidence_file_or_url"
            ),
            models.CheckConstraint(
                condition=Q(amount_executed__isnull=True) | Q(amount_executed__gte=0),
                name="commitment_evidence_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class InstitutionCalendar(TimeStampedModel):
    """The secret of an institution's iCalendar feed (its spaces' sessions and the due dates of
    what it owes). Rotating the secret revokes every subscription."""

    institution = models.OneToOneField(
        Institution, on_delete=models.CASCADE, related_name="dialogue_calendar"
    )
    secret = models.CharField(max_length=64, unique=True, default=new_secret)

    class Meta:
        verbose_name = _("calendario de la institución")
        verbose_name_plural = _("calendarios de las instituciones")


class CommitmentReminder(models.Model):
    """One reminder or overdue warning sent, so the scheduled task never sends it twice. Keyed by
    the due date it was about: moving the date re-arms the reminders."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    # Days before the due date (0 for the overdue warning).
    days_before = models.PositiveSmallIntegerField(default=0)
    due_date = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "kind", "days_before", "due_date"],
                name="commitment_reminder_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment} — {self.kind} {self.days_before}"

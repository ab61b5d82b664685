"""Every kind, state and role of dialogue spaces and commitments (the domain description, §5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SpaceKind(models.TextChoices):
    DIALOGUE_TABLE = "dialogue_table", _("Mesa de diálogo")
    DEVELOPMENT_TABLE = "development_table", _("Mesa de desarrollo")
    TECHNICAL_TABLE = "technical_table", _("Mesa técnica")
    HIGH_LEVEL_COMMISSION = "high_level", _("Comisión de alto nivel")
    WORKING_GROUP = "working_group", _("Grupo de trabajo")


class SpaceState(models.TextChoices):
    CONVENED = "convened", _("Convocada")
    IN_SESSION = "in_session", _("En sesión")
    SUSPENDED = "suspended", _("Suspendida")
    CONCLUDED = "concluded", _("Concluida")


class ParticipantKind(models.TextChoices):
    """Who a participant is; a commitment's responsible parties are participants."""

    INSTITUTION = "institution", _("Institución del Estado")
    COMPANY = "company", _("Empresa")
    COMMUNITY = "community", _("Organización de la comunidad")
    OTHER = "other", _("Otro")


class ParticipantRole(models.TextChoices):
    CONVENER = "convener", _("Convocante")
    FACILITATOR = "facilitator", _("Facilitador")
    PARTICIPANT = "participant", _("Participante")
    OBSERVER = "observer", _("Observador")


class SessionState(models.TextChoices):
    PLANNED = "planned", _("Programada")
    HELD = "held", _("Realizada")
    CANCELLED = "cancelled", _("Cancelada")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Presente")
    ABSENT = "absent", _("Ausente")
    REPRESENTED = "represented", _("Representado")


class CommitmentState(models.TextChoices):
    """Stored states. "Vencido" (overdue) is never stored: it is derived from the due date
    (``Commitment.is_overdue``, ``selectors.overdue_q``)."""

    PENDING = "pending", _("Pendiente")
    IN_PROGRESS = "in_progress", _("En proceso")
    FULFILLED = "fulfilled", _("Cumplido")
    PARTLY_FULFILLED = "partly_fulfilled", _("Cumplido parcialmente")
    NOT_FULFILLED = "not_fulfilled", _("No cumplido")


# The states in which a commitment is still owed: past its due date it is overdue.
OPEN_COMMITMENT_STATES = (CommitmentState.PENDING, CommitmentState.IN_PROGRESS)


class FundingSource(models.TextChoices):
    STATE = "state", _("Estado")
    COMPANY = "company", _("Empresa")
    MIXED = "mixed", _("Mixto")
    OTHER = "other", _("Otro")


class ReminderKind(models.TextChoices):
    BEFORE_DUE = "before", _("Recordatorio antes del vencimiento")
    OVERDUE = "overdue", _("Aviso de compromiso vencido")

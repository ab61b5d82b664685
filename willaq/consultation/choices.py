"""Every kind, stage and state of prior consultation."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeasureKind(models.TextChoices):
    LEGISLATIVE = "legislative", _("Legislativa")
    ADMINISTRATIVE = "administrative", _("Administrativa")


class MeasureType(models.TextChoices):
    HYDROCARBON_LOT = "hydrocarbon_lot", _("Lote de hidrocarburos")
    MINING_CONCESSION = "mining_concession", _("Concesión o proyecto minero")
    PROTECTED_AREA = "protected_area", _("Área natural protegida")
    INFRASTRUCTURE = "infrastructure", _("Infraestructura (vía, hidrovía, energía)")
    REGULATION = "regulation", _("Reglamento o norma")
    POLICY = "policy", _("Política o plan")
    OTHER = "other", _("Otra")


class Stage(models.TextChoices):
    """The seven stages of Law 29785 (art. 8), in the order the law sets."""

    MEASURE = "measure", _("Identificación de la medida")
    PEOPLES = "peoples", _("Identificación de los pueblos")
    PUBLICITY = "publicity", _("Publicidad")
    INFORMATION = "information", _("Información")
    INTERNAL_EVALUATION = "internal_evaluation", _("Evaluación interna")
    DIALOGUE = "dialogue", _("Diálogo")
    DECISION = "decision", _("Decisión")


# The law's order: a stage may only follow the one before it.
STAGE_ORDER: tuple[str, ...] = tuple(Stage.values)


def stage_position(stage: str) -> int:
    return STAGE_ORDER.index(stage)


class ProcessState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("En curso")
    SUSPENDED = "suspended", _("Suspendido")
    CONCLUDED = "concluded", _("Concluido")


class AgreementState(models.TextChoices):
    PENDING = "pending", _("Pendiente")
    IN_PROGRESS = "in_progress", _("En proceso")
    FULFILLED = "fulfilled", _("Cumplido")
    UNFULFILLED = "unfulfilled", _("Incumplido")


OPEN_AGREEMENT_STATES = frozenset({AgreementState.PENDING, AgreementState.IN_PROGRESS})

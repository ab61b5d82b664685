"""The vocabularies of environmental complaints (the domain description, §7): what a citizen
reports, the handling states, how the complainant may be reached and where the 30-working-day
clock stands."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintKind(models.TextChoices):
    DISCHARGE = "discharge", _("Vertimiento a ríos, lagos o el mar")
    EMISSIONS = "emissions", _("Humo, gases o polvo")
    WASTE = "waste", _("Residuos o basura")
    LOGGING = "logging", _("Tala o quema de bosque")
    MINING = "mining", _("Minería (relaves, desmonte, minería ilegal)")
    SPILL = "spill", _("Derrame de petróleo u otras sustancias")
    NOISE = "noise", _("Ruido")
    OTHER = "other", _("Otro")


class ComplaintState(models.TextChoices):
    RECEIVED = "received", _("Recibida")
    ADMITTED = "admitted", _("En trámite")
    INSPECTED = "inspected", _("Inspección realizada")
    ANSWERED = "answered", _("Respondida")
    DISMISSED = "dismissed", _("Desestimada")
    CLOSED = "closed", _("Cerrada")


# The clock runs while a complaint waits for its answer.
OPEN_STATES = frozenset(
    {ComplaintState.RECEIVED, ComplaintState.ADMITTED, ComplaintState.INSPECTED}
)
# Routing to another authority is possible before the inspection.
ROUTABLE_STATES = frozenset({ComplaintState.RECEIVED, ComplaintState.ADMITTED})


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Teléfono")
    EMAIL = "email", _("Correo electrónico")


class ClockState(models.TextChoices):
    ON_TIME = "on_time", _("En plazo")
    DUE_SOON = "due_soon", _("Por vencer")
    OVERDUE = "overdue", _("Vencida")
    ANSWERED_IN_TIME = "answered_in_time", _("Respondida a tiempo")
    ANSWERED_LATE = "answered_late", _("Respondida fuera de plazo")


RUNNING_CLOCK_STATES = frozenset({ClockState.ON_TIME, ClockState.DUE_SOON, ClockState.OVERDUE})

"""The vocabularies of early warning (the domain description, §4): reporter levels, the four
channels, review states, urgency, alert levels mapped to CAP 1.2 and deployment-order states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReporterLevel(models.TextChoices):
    REGIONAL_GOVERNOR = "regional_governor", _("Gobernador regional")
    PROVINCIAL_GOVERNOR = "provincial_governor", _("Gobernador provincial")
    DISTRICT_GOVERNOR = "district_governor", _("Gobernador distrital")
    JUSTICE_OF_PEACE = "justice_of_peace", _("Juez de paz")
    COMMISSIONER = "commissioner", _("Comisionado")
    FIELD_OFFICER = "field_officer", _("Funcionario de campo de una entidad nacional")
    VOLUNTEER = "volunteer", _("Voluntario")
    REGIONAL_STAFF = "regional_staff", _("Personal del gobierno regional")
    LOCAL_STAFF = "local_staff", _("Personal del gobierno local")


class Channel(models.TextChoices):
    WEB = "web", _("Formulario web")
    ODK = "odk", _("ODK Collect / OpenRosa")
    SMS = "sms", _("SMS")
    API = "api", _("API")


class ReviewState(models.TextChoices):
    RECEIVED = "received", _("Recibida")
    IN_REVIEW = "in_review", _("En revisión")
    HAS_ISSUES = "has_issues", _("Con observaciones")
    VALIDATED = "validated", _("Validada")
    REJECTED = "rejected", _("Rechazada")


# A pre-alert in one of these states is closed: no further review.
CLOSED_REVIEW_STATES = frozenset({ReviewState.VALIDATED, ReviewState.REJECTED})


class Urgency(models.TextChoices):
    LOW = "low", _("Baja")
    MEDIUM = "medium", _("Media")
    HIGH = "high", _("Alta")
    CRITICAL = "critical", _("Crítica")


class AlertLevel(models.TextChoices):
    """The office's alert levels; each maps to one CAP ``severity`` (see CAP_SEVERITY)."""

    GREEN = "green", _("Verde (seguimiento)")
    YELLOW = "yellow", _("Amarilla (riesgo)")
    ORANGE = "orange", _("Naranja (crisis probable)")
    RED = "red", _("Roja (crisis)")


CAP_SEVERITY: dict[str, str] = {
    AlertLevel.GREEN: "Minor",
    AlertLevel.YELLOW: "Moderate",
    AlertLevel.ORANGE: "Severe",
    AlertLevel.RED: "Extreme",
}


class AlertUrgency(models.TextChoices):
    """CAP 1.2 ``urgency`` values, spelled as CAP spells them."""

    IMMEDIATE = "Immediate", _("Inmediata")
    EXPECTED = "Expected", _("Esperada (próxima hora)")
    FUTURE = "Future", _("Futura")
    PAST = "Past", _("Pasada")
    UNKNOWN = "Unknown", _("Desconocida")


class AlertCertainty(models.TextChoices):
    """CAP 1.2 ``certainty`` values."""

    OBSERVED = "Observed", _("Observada")
    LIKELY = "Likely", _("Probable")
    POSSIBLE = "Possible", _("Posible")
    UNLIKELY = "Unlikely", _("Improbable")
    UNKNOWN = "Unknown", _("Desconocida")


class AlertMessageType(models.TextChoices):
    """CAP 1.2 ``msgType``: an update or a cancellation references the original alert."""

    ALERT = "Alert", _("Alerta")
    UPDATE = "Update", _("Actualización")
    CANCEL = "Cancel", _("Cancelación")


class OrderState(models.TextChoices):
    ORDERED = "ordered", _("Ordenada")
    DEPLOYED = "deployed", _("Desplegada")
    ON_SITE = "on_site", _("En el lugar")
    CLOSED = "closed", _("Cerrada con informe")

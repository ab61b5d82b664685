"""Every kind and state of the peoples registry."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.TextChoices):
    """Where a people or a language lives (BDPI's "ámbito")."""

    ANDEAN = "andean", _("Andino")
    AMAZONIAN = "amazonian", _("Amazónico")


class OrganisationLevel(models.TextChoices):
    NATIONAL = "national", _("Nacional")
    REGIONAL = "regional", _("Regional")
    LOCAL = "local", _("Local / federación de base")
    COMMUNITY = "community", _("Comunal")


class InterpreterRole(models.TextChoices):
    INTERPRETER = "interpreter", _("Intérprete")
    FACILITATOR = "facilitator", _("Facilitador(a)")
    BOTH = "both", _("Intérprete y facilitador(a)")


class Availability(models.TextChoices):
    AVAILABLE = "available", _("Disponible")
    LIMITED = "limited", _("Disponibilidad limitada")
    UNAVAILABLE = "unavailable", _("No disponible")

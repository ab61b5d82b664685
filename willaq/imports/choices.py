"""Fixed vocabularies of the spreadsheet import."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SynonymKind(models.TextChoices):
    """What a synonym names: a column of a file of cases or of events, or a value of one of the
    case's or event's vocabularies. The target of a column synonym is a field name."""

    CASE_COLUMN = "case_column", _("Columna de un archivo de casos")
    EVENT_COLUMN = "event_column", _("Columna de un archivo de eventos")
    TYPOLOGY = "typology", _("Tipología")
    SUBTYPE = "subtype", _("Subtipo")
    STATE = "state", _("Estado")
    PHASE = "phase", _("Fase")
    SCOPE = "scope", _("Ámbito")
    COMPETENT_AUTHORITY = "competent_authority", _("Autoridad competente")
    PLACE = "place", _("Lugar")
    EVENT_TYPE = "event_type", _("Tipo de evento")
    SUB_EVENT_TYPE = "sub_event_type", _("Subtipo de evento")
    PROTEST_FORM = "protest_form", _("Forma de protesta")
    EMPTY = "empty", _("Valor vacío")


class ImportKind(models.TextChoices):
    CASES = "cases", _("Casos")
    EVENTS = "events", _("Eventos")


class RowOutcome(models.TextChoices):
    CREATED = "created", _("Creada")
    UPDATED = "updated", _("Actualizada")
    UNCHANGED = "unchanged", _("Sin cambios")
    REJECTED = "rejected", _("Rechazada")


class JobStatus(models.TextChoices):
    """Where an import uploaded on the web stands: upload → validation (dry run) → confirmed
    import. The two long steps run in Celery."""

    UPLOADED = "uploaded", _("Archivo subido")
    ANALYSING = "analysing", _("Validando")
    ANALYSED = "analysed", _("Validado: por confirmar")
    IMPORTING = "importing", _("Importando")
    DONE = "done", _("Importado")
    FAILED = "failed", _("No se pudo completar")


# Statuses during which a Celery task works on the job (the page polls its progress).
RUNNING_STATUSES = (JobStatus.ANALYSING, JobStatus.IMPORTING)

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        abstract = True


def _now() -> "datetime.datetime":
    return timezone.now()


class RecordedHistory(models.Model):
    """The base of every historical row: ``history_date`` is when a change took effect (an import
    or a late report back-dates it), ``recorded_at`` when it was written into Willaq. Month-end
    figures follow the effective date; the history shows both."""

    recorded_at = models.DateTimeField(_("registrado el"), default=_now, editable=False)

    class Meta:
        abstract = True

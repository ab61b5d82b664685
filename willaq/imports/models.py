"""The import's own data: the synonym tables (shared, shipped in data/imports/synonyms.toml, and
each institution's additions) and a record of every confirmed import run."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from willaq.accounts.models import Institution
from willaq.core.models import TimeStampedModel
from willaq.core.text import fold
from willaq.imports.choices import ImportKind, JobStatus, SynonymKind


class Synonym(TimeStampedModel):
    """A spelling found in spreadsheets and what it means: "Sociambiental" is the typology
    ``socioambiental``, a column "Región" is the field ``department``, "Lima Provincias" is the
    place ``grouping:lima-provincias``.

    Shared rows (no institution) come from the data file; an institution admin adds the
    institution's own, which win over the shared ones for that institution's imports."""

    kind = models.CharField(_("clase"), max_length=30, choices=SynonymKind.choices)
    text = models.CharField(_("texto como aparece"), max_length=200)
    # fold(text): the lookup key (accents, case and spaces do not count).
    folded = models.CharField(max_length=200, editable=False)
    target = models.CharField(_("significa"), max_length=100)
    institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="import_synonyms",
        verbose_name=_("institución"),
    )

    class Meta:
        verbose_name = _("sinónimo de importación")
        verbose_name_plural = _("sinónimos de importación")
        ordering = ["kind", "folded"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "folded"],
                condition=Q(institution__isnull=True),
                name="synonym_shared_kind_text",
            ),
            models.UniqueConstraint(
                fields=["kind", "institution", "folded"],
                condition=Q(institution__isnull=False),
                name="synonym_institution_kind_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text} → {self.target}"

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.folded = fold(self.text)
        super().save(*args, **kwargs)


class ImportRun(models.Model):
    """One confirmed import: who ran it, on which file, with which options, and its report (the
    same JSON the command writes), so what a file brought in can be looked up later."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("clase"), max_length=10, choices=ImportKind.choices)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="import_runs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(_("archivo"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    options = models.JSONField(_("opciones"), default=dict)
    rows = models.PositiveIntegerField(_("filas"), default=0)
    created = models.PositiveIntegerField(_("creadas"), default=0)
    updated = models.PositiveIntegerField(_("actualizadas"), default=0)
    unchanged = models.PositiveIntegerField(_("sin cambios"), default=0)
    rejected = models.PositiveIntegerField(_("rechazadas"), default=0)
    report = models.JSONField(_("informe"), default=dict)
    started_at = models.DateTimeField(_("inicio"))
    finished_at = models.DateTimeField(_("fin"))

    class Meta:
        verbose_name = _("importación")
        verbose_name_plural = _("importaciones")
        ordering = ["-started_at"]
        indexes = [
            # An institution's imports, newest first (the admin and the future import page).
            models.Index(fields=["institution", "-started_at"], name="importrun_institution"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"


def job_upload_to(instance: "ImportJob", filename: str) -> str:
    suffix = Path(filename).suffix.lower()[:10]
    return f"imports/{instance.uuid}/original{suffix}"


class ImportJob(TimeStampedModel):
    """A file uploaded on the import page, through its steps: column mapping, the dry-run
    report (``analysis``), the confirmed import (``result``, and the ``run`` it recorded).

    The file stays under MEDIA_ROOT/imports/<uuid>/ (never served: the report is what the user
    downloads). Progress of the running step is kept in a file beside it, not in this row: the
    import writes in one transaction, which on SQLite holds the only write lock."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("clase"), max_length=10, choices=ImportKind.choices)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="import_jobs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(_("archivo"), upload_to=job_upload_to, max_length=200)
    file_name = models.CharField(_("nombre del archivo"), max_length=255)
    size_bytes = models.PositiveBigIntegerField(default=0)
    # What the user chose: {"mapping": {column: field}, "defaults": {field: value}, "source": ""}
    options = models.JSONField(_("opciones"), default=dict)
    status = models.CharField(
        _("estado"), max_length=12, choices=JobStatus.choices, default=JobStatus.UPLOADED
    )
    analysis = models.JSONField(_("validación"), default=dict, blank=True)
    result = models.JSONField(_("resultado"), default=dict, blank=True)
    run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("importación en curso")
        verbose_name_plural = _("importaciones en curso")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["institution", "-created_at"], name="importjob_institution"),
        ]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_running(self) -> bool:
        return self.status in (JobStatus.ANALYSING, JobStatus.IMPORTING)

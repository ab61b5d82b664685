"""The monthly report as built and published: each build is a row holding the month's figures
(``figures.MonthlyFigures``) and its PDF. A published version is frozen; a correction is a new
version with its note, which supersedes the previous one (both stay downloadable)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from willaq.accounts.models import Institution
from willaq.core.models import TimeStampedModel


class ReportStatus(models.TextChoices):
    BUILDING = "building", _("Generándose")
    READY = "ready", _("Generado (sin publicar)")
    FAILED = "failed", _("Falló")
    PUBLISHED = "published", _("Publicado")
    SUPERSEDED = "superseded", _("Reemplazado por una corrección")


class BuildStage(models.TextChoices):
    QUEUED = "queued", _("En cola")
    FIGURES = "figures", _("Calculando las cifras")
    CHARTS = "charts", _("Dibujando los gráficos")
    PDF = "pdf", _("Componiendo el PDF")
    SAVING = "saving", _("Guardando")
    DONE = "done", _("Terminado")


# The statuses whose figures and PDF never change again.
FROZEN_STATUSES = frozenset({ReportStatus.PUBLISHED, ReportStatus.SUPERSEDED})


def _pdf_path(report: "MonthlyReport", filename: str) -> str:
    return f"reports/{report.uuid}/{filename}"


class MonthlyReport(TimeStampedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    month = models.DateField(_("mes"), help_text=_("El primer día del mes."))
    # None: the whole registry (every institution's registered cases).
    institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="monthly_reports",
        verbose_name=_("institución"),
    )
    # Published versions are numbered 1, 2, … per month and institution when published; a
    # build not (yet) published has none, so a failed or discarded build takes no number.
    version = models.PositiveIntegerField(_("versión"), null=True, blank=True)
    status = models.CharField(
        _("estado"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.BUILDING
    )
    figures = models.JSONField(_("cifras"), default=dict, blank=True)
    # The charts' Vega-Lite specs with their data inline, as built: a published version's page
    # draws these (frozen with the figures), the PDF holds them as SVG.
    charts = models.JSONField(_("gráficos"), default=list, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=_pdf_path, blank=True)
    # Why this version exists: required for a correction, optional on a first publication.
    note = models.TextField(_("nota"), blank=True)
    # The published version this build corrects: it is published on completion and supersedes it.
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("corrige a"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("generado por"),
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("publicado por"),
    )
    built_at = models.DateTimeField(_("generado el"), null=True, blank=True)
    published_at = models.DateTimeField(_("publicado el"), null=True, blank=True)
    # Progress of the build, written by the Celery task outside any long transaction (the
    # figures are read-only work; only the final write is one transaction).
    stage = models.CharField(
        _("etapa"), max_length=10, choices=BuildStage.choices, default=BuildStage.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("avance (%)"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("informe mensual")
        verbose_name_plural = _("informes mensuales")
        ordering = ["-month", "-created_at"]
        constraints = [
            # One version number per month and institution (and per month for the registry).
            models.UniqueConstraint(
                fields=["month", "institution", "version"],
                condition=Q(version__isnull=False, institution__isnull=False),
                name="report_version_unique",
            ),
            models.UniqueConstraint(
                fields=["month", "version"],
                condition=Q(version__isnull=False, institution__isnull=True),
                name="report_registry_version_unique",
            ),
            # At most one published (current) version at a time.
            models.UniqueConstraint(
                fields=["month", "institution"],
                condition=Q(status="published", institution__isnull=False),
                name="report_one_current",
            ),
            models.UniqueConstraint(
                fields=["month"],
                condition=Q(status="published", institution__isnull=True),
                name="report_registry_one_current",
            ),
        ]
        indexes = [
            # The index page and the month page: a month's reports for one institution (or all).
            models.Index(fields=["month", "institution", "status"], name="report_month_status"),
        ]

    def __str__(self) -> str:
        who = self.institution.name if self.institution_id and self.institution else _("registro")
        version = f" v{self.version}" if self.version else ""
        return f"{self.month:%Y-%m} · {who}{version}"

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    @property
    def is_running(self) -> bool:
        return self.status == ReportStatus.BUILDING

    @property
    def month_slug(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def month_label(self) -> str:
        """«marzo de 2025» in the active language (the shared YEAR_MONTH_FORMAT)."""
        return formats.date_format(self.month, "YEAR_MONTH_FORMAT")


# --- the map's events summary (willaq/reports/map_summary.py) ----------------------------------


class EventMapCell(models.Model):
    """How many events (not removed) of one block of days (a year, a month or a ten-day part of
    it) lie in one cell of the map's finest summary grid, per value of the keys the map filters
    on and its access rule needs. Derived data, kept current by ``willaq.reports.map_summary``
    and rebuilt whole by ``manage.py refresh_map_summary``; never edited by hand.

    Two families of rows count the same events: ``detail`` rows per every key (read when the
    map filters), and rows with only the access rule's keys (read when it does not: far fewer).
    The case's keys are its current values (the map shows each case as it is now). Foreign keys
    without a database constraint: a row is a count, not a link, and is rebuilt from the events.
    """

    # The block: ``part`` 0 a whole month, 1–3 its days 1–10, 11–20, 21–end, 4 a whole year
    # (``map_grid``); ``month`` the month, counted from year 0 (year × 12 + month − 1; a year's
    # January): a range of months is a range of ints. Each event counts once per kind of block.
    month = models.IntegerField()
    part = models.PositiveSmallIntegerField()
    detail = models.BooleanField()
    # The cell at the summary's zoom (``map_summary.SUMMARY_ZOOM``): floor(lon / size), floor(lat
    # / size), the same expression as the map's grid, so a coarser cell is a shift of these.
    cx = models.IntegerField()
    cy = models.IntegerField()
    # Detail rows: the event's institution (the map's institution filter), its case's state,
    # phase and typology now ("" and none for an event without a case). Both families: the
    # state and the case's institution while the case is a draft or a proposal (the access rule
    # hides those from other institutions).
    institution = models.ForeignKey(
        Institution, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    case_state = models.CharField(max_length=20, blank=True)
    case_phase = models.CharField(max_length=20, blank=True)
    typology = models.ForeignKey(
        "cases.Category",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    case_institution = models.ForeignKey(
        Institution, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    events = models.PositiveIntegerField()
    # Sums of the events' positions: a cell's mean position whatever cells are added up.
    latitude_sum = models.FloatField()
    longitude_sum = models.FloatField()

    class Meta:
        indexes = [
            # The map reads a period's rows of one family (years, months, a few ten-day parts)
            # from this index alone (PostgreSQL: every column it reads is included; a plan
            # through the cell index below read 26,000 pages for a city's whole period); the
            # recount of a cell finds its rows by cell.
            models.Index(
                fields=["detail", "part", "month"],
                include=[
                    "cx",
                    "cy",
                    "events",
                    "latitude_sum",
                    "longitude_sum",
                    "case_state",
                    "case_institution",
                    "institution",
                    "case_phase",
                    "typology",
                ],
                name="reports_eventmapcell_period",
            ),
            models.Index(fields=["cx", "cy", "month"], name="reports_eventmapcell_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.month}/{self.part} ({self.cx}, {self.cy}): {self.events}"

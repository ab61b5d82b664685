"""The conflict case registry (domain.md §2–3): cases, places, events, victims, actors, news,
evidence, and the categories institutions extend. Every model keeps its full history."""

import datetime as dt
import uuid
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import dateformat, formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from willaq.accounts.models import Institution
from willaq.cases.choices import (
    PROTEST_EVENT_TYPES,
    ActorKind,
    ActorRole,
    ActorTypeCode,
    Attitude,
    CaseScope,
    CaseState,
    CategoryKind,
    CompetentAuthority,
    DatePrecision,
    DialogueMechanism,
    EventType,
    EvidenceKind,
    GeoPrecision,
    InstitutionRole,
    OrganisationType,
    PcmClassification,
    Phase,
    ProtestForm,
    RelationKind,
    Sex,
    StartDatePrecision,
    SubEventType,
    TransitionKind,
    VictimGroup,
    VictimOutcome,
)
from willaq.core.models import RecordedHistory, TimeStampedModel
from willaq.core.text import fold
from willaq.territory.models import Grouping, Ubigeo

_R = TypeVar("_R", bound=models.Model)


class PresentManager(models.Manager[_R]):
    """The default manager of a removable record: removed rows are hidden everywhere (pages,
    API, counts, victim recounts, related managers such as ``case.events``)."""

    def get_queryset(self) -> models.QuerySet[_R]:
        return super().get_queryset().filter(removed_at__isnull=True)


class Removable(models.Model):
    """Soft removal: a record removed by mistake keeps its row, its history and its file, and a
    coordinator may restore it. ``objects`` hides removed rows; ``all_objects`` sees them."""

    removed_at = models.DateTimeField(_("eliminado el"), null=True, blank=True, editable=False)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("eliminado por"),
    )
    removal_reason = models.TextField(_("motivo de eliminación"), blank=True, editable=False)

    objects = PresentManager()
    all_objects = models.Manager()  # noqa: DJ012 (a manager, not a field)

    class Meta:
        abstract = True

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class Category(TimeStampedModel):
    """An extensible category (typology, subtype, sector).

    Shared categories have no institution. An institution may add its own and map each to a
    shared one (``maps_to``), so its figures roll up into the shared classification.
    """

    kind = models.CharField(_("clase"), max_length=20, choices=CategoryKind.choices)
    code = models.SlugField(_("código"), max_length=60)
    name = models.CharField(_("nombre"), max_length=150)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("categoría superior"),
        help_text=_("Para un subtipo: la tipología a la que pertenece."),
    )
    institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="categories",
        verbose_name=_("institución"),
    )
    maps_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mapped_from",
        verbose_name=_("equivale a (compartida)"),
    )
    is_active = models.BooleanField(_("activa"), default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("categoría")
        verbose_name_plural = _("categorías")
        ordering = ["kind", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "code"],
                condition=Q(institution__isnull=True),
                name="category_shared_kind_code",
            ),
            models.UniqueConstraint(
                fields=["kind", "institution", "code"],
                condition=Q(institution__isnull=False),
                name="category_institution_kind_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def shared(self) -> "Category":
        """The shared category this one counts as."""
        return self.maps_to if self.maps_to is not None else self


class Case(TimeStampedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Public code, assigned when a coordinator approves the case ("2026-0042").
    code = models.CharField(_("código"), max_length=20, unique=True, null=True, blank=True)
    name = models.CharField(_("nombre del caso"), max_length=250)
    description = models.TextField(_("descripción"), blank=True)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("institución que registra"),
    )
    start_date = models.DateField(_("fecha de inicio"))
    start_date_precision = models.CharField(
        _("precisión de la fecha de inicio"),
        max_length=10,
        choices=StartDatePrecision.choices,
        default=StartDatePrecision.DAY,
    )
    end_date = models.DateField(_("fecha de fin"), null=True, blank=True)
    scope = models.CharField(
        _("ámbito"), max_length=20, choices=CaseScope.choices, default=CaseScope.LOCAL
    )
    # Set when the case was absorbed into another (state "merged").
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
        verbose_name=_("fusionado en"),
    )
    # An import that had to guess (a name derived from the description, no place) says so here.
    needs_review = models.BooleanField(_("por revisar"), default=False)
    review_note = models.TextField(_("qué revisar"), blank=True)
    state = models.CharField(
        _("estado"), max_length=20, choices=CaseState.choices, default=CaseState.DRAFT
    )
    phase = models.CharField(_("fase"), max_length=20, choices=Phase.choices, blank=True)
    typology = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="typology_cases",
        verbose_name=_("tipología"),
        limit_choices_to={"kind": CategoryKind.TYPOLOGY},
    )
    subtype = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subtype_cases",
        verbose_name=_("subtipo"),
        limit_choices_to={"kind": CategoryKind.SUBTYPE},
    )
    competent_authority = models.CharField(
        _("autoridad competente"), max_length=20, choices=CompetentAuthority.choices, blank=True
    )
    dialogue_mechanism = models.CharField(
        _("mecanismo de diálogo"), max_length=20, choices=DialogueMechanism.choices, blank=True
    )
    institution_role = models.CharField(
        _("rol de la institución"), max_length=20, choices=InstitutionRole.choices, blank=True
    )
    demands = models.TextField(_("demandas y síntesis del problema"), blank=True)
    causes = models.TextField(_("causas"), blank=True)
    triggers = models.TextField(_("desencadenantes"), blank=True)
    legislation = models.TextField(_("normativa relacionada"), blank=True)
    investment = models.TextField(_("inversión involucrada"), blank=True)
    investment_amount = models.DecimalField(
        _("monto de inversión (USD)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    strategies = models.TextField(_("estrategias"), blank=True)
    next_steps = models.TextField(_("próximos pasos"), blank=True)
    sectors = models.ManyToManyField(
        Category,
        blank=True,
        related_name="sector_cases",
        verbose_name=_("sectores del Estado involucrados"),
        limit_choices_to={"kind": CategoryKind.SECTOR},
    )
    # Optional point, for a case that happens at one place (a mine, a road).
    latitude = models.FloatField(_("latitud"), null=True, blank=True)
    longitude = models.FloatField(_("longitud"), null=True, blank=True)
    # Names of fields (from CONFIDENTIAL_CAPABLE_FIELDS) other institutions must not see.
    confidential_fields = models.JSONField(_("campos confidenciales"), default=list, blank=True)
    approved_at = models.DateTimeField(_("aprobado el"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_demo = models.BooleanField(_("dato de demostración"), default=False)

    history = HistoricalRecords(m2m_fields=[sectors], bases=[RecordedHistory])

    class Meta:
        verbose_name = _("caso")
        verbose_name_plural = _("casos")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["state", "phase"], name="case_state_phase"),
            models.Index(fields=["institution", "state"], name="case_institution_state"),
            # The case list's default sort (newest start first) and its start-date filters. The
            # access rule's columns (state, institution) are in the key, so the ids of a deep
            # page and the bounded count are read from the index alone (BoundedPaginator).
            models.Index(
                fields=["-start_date", "-id", "state", "institution"], name="case_start_date"
            ),
            # The case list sorted by name (the code has its unique index).
            models.Index(fields=["name", "id"], name="case_name"),
            # The dashboard's counts by state, phase, typology and scope, read from the index
            # alone (the case rows are wide; the index has every column the counts need).
            models.Index(
                fields=["state", "institution", "phase", "typology", "scope"],
                name="case_dashboard_counts",
            ),
            # The API's ?updated_since= and ordering by updated_at (clients that sync).
            models.Index(fields=["updated_at", "id"], name="case_updated_at"),
            # The list's "por revisar" filter (?needs_review=): the few flagged cases only.
            models.Index(
                fields=["-start_date", "-id"],
                condition=Q(needs_review=True),
                name="case_needs_review",
            ),
            # Text search: trigram GIN indexes on willaq_fold(code, name, description, demands,
            # causes) live in migration cases.0003 (PostgreSQL only, see willaq/cases/search.py).
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="case_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(phase="") | Q(state=CaseState.ACTIVE),
                name="case_phase_only_when_active",
            ),
            models.CheckConstraint(
                condition=(Q(dialogue_mechanism="") & Q(institution_role=""))
                | Q(phase=Phase.DIALOGUE),
                name="case_mechanism_only_in_dialogue",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(state=CaseState.MERGED),
                name="case_merged_into_only_when_merged",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}" if self.code else self.name

    @property
    def display_code(self) -> str:
        return self.code or str(_("(sin código)"))

    @property
    def start_date_text(self) -> str:
        """The start date as precisely as it is known: "2019", "dic. 2019", "antes del
        31 dic 2019", or the whole date."""
        day, precision = self.start_date, self.start_date_precision
        if precision == StartDatePrecision.YEAR:
            return str(day.year)
        if precision == StartDatePrecision.MONTH:
            return dateformat.format(day, "N Y")
        if precision == StartDatePrecision.BEFORE:
            return str(_("antes del %(date)s") % {"date": formats.date_format(day)})
        return formats.date_format(day)

    @property
    def principal_place(self) -> "CasePlace | None":
        for place in self.places.all():
            if place.is_principal:
                return place
        return None


class CaseExternalId(models.Model):
    """A case's identifier in another system (the ombudsman's own case id, a ministry's
    matrix): how a case is matched across imports. Unique per source."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="external_ids")
    source = models.SlugField(_("sistema de origen"), max_length=40)
    external_id = models.CharField(_("identificador"), max_length=100)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)

    history = HistoricalRecords(bases=[RecordedHistory])

    class Meta:
        verbose_name = _("identificador externo")
        verbose_name_plural = _("identificadores externos")
        ordering = ["source", "external_id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="caseexternalid_unique")
        ]
        indexes = [models.Index(fields=["external_id"], name="caseexternalid_value")]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


class CaseCodeSequence(models.Model):
    """Last number given per year; locked with SELECT ... FOR UPDATE while a code is assigned."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class CasePlace(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="places")
    ubigeo = models.ForeignKey(
        Ubigeo, on_delete=models.PROTECT, related_name="case_places", verbose_name=_("ubigeo")
    )
    # A named grouping ("Lima Provincias") the place stands for; ``ubigeo`` is then the
    # grouping's anchor unit (the smallest unit holding all of it).
    grouping = models.ForeignKey(
        Grouping,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case_places",
        verbose_name=_("agrupación"),
    )
    is_principal = models.BooleanField(_("principal"), default=False)

    history = HistoricalRecords(bases=[RecordedHistory])

    class Meta:
        verbose_name = _("lugar del caso")
        verbose_name_plural = _("lugares del caso")
        ordering = ["-is_principal", "ubigeo__code"]
        constraints = [
            models.UniqueConstraint(fields=["case", "ubigeo"], name="caseplace_case_ubigeo"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(is_principal=True), name="caseplace_one_principal"
            ),
        ]

    def __str__(self) -> str:
        return self.grouping.name if self.grouping is not None else str(self.ubigeo)


class CaseTransition(models.Model):
    """One state change of a case; the monthly report counts these."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    kind = models.CharField(_("tipo"), max_length=30, choices=TransitionKind.choices)
    from_state = models.CharField(max_length=20, choices=CaseState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=CaseState.choices)
    reason = models.TextField(_("motivo"), blank=True)
    occurred_at = models.DateTimeField(_("fecha"), db_index=True)
    # When the change was written into Willaq (``occurred_at`` is when it happened).
    recorded_at = models.DateTimeField(_("registrado el"), default=timezone.now, editable=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("cambio de estado")
        verbose_name_plural = _("cambios de estado")
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["kind", "occurred_at"], name="transition_kind_date")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_state} → {self.to_state}"


class Event(TimeStampedModel, Removable):
    """A dated, placed happening in a case, with ACLED-compatible columns."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # An event may be recorded for a place without a case (a protest no case covers yet): it
    # still counts in the month's protest actions.
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="events", verbose_name=_("institución")
    )
    event_date = models.DateField(_("fecha del evento"))
    # The last day of a multi-day action (a strike of a week); empty for a one-day event.
    end_date = models.DateField(_("fecha de fin"), null=True, blank=True)
    date_precision = models.PositiveSmallIntegerField(
        _("precisión de la fecha"), choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    event_type = models.CharField(_("tipo de evento"), max_length=40, choices=EventType.choices)
    sub_event_type = models.CharField(
        _("subtipo de evento"), max_length=50, choices=SubEventType.choices
    )
    protest_form = models.CharField(
        _("forma de protesta"), max_length=20, choices=ProtestForm.choices, blank=True
    )
    actor1 = models.CharField(_("actor 1"), max_length=200)
    assoc_actor_1 = models.CharField(_("actores asociados al actor 1"), max_length=300, blank=True)
    inter1 = models.PositiveSmallIntegerField(_("tipo de actor 1"), choices=ActorTypeCode.choices)
    actor2 = models.CharField(_("actor 2"), max_length=200, blank=True)
    assoc_actor_2 = models.CharField(_("actores asociados al actor 2"), max_length=300, blank=True)
    inter2 = models.PositiveSmallIntegerField(
        _("tipo de actor 2"), choices=ActorTypeCode.choices, null=True, blank=True
    )
    ubigeo = models.ForeignKey(
        Ubigeo, on_delete=models.PROTECT, related_name="events", verbose_name=_("lugar (ubigeo)")
    )
    location = models.CharField(_("localidad"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitud"), null=True, blank=True)
    longitude = models.FloatField(_("longitud"), null=True, blank=True)
    geo_precision = models.PositiveSmallIntegerField(
        _("precisión geográfica"), choices=GeoPrecision.choices, default=GeoPrecision.NEAR
    )
    # Confidential: only the recording institution sees sources and who reported.
    sources = models.TextField(_("fuentes"), blank=True)
    source_scale = models.CharField(_("escala de la fuente"), max_length=60, blank=True)
    reported_by = models.CharField(_("reportado por"), max_length=200, blank=True)
    notes = models.TextField(_("notas"), blank=True)
    # Derived from the victims recorded for the event (never typed by hand).
    fatalities = models.PositiveIntegerField(_("fallecidos"), default=0, editable=False)
    injured = models.PositiveIntegerField(_("heridos"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_demo = models.BooleanField(default=False)
    # Set by a spreadsheet import: the row's identity (its external id, or a hash of its
    # content), so importing the same file again adds nothing.
    import_key = models.CharField(max_length=64, blank=True, default="", editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"], bases=[RecordedHistory])

    class Meta:
        verbose_name = _("evento")
        verbose_name_plural = _("eventos")
        ordering = ["-event_date", "-id"]
        indexes = [
            # A case's events, newest first, a page at a time (case page and API).
            models.Index(fields=["case", "-event_date", "-id"], name="event_case_date"),
            # The dashboard's latest events across the registry, and the event list (/eventos/,
            # GET /api/v1/events) newest first, a page at a time.
            models.Index(
                fields=["-event_date", "-id"], include=["case", "removed_at"], name="event_date"
            ),
            # The event list's filters, each walked in the list's order: events without a case,
            # of one type, of one institution, in one place (the department filter's units), of
            # one protest form (most events have none: a partial index). The access rule's and
            # the removal's columns are included, so the bounded count reads the index alone
            # (PostgreSQL; other databases ignore ``include``).
            models.Index(
                fields=["-event_date", "-id"],
                condition=Q(case__isnull=True),
                include=["removed_at"],
                name="event_caseless_date",
            ),
            models.Index(
                fields=["event_type", "-event_date", "-id"],
                include=["case", "removed_at"],
                name="event_type_date",
            ),
            models.Index(
                fields=["institution", "-event_date", "-id"],
                include=["case", "removed_at"],
                name="event_institution_date",
            ),
            models.Index(
                fields=["ubigeo", "-event_date", "-id"],
                include=["case", "removed_at"],
                name="event_place_date",
            ),
            models.Index(
                fields=["protest_form", "-event_date", "-id"],
                condition=~Q(protest_form=""),
                include=["case", "removed_at"],
                name="event_protest_form_date",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("event_date")),
                name="event_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(protest_form="") | Q(event_type__in=PROTEST_EVENT_TYPES),
                name="event_protest_form_only_on_protests",
            ),
            # One event per imported row and institution; also the import's lookup of the keys
            # it has already written.
            models.UniqueConstraint(
                fields=["institution", "import_key"],
                condition=~Q(import_key=""),
                name="event_institution_import_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_date} {self.get_sub_event_type_display()}"


class Victim(TimeStampedModel, Removable):
    """A dead or injured person in an event. Personal data: owning institution's analysts only."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="victims")
    outcome = models.CharField(_("resultado"), max_length=10, choices=VictimOutcome.choices)
    group = models.CharField(
        _("grupo"), max_length=10, choices=VictimGroup.choices, default=VictimGroup.CIVILIAN
    )
    full_name = models.CharField(_("nombre"), max_length=200, blank=True)
    document_number = models.CharField(_("documento de identidad"), max_length=20, blank=True)
    age = models.PositiveSmallIntegerField(_("edad"), null=True, blank=True)
    sex = models.CharField(_("sexo"), max_length=1, choices=Sex.choices, blank=True)
    notes = models.TextField(_("notas"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], bases=[RecordedHistory])

    class Meta:
        verbose_name = _("víctima")
        verbose_name_plural = _("víctimas")
        constraints = [
            models.CheckConstraint(
                condition=Q(age__isnull=True) | Q(age__lte=120), name="victim_age_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({self.event_id})"


class Actor(TimeStampedModel):
    """A person or organisation that takes part in conflicts; may appear in many cases."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("nombre"), max_length=250)
    kind = models.CharField(_("clase"), max_length=20, choices=ActorKind.choices)
    organisation_type = models.CharField(
        _("tipo de actor"), max_length=30, choices=OrganisationType.choices, blank=True
    )
    description = models.TextField(_("descripción"), blank=True)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="actors", verbose_name=_("institución")
    )
    # The name folded (no accents, lower case): duplicates and the autocomplete compare this.
    search_name = models.CharField(max_length=250, editable=False, default="")
    # Set when a coordinator merges this actor into another: it leaves every list, its links move.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        verbose_name=_("fusionado en"),
    )
    is_demo = models.BooleanField(default=False)

    history = HistoricalRecords(excluded_fields=["updated_at"], bases=[RecordedHistory])

    class Meta:
        verbose_name = _("actor")
        verbose_name_plural = _("actores")
        ordering = ["name"]
        indexes = [
            # The autocomplete and the duplicate check: actors by folded name (prefix) and kind.
            models.Index(fields=["search_name", "kind"], name="actor_search_name_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = fold(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)


class CaseActor(TimeStampedModel):
    """An actor's part in one case. The link belongs to the institution that made it: only that
    institution changes or removes it (another institution cannot overwrite its analysis)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_actors")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="case_links")
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="case_actor_links",
        verbose_name=_("institución que vinculó"),
    )
    role = models.CharField(_("rol en el caso"), max_length=10, choices=ActorRole.choices)
    position = models.TextField(_("demandas y posición"), blank=True)
    intensity = models.PositiveSmallIntegerField(
        _("intensidad (1–5)"), null=True, blank=True, help_text=_("1 baja, 5 muy alta")
    )
    # The stakeholder profile (domain.md §3): the linking institution's analysis of the actor in
    # this case, historised with the link so the map can be drawn as of any date.
    conflict_role = models.CharField(_("papel en el conflicto"), max_length=250, blank=True)
    interests = models.TextField(_("intereses"), blank=True)
    influence = models.PositiveSmallIntegerField(
        _("influencia (1–5)"), null=True, blank=True, help_text=_("1 baja, 5 muy alta")
    )
    interest_level = models.PositiveSmallIntegerField(
        _("interés (1–5)"), null=True, blank=True, help_text=_("1 bajo, 5 muy alto")
    )
    attitude = models.CharField(_("actitud"), max_length=10, choices=Attitude.choices, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], bases=[RecordedHistory])

    class Meta:
        verbose_name = _("actor del caso")
        verbose_name_plural = _("actores del caso")
        ordering = ["role", "actor__name"]
        constraints = [
            models.UniqueConstraint(fields=["case", "actor"], name="caseactor_case_actor"),
            models.CheckConstraint(
                condition=Q(intensity__isnull=True) | Q(intensity__gte=1, intensity__lte=5),
                name="caseactor_intensity_range",
            ),
            models.CheckConstraint(
                condition=Q(influence__isnull=True) | Q(influence__gte=1, influence__lte=5),
                name="caseactor_influence_range",
            ),
            models.CheckConstraint(
                condition=Q(interest_level__isnull=True)
                | Q(interest_level__gte=1, interest_level__lte=5),
                name="caseactor_interest_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor} ({self.get_role_display()})"


class StakeholderRelation(TimeStampedModel):
    """A relation between two actors of a case over a span of days (domain.md §3): alianza,
    vínculo cercano, vínculo débil, tensión or conflicto. The relation belongs to the institution
    that recorded it (its analysis: only that institution changes, ends or removes it, and its
    note is read only inside it). A change of kind ends this relation the day before and starts
    a new one (``previous``), so the map as of any date shows the kind in force that day."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stakeholder_relations")
    source = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="+", verbose_name=_("actor")
    )
    target = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="+", verbose_name=_("otro actor")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="stakeholder_relations",
        verbose_name=_("institución que registró"),
    )
    kind = models.CharField(_("tipo de relación"), max_length=10, choices=RelationKind.choices)
    start_date = models.DateField(_("desde"))
    end_date = models.DateField(_("hasta"), null=True, blank=True, help_text=_("inclusive"))
    note = models.TextField(_("nota"), blank=True)
    # The relation this one continues after a change of kind (the same two actors).
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"], bases=[RecordedHistory])

    class Meta:
        verbose_name = _("relación entre actores")
        verbose_name_plural = _("relaciones entre actores")
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="stakerel_two_actors"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="stakerel_end_after_start",
            ),
        ]
        indexes = [
            # The map as of a date: a case's relations started by then (then filtered by end).
            models.Index(fields=["case", "start_date"], name="stakerel_case_start"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}–{self.target_id}: {self.kind}"

    def active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class CaseClassification(TimeStampedModel):
    """One institution's classification of a registered case under the national office's
    methodology (diferencia / controversia / conflicto social, domain.md §2). Each institution owns
    its own (the registering one too): the national office classifies the ombudsman's cases
    without touching the ombudsman's record, and both counts exist for the same cases. Historised
    with effective dates, so the classification at any month end can be rebuilt."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="classifications")
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="case_classifications",
        verbose_name=_("institución que clasifica"),
    )
    classification = models.CharField(
        _("clasificación PCM"), max_length=20, choices=PcmClassification.choices
    )
    note = models.TextField(_("fundamento"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"], bases=[RecordedHistory])

    class Meta:
        verbose_name = _("clasificación del caso")
        verbose_name_plural = _("clasificaciones del caso")
        ordering = ["institution__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "institution"], name="caseclassification_case_institution"
            )
        ]
        indexes = [
            models.Index(fields=["institution", "classification"], name="caseclass_inst_class")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.institution_id}: {self.classification}"


class NewsItem(TimeStampedModel, Removable):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    outlet = models.CharField(_("medio"), max_length=150)
    title = models.CharField(_("titular"), max_length=300)
    published_on = models.DateField(_("fecha de publicación"))
    url = models.URLField(_("enlace"), max_length=500, blank=True)
    region = models.ForeignKey(
        Ubigeo,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="news_items",
        verbose_name=_("región"),
    )
    cases = models.ManyToManyField(Case, related_name="news_items", verbose_name=_("casos"))
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="news_items"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_demo = models.BooleanField(default=False)

    history = HistoricalRecords(
        excluded_fields=["updated_at"], m2m_fields=[cases], bases=[RecordedHistory]
    )

    class Meta:
        verbose_name = _("noticia")
        verbose_name_plural = _("noticias")
        ordering = ["-published_on", "-id"]

    def __str__(self) -> str:
        return self.title


def evidence_upload_to(instance: "Evidence", filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    return f"evidence/{instance.case.uuid}/{instance.uuid}{suffix}"


class Evidence(TimeStampedModel, Removable):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("título"), max_length=250)
    kind = models.CharField(_("tipo"), max_length=10, choices=EvidenceKind.choices)
    keywords = models.CharField(_("palabras clave"), max_length=300, blank=True)
    file = models.FileField(_("archivo"), upload_to=evidence_upload_to)
    content_type = models.CharField(max_length=100, editable=False)
    size_bytes = models.PositiveIntegerField(editable=False)
    original_name = models.CharField(max_length=255, editable=False)
    # Confidential evidence is only visible to the institution that attached it.
    is_confidential = models.BooleanField(_("confidencial"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["updated_at"], bases=[RecordedHistory])

    class Meta:
        verbose_name = _("evidencia")
        verbose_name_plural = _("evidencias")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

"""Early warning and response (the domain description, §4).

- A **reporter** sends first-hand **pre-alerts** from the regions, by the phone web form, ODK
  Collect (OpenRosa), SMS or the API; every pre-alert keeps its raw payload and lands in one
  triage queue of the receiving institution.
- Analysts review each pre-alert (received → in review → has issues → validated / rejected); a
  validated one becomes an event of a case or opens a proposed case.
- A coordinator issues an **alert** (CAP 1.2) from validated pre-alerts or from a case; updates
  and cancellations reference the original.
- A **deployment order** asks an institution's team to respond; the 48-hour clock runs from the
  order.

Identity: each submission carries a client id (the web form's generated id, ODK's instanceID,
the SMS provider's message id, the API's Idempotency-Key): (channel, client id) is unique, so a
retry never creates a second pre-alert.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from willaq.accounts.models import Institution
from willaq.cases.models import Case, Event
from willaq.core.models import TimeStampedModel
from willaq.earlywarning.choices import (
    AlertCertainty,
    AlertLevel,
    AlertMessageType,
    AlertUrgency,
    Channel,
    OrderState,
    ReporterLevel,
    ReviewState,
    Urgency,
)
from willaq.territory.models import Ubigeo


class Reporter(TimeStampedModel):
    """A person of the reporter network. May have an account (the reporter role), or report
    only by SMS (known by phone) or ODK Collect (known by account)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="reporters",
        verbose_name=_("institución"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reporter_profile",
        verbose_name=_("cuenta"),
    )
    name = models.CharField(_("nombre"), max_length=200)
    level = models.CharField(_("nivel"), max_length=30, choices=ReporterLevel.choices)
    # The units (departments, provinces, districts) the reporter covers.
    territories = models.ManyToManyField(
        Ubigeo, blank=True, related_name="reporters", verbose_name=_("territorio que cubre")
    )
    # E.164 (+51…), the number SMS come from and replies go to.
    phone = models.CharField(_("teléfono (SMS)"), max_length=20, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    is_active = models.BooleanField(_("activo"), default=True)
    notes = models.TextField(_("notas"), blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("reportero")
        verbose_name_plural = _("reporteros")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=~Q(phone=""), name="reporter_phone_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PreAlert(TimeStampedModel):
    """A first-hand report from the field, waiting for an analyst's review."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices)
    # The sender's identity for this submission (see the module's note); empty only for a
    # submission that carried none.
    client_id = models.CharField(_("identificador del cliente"), max_length=200, blank=True)
    # The institution whose queue receives it (the reporter's, or the sender's account's).
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="prealerts",
        verbose_name=_("institución"),
    )
    reporter = models.ForeignKey(
        Reporter,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="prealerts",
        verbose_name=_("reportero"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("enviada por"),
    )
    # Who sent it as the channel names them (a phone number, an e-mail): kept even when no
    # reporter matches; then ``unknown_sender`` flags it for the analyst.
    sender = models.CharField(_("remitente"), max_length=200, blank=True)
    unknown_sender = models.BooleanField(_("remitente desconocido"), default=False)
    received_at = models.DateTimeField(_("recibida"), db_index=True)

    # What happened, where and when (empty while an unparsed SMS awaits structuring).
    occurred_on = models.DateField(_("fecha del hecho"), null=True, blank=True)
    ubigeo = models.ForeignKey(
        Ubigeo,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="prealerts",
        verbose_name=_("lugar (ubigeo)"),
    )
    # Denormalised from ``ubigeo`` for the queue's department filter.
    department_code = models.CharField(max_length=6, blank=True, db_index=True)
    location = models.CharField(_("localidad"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitud"), null=True, blank=True)
    longitude = models.FloatField(_("longitud"), null=True, blank=True)
    description = models.TextField(_("qué pasó"), blank=True)
    actors = models.TextField(_("actores"), blank=True)
    demands = models.TextField(_("demandas"), blank=True)
    measures = models.TextField(_("medidas de protesta anunciadas"), blank=True)
    measures_date = models.DateField(_("fecha de las medidas anunciadas"), null=True, blank=True)
    urgency = models.CharField(
        _("urgencia"), max_length=10, choices=Urgency.choices, default=Urgency.MEDIUM
    )
    # False for a text that did not parse: an analyst structures it before validating.
    is_structured = models.BooleanField(_("estructurada"), default=True)

    # The submission exactly as it arrived (JSON body, OpenRosa XML, SMS text…).
    raw_payload = models.TextField(_("contenido original"), blank=True)
    raw_content_type = models.CharField(max_length=100, blank=True)

    # Review.
    state = models.CharField(
        _("estado de revisión"),
        max_length=12,
        choices=ReviewState.choices,
        default=ReviewState.RECEIVED,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("asignada a"),
    )
    # "Being reviewed by …": who holds it now, and since when (a claim expires after a while).
    reviewing_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("en revisión por"),
    )
    reviewing_since = models.DateTimeField(null=True, blank=True)
    review_notes = models.TextField(_("observaciones"), blank=True)
    rejection_reason = models.TextField(_("motivo del rechazo"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        verbose_name=_("duplicada de"),
    )
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="prealerts",
        verbose_name=_("caso"),
    )
    # The event a validated pre-alert became.
    event = models.ForeignKey(
        Event,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="prealerts",
        verbose_name=_("evento"),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("revisada por"),
    )
    reviewed_at = models.DateTimeField(_("revisada el"), null=True, blank=True)
    # When the reporter was told the outcome (in the app, by SMS or e-mail).
    outcome_notified_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("prealerta")
        verbose_name_plural = _("prealertas")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "client_id"],
                condition=~Q(client_id=""),
                name="prealert_channel_client_id",
            ),
        ]
        indexes = [
            # The triage queue: one institution's pre-alerts by state, newest first.
            models.Index(fields=["institution", "state", "-received_at"], name="prealert_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} · {self.received_at:%Y-%m-%d %H:%M}"


def attachment_upload_to(instance: "PreAlertAttachment", filename: str) -> str:
    return f"prealerts/{instance.prealert.uuid}/{uuid.uuid4().hex}"


class PreAlertAttachment(models.Model):
    """A photo (or other file) sent with a pre-alert. Served only through the access rule."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    prealert = models.ForeignKey(PreAlert, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("archivo"), upload_to=attachment_upload_to)
    name = models.CharField(_("nombre"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("adjunto de prealerta")
        verbose_name_plural = _("adjuntos de prealerta")
        constraints = [
            models.UniqueConstraint(fields=["prealert", "name"], name="prealert_attachment_name")
        ]

    def __str__(self) -> str:
        return self.name


class Alert(TimeStampedModel):
    """An alert issued by a coordinator, published as CAP 1.2. An update or a cancellation is
    a new alert that references the original (``references``)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # CAP ``identifier``: unique, stable, never reused.
    identifier = models.CharField(_("identificador CAP"), max_length=120, unique=True)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="alerts",
        verbose_name=_("institución emisora"),
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("emitida por"),
    )
    sent_at = models.DateTimeField(_("emitida el"), db_index=True)
    msg_type = models.CharField(
        _("tipo de mensaje"),
        max_length=10,
        choices=AlertMessageType.choices,
        default=AlertMessageType.ALERT,
    )
    references = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followups",
        verbose_name=_("alerta original"),
    )
    level = models.CharField(_("nivel"), max_length=10, choices=AlertLevel.choices)
    urgency = models.CharField(_("urgencia"), max_length=10, choices=AlertUrgency.choices)
    certainty = models.CharField(_("certeza"), max_length=10, choices=AlertCertainty.choices)
    headline = models.CharField(_("titular"), max_length=160)
    description = models.TextField(_("descripción"))
    instruction = models.TextField(_("instrucciones"), blank=True)
    # Area: ubigeo units (required), a text for CAP areaDesc, and optionally a point with a
    # radius (km) or a polygon ("lat,lon lat,lon …", CAP's notation, first point = last).
    area_description = models.CharField(_("descripción del área"), max_length=300)
    area_units = models.ManyToManyField(
        Ubigeo, related_name="alerts", verbose_name=_("unidades del área")
    )
    latitude = models.FloatField(_("latitud"), null=True, blank=True)
    longitude = models.FloatField(_("longitud"), null=True, blank=True)
    radius_km = models.FloatField(_("radio (km)"), null=True, blank=True)
    polygon = models.TextField(_("polígono (CAP)"), blank=True)
    recipients = models.ManyToManyField(
        Institution,
        blank=True,
        related_name="received_alerts",
        verbose_name=_("instituciones destinatarias"),
    )
    # Public alerts appear in the Atom feed and to anyone; restricted ones only to the issuing
    # and recipient institutions (404 to anyone else).
    is_public = models.BooleanField(_("pública"), default=False)
    expires_at = models.DateTimeField(_("vigente hasta"), null=True, blank=True)
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alerts",
        verbose_name=_("caso"),
    )
    prealerts = models.ManyToManyField(
        PreAlert, blank=True, related_name="alerts", verbose_name=_("prealertas")
    )
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("alerta")
        verbose_name_plural = _("alertas")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["is_public", "-sent_at"], name="alert_public_sent")]

    def __str__(self) -> str:
        return self.headline


class DeploymentOrder(TimeStampedModel):
    """An order to respond: the responsible institution's team goes to the place. The clock
    runs from ``ordered_at``; the response is due within ``settings.WILLAQ_RESPONSE_HOURS``."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    alert = models.ForeignKey(
        Alert,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("alerta"),
    )
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deployment_orders",
        verbose_name=_("caso"),
    )
    # Who ordered (the issuing institution) and who must respond.
    ordering_institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="orders_given",
        verbose_name=_("institución que ordena"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="orders_received",
        verbose_name=_("institución responsable"),
    )
    team = models.CharField(_("equipo"), max_length=200)
    team_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="deployment_orders",
        verbose_name=_("integrantes del equipo"),
    )
    ubigeo = models.ForeignKey(
        Ubigeo,
        on_delete=models.PROTECT,
        related_name="deployment_orders",
        verbose_name=_("lugar (ubigeo)"),
    )
    # Denormalised from ``ubigeo`` for the statistics by department.
    department_code = models.CharField(max_length=6, db_index=True)
    instructions = models.TextField(_("instrucciones"), blank=True)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ordenada por"),
    )
    ordered_at = models.DateTimeField(_("ordenada el"), db_index=True)
    state = models.CharField(
        _("estado"), max_length=10, choices=OrderState.choices, default=OrderState.ORDERED
    )
    deployed_at = models.DateTimeField(_("desplegada el"), null=True, blank=True)
    on_site_at = models.DateTimeField(_("en el lugar el"), null=True, blank=True)
    closed_at = models.DateTimeField(_("cerrada el"), null=True, blank=True)
    report = models.TextField(_("informe de la respuesta"), blank=True)
    # Set by the clock's task: the team was warned (36 h); the order was escalated (48 h).
    warned_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("orden de despliegue")
        verbose_name_plural = _("órdenes de despliegue")
        ordering = ["-ordered_at", "-id"]
        indexes = [
            # The clock's task: open orders by age.
            models.Index(
                fields=["ordered_at"],
                condition=~Q(state=OrderState.CLOSED),
                name="order_open_age",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=OrderState.CLOSED)
                | (Q(closed_at__isnull=False) & ~Q(report="")),
                name="order_closed_has_report",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.ordered_at:%Y-%m-%d %H:%M}"

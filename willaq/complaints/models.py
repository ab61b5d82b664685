"""Citizens' environmental complaints (the domain description, §7).

- A citizen files a **complaint** on the public form (no account): what happened, where, when,
  photos, and a name and contact or nothing (anonymous). The answer is a **tracking code** the
  citizen quotes to follow the state at ``/denuncias/seguimiento/``.
- The **handling institution** (``institution``) triages it, may **route** it to the competent
  authority (another institution: each hop is a ``ComplaintRoute``), records the inspection and
  the answer (a public answer for the citizen, internal notes for staff) and closes it. The
  complainant's identity is read only inside the handling institution (``access``).
- The answer is due **30 working days** after receipt: weekends and the national holidays of
  ``Holiday`` (editable by admins) do not count (``clock``).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from willaq.accounts.models import Institution
from willaq.cases.models import Case
from willaq.complaints.choices import ComplaintKind, ComplaintState, ContactKind
from willaq.core.models import TimeStampedModel
from willaq.territory.models import Ubigeo

TRACKING_CODE_LENGTH = 10


class Holiday(models.Model):
    """A national holiday: no working day for the complaint clock. Loaded from the Peruvian
    calendar (``manage.py load_holidays``); admins add or correct days in the Django admin."""

    date = models.DateField(_("fecha"), unique=True)
    name = models.CharField(_("nombre"), max_length=120)

    class Meta:
        verbose_name = _("feriado nacional")
        verbose_name_plural = _("feriados nacionales")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class Complaint(TimeStampedModel):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # What the citizen quotes: 10 characters of an alphabet without look-alikes, stored without
    # the hyphens it is shown with (XXXX-XXXX-XX). Never the database pk.
    tracking_code = models.CharField(
        _("código de seguimiento"), max_length=TRACKING_CODE_LENGTH, unique=True, editable=False
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("institución a cargo"),
    )
    # Where the citizen sent it (the handling institution changes when it is routed).
    received_by = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("institución que la recibió"),
    )
    state = models.CharField(
        _("estado"), max_length=20, choices=ComplaintState.choices, default=ComplaintState.RECEIVED
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=ComplaintKind.choices)
    description = models.TextField(_("qué pasó"), max_length=5000)
    ubigeo = models.ForeignKey(
        Ubigeo,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lugar"),
    )
    # The department's ubigeo (dd0000) of ``ubigeo``, for the queue's department filter.
    department_code = models.CharField(max_length=6, blank=True, editable=False)
    location = models.CharField(_("referencia del lugar"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitud"), null=True, blank=True)
    longitude = models.FloatField(_("longitud"), null=True, blank=True)
    occurred_on = models.DateField(_("fecha del hecho"), null=True, blank=True)
    received_at = models.DateTimeField(_("recibida el"), default=timezone.now)
    # 30 working days after receipt (``clock.due_date``), fixed when it is received.
    due_date = models.DateField(_("plazo de respuesta"))
    is_anonymous = models.BooleanField(_("anónima"), default=False)
    complainant_name = models.CharField(_("nombre del denunciante"), max_length=200, blank=True)
    complainant_contact = models.CharField(
        _("contacto del denunciante"), max_length=200, blank=True
    )
    contact_kind = models.CharField(
        _("tipo de contacto"), max_length=10, choices=ContactKind.choices, blank=True
    )
    # sha256 of the normalised text, place and day: the same complaint sent twice within a day
    # answers the first one's code (``services.intake``).
    fingerprint = models.CharField(max_length=64, editable=False)
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("caso"),
    )
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("evaluada por"),
    )
    triaged_at = models.DateTimeField(_("evaluada el"), null=True, blank=True)
    inspected_on = models.DateField(_("fecha de la inspección"), null=True, blank=True)
    inspection_notes = models.TextField(_("resultado de la inspección"), blank=True)
    # Read by the citizen on the tracking page.
    public_answer = models.TextField(_("respuesta pública"), blank=True)
    # Staff only: never on the tracking page.
    internal_notes = models.TextField(_("notas internas"), blank=True)
    answered_at = models.DateTimeField(_("respondida el"), null=True, blank=True)
    closed_at = models.DateTimeField(_("cerrada el"), null=True, blank=True)
    # When the handling institution was warned before and after the due date (each once).
    due_soon_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_warned_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_demo = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("denuncia ambiental")
        verbose_name_plural = _("denuncias ambientales")
        ordering = ["-received_at", "-id"]
        indexes = [
            # The staff queue: one institution's complaints by state, oldest due date first.
            models.Index(fields=["institution", "state", "due_date"], name="complaint_queue"),
            # The queue's department filter.
            models.Index(fields=["institution", "department_code"], name="complaint_department"),
            # Duplicate detection: the same fingerprint received within the last day.
            models.Index(fields=["fingerprint", "received_at"], name="complaint_fingerprint"),
            # The clock's scan: open complaints by due date.
            models.Index(
                fields=["due_date"],
                condition=Q(state__in=["received", "admitted", "inspected"]),
                name="complaint_open_due",
            ),
        ]

    def __str__(self) -> str:
        return self.display_code

    @property
    def display_code(self) -> str:
        """The tracking code as read over the phone: XXXX-XXXX-XX."""
        code = self.tracking_code
        return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def photo_upload_to(instance: "ComplaintPhoto", filename: str) -> str:
    return f"complaints/{instance.complaint.uuid}/{uuid.uuid4().hex}"


class ComplaintPhoto(models.Model):
    """A photo sent with a complaint (JPEG or PNG, checked by content). Served only through the
    access rule."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("archivo"), upload_to=photo_upload_to)
    name = models.CharField(_("nombre"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("foto de denuncia")
        verbose_name_plural = _("fotos de denuncia")

    def __str__(self) -> str:
        return self.name


class ComplaintRoute(models.Model):
    """One hop of a complaint to the competent authority."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="routes")
    from_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("de")
    )
    to_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("a")
    )
    reason = models.TextField(_("motivo"), max_length=2000)
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    routed_at = models.DateTimeField(_("derivada el"), default=timezone.now)

    class Meta:
        verbose_name = _("derivación de denuncia")
        verbose_name_plural = _("derivaciones de denuncias")
        ordering = ["routed_at", "id"]
        indexes = [
            # visible_complaints: the complaints an institution routed away.
            models.Index(fields=["from_institution"], name="complaint_route_from"),
        ]

    def __str__(self) -> str:
        return f"{self.from_institution} → {self.to_institution}"

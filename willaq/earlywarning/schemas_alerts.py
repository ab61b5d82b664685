"""Schemas of the alerts API (``GET /api/v1/alerts``, ``GET /api/v1/alerts/{uuid}``)."""

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.urls import reverse
from ninja import Field, Schema

from willaq.cases.schemas import UBIGEO_PATTERN, InputSchema
from willaq.earlywarning.choices import (
    CAP_SEVERITY,
    AlertCertainty,
    AlertLevel,
    AlertMessageType,
    AlertUrgency,
)
from willaq.earlywarning.models import Alert
from willaq.earlywarning.selectors_alerts import alert_state


class AlertFilters(InputSchema):
    """The filters of the alert list (page and API)."""

    level: AlertLevel | None = None
    public: bool | None = Field(None, description="true: solo públicas; false: solo restringidas.")
    msg_type: AlertMessageType | None = Field(None, description="Alert, Update o Cancel (CAP).")
    state: Literal["active", "expired", "cancelled"] | None = Field(
        None, description="Vigente, vencida o cancelada (por el hilo de la alerta)."
    )
    department: str | None = Field(
        None, pattern=UBIGEO_PATTERN, description="Ubigeo de un departamento del área."
    )
    since: dt.datetime | None = Field(None, description="Emitidas desde (ISO 8601).")


def _absolute(context: Any, path: str) -> str:
    request = (context or {}).get("request")
    return request.build_absolute_uri(path) if request is not None else path


class AlertOut(Schema):
    uuid: UUID
    identifier: str = Field(description="Identificador CAP (único, estable).")
    msg_type: AlertMessageType
    references: UUID | None = Field(
        None, description="La alerta original, en una actualización o cancelación."
    )
    institution: str = Field(description="Institución emisora (slug).")
    sent_at: dt.datetime
    level: AlertLevel
    severity: str = Field(description="Severidad CAP que corresponde al nivel.")
    urgency: AlertUrgency
    certainty: AlertCertainty
    headline: str
    description: str
    instruction: str
    area_description: str
    area_units: list[str] = Field(description="Códigos ubigeo del área.")
    latitude: float | None
    longitude: float | None
    radius_km: float | None
    polygon: str = Field(description="Polígono CAP («lat,lon lat,lon …»), o vacío.")
    recipients: list[str] = Field(description="Instituciones destinatarias (slugs).")
    is_public: bool
    expires_at: dt.datetime | None
    state: Literal["active", "expired", "cancelled"]
    case: UUID | None
    url: str = Field(description="La página de la alerta.")
    cap_url: str = Field(description="El documento CAP 1.2 (application/cap+xml).")

    @staticmethod
    def resolve_references(obj: Alert) -> UUID | None:
        return obj.references.uuid if obj.references is not None else None

    @staticmethod
    def resolve_institution(obj: Alert) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_severity(obj: Alert) -> str:
        return CAP_SEVERITY[obj.level]

    @staticmethod
    def resolve_area_units(obj: Alert) -> list[str]:
        return sorted(unit.code for unit in obj.area_units.all())

    @staticmethod
    def resolve_recipients(obj: Alert) -> list[str]:
        return sorted(institution.slug for institution in obj.recipients.all())

    @staticmethod
    def resolve_state(obj: Alert) -> str:
        return alert_state(obj)

    @staticmethod
    def resolve_case(obj: Alert) -> UUID | None:
        return obj.case.uuid if obj.case is not None else None

    @staticmethod
    def resolve_url(obj: Alert, context: Any) -> str:
        path = reverse("earlywarning:alert_detail", kwargs={"alert_uuid": obj.uuid})
        return _absolute(context, path)

    @staticmethod
    def resolve_cap_url(obj: Alert, context: Any) -> str:
        path = reverse("earlywarning:alert_cap", kwargs={"alert_uuid": obj.uuid})
        return _absolute(context, path)

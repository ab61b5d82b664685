"""Pydantic schemas of early warning's API: pre-alerts in and out.

Input schemas type and bound the values so the OpenAPI document says what is accepted; the
rules (a known place, a description) stay in services/intake.py, the access rule in access.py.
"""

import datetime as dt
from typing import Any
from uuid import UUID

from ninja import Field, Schema

from willaq.cases.schemas import UBIGEO_PATTERN, InputSchema, context_user
from willaq.earlywarning.access import hidden_prealert_fields
from willaq.earlywarning.choices import Channel, ReviewState, Urgency
from willaq.earlywarning.models import PreAlert
from willaq.earlywarning.services.intake import TEXT_LIMITS
from willaq.earlywarning.sms import prealert_reference

IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{1,200}$"
DEPARTMENT_PATTERN = r"^([0-9]{2}|[0-9]{6})$"


class PreAlertIn(InputSchema):
    """A pre-alert as a field client sends it. A place (`ubigeo`, or `latitude` and
    `longitude`) and `description` are required (422 naming the field otherwise)."""

    ubigeo: str | None = Field(
        None,
        pattern=UBIGEO_PATTERN,
        description="Ubigeo INEI (departamento, provincia o distrito).",
    )
    location: str = Field("", max_length=TEXT_LIMITS["location"], description="Localidad.")
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    occurred_on: dt.date | None = Field(None, description="Fecha del hecho (AAAA-MM-DD).")
    description: str = Field("", max_length=TEXT_LIMITS["description"], description="Qué pasó.")
    actors: str = Field("", max_length=TEXT_LIMITS["actors"])
    demands: str = Field("", max_length=TEXT_LIMITS["demands"])
    measures: str = Field(
        "", max_length=TEXT_LIMITS["measures"], description="Medidas de protesta anunciadas."
    )
    measures_date: dt.date | None = Field(None, description="Fecha de las medidas anunciadas.")
    urgency: Urgency = Urgency.MEDIUM
    institution: str | None = Field(
        None,
        max_length=60,
        description=(
            "Institución que recibe la prealerta (slug); por defecto la del perfil de "
            "reportero o la primera en la que el usuario puede enviar prealertas."
        ),
    )


class PreAlertFilters(InputSchema):
    channel: Channel | None = Field(None, description="Canal por el que llegó.")
    state: ReviewState | None = Field(None, description="Estado de revisión.")
    department: str | None = Field(
        None,
        pattern=DEPARTMENT_PATTERN,
        description=(
            "Departamento: su código de 2 dígitos o su ubigeo de 6 (se usan los 2 primeros)."
        ),
    )
    client_id: str | None = Field(
        None,
        max_length=200,
        description="Identificador del cliente (Idempotency-Key, instanceID, id del SMS…).",
    )


class PreAlertReceiptOut(Schema):
    """The answer to POST: only what never changes after the pre-alert arrives, so a retry with
    the same Idempotency-Key gets it byte for byte. `url` gives the pre-alert as it stands."""

    uuid: UUID
    reference: str = Field(..., description="Referencia corta (8 caracteres) para el reportero.")
    channel: str
    client_id: str
    institution: str
    received_at: dt.datetime
    url: str

    @staticmethod
    def resolve_reference(obj: PreAlert) -> str:
        return prealert_reference(obj)

    @staticmethod
    def resolve_institution(obj: PreAlert) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_url(obj: PreAlert) -> str:
        return f"/api/v1/prealerts/{obj.uuid}"


_REVIEWERS_ONLY = (
    "Solo para los revisores de la institución que la recibe (null para su remitente)."
)


def _hidden(obj: PreAlert, context: dict[str, Any], name: str) -> bool:
    return name in hidden_prealert_fields(context_user(context), obj)


def _email(user: Any) -> str | None:
    return user.email if user is not None else None


class PreAlertOut(Schema):
    uuid: UUID
    reference: str
    channel: str
    client_id: str
    institution: str
    reporter: UUID | None
    reporter_name: str | None
    sender: str
    unknown_sender: bool
    received_at: dt.datetime
    occurred_on: dt.date | None
    ubigeo: str | None
    ubigeo_name: str | None
    department_code: str
    location: str
    latitude: float | None
    longitude: float | None
    description: str
    actors: str
    demands: str
    measures: str
    measures_date: dt.date | None
    urgency: str
    is_structured: bool = Field(..., description="false: un SMS por estructurar.")
    state: str
    rejection_reason: str
    duplicate_of: UUID | None
    case: UUID | None
    event: UUID | None
    reviewed_at: dt.datetime | None
    assigned_to: str | None = Field(..., description=_REVIEWERS_ONLY)
    reviewing_by: str | None = Field(..., description=_REVIEWERS_ONLY)
    reviewing_since: dt.datetime | None = Field(..., description=_REVIEWERS_ONLY)
    review_notes: str | None = Field(..., description=_REVIEWERS_ONLY)
    raw_payload: str | None = Field(..., description=_REVIEWERS_ONLY)
    raw_content_type: str

    @staticmethod
    def resolve_reference(obj: PreAlert) -> str:
        return prealert_reference(obj)

    @staticmethod
    def resolve_institution(obj: PreAlert) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_reporter(obj: PreAlert) -> UUID | None:
        return obj.reporter.uuid if obj.reporter is not None else None

    @staticmethod
    def resolve_reporter_name(obj: PreAlert) -> str | None:
        return obj.reporter.name if obj.reporter is not None else None

    @staticmethod
    def resolve_ubigeo(obj: PreAlert) -> str | None:
        return obj.ubigeo.code if obj.ubigeo is not None else None

    @staticmethod
    def resolve_ubigeo_name(obj: PreAlert) -> str | None:
        return obj.ubigeo.name if obj.ubigeo is not None else None

    @staticmethod
    def resolve_duplicate_of(obj: PreAlert) -> UUID | None:
        return obj.duplicate_of.uuid if obj.duplicate_of is not None else None

    @staticmethod
    def resolve_case(obj: PreAlert) -> UUID | None:
        return obj.case.uuid if obj.case is not None else None

    @staticmethod
    def resolve_event(obj: PreAlert) -> UUID | None:
        return obj.event.uuid if obj.event is not None else None

    # The reviewers' fields go through the one redaction rule (access.hidden_prealert_fields).
    @staticmethod
    def resolve_assigned_to(obj: PreAlert, context: dict[str, Any]) -> str | None:
        return None if _hidden(obj, context, "assigned_to") else _email(obj.assigned_to)

    @staticmethod
    def resolve_reviewing_by(obj: PreAlert, context: dict[str, Any]) -> str | None:
        return None if _hidden(obj, context, "reviewing_by") else _email(obj.reviewing_by)

    @staticmethod
    def resolve_reviewing_since(obj: PreAlert, context: dict[str, Any]) -> dt.datetime | None:
        return None if _hidden(obj, context, "reviewing_since") else obj.reviewing_since

    @staticmethod
    def resolve_review_notes(obj: PreAlert, context: dict[str, Any]) -> str | None:
        return None if _hidden(obj, context, "review_notes") else obj.review_notes

    @staticmethod
    def resolve_raw_payload(obj: PreAlert, context: dict[str, Any]) -> str | None:
        return None if _hidden(obj, context, "raw_payload") else obj.raw_payload

"""Schemas of dialogue's API (``/api/v1/dialogue/…`` and ``/api/v1/commitments``).

Every output object arrives redacted (``willaq.cases.access.redacted`` with the row's
``access.row_hidden_fields``; see ``api_common``): a confidential field is ``null`` for whoever
is not an insider of the space, and so is the space's ``ical_url``, which carries its secret.
"""

import datetime as dt
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.urls import reverse
from ninja import Field, Schema

from willaq.cases.access import redacted
from willaq.cases.schemas import InputSchema
from willaq.dialogue.choices import (
    CommitmentState,
    FundingSource,
    ParticipantKind,
    ParticipantRole,
    SessionState,
    SpaceKind,
    SpaceState,
)
from willaq.dialogue.models import (
    Acta,
    Commitment,
    CommitmentEvidence,
    DialogueSession,
    DialogueSpace,
    Participant,
)

DEPARTMENT_PATTERN = r"^[0-9]{2}$"
SLUG_MAX = 60


def absolute(path: str) -> str:
    """An absolute URL on this installation (``settings.WILLAQ_BASE_URL``)."""
    return settings.WILLAQ_BASE_URL.rstrip("/") + path


def _hidden(obj: Any) -> frozenset[str]:
    return frozenset(getattr(obj, "viewer_hidden", frozenset()))


# --- filters ------------------------------------------------------------------------------------


class SpaceFilters(InputSchema):
    kind: SpaceKind | None = Field(None, description="Tipo de espacio.")
    state: SpaceState | None = Field(None, description="Estado del espacio.")
    institution: str | None = Field(
        None, max_length=SLUG_MAX, description="Institución convocante (slug)."
    )
    department: str | None = Field(
        None,
        pattern=DEPARTMENT_PATTERN,
        description="Código de 2 dígitos del departamento del lugar del espacio.",
    )
    case: UUID | None = Field(None, description="Caso vinculado (uuid).")


class SessionFilters(InputSchema):
    space: UUID | None = Field(None, description="Espacio de diálogo (uuid).")
    starts_from: dt.date | None = Field(
        None, alias="from", description="Sesiones desde este día (AAAA-MM-DD, hora de Lima)."
    )
    starts_to: dt.date | None = Field(
        None, alias="to", description="Sesiones hasta este día, incluido (AAAA-MM-DD)."
    )


class ActaFilters(InputSchema):
    space: UUID | None = Field(None, description="Espacio de diálogo (uuid).")


class CommitmentFilters(InputSchema):
    state: CommitmentState | None = Field(None, description="Estado registrado.")
    overdue: bool | None = Field(
        None,
        description=(
            "true: vencidos (pendientes o en proceso con la fecha pasada, hora de Lima); "
            "false: los demás."
        ),
    )
    responsible: str | None = Field(
        None,
        max_length=SLUG_MAX,
        description="Responsable: slug de una institución o uuid de un participante.",
    )
    case: UUID | None = Field(None, description="Caso vinculado al espacio (uuid).")
    department: str | None = Field(
        None,
        pattern=DEPARTMENT_PATTERN,
        description="Código de 2 dígitos del departamento del lugar del espacio.",
    )
    due_before: dt.date | None = Field(None, description="Vencen hasta este día, incluido.")
    due_after: dt.date | None = Field(None, description="Vencen desde este día, incluido.")


# --- inputs -------------------------------------------------------------------------------------


class ProgressIn(InputSchema):
    state: CommitmentState
    progress: int = Field(ge=0, le=100, strict=True, description="Avance en porcentaje (0–100).")
    note: str = Field("", max_length=1000, description="Nota del avance (queda en la auditoría).")


class EvidenceIn(InputSchema):
    """An evidence as a link (JSON). A file is sent as multipart/form-data instead."""

    description: str = Field(max_length=500)
    url: str = Field(max_length=500, description="Enlace http(s) a la evidencia.")
    amount_executed: Decimal | None = Field(
        None, ge=0, max_digits=16, decimal_places=2, description="Monto ejecutado (S/)."
    )


# --- outputs ------------------------------------------------------------------------------------


class ParticipantOut(Schema):
    uuid: UUID
    kind: ParticipantKind
    role: ParticipantRole
    name: str
    institution: str | None = Field(description="Slug, si es una institución de Willaq.")
    actor: UUID | None = Field(description="Actor del registro, si lo es.")
    representative: str | None = Field(description="Confidencial: null fuera del espacio.")

    @staticmethod
    def resolve_institution(obj: Participant) -> str | None:
        return obj.institution.slug if obj.institution is not None else None

    @staticmethod
    def resolve_actor(obj: Participant) -> UUID | None:
        return obj.actor.uuid if obj.actor is not None else None


class PartyOut(Schema):
    """A responsible party of a commitment."""

    uuid: UUID
    kind: ParticipantKind
    name: str
    institution: str | None

    @staticmethod
    def resolve_institution(obj: Participant) -> str | None:
        return obj.institution.slug if obj.institution is not None else None


class SpaceOut(Schema):
    uuid: UUID
    kind: SpaceKind
    name: str
    description: str
    state: SpaceState
    institution: str = Field(description="Institución convocante (slug).")
    parent: UUID | None = Field(description="Espacio principal (en un subgrupo).")
    cases: list[UUID] = Field(description="Casos vinculados que el usuario puede ver.")
    place: str | None = Field(description="Ubigeo del lugar.")
    department: str | None = Field(description="Código de 2 dígitos del departamento.")
    start_date: dt.date
    planned_end_date: dt.date
    end_date: dt.date | None
    is_public: bool
    internal_notes: str | None = Field(description="Confidencial: null fuera del espacio.")
    participants: list[ParticipantOut]
    url: str = Field(description="La página del espacio.")
    ical_url: str | None = Field(
        description=(
            "Suscripción iCalendar del espacio (lleva su secreto): solo para la institución "
            "convocante y las sentadas en la mesa; null para las demás."
        )
    )
    public_url: str | None = Field(description="La página pública, si el espacio es público.")

    @staticmethod
    def resolve_institution(obj: DialogueSpace) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_parent(obj: DialogueSpace) -> UUID | None:
        return obj.parent.uuid if obj.parent is not None else None

    @staticmethod
    def resolve_cases(obj: DialogueSpace) -> list[UUID]:
        return [case.uuid for case in obj.cases.all()]

    @staticmethod
    def resolve_place(obj: DialogueSpace) -> str | None:
        return obj.place.code if obj.place is not None else None

    @staticmethod
    def resolve_department(obj: DialogueSpace) -> str | None:
        return obj.place.code[:2] if obj.place is not None else None

    @staticmethod
    def resolve_participants(obj: DialogueSpace) -> list[Participant]:
        hidden = _hidden(obj)
        return [redacted(p, hidden) for p in obj.participants.all()]

    @staticmethod
    def resolve_url(obj: DialogueSpace) -> str:
        return absolute(reverse("dialogue:space", kwargs={"space_uuid": obj.uuid}))

    @staticmethod
    def resolve_ical_url(obj: DialogueSpace) -> str | None:
        if _hidden(obj):
            return None
        return absolute(reverse("dialogue:space_ical", kwargs={"secret": obj.ical_secret}))

    @staticmethod
    def resolve_public_url(obj: DialogueSpace) -> str | None:
        if not obj.is_public:
            return None
        return absolute(reverse("dialogue:public_space", kwargs={"space_uuid": obj.uuid}))


class SessionOut(Schema):
    uuid: UUID
    space: UUID
    number: int
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    place: str
    agenda: str
    state: SessionState
    minutes: str | None = Field(description="Ayuda memoria. Confidencial: null fuera del espacio.")
    next_steps: str
    acta: UUID | None = Field(description="El acta firmada en la sesión, si la hay.")
    url: str = Field(description="La página de la sesión.")

    @staticmethod
    def resolve_space(obj: DialogueSession) -> UUID:
        return obj.space.uuid

    @staticmethod
    def resolve_acta(obj: DialogueSession) -> UUID | None:
        acta = getattr(obj, "acta", None)
        return acta.uuid if acta is not None else None

    @staticmethod
    def resolve_url(obj: DialogueSession) -> str:
        return absolute(reverse("dialogue:session", kwargs={"session_uuid": obj.uuid}))


class ActaOut(Schema):
    uuid: UUID
    space: UUID
    session: UUID
    title: str
    signed_on: dt.date
    has_document: bool
    signatories: list[PartyOut]
    commitments: list[UUID]
    url: str = Field(description="La página del acta.")

    @staticmethod
    def resolve_space(obj: Acta) -> UUID:
        return obj.session.space.uuid

    @staticmethod
    def resolve_session(obj: Acta) -> UUID:
        return obj.session.uuid

    @staticmethod
    def resolve_has_document(obj: Acta) -> bool:
        return bool(obj.document)

    @staticmethod
    def resolve_signatories(obj: Acta) -> list[Participant]:
        return list(obj.signatories.all())

    @staticmethod
    def resolve_commitments(obj: Acta) -> list[UUID]:
        return [c.uuid for c in obj.commitments.all()]

    @staticmethod
    def resolve_url(obj: Acta) -> str:
        return absolute(reverse("dialogue:acta", kwargs={"acta_uuid": obj.uuid}))


class EvidenceOut(Schema):
    uuid: UUID
    description: str
    url: str
    has_file: bool
    amount_executed: Decimal | None
    created_at: dt.datetime
    verified: bool
    verified_at: dt.datetime | None
    added_by: str | None = Field(description="Confidencial: null fuera del espacio.")
    verified_by: str | None = Field(description="Confidencial: null fuera del espacio.")

    @staticmethod
    def resolve_has_file(obj: CommitmentEvidence) -> bool:
        return bool(obj.file)

    @staticmethod
    def resolve_verified(obj: CommitmentEvidence) -> bool:
        return obj.verified_at is not None

    @staticmethod
    def resolve_added_by(obj: CommitmentEvidence) -> str | None:
        return obj.added_by.email if obj.added_by is not None else None

    @staticmethod
    def resolve_verified_by(obj: CommitmentEvidence) -> str | None:
        return obj.verified_by.email if obj.verified_by is not None else None


class CommitmentOut(Schema):
    uuid: UUID
    space: UUID
    acta: UUID
    number: int
    description: str
    responsible: list[PartyOut]
    due_date: dt.date
    state: CommitmentState
    overdue: bool = Field(
        description="Derivado: pendiente o en proceso con la fecha de vencimiento pasada."
    )
    progress: int
    weight: Decimal
    amount: Decimal | None = Field(description="Monto comprometido (S/).")
    funding_source: FundingSource | None
    internal_notes: str | None = Field(description="Confidencial: null fuera del espacio.")
    evidence: list[EvidenceOut]
    url: str = Field(description="La página del compromiso.")

    @staticmethod
    def resolve_space(obj: Commitment) -> UUID:
        return obj.space.uuid

    @staticmethod
    def resolve_acta(obj: Commitment) -> UUID:
        return obj.acta.uuid

    @staticmethod
    def resolve_responsible(obj: Commitment) -> list[Participant]:
        return list(obj.responsible.all())

    @staticmethod
    def resolve_overdue(obj: Commitment) -> bool:
        return obj.is_overdue

    @staticmethod
    def resolve_funding_source(obj: Commitment) -> str | None:
        return obj.funding_source or None

    @staticmethod
    def resolve_evidence(obj: Commitment) -> list[CommitmentEvidence]:
        hidden = _hidden(obj)
        return [redacted(e, hidden) for e in obj.evidence.all()]

    @staticmethod
    def resolve_url(obj: Commitment) -> str:
        return absolute(reverse("dialogue:commitment", kwargs={"commitment_uuid": obj.uuid}))

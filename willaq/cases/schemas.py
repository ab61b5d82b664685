"""Pydantic schemas of the cases API (v1): what goes in, what comes out.

Input schemas type and bound the values (enums, ranges, six-digit ubigeo codes) so the OpenAPI
document says what is accepted; every business rule stays in services.py and access.py.
"""

import datetime as dt
import re
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from willaq.accounts.access import AnyUser
from willaq.cases.access import redact_event, sees_victim_identity
from willaq.cases.choices import (
    ActorKind,
    ActorRole,
    ActorTypeCode,
    CaseScope,
    CaseState,
    CategoryKind,
    CompetentAuthority,
    DatePrecision,
    DialogueMechanism,
    EventType,
    GeoPrecision,
    InstitutionRole,
    OrganisationType,
    PcmClassification,
    Phase,
    ProtestForm,
    Sex,
    StartDatePrecision,
    SubEventType,
    VictimGroup,
    VictimOutcome,
)
from willaq.cases.models import Actor, Case, CaseActor, CasePlace, Event, Victim

UBIGEO_PATTERN = r"^[0-9]{6}$"

CaseOrdering = Literal[
    "start_date", "-start_date", "updated_at", "-updated_at", "name", "-name", "code", "-code"
]
TransitionName = Literal[
    "submit",
    "return",
    "approve",
    "approve_pre_conflict",
    "escalate",
    "to_latent",
    "reactivate",
    "reactivate_withdrawn",
    "resolve",
    "withdraw",
]


# --- inputs ------------------------------------------------------------------------------------


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values())
    return False


# Either half of a UTF-16 pair (json.loads joins a whole pair into one character).
_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_lone_surrogate(value: Any) -> bool:
    """A JSON body may escape half of a UTF-16 pair ("\\ud800"): json.loads accepts it, but it
    is not a character, and neither UTF-8 nor the database can store it."""
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, list | tuple):
        return any(_has_lone_surrogate(v) for v in value)
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    return False


class InputSchema(Schema):
    """Base of request bodies and filters: only known fields, and no NUL characters, which
    PostgreSQL cannot hold or compare, nor lone surrogates, which no database can store (the
    error handler turns "nul_character" and "lone_surrogate" into sentences)."""

    # Unknown fields are refused (a misspelt field is not silently ignored); this also makes
    # pydantic check the body is a JSON object before ninja reads it attribute by attribute.
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _only_storable_text(cls, value: Any) -> Any:
        if _has_lone_surrogate(value):
            raise ValueError("lone_surrogate")
        if _has_nul(value):
            raise ValueError("nul_character")
        return value


class CaseFilters(InputSchema):
    state: CaseState | None = Field(None, description="Estado del caso.")
    phase: Phase | None = Field(None, description="Fase (solo casos activos).")
    typology: str | None = Field(
        None, max_length=60, description="Código de tipología (compartida o propia)."
    )
    department: str | None = Field(
        None,
        pattern=UBIGEO_PATTERN,
        description="Ubigeo de un departamento: casos con algún lugar en él.",
    )
    institution: str | None = Field(
        None, max_length=60, description="Identificador de la institución que registra."
    )
    q: str | None = Field(
        None,
        max_length=100,
        description=(
            "Busca, sin distinguir tildes ni mayúsculas, en el código, el nombre, los lugares, "
            "los actores y los textos del caso que el usuario puede leer."
        ),
    )
    start_from: dt.date | None = Field(None, description="Inicio desde (AAAA-MM-DD).")
    start_to: dt.date | None = Field(None, description="Inicio hasta (AAAA-MM-DD).")
    last_event_from: dt.date | None = Field(None, description="Último evento desde (AAAA-MM-DD).")
    last_event_to: dt.date | None = Field(None, description="Último evento hasta (AAAA-MM-DD).")
    updated_since: dt.datetime | None = Field(None, description="Modificados desde (ISO 8601).")
    needs_review: bool | None = Field(
        None, description="Solo los casos marcados «por revisar» (true)."
    )
    ordering: CaseOrdering = Field("-start_date", description="Orden de la lista.")

    @field_validator("updated_since")
    @classmethod
    def _representable_in_utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        """The database compares in UTC: a date at the edge of the calendar cannot be."""
        if value is None:
            return None
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        try:
            value.astimezone(dt.UTC)
        except OverflowError as exc:
            raise ValueError("out_of_range") from exc
        return value


class ActorFilters(InputSchema):
    q: str | None = Field(None, max_length=100, description="Busca en el nombre.")
    kind: ActorKind | None = None
    organisation_type: OrganisationType | None = None


class CategoryFilters(InputSchema):
    kind: CategoryKind | None = None


class PlaceIn(InputSchema):
    """A place: an INEI unit (``ubigeo``) or a named grouping (``grouping``), not both."""

    ubigeo: str | None = Field(
        None, pattern=UBIGEO_PATTERN, description="Código INEI de 6 dígitos."
    )
    grouping: str | None = Field(
        None,
        max_length=40,
        description="Agrupación territorial: `lima-metropolitana` o `lima-provincias`.",
    )
    principal: bool = False


class ExternalIdIn(InputSchema):
    source: str = Field(
        ..., min_length=1, max_length=40, description="Sistema de origen (p. ej. `defensoria`)."
    )
    id: str = Field(..., min_length=1, max_length=100, description="Identificador en ese sistema.")


EFFECTIVE_DATE_DOC = (
    "Fecha efectiva: cuándo ocurrió el cambio, si fue antes de hoy (por defecto, hoy). No puede "
    "ser futura ni anterior al inicio del caso; un cambio de estado o de fase, tampoco anterior "
    "al último cambio de estado. El historial guarda además cuándo se registró."
)


class ClassificationIn(InputSchema):
    classification: str = Field(
        ...,
        max_length=40,
        description=(
            "`difference`, `controversy` o `social_conflict`; vacío retira la clasificación."
        ),
    )
    note: str | None = Field(None, max_length=5000, description="Fundamento (opcional).")
    effective_date: dt.date | None = Field(None, description=EFFECTIVE_DATE_DOC)


FAR_POINT_DOC = (
    "Confirma un punto a más de 50 km de su lugar y fuera de él (si no, 422 en "
    "`confirm_far_point`). Un punto fuera del Perú se rechaza siempre."
)


class CaseFieldsIn(InputSchema):
    """Fields shared by creation and update (all optional here; creation requires some)."""

    description: str | None = None
    end_date: dt.date | None = None
    subtype: str | None = Field(None, max_length=60, description="Código de subtipo.")
    competent_authority: CompetentAuthority | None = None
    pcm_classification: PcmClassification | None = None
    demands: str | None = None
    causes: str | None = None
    triggers: str | None = None
    legislation: str | None = None
    investment: str | None = None
    investment_amount: Decimal | None = Field(None, max_digits=16, decimal_places=2)
    strategies: str | None = None
    next_steps: str | None = None
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    confidential_fields: list[str] | None = Field(
        None, description="Campos que otras instituciones no verán."
    )
    sectors: list[str] | None = Field(None, description="Códigos de sectores del Estado.")
    confirm_far_point: bool = Field(False, description=FAR_POINT_DOC)
    scope: CaseScope | None = Field(
        None,
        description=(
            "Ámbito. Sin él, local o regional según los departamentos de los lugares; un caso "
            "nacional o multirregional puede no tener lugares."
        ),
    )
    start_date_precision: StartDatePrecision | None = Field(
        None, description="Precisión de la fecha de inicio (`before`: empezó en ella o antes)."
    )
    needs_review: bool | None = Field(None, description="Marcado «por revisar».")
    review_note: str | None = Field(None, description="Qué revisar.")
    external_ids: list[ExternalIdIn] | None = Field(
        None,
        description=(
            "Identificadores en otros sistemas, únicos por sistema. En una modificación se "
            "añaden a los del caso (para quitar uno: DELETE .../external-ids/{source}/{id})."
        ),
    )


class CaseCreateIn(CaseFieldsIn):
    institution: str = Field(..., max_length=60, description="Institución que registra (slug).")
    name: str = Field(..., max_length=250)
    start_date: dt.date
    typology: str = Field(..., max_length=60, description="Código de tipología.")
    places: list[PlaceIn] = Field(..., description="Uno o más lugares; uno principal.")


class CasePatchIn(CaseFieldsIn):
    name: str | None = Field(None, max_length=250)
    start_date: dt.date | None = None
    typology: str | None = Field(None, max_length=60)
    places: list[PlaceIn] | None = Field(None, description="Reemplaza todos los lugares.")
    effective_date: dt.date | None = Field(None, description=EFFECTIVE_DATE_DOC)


class TransitionIn(InputSchema):
    transition: TransitionName
    reason: str = ""
    phase: Phase = Field(Phase.EARLY, description="Fase al pasar a activo.")
    dialogue_mechanism: DialogueMechanism | None = Field(
        None, description="Obligatorio al pasar a activo en la fase de diálogo."
    )
    institution_role: InstitutionRole | None = Field(
        None, description="Obligatorio al pasar a activo en la fase de diálogo."
    )
    effective_date: dt.date | None = Field(None, description=EFFECTIVE_DATE_DOC)


class PhaseIn(InputSchema):
    phase: Phase
    dialogue_mechanism: DialogueMechanism | None = None
    institution_role: InstitutionRole | None = None
    effective_date: dt.date | None = Field(None, description=EFFECTIVE_DATE_DOC)


class MergeIn(InputSchema):
    into: UUID = Field(..., description="El caso que absorbe a este (uuid).")
    reason: str = Field(..., min_length=1, description="Motivo de la fusión (obligatorio).")
    effective_date: dt.date | None = Field(None, description=EFFECTIVE_DATE_DOC)


EFFECTIVE_DATE_DOC = (
    "Cuándo tuvo efecto el cambio, si se registra tarde (AAAA-MM-DD; no en el futuro). Por "
    "defecto: un evento o una víctima, la fecha del evento; lo demás, el momento del registro."
)
END_DATE_DOC = "Último día de una acción de varios días (no anterior a `event_date`)."
PROTEST_FORM_DOC = "Solo en protestas y disturbios (`Protests`, `Riots`); si no, 422."


class EventFilters(InputSchema):
    """The filters of the event list (page and API)."""

    date_from: dt.date | None = Field(
        None, description="Eventos que empezaron desde (AAAA-MM-DD), por `event_date`."
    )
    date_to: dt.date | None = Field(
        None, description="Eventos que empezaron hasta (AAAA-MM-DD), por `event_date`."
    )
    department: str | None = Field(
        None, pattern=UBIGEO_PATTERN, description="Ubigeo de un departamento."
    )
    event_type: EventType | None = None
    protest_form: ProtestForm | None = Field(
        None, description="Forma de protesta (vacío: cualquiera)."
    )
    with_case: bool | None = Field(
        None, description="true: solo eventos de un caso; false: solo eventos sin caso."
    )
    institution: str | None = Field(
        None, max_length=60, description="Institución que registró el evento (slug)."
    )


class EventIn(InputSchema):
    event_date: dt.date
    end_date: dt.date | None = Field(None, description=END_DATE_DOC)
    date_precision: DatePrecision = DatePrecision.DAY
    event_type: EventType
    sub_event_type: SubEventType
    protest_form: ProtestForm = Field(ProtestForm.NONE, description=PROTEST_FORM_DOC)
    actor1: str = Field(..., max_length=200)
    assoc_actor_1: str = Field("", max_length=300)
    inter1: ActorTypeCode
    actor2: str = Field("", max_length=200)
    assoc_actor_2: str = Field("", max_length=300)
    inter2: ActorTypeCode | None = None
    ubigeo: str = Field(..., pattern=UBIGEO_PATTERN)
    location: str = Field("", max_length=200)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    geo_precision: GeoPrecision = GeoPrecision.NEAR
    sources: str = ""
    source_scale: str = Field("", max_length=60)
    reported_by: str = Field("", max_length=200)
    notes: str = ""
    institution: str | None = Field(
        None, max_length=60, description="Institución a la que pertenece el evento (slug)."
    )
    confirm_far_point: bool = Field(False, description=FAR_POINT_DOC)
    effective_date: dt.date | None = Field(None, description=EFFECTIVE_DATE_DOC)


class EventPatchIn(InputSchema):
    """Only the fields sent change; a null clears an optional field."""

    event_date: dt.date | None = None
    end_date: dt.date | None = Field(None, description=END_DATE_DOC)
    date_precision: DatePrecision | None = None
    event_type: EventType | None = None
    sub_event_type: SubEventType | None = None
    protest_form: ProtestForm | None = Field(None, description=PROTEST_FORM_DOC)
    actor1: str | None = Field(None, max_length=200)
    assoc_actor_1: str | None = Field(None, max_length=300)
    inter1: ActorTypeCode | None = None
    actor2: str | None = Field(None, max_length=200)
    assoc_actor_2: str | None = Field(None, max_length=300)
    inter2: ActorTypeCode | None = None
    ubigeo: str | None = Field(None, pattern=UBIGEO_PATTERN)
    location: str | None = Field(None, max_length=200)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    geo_precision: GeoPrecision | None = None
    sources: str | None = None
    source_scale: str | None = Field(None, max_length=60)
    reported_by: str | None = Field(None, max_length=200)
    notes: str | None = None
    case: UUID | None = Field(
        None,
        description=(
            "Vincula el evento a un caso al que puede añadir eventos; null lo deja sin caso."
        ),
    )
    confirm_far_point: bool = Field(False, description=FAR_POINT_DOC)
    effective_date: dt.date | None = Field(None, description=EFFECTIVE_DATE_DOC)


class VictimIn(InputSchema):
    """A dead or injured person: outcome and group have no default, they must be chosen."""

    outcome: VictimOutcome
    group: VictimGroup
    full_name: str = Field("", max_length=200)
    document_number: str = Field("", max_length=20)
    age: int | None = Field(None, ge=0, le=120)
    sex: Sex = Sex.UNKNOWN
    notes: str = ""
    effective_date: dt.date | None = Field(None, description=EFFECTIVE_DATE_DOC)


class ActorIn(InputSchema):
    name: str = Field(..., max_length=250)
    kind: ActorKind
    organisation_type: OrganisationType | Literal[""] = ""
    description: str = ""
    institution: str | None = Field(
        None, max_length=60, description="Institución que registra (slug); por defecto la suya."
    )


class CaseActorIn(InputSchema):
    actor: UUID
    role: ActorRole
    position: str = ""
    intensity: int | None = Field(None, ge=1, le=5)
    effective_date: dt.date | None = Field(
        None, description="Desde cuándo participa el actor, si se registra tarde (AAAA-MM-DD)."
    )


class CaseActorPatchIn(InputSchema):
    role: ActorRole
    position: str = ""
    intensity: int | None = Field(None, ge=1, le=5)
    effective_date: dt.date | None = Field(None, description=EFFECTIVE_DATE_DOC)


# --- outputs -----------------------------------------------------------------------------------


class InstitutionRef(Schema):
    slug: str
    name: str
    acronym: str


class CategoryRef(Schema):
    code: str
    name: str


def context_user(context: dict[str, Any]) -> AnyUser:
    """The user of the request being answered (set by the token or session authentication)."""
    return context["request"].user


class PlaceOut(Schema):
    ubigeo: str
    name: str
    level: str
    department_code: str
    principal: bool
    grouping: str | None = Field(
        None, description="Agrupación (`lima-provincias`…); `ubigeo` es entonces su unidad base."
    )

    @staticmethod
    def resolve_grouping(obj: CasePlace) -> str | None:
        return obj.grouping.code if obj.grouping_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_ubigeo(obj: CasePlace) -> str:
        return obj.ubigeo.code

    @staticmethod
    def resolve_name(obj: CasePlace) -> str:
        return obj.grouping.name if obj.grouping_id else obj.ubigeo.name  # type: ignore[union-attr]

    @staticmethod
    def resolve_level(obj: CasePlace) -> str:
        return obj.ubigeo.level

    @staticmethod
    def resolve_department_code(obj: CasePlace) -> str:
        return obj.ubigeo.department_code

    @staticmethod
    def resolve_principal(obj: CasePlace) -> bool:
        return obj.is_principal


class CaseListOut(Schema):
    uuid: UUID
    code: str | None
    name: str
    state: str
    phase: str
    institution: str
    typology: str
    subtype: str | None
    start_date: dt.date
    start_date_precision: str
    end_date: dt.date | None
    scope: str
    needs_review: bool
    places: list[PlaceOut]
    updated_at: dt.datetime

    @staticmethod
    def resolve_institution(obj: Case) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_typology(obj: Case) -> str:
        return obj.typology.code

    @staticmethod
    def resolve_subtype(obj: Case) -> str | None:
        return obj.subtype.code if obj.subtype_id else None  # type: ignore[union-attr]

    @staticmethod
    def resolve_places(obj: Case) -> list[CasePlace]:
        return list(obj.places.all())


class ActorOut(Schema):
    uuid: UUID
    name: str
    kind: str
    organisation_type: str
    description: str
    institution: str

    @staticmethod
    def resolve_institution(obj: Actor) -> str:
        return obj.institution.slug


class CaseActorOut(Schema):
    actor: ActorOut
    institution: str = Field(
        ..., description="Institución que hizo el vínculo: solo ella lo modifica o lo quita."
    )
    role: str
    position: str
    intensity: int | None

    @staticmethod
    def resolve_institution(obj: CaseActor) -> str:
        return obj.institution.slug


class CasePermissionsOut(Schema):
    can_edit: bool
    can_approve: bool
    can_add_records: bool
    sees_confidential: bool
    transitions: list[str]


class TransitionOut(Schema):
    """One state change of the case, with the reason given (reasons are not confidential)."""

    kind: str
    from_state: str
    to_state: str
    reason: str
    occurred_at: dt.datetime = Field(..., description="Cuándo ocurrió (fecha efectiva).")
    recorded_at: dt.datetime = Field(..., description="Cuándo se registró en Willaq.")
    by: str | None = Field(None, description="Quien hizo el cambio (nombre o correo).")


class ExternalIdOut(Schema):
    source: str
    id: str


class ClassificationOut(Schema):
    institution: str = Field(
        ..., description="Identificador (slug) de la institución que clasifica."
    )
    classification: str = Field(..., description="`difference`, `controversy` o `social_conflict`.")
    note: str = Field("", description="Fundamento de la clasificación.")


class CaseOut(Schema):
    uuid: UUID
    code: str | None
    name: str
    state: str
    phase: str
    institution: InstitutionRef
    typology: CategoryRef
    subtype: CategoryRef | None
    start_date: dt.date
    start_date_precision: str
    end_date: dt.date | None
    scope: str
    needs_review: bool
    review_note: str
    external_ids: list[ExternalIdOut]
    merged_into: UUID | None = Field(
        None, description="El caso en que se fusionó (estado `merged`), si lo ve el usuario."
    )
    merged_cases: list[UUID] = Field(
        ..., description="Los casos fusionados en este que el usuario puede ver."
    )
    competent_authority: str
    dialogue_mechanism: str
    institution_role: str
    pcm_classification: str = Field(
        ..., description="La clasificación PCM de la institución que registra (vacía si no tiene)."
    )
    classifications: list[ClassificationOut] = Field(
        ..., description="La clasificación PCM de cada institución que clasificó el caso."
    )
    description: str | None
    demands: str | None
    causes: str | None
    triggers: str | None
    legislation: str | None
    investment: str | None
    investment_amount: Decimal | None
    strategies: str | None
    next_steps: str | None
    latitude: float | None
    longitude: float | None
    confidential_fields: list[str] = Field(
        ..., description="Campos confidenciales; para otras instituciones su valor es null."
    )
    places: list[PlaceOut]
    sectors: list[CategoryRef]
    actors: list[CaseActorOut]
    approved_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    transitions: list[TransitionOut] = Field(
        ..., description="Cambios de estado, del más antiguo al más reciente, con su motivo."
    )
    permissions: CasePermissionsOut


class VictimOut(Schema):
    uuid: UUID
    outcome: str
    group: str
    full_name: str
    document_number: str
    age: int | None
    sex: str
    notes: str


class EventOut(Schema):
    uuid: UUID
    case: UUID | None = Field(None, description="Vacío si el evento no pertenece a un caso.")
    institution: str
    event_date: dt.date
    end_date: dt.date | None = Field(None, description=END_DATE_DOC)
    date_precision: int
    event_type: str
    sub_event_type: str
    protest_form: str
    actor1: str
    assoc_actor_1: str
    inter1: int
    actor2: str
    assoc_actor_2: str
    inter2: int | None
    ubigeo: str
    ubigeo_name: str
    location: str
    latitude: float | None
    longitude: float | None
    geo_precision: int
    sources: str | None = Field(..., description="Solo para la institución que lo registró.")
    source_scale: str | None = Field(..., description="Solo para la institución que lo registró.")
    reported_by: str | None = Field(..., description="Solo para la institución que lo registró.")
    notes: str | None = Field(..., description="Solo para la institución que lo registró.")
    fatalities: int
    injured: int
    victims: list[VictimOut] | None = Field(
        ..., description="Datos personales: solo analistas de la institución del evento."
    )
    created_at: dt.datetime

    @staticmethod
    def resolve_case(obj: Event) -> UUID | None:
        return obj.case.uuid if obj.case is not None else None

    @staticmethod
    def resolve_institution(obj: Event) -> str:
        return obj.institution.slug

    @staticmethod
    def resolve_ubigeo(obj: Event) -> str:
        return obj.ubigeo.code

    @staticmethod
    def resolve_ubigeo_name(obj: Event) -> str:
        return obj.ubigeo.name

    # The private fields go through the one redaction rule (access.redact_event).
    @staticmethod
    def resolve_sources(obj: Event, context: dict[str, Any]) -> str | None:
        return redact_event(context_user(context), obj).sources

    @staticmethod
    def resolve_source_scale(obj: Event, context: dict[str, Any]) -> str | None:
        return redact_event(context_user(context), obj).source_scale

    @staticmethod
    def resolve_reported_by(obj: Event, context: dict[str, Any]) -> str | None:
        return redact_event(context_user(context), obj).reported_by

    @staticmethod
    def resolve_notes(obj: Event, context: dict[str, Any]) -> str | None:
        return redact_event(context_user(context), obj).notes

    @staticmethod
    def resolve_victims(obj: Event, context: dict[str, Any]) -> list[Victim] | None:
        if not sees_victim_identity(context_user(context), obj):
            return None
        return list(obj.victims.all())


class CategoryOut(Schema):
    kind: str
    code: str
    name: str
    parent: str | None
    institution: str | None
    maps_to: str | None


class ChoiceOut(Schema):
    code: str | int
    label: str


class EventTypeChoiceOut(ChoiceOut):
    sub_event_types: list[ChoiceOut]


class ChoicesOut(Schema):
    states: list[ChoiceOut]
    phases: list[ChoiceOut]
    transitions: list[ChoiceOut]
    dialogue_mechanisms: list[ChoiceOut]
    institution_roles: list[ChoiceOut]
    competent_authorities: list[ChoiceOut]
    pcm_classifications: list[ChoiceOut]
    actor_roles: list[ChoiceOut]
    actor_kinds: list[ChoiceOut]
    organisation_types: list[ChoiceOut]
    event_types: list[EventTypeChoiceOut]
    protest_forms: list[ChoiceOut]
    actor_type_codes: list[ChoiceOut]
    date_precisions: list[ChoiceOut]
    geo_precisions: list[ChoiceOut]
    victim_outcomes: list[ChoiceOut]
    victim_groups: list[ChoiceOut]

"""API v1 of the stakeholder map: a case's map as of a date, actors' profiles and the relations
between them. Reads go through ``access`` and ``selectors.stakeholder_map``, writes through
``services``: the same rules as the map page and its GraphML and CSV downloads."""

import datetime as dt
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import AuthenticationError
from ninja.responses import Status

from willaq.accounts.models import User
from willaq.cases import selectors, services
from willaq.cases.access import (
    get_actor_link_for_user,
    get_case_for_user,
    get_relation_for_user,
    redact_relation,
)
from willaq.cases.choices import Attitude, RelationKind
from willaq.cases.models import Actor, Case, CaseActor, StakeholderRelation
from willaq.cases.schemas import InputSchema
from willaq.cases.services.stakeholders import NOTE_MAX_LENGTH
from willaq.core.schemas import OBJECT_READ_ERRORS, OBJECT_WRITE_ERRORS

router = Router(tags=["mapa de actores"])


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise AuthenticationError
    return user


class MapQuery(InputSchema):
    as_of: dt.date | None = Field(None, description="Fecha del mapa (AAAA-MM-DD); hoy si se omite.")


class MapNodeOut(Schema):
    uuid: str = Field(description="Identificador del actor.")
    name: str
    kind: str
    organisation_type: str
    role: str = Field(description="Rol en el caso: primary, secondary, tertiary.")
    conflict_role: str = Field(description="Papel en el conflicto.")
    influence: int | None = Field(description="Influencia (1–5).")
    interest_level: int | None = Field(description="Interés (1–5).")
    attitude: str = Field(description="ally, neutral, opposed o vacío.")
    linked_by: str = Field(description="Institución que vinculó al actor (dueña del perfil).")


class MapEdgeOut(Schema):
    uuid: str = Field(description="Identificador de la relación.")
    source: str = Field(description="Uuid de un actor.")
    target: str = Field(description="Uuid del otro actor.")
    kind: RelationKind
    start_date: dt.date
    end_date: dt.date | None = Field(description="Último día (inclusive); null si sigue.")
    institution: str = Field(description="Institución que registró la relación.")
    note: str | None = Field(
        description="Nota: solo la ve la institución que registró la relación (si no, null)."
    )


class StakeholderMapOut(Schema):
    as_of: dt.date
    nodes: list[MapNodeOut]
    edges: list[MapEdgeOut]


@router.get(
    "/cases/{case_uuid}/stakeholder-map",
    response={200: StakeholderMapOut, **OBJECT_READ_ERRORS},
    summary="Mapa de actores de un caso en una fecha",
)
def stakeholder_map(
    request: HttpRequest, case_uuid: UUID, query: Query[MapQuery]
) -> selectors.StakeholderMap:
    """Nodes: the actors linked to the case on `as_of`, with their profile as it stood then.
    Edges: the relations in force that day. A relation's note only for its own institution."""
    user = _user(request)
    case = get_case_for_user(user, case_uuid)
    return selectors.stakeholder_map(user, case, query.as_of or timezone.localdate())


class ProfileIn(InputSchema):
    conflict_role: str = Field("", max_length=250, description="Papel en el conflicto.")
    interests: str = Field("", max_length=5000)
    position: str = Field("", max_length=5000, description="Demandas y posición.")
    influence: int | None = Field(None, ge=1, le=5)
    interest_level: int | None = Field(None, ge=1, le=5)
    attitude: Attitude | None = None
    effective_date: dt.date | None = Field(
        None, description="Cuándo tomó efecto el cambio, si se registra tarde."
    )


class ProfileOut(Schema):
    actor: str
    conflict_role: str
    interests: str
    position: str
    influence: int | None
    interest_level: int | None
    attitude: str


def _profile_out(link: CaseActor) -> dict[str, object]:
    return {
        "actor": str(link.actor.uuid),
        "conflict_role": link.conflict_role,
        "interests": link.interests,
        "position": link.position,
        "influence": link.influence,
        "interest_level": link.interest_level,
        "attitude": link.attitude,
    }


@router.put(
    "/cases/{case_uuid}/actors/{actor_uuid}/profile",
    response={200: ProfileOut, **OBJECT_WRITE_ERRORS},
    summary="Perfil de un actor en el mapa del caso",
)
def put_profile(
    request: HttpRequest, case_uuid: UUID, actor_uuid: UUID, payload: ProfileIn
) -> dict[str, object]:
    """Only the institution that linked the actor (else 403)."""
    user = _user(request)
    link = get_actor_link_for_user(user, case_uuid, actor_uuid)
    link = services.update_stakeholder_profile(
        user=user,
        link=link,
        profile=services.ProfileInput(
            conflict_role=payload.conflict_role,
            interests=payload.interests,
            position=payload.position,
            influence=payload.influence,
            interest_level=payload.interest_level,
            attitude=payload.attitude.value if payload.attitude else "",
        ),
        at=services.effective_moment(payload.effective_date),
    )
    return _profile_out(link)


class RelationIn(InputSchema):
    source: UUID = Field(description="Uuid de un actor vinculado al caso.")
    target: UUID = Field(description="Uuid de otro actor vinculado al caso.")
    kind: RelationKind
    start_date: dt.date
    end_date: dt.date | None = Field(None, description="Último día (inclusive).")
    note: str = Field("", max_length=NOTE_MAX_LENGTH)


class RelationChangeIn(InputSchema):
    kind: RelationKind
    on: dt.date = Field(description="Primer día del nuevo tipo.")
    note: str | None = Field(None, max_length=NOTE_MAX_LENGTH)


class RelationEndIn(InputSchema):
    end_date: dt.date = Field(description="Último día de la relación (inclusive).")


class RelationOut(Schema):
    uuid: UUID
    source: str
    target: str
    kind: RelationKind
    start_date: dt.date
    end_date: dt.date | None
    institution: str
    note: str | None
    previous: str | None


def _relation_out(user: User, relation: StakeholderRelation) -> dict[str, object]:
    shown = redact_relation(user, relation)
    return {
        "uuid": relation.uuid,
        "source": str(relation.source.uuid),
        "target": str(relation.target.uuid),
        "kind": relation.kind,
        "start_date": relation.start_date,
        "end_date": relation.end_date,
        "institution": relation.institution.acronym or relation.institution.name,
        "note": shown.note,
        "previous": str(relation.previous.uuid) if relation.previous else None,
    }


def _case_actor(case: Case, actor_uuid: UUID) -> Actor | None:
    """An actor linked to the case (None otherwise: the service says so by field)."""
    link = CaseActor.objects.select_related("actor").filter(case=case, actor__uuid=actor_uuid)
    found = link.first()
    return found.actor if found else None


@router.post(
    "/cases/{case_uuid}/relations",
    response={201: RelationOut, **OBJECT_WRITE_ERRORS},
    summary="Registrar una relación entre dos actores del caso",
)
def create_relation(
    request: HttpRequest, case_uuid: UUID, payload: RelationIn
) -> Status[dict[str, object]]:
    """The relation belongs to the user's institution. An actor not linked to the case, an
    actor with itself, an end before the start: 422 by field."""
    user = _user(request)
    case = get_case_for_user(user, case_uuid)
    source = _case_actor(case, payload.source)
    target = _case_actor(case, payload.target)
    errors = {}
    if source is None:
        errors["source"] = _("Ese actor no está vinculado a este caso.")
    if target is None:
        errors["target"] = _("Ese actor no está vinculado a este caso.")
    if errors:
        # Who may not record relations here hears 403 first, as from the service.
        services.acting_institution(user, case)
        raise ValidationError(errors)
    relation = services.record_relation(
        user=user,
        case=case,
        data=services.RelationInput(
            source=source,
            target=target,
            kind=payload.kind.value,
            start_date=payload.start_date,
            end_date=payload.end_date,
            note=payload.note,
        ),
    )
    return Status(201, _relation_out(user, relation))


@router.post(
    "/cases/{case_uuid}/relations/{relation_uuid}/change",
    response={201: RelationOut, **OBJECT_WRITE_ERRORS},
    summary="Cambiar el tipo de una relación desde una fecha",
)
def change_relation(
    request: HttpRequest, case_uuid: UUID, relation_uuid: UUID, payload: RelationChangeIn
) -> Status[dict[str, object]]:
    """The relation ends the day before `on` and a new one of the new kind starts that day
    (answered). Only the institution that recorded it (else 403)."""
    user = _user(request)
    relation = get_relation_for_user(user, case_uuid, relation_uuid)
    successor = services.change_relation_kind(
        user=user, relation=relation, kind=payload.kind.value, on=payload.on, note=payload.note
    )
    return Status(201, _relation_out(user, successor))


@router.post(
    "/cases/{case_uuid}/relations/{relation_uuid}/end",
    response={200: RelationOut, **OBJECT_WRITE_ERRORS},
    summary="Terminar una relación",
)
def end_relation(
    request: HttpRequest, case_uuid: UUID, relation_uuid: UUID, payload: RelationEndIn
) -> dict[str, object]:
    """Only the institution that recorded it (else 403)."""
    user = _user(request)
    relation = get_relation_for_user(user, case_uuid, relation_uuid)
    relation = services.end_relation(user=user, relation=relation, end_date=payload.end_date)
    return _relation_out(user, relation)


@router.delete(
    "/cases/{case_uuid}/relations/{relation_uuid}",
    response={204: None, **OBJECT_WRITE_ERRORS},
    summary="Eliminar una relación registrada por error",
)
def delete_relation(request: HttpRequest, case_uuid: UUID, relation_uuid: UUID) -> Status[None]:
    """Only the institution that recorded it (else 403); the history keeps it."""
    user = _user(request)
    relation = get_relation_for_user(user, case_uuid, relation_uuid)
    services.remove_relation(user=user, relation=relation)
    return Status(204, None)

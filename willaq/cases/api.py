"""API v1 of the case registry: cases, events, actors and reference data.

Every read is scoped by willaq.cases.access and every write goes through willaq.cases.services,
so the API and the HTML views apply one rule. Errors are answered by the handlers registered in
config/api.py (422 with field messages, 403, 404), all documented per operation.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum, StrEnum
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router
from ninja.errors import AuthenticationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from willaq.accounts.access import (
    EDITOR_ROLES,
    AnyUser,
    institution_ids,
    institutions_with_role,
)
from willaq.accounts.models import Institution, User
from willaq.cases import selectors, services
from willaq.cases.access import (
    CaseAccess,
    can_view_case,
    external_ids,
    find_case_for_user,
    get_actor_for_user,
    get_actor_link_for_user,
    get_case_for_user,
    get_event_for_user,
    get_record_for_user,
    hidden_case_fields,
    merged_cases,
    usable_categories,
    visible_actors,
    visible_cases,
)
from willaq.cases.api_stakeholders import router as stakeholders_router
from willaq.cases.choices import (
    CONFIDENTIAL_CAPABLE_FIELDS,
    SUB_EVENT_PARENT,
    ActorKind,
    ActorRole,
    ActorTypeCode,
    CaseState,
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
    SubEventType,
    VictimGroup,
    VictimOutcome,
)
from willaq.cases.models import Actor, Case, CaseActor, CasePlace, Event
from willaq.cases.schemas import (
    ActorFilters,
    ActorIn,
    ActorOut,
    CaseActorIn,
    CaseActorOut,
    CaseActorPatchIn,
    CaseCreateIn,
    CaseFieldsIn,
    CaseFilters,
    CaseListOut,
    CaseOut,
    CasePatchIn,
    CategoryFilters,
    CategoryOut,
    ChoicesOut,
    ClassificationIn,
    EventFilters,
    EventIn,
    EventOut,
    EventPatchIn,
    ExternalIdIn,
    InputSchema,
    MergeIn,
    PhaseIn,
    PlaceIn,
    TransitionIn,
    VictimIn,
)
from willaq.core.schemas import (
    OBJECT_READ_ERRORS,
    OBJECT_WRITE_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
)

router = Router()
# The stakeholder map's operations live beside this module (willaq.cases.api_stakeholders).
router.add_router("/", stakeholders_router)


class PageParams(LimitOffsetPagination.Input):
    limit: int = Field(50, ge=1, le=200, description="Elementos por página (máx. 200).")
    offset: int = Field(0, ge=0, le=1_000_000_000, description="Elementos que se saltan.")


class Pagination(LimitOffsetPagination):
    """limit/offset pagination with bounds a database can hold."""

    Input = PageParams


class BoundedPagination(Pagination):
    """The same, for lists of millions of rows (events): ``count`` stops at 10,000 (as the
    pages' lists do); a client walks further pages with ``offset`` until a page is short."""

    def _items_count(self, queryset: Any) -> int:
        return int(queryset.order_by()[: selectors.COUNT_LIMIT].count())

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        """The page's rows by a deferred join, as the pages' lists: first the page's ids (from
        the sort's index, however deep the offset), then those rows with their related rows."""
        offset, limit = pagination.offset, min(pagination.limit, self.max_limit)
        ids = list(queryset.values_list("pk", flat=True)[offset : offset + limit])
        return {"items": queryset.filter(pk__in=ids), "count": self._items_count(queryset)}


# --- helpers ------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    """The authenticated user (the API authenticates every operation before calling it)."""
    user = request.user
    if not isinstance(user, User):
        raise AuthenticationError
    return user


def _institution(slug: str, field: str = "institution") -> Institution:
    institution = Institution.objects.filter(slug=slug, is_active=True).first()
    if institution is None:
        raise ValidationError({field: _("Institución desconocida: «%(slug)s».") % {"slug": slug}})
    return institution


# Services name a few fields after the model; the API reports them under the body's names.
_CASE_FIELD_NAMES = {"sector": "sectors"}
_EVENT_FIELD_NAMES = {"ubigeo_code": "ubigeo"}
# Body fields that are not columns of the event: the services take them apart.
_EVENT_NOT_DATA = {"institution", "ubigeo", "effective_date", "case"}


@contextmanager
def _body_field_names(renames: dict[str, str]) -> Iterator[None]:
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {renames.get(field, field): errors for field, errors in exc.error_dict.items()}
        ) from exc


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _case_data(payload: CaseFieldsIn, exclude: set[str]) -> dict[str, Any]:
    """The fields the client sent, in the shape services.create_case/update_case expect."""
    data: dict[str, Any] = {}
    exclude = exclude | {"external_ids", "effective_date"}
    for field, value in payload.model_dump(exclude_unset=True, exclude=exclude).items():
        # A null clears the field: services store "" for text, [] for lists; a null scope or
        # precision means "not given" (the places decide; day precision).
        if field in ("scope", "start_date_precision") and value is None:
            continue
        if field == "needs_review" and value is None:
            value = False
        data[field] = _plain(value)
    return data


def _external_ids(items: list[ExternalIdIn] | None) -> list[tuple[str, str]]:
    return [(item.source, item.id) for item in items or []]


def _places(places: list[PlaceIn]) -> list[services.PlaceInput]:
    for place in places:
        if bool(place.ubigeo) == bool(place.grouping):
            raise ValidationError(
                {"places": _("Cada lugar lleva un ubigeo o una agrupación, no ambos ni ninguno.")}
            )
    return [
        services.PlaceInput(
            ubigeo_code=p.ubigeo or "", is_principal=p.principal, grouping_code=p.grouping or ""
        )
        for p in places
    ]


def _effective_at(day: Any) -> Any:
    """The moment of an effective date sent by a client (None: now)."""
    return services.effective_moment(day)


def _case_out(user: AnyUser, case: Case) -> dict[str, Any]:
    """The full case as this user may see it: confidential fields of other institutions → null."""
    prefetch_related_objects(
        [case],
        Prefetch("places", queryset=CasePlace.objects.select_related("ubigeo", "grouping")),
        "sectors",
        Prefetch(
            "case_actors",
            queryset=CaseActor.objects.select_related("actor__institution", "institution").order_by(
                "role", "actor__name"
            ),
        ),
    )
    access = CaseAccess.for_user(user, case)
    out: dict[str, Any] = {
        field: getattr(case, field)
        for field in (
            "uuid",
            "code",
            "name",
            "state",
            "phase",
            "institution",
            "typology",
            "subtype",
            "start_date",
            "start_date_precision",
            "end_date",
            "scope",
            "needs_review",
            "review_note",
            "competent_authority",
            "dialogue_mechanism",
            "institution_role",
            "investment_amount",
            "latitude",
            "longitude",
            "approved_at",
            "created_at",
            "updated_at",
        )
    }
    hidden = hidden_case_fields(user, case)
    for field in CONFIDENTIAL_CAPABLE_FIELDS:
        out[field] = None if field in hidden else getattr(case, field)
    out["confidential_fields"] = sorted(case.confidential_fields or [])
    out["external_ids"] = [
        {"source": e.source, "id": e.external_id} for e in external_ids(user, case)
    ]
    into = case.merged_into
    out["merged_into"] = into.uuid if into is not None and can_view_case(user, into) else None
    out["merged_cases"] = list(merged_cases(user, case).values_list("uuid", flat=True))
    out["places"] = list(case.places.all())
    out["sectors"] = list(case.sectors.all())
    classifications = list(case.classifications.select_related("institution"))
    out["classifications"] = [
        {
            "institution": row.institution.slug,
            "classification": row.classification,
            "note": row.note,
        }
        for row in classifications
    ]
    out["pcm_classification"] = next(
        (r.classification for r in classifications if r.institution_id == case.institution_id), ""
    )
    out["actors"] = list(case.case_actors.all())
    out["transitions"] = [
        {
            "kind": t.kind,
            "from_state": t.from_state,
            "to_state": t.to_state,
            "reason": t.reason,
            "occurred_at": t.occurred_at,
            "recorded_at": t.recorded_at,
            "by": str(t.by) if t.by else None,
        }
        for t in selectors.case_transitions(case)
    ]
    out["permissions"] = {
        "can_edit": access.can_edit,
        "can_approve": access.can_approve,
        "can_add_records": access.can_add_records,
        "sees_confidential": access.sees_confidential,
        "transitions": services.allowed_transitions(user, case),
    }
    return out


def _event_queryset() -> QuerySet[Event]:
    return Event.objects.select_related("case", "institution", "ubigeo").prefetch_related("victims")


def _choices(choices: Any) -> list[dict[str, Any]]:
    return [{"code": value, "label": str(label)} for value, label in choices.choices]


# --- cases --------------------------------------------------------------------------------------


@router.get(
    "/cases",
    response={200: list[CaseListOut], **READ_ERRORS},
    tags=["casos"],
    summary="Lista de casos visibles",
)
@paginate(Pagination)
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> QuerySet[Case]:
    """Cases of the shared registry, plus the drafts and proposals of the user's institutions.

    The same filters and search as the case list page (``selectors.filter_cases``)."""
    data = filters.model_dump(exclude_none=True)
    return selectors.filter_cases(_user(request), selectors.CaseFilters.from_data(data))


@router.get(
    "/cases/{case_uuid}",
    response={200: CaseOut, **OBJECT_READ_ERRORS},
    tags=["casos"],
    summary="Detalle de un caso",
)
def get_case(request: HttpRequest, case_uuid: UUID) -> dict[str, Any]:
    user = _user(request)
    return _case_out(user, get_case_for_user(user, case_uuid))


@router.post(
    "/cases",
    response={201: CaseOut, **WRITE_ERRORS},
    tags=["casos"],
    summary="Registrar un caso (borrador)",
)
def create_case(request: HttpRequest, payload: CaseCreateIn) -> Status[dict[str, Any]]:
    user = _user(request)
    institution = _institution(payload.institution)
    with _body_field_names(_CASE_FIELD_NAMES):
        case = services.create_case(
            user=user,
            institution=institution,
            data=_case_data(payload, exclude={"institution", "places"}),
            places=_places(payload.places),
            external_ids=_external_ids(payload.external_ids),
        )
    return Status(201, _case_out(user, case))


@router.patch(
    "/cases/{case_uuid}",
    response={200: CaseOut, **OBJECT_WRITE_ERRORS},
    tags=["casos"],
    summary="Modificar los datos de un caso",
)
def update_case(request: HttpRequest, case_uuid: UUID, payload: CasePatchIn) -> dict[str, Any]:
    """Only the fields sent change; `places`, when sent, replaces every place; `external_ids`
    are added. With `effective_date` the change took effect that day: the month-end figures
    from then on show it, the history says when it was recorded."""
    user = _user(request)
    case = get_case_for_user(user, case_uuid)
    places = _places(payload.places) if payload.places is not None else None
    with _body_field_names(_CASE_FIELD_NAMES):
        case = services.update_case(
            user=user,
            case=case,
            data=_case_data(payload, exclude={"places"}),
            places=places,
            external_ids=_external_ids(payload.external_ids) if payload.external_ids else None,
            at=_effective_at(payload.effective_date),
        )
    return _case_out(user, case)


@router.post(
    "/cases/{case_uuid}/transitions",
    response={200: CaseOut, **OBJECT_WRITE_ERRORS},
    tags=["casos"],
    summary="Cambiar el estado de un caso",
)
def transition_case(request: HttpRequest, case_uuid: UUID, payload: TransitionIn) -> dict[str, Any]:
    """Apply a workflow transition (`permissions.transitions` lists those allowed now)."""
    user = _user(request)
    case = get_case_for_user(user, case_uuid)
    case = services.transition_case(
        user=user,
        case=case,
        name=payload.transition,
        reason=payload.reason,
        phase=_plain(payload.phase),
        dialogue_mechanism=_plain(payload.dialogue_mechanism) or "",
        institution_role=_plain(payload.institution_role) or "",
        at=_effective_at(payload.effective_date),
        base_url=request.build_absolute_uri("/"),
    )
    return _case_out(user, case)


@router.post(
    "/cases/{case_uuid}/phase",
    response={200: CaseOut, **OBJECT_WRITE_ERRORS},
    tags=["casos"],
    summary="Cambiar la fase de un caso activo",
)
def change_phase(request: HttpRequest, case_uuid: UUID, payload: PhaseIn) -> dict[str, Any]:
    user = _user(request)
    case = get_case_for_user(user, case_uuid)
    case = services.change_phase(
        user=user,
        case=case,
        phase=_plain(payload.phase),
        dialogue_mechanism=_plain(payload.dialogue_mechanism) or "",
        institution_role=_plain(payload.institution_role) or "",
        at=_effective_at(payload.effective_date),
    )
    return _case_out(user, case)


@router.post(
    "/cases/{case_uuid}/merge",
    response={200: CaseOut, **OBJECT_WRITE_ERRORS},
    tags=["casos"],
    summary="Fusionar un caso en otro",
)
def merge_case(request: HttpRequest, case_uuid: UUID, payload: MergeIn) -> dict[str, Any]:
    """The case is absorbed into `into` (state `merged`, linked to it); nothing moves. Only a
    coordinator of the case's institution; both cases approved; not into itself nor into a
    merged case (422 with the reason in `into` or `transition`)."""
    user = _user(request)
    case = get_case_for_user(user, case_uuid)
    into = find_case_for_user(user, str(payload.into))
    if into is None:
        raise ValidationError({"into": _("Caso de destino desconocido.")})
    case = services.merge_case(
        user=user,
        case=case,
        into=into,
        reason=payload.reason,
        at=_effective_at(payload.effective_date),
    )
    return _case_out(user, case)


@router.post(
    "/cases/{case_uuid}/external-ids",
    response={201: CaseOut, **OBJECT_WRITE_ERRORS},
    tags=["casos"],
    summary="Añadir un identificador externo a un caso",
)
def add_external_id(
    request: HttpRequest, case_uuid: UUID, payload: ExternalIdIn
) -> Status[dict[str, Any]]:
    """Unique per source: an identifier another case holds is refused (422 `external_ids`)."""
    user = _user(request)
    case = get_case_for_user(user, case_uuid)
    services.add_external_id(user=user, case=case, source=payload.source, external_id=payload.id)
    return Status(201, _case_out(user, case))


@router.delete(
    "/cases/{case_uuid}/external-ids/{source}/{external_id}",
    response={200: CaseOut, **OBJECT_WRITE_ERRORS},
    tags=["casos"],
    summary="Quitar un identificador externo de un caso",
)
def remove_external_id(
    request: HttpRequest, case_uuid: UUID, source: str, external_id: str
) -> dict[str, Any]:
    user = _user(request)
    case = get_case_for_user(user, case_uuid)
    services.remove_external_id(user=user, case=case, source=source, external_id=external_id)
    return _case_out(user, case)


@router.put(
    "/cases/{case_uuid}/classifications/{institution}",
    response={200: CaseOut, **OBJECT_WRITE_ERRORS},
    tags=["casos"],
    summary="Clasificar un caso según la metodología PCM, por una institución",
)
def classify_case(
    request: HttpRequest, case_uuid: UUID, institution: str, payload: ClassificationIn
) -> dict[str, Any]:
    """Each institution owns its classification (diferencia / controversia / conflicto social)
    of any registered case: its analysts and coordinators set it, with an optional effective
    date; nobody changes another institution's. An empty `classification` withdraws it."""
    user = _user(request)
    case = get_case_for_user(user, case_uuid)
    services.classify_case(
        user=user,
        case=case,
        institution=_institution(institution),
        classification=payload.classification,
        note=payload.note,
        at=_effective_at(payload.effective_date),
    )
    return _case_out(user, case)


@router.delete(
    "/cases/{case_uuid}/classifications/{institution}",
    response={200: CaseOut, **OBJECT_WRITE_ERRORS},
    tags=["casos"],
    summary="Retirar la clasificación PCM de una institución",
)
def declassify_case(request: HttpRequest, case_uuid: UUID, institution: str) -> dict[str, Any]:
    user = _user(request)
    case = get_case_for_user(user, case_uuid)
    services.classify_case(
        user=user, case=case, institution=_institution(institution), classification=""
    )
    return _case_out(user, case)


# --- events -------------------------------------------------------------------------------------


@router.get(
    "/cases/{case_uuid}/events",
    response={200: list[EventOut], **OBJECT_READ_ERRORS},
    tags=["eventos"],
    summary="Eventos de un caso",
)
@paginate(Pagination)
def list_case_events(request: HttpRequest, case_uuid: UUID) -> QuerySet[Event]:
    """Sources and reporter are null for other institutions; victims' identities too."""
    case = get_case_for_user(_user(request), case_uuid)
    return _event_queryset().filter(case=case).order_by("-event_date", "-pk")


def _record_event(request: HttpRequest, case: Case | None, payload: EventIn) -> Status[Event]:
    user = _user(request)
    institution = _institution(payload.institution) if payload.institution else None
    data = {
        field: _plain(value) for field, value in payload.model_dump(exclude=_EVENT_NOT_DATA).items()
    }
    data["ubigeo_code"] = payload.ubigeo
    with _body_field_names(_EVENT_FIELD_NAMES):
        event = services.record_event(
            user=user,
            case=case,
            data=data,
            institution=institution,
            at=services.effective_moment(payload.effective_date),
        )
    return Status(201, _event_queryset().get(pk=event.pk))


@router.post(
    "/cases/{case_uuid}/events",
    response={201: EventOut, **OBJECT_WRITE_ERRORS},
    tags=["eventos"],
    summary="Registrar un evento en un caso",
)
def create_event(request: HttpRequest, case_uuid: UUID, payload: EventIn) -> Status[Event]:
    """`protest_form` only on protest event types (else 422); `end_date` for an action of
    several days; `effective_date` when it is recorded late (by default, the event's date)."""
    return _record_event(request, get_case_for_user(_user(request), case_uuid), payload)


@router.get(
    "/events",
    response={200: list[EventOut], **READ_ERRORS},
    tags=["eventos"],
    summary="Lista de eventos visibles (con y sin caso)",
)
@paginate(BoundedPagination)
def list_events(request: HttpRequest, filters: Query[EventFilters]) -> QuerySet[Event]:
    """The events of the cases the user may see and those recorded without a case, newest
    first, with the same filters as the event list page. `count` stops at 10,000."""
    data = filters.model_dump(exclude_none=True)
    events = selectors.filter_events(_user(request), selectors.EventFilters.from_data(data))
    return events.prefetch_related("victims")


@router.post(
    "/events",
    response={201: EventOut, **WRITE_ERRORS},
    tags=["eventos"],
    summary="Registrar un evento sin caso (para un lugar)",
)
def create_caseless_event(request: HttpRequest, payload: EventIn) -> Status[Event]:
    """An event no case covers yet (it counts in the month's protest actions): it belongs to
    `institution`, by default the user's first institution where they record events. Link it
    to a case later with PATCH (`case`)."""
    return _record_event(request, None, payload)


@router.patch(
    "/events/{event_uuid}",
    response={200: EventOut, **OBJECT_WRITE_ERRORS},
    tags=["eventos"],
    summary="Modificar un evento (o vincularlo a un caso)",
)
def update_event(request: HttpRequest, event_uuid: UUID, payload: EventPatchIn) -> Event:
    """Only the fields sent change. Its institution's editors and its author (else 403).
    `case` links the event to a case the user may add events to (422 otherwise), `null`
    leaves it without a case."""
    user = _user(request)
    event = get_event_for_user(user, event_uuid)
    sent = payload.model_dump(exclude_unset=True)
    data = {f: _plain(v) for f, v in sent.items() if f not in _EVENT_NOT_DATA}
    for field in ("assoc_actor_1", "actor2", "assoc_actor_2", "location", "sources"):
        if field in data and data[field] is None:
            data[field] = ""
    for field in ("source_scale", "reported_by", "notes", "protest_form"):
        if field in data and data[field] is None:
            data[field] = ""
    if sent.get("ubigeo"):
        data["ubigeo_code"] = sent["ubigeo"]
    link: Any = services.KEEP_CASE
    if "case" in sent:
        link = None
        if sent["case"] is not None:
            link = visible_cases(user).filter(uuid=sent["case"]).first()
            if link is None:
                raise ValidationError({"case": _("Caso desconocido.")})
    with _body_field_names(_EVENT_FIELD_NAMES):
        event = services.update_event(
            user=user,
            event=event,
            data=data,
            case=link,
            at=services.effective_moment(payload.effective_date),
        )
    return _event_queryset().get(pk=event.pk)


@router.get(
    "/events/{event_uuid}",
    response={200: EventOut, **OBJECT_READ_ERRORS},
    tags=["eventos"],
    summary="Detalle de un evento",
)
def get_event(request: HttpRequest, event_uuid: UUID) -> Event:
    event = get_event_for_user(_user(request), event_uuid)
    return _event_queryset().get(pk=event.pk)


@router.post(
    "/events/{event_uuid}/victims",
    response={201: EventOut, **OBJECT_WRITE_ERRORS},
    tags=["eventos"],
    summary="Registrar una víctima de un evento",
)
def create_victim(request: HttpRequest, event_uuid: UUID, payload: VictimIn) -> Status[Event]:
    """Only the event's institution records its victims; `outcome` and `group` are required
    (there is no default). Answers the event with its recounted victims."""
    user = _user(request)
    event = get_event_for_user(user, event_uuid)
    data = {
        field: _plain(value)
        for field, value in payload.model_dump(exclude={"effective_date"}).items()
    }
    services.record_victim(
        user=user, event=event, data=data, at=services.effective_moment(payload.effective_date)
    )
    return Status(201, _event_queryset().get(pk=event.pk))


# --- corrections: remove (soft) and restore records -------------------------------------------


class RemovalIn(InputSchema):
    reason: str = Field(..., min_length=1, description="Motivo de la eliminación (obligatorio).")


def _remove(request: HttpRequest, kind: str, record_uuid: UUID, reason: str) -> Status[None]:
    user = _user(request)
    item, _case = get_record_for_user(user, kind, record_uuid)
    services.remove_record(user=user, item=item, reason=reason)
    return Status(204, None)


def _restore(request: HttpRequest, kind: str, record_uuid: UUID) -> Status[None]:
    user = _user(request)
    item, _case = get_record_for_user(user, kind, record_uuid, removed=True)
    services.restore_record(user=user, item=item)
    return Status(204, None)


_REMOVE_DOC = (
    "Eliminación reversible: deja de aparecer en la API, las páginas y los conteos, se conserva "
    "con su historial y un coordinador de su institución puede restaurarla. Solo la institución "
    "que lo registró elimina (403); el motivo es obligatorio (422)."
)


@router.delete(
    "/events/{event_uuid}",
    response={204: None, **OBJECT_WRITE_ERRORS},
    tags=["correcciones"],
    summary="Eliminar un evento (y sacar sus víctimas de los conteos)",
    description=_REMOVE_DOC,
)
def remove_event(request: HttpRequest, event_uuid: UUID, payload: RemovalIn) -> Status[None]:
    return _remove(request, "eventos", event_uuid, payload.reason)


@router.delete(
    "/victims/{victim_uuid}",
    response={204: None, **OBJECT_WRITE_ERRORS},
    tags=["correcciones"],
    summary="Eliminar una víctima (recuenta su evento)",
    description=_REMOVE_DOC,
)
def remove_victim(request: HttpRequest, victim_uuid: UUID, payload: RemovalIn) -> Status[None]:
    return _remove(request, "victimas", victim_uuid, payload.reason)


@router.delete(
    "/news/{news_uuid}",
    response={204: None, **OBJECT_WRITE_ERRORS},
    tags=["correcciones"],
    summary="Eliminar una noticia",
    description=_REMOVE_DOC,
)
def remove_news(request: HttpRequest, news_uuid: UUID, payload: RemovalIn) -> Status[None]:
    return _remove(request, "noticias", news_uuid, payload.reason)


@router.delete(
    "/evidence/{evidence_uuid}",
    response={204: None, **OBJECT_WRITE_ERRORS},
    tags=["correcciones"],
    summary="Eliminar una evidencia (el archivo se conserva)",
    description=_REMOVE_DOC,
)
def remove_evidence(request: HttpRequest, evidence_uuid: UUID, payload: RemovalIn) -> Status[None]:
    return _remove(request, "evidencias", evidence_uuid, payload.reason)


class RecordKind(StrEnum):
    eventos = "eventos"
    victimas = "victimas"
    noticias = "noticias"
    evidencias = "evidencias"


@router.post(
    "/removed/{kind}/{record_uuid}/restore",
    response={204: None, **OBJECT_WRITE_ERRORS},
    tags=["correcciones"],
    summary="Restaurar un registro eliminado",
    description="Solo los coordinadores de la institución que lo registró (403).",
)
def restore_record(request: HttpRequest, kind: RecordKind, record_uuid: UUID) -> Status[None]:
    return _restore(request, kind.value, record_uuid)


# --- actors -------------------------------------------------------------------------------------


@router.get(
    "/actors",
    response={200: list[ActorOut], **READ_ERRORS},
    tags=["actores"],
    summary="Lista de actores",
)
@paginate(Pagination)
def list_actors(request: HttpRequest, filters: Query[ActorFilters]) -> QuerySet[Actor]:
    """Actors registered by the user's institutions or linked to a case the user may see."""
    actors = visible_actors(_user(request))
    if filters.q:
        actors = actors.filter(name__icontains=filters.q)
    if filters.kind:
        actors = actors.filter(kind=filters.kind)
    if filters.organisation_type:
        actors = actors.filter(organisation_type=filters.organisation_type)
    return actors.order_by("name", "pk")


@router.post(
    "/actors",
    response={201: ActorOut, **WRITE_ERRORS},
    tags=["actores"],
    summary="Registrar un actor",
)
def create_actor(request: HttpRequest, payload: ActorIn) -> Status[Actor]:
    """The actor belongs to `institution`, or by default to the user's first institution."""
    user = _user(request)
    if payload.institution:
        institution = _institution(payload.institution)
    else:
        institution_or_none = institutions_with_role(user, EDITOR_ROLES).order_by("pk").first()
        if institution_or_none is None:
            raise PermissionDenied(_("No puede registrar actores para ninguna institución."))
        institution = institution_or_none
    data = {
        field: _plain(value) for field, value in payload.model_dump(exclude={"institution"}).items()
    }
    actor = services.create_actor(user=user, institution=institution, data=data)
    return Status(201, actor)


def _link_out(link: CaseActor) -> CaseActor:
    return CaseActor.objects.select_related("actor__institution", "institution").get(pk=link.pk)


@router.post(
    "/cases/{case_uuid}/actors",
    response={201: CaseActorOut, **OBJECT_WRITE_ERRORS},
    tags=["actores"],
    summary="Vincular un actor a un caso",
)
def link_actor(request: HttpRequest, case_uuid: UUID, payload: CaseActorIn) -> Status[CaseActor]:
    """Links an actor the user may see with a role. An actor already linked to the case is
    refused (422): its link is changed with PATCH, only by the institution that made it."""
    user = _user(request)
    case = get_case_for_user(user, case_uuid)
    actor = visible_actors(user).filter(uuid=payload.actor).first()
    if actor is None:
        raise ValidationError({"actor": _("Actor desconocido.")})
    link = services.link_actor(
        user=user,
        case=case,
        actor=actor,
        role=_plain(payload.role),
        position=payload.position,
        intensity=payload.intensity,
        at=services.effective_moment(payload.effective_date),
    )
    return Status(201, _link_out(link))


@router.patch(
    "/cases/{case_uuid}/actors/{actor_uuid}",
    response={200: CaseActorOut, **OBJECT_WRITE_ERRORS},
    tags=["actores"],
    summary="Modificar el vínculo de un actor con un caso",
)
def update_actor_link(
    request: HttpRequest, case_uuid: UUID, actor_uuid: UUID, payload: CaseActorPatchIn
) -> CaseActor:
    """Role, position and intensity; only the institution that made the link (else 403)."""
    user = _user(request)
    link = get_actor_link_for_user(user, case_uuid, actor_uuid)
    link = services.update_actor_link(
        user=user,
        link=link,
        role=_plain(payload.role),
        position=payload.position,
        intensity=payload.intensity,
        at=services.effective_moment(payload.effective_date),
    )
    return _link_out(link)


@router.delete(
    "/cases/{case_uuid}/actors/{actor_uuid}",
    response={204: None, **OBJECT_WRITE_ERRORS},
    tags=["actores"],
    summary="Quitar un actor de un caso",
)
def unlink_actor(request: HttpRequest, case_uuid: UUID, actor_uuid: UUID) -> Status[None]:
    """Only the institution that made the link (else 403); the actor stays in the registry."""
    user = _user(request)
    services.unlink_actor(user=user, link=get_actor_link_for_user(user, case_uuid, actor_uuid))
    return Status(204, None)


@router.get(
    "/actors/{actor_uuid}",
    response={200: ActorOut, **OBJECT_READ_ERRORS},
    tags=["actores"],
    summary="Detalle de un actor",
)
def get_actor(request: HttpRequest, actor_uuid: UUID) -> Actor:
    return get_actor_for_user(_user(request), actor_uuid)


# --- reference data ----------------------------------------------------------------------------


@router.get(
    "/reference/categories",
    response={200: list[CategoryOut], **READ_ERRORS},
    tags=["referencia"],
    summary="Categorías: compartidas y las propias de sus instituciones",
)
def list_categories(request: HttpRequest, filters: Query[CategoryFilters]) -> list[dict[str, Any]]:
    user = _user(request)
    categories = (
        usable_categories(None if user.is_superuser else institution_ids(user))
        .filter(is_active=True)
        .select_related("parent", "institution", "maps_to")
    )
    if filters.kind:
        categories = categories.filter(kind=filters.kind)
    return [
        {
            "kind": c.kind,
            "code": c.code,
            "name": c.name,
            "parent": c.parent.code if c.parent else None,
            "institution": c.institution.slug if c.institution else None,
            "maps_to": c.maps_to.code if c.maps_to else None,
        }
        for c in categories.order_by("kind", "institution_id", "sort_order", "name")
    ]


@router.get(
    "/reference/choices",
    response={200: ChoicesOut, **READ_ERRORS},
    tags=["referencia"],
    summary="Vocabularios fijos: código y etiqueta",
)
def list_choices(request: HttpRequest) -> dict[str, Any]:
    """Labels come in the request's language (Spanish by default)."""
    sub_event_labels = dict(SubEventType.choices)
    return {
        "states": _choices(CaseState),
        "phases": _choices(Phase),
        "transitions": [
            {"code": name, "label": services.transition_label(name)}
            for name in services.TRANSITIONS
        ],
        "dialogue_mechanisms": _choices(DialogueMechanism),
        "institution_roles": _choices(InstitutionRole),
        "competent_authorities": _choices(CompetentAuthority),
        "pcm_classifications": _choices(PcmClassification),
        "actor_roles": _choices(ActorRole),
        "actor_kinds": _choices(ActorKind),
        "organisation_types": _choices(OrganisationType),
        "event_types": [
            {
                "code": value,
                "label": str(label),
                "sub_event_types": [
                    {"code": _plain(sub), "label": str(sub_event_labels[sub])}
                    for sub, parent in SUB_EVENT_PARENT.items()
                    if parent == value
                ],
            }
            for value, label in EventType.choices
        ],
        "protest_forms": _choices(ProtestForm),
        "actor_type_codes": _choices(ActorTypeCode),
        "date_precisions": _choices(DatePrecision),
        "geo_precisions": _choices(GeoPrecision),
        "victim_outcomes": _choices(VictimOutcome),
        "victim_groups": _choices(VictimGroup),
    }

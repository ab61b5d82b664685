"""``GET /api/v1/dialogue/spaces``, ``…/sessions``, ``…/actas`` and each one by uuid: read with
the pages' rule (``willaq.dialogue.access``), confidential fields ``null`` outside the space."""

import datetime as dt
from uuid import UUID

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import paginate

from willaq.accounts.models import User
from willaq.cases.access import visible_cases
from willaq.cases.models import Case
from willaq.core.schemas import OBJECT_READ_ERRORS, READ_ERRORS
from willaq.dialogue import access
from willaq.dialogue.api_common import (
    RedactedPagination,
    case_by_uuid,
    department_code,
    institution_by_slug,
    redact,
    space_by_uuid,
    user_of,
)
from willaq.dialogue.models import Acta, DialogueSession, DialogueSpace, Participant
from willaq.dialogue.schemas import (
    ActaFilters,
    ActaOut,
    SessionFilters,
    SessionOut,
    SpaceFilters,
    SpaceOut,
)

router = Router(tags=["diálogo"])


# --- spaces -------------------------------------------------------------------------------------


def spaces_for_output(user: User, spaces: QuerySet[DialogueSpace]) -> QuerySet[DialogueSpace]:
    """Everything a page of spaces shows, in a fixed number of queries."""
    return access.with_insider_flag(
        spaces.select_related("institution", "parent", "place"), user, "pk"
    ).prefetch_related(
        Prefetch("cases", Case.objects.filter(pk__in=visible_cases(user).values("pk"))),
        Prefetch("participants", Participant.objects.select_related("institution", "actor")),
    )


@router.get(
    "/dialogue/spaces",
    response={200: list[SpaceOut], **READ_ERRORS},
    summary="Lista de espacios de diálogo",
)
@paginate(RedactedPagination)
def list_spaces(request: HttpRequest, filters: Query[SpaceFilters]) -> QuerySet[DialogueSpace]:
    """Every space the user may read (members of any institution read them all), newest
    first. A filter naming an unknown institution, department or case answers 422."""
    user = user_of(request)
    spaces = access.visible_spaces(user)
    if filters.kind:
        spaces = spaces.filter(kind=filters.kind)
    if filters.state:
        spaces = spaces.filter(state=filters.state)
    if filters.institution:
        spaces = spaces.filter(institution=institution_by_slug(filters.institution))
    if filters.department:
        spaces = spaces.filter(place__department_code=department_code(filters.department))
    if filters.case:
        case = case_by_uuid(user, filters.case)
        spaces = spaces.filter(pk__in=DialogueSpace.objects.filter(cases=case).values("pk"))
    return spaces_for_output(user, spaces).order_by("-start_date", "-id")


@router.get(
    "/dialogue/spaces/{space_uuid}",
    response={200: SpaceOut, **OBJECT_READ_ERRORS},
    summary="Un espacio de diálogo",
)
def get_space(request: HttpRequest, space_uuid: UUID) -> DialogueSpace:
    user = user_of(request)
    space = access.get_space_for_user(user, space_uuid)
    found = spaces_for_output(user, DialogueSpace.objects.filter(pk=space.pk)).get()
    return redact(found)


# --- sessions -----------------------------------------------------------------------------------


def _sessions_for_output(
    user: User, sessions: QuerySet[DialogueSession]
) -> QuerySet[DialogueSession]:
    return access.with_insider_flag(sessions.select_related("space", "acta"), user, "space_id")


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in Lima (the installation's zone)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@router.get(
    "/dialogue/sessions",
    response={200: list[SessionOut], **READ_ERRORS},
    summary="Lista de sesiones",
)
@paginate(RedactedPagination)
def list_sessions(
    request: HttpRequest, filters: Query[SessionFilters]
) -> QuerySet[DialogueSession]:
    """The sessions of the spaces the user may read, by date. `from`/`to` are days in Lima's
    time (both included)."""
    user = user_of(request)
    sessions = access.visible_sessions(user)
    if filters.space:
        sessions = sessions.filter(space=space_by_uuid(user, filters.space))
    if filters.starts_from:
        sessions = sessions.filter(starts_at__gte=_day_start(filters.starts_from))
    if filters.starts_to:
        next_day = filters.starts_to + dt.timedelta(days=1)
        sessions = sessions.filter(starts_at__lt=_day_start(next_day))
    return _sessions_for_output(user, sessions).order_by("starts_at", "id")


@router.get(
    "/dialogue/sessions/{session_uuid}",
    response={200: SessionOut, **OBJECT_READ_ERRORS},
    summary="Una sesión",
)
def get_session(request: HttpRequest, session_uuid: UUID) -> DialogueSession:
    user = user_of(request)
    session = access.get_session_for_user(user, session_uuid)
    return redact(_sessions_for_output(user, DialogueSession.objects.filter(pk=session.pk)).get())


# --- actas --------------------------------------------------------------------------------------


def _actas_for_output(user: User, actas: QuerySet[Acta]) -> QuerySet[Acta]:
    return access.with_insider_flag(
        actas.select_related("session__space"), user, "session__space_id"
    ).prefetch_related(
        Prefetch("signatories", Participant.objects.select_related("institution")),
        "commitments",
    )


@router.get(
    "/dialogue/actas",
    response={200: list[ActaOut], **READ_ERRORS},
    summary="Lista de actas",
)
@paginate(RedactedPagination)
def list_actas(request: HttpRequest, filters: Query[ActaFilters]) -> QuerySet[Acta]:
    """The signed actas of the spaces the user may read, newest first."""
    user = user_of(request)
    actas = access.visible_actas(user)
    if filters.space:
        actas = actas.filter(session__space=space_by_uuid(user, filters.space))
    return _actas_for_output(user, actas).order_by("-signed_on", "-id")


@router.get(
    "/dialogue/actas/{acta_uuid}",
    response={200: ActaOut, **OBJECT_READ_ERRORS},
    summary="Un acta",
)
def get_acta(request: HttpRequest, acta_uuid: UUID) -> Acta:
    user = user_of(request)
    acta = access.get_acta_for_user(user, acta_uuid)
    return redact(_actas_for_output(user, Acta.objects.filter(pk=acta.pk)).get())

"""API of deployment orders under /api/v1/orders: the list (filters state, overdue, responsible
institution, department), one order with its clock (``due_at``, ``overdue``), and the response
statistics. Read through willaq.earlywarning.access, like the pages; errors documented with
ErrorOut (config/api.py answers them)."""

import datetime as dt
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import AuthenticationError
from ninja.pagination import paginate

from willaq.accounts.models import User
from willaq.cases.api import Pagination
from willaq.cases.schemas import UBIGEO_PATTERN, InputSchema
from willaq.core.schemas import OBJECT_READ_ERRORS, READ_ERRORS
from willaq.earlywarning import access
from willaq.earlywarning.choices import OrderState
from willaq.earlywarning.clock import ClockState, clock_state, due_at, response_time
from willaq.earlywarning.models import DeploymentOrder
from willaq.earlywarning.selectors import response as selectors

router = Router(tags=["respuesta"])


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise AuthenticationError
    return user


class OrderFiltersIn(InputSchema):
    state: OrderState | None = Field(None, description="Estado de la orden.")
    overdue: bool | None = Field(
        None,
        description="true: vencidas (más de 48 h sin el equipo en el lugar); false: las demás.",
    )
    institution: str | None = Field(
        None, max_length=60, description="Institución responsable (slug)."
    )
    department: str | None = Field(
        None, pattern=UBIGEO_PATTERN, description="Ubigeo del departamento del lugar."
    )


class OrderOut(Schema):
    """One order as the API shows it; the clock is read at the moment of the request."""

    uuid: UUID
    state: OrderState
    ordering_institution: str = Field(description="Institución que ordena (slug).")
    institution: str = Field(description="Institución responsable (slug).")
    team: str
    team_members: list[str] = Field(description="Nombres de los integrantes con cuenta.")
    ubigeo: str
    department: str
    instructions: str
    alert: UUID | None
    case: UUID | None
    ordered_at: dt.datetime
    deployed_at: dt.datetime | None
    on_site_at: dt.datetime | None
    closed_at: dt.datetime | None
    report: str
    due_at: dt.datetime = Field(description="Fin del plazo: la orden más 48 horas.")
    overdue: bool = Field(description="Vencida: pasado el plazo sin el equipo en el lugar.")
    clock: ClockState = Field(description="Estado del plazo en este momento.")
    response_hours: float | None = Field(
        description="Tiempo de respuesta: de la orden al equipo en el lugar (horas)."
    )
    warned_at: dt.datetime | None
    escalated_at: dt.datetime | None

    @staticmethod
    def resolve_ordering_institution(order: DeploymentOrder) -> str:
        return order.ordering_institution.slug

    @staticmethod
    def resolve_institution(order: DeploymentOrder) -> str:
        return order.institution.slug

    @staticmethod
    def resolve_team_members(order: DeploymentOrder) -> list[str]:
        return [m.full_name or m.email for m in order.team_members.all()]

    @staticmethod
    def resolve_ubigeo(order: DeploymentOrder) -> str:
        return order.ubigeo.code

    @staticmethod
    def resolve_department(order: DeploymentOrder) -> str:
        return order.department_code

    @staticmethod
    def resolve_alert(order: DeploymentOrder) -> UUID | None:
        return order.alert.uuid if order.alert else None

    @staticmethod
    def resolve_case(order: DeploymentOrder) -> UUID | None:
        return order.case.uuid if order.case else None

    @staticmethod
    def resolve_due_at(order: DeploymentOrder) -> dt.datetime:
        return due_at(order)

    @staticmethod
    def resolve_overdue(order: DeploymentOrder) -> bool:
        return clock_state(order, timezone.now()) == ClockState.OVERDUE

    @staticmethod
    def resolve_clock(order: DeploymentOrder) -> ClockState:
        return clock_state(order, timezone.now())

    @staticmethod
    def resolve_response_hours(order: DeploymentOrder) -> float | None:
        taken = response_time(order)
        return None if taken is None else round(taken.total_seconds() / 3600, 2)


class StatsFiltersIn(InputSchema):
    since: dt.date | None = Field(None, description="Órdenes desde (AAAA-MM-DD).")
    until: dt.date | None = Field(None, description="Órdenes hasta (AAAA-MM-DD, incluido).")


class FiguresOut(Schema):
    key: str = Field(description="Slug de la institución o ubigeo del departamento.")
    label: str
    orders: int
    responded: int = Field(description="Órdenes con el equipo en el lugar.")
    median_hours: float | None
    p90_hours: float | None = Field(description="Percentil 90 del tiempo de respuesta.")
    share_in_time: float | None = Field(
        description=(
            "De las órdenes con resultado conocido (respondidas o vencidas), la proporción "
            "con el equipo en el lugar dentro del plazo (0–1)."
        )
    )
    open_overdue: int


class StatsOut(Schema):
    since: dt.date | None
    until: dt.date | None
    hours: int = Field(description="El plazo de respuesta, en horas.")
    total: FiguresOut
    by_institution: list[FiguresOut]
    by_department: list[FiguresOut]


# "stats" before "{order_uuid}": the uuid segment would take it.
@router.get(
    "/orders/stats",
    response={200: StatsOut, **READ_ERRORS},
    summary="Estadísticas del tiempo de respuesta",
)
def order_stats(request: HttpRequest, filters: Query[StatsFiltersIn]) -> StatsOut:
    """Per responsible institution and per department: orders, responded, median and 90th
    percentile of the response time (from the order to the team on site, in hours), share on
    site within 48 hours, open overdue orders; over the orders the user may see."""
    stats = selectors.response_stats(_user(request), since=filters.since, until=filters.until)
    return StatsOut.model_validate(stats, from_attributes=True)


@router.get(
    "/orders",
    response={200: list[OrderOut], **READ_ERRORS},
    summary="Lista de órdenes de despliegue visibles",
)
@paginate(Pagination)
def list_orders(request: HttpRequest, filters: Query[OrderFiltersIn]) -> QuerySet[DeploymentOrder]:
    """The orders given by or to the user's institutions, newest first."""
    data = filters.model_dump(exclude_none=True)
    orders = selectors.filter_orders(_user(request), selectors.OrderFilters.from_data(data))
    return orders.select_related("alert", "case").prefetch_related("team_members")


@router.get(
    "/orders/{order_uuid}",
    response={200: OrderOut, **OBJECT_READ_ERRORS},
    summary="Una orden de despliegue con su plazo",
)
def get_order(request: HttpRequest, order_uuid: UUID) -> DeploymentOrder:
    """The order if the user's institution gave or received it (404 otherwise)."""
    return access.get_order_for_user(_user(request), order_uuid)

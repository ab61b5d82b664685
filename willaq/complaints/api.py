"""API v1: ``GET /api/v1/complaints`` (filters, paginated) and ``GET
/api/v1/complaints/{uuid}`` for the staff of the handling institution, with the pages' access
rule (willaq.complaints.access): the complainant's name and contact are null for anyone outside
the handling institution."""

import datetime as dt
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from willaq.accounts.models import User
from willaq.cases.api import Pagination
from willaq.complaints import access, clock
from willaq.complaints.choices import ClockState, ComplaintKind, ComplaintState
from willaq.complaints.models import Complaint
from willaq.complaints.selectors import QueueFilters, queue
from willaq.core.schemas import OBJECT_READ_ERRORS, READ_ERRORS

router = Router(tags=["denuncias"])


class ComplaintFilters(Schema):
    state: ComplaintState | None = Field(None, description="Estado de la denuncia.")
    overdue: bool | None = Field(
        None, description="true: solo las vencidas sin respuesta; false: las demás."
    )
    department: str | None = Field(
        None,
        pattern=r"^[0-9]{2}([0-9]{4})?$",
        description="Departamento: 2 dígitos o un ubigeo de 6 (se usan los 2 primeros).",
    )


class ComplaintOut(Schema):
    uuid: UUID
    tracking_code: str = Field(description="Código de seguimiento (XXXX-XXXX-XX).")
    institution: str = Field(description="Slug de la institución a cargo.")
    received_by: str = Field(description="Slug de la institución que la recibió.")
    state: ComplaintState
    kind: ComplaintKind
    description: str
    ubigeo: str | None
    location: str
    latitude: float | None
    longitude: float | None
    occurred_on: dt.date | None
    received_at: dt.datetime
    due_date: dt.date
    clock: ClockState
    is_anonymous: bool
    complainant_name: str | None = Field(
        description="Nulo fuera de la institución a cargo (o si es anónima: vacío)."
    )
    complainant_contact: str | None = Field(
        description="Nulo fuera de la institución a cargo (o si es anónima: vacío)."
    )
    public_answer: str
    answered_at: dt.datetime | None
    case: UUID | None
    photos: int


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _out(user: User, complaint: Complaint, today: dt.date) -> dict[str, Any]:
    hidden = access.hidden_complaint_fields(user, complaint)
    return {
        "uuid": complaint.uuid,
        "tracking_code": complaint.display_code,
        "institution": complaint.institution.slug,
        "received_by": complaint.received_by.slug,
        "state": complaint.state,
        "kind": complaint.kind,
        "description": complaint.description,
        "ubigeo": complaint.ubigeo.code if complaint.ubigeo else None,
        "location": complaint.location,
        "latitude": complaint.latitude,
        "longitude": complaint.longitude,
        "occurred_on": complaint.occurred_on,
        "received_at": complaint.received_at,
        "due_date": complaint.due_date,
        "clock": clock.clock_state(complaint, today),
        "is_anonymous": complaint.is_anonymous,
        "complainant_name": None if "complainant_name" in hidden else complaint.complainant_name,
        "complainant_contact": (
            None if "complainant_contact" in hidden else complaint.complainant_contact
        ),
        "public_answer": complaint.public_answer,
        "answered_at": complaint.answered_at,
        "case": complaint.case.uuid if complaint.case else None,
        "photos": len(complaint.photos.all()),
    }


def _rows(complaints: QuerySet[Complaint]) -> QuerySet[Complaint]:
    return complaints.select_related(
        "institution", "received_by", "ubigeo", "case"
    ).prefetch_related("photos")


@router.get(
    "/complaints",
    response={200: list[ComplaintOut], **READ_ERRORS},
    summary="Lista de denuncias ambientales visibles",
)
@paginate(Pagination)
def list_complaints(request: HttpRequest, filters: Query[ComplaintFilters]) -> list[dict[str, Any]]:
    """The complaints of the institutions where the user is an editor (and those they routed
    away), earliest due date first. Identity fields are null outside the handling
    institution."""
    user = _user(request)
    today = timezone.localdate()
    rows = queue(
        user,
        QueueFilters(
            state=filters.state.value if filters.state else "",
            department=filters.department or "",
            overdue=filters.overdue,
        ),
        today,
    )
    return _LazyRows(user, _rows(rows), today)  # type: ignore[return-value]


class _LazyRows:
    """The queryset, sliced by the paginator, turned into schema dicts only for the page."""

    def __init__(self, user: User, rows: QuerySet[Complaint], today: dt.date) -> None:
        self.user, self.rows, self.today = user, rows, today

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        return [_out(self.user, c, self.today) for c in self.rows[page]]


@router.get(
    "/complaints/{complaint_uuid}",
    response={200: ComplaintOut, **OBJECT_READ_ERRORS},
    summary="Detalle de una denuncia ambiental",
)
def get_complaint(request: HttpRequest, complaint_uuid: UUID) -> dict[str, Any]:
    user = _user(request)
    complaint = access.get_complaint_for_user(user, complaint_uuid)
    return _out(user, _rows(Complaint.objects.filter(pk=complaint.pk)).get(), timezone.localdate())

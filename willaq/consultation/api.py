"""``GET /api/v1/consultations`` and ``/consultations/{uuid}``: processes under the same access
rule as the pages (``willaq.consultation.access``): members of an institution read every
process; the internal notes only the promoting institution's members (empty for the others);
linked cases are listed only where the caller may see them."""

import datetime as dt
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from willaq.cases.access import visible_cases
from willaq.consultation import access, selectors
from willaq.consultation.choices import Stage
from willaq.consultation.models import ConsultationProcess
from willaq.core.schemas import OBJECT_READ_ERRORS, READ_ERRORS

router = Router(tags=["consulta previa"])

StageLiteral = Literal[
    "measure",
    "peoples",
    "publicity",
    "information",
    "internal_evaluation",
    "dialogue",
    "decision",
]
assert set(StageLiteral.__args__) == set(Stage.values)  # type: ignore[attr-defined]


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=200, description="Elementos por página (máx. 200).")
        offset: int = Field(0, ge=0, le=1_000_000, description="Elementos que se saltan.")


class StageOut(Schema):
    stage: str
    started_on: dt.date
    ended_on: dt.date | None
    attendees: int | None
    documents: int


class AgreementOut(Schema):
    uuid: UUID
    description: str
    responsible: str
    due_date: dt.date | None
    state: str
    overdue: bool
    internal_notes: str = Field(description="Vacío fuera de la entidad promotora.")


class ProcessOut(Schema):
    uuid: UUID
    title: str
    measure_kind: str
    measure_type: str
    institution: str = Field(description="Slug de la entidad promotora.")
    peoples: list[str]
    departments: list[str]
    current_stage: str
    state: str
    cases: list[UUID] = Field(description="Casos vinculados que el cliente puede ver.")
    stages: list[StageOut]
    agreements: list[AgreementOut]
    internal_notes: str = Field(description="Vacío fuera de la entidad promotora.")


class ProcessFilters(Schema):
    stage: StageLiteral | None = None
    department: str = Field("", pattern=r"^([0-9]{6})?$", description="Ubigeo del departamento.")
    people: str = Field("", max_length=60, description="Slug del pueblo.")
    case: UUID | None = None


def _out(request: HttpRequest, process: ConsultationProcess, cases: set[Any]) -> dict[str, Any]:
    hidden = access.hidden_process_fields(request.user, process)
    return {
        "uuid": process.uuid,
        "title": process.title,
        "measure_kind": process.measure_kind,
        "measure_type": process.measure_type,
        "institution": process.institution.slug,
        "peoples": [p.slug for p in process.peoples.all()],
        "departments": process.department_codes.split(),
        "current_stage": process.current_stage,
        "state": process.state,
        "cases": [c.uuid for c in process.cases.all() if c.pk in cases],
        "stages": [
            {
                "stage": s.stage,
                "started_on": s.started_on,
                "ended_on": s.ended_on,
                "attendees": s.attendees,
                "documents": s.documents.count(),
            }
            for s in process.stages.order_by("position")
        ],
        "agreements": [
            {
                "uuid": a.uuid,
                "description": a.description,
                "responsible": a.responsible,
                "due_date": a.due_date,
                "state": a.state,
                "overdue": a.is_overdue(),
                "internal_notes": "" if "internal_notes" in hidden else a.internal_notes,
            }
            for a in process.agreements.order_by("due_date", "created_at")
        ],
        "internal_notes": "" if "internal_notes" in hidden else process.internal_notes,
    }


@router.get(
    "/consultations",
    response={200: list[ProcessOut], **READ_ERRORS},
    summary="Procesos de consulta previa",
)
@paginate(Pagination)
def list_consultations(request: HttpRequest, filters: Query[ProcessFilters]) -> Any:
    processes = selectors.filter_processes(
        access.visible_processes(request.user),
        selectors.ProcessFilters(
            stage=filters.stage or "",
            department=filters.department,
            people=filters.people,
            case=str(filters.case) if filters.case else "",
        ),
    ).prefetch_related("cases")
    rows = list(processes)
    linked = {c.pk for p in rows for c in p.cases.all()}
    cases = set(visible_cases(request.user).filter(pk__in=linked).values_list("pk", flat=True))
    return [_out(request, p, cases) for p in rows]


@router.get(
    "/consultations/{process_uuid}",
    response={200: ProcessOut, **OBJECT_READ_ERRORS},
    summary="Detalle de un proceso de consulta previa",
)
def get_consultation(request: HttpRequest, process_uuid: UUID) -> Any:
    process = access.get_process_for_user(request.user, process_uuid)
    cases = set(access.linked_cases(request.user, process).values_list("pk", flat=True))
    return _out(request, process, cases)

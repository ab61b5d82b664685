"""Reads of consultation processes: filters, the board by stage, a process's pieces."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from willaq.consultation.choices import OPEN_AGREEMENT_STATES, Stage
from willaq.consultation.models import (
    Agreement,
    ConsultationProcess,
    ConsultationStage,
    InterpreterAssignment,
)


@dataclass(frozen=True)
class ProcessFilters:
    stage: str = ""
    department: str = ""  # ubigeo code of a department
    people: str = ""  # People slug
    case: str = ""  # Case uuid
    state: str = ""


def overdue_q(prefix: str = "") -> Q:
    """Open agreements past their due date (``Agreement.is_overdue`` as a condition)."""
    return Q(
        **{
            f"{prefix}state__in": list(OPEN_AGREEMENT_STATES),
            f"{prefix}due_date__lt": timezone.localdate(),
        }
    )


def filter_processes(
    processes: QuerySet[ConsultationProcess], filters: ProcessFilters
) -> QuerySet[ConsultationProcess]:
    if filters.stage:
        processes = processes.filter(current_stage=filters.stage)
    if filters.department:
        processes = processes.filter(department_codes__contains=filters.department)
    if filters.people:
        processes = processes.filter(peoples__slug=filters.people)
    if filters.case:
        processes = processes.filter(cases__uuid=filters.case)
    if filters.state:
        processes = processes.filter(state=filters.state)
    return (
        processes.distinct()
        .select_related("institution")
        .prefetch_related("peoples")
        .annotate(overdue=Count("agreements", filter=overdue_q("agreements__"), distinct=True))
        .order_by("-created_at")
    )


@dataclass(frozen=True)
class BoardColumn:
    stage: str
    label: str
    processes: list[ConsultationProcess]


def board(processes: QuerySet[ConsultationProcess]) -> list[BoardColumn]:
    """One column per stage, in the law's order (processes not started yet first)."""
    rows = list(processes)
    columns = [BoardColumn("", "Sin etapas registradas", [p for p in rows if not p.current_stage])]
    for value, label in Stage.choices:
        columns.append(
            BoardColumn(value, str(label), [p for p in rows if p.current_stage == value])
        )
    return columns


def process_stages(process: ConsultationProcess) -> list[ConsultationStage]:
    return list(
        process.stages.order_by("position").prefetch_related(
            "documents",
            Prefetch(
                "assignments",
                queryset=InterpreterAssignment.objects.select_related("interpreter", "language"),
            ),
        )
    )


def process_agreements(process: ConsultationProcess) -> list[Agreement]:
    return list(process.agreements.order_by("due_date", "created_at"))

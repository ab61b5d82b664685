"""``GET /api/v1/commitments`` (filters state, overdue, responsible, case, department,
due_before, due_after), one commitment, and the two writes of whoever follows it up: its
progress and its evidence. Reads use the pages' rule (``willaq.dialogue.access``); writes go
through ``willaq.dialogue.services.commitments``, which checks who may write."""

import json
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import ValidationError as PydanticValidationError

from willaq.accounts.models import User
from willaq.cases.access import redacted
from willaq.core.schemas import OBJECT_READ_ERRORS, OBJECT_WRITE_ERRORS, READ_ERRORS
from willaq.dialogue import access, selectors
from willaq.dialogue.api_common import (
    RedactedPagination,
    case_by_uuid,
    department_code,
    institution_by_slug,
    redact,
    unknown,
    user_of,
)
from willaq.dialogue.models import Commitment, CommitmentEvidence, DialogueSpace, Participant
from willaq.dialogue.schemas import CommitmentFilters, CommitmentOut, EvidenceIn, EvidenceOut
from willaq.dialogue.schemas import ProgressIn as ProgressBody
from willaq.dialogue.services import commitments as services

router = Router(tags=["compromisos"])


def commitments_for_output(user: User, commitments: QuerySet[Commitment]) -> QuerySet[Commitment]:
    """Everything a page of commitments shows, in a fixed number of queries."""
    return access.with_insider_flag(
        commitments.select_related("space", "acta"), user, "space_id"
    ).prefetch_related(
        Prefetch("responsible", Participant.objects.select_related("institution")),
        Prefetch("evidence", CommitmentEvidence.objects.select_related("added_by", "verified_by")),
    )


def _responsible_filter(user: User, value: str) -> Exists:
    """``responsible``: a participant's uuid, or an institution's slug (any of its seats)."""
    seats = Participant.objects.filter(commitments=OuterRef("pk"))
    try:
        participant_uuid = UUID(value)
    except ValueError:
        institution = institution_by_slug(value, "responsible")
        return Exists(seats.filter(institution=institution))
    participant = Participant.objects.filter(
        uuid=participant_uuid, space__in=access.visible_spaces(user)
    ).first()
    if participant is None:
        raise unknown("responsible", _("Participante desconocido."))
    return Exists(seats.filter(pk=participant.pk))


def filter_commitments(user: User, filters: CommitmentFilters) -> QuerySet[Commitment]:
    if filters.due_before and filters.due_after and filters.due_after > filters.due_before:
        raise unknown("due_after", _("«due_after» no puede ser posterior a «due_before»."))
    commitments = access.visible_commitments(user)
    if filters.state:
        commitments = commitments.filter(state=filters.state)
    if filters.overdue is True:
        commitments = commitments.filter(selectors.overdue_q())
    elif filters.overdue is False:
        commitments = commitments.exclude(selectors.overdue_q())
    if filters.responsible:
        commitments = commitments.filter(_responsible_filter(user, filters.responsible))
    if filters.case:
        case = case_by_uuid(user, filters.case)
        commitments = commitments.filter(
            space__in=DialogueSpace.objects.filter(cases=case).values("pk")
        )
    if filters.department:
        commitments = commitments.filter(
            space__place__department_code=department_code(filters.department)
        )
    if filters.due_before:
        commitments = commitments.filter(due_date__lte=filters.due_before)
    if filters.due_after:
        commitments = commitments.filter(due_date__gte=filters.due_after)
    return commitments


def _one(user: User, commitment: Commitment) -> Commitment:
    return redact(commitments_for_output(user, Commitment.objects.filter(pk=commitment.pk)).get())


@router.get(
    "/commitments",
    response={200: list[CommitmentOut], **READ_ERRORS},
    summary="Lista de compromisos",
)
@paginate(RedactedPagination)
def list_commitments(
    request: HttpRequest, filters: Query[CommitmentFilters]
) -> QuerySet[Commitment]:
    """The commitments of every space the user may read, by due date. `overdue` is derived
    (pending or in progress after the due date, in Lima), never stored. A filter naming an
    unknown value answers 422 naming the field."""
    user = user_of(request)
    return commitments_for_output(user, filter_commitments(user, filters)).order_by(
        "due_date", "id"
    )


@router.get(
    "/commitments/{commitment_uuid}",
    response={200: CommitmentOut, **OBJECT_READ_ERRORS},
    summary="Un compromiso",
)
def get_commitment(request: HttpRequest, commitment_uuid: UUID) -> Commitment:
    user = user_of(request)
    return _one(user, access.get_commitment_for_user(user, commitment_uuid))


@router.post(
    "/commitments/{commitment_uuid}/progress",
    response={200: CommitmentOut, **OBJECT_WRITE_ERRORS},
    summary="Informar el avance de un compromiso",
)
def report_progress(
    request: HttpRequest, commitment_uuid: UUID, payload: ProgressBody
) -> Commitment:
    """State and progress, by the space's team or an editor of a responsible institution
    (403 otherwise). Marking it fulfilled needs evidence first (422)."""
    user = user_of(request)
    commitment = access.get_commitment_for_user(user, commitment_uuid)
    services.report_progress(
        user,
        commitment,
        services.ProgressInput(
            state=str(payload.state), progress=payload.progress, note=payload.note
        ),
    )
    return _one(user, commitment)


_EVIDENCE_FORM = {
    "type": "object",
    "required": ["description", "file"],
    "properties": {
        "description": {"type": "string", "maxLength": 500},
        "file": {"type": "string", "format": "binary"},
        "amount_executed": {"type": "string", "description": "Monto ejecutado (S/)."},
    },
}


def _evidence_input(request: HttpRequest) -> services.EvidenceInput:
    """The body: JSON (``EvidenceIn``, a link) or multipart/form-data (a file)."""
    if request.content_type == "multipart/form-data":
        unexpected = set(request.POST) - {"description", "url", "amount_executed"}
        if unexpected:
            raise ValidationError({key: [_("Campo desconocido.")] for key in sorted(unexpected)})
        upload = request.FILES.get("file")
        return services.EvidenceInput(
            description=request.POST.get("description", ""),
            url=request.POST.get("url", ""),
            amount_executed=request.POST.get("amount_executed") or None,
            file=upload,
        )
    try:
        data = json.loads(request.body or b"null")
    except ValueError as exc:
        message = _("El cuerpo de la solicitud no es JSON válido.")
        raise ValidationError({"body": [message]}) from exc
    try:
        body = EvidenceIn.model_validate(data)
    except PydanticValidationError as exc:
        raise NinjaValidationError(
            [{**e, "loc": ("body", "payload", *e["loc"])} for e in exc.errors()]
        ) from exc
    return services.EvidenceInput(
        description=body.description, url=body.url, amount_executed=body.amount_executed
    )


@router.post(
    "/commitments/{commitment_uuid}/evidence",
    response={201: EvidenceOut, **OBJECT_WRITE_ERRORS},
    summary="Añadir una evidencia de cumplimiento (enlace o archivo)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": EvidenceIn.model_json_schema()},
                "multipart/form-data": {"schema": _EVIDENCE_FORM},
            },
        }
    },
)
def add_evidence(request: HttpRequest, commitment_uuid: UUID) -> Status[Any]:
    """A link (JSON `{description, url, amount_executed}`) or a file (multipart/form-data
    with `file`; its type is checked by its content). By the space's team or an editor of a
    responsible institution (403 otherwise); the space's team verifies it later."""
    user = user_of(request)
    commitment = access.get_commitment_for_user(user, commitment_uuid)
    evidence = services.add_evidence(user, commitment, _evidence_input(request))
    return Status(201, redacted(evidence, access.hidden_dialogue_fields(user, commitment.space)))

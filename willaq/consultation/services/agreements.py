"""Agreements of a consultation (followed like commitments) and interpreters' assignments.

Each function checks access itself, validates (ValidationError keyed by field, in Spanish),
writes in one transaction with its audit record."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from willaq.accounts.models import User
from willaq.audit.models import AuditEvent
from willaq.audit.services import record
from willaq.consultation import access
from willaq.consultation.choices import AgreementState
from willaq.consultation.models import (
    Agreement,
    ConsultationProcess,
    ConsultationStage,
    InterpreterAssignment,
)
from willaq.dialogue import access as dialogue_access
from willaq.dialogue.models import DialogueSession
from willaq.peoples.models import Interpreter, Language


@dataclass(frozen=True)
class AgreementInput:
    description: str
    responsible: str
    due_date: dt.date | None = None
    state: str = AgreementState.PENDING
    progress_note: str = ""
    internal_notes: str = ""


def _clean_agreement(data: AgreementInput) -> None:
    errors: dict[str, list[str]] = {}
    if not data.description.strip():
        errors["description"] = [_("Describa el acuerdo.")]
    if not data.responsible.strip():
        errors["responsible"] = [_("Indique el responsable del acuerdo.")]
    if data.state not in AgreementState.values:
        errors["state"] = [_("Estado desconocido.")]
    if errors:
        raise ValidationError(errors)


def add_agreement(user: User, process: ConsultationProcess, data: AgreementInput) -> Agreement:
    """Record an agreement reached; the dialogue stage must have been reached."""
    if not access.can_change(user, process):
        raise PermissionDenied(_("Solo la entidad promotora modifica el proceso."))
    _clean_agreement(data)
    if not process.stages.filter(stage__in=["dialogue", "decision"]).exists():
        raise ValidationError(
            {"description": [_("Los acuerdos se registran desde la etapa de diálogo.")]}
        )
    with transaction.atomic():
        agreement = Agreement.objects.create(
            process=process,
            description=data.description.strip(),
            responsible=data.responsible.strip(),
            due_date=data.due_date,
            state=data.state,
            progress_note=data.progress_note.strip(),
            internal_notes=data.internal_notes.strip(),
        )
        record(
            AuditEvent.CONSULTATION_AGREEMENT_ADDED,
            process,
            acting_user=user,
            institution=process.institution,
            diff={"agreement": str(agreement.uuid), "due_date": str(data.due_date)},
        )
    return agreement


def follow_agreement(
    user: User, agreement: Agreement, state: str, progress_note: str = ""
) -> Agreement:
    """Report an agreement's state and progress."""
    process = agreement.process
    if not access.can_change(user, process):
        raise PermissionDenied(_("Solo la entidad promotora modifica el proceso."))
    if state not in AgreementState.values:
        raise ValidationError({"state": [_("Estado desconocido.")]})
    with transaction.atomic():
        before = agreement.state
        agreement.state = state
        if progress_note.strip():
            agreement.progress_note = progress_note.strip()
        agreement.save()
        record(
            AuditEvent.CONSULTATION_AGREEMENT_CHANGED,
            process,
            acting_user=user,
            institution=process.institution,
            diff={"agreement": str(agreement.uuid), "state": [before, state]},
        )
    return agreement


def assign_interpreter(
    user: User,
    interpreter: Interpreter,
    language: Language,
    *,
    stage: ConsultationStage | None = None,
    session: DialogueSession | None = None,
    process: ConsultationProcess | None = None,
) -> InterpreterAssignment:
    """Assign an interpreter, in one of their languages, to a stage of a process or to a
    dialogue session.

    A stage is changed by the promoting institution's editors (``access.can_change``); a session
    by whoever may manage its dialogue space (``willaq.dialogue.access.can_manage_space``).
    ``process`` optionally says on behalf of which consultation a session is covered: it must be
    one the user may change, and the audit record then goes to the process's history."""
    if (stage is None) == (session is None):
        raise ValidationError({"stage": [_("Indique una etapa o una sesión de diálogo.")]})
    if stage is not None:
        process = stage.process
        if not access.can_change(user, process):
            raise PermissionDenied(_("Solo la entidad promotora modifica el proceso."))
    else:
        assert session is not None
        if not dialogue_access.can_manage_space(user, session.space):
            raise PermissionDenied(
                _("Solo quien gestiona el espacio de diálogo asigna intérpretes.")
            )
        if process is not None and not access.can_change(user, process):
            raise PermissionDenied(_("Solo la entidad promotora modifica el proceso."))
    errors: dict[str, list[str]] = {}
    if not interpreter.is_active:
        errors["interpreter"] = [_("El intérprete no está activo.")]
    if not interpreter.language_links.filter(language=language).exists():
        errors["language"] = [_("El intérprete no trabaja en esa lengua.")]
    duplicate = InterpreterAssignment.objects.filter(
        interpreter=interpreter, language=language, stage=stage, session=session
    )
    if duplicate.exists():
        errors["interpreter"] = [_("Ya está asignado.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        assignment = InterpreterAssignment.objects.create(
            interpreter=interpreter, language=language, stage=stage, session=session
        )
        target: ConsultationProcess | DialogueSession
        if process is not None:
            target, institution = process, process.institution
        else:
            assert session is not None
            target, institution = session, session.space.institution
        record(
            AuditEvent.CONSULTATION_INTERPRETER_ASSIGNED,
            target,
            acting_user=user,
            institution=institution,
            diff={
                "interpreter": str(interpreter.uuid),
                "language": language.slug,
                "stage": stage.stage if stage else None,
                "session": str(session.uuid) if session else None,
            },
        )
    return assignment

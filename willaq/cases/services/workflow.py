"""The workflow of a case: transitions between states, phases, the public code."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.accounts.access import AnyUser
from willaq.accounts.models import User
from willaq.audit.models import AuditEvent
from willaq.audit.services import model_diff, record
from willaq.cases.access import can_approve_case, can_edit_case, can_view_case
from willaq.cases.choices import (
    REGISTERED_STATES,
    CaseState,
    DialogueMechanism,
    InstitutionRole,
    Phase,
    TransitionKind,
)
from willaq.cases.emails import NOTIFIED_KINDS
from willaq.cases.models import Case, CaseCodeSequence, CaseTransition
from willaq.cases.services.checks import check_effective, columns
from willaq.cases.services.effective import check_after_last_transition, save_case_effective
from willaq.cases.tasks import notify_transition


@dataclass(frozen=True)
class Transition:
    kind: TransitionKind
    sources: tuple[CaseState, ...]
    target: CaseState
    needs_approver: bool = False
    needs_reason: bool = False


# The workflow (domain.md §2). A transition not listed here is refused.
TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(TransitionKind.SUBMITTED, (CaseState.DRAFT,), CaseState.PROPOSED),
    "return": Transition(
        TransitionKind.RETURNED,
        (CaseState.PROPOSED,),
        CaseState.DRAFT,
        needs_approver=True,
        needs_reason=True,
    ),
    "approve": Transition(
        TransitionKind.APPROVED, (CaseState.PROPOSED,), CaseState.ACTIVE, needs_approver=True
    ),
    "approve_pre_conflict": Transition(
        TransitionKind.APPROVED,
        (CaseState.PROPOSED,),
        CaseState.PRE_CONFLICT,
        needs_approver=True,
    ),
    "escalate": Transition(TransitionKind.ESCALATED, (CaseState.PRE_CONFLICT,), CaseState.ACTIVE),
    "to_latent": Transition(TransitionKind.TO_LATENT, (CaseState.ACTIVE,), CaseState.LATENT),
    "reactivate": Transition(TransitionKind.REACTIVATED, (CaseState.LATENT,), CaseState.ACTIVE),
    "reactivate_withdrawn": Transition(
        TransitionKind.WITHDRAWN_REACTIVATED, (CaseState.WITHDRAWN,), CaseState.ACTIVE
    ),
    "resolve": Transition(
        TransitionKind.RESOLVED,
        (CaseState.ACTIVE, CaseState.LATENT, CaseState.PRE_CONFLICT),
        CaseState.RESOLVED,
        needs_reason=True,
    ),
    "withdraw": Transition(
        TransitionKind.WITHDRAWN,
        (CaseState.LATENT, CaseState.ACTIVE, CaseState.PRE_CONFLICT),
        CaseState.WITHDRAWN,
        needs_reason=True,
    ),
}


def transition_label(name: str) -> str:
    labels = {
        "submit": _("Proponer para aprobación"),
        "return": _("Devolver a borrador"),
        "approve": _("Aprobar como activo"),
        "approve_pre_conflict": _("Aprobar como preconflicto"),
        "escalate": _("Pasar a activo"),
        "to_latent": _("Pasar a latente"),
        "reactivate": _("Reactivar"),
        "reactivate_withdrawn": _("Reactivar caso retirado"),
        "resolve": _("Marcar como resuelto"),
        "withdraw": _("Retirar del reporte"),
    }
    return labels[name]


def allowed_transitions(user: AnyUser, case: Case) -> list[str]:
    """Names of the transitions this user may apply to this case now."""
    if not can_edit_case(user, case):
        return []
    names = []
    for name, t in TRANSITIONS.items():
        if case.state not in t.sources:
            continue
        if t.needs_approver and not can_approve_case(user, case):
            continue
        names.append(name)
    return names


def _next_code(year: int) -> str:
    seq, _created = CaseCodeSequence.objects.select_for_update().get_or_create(year=year)
    seq.last_number += 1
    seq.save(update_fields=["last_number"])
    return f"{year}-{seq.last_number:04d}"


@transaction.atomic
def transition_case(
    *,
    user: User,
    case: Case,
    name: str,
    reason: str = "",
    phase: str = Phase.EARLY,
    dialogue_mechanism: str = "",
    institution_role: str = "",
    at: dt.datetime | None = None,
    base_url: str = "",
) -> Case:
    """Apply the named workflow transition, or refuse it with a message.

    A proposal is e-mailed to the institution's coordinators, a return or an approval to the
    case's author (through Celery, after the commit; ``base_url`` makes the links absolute).
    A back-dated transition (``at``: imports, demo data) notifies nobody.

    A transition into the active state sets its phase; into the dialogue phase it needs the
    mechanism and the institution's role (``validate_phase``, as ``change_phase``)."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ValidationError({"transition": _("Cambio de estado desconocido.")})
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not can_edit_case(user, case):
        raise PermissionDenied(_("No puede cambiar el estado de este caso."))
    if transition.needs_approver and not can_approve_case(user, case):
        raise PermissionDenied(_("Solo un coordinador de la institución puede aprobar casos."))
    if case.state not in transition.sources:
        raise ValidationError(
            {
                "transition": _(
                    "No se puede pasar de «%(from)s» a «%(to)s»: %(action)s no está permitido."
                )
                % {
                    "from": CaseState(case.state).label,
                    "to": CaseState(transition.target).label,
                    "action": transition_label(name),
                }
            }
        )
    if transition.needs_reason and not reason.strip():
        raise ValidationError({"reason": _("Indique el motivo de este cambio.")})
    check_effective(at)
    check_after_last_transition(case, at)
    when = at or timezone.now()
    unchanged = columns(case)
    before = {
        "state": case.state,
        "phase": case.phase,
        "code": case.code,
        "dialogue_mechanism": case.dialogue_mechanism,
        "institution_role": case.institution_role,
    }
    from_state = case.state
    case.state = transition.target
    if transition.target == CaseState.ACTIVE:
        validate_phase(phase, dialogue_mechanism, institution_role)
        case.phase = phase
        case.dialogue_mechanism = dialogue_mechanism
        case.institution_role = institution_role
    else:
        case.phase = ""
        case.dialogue_mechanism = ""
        case.institution_role = ""
    if transition.kind == TransitionKind.APPROVED and not case.code:
        case.code = _next_code(timezone.localtime(when).year)
        case.approved_at = when
    if transition.target in (CaseState.RESOLVED, CaseState.WITHDRAWN) and not case.end_date:
        case.end_date = timezone.localtime(when).date()
    if transition.target == CaseState.ACTIVE and case.end_date:
        case.end_date = None
    save_case_effective(case, user, when, unchanged)
    made = CaseTransition.objects.create(
        case=case,
        kind=transition.kind,
        from_state=from_state,
        to_state=case.state,
        reason=reason.strip(),
        occurred_at=when,
        by=user,
    )
    if at is None and transition.kind in NOTIFIED_KINDS:
        transaction.on_commit(lambda: notify_transition.delay(made.pk, base_url))
    record(
        AuditEvent.CASE_TRANSITION,
        case,
        acting_user=user,
        institution=case.institution,
        diff=model_diff(
            before,
            {
                "state": case.state,
                "phase": case.phase,
                "code": case.code,
                "dialogue_mechanism": case.dialogue_mechanism,
                "institution_role": case.institution_role,
            },
        )
        | ({"reason": reason.strip()} if reason.strip() else {}),
    )
    return case


def validate_phase(phase: str, dialogue_mechanism: str, institution_role: str) -> None:
    """The one rule for an active case's phase, on every path (approval, reactivation, phase
    change): the dialogue phase needs the mechanism and the institution's role; any other phase
    takes neither."""
    if phase not in Phase.values:
        raise ValidationError({"phase": _("Fase desconocida.")})
    if phase == Phase.DIALOGUE:
        errors = {}
        if dialogue_mechanism not in DialogueMechanism.values:
            errors["dialogue_mechanism"] = _("Indique el mecanismo de diálogo.")
        if institution_role not in InstitutionRole.values:
            errors["institution_role"] = _("Indique el rol de la institución en el diálogo.")
        if errors:
            raise ValidationError(errors)
    elif dialogue_mechanism or institution_role:
        raise ValidationError(
            {
                "dialogue_mechanism": _(
                    "El mecanismo y el rol solo se registran en la fase de diálogo."
                )
            }
        )


@transaction.atomic
def change_phase(
    *,
    user: User,
    case: Case,
    phase: str,
    dialogue_mechanism: str = "",
    institution_role: str = "",
    at: dt.datetime | None = None,
) -> Case:
    """Move an active case to another phase; mechanism and role only in the dialogue phase."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not can_edit_case(user, case):
        raise PermissionDenied(_("No puede modificar este caso."))
    if case.state != CaseState.ACTIVE:
        raise ValidationError(
            {
                "phase": _("Solo un caso activo tiene fase; este caso está «%(state)s».")
                % {"state": CaseState(case.state).label}
            }
        )
    validate_phase(phase, dialogue_mechanism, institution_role)
    check_effective(at)
    check_after_last_transition(case, at)
    unchanged = columns(case)
    before = {
        "phase": case.phase,
        "dialogue_mechanism": case.dialogue_mechanism,
        "institution_role": case.institution_role,
    }
    case.phase = phase
    case.dialogue_mechanism = dialogue_mechanism if phase == Phase.DIALOGUE else ""
    case.institution_role = institution_role if phase == Phase.DIALOGUE else ""
    after = {
        "phase": case.phase,
        "dialogue_mechanism": case.dialogue_mechanism,
        "institution_role": case.institution_role,
    }
    save_case_effective(case, user, at, unchanged)
    record(
        AuditEvent.CASE_PHASE_CHANGED,
        case,
        acting_user=user,
        institution=case.institution,
        diff=model_diff(before, after),
    )
    return case


@transaction.atomic
def merge_case(
    *, user: User, case: Case, into: Case, reason: str, at: dt.datetime | None = None
) -> Case:
    """Record that ``case`` was absorbed into ``into``: its state becomes "merged" and it links
    to the absorbing case. Nothing moves (events, actors and history stay where they were
    recorded); the absorbing case lists the cases merged into it.

    Only a coordinator of the absorbed case's institution merges it; both cases must be in the
    registry, and a case is not merged into itself nor into a case already merged."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not can_approve_case(user, case):
        raise PermissionDenied(
            _("Solo un coordinador de la institución del caso puede fusionarlo en otro.")
        )
    into = Case.objects.get(pk=into.pk)
    if not can_view_case(user, into):
        raise ValidationError({"into": _("Caso de destino desconocido.")})
    if into.pk == case.pk:
        raise ValidationError({"into": _("Un caso no puede fusionarse en sí mismo.")})
    if case.state == CaseState.MERGED:
        raise ValidationError({"transition": _("Este caso ya está fusionado en otro.")})
    if case.state not in REGISTERED_STATES:
        raise ValidationError(
            {
                "transition": _("Solo se fusiona un caso aprobado; este caso está «%(state)s».")
                % {"state": CaseState(case.state).label}
            }
        )
    if into.state == CaseState.MERGED:
        raise ValidationError(
            {
                "into": _("El caso %(code)s ya está fusionado en otro: fusione en ese caso.")
                % {"code": into.display_code}
            }
        )
    if into.state not in REGISTERED_STATES:
        raise ValidationError(
            {"into": _("El caso de destino debe estar aprobado (en el registro compartido).")}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Indique el motivo de este cambio.")})
    check_effective(at)
    check_after_last_transition(case, at)
    when = at or timezone.now()
    unchanged = columns(case)
    from_state = case.state
    case.state = CaseState.MERGED
    case.merged_into = into
    case.phase = ""
    case.dialogue_mechanism = ""
    case.institution_role = ""
    if not case.end_date:
        case.end_date = max(timezone.localtime(when).date(), case.start_date)
    save_case_effective(case, user, when, unchanged)
    CaseTransition.objects.create(
        case=case,
        kind=TransitionKind.MERGED,
        from_state=from_state,
        to_state=CaseState.MERGED,
        reason=reason.strip(),
        occurred_at=when,
        by=user,
    )
    record(
        AuditEvent.CASE_TRANSITION,
        case,
        acting_user=user,
        institution=case.institution,
        diff={
            "state": [from_state, CaseState.MERGED.value],
            "merged_into": [None, str(into.uuid)],
            "reason": reason.strip(),
        }
        | ({"effective_at": at.isoformat()} if at is not None else {}),
    )
    return case

"""Sessions of a dialogue space: scheduling, recording what happened (attendance, minutes, next
steps), cancelling, and signing an acta.

Same contract as ``spaces``: access checked here, errors keyed by field, one transaction with its
audit record.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.accounts.models import User
from willaq.audit.models import AuditEvent
from willaq.audit.services import model_diff, record
from willaq.cases.services.records import validate_evidence_file
from willaq.dialogue import access
from willaq.dialogue.choices import AttendanceStatus, SessionState, SpaceState
from willaq.dialogue.models import Acta, Attendance, DialogueSession, DialogueSpace

TITLE_MAX = 250


@dataclass(frozen=True)
class SessionInput:
    starts_at: dt.datetime
    place: str = ""
    agenda: str = ""
    ends_at: dt.datetime | None = None


@dataclass(frozen=True)
class AttendanceInput:
    """One participant's attendance: ``participant`` is its uuid."""

    participant: str
    status: str
    represented_by: str = ""


def _space_last_day(space: DialogueSpace) -> dt.date:
    return space.end_date or space.planned_end_date


def _clean_session(space: DialogueSpace, data: SessionInput) -> dict[str, object]:
    errors: dict[str, list[str]] = {}
    if timezone.is_naive(data.starts_at):
        raise ValidationError({"starts_at": [_("Indique la fecha y la hora.")]})
    day = timezone.localtime(data.starts_at).date()
    if day < space.start_date or day > _space_last_day(space):
        errors["starts_at"] = [
            _("La sesión debe caer entre el %(start)s y el %(end)s, las fechas del espacio.")
            % {
                "start": space.start_date.strftime("%d/%m/%Y"),
                "end": _space_last_day(space).strftime("%d/%m/%Y"),
            }
        ]
    if data.ends_at is not None and data.ends_at < data.starts_at:
        errors["ends_at"] = [_("La sesión no puede terminar antes de empezar.")]
    if errors:
        raise ValidationError(errors)
    return {
        "starts_at": data.starts_at,
        "ends_at": data.ends_at,
        "place": data.place.strip()[:250],
        "agenda": data.agenda.strip(),
    }


def _check_manager(user: User, space: DialogueSpace) -> None:
    if not access.can_manage_space(user, space):
        raise PermissionDenied(_("No puede modificar este espacio de diálogo."))


@transaction.atomic
def schedule_session(user: User, space: DialogueSpace, data: SessionInput) -> DialogueSession:
    _check_manager(user, space)
    space = DialogueSpace.objects.select_for_update().get(pk=space.pk)
    if space.state == SpaceState.CONCLUDED:
        raise ValidationError({"starts_at": [_("El espacio ha concluido: no admite sesiones.")]})
    values = _clean_session(space, data)
    number = (space.sessions.aggregate(n=Max("number"))["n"] or 0) + 1
    session = DialogueSession.objects.create(space=space, number=number, created_by=user, **values)
    record(
        AuditEvent.SESSION_SCHEDULED,
        session,
        acting_user=user,
        institution=space.institution,
        diff={"space": str(space.uuid), "number": number, "starts_at": str(session.starts_at)},
    )
    return session


@transaction.atomic
def update_session(user: User, session: DialogueSession, data: SessionInput) -> DialogueSession:
    _check_manager(user, session.space)
    values = _clean_session(session.space, data)
    before = {k: getattr(session, k) for k in values}
    for key, value in values.items():
        setattr(session, key, value)
    session.save()
    record(
        AuditEvent.SESSION_CHANGED,
        session,
        acting_user=user,
        institution=session.space.institution,
        diff=model_diff(before, values),
    )
    return session


@transaction.atomic
def record_session(
    user: User,
    session: DialogueSession,
    *,
    attendance: Sequence[AttendanceInput],
    minutes: str = "",
    next_steps: str = "",
    minutes_file: "UploadedFile[bytes] | None" = None,
) -> DialogueSession:
    """The session took place: who attended, the minutes, the next steps. A space that was only
    convened is now in session."""
    space = session.space
    _check_manager(user, space)
    if session.state == SessionState.CANCELLED:
        raise ValidationError({"state": [_("La sesión fue cancelada.")]})
    if session.starts_at > timezone.now():
        raise ValidationError(
            {"starts_at": [_("La sesión aún no se ha realizado: registre la asistencia después.")]}
        )
    participants = {str(p.uuid): p for p in space.participants.all()}
    errors: list[str] = []
    rows: dict[int, Attendance] = {}
    for i, item in enumerate(attendance, start=1):
        participant = participants.get(str(item.participant))
        if participant is None:
            errors.append(_("Fila %(i)s: el participante no es de este espacio.") % {"i": i})
            continue
        if item.status not in AttendanceStatus.values:
            errors.append(_("Fila %(i)s: asistencia desconocida.") % {"i": i})
            continue
        if item.status == AttendanceStatus.REPRESENTED and not item.represented_by.strip():
            errors.append(_("%(name)s: indique quién lo representó.") % {"name": participant.name})
            continue
        rows[participant.pk] = Attendance(
            session=session,
            participant=participant,
            status=item.status,
            represented_by=item.represented_by.strip()[:250]
            if item.status == AttendanceStatus.REPRESENTED
            else "",
        )
    if errors:
        raise ValidationError({"attendance": errors})
    if minutes_file is not None:
        validate_evidence_file(minutes_file)
        session.minutes_file = minutes_file
    session.attendance.all().delete()
    Attendance.objects.bulk_create(rows.values())
    session.minutes = minutes.strip()
    session.next_steps = next_steps.strip()
    session.state = SessionState.HELD
    session.save()
    if space.state == SpaceState.CONVENED:
        DialogueSpace.objects.filter(pk=space.pk).update(state=SpaceState.IN_SESSION)
        space.state = SpaceState.IN_SESSION
        record(
            AuditEvent.SPACE_STATE_CHANGED,
            space,
            acting_user=user,
            institution=space.institution,
            diff={"state": [SpaceState.CONVENED, SpaceState.IN_SESSION]},
        )
    record(
        AuditEvent.SESSION_HELD,
        session,
        acting_user=user,
        institution=space.institution,
        diff={
            "present": sum(1 for a in rows.values() if a.status != AttendanceStatus.ABSENT),
            "absent": sum(1 for a in rows.values() if a.status == AttendanceStatus.ABSENT),
        },
    )
    return session


@transaction.atomic
def cancel_session(user: User, session: DialogueSession, reason: str = "") -> DialogueSession:
    _check_manager(user, session.space)
    if session.state != SessionState.PLANNED:
        raise ValidationError({"state": [_("Solo se cancela una sesión programada.")]})
    session.state = SessionState.CANCELLED
    if reason.strip():
        session.next_steps = reason.strip()
    session.save(update_fields=["state", "next_steps", "updated_at"])
    record(
        AuditEvent.SESSION_CANCELLED,
        session,
        acting_user=user,
        institution=session.space.institution,
        diff={"reason": reason.strip()},
    )
    return session


@dataclass(frozen=True)
class ActaInput:
    title: str
    signed_on: dt.date
    # Participant uuids of the signatories.
    signatories: Sequence[str] = field(default_factory=tuple)


@transaction.atomic
def sign_acta(
    user: User,
    session: DialogueSession,
    data: ActaInput,
    *,
    document: "UploadedFile[bytes] | None" = None,
) -> Acta:
    space = session.space
    _check_manager(user, space)
    errors: dict[str, list[str]] = {}
    if Acta.objects.filter(session=session).exists():
        errors["session"] = [_("Esta sesión ya tiene un acta.")]
    if session.state == SessionState.CANCELLED:
        errors["session"] = [_("La sesión fue cancelada.")]
    title = (data.title or "").strip()
    if not title:
        errors["title"] = [_("Indique el título del acta.")]
    session_day = timezone.localtime(session.starts_at).date()
    if data.signed_on < session_day:
        errors["signed_on"] = [_("El acta no puede firmarse antes de la sesión.")]
    if data.signed_on > timezone.localdate():
        errors["signed_on"] = [_("La fecha de firma no puede estar en el futuro.")]
    by_uuid = {str(p.uuid): p for p in space.participants.all()}
    wanted = {str(s) for s in data.signatories}
    unknown = wanted - set(by_uuid)
    if unknown:
        errors["signatories"] = [_("Algún firmante no participa en este espacio.")]
    if not wanted:
        errors["signatories"] = [_("Indique quiénes firmaron el acta.")]
    if document is not None:
        try:
            validate_evidence_file(document)
        except ValidationError as exc:
            errors["document"] = exc.message_dict.get("file", exc.messages)
    if errors:
        raise ValidationError(errors)
    acta = Acta(session=session, title=title[:TITLE_MAX], signed_on=data.signed_on, created_by=user)
    if document is not None:
        acta.document = document
    acta.save()
    acta.signatories.set([by_uuid[s] for s in wanted])
    record(
        AuditEvent.ACTA_SIGNED,
        acta,
        acting_user=user,
        institution=space.institution,
        diff={
            "session": str(session.uuid),
            "signed_on": str(acta.signed_on),
            "signatories": sorted(by_uuid[s].name for s in wanted),
        },
    )
    return acta


def attendance_by_participant(session: DialogueSession) -> Mapping[int, Attendance]:
    return {a.participant_id: a for a in session.attendance.all()}

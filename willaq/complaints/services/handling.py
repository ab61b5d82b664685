"""What the handling institution does with a complaint: triage (admit or dismiss), route to the
competent authority, record the inspection, answer, close; open a proposed case from it or join
it to a case. Each is one function: it checks the access rule itself, validates into a
ValidationError keyed by field, runs in one transaction and writes the audit record."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.accounts.access import EDITOR_ROLES
from willaq.accounts.models import Institution, Membership, User
from willaq.accounts.notifications import notify
from willaq.audit.models import AuditEvent
from willaq.audit.services import record
from willaq.cases import services as case_services
from willaq.cases.models import Case
from willaq.complaints import access
from willaq.complaints.choices import ComplaintState
from willaq.complaints.models import Complaint, ComplaintRoute

TEXT_LIMIT = 5000
NOTIFICATION_KIND = "complaint"


def _locked(complaint: Complaint) -> Complaint:
    return (
        # of=("self",): PostgreSQL locks no row of an outer join (the place is optional).
        Complaint.objects.select_for_update(of=("self",))
        .select_related("institution", "ubigeo")
        .get(pk=complaint.pk)
    )


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _text(value: str, field: str, *, required: bool, message: str) -> str:
    text = value.strip()
    if required and not text:
        raise ValidationError({field: message})
    if len(text) > TEXT_LIMIT:
        raise ValidationError(
            {field: _("Admite como máximo %(n)s caracteres.") % {"n": TEXT_LIMIT}}
        )
    return text


def _append_note(complaint: Complaint, note: str, user: User, now: dt.datetime) -> None:
    if not note:
        return
    stamp = f"[{timezone.localtime(now):%Y-%m-%d %H:%M} · {user}]"
    complaint.internal_notes = "\n\n".join(
        part for part in (complaint.internal_notes, f"{stamp}\n{note}") if part
    )


def editors_of(institution_id: int) -> list[User]:
    """The institution's active editors (who are told about its complaints)."""
    ids = Membership.objects.filter(
        institution_id=institution_id,
        is_active=True,
        role__in=list(EDITOR_ROLES),
        user__is_active=True,
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


def complaint_url(complaint: Complaint) -> str:
    return reverse("complaints:detail", args=[complaint.uuid])


@transaction.atomic
def triage(
    user: User, complaint: Complaint, *, admit: bool, public_answer: str = "", note: str = ""
) -> Complaint:
    """Admit a received complaint (the handling starts) or dismiss it (not an environmental
    matter, not enough to act on): a dismissal needs the answer the citizen will read, and
    stops the clock."""
    complaint = _locked(complaint)
    _require(access.can_handle_complaint(user, complaint), _("No puede evaluar esta denuncia."))
    if complaint.state != ComplaintState.RECEIVED:
        raise ValidationError({"state": _("Solo se evalúa una denuncia recibida.")})
    now = timezone.now()
    before = complaint.state
    note = _text(note, "note", required=False, message="")
    if admit:
        complaint.state = ComplaintState.ADMITTED
        event = AuditEvent.COMPLAINT_ADMITTED
    else:
        complaint.public_answer = _text(
            public_answer,
            "public_answer",
            required=True,
            message=_("Explique al denunciante por qué se desestima."),
        )
        complaint.state = ComplaintState.DISMISSED
        complaint.answered_at = now
        event = AuditEvent.COMPLAINT_DISMISSED
    complaint.triaged_by = user
    complaint.triaged_at = now
    _append_note(complaint, note, user, now)
    complaint.save()
    record(
        event,
        complaint,
        acting_user=user,
        institution=complaint.institution,
        diff={"state": [before, complaint.state]},
    )
    return complaint


@transaction.atomic
def route(user: User, complaint: Complaint, *, to: Institution, reason: str) -> Complaint:
    """Send the complaint to the competent authority: it leaves this institution's queue for
    ``to``'s (received again there; the clock keeps running from the citizen's receipt). The
    complainant's identity is then read only there."""
    complaint = _locked(complaint)
    _require(access.can_handle_complaint(user, complaint), _("No puede derivar esta denuncia."))
    if complaint.state not in {ComplaintState.RECEIVED, ComplaintState.ADMITTED}:
        raise ValidationError(
            {"state": _("Solo se deriva una denuncia antes de la inspección y la respuesta.")}
        )
    if to.pk == complaint.institution_id or not to.is_active:
        raise ValidationError({"institution": _("Elija otra institución, activa.")})
    reason = _text(
        reason, "reason", required=True, message=_("Indique por qué se deriva a esa entidad.")
    )
    before = complaint.institution
    ComplaintRoute.objects.create(
        complaint=complaint,
        from_institution=before,
        to_institution=to,
        reason=reason,
        routed_by=user,
    )
    before_state = complaint.state
    complaint.institution = to
    complaint.state = ComplaintState.RECEIVED
    complaint.save()
    record(
        AuditEvent.COMPLAINT_ROUTED,
        complaint,
        acting_user=user,
        institution=before,
        diff={"institution": [before.slug, to.slug], "state": [before_state, complaint.state]},
    )
    notify(
        editors_of(to.pk),
        kind=NOTIFICATION_KIND,
        title=_("Denuncia ambiental derivada por %(from)s")
        % {"from": before.acronym or before.name},
        body=reason,
        url=complaint_url(complaint),
    )
    return complaint


@transaction.atomic
def record_inspection(
    user: User, complaint: Complaint, *, inspected_on: dt.date | None, findings: str
) -> Complaint:
    """The inspection's date and findings (internal: the citizen reads only the answer)."""
    complaint = _locked(complaint)
    _require(
        access.can_handle_complaint(user, complaint),
        _("No puede registrar la inspección de esta denuncia."),
    )
    if complaint.state not in {ComplaintState.ADMITTED, ComplaintState.INSPECTED}:
        raise ValidationError({"state": _("Admita la denuncia antes de registrar la inspección.")})
    if inspected_on is None:
        raise ValidationError({"inspected_on": _("Indique la fecha de la inspección.")})
    if inspected_on > timezone.localdate():
        raise ValidationError({"inspected_on": _("La fecha de la inspección no puede ser futura.")})
    if inspected_on < timezone.localtime(complaint.received_at).date():
        raise ValidationError(
            {"inspected_on": _("La inspección no puede ser anterior a la denuncia.")}
        )
    findings = _text(
        findings, "findings", required=True, message=_("Indique qué se encontró en la inspección.")
    )
    before = complaint.state
    complaint.inspected_on = inspected_on
    complaint.inspection_notes = findings
    complaint.state = ComplaintState.INSPECTED
    complaint.save()
    record(
        AuditEvent.COMPLAINT_INSPECTED,
        complaint,
        acting_user=user,
        institution=complaint.institution,
        diff={"state": [before, complaint.state], "inspected_on": inspected_on.isoformat()},
    )
    return complaint


@transaction.atomic
def answer(user: User, complaint: Complaint, *, public_answer: str, note: str = "") -> Complaint:
    """The answer the citizen reads on the tracking page (and internal notes for staff): the
    clock stops."""
    complaint = _locked(complaint)
    _require(access.can_handle_complaint(user, complaint), _("No puede responder esta denuncia."))
    if complaint.state not in {ComplaintState.ADMITTED, ComplaintState.INSPECTED}:
        raise ValidationError({"state": _("Admita la denuncia antes de responderla.")})
    complaint.public_answer = _text(
        public_answer,
        "public_answer",
        required=True,
        message=_("Escriba la respuesta que leerá el denunciante."),
    )
    now = timezone.now()
    _append_note(complaint, _text(note, "note", required=False, message=""), user, now)
    before = complaint.state
    complaint.state = ComplaintState.ANSWERED
    complaint.answered_at = now
    complaint.save()
    record(
        AuditEvent.COMPLAINT_ANSWERED,
        complaint,
        acting_user=user,
        institution=complaint.institution,
        diff={"state": [before, complaint.state], "in_time": now.date() <= complaint.due_date},
    )
    return complaint


@transaction.atomic
def close(user: User, complaint: Complaint, *, note: str = "") -> Complaint:
    """Close an answered or dismissed complaint."""
    complaint = _locked(complaint)
    _require(access.can_handle_complaint(user, complaint), _("No puede cerrar esta denuncia."))
    if complaint.state not in {ComplaintState.ANSWERED, ComplaintState.DISMISSED}:
        raise ValidationError({"state": _("Responda la denuncia antes de cerrarla.")})
    now = timezone.now()
    _append_note(complaint, _text(note, "note", required=False, message=""), user, now)
    before = complaint.state
    complaint.state = ComplaintState.CLOSED
    complaint.closed_at = now
    complaint.save()
    record(
        AuditEvent.COMPLAINT_CLOSED,
        complaint,
        acting_user=user,
        institution=complaint.institution,
        diff={"state": [before, complaint.state]},
    )
    return complaint


def _check_linkable(user: User, complaint: Complaint) -> None:
    _require(
        access.can_handle_complaint(user, complaint),
        _("No puede vincular esta denuncia a un caso."),
    )
    if complaint.case_id is not None:
        raise ValidationError({"case": _("La denuncia ya está vinculada a un caso.")})
    if complaint.state in {ComplaintState.DISMISSED, ComplaintState.CLOSED}:
        raise ValidationError({"case": _("Una denuncia desestimada o cerrada no se vincula.")})


@transaction.atomic
def link_case(user: User, complaint: Complaint, *, case: Case) -> Complaint:
    """Join the complaint to an existing case the user sees."""
    complaint = _locked(complaint)
    _check_linkable(user, complaint)
    if not access.can_link_case(user, complaint, case):
        raise ValidationError({"case": _("Caso desconocido.")})
    complaint.case = case
    complaint.save(update_fields=["case", "updated_at"])
    record(
        AuditEvent.COMPLAINT_CASE_LINKED,
        complaint,
        acting_user=user,
        institution=complaint.institution,
        diff={"case": str(case.uuid)},
    )
    return complaint


@transaction.atomic
def open_case(user: User, complaint: Complaint, *, name: str, typology: str) -> Complaint:
    """Open a proposed case from the complaint: created as a draft of the handling institution
    by the cases' service (place, start date and description from the complaint) and submitted
    for approval by its workflow."""
    complaint = _locked(complaint)
    _check_linkable(user, complaint)
    if not name.strip():
        raise ValidationError({"name": _("Indique el nombre del caso.")})
    if not typology:
        raise ValidationError({"typology": _("Indique la tipología.")})
    if complaint.ubigeo is None:
        raise ValidationError(
            {
                "case": _(
                    "La denuncia no tiene distrito, provincia ni departamento: no abre un caso."
                )
            }
        )
    start = complaint.occurred_on or timezone.localtime(complaint.received_at).date()
    case = case_services.create_case(
        user=user,
        institution=complaint.institution,
        data={
            "name": name.strip(),
            "typology": typology,
            "start_date": start,
            "description": complaint.description,
        },
        places=[case_services.PlaceInput(ubigeo_code=complaint.ubigeo.code, is_principal=True)],
    )
    case = case_services.transition_case(
        user=user, case=case, name="submit", base_url=settings.WILLAQ_BASE_URL
    )
    complaint.case = case
    complaint.save(update_fields=["case", "updated_at"])
    record(
        AuditEvent.COMPLAINT_CASE_OPENED,
        complaint,
        acting_user=user,
        institution=complaint.institution,
        diff={"case": str(case.uuid)},
    )
    return complaint

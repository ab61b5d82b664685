"""Commitments of an acta and their follow-up to fulfilment.

- ``add_commitment`` / ``update_commitment``: what was agreed (the space's team only).
- ``report_progress``: state and progress (the team, or an editor of a responsible institution).
  Marking a commitment fulfilled needs evidence; fulfilled means 100 %.
- ``add_evidence`` / ``verify_evidence``: a file or a link; the follow-up team verifies it (never
  the person who added it), and the verified amounts are the money "verified as executed".

``clean_commitment`` is the one validation of a clause; the spreadsheet import calls it row by
row, so a form, the API and an imported row fail with the same messages.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.accounts.models import User
from willaq.audit.models import AuditEvent
from willaq.audit.services import model_diff, record
from willaq.cases.services.records import validate_evidence_file
from willaq.dialogue import access
from willaq.dialogue.choices import CommitmentState, FundingSource
from willaq.dialogue.models import Acta, Commitment, CommitmentEvidence, Participant

MAX_AMOUNT = Decimal("99999999999999.99")
DESCRIPTION_MAX = 5000


@dataclass(frozen=True)
class CommitmentInput:
    """A clause as agreed. ``responsible``: participant uuids (or, from a spreadsheet, names
    resolved by the import before this). ``number`` None takes the next clause number."""

    description: str
    due_date: dt.date
    responsible: Sequence[str]
    amount: Decimal | str | None = None
    funding_source: str = ""
    weight: Decimal | str | None = None
    internal_notes: str = ""
    number: int | None = None


@dataclass(frozen=True)
class ProgressInput:
    state: str
    progress: int
    note: str = ""


@dataclass(frozen=True)
class EvidenceInput:
    description: str
    url: str = ""
    amount_executed: Decimal | str | None = None
    file: "UploadedFile[bytes] | None" = field(default=None, compare=False)


def _decimal(
    value: Decimal | str | None, name: str, errors: dict[str, list[str]]
) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        errors[name] = [_("Escriba un número.")]
        return None
    if not number.is_finite():
        errors[name] = [_("Escriba un número.")]
        return None
    if number < 0:
        errors[name] = [_("El monto no puede ser negativo.")]
        return None
    if number > MAX_AMOUNT:
        errors[name] = [_("El monto es demasiado grande.")]
        return None
    return number.quantize(Decimal("0.01"))


def clean_commitment(acta: Acta, data: CommitmentInput) -> tuple[dict[str, Any], list[Participant]]:
    """Validate one clause of ``acta``; raise a ValidationError keyed by field."""
    errors: dict[str, list[str]] = {}
    description = (data.description or "").strip()
    if not description:
        errors["description"] = [_("Describa el compromiso.")]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [
            _("La descripción admite hasta %(n)s caracteres.") % {"n": DESCRIPTION_MAX}
        ]
    if data.due_date is None:
        errors["due_date"] = [_("Indique la fecha de vencimiento.")]
    elif data.due_date < acta.signed_on:
        errors["due_date"] = [
            _("La fecha de vencimiento no puede ser anterior a la firma del acta (%(date)s).")
            % {"date": acta.signed_on.strftime("%d/%m/%Y")}
        ]
    amount = _decimal(data.amount, "amount", errors)
    if data.funding_source and data.funding_source not in FundingSource.values:
        errors["funding_source"] = [_("Fuente de financiamiento desconocida.")]
    if amount is not None and amount > 0 and not data.funding_source:
        errors["funding_source"] = [_("Indique la fuente de financiamiento del monto.")]
    weight = (
        _decimal(data.weight, "weight", errors) if data.weight not in (None, "") else Decimal(1)
    )
    if weight is not None and weight <= 0:
        errors["weight"] = [_("El peso debe ser mayor que cero.")]
    space = acta.session.space
    by_uuid = {str(p.uuid): p for p in space.participants.all()}
    wanted = [str(r) for r in data.responsible if str(r).strip()]
    if not wanted:
        errors["responsible"] = [_("Indique al menos un responsable.")]
    elif any(r not in by_uuid for r in wanted):
        errors["responsible"] = [_("Algún responsable no participa en este espacio.")]
    if data.number is not None and data.number < 1:
        errors["number"] = [_("El número de cláusula empieza en 1.")]
    if errors:
        raise ValidationError(errors)
    values = {
        "description": description,
        "due_date": data.due_date,
        "amount": amount,
        "funding_source": data.funding_source,
        "weight": weight,
        "internal_notes": data.internal_notes.strip(),
    }
    return values, [by_uuid[r] for r in dict.fromkeys(wanted)]


@transaction.atomic
def add_commitment(user: User, acta: Acta, data: CommitmentInput) -> Commitment:
    space = acta.session.space
    if not access.can_manage_space(user, space):
        raise PermissionDenied(_("No puede modificar este espacio de diálogo."))
    Acta.objects.select_for_update().get(pk=acta.pk)
    values, responsible = clean_commitment(acta, data)
    number = data.number or (acta.commitments.aggregate(n=Max("number"))["n"] or 0) + 1
    if acta.commitments.filter(number=number).exists():
        raise ValidationError({"number": [_("Ya existe la cláusula %(n)s.") % {"n": number}]})
    commitment = Commitment.objects.create(
        acta=acta, space=space, number=number, created_by=user, **values
    )
    commitment.responsible.set(responsible)
    record(
        AuditEvent.COMMITMENT_ADDED,
        commitment,
        acting_user=user,
        institution=space.institution,
        diff={
            "acta": str(acta.uuid),
            "number": number,
            "due_date": str(commitment.due_date),
            "responsible": sorted(p.name for p in responsible),
        },
    )
    return commitment


@transaction.atomic
def update_commitment(user: User, commitment: Commitment, data: CommitmentInput) -> Commitment:
    if not access.can_edit_commitment(user, commitment):
        raise PermissionDenied(_("No puede modificar este compromiso."))
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    values, responsible = clean_commitment(commitment.acta, data)
    before = {k: getattr(commitment, k) for k in values}
    before["responsible"] = sorted(p.name for p in commitment.responsible.all())
    for key, value in values.items():
        setattr(commitment, key, value)
    commitment.save()
    commitment.responsible.set(responsible)
    after = dict(values)
    after["responsible"] = sorted(p.name for p in responsible)
    record(
        AuditEvent.COMMITMENT_CHANGED,
        commitment,
        acting_user=user,
        institution=commitment.space.institution,
        diff=model_diff(before, after),
    )
    return commitment


@transaction.atomic
def report_progress(user: User, commitment: Commitment, data: ProgressInput) -> Commitment:
    if not access.can_report_progress(user, commitment):
        raise PermissionDenied(_("No puede informar el avance de este compromiso."))
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    errors: dict[str, list[str]] = {}
    if data.state not in CommitmentState.values:
        errors["state"] = [_("Estado desconocido.")]
    if not isinstance(data.progress, int) or not 0 <= data.progress <= 100:
        errors["progress"] = [_("El avance va de 0 a 100.")]
    if errors:
        raise ValidationError(errors)
    progress = data.progress
    if data.state == CommitmentState.FULFILLED:
        if not commitment.evidence.exists():
            raise ValidationError(
                {"state": [_("Para marcarlo como cumplido, adjunte antes una evidencia.")]}
            )
        progress = 100
    elif data.state == CommitmentState.PENDING and progress > 0:
        errors["progress"] = [_("Un compromiso pendiente no tiene avance: márquelo «en proceso».")]
    elif data.state == CommitmentState.IN_PROGRESS and progress == 100:
        errors["progress"] = [_("Con el avance completo, márquelo como cumplido.")]
    if errors:
        raise ValidationError(errors)
    before = {"state": commitment.state, "progress": commitment.progress}
    commitment.state = data.state
    commitment.progress = progress
    commitment.save(update_fields=["state", "progress", "updated_at"])
    diff: dict[str, Any] = model_diff(before, {"state": data.state, "progress": progress})
    if data.note.strip():
        diff["note"] = data.note.strip()[:1000]
    record(
        AuditEvent.COMMITMENT_PROGRESS,
        commitment,
        acting_user=user,
        institution=commitment.space.institution,
        diff=diff,
    )
    return commitment


@transaction.atomic
def add_evidence(user: User, commitment: Commitment, data: EvidenceInput) -> CommitmentEvidence:
    if not access.can_report_progress(user, commitment):
        raise PermissionDenied(_("No puede añadir evidencias a este compromiso."))
    errors: dict[str, list[str]] = {}
    description = (data.description or "").strip()
    if not description:
        errors["description"] = [_("Describa la evidencia.")]
    url = (data.url or "").strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["url"] = [_("Escriba un enlace válido (http:// o https://).")]
    if data.file is None and not url:
        errors["file"] = [_("Adjunte un archivo o escriba un enlace.")]
    if data.file is not None:
        try:
            validate_evidence_file(data.file)
        except ValidationError as exc:
            errors["file"] = exc.message_dict.get("file", exc.messages)
    amount = _decimal(data.amount_executed, "amount_executed", errors)
    if errors:
        raise ValidationError(errors)
    evidence = CommitmentEvidence(
        commitment=commitment,
        description=description[:500],
        url=url,
        amount_executed=amount,
        added_by=user,
    )
    if data.file is not None:
        evidence.file = data.file
    evidence.save()
    record(
        AuditEvent.COMMITMENT_EVIDENCE_ADDED,
        evidence,
        acting_user=user,
        institution=commitment.space.institution,
        diff={"commitment": str(commitment.uuid), "description": evidence.description},
    )
    return evidence


@transaction.atomic
def verify_evidence(user: User, evidence: CommitmentEvidence) -> CommitmentEvidence:
    if not access.can_verify_evidence(user, evidence):
        raise PermissionDenied(
            _("La evidencia la verifica el equipo del espacio, no quien la añadió.")
        )
    if evidence.verified_at is None:
        evidence.verified_by = user
        evidence.verified_at = timezone.now()
        evidence.save(update_fields=["verified_by", "verified_at", "updated_at"])
        record(
            AuditEvent.COMMITMENT_EVIDENCE_VERIFIED,
            evidence,
            acting_user=user,
            institution=evidence.commitment.space.institution,
            diff={"commitment": str(evidence.commitment.uuid)},
        )
    return evidence

"""Forms of the commitment pages: the list's filters, a clause (add and edit), progress, evidence.

The forms only collect and shape input; every rule (due date after the signing, progress 0–100,
fulfilled needs evidence, amounts not negative) is checked by ``services.commitments``, whose
Spanish messages land next to the fields (``apply_service_errors``).
"""

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from willaq.accounts.access import AnyUser
from willaq.accounts.models import Institution
from willaq.cases.access import visible_cases
from willaq.dialogue import access
from willaq.dialogue.choices import CommitmentState, FundingSource
from willaq.dialogue.models import Commitment, DialogueSpace, Participant
from willaq.dialogue.selectors import overdue_q
from willaq.dialogue.services.commitments import (
    CommitmentInput,
    EvidenceInput,
    ProgressInput,
)
from willaq.territory.models import Ubigeo

OVERDUE_YES = "si"
OVERDUE_NO = "no"


def _blank(choices: Any, label: Any = "—") -> list[tuple[Any, Any]]:
    return [("", label), *[(value, text) for value, text in choices if value != ""]]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CommitmentFilterForm(forms.Form):
    """The filters of the commitment list. Every choice is drawn from what the user may see, so a
    space, case or institution the user may not see is an invalid choice, ignored."""

    state = forms.ChoiceField(
        label=_("Estado"), required=False, choices=_blank(CommitmentState.choices, _("Todos"))
    )
    overdue = forms.ChoiceField(
        label=_("Vencido"),
        required=False,
        choices=[("", _("Todos")), (OVERDUE_YES, _("Sí")), (OVERDUE_NO, _("No"))],
    )
    due_after = forms.DateField(label=_("Vence desde"), required=False, widget=_date_input())
    due_before = forms.DateField(label=_("Vence hasta"), required=False, widget=_date_input())
    institution = forms.ChoiceField(label=_("Institución responsable"), required=False)
    space = forms.ChoiceField(label=_("Espacio de diálogo"), required=False)
    case = forms.ChoiceField(label=_("Caso"), required=False)
    department = forms.ChoiceField(label=_("Departamento"), required=False)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        spaces = access.visible_spaces(user)
        owing = (
            Institution.objects.filter(dialogue_seats__space__in=spaces).distinct().order_by("name")
        )
        self.fields["institution"].choices = _blank(  # type: ignore[attr-defined]
            owing.values_list("slug", "name"), _("Todas")
        )
        self.fields["space"].choices = _blank(  # type: ignore[attr-defined]
            [(str(u), n) for u, n in spaces.order_by("name").values_list("uuid", "name")],
            _("Todos"),
        )
        cases = (
            visible_cases(user)
            .filter(dialogue_spaces__in=spaces)
            .distinct()
            .order_by("name")
            .values_list("uuid", "name")
        )
        self.fields["case"].choices = _blank(  # type: ignore[attr-defined]
            [(str(u), n) for u, n in cases], _("Todos")
        )
        departments = Ubigeo.objects.departments().order_by("search_name")
        self.fields["department"].choices = _blank(  # type: ignore[attr-defined]
            departments.values_list("code", "name"), _("Todos")
        )

    def filter(self, commitments: QuerySet[Commitment]) -> QuerySet[Commitment]:
        """``commitments`` narrowed by the valid filters (an invalid one is left out)."""
        self.is_valid()
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        if data.get("state"):
            commitments = commitments.filter(state=data["state"])
        if data.get("overdue") == OVERDUE_YES:
            commitments = commitments.filter(overdue_q())
        elif data.get("overdue") == OVERDUE_NO:
            commitments = commitments.exclude(overdue_q())
        if data.get("due_after"):
            commitments = commitments.filter(due_date__gte=data["due_after"])
        if data.get("due_before"):
            commitments = commitments.filter(due_date__lte=data["due_before"])
        if data.get("institution"):
            owed = Participant.objects.filter(institution__slug=data["institution"])
            commitments = commitments.filter(responsible__in=owed)
        if data.get("space"):
            commitments = commitments.filter(space__uuid=data["space"])
        if data.get("case"):
            commitments = commitments.filter(space__cases__uuid=data["case"])
        if data.get("department"):
            commitments = commitments.filter(space__place__department_code=data["department"])
        # A commitment owed by two matching parties, or in a space with two matching cases,
        # comes back once.
        return commitments.filter(pk__in=commitments.values("pk"))


class CommitmentForm(forms.Form):
    """A clause of an acta: what was agreed, by whom, for when, with how much money."""

    description = forms.CharField(
        label=_("Compromiso"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    responsible = forms.MultipleChoiceField(
        label=_("Responsables"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Los participantes del espacio que asumen el compromiso."),
    )
    due_date = forms.DateField(label=_("Fecha de vencimiento"), widget=_date_input())
    amount = forms.DecimalField(
        label=_("Monto comprometido (S/)"), required=False, max_digits=16, decimal_places=2
    )
    funding_source = forms.ChoiceField(
        label=_("Fuente de financiamiento"),
        required=False,
        choices=_blank(FundingSource.choices),
    )
    weight = forms.DecimalField(
        label=_("Peso"),
        required=False,
        max_digits=6,
        decimal_places=2,
        initial=1,
        help_text=_("Cuánto cuenta esta cláusula en el avance ponderado (1 si todas pesan igual)."),
    )
    internal_notes = forms.CharField(
        label=_("Notas internas"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Solo las leen la institución convocante y las instituciones en la mesa."),
    )

    def __init__(self, *args: Any, space: DialogueSpace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        participants = space.participants.order_by("name", "id")
        self.fields["responsible"].choices = [  # type: ignore[attr-defined]
            (str(p.uuid), p.name) for p in participants
        ]

    @staticmethod
    def initial_of(commitment: Commitment) -> dict[str, Any]:
        return {
            "description": commitment.description,
            "responsible": [str(p.uuid) for p in commitment.responsible.all()],
            "due_date": commitment.due_date,
            "amount": commitment.amount,
            "funding_source": commitment.funding_source,
            "weight": commitment.weight,
            "internal_notes": commitment.internal_notes,
        }

    def to_input(self) -> CommitmentInput:
        data = self.cleaned_data
        return CommitmentInput(
            description=data["description"],
            due_date=data["due_date"],
            responsible=list(data["responsible"]),
            amount=data["amount"],
            funding_source=data["funding_source"],
            weight=data["weight"],
            internal_notes=data["internal_notes"],
        )


class ProgressForm(forms.Form):
    state = forms.ChoiceField(label=_("Estado"), choices=CommitmentState.choices)
    # No min/max here: the service's message ("El avance va de 0 a 100.") is the one shown.
    progress = forms.IntegerField(
        label=_("Avance (%)"), widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1})
    )
    note = forms.CharField(
        label=_("Nota del avance"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Qué se hizo; queda en el historial del compromiso."),
    )

    def to_input(self) -> ProgressInput:
        data = self.cleaned_data
        return ProgressInput(state=data["state"], progress=data["progress"], note=data["note"])


class EvidenceForm(forms.Form):
    description = forms.CharField(label=_("Descripción"), max_length=500)
    file = forms.FileField(label=_("Archivo"), required=False)
    url = forms.CharField(label=_("Enlace"), required=False, max_length=500)
    amount_executed = forms.DecimalField(
        label=_("Monto ejecutado (S/)"), required=False, max_digits=16, decimal_places=2
    )

    def to_input(self) -> EvidenceInput:
        data = self.cleaned_data
        return EvidenceInput(
            description=data["description"],
            url=data["url"],
            amount_executed=data["amount_executed"],
            file=data["file"],
        )


# --- the calendar ---------------------------------------------------------------------------------


def parse_month(value: str | None, default: dt.date) -> dt.date:
    """The first day of the month ``?mes=YYYY-MM`` names, or of ``default``'s month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return default.replace(day=1)

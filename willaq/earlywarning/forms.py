"""Forms of early warning's pages. Forms only read and check the input; the services decide."""

import datetime as dt
import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from willaq.accounts.models import Institution, User
from willaq.cases.forms import PlaceForm
from willaq.earlywarning.choices import OrderState
from willaq.earlywarning.selectors.response import OrderFilters
from willaq.territory.models import Ubigeo

# --- Response -----------------------------------------------------------------------------------

_EMAIL_SPLIT = re.compile(r"[\s,;]+")


def _blank(choices: list[tuple[str, Any]], label: Any = "—") -> list[tuple[str, Any]]:
    return [("", label), *choices]


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class OrderFilterForm(forms.Form):
    """The filters of the order list (``/respuesta/``); an invalid value is dropped."""

    OVERDUE_YES = "si"
    OVERDUE_NO = "no"

    state = forms.ChoiceField(label=_("Estado"), required=False)
    institution = forms.ChoiceField(label=_("Institución responsable"), required=False)
    department = forms.ChoiceField(label=_("Departamento"), required=False)
    overdue = forms.ChoiceField(
        label=_("Plazo"),
        required=False,
        choices=[
            ("", _("Todas")),
            (OVERDUE_YES, _("Vencidas")),
            (OVERDUE_NO, _("No vencidas")),
        ],
    )

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "state", _blank(list(OrderState.choices), _("Todos")))
        _set_choices(
            self,
            "institution",
            _blank([(i.slug, i.acronym or i.name) for i in institutions], _("Todas")),
        )
        departments = Ubigeo.objects.departments().order_by("name").values_list("code", "name")
        _set_choices(self, "department", _blank(list(departments), _("Todos")))

    def filters(self) -> OrderFilters:
        data = self.cleaned_data if self.is_valid() else {}
        overdue = data.get("overdue")
        return OrderFilters(
            state=data.get("state") or "",
            institution=data.get("institution") or "",
            department=data.get("department") or "",
            overdue=None if not overdue else overdue == self.OVERDUE_YES,
        )


class OrderForm(PlaceForm):
    """A deployment order: who orders, who responds (team and its members by e-mail), where,
    what to do. The alert or case it answers travels in hidden fields."""

    ordering_institution = forms.ModelChoiceField(
        label=_("Institución que ordena"),
        queryset=Institution.objects.none(),
        to_field_name="slug",
    )
    institution = forms.ModelChoiceField(
        label=_("Institución responsable"),
        queryset=Institution.objects.filter(is_active=True).order_by("name"),
        to_field_name="slug",
    )
    team = forms.CharField(label=_("Equipo"), max_length=200)
    team_members = forms.CharField(
        label=_("Integrantes del equipo (correos)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Los correos de sus cuentas en Willaq, separados por comas o líneas; deben ser "
            "miembros de la institución responsable. Reciben la orden y los avisos del plazo."
        ),
    )
    instructions = forms.CharField(
        label=_("Instrucciones"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    alert = forms.UUIDField(required=False, widget=forms.HiddenInput)
    case = forms.UUIDField(required=False, widget=forms.HiddenInput)

    field_order = ["ordering_institution", "institution", "team", "team_members"]

    def __init__(self, *args: Any, ordering: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["ordering_institution"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ordering
        if ordering.count() == 1:
            self.fields["ordering_institution"].initial = ordering.first()
        self.add_place_fields("place", required=True)
        # The place after the team, the instructions last.
        order = [*self.field_order, "place_department", "place_province", "place_district"]
        self.order_fields([*order, "instructions", "alert", "case"])

    def clean_team_members(self) -> list[User]:
        raw = self.cleaned_data.get("team_members") or ""
        emails = list(dict.fromkeys(e for e in _EMAIL_SPLIT.split(raw.strip()) if e))[:50]
        people: dict[int, User] = {}
        unknown: list[str] = []
        for email in emails:
            person = User.objects.filter(email__iexact=email).first()
            if person is None:
                unknown.append(email)
            else:
                people[person.pk] = person
        if unknown:
            raise forms.ValidationError(
                _("Correos sin cuenta en Willaq: %(emails)s.") % {"emails": ", ".join(unknown)}
            )
        return list(people.values())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code = self.clean_place("place", cleaned)
        self.ubigeo = Ubigeo.objects.filter(code=code).first() if code else None
        if self.ubigeo is None and not self.has_error("place_department"):
            self.add_error("place_department", _("Elija al menos el departamento."))
        return cleaned


class OrderAdvanceForm(forms.Form):
    """Move an order on: the next state, when it happened (now if empty), the closing report."""

    state = forms.ChoiceField(label=_("Nuevo estado"))
    at = forms.DateTimeField(
        label=_("Fecha y hora (si no fue ahora)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    report = forms.CharField(
        label=_("Informe de la respuesta (obligatorio al cerrar)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, states: list[OrderState], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "state", [(s.value, s.label) for s in states])

    def moment(self) -> dt.datetime | None:
        value = self.cleaned_data.get("at")
        if value is None:
            return None
        return value if timezone.is_aware(value) else timezone.make_aware(value)


class ResponseStatsForm(forms.Form):
    since = forms.DateField(
        label=_("Desde"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Hasta"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

"""The filters of every export: the /datos/ form, its download links and the API use the same
names, validated by one form (an unknown value is an error naming the field)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from willaq.accounts.models import Institution
from willaq.cases.choices import (
    CaseState,
    CategoryKind,
    EventType,
)
from willaq.cases.models import Category
from willaq.territory.models import Ubigeo

FILTER_NAMES = ("date_from", "date_to", "typology", "state", "department", "institution")


@dataclass(frozen=True)
class ExportFilters:
    """The filters of every export (page form, download links and API use the same names)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    typology: str = ""
    state: str = ""
    department: str = ""
    institution: str = ""
    event_type: str = ""

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "ExportFilters":
        return cls(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            typology=data.get("typology") or "",
            state=data.get("state") or "",
            department=data.get("department") or "",
            institution=data.get("institution") or "",
            event_type=data.get("event_type") or "",
        )


class ExportFilterForm(forms.Form):
    """The filters as a form: the page shows it, and the downloads and the API validate with it
    (an unknown value is an error naming the field, never ignored)."""

    date_from = forms.DateField(label=_("Desde"), required=False, input_formats=["%Y-%m-%d"])
    date_to = forms.DateField(label=_("Hasta"), required=False, input_formats=["%Y-%m-%d"])
    typology = forms.ChoiceField(label=_("Tipología"), required=False)
    state = forms.ChoiceField(
        label=_("Estado"), required=False, choices=[("", _("Todos")), *CaseState.choices]
    )
    department = forms.ChoiceField(label=_("Departamento"), required=False)
    institution = forms.ChoiceField(label=_("Institución que registra"), required=False)
    event_type = forms.ChoiceField(
        label=_("Tipo de evento"), required=False, choices=[("", _("Todos")), *EventType.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["typology"].choices = [
            ("", _("Todas")),
            *Category.objects.filter(kind=CategoryKind.TYPOLOGY, institution__isnull=True)
            .order_by("sort_order", "name")
            .values_list("code", "name"),
        ]
        fields["department"].choices = [
            ("", _("Todos")),
            *Ubigeo.objects.departments().order_by("name").values_list("code", "name"),
        ]
        fields["institution"].choices = [
            ("", _("Todas")),
            *Institution.objects.filter(is_active=True)
            .order_by("name")
            .values_list("slug", "name"),
        ]
        for name in ("typology", "state", "department", "institution", "event_type"):
            fields[name].error_messages["invalid_choice"] = _(
                "Valor desconocido: «%(value)s». Elija uno de la lista del diccionario de datos."
            )
        for name in ("date_from", "date_to"):
            fields[name].error_messages["invalid"] = _(
                "Fecha no válida: use el formato AAAA-MM-DD."
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("«Hasta» no puede ser anterior a «Desde»."))
        for name in ("date_from", "date_to"):
            value = data.get(name)
            if value is not None and value.year < 1900:
                self.add_error(name, _("La fecha debe ser de 1900 o posterior."))
        return data


def parse_filters(data: Any) -> tuple[ExportFilters | None, dict[str, list[str]]]:
    """The filters of a request's query (a ``QueryDict`` or a dict), or their errors by field
    (in the active language) when a value is unknown or malformed."""
    form = ExportFilterForm(data)
    if not form.is_valid():
        return None, {name: [str(m) for m in messages] for name, messages in form.errors.items()}
    return ExportFilters.from_data(form.cleaned_data), {}

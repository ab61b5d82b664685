"""Forms of early warning. Each part's forms sit under its own heading."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from willaq.accounts.models import Institution
from willaq.earlywarning.choices import AlertCertainty, AlertLevel, AlertMessageType, AlertUrgency
from willaq.earlywarning.selectors_alerts import AlertState
from willaq.earlywarning.services.alerts import AREA_DESCRIPTION_MAX, HEADLINE_MAX, AlertInput
from willaq.territory.models import Ubigeo

# Alerts ------------------------------------------------------------------------------------------


def _blank(choices: Any, label: Any) -> list[tuple[Any, Any]]:
    return [("", label), *[(value, text) for value, text in choices]]


class AlertFilterForm(forms.Form):
    """The filters of the alert list (``selectors_alerts.AlertFilters``)."""

    level = forms.ChoiceField(
        label=_("Nivel"), required=False, choices=_blank(AlertLevel.choices, _("Todos"))
    )
    state = forms.ChoiceField(
        label=_("Estado"), required=False, choices=_blank(AlertState.choices, _("Todos"))
    )
    department = forms.ChoiceField(label=_("Departamento"), required=False)
    visibility = forms.ChoiceField(
        label=_("Difusión"),
        required=False,
        choices=[("", _("Todas")), ("publica", _("Pública")), ("restringida", _("Restringida"))],
    )
    msg_type = forms.ChoiceField(
        label=_("Mensaje"), required=False, choices=_blank(AlertMessageType.choices, _("Todos"))
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = Ubigeo.objects.departments().order_by("search_name")
        self.fields["department"].choices = _blank(  # type: ignore[attr-defined]
            departments.values_list("code", "name"), _("Todos")
        )

    def filter_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data) if self.is_valid() else {}
        visibility = data.pop("visibility", "")
        data["is_public"] = {"publica": True, "restringida": False}.get(visibility)
        return data


class AlertForm(forms.Form):
    """Issue or update an alert. The area is a list of ubigeo codes (prefilled from the
    pre-alerts' or the case's places), with an optional point and radius or a polygon."""

    institution = forms.ModelChoiceField(
        label=_("Institución emisora"), queryset=Institution.objects.none(), empty_label=None
    )
    level = forms.ChoiceField(label=_("Nivel"), choices=AlertLevel.choices)
    urgency = forms.ChoiceField(
        label=_("Urgencia"), choices=AlertUrgency.choices, initial=AlertUrgency.EXPECTED
    )
    certainty = forms.ChoiceField(
        label=_("Certeza"), choices=AlertCertainty.choices, initial=AlertCertainty.LIKELY
    )
    headline = forms.CharField(label=_("Titular"), max_length=HEADLINE_MAX)
    description = forms.CharField(label=_("Descripción"), widget=forms.Textarea(attrs={"rows": 5}))
    instruction = forms.CharField(
        label=_("Instrucciones"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    area_units = forms.CharField(
        label=_("Área: códigos ubigeo"),
        help_text=_(
            "Departamentos, provincias o distritos separados por comas, p. ej. 080000 (Cusco) "
            "o 080701, 080702."
        ),
        required=False,
    )
    area_description = forms.CharField(
        label=_("Descripción del área"),
        max_length=AREA_DESCRIPTION_MAX,
        required=False,
        help_text=_("Si la deja vacía, se escriben los nombres de los lugares."),
    )
    latitude = forms.FloatField(label=_("Latitud"), required=False)
    longitude = forms.FloatField(label=_("Longitud"), required=False)
    radius_km = forms.FloatField(label=_("Radio (km)"), required=False)
    polygon = forms.CharField(
        label=_("Polígono"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Pares «latitud,longitud» separados por espacios; el primero se repite al final."
        ),
    )
    recipients = forms.ModelMultipleChoiceField(
        label=_("Instituciones destinatarias"),
        queryset=Institution.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_public = forms.BooleanField(
        label=_("Pública (en el canal Atom y visible sin iniciar sesión)"), required=False
    )
    expires_at = forms.DateTimeField(
        label=_("Vigente hasta"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    # Service field names that the form shows elsewhere.
    SERVICE_FIELDS = {"prealerts": "__all__", "case": "__all__", "reason": "__all__"}

    def __init__(
        self, *args: Any, institutions: QuerySet[Institution] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        if institutions is None:
            del self.fields["institution"]
        else:
            field.queryset = institutions  # type: ignore[attr-defined]
            if institutions.count() == 1:
                field.widget = forms.HiddenInput()
                field.initial = institutions.first()

    def alert_input(self) -> AlertInput:
        data = self.cleaned_data
        codes = (data.get("area_units") or "").replace(";", ",").split(",")
        return AlertInput(
            level=data["level"],
            urgency=data["urgency"],
            certainty=data["certainty"],
            headline=data["headline"],
            description=data["description"],
            instruction=data.get("instruction") or "",
            area_units=[code.strip() for code in codes if code.strip()],
            area_description=data.get("area_description") or "",
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            radius_km=data.get("radius_km"),
            polygon=data.get("polygon") or "",
            recipients=[i.slug for i in data.get("recipients") or []],
            is_public=bool(data.get("is_public")),
            expires_at=data.get("expires_at"),
        )


class AlertCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo de la cancelación"), widget=forms.Textarea(attrs={"rows": 4})
    )

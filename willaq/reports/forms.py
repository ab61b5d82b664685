"""The index page's forms: the filters (month, institution) and the build of a month's report."""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from willaq.accounts.access import AnyUser
from willaq.accounts.models import Institution
from willaq.reports.access import can_build
from willaq.reports.months import check_reportable, parse_month

REGISTRY = ""  # the institution choice meaning "the whole registry"


class MonthField(forms.CharField):
    """``AAAA-MM`` (what ``<input type=month>`` sends) → the month's first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "AAAA-MM"})

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_month(text)
        except ValidationError as exc:  # keyed by "month" in the engine: this field's error
            raise ValidationError(exc.messages) from exc


def _institution_choices(institutions: Any) -> list[tuple[str, str]]:
    registry = (REGISTRY, str(_("Todas las instituciones (registro compartido)")))
    return [registry, *((i.slug, i.name) for i in institutions)]


class FilterForm(forms.Form):
    mes = MonthField(label=_("Mes"), required=False)
    institucion = forms.ChoiceField(label=_("Institución"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        institutions = Institution.objects.filter(is_active=True).order_by("name")
        field = self.fields["institucion"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("*", str(_("Todas"))), *_institution_choices(institutions)]


class BuildForm(forms.Form):
    month = MonthField(label=_("Mes"))
    institution = forms.ChoiceField(label=_("Institución"), required=False)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        institutions = [
            i
            for i in Institution.objects.filter(is_active=True).order_by("name")
            if can_build(user, i)
        ]
        field = self.fields["institution"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _institution_choices(institutions)

    def clean_month(self) -> dt.date:
        month: dt.date = self.cleaned_data["month"]
        try:
            check_reportable(month)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from exc
        return month

    def clean_institution(self) -> Institution | None:
        slug = self.cleaned_data.get("institution") or REGISTRY
        if slug == REGISTRY:
            if not can_build(self.user, None):
                raise ValidationError(_("No puede generar el informe del registro compartido."))
            return None
        return Institution.objects.get(slug=slug)  # the choices hold only allowed ones

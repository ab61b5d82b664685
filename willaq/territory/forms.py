"""The place picker shared by every app's forms: department → province → district selects, the
lower levels filled through HTMX from ``territory:options`` (``static/js/cases.js`` sends the chosen
code); the deepest level chosen is the place's ubigeo code."""

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from willaq.core.widgets import CodePickerInput
from willaq.territory.models import Level, Ubigeo

TERRITORY_OPTIONS_URL = reverse_lazy("territory:options")
TERRITORY_SEARCH_URL = reverse_lazy("territory:search")


def _blank(choices: Any, label: StrOrPromise) -> list[tuple[Any, Any]]:
    return [("", label), *[(value, text) for value, text in choices if value != ""]]


class PlaceForm(forms.Form):
    """A form with places: ``<prefix>_department``, ``_province`` and ``_district`` selects
    (filled through HTMX from the territory endpoint); the deepest level chosen is the ubigeo."""

    _department_options: list[tuple[str, str]] | None = None

    def add_place_fields(self, prefix: str, *, required: bool) -> None:
        level_labels = {
            Level.DEPARTMENT: _("Departamento"),
            Level.PROVINCE: _("Provincia"),
            Level.DISTRICT: _("Distrito"),
        }
        chosen = {
            level: self._chosen(f"{prefix}_{level}") for level in (Level.DEPARTMENT, Level.PROVINCE)
        }
        options: dict[str, list[tuple[str, str]]] = {
            Level.DEPARTMENT: self._departments(),
            Level.PROVINCE: [],
            Level.DISTRICT: [],
        }
        if chosen[Level.DEPARTMENT]:
            options[Level.PROVINCE] = list(
                Ubigeo.objects.filter(parent__code=chosen[Level.DEPARTMENT])
                .order_by("search_name")
                .values_list("code", "name")
            )
        if chosen[Level.PROVINCE]:
            options[Level.DISTRICT] = list(
                Ubigeo.objects.filter(parent__code=chosen[Level.PROVINCE])
                .order_by("search_name")
                .values_list("code", "name")
            )
        levels = [Level.DEPARTMENT, Level.PROVINCE, Level.DISTRICT]
        for depth, level in enumerate(levels):
            name = f"{prefix}_{level}"
            attrs: dict[str, Any] = {"data-territory-level": level}
            if depth < 2:
                child = f"id_{prefix}_{levels[depth + 1]}"
                attrs |= {
                    "hx-get": str(TERRITORY_OPTIONS_URL),
                    "hx-trigger": "change",
                    "hx-target": f"#{child}",
                    "hx-swap": "innerHTML",
                    # static/js/cases.js sends the chosen code as ``parent`` (no hx-vals "js:":
                    # the Content-Security-Policy forbids evaluating attribute code).
                    "hx-params": "parent",
                    "data-territory-child": child,
                }
                if depth == 0:
                    attrs["data-territory-grandchild"] = f"id_{prefix}_{levels[2]}"
            self.fields[name] = forms.CharField(
                label=level_labels[level],
                required=required and depth == 0,
                widget=forms.Select(
                    choices=_blank(options[level], str(_("— elija —"))), attrs=attrs
                ),
                error_messages={"required": _("Elija al menos el departamento.")},
            )

    def _departments(self) -> list[tuple[str, str]]:
        if self._department_options is None:
            self._department_options = list(
                Ubigeo.objects.departments().order_by("search_name").values_list("code", "name")
            )
        return self._department_options

    def _chosen(self, name: str) -> str:
        if self.is_bound:
            return str(self.data.get(name) or "").strip()
        value = self.initial.get(name)
        return str(value or "")

    def clean_place(self, prefix: str, cleaned: dict[str, Any]) -> str | None:
        """The ubigeo code of the deepest level chosen, after checking the levels agree."""
        codes = [
            str(cleaned.get(f"{prefix}_{level}") or "").strip()
            for level in (Level.DEPARTMENT, Level.PROVINCE, Level.DISTRICT)
        ]
        if not any(codes):
            return None
        found = {u.code: u for u in Ubigeo.objects.filter(code__in=[c for c in codes if c])}
        parent_code = ""
        deepest = None
        for code, level in zip(
            codes, (Level.DEPARTMENT, Level.PROVINCE, Level.DISTRICT), strict=True
        ):
            name = f"{prefix}_{level}"
            if not code:
                break
            ubigeo = found.get(code)
            if ubigeo is None or ubigeo.level != level:
                self.add_error(name, _("Ubigeo desconocido: %(code)s.") % {"code": code})
                return None
            if parent_code and (
                (ubigeo.department_code if level == Level.PROVINCE else ubigeo.province_code)
                != parent_code
            ):
                self.add_error(name, _("No pertenece al lugar elegido en el nivel superior."))
                return None
            parent_code = code
            deepest = code
        return deepest

    @staticmethod
    def place_initial(prefix: str, ubigeo: Ubigeo) -> dict[str, str]:
        initial = {f"{prefix}_department": ubigeo.department_code}
        if ubigeo.level in (Level.PROVINCE, Level.DISTRICT):
            initial[f"{prefix}_province"] = (
                ubigeo.code if ubigeo.level == Level.PROVINCE else ubigeo.province_code
            )
        if ubigeo.level == Level.DISTRICT:
            initial[f"{prefix}_district"] = ubigeo.code
        return initial


class PlaceCodesInput(CodePickerInput):
    """Several places as ubigeo codes separated by commas, picked by name."""

    search_url = TERRITORY_SEARCH_URL
    search_label = _("Buscar un lugar por su nombre")
    none_label = _("Ningún lugar encontrado.")
    remove_label = _("Quitar")

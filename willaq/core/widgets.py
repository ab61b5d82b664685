"""Form widgets shared by every app."""

from typing import Any

from django import forms
from django_stubs_ext import StrOrPromise


class CodePickerInput(forms.TextInput):
    """Several records named by their codes, separated by commas (ubigeo codes, case codes).

    ``static/js/code-picker.js`` (which the page includes) hides the box and offers a search by
    name over ``search_url`` (``?q=``: a JSON list of ``{code, full_name}``; ``?codes=a,b``: those
    records, in that order) whose results add a record, and shows the chosen ones by name, each
    removable. Without JavaScript it is the plain text box of codes."""

    search_url: StrOrPromise = ""
    search_label: StrOrPromise = ""
    none_label: StrOrPromise = ""
    remove_label: StrOrPromise = ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-code-picker": "",
                "data-search-url": str(self.search_url),
                "data-search-label": str(self.search_label),
                "data-remove-label": str(self.remove_label),
                "data-none-label": str(self.none_label),
                "autocomplete": "off",
            }
        )
        return context

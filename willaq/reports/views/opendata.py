"""Open data at ``/datos/`` (no login): the page listing the datasets, their filters, formats and
data dictionary; the downloads; the dictionary as CSV or JSON.

Every download is the public's: the rows come from ``willaq.reports.opendata`` with an
``AnonymousUser`` whoever asks (a signed-in user gets their institution's private records
through the API instead), so a public link never depends on who opened it.
"""

import json
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from willaq.reports.exports import (
    FORMATS,
    TooManyRows,
    csv_chunks,
    export_response,
    filename,
    xlsx_max_rows,
)
from willaq.reports.opendata import (
    DATASETS,
    DATASETS_BY_SLUG,
    FILTER_NAMES,
    Column,
    ColumnType,
    ExportFilterForm,
    Lookups,
    dataset_query,
    dataset_rows,
    dictionary_rows,
    parse_filters,
)

DICTIONARY_COLUMNS = [
    Column(name, "", ColumnType.TEXT, ColumnType.TEXT)
    for name in ("dataset", "column", "hxl", "type", "meaning", "values", "public")
]


def _filter_query(form: ExportFilterForm) -> str:
    """The valid filters of the page's form as a query string for the download links."""
    if not form.is_bound or not form.is_valid():
        return ""
    values = {
        name: value.isoformat() if hasattr(value, "isoformat") else value
        for name, value in form.cleaned_data.items()
        if value
    }
    return urlencode(values)


def _page(
    request: HttpRequest, form: ExportFilterForm, status: int = 200, problem: str = ""
) -> HttpResponse:
    query = _filter_query(form) if status == 200 else ""
    anonymous = AnonymousUser()
    datasets: list[dict[str, Any]] = []
    for dataset in DATASETS:
        links = [
            (
                fmt,
                reverse("reports:open_data_export", args=[dataset.slug, fmt])
                + (f"?{query}" if query else ""),
            )
            for fmt in FORMATS
        ]
        datasets.append(
            {
                "dataset": dataset,
                "columns": dataset.columns_for(anonymous),
                "links": links if dataset.available else [],
                "filters": [form.fields[name].label for name in dataset.filters],
            }
        )
    context = {
        "form": form,
        "datasets": datasets,
        "problem": problem,
        "query": query,
        "xlsx_max_rows": xlsx_max_rows(),
        "filter_names": FILTER_NAMES,
    }
    return render(request, "reports/open_data.html", context, status=status)


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    form = ExportFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return _page(request, form, status=400, problem=_("Revise los filtros indicados."))
    return _page(request, form)


@require_GET
def open_data_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponseBase:
    dataset = DATASETS_BY_SLUG.get(slug)
    if dataset is None or fmt not in FORMATS:
        raise Http404("dataset")
    filters, errors = parse_filters(request.GET)
    hxl = request.GET.get("hxl", "")
    if hxl not in ("", "0", "1"):
        errors["hxl"] = [_("Use hxl=1 para añadir la fila de etiquetas HXL.")]
    if filters is None or errors:
        form = ExportFilterForm(request.GET)
        form.is_valid()
        for field, messages in errors.items():
            if field not in form.errors and field in form.fields:
                form.add_error(field, messages)
        return _page(
            request,
            form,
            status=400,
            problem=_("No se puede descargar: revise los filtros indicados.")
            + ("" if "hxl" not in errors else " " + errors["hxl"][0]),
        )
    anonymous = AnonymousUser()
    lookups = Lookups.load()
    try:
        return export_response(
            dataset.columns_for(anonymous),
            dataset_rows(dataset, anonymous, filters, lookups),
            fmt,
            filename(dataset.slug, fmt),
            hxl=hxl == "1",
            query=dataset_query(dataset, anonymous, filters, lookups),
        )
    except TooManyRows:
        return _page(
            request,
            ExportFilterForm(request.GET),
            status=400,
            problem=_(
                "La descarga en XLSX admite hasta %(n)s filas: use CSV, que no tiene límite, "
                "o acote los filtros."
            )
            % {"n": f"{xlsx_max_rows():,}"},
        )


@require_GET
def open_data_dictionary(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The data dictionary of every dataset, as CSV or JSON."""
    if fmt == "csv":
        rows = ([*entry.values()] for entry in dictionary_rows())
        response = HttpResponse(
            b"".join(csv_chunks(DICTIONARY_COLUMNS, rows)), content_type=FORMATS["csv"]
        )
    elif fmt == "json":
        response = HttpResponse(
            json.dumps(list(dictionary_rows()), ensure_ascii=False, indent=1),
            content_type="application/json",
        )
    else:
        raise Http404("format")
    response["Content-Disposition"] = f'attachment; filename="{filename("diccionario", fmt)}"'
    return response

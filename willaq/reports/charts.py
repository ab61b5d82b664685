"""The charts: one Vega-Lite spec (a dict) per chart from the monthly series, drawn in the browser
by ``static/js/charts.js`` (vega-embed) and on the server by ``render_svg`` / ``render_png``
(vl-convert, for the PDF).

The charts (``CHARTS``, by name):

=================  ===========================================================================
``active_latent``  cases active and latent at each month end (lines)
``new_resolved``   new and resolved cases per month (bars side by side)
``by_typology``    cases active and latent at the last month end by typology (stacked bars)
``by_department``  the same by department, multi-region cases apart by scope (stacked bars)
``protests``       collective protest actions per month (bars)
``victims``        dead and injured per month (bars side by side)
=================  ===========================================================================

Titles and axis labels are in the active language (gettext); numbers and dates follow es-PE
(``LOCALE``, carried in each spec's ``config.locale`` so the browser and vl-convert format them
alike); states keep the colours of the app's badges (``static/css/willaq.css``). The data are
inline: a spec is self-contained (no URL to fetch, nothing confidential: counts only).
"""

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

import vl_convert
from django.utils import dateformat
from django.utils.translation import gettext as _

from willaq.reports.series import ChartSeries, GroupCounts

Spec = dict[str, Any]

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
# The Vega-Lite version vl-convert renders with (the browser's is static/vendor/vega-lite-*).
VL_VERSION = "6.4"
# The width a chart is drawn at on paper (in the page it fills its container).
PAPER_WIDTH = 640

# The app's colours (willaq.css): --danger for active, --warn for latent, --ok for resolved,
# --accent for the rest.
COLOURS = {
    "active": "#a4161a",
    "latent": "#8a5200",
    "resolved": "#2b7a0b",
    "new": "#0b5f7a",
    "protests": "#0b5f7a",
    "deaths": "#1d2327",
    "injured": "#a4161a",
}

# Numbers and dates as Peru writes them (config/formats/es/formats.py: 12,345.50; "2 abr 2025"):
# d3-format and d3-time-format locale definitions.
LOCALE: dict[str, Any] = {
    "number": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["S/ ", ""]},
    "time": {
        "dateTime": "%A, %e de %B de %Y, %X",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": ["a. m.", "p. m."],
        "days": ["domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"],
        "shortDays": ["dom", "lun", "mar", "mié", "jue", "vie", "sáb"],
        "months": [
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "setiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ],
        "shortMonths": [
            "ene",
            "feb",
            "mar",
            "abr",
            "may",
            "jun",
            "jul",
            "ago",
            "set",
            "oct",
            "nov",
            "dic",
        ],
    },
}

_MONTH_AXIS = {"format": "%b %Y", "labelAngle": -45, "labelOverlap": True}


def _base(title: str, subtitle: str, series: ChartSeries) -> Spec:
    return {
        "$schema": SCHEMA,
        "title": {"text": title, "subtitle": subtitle, "anchor": "start"},
        "description": title,
        "width": "container",
        "height": 220,
        "autosize": {"type": "fit", "contains": "padding"},
        "usermeta": {"first": series["first"], "last": series["last"]},
        "config": {
            "locale": LOCALE,
            "font": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
            "view": {"stroke": None},
            "legend": {"orient": "bottom", "title": None},
        },
    }


def _month_name(label: str) -> str:
    """ "2026-10" → "oct 2026" (the app's way of writing a month)."""
    return dateformat.format(dt.date.fromisoformat(f"{label}-01"), "b Y")


def _period(series: ChartSeries) -> str:
    return _("De %(first)s a %(last)s") % {
        "first": _month_name(series["first"]),
        "last": _month_name(series["last"]),
    }


def _month(label: str) -> str:
    """ "2026-10" → "2026-10-01": read as a UTC date, drawn with UTC time units (no shift to the
    browser's time zone)."""
    return f"{label}-01"


def _monthly(
    series: ChartSeries, points: list[Any], columns: list[tuple[str, str, str]]
) -> tuple[list[dict[str, Any]], Spec]:
    """Long-form rows (month, series name, count) and the colour scale of ``columns``:
    (field of the point, label, colour key)."""
    rows = [
        {"month": _month(point["month"]), "serie": label, "count": point[field]}
        for point in points
        for field, label, _key in columns
    ]
    colour = {
        "field": "serie",
        "type": "nominal",
        "title": None,
        "sort": [label for _f, label, _k in columns],
        "scale": {
            "domain": [label for _f, label, _k in columns],
            "range": [COLOURS[key] for _f, _l, key in columns],
        },
    }
    return rows, colour


def _month_x(*, bars: bool = False) -> Spec:
    """Months along x: a time axis for lines, one band per month for bars (side by side)."""
    return {
        "field": "month",
        "type": "ordinal" if bars else "temporal",
        "timeUnit": "utcyearmonth",
        "title": _("Mes"),
        "axis": _MONTH_AXIS,
    }


def _count_axis(title: str, rows: list[dict[str, Any]], *, stacked: bool = False) -> Spec:
    """A count: ticks on whole numbers only (at most 5), grouped as es-PE writes them. Vega's
    ``tickMinStep`` still draws half steps on a small domain, so the tick count is set from the
    largest value; an empty chart keeps a 0–1 axis."""
    if stacked:
        totals: dict[str, int] = {}
        for row in rows:
            totals[row["group"]] = totals.get(row["group"], 0) + row["count"]
        largest = max(totals.values(), default=0)
    else:
        largest = max((row["count"] for row in rows), default=0)
    return {
        "field": "count",
        "type": "quantitative",
        "title": title,
        "scale": {"domainMin": 0, "domainMax": 1} if largest == 0 else {"domainMin": 0},
        "axis": {"format": ",d", "tickCount": max(1, min(5, largest))},
    }


def _tooltip(count_title: str) -> list[Spec]:
    return [
        {"field": "month", "type": "temporal", "timeUnit": "utcyearmonth", "title": _("Mes")},
        {"field": "serie", "type": "nominal", "title": _("Serie")},
        {"field": "count", "type": "quantitative", "title": count_title, "format": ","},
    ]


def active_latent(series: ChartSeries) -> Spec:
    rows, colour = _monthly(
        series,
        series["states"],
        [("active", _("Activos"), "active"), ("latent", _("Latentes"), "latent")],
    )
    spec = _base(_("Casos activos y latentes al cierre de cada mes"), _period(series), series)
    spec |= {
        "data": {"values": rows},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": _month_x(),
            "y": _count_axis(_("Casos"), rows),
            "color": colour,
            "tooltip": _tooltip(_("Casos")),
        },
    }
    return spec


def _side_by_side(series: ChartSeries, rows: list[Any], colour: Spec, y_title: str) -> Spec:
    return {
        "data": {"values": rows},
        "mark": {"type": "bar"},
        "encoding": {
            "x": _month_x(bars=True),
            "xOffset": {"field": "serie", "sort": colour["sort"]},
            "y": _count_axis(y_title, rows),
            "color": colour,
            "tooltip": _tooltip(y_title),
        },
    }


def new_resolved(series: ChartSeries) -> Spec:
    rows, colour = _monthly(
        series,
        series["flows"],
        [("new", _("Nuevos"), "new"), ("resolved", _("Resueltos"), "resolved")],
    )
    spec = _base(_("Casos nuevos y resueltos por mes"), _period(series), series)
    return spec | _side_by_side(series, rows, colour, _("Casos"))


def protests(series: ChartSeries) -> Spec:
    rows, colour = _monthly(
        series, series["events"], [("protest_actions", _("Acciones de protesta"), "protests")]
    )
    spec = _base(_("Acciones colectivas de protesta por mes"), _period(series), series)
    return spec | _side_by_side(series, rows, colour, _("Acciones de protesta"))


def victims(series: ChartSeries) -> Spec:
    rows, colour = _monthly(
        series,
        series["events"],
        [("deaths", _("Fallecidos"), "deaths"), ("injured", _("Heridos"), "injured")],
    )
    spec = _base(_("Fallecidos y heridos por mes"), _period(series), series)
    return spec | _side_by_side(series, rows, colour, _("Personas"))


def _by_group(title: str, axis_title: str, series: ChartSeries, groups: list[GroupCounts]) -> Spec:
    labels = [_("Activos"), _("Latentes")]
    rows = [
        {"group": row["name"], "serie": label, "count": row[state]}  # type: ignore[literal-required]
        for row in groups
        for state, label in (("active", labels[0]), ("latent", labels[1]))
    ]
    subtitle = _("Al cierre de %(month)s") % {"month": _month_name(series["last"])}
    spec = _base(title, subtitle, series)
    spec["height"] = {"step": 18}
    spec |= {
        "data": {"values": rows},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {
                "field": "group",
                "type": "nominal",
                "title": axis_title,
                "sort": [row["name"] for row in groups],
                "axis": {"labelLimit": 180},
            },
            "x": _count_axis(_("Casos"), rows, stacked=True) | {"stack": True},
            "color": {
                "field": "serie",
                "type": "nominal",
                "title": None,
                "sort": labels,
                "scale": {"domain": labels, "range": [COLOURS["active"], COLOURS["latent"]]},
            },
            "order": {"field": "serie", "sort": "ascending"},
            "tooltip": [
                {"field": "group", "type": "nominal", "title": axis_title},
                {"field": "serie", "type": "nominal", "title": _("Estado")},
                {"field": "count", "type": "quantitative", "title": _("Casos"), "format": ","},
            ],
        },
    }
    return spec


def by_typology(series: ChartSeries) -> Spec:
    return _by_group(
        _("Casos activos y latentes por tipología"), _("Tipología"), series, series["by_typology"]
    )


def by_department(series: ChartSeries) -> Spec:
    return _by_group(
        _("Casos activos y latentes por departamento"),
        _("Departamento o ámbito"),
        series,
        series["by_department"],
    )


# Every chart by name (the URL /reportes/graficos/<name>.json and the PDF use these names).
CHARTS: dict[str, Callable[[ChartSeries], Spec]] = {
    "active_latent": active_latent,
    "new_resolved": new_resolved,
    "by_typology": by_typology,
    "by_department": by_department,
    "protests": protests,
    "victims": victims,
}
# The charts of the dashboard (the last 24 months), in order.
DASHBOARD_CHARTS = ("active_latent", "new_resolved", "protests", "victims")


def for_paper(spec: Spec, width: int = PAPER_WIDTH) -> Spec:
    """The spec with a fixed width (there is no container to fill on paper)."""
    fixed = copy.deepcopy(spec)
    if fixed.get("width") == "container":
        fixed["width"] = width
    return fixed


def to_vega(spec: Spec) -> Spec:
    """The Vega spec Vega-Lite compiles ``spec`` to (raises ValueError if it is invalid)."""
    compiled: Spec = vl_convert.vegalite_to_vega(for_paper(spec), vl_version=VL_VERSION)
    return compiled


def render_svg(spec: Spec, width: int = PAPER_WIDTH) -> str:
    """The chart as an SVG document (for the PDF), es-PE numbers and dates."""
    svg: str = vl_convert.vegalite_to_svg(
        for_paper(spec, width),
        vl_version=VL_VERSION,
        format_locale=LOCALE["number"],
        time_format_locale=LOCALE["time"],
    )
    return svg


def render_png(spec: Spec, width: int = PAPER_WIDTH, scale: float = 2) -> bytes:
    """The chart as a PNG image (``scale`` 2: sharp when printed)."""
    png: bytes = vl_convert.vegalite_to_png(
        for_paper(spec, width),
        vl_version=VL_VERSION,
        scale=scale,
        format_locale=LOCALE["number"],
        time_format_locale=LOCALE["time"],
    )
    return png

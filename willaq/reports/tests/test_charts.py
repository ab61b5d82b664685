"""Every chart's spec is valid Vega-Lite (compiled by vl-convert), draws to SVG with its Spanish
title and es-PE numbers, and carries counts only."""

import json
import re
from typing import Any

import pytest
from django.utils import translation

from willaq.reports import charts
from willaq.reports.series import ChartSeries, GroupCounts


def series() -> ChartSeries:
    months = ["2025-10", "2025-11", "2025-12"]
    return ChartSeries(
        first=months[0],
        last=months[-1],
        institution=None,
        as_of="2025-12-31T23:59:59.999999-05:00",
        states=[{"month": m, "active": 1200 + i, "latent": 300} for i, m in enumerate(months)],
        flows=[{"month": m, "new": 3, "resolved": i} for i, m in enumerate(months)],
        events=[
            {"month": m, "protest_actions": 150 * i, "deaths": i, "injured": 2}
            for i, m in enumerate(months)
        ],
        by_typology=[
            GroupCounts(
                code="socioambiental", name="Socioambiental", kind="typology", active=9, latent=2
            ),
            GroupCounts(code="laboral", name="Laboral", kind="typology", active=1, latent=0),
        ],
        by_department=[
            GroupCounts(code="08", name="Cusco", kind="department", active=4, latent=1),
            GroupCounts(code="national", name="Nacional", kind="national", active=1, latent=0),
        ],
    )


TITLES = {
    "active_latent": "Casos activos y latentes al cierre de cada mes",
    "new_resolved": "Casos nuevos y resueltos por mes",
    "by_typology": "Casos activos y latentes por tipología",
    "by_department": "Casos activos y latentes por departamento",
    "protests": "Acciones colectivas de protesta por mes",
    "victims": "Fallecidos y heridos por mes",
}


def texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


@pytest.mark.parametrize("name", sorted(charts.CHARTS))
def test_each_chart_compiles_and_draws_with_its_spanish_title(name: str) -> None:
    with translation.override("es"):
        spec = charts.CHARTS[name](series())
    assert spec["$schema"].endswith("/vega-lite/v6.json")
    vega = charts.to_vega(spec)
    assert vega["$schema"].endswith("/vega/v6.json")
    assert vega["title"]["text"] == TITLES[name]
    svg = charts.render_svg(spec)
    assert svg.startswith("<svg")
    assert TITLES[name] in texts(svg)


def test_numbers_and_months_are_written_as_in_peru() -> None:
    with translation.override("es"):
        svg = charts.render_svg(charts.active_latent(series()))
    labels = texts(svg)
    assert "1,200" in labels  # a thousands comma, as config/formats/es writes 1,200
    assert "oct 2025" in labels
    assert "dic 2025" in labels
    assert "De oct 2025 a dic 2025" in labels
    assert "Activos" in labels
    assert "Latentes" in labels


def test_states_keep_the_app_colours() -> None:
    spec = charts.active_latent(series())
    scale = spec["encoding"]["color"]["scale"]
    assert scale["range"] == ["#a4161a", "#8a5200"]  # willaq.css: --danger, --warn
    svg = charts.render_svg(spec)
    assert 'stroke="#a4161a"' in svg
    assert 'stroke="#8a5200"' in svg


def test_small_counts_have_whole_ticks_only() -> None:
    data = series()
    data["events"] = [
        {"month": m, "protest_actions": 0, "deaths": 0, "injured": 2}
        for m in ("2025-10", "2025-11", "2025-12")
    ]
    labels = texts(charts.render_svg(charts.victims(data)))
    ticks = [t for t in labels if t.isdigit()]
    assert ticks == ["0", "1", "2"]
    data["events"] = [{"month": "2025-12", "protest_actions": 0, "deaths": 0, "injured": 0}]
    empty = texts(charts.render_svg(charts.victims(data)))
    assert [t for t in empty if t.isdigit()] == ["0", "1"]


def test_a_spec_holds_counts_only() -> None:
    spec: dict[str, Any] = charts.by_department(series())
    rows = spec["data"]["values"]
    assert len(rows) == 4  # two groups, active and latent
    assert {frozenset(row) for row in rows} == {frozenset({"group", "serie", "count"})}
    assert json.loads(json.dumps(spec)) == spec  # plain JSON, for the page and the PDF


def test_render_png_and_english() -> None:
    png = charts.render_png(charts.protests(series()))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    with translation.override("en"):
        spec = charts.protests(series())
    assert charts.to_vega(spec)["title"]["text"]  # translated or not, still a valid chart

"""The map in a real browser (Debian's Chromium through Playwright): clusters and the choropleth
with its legend, a filter, a click on a case showing its summary; the public map without login
shows neither the draft nor a link to the case. No Content-Security-Policy violation."""

from typing import Any

import pytest
from django.core.management import call_command

from willaq.accounts.models import Role
from willaq.cases.choices import CaseState
from willaq.reports import map as map_data
from willaq.testing.browser import log_in
from willaq.testing.factories import CaseFactory, InstitutionFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIMA_DISTRICTS = ("150101", "150102", "150103", "150104", "150105", "150106", "150107", "150108")


def open_filters(page: Any) -> None:
    """At phone width the filters are folded behind their button."""
    if not page.locator("#id_state").is_visible():
        page.locator("details.filter-panel summary").click()


def test_the_map_shows_clusters_the_choropleth_and_a_case_summary(
    browser_page: Any, live_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    call_command("load_territory", verbosity=0)
    call_command("load_population", verbosity=0)
    call_command("load_categories", verbosity=0)
    monkeypatch.setattr(map_data, "POINT_LIMIT", 5)  # a handful of cases is already a cluster
    owner = InstitutionFactory(slug="defensoria", name="Defensoría del Pueblo", acronym="DP")
    other = InstitutionFactory(slug="onds", name="Oficina de Diálogo", acronym="ONDS")
    member(owner, Role.ANALYST, email="analista@dp.gob.pe")
    cusco = CaseFactory(institution=owner, name="Conflicto hídrico de Cusco", place="080101")
    CaseFactory(institution=owner, name="Borrador de Puno", state=CaseState.DRAFT, place="210101")
    for code in LIMA_DISTRICTS:
        CaseFactory(institution=other, state=CaseState.LATENT, place=code)

    page = browser_page
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    log_in(page, live_server.url, "analista@dp.gob.pe")
    assert page.locator("nav a[href='/mapa/']").count() == 1
    page.goto(live_server.url + "/mapa/")

    # Clusters drawn by the server's grid, and the choropleth with its legend.
    page.locator(".map-cluster").first.wait_for()
    page.locator("path.map-unit").first.wait_for()
    page.locator(".map-legend").wait_for()
    assert page.locator("path.map-unit").count() == 25
    assert "Número de casos" in page.locator(".map-legend").inner_text()
    counts = [int(t) for t in page.locator(".map-cluster").all_inner_texts()]
    assert sum(counts) == 10  # the institution's draft included, on its own map
    page.wait_for_function("document.getElementById('map-status').textContent.includes('10')")

    # A filter: only the active case, drawn as a point; a click shows its summary.
    open_filters(page)
    page.select_option("#id_state", "active")
    page.locator(".map-case").first.wait_for()
    assert page.locator(".map-cluster").count() == 0
    assert page.locator(".map-case").count() == 1
    page.locator(".map-case").first.click()
    summary = page.locator("#map-summary")
    summary.get_by_text("Conflicto hídrico de Cusco").wait_for()
    assert "Activo" in summary.inner_text()
    assert cusco.code in summary.inner_text()
    assert summary.locator("a").get_attribute("href") == f"/casos/{cusco.uuid}/"

    # The rate per 100,000 inhabitants: the legend says so.
    page.select_option("#id_measure", "rate")
    page.locator(".map-legend", has_text="Casos por 100 000 habitantes").wait_for()

    # The public map, without login: no draft, no link to the case.
    page.context.clear_cookies()
    page.goto(live_server.url + "/mapa/publico/")
    assert "/cuentas/entrar/" not in page.url
    page.locator(".map-cluster").first.wait_for()
    counts = [int(t) for t in page.locator(".map-cluster").all_inner_texts()]
    assert sum(counts) == 9
    assert page.locator("#id_state option[value=draft]").count() == 0
    open_filters(page)
    page.select_option("#id_state", "active")
    page.locator(".map-case").first.click()
    summary.get_by_text("Conflicto hídrico de Cusco").wait_for()
    assert summary.locator("a").count() == 0
    assert "Borrador de Puno" not in page.content()
    assert violations == []

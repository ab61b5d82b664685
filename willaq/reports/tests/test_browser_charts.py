"""The dashboard's charts in a real browser (Debian's Chromium through Playwright): each chart
element gets its Vega-Lite chart drawn from /reportes/graficos/<name>.json under the site's
Content-Security-Policy (no eval: vega-interpreter), with a menu that only saves SVG or PNG."""

from typing import Any

import pytest
from django.core.management import call_command

from willaq.accounts.models import Role
from willaq.cases.choices import CaseState
from willaq.testing.browser import log_in
from willaq.testing.factories import CaseFactory, EventFactory, InstitutionFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_draws_its_charts_under_the_csp(browser_page: Any, live_server: Any) -> None:
    call_command("load_territory", verbosity=0)
    call_command("load_categories", verbosity=0)
    institution = InstitutionFactory(slug="defensoria", name="Defensoría del Pueblo")
    member(institution, Role.ANALYST, email="ana@dp.gob.pe")
    other = InstitutionFactory(slug="onds", name="ONDS")
    case = CaseFactory(institution=institution)
    CaseFactory(institution=institution, state=CaseState.LATENT)
    CaseFactory(institution=other, state=CaseState.DRAFT)
    EventFactory(case=case)
    page = browser_page
    url = live_server.url

    log_in(page, url, "ana@dp.gob.pe")
    page.goto(url + "/")
    charts = page.locator("figure.chart[data-vega-spec]")
    assert charts.count() == 4
    page.wait_for_function(
        "document.querySelectorAll('figure.chart[data-chart-state=ready]').length === 4"
    )
    for index in range(4):
        chart = charts.nth(index)
        assert chart.locator("svg.marks, canvas.marks").count() == 1
        # The menu saves as SVG or PNG, nothing else, in Spanish.
        chart.locator("details summary").click()
        links = chart.locator(".vega-actions a")
        assert links.count() == 2
        assert links.all_inner_texts() == ["Guardar como SVG", "Guardar como PNG"]
        chart.locator("details summary").click()
    first = charts.nth(0)
    assert "Casos activos y latentes al cierre de cada mes" in first.inner_text()
    assert page.evaluate("window.__violations") == []
    assert page.console_errors == []
    # Phone width: no horizontal scroll.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

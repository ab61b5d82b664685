"""A coordinator builds and publishes a month's report in a real browser (Debian's Chromium
through Playwright), with a real Celery worker on the embedded filesystem broker: the build
waits in the queue, the HTMX progress bar polls, the report appears, is published, and its PDF
downloads; then an anonymous visitor reads the published version.

The worker is started only once the page shows the build waiting in the queue, so the progress
bar is seen for certain."""

from typing import Any

import pytest
from django.core.management import call_command

from willaq.accounts.models import Role
from willaq.reports.models import MonthlyReport, ReportStatus
from willaq.reports.tests.conftest import at, registered_case
from willaq.testing.browser import log_in
from willaq.testing.factories import InstitutionFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_builds_publishes_and_downloads_the_report(
    browser_page: Any, live_server: Any, real_worker: Any
) -> None:
    call_command("load_territory", verbosity=0)
    call_command("load_categories", verbosity=0)
    institution = InstitutionFactory(slug="defensoria", name="Defensoría del Pueblo", acronym="DP")
    coordinator = member(institution, Role.COORDINATOR, email="coord@dp.gob.pe")
    analyst = member(institution, Role.ANALYST, email="ana@dp.gob.pe")
    for n in range(4):
        registered_case(analyst, coordinator, institution, f"Caso {n}", at(2, 3 + n))

    page = browser_page
    log_in(page, live_server.url, "coord@dp.gob.pe")
    assert page.locator("nav a[href='/reportes/']").count() == 1
    page.goto(live_server.url + "/reportes/mensual/2025-03/?institucion=defensoria")
    assert "Borrador — no publicado." in page.locator("#report-status").inner_text()
    assert page.locator('[data-figure="total"]').inner_text() == "4"

    page.click("#build-report")
    page.locator("#build-progress progress").wait_for()
    assert "En cola" in page.locator("#build-progress").inner_text()
    with real_worker():
        # HTMX polls the bar; when the build ends the page reloads with the built report.
        page.wait_for_selector("#draft-pdf", timeout=60_000)
    report = MonthlyReport.objects.get()
    assert report.status == ReportStatus.READY

    page.once("dialog", lambda dialog: dialog.accept())  # "¿Publicar este reporte?"
    page.fill("#id_publish_note", "Cierre de marzo")
    page.click("#publish-report")
    page.wait_for_selector('[data-shown-version="1"]')
    # The published version draws the charts it was built with (vega-embed, under the CSP).
    page.wait_for_selector('#graficos figure[data-chart-state="ready"] svg')
    assert page.locator("#graficos figure.chart").count() == 6
    assert page.locator('#graficos figure[data-chart-state="error"]').count() == 0
    assert "Cierre de marzo" in page.locator("#report-status").inner_text()

    download = page.request.get(
        live_server.url + page.locator("#download-pdf").get_attribute("href")
    )
    assert download.status == 200
    assert download.headers["content-type"] == "application/pdf"
    assert download.body().startswith(b"%PDF-")

    # The public reads the published version, without login.
    page.context.clear_cookies()
    page.goto(live_server.url + "/reportes/mensual/2025-03/?institucion=defensoria")
    assert page.locator('[data-shown-version="1"]').count() == 1
    assert page.locator('[data-figure="total"]').inner_text() == "4"
    public_pdf = page.request.get(
        live_server.url + "/reportes/mensual/2025-03.pdf?institucion=defensoria"
    )
    assert public_pdf.status == 200
    assert public_pdf.body() == download.body()

"""A real browser (Debian's Chromium driven by Playwright) logs in and creates a case.

Skipped only when Chromium is missing on a developer machine; CI sets WILLAQ_REQUIRE_BROWSER=1
(and installs Chromium), where a missing browser fails the run instead.
"""

import os
import shutil
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connections
from django.urls import reverse
from playwright.sync_api import sync_playwright

from willaq.accounts.models import Role
from willaq.cases.choices import CaseState
from willaq.cases.models import Case
from willaq.testing.factories import InstitutionFactory, member

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    if CHROMIUM is None:
        if os.environ.get("WILLAQ_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (WILLAQ_REQUIRE_BROWSER=1) but was not found")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself (not by the server thread) are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(locale="es-PE", viewport={"width": 412, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()
        # Playwright runs the test in a greenlet with its own context, hence its own database
        # connection: close it, or PostgreSQL cannot drop the test database at the end.
        connections.close_all()


def test_analyst_logs_in_and_creates_a_case(browser_page, live_server):
    # Transactional tests start from flushed tables: load the reference data again.
    call_command("load_territory", verbosity=0)
    call_command("load_categories", verbosity=0)
    institution = InstitutionFactory(slug="defensoria", name="Defensoría del Pueblo", acronym="DP")
    member(institution, Role.ANALYST, email="ana@dp.gob.pe", full_name="Ana Analista")

    page = browser_page
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("input[name=username]", "ana@dp.gob.pe")
    page.fill("input[name=password]", "clave-segura-123")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(live_server.url + reverse("cases:create"))
    page.fill("#id_name", "Bloqueo de la carretera por el agua de Huaraz")
    page.fill("#id_start_date", "2025-04-02")
    page.select_option("#id_typology", label="Socioambiental")
    # Department → province → district: each choice loads the next list through HTMX.
    page.select_option("#id_place0_department", value="020000")
    page.wait_for_selector("#id_place0_province option[value='020100']", state="attached")
    page.select_option("#id_place0_province", value="020100")
    page.wait_for_selector("#id_place0_district option[value='020101']", state="attached")
    page.select_option("#id_place0_district", value="020101")
    page.click("form#case-form button[type=submit]")
    page.wait_for_selector("text=Bloqueo de la carretera por el agua de Huaraz")

    case = Case.objects.get(name="Bloqueo de la carretera por el agua de Huaraz")
    assert case.state == CaseState.DRAFT
    assert case.places.get(is_principal=True).ubigeo.code == "020101"
    assert page.url.endswith(f"/casos/{case.uuid}/")
    assert page.locator("text=Borrador").first.is_visible()

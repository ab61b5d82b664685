"""A commitment followed to fulfilment in a real browser at a phone's width (Debian's Chromium
through Playwright): evidence added, progress reported as fulfilled, the calendar's agenda —
under the site's Content-Security-Policy, without horizontal scrolling."""

from typing import Any

import pytest
from django.core.management import call_command

from willaq.dialogue.choices import CommitmentState
from willaq.dialogue.models import CommitmentEvidence
from willaq.dialogue.tests.conftest import Roundtable
from willaq.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _territory(transactional_db: None) -> None:
    call_command("load_territory", verbosity=0)
    call_command("load_categories", verbosity=0)


def test_the_coordinator_follows_a_commitment_to_fulfilment_on_a_phone(
    browser_page: Any, live_server: Any, roundtable: Roundtable
) -> None:
    page = browser_page
    url = live_server.url
    log_in(page, url, "coord@dp.gob.pe")
    page.set_viewport_size(PHONE)

    page.goto(f"{url}/dialogo/compromisos/")
    assert page.locator("table.commitment-table tbody tr").count() == 3
    page.get_by_role("link", name="2. Estudio de calidad del agua").click()
    page.wait_for_url(f"{url}/dialogo/compromisos/{roundtable.water.uuid}/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.locator("#evidencias summary").click()
    page.fill("#evidencias input[name=description]", "Informe del laboratorio")
    page.fill("#evidencias input[name=url]", "https://minera.pe/estudio-agua.pdf")
    page.locator("#evidencias button[type=submit]").click()
    page.wait_for_url(f"{url}/dialogo/compromisos/{roundtable.water.uuid}/#evidencias")
    assert page.locator(".evidence-list > li").count() == 1

    page.select_option("#avance select[name=state]", CommitmentState.FULFILLED)
    page.fill("#avance input[name=progress]", "100")
    page.fill("#avance textarea[name=note]", "Estudio entregado a la comunidad")
    page.locator("#avance button[type=submit]").click()
    page.wait_for_url(f"{url}/dialogo/compromisos/{roundtable.water.uuid}/#avance")
    assert "Cumplido" in page.locator("#estado-compromiso").inner_text()
    assert "Estudio entregado a la comunidad" in page.locator("#historial").inner_text()
    assert CommitmentEvidence.objects.count() == 1

    page.goto(f"{url}/dialogo/calendario/?mes=2026-04")
    assert not page.locator(".calendar-grid").is_visible()  # the agenda serves the phone
    assert page.locator(".agenda-entry").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1200, "height": 900})
    assert page.locator(".calendar-grid").is_visible()

    assert page.evaluate("window.__violations") == []
    assert page.console_errors == []

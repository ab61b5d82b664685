"""The open-data page in a real browser (Debian's Chromium through Playwright), on a phone
(360 px), without an account: the link in the top bar, a dataset's dictionary, a download."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from willaq.testing.factories import CaseFactory, EventFactory, InstitutionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_page_on_a_phone_and_a_download(browser_page, live_server):
    call_command("load_territory", verbosity=0)
    call_command("load_categories", verbosity=0)
    institution = InstitutionFactory(slug="defensoria", name="Defensoría del Pueblo")
    EventFactory(case=CaseFactory(institution=institution), notes="NOTA-PRIVADA")

    page = browser_page
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server.url + "/cuentas/entrar/")
    page.locator("header a.public-link").click()
    page.wait_for_selector("h1")
    assert page.url == live_server.url + "/datos/"
    assert page.locator("#eventos h2").inner_text().startswith("Eventos")
    # The commitments of public dialogue spaces are a dataset like the others now (issue 9).
    assert page.locator("#compromisos").inner_text().count("próximamente") == 0
    assert page.locator("#compromisos a", has_text="CSV").count() == 1

    page.locator("#eventos details summary").click()
    assert page.locator("#eventos table.dictionary tr:has-text('event_id_cnty')").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    link = page.locator("#eventos a", has_text="CSV")
    box = link.bounding_box()
    assert box is not None
    assert box["height"] >= 44
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == f"willaq-eventos-{timezone.localdate()}.csv"
    text = open(download.path(), encoding="utf-8").read()  # noqa: SIM115
    assert len(text.splitlines()) == 2  # the header and the one event
    assert "NOTA-PRIVADA" not in text

"""Adding a people's locality in a real Chromium against the live server: the place is picked
department → province → district (each level filled by HTMX from the territory list), not typed
as a six-digit code. No CSP violation or console error on the way."""

from typing import Any

import pytest
from django.core.management import call_command

from willaq.accounts.models import User
from willaq.peoples.models import Locality
from willaq.testing.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_picks_the_locality_level_by_level(
    browser_page: Any, live_server: Any, analyst: User
) -> None:
    call_command("load_territory", verbosity=0)
    page = browser_page
    log_in(page, live_server.url, analyst.email)
    page.goto(live_server.url + "/pueblos/awajun/localidades/nueva/")

    assert page.locator("#id_place_province option").count() == 1  # nothing below yet
    page.select_option("#id_place_department", "010000")  # Amazonas
    # Playwright waits for the option HTMX brings.
    page.select_option("#id_place_province", "010200")  # Bagua
    page.select_option("#id_place_district", "010205")  # Imaza
    districts = page.locator("#id_place_district option").evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert all(code == "" or code.startswith("0102") for code in districts)
    page.fill("#id_name", "Comunidad Nativa Wawas")
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/pueblos/awajun/")

    locality = Locality.objects.get(name="Comunidad Nativa Wawas")
    assert locality.ubigeo.code == "010205"
    assert "Comunidad Nativa Wawas" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate("window.__violations") == []
    assert page.console_errors == []

"""The public complaint form on a phone (390 × 844) in a real Chromium against the live server:
fill it (the province and district from the public territory list), attach a photo, send it,
read the code, look the code up. No CSP violation or console error on the way."""

import re
import time
from typing import Any

import pytest
from django.core.management import call_command

from willaq.complaints.models import Complaint
from willaq.complaints.tests.conftest import PNG
from willaq.testing.factories import InstitutionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _until_options(page: Any, selector: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while page.locator(f"{selector} option").count() < 2:
        if time.monotonic() > deadline:
            raise AssertionError(f"no options in {selector}")
        page.wait_for_timeout(100)


def test_phone_citizen_files_a_complaint_and_follows_it(
    browser_page: Any, live_server: Any
) -> None:
    call_command("load_territory", verbosity=0)
    call_command("load_holidays", "--years", "2024-2030", verbosity=0)
    InstitutionFactory(slug="oefa", name="Organismo de Evaluación y Fiscalización Ambiental")
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/denuncias/nueva/")

    page.select_option("#id_kind", "discharge")
    page.fill("#id_description", "El desagüe de la curtiembre vierte agua azul al río.")
    page.select_option("#id_place_department", "080000")
    _until_options(page, "#id_place_province")
    page.select_option("#id_place_province", "080100")
    _until_options(page, "#id_place_district")
    page.select_option("#id_place_district", "080101")
    page.set_input_files(
        "#id_photos", files=[{"name": "rio.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.check("#id_is_anonymous")
    assert not page.locator("#id_complainant_name").is_visible()
    assert page.locator("#id_website").bounding_box()["x"] < 0  # the honeypot: off screen
    page.click("[data-submit]")

    code = page.locator("[data-tracking-code]").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}", code)
    complaint = Complaint.objects.get()
    assert complaint.ubigeo is not None
    assert complaint.ubigeo.code == "080101"
    assert complaint.photos.count() == 1
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.click("a[href='/denuncias/seguimiento/']")
    page.fill("#id_code", code.replace("-", "").lower())
    page.click("form button[type=submit]")
    assert page.locator("[data-state]").inner_text().strip() == "Recibida"
    assert page.evaluate("window.__violations") == []
    assert page.console_errors == []


def test_a_department_chosen_before_the_territory_list_arrives_still_fills_the_provinces(
    browser_page: Any, live_server: Any
) -> None:
    """A slow line: the citizen picks the department while the territory list is still on its
    way. When the list arrives the provinces of that department appear, without a second pick."""
    call_command("load_territory", verbosity=0)
    page = browser_page
    held: list[Any] = []
    page.route("**/prealertas/territorio.json", lambda route: held.append(route))
    page.goto(live_server.url + "/denuncias/nueva/")
    deadline = time.monotonic() + 15
    while not held:
        assert time.monotonic() < deadline, "the form never asked for the territory list"
        page.wait_for_timeout(50)

    page.select_option("#id_place_department", "080000")
    assert page.locator("#id_place_province option").count() == 1  # only the blank one yet
    held[0].continue_()
    _until_options(page, "#id_place_province", timeout=15)
    provinces = page.locator("#id_place_province option").evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert "080100" in provinces
    assert all(code == "" or code.startswith("08") for code in provinces)
    page.select_option("#id_place_province", "080100")
    _until_options(page, "#id_place_district", timeout=15)
    assert page.evaluate("window.__violations") == []
    assert page.console_errors == []

"""The alert's area picked by name in a real Chromium (willaq.territory.forms.PlaceCodesInput
and static/js/code-picker.js): the codes prefilled from the case are shown by name, a search
adds a place, a chip removes one, Enter in the search does not send the form; what is sent is
the codes box the server always read."""

from typing import Any

import pytest
from django.core.management import call_command

from willaq.accounts.models import Role
from willaq.earlywarning.models import Alert
from willaq.testing.browser import log_in
from willaq.testing.factories import CaseFactory, InstitutionFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_picks_the_alert_area_by_name(browser_page: Any, live_server: Any) -> None:
    call_command("load_territory", verbosity=0)
    institution = InstitutionFactory(slug="defensoria", name="Defensoría del Pueblo")
    coordinator = member(institution, Role.COORDINATOR, email="coord@dp.gob.pe")
    case = CaseFactory.create(institution=institution, place="080701", name="Corredor minero")
    page = browser_page
    url = live_server.url
    log_in(page, url, coordinator.email)
    page.goto(f"{url}/alertas/nueva/?caso={case.uuid}")

    # The case's place, by name; the codes box itself is hidden, its label on the search.
    chips = page.locator(".picker-chips li")
    chips.filter(has_text="Santo Tomás, Chumbivilcas, Cusco (080701)").wait_for()
    assert chips.count() == 1
    assert not page.locator("#id_area_units").is_visible()
    page.get_by_label("Área: lugares").fill("capac")
    page.locator(".picker-results button[data-code='080702']").click()
    chips.filter(has_text="Capacmarca, Chumbivilcas, Cusco (080702)").wait_for()
    assert chips.count() == 2
    assert page.input_value("#id_area_units") == "080701, 080702"
    # The same place again is not added twice (there are three Santo Tomás: the names tell).
    search = page.locator("[data-picker-search]")
    search.fill("santo tomas")
    page.locator(".picker-results button[data-code='080701']").click()
    assert page.input_value("#id_area_units") == "080701, 080702"
    # Enter picks the first result and does not send the form.
    search.fill("colquemarca")
    page.locator(".picker-results button[data-code='080704']").wait_for()
    search.press("Enter")
    page.locator(".picker-results").wait_for(state="hidden")
    assert page.url == f"{url}/alertas/nueva/?caso={case.uuid}"
    assert page.input_value("#id_area_units") == "080701, 080702, 080704"
    page.get_by_role("button", name="Quitar Colquemarca, Chumbivilcas, Cusco").click()
    # A chip's button removes its place.
    page.get_by_role("button", name="Quitar Santo Tomás, Chumbivilcas, Cusco").click()
    assert page.input_value("#id_area_units") == "080702"
    assert chips.count() == 1
    # A search that finds nothing says so.
    page.locator("[data-picker-search]").fill("zzzz")
    page.locator(".picker-results", has_text="Ningún lugar encontrado.").wait_for()

    page.select_option("#id_level", "yellow")
    page.fill("#id_headline", "Riesgo de paro en Capacmarca")
    page.fill("#id_description", "Comuneros anuncian un paro.")
    page.get_by_role("button", name="Emitir", exact=True).click()
    page.wait_for_url(f"{url}/alertas/*/")
    alert = Alert.objects.get()
    assert [unit.code for unit in alert.area_units.all()] == ["080702"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate("window.__violations") == []
    assert page.console_errors == []

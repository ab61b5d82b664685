"""A new prior-consultation process in a real Chromium: two pickers on one form, the linked
cases by code or name (GET /casos/buscar/) and the other places by name (/territorio/buscar/),
each keeping its own codes box; what is saved is what was picked."""

from typing import Any

import pytest
from django.core.management import call_command

from willaq.accounts.models import Institution, User
from willaq.consultation.models import ConsultationProcess
from willaq.testing.browser import log_in
from willaq.testing.factories import CaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_analyst_links_cases_and_places_by_name(
    browser_page: Any, live_server: Any, analyst: User, other_institution: Institution
) -> None:
    call_command("load_territory", verbosity=0)
    case = CaseFactory.create(institution=other_institution, name="Derrame en el Lote 192")
    CaseFactory.create(institution=other_institution, name="Derrame en Cuninico")
    page = browser_page
    url = live_server.url
    log_in(page, url, analyst.email)
    page.goto(url + "/consulta-previa/nuevo/")

    page.fill("#id_title", "Consulta del Lote 192")
    page.select_option("#id_measure_kind", index=1)
    page.select_option("#id_measure_type", index=1)
    page.select_option("#id_peoples", ["achuar", "kichwa"])
    # The cases: two found by a word of their names; one picked.
    page.get_by_label("Casos vinculados").fill("derrame")
    results = page.locator("#field-cases .picker-results button[data-code]")
    results.nth(1).wait_for()
    assert results.count() == 2
    page.locator(f"#field-cases .picker-results button[data-code='{case.code}']").click()
    page.locator("#field-cases .picker-chips li", has_text="Derrame en el Lote 192").wait_for()
    # The places, on the same form, into their own box.
    page.get_by_label("Otros lugares (provincias o distritos)").fill("trompeteros")
    page.locator("#field-localities .picker-results button[data-code]").first.click()
    page.locator("#field-localities .picker-chips li", has_text="Trompeteros").wait_for()
    assert page.input_value("#id_cases") == case.code
    locality = page.input_value("#id_localities")
    assert len(locality) == 6
    assert locality.startswith("16")  # a district of Loreto
    page.get_by_role("button", name="Guardar").click()
    page.wait_for_url(f"{url}/consulta-previa/*/")

    process = ConsultationProcess.objects.get()
    assert list(process.cases.values_list("code", flat=True)) == [case.code]
    assert list(process.localities.values_list("code", flat=True)) == [locality]
    assert page.evaluate("window.__violations") == []
    assert page.console_errors == []

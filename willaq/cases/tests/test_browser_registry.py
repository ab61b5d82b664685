"""A real browser registers a case in "Lima Provincias" (a grouping offered beside the
department/province/district picker) with a year-only start date, then adds the case's id in
another system from the case page."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from willaq.accounts.models import Role
from willaq.cases.models import Case
from willaq.testing.browser import log_in
from willaq.testing.factories import InstitutionFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_case_in_a_grouping_with_a_year_and_an_external_id(browser_page, live_server):
    call_command("load_territory", verbosity=0)
    call_command("load_categories", verbosity=0)
    institution = InstitutionFactory(slug="defensoria", name="Defensoría del Pueblo", acronym="DP")
    member(institution, Role.ANALYST, email="ana@dp.gob.pe", full_name="Ana Analista")

    page = browser_page
    log_in(page, live_server.url, "ana@dp.gob.pe")

    page.goto(live_server.url + reverse("cases:create"))
    page.fill("#id_name", "Conflicto por el agua en Lima Provincias")
    page.fill("#id_start_date", "2019-01-01")
    page.select_option("#id_start_date_precision", value="year")
    page.select_option("#id_typology", label="Socioambiental")
    page.select_option("#id_place0_grouping", label="Lima Provincias")
    page.click("form#case-form button[type=submit]")
    page.wait_for_selector("h1:has-text('Conflicto por el agua en Lima Provincias')")
    assert page.locator("#lugares li").count() == 1
    assert "Lima Provincias" in page.locator("#lugares").inner_text()
    assert page.locator("dd", has_text="2019").count() >= 1

    page.click("text=Añadir identificador externo")
    page.fill("#id_source", "defensoria")
    page.fill("#id_external_id", "DP-2019-117")
    page.click("form.record-form button[type=submit]")
    page.wait_for_selector("#identificadores code:has-text('DP-2019-117')")
    case = Case.objects.get(name="Conflicto por el agua en Lima Provincias")
    assert list(case.external_ids.values_list("source", "external_id")) == [
        ("defensoria", "DP-2019-117")
    ]
    assert list(case.places.values_list("grouping__code", flat=True)) == ["lima-provincias"]

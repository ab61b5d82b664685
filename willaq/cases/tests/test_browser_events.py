"""A real browser on the caseless event form: the protest form is shown only for protest event
types, and emptied when the type changes (static/js/cases.js; no inline script under the CSP).

Skipped only when Chromium is missing on a developer machine (see willaq/testing/browser.py).
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from willaq.accounts.models import Role
from willaq.testing.browser import log_in
from willaq.testing.factories import InstitutionFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_protest_form_follows_the_event_type(browser_page, live_server):
    call_command("load_territory", verbosity=0)
    institution = InstitutionFactory(slug="defensoria", name="Defensoría del Pueblo", acronym="DP")
    member(institution, Role.ANALYST, email="ana@dp.gob.pe", full_name="Ana Analista")
    page = browser_page
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in(page, live_server.url, "ana@dp.gob.pe")

    page.goto(live_server.url + reverse("cases:event_new"))
    wrapper = page.locator("#field-protest_form")
    assert wrapper.is_visible()  # no type chosen yet
    page.select_option("#id_sub_event_type", value="Peaceful protest")
    assert page.input_value("#id_event_type") == "Protests"
    page.select_option("#id_protest_form", value="road_blockade")
    assert wrapper.is_visible()
    # An agreement is no protest: the field goes away, and its value with it.
    page.select_option("#id_sub_event_type", value="Agreement")
    assert page.input_value("#id_event_type") == "Strategic developments"
    page.wait_for_selector("#field-protest_form", state="hidden")
    assert page.input_value("#id_protest_form") == ""
    page.select_option("#id_event_type", value="Riots")
    page.wait_for_selector("#field-protest_form", state="visible")
    assert [e for e in errors if "Content Security Policy" in e] == []

"""The pages work under the Content-Security-Policy, in a real browser (Chromium via Playwright).

Every page of the tour is loaded with a listener for CSP violations; the behaviours that used to
be inline handlers (confirmations, the language switcher, selecting a new token, HTMX's dependent
selects) are exercised, and none may be refused. Skipped when Chromium is missing, except under
WILLAQ_REQUIRE_BROWSER=1 (CI).
"""

from typing import Any

import pytest
from django.core.management import call_command

from willaq.accounts.models import ApiToken, Role
from willaq.testing.factories import CaseFactory, InstitutionFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def violations(page: Any) -> list[str]:
    found: list[str] = page.evaluate("window.__violations")
    return found + [text for text in page.console_errors if "Content Security Policy" in text]


def test_pages_work_under_the_content_security_policy(browser_page: Any, live_server: Any):
    call_command("load_territory", verbosity=0)
    call_command("load_categories", verbosity=0)
    institution = InstitutionFactory(slug="defensoria", name="Defensoría del Pueblo", acronym="DP")
    member(institution, Role.ADMIN, email="adela@dp.gob.pe", full_name="Adela Admin")
    colleague = member(institution, Role.ANALYST, email="ana@dp.gob.pe", full_name="Ana Analista")
    case = CaseFactory(institution=institution)
    page = browser_page
    url = live_server.url

    response = page.goto(url + "/cuentas/entrar/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.fill("input[name=username]", "adela@dp.gob.pe")
    page.fill("input[name=password]", "clave-segura-123")
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{url}/")

    tour = (
        "/",
        "/casos/",
        f"/casos/{case.uuid}/",
        "/casos/nuevo/",
        "/api/v1/docs",
        "/admin/login/",
    )
    for path in tour:
        page.goto(url + path)
        page.wait_for_load_state("networkidle")
        assert violations(page) == [], path

    # HTMX's dependent selects on the case form.
    page.goto(url + "/casos/nuevo/")
    page.select_option("#id_place0_department", value="020000")
    page.wait_for_selector("#id_place0_province option[value='020100']", state="attached")
    assert violations(page) == []

    # A new API token is selected on focus, ready to copy.
    page.goto(url + "/cuentas/perfil/")
    page.fill("input[name=name]", "Hoja de cálculo")
    page.click("form[action$='/perfil/tokens/'] button[type=submit]")
    page.focus("#new-token")
    selected = page.evaluate(
        "(() => { const e = document.getElementById('new-token');"
        " return e.selectionEnd - e.selectionStart === e.value.length; })()"
    )
    assert selected
    # Revoking asks first: dismissing keeps the token, accepting revokes it.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click("form[data-confirm] button[type=submit]")
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("form[data-confirm] button[type=submit]")
    page.wait_for_selector("text=fue revocado")
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 0
    assert violations(page) == []

    # The members page asks before removing someone; the language switcher submits on change.
    page.goto(url + "/cuentas/instituciones/defensoria/miembros/")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click(f"form[action*='{colleague.memberships.get().uuid}/desactivar'] button")
    assert colleague.memberships.get().is_active
    if not page.is_visible("select[name=language]"):
        page.click(".menu-button")  # on a phone the switcher is inside the folded top menu
    page.select_option("select[name=language]", "en")
    page.wait_for_selector("html[lang=en]")
    assert violations(page) == []

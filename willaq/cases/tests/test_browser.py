"""A real browser (Debian's Chromium driven by Playwright) logs in and creates a case, and uses
the list and a case page on a phone (360 px wide).

Skipped only when Chromium is missing on a developer machine; CI sets WILLAQ_REQUIRE_BROWSER=1
(and installs Chromium), where a missing browser fails the run instead.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from willaq.accounts.models import Role
from willaq.cases.choices import CaseState
from willaq.cases.models import Case
from willaq.testing.browser import log_in
from willaq.testing.factories import (
    ActorFactory,
    CaseFactory,
    EventFactory,
    InstitutionFactory,
    member,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_logs_in_and_creates_a_case(browser_page, live_server):
    # Transactional tests start from flushed tables: load the reference data again.
    call_command("load_territory", verbosity=0)
    call_command("load_categories", verbosity=0)
    institution = InstitutionFactory(slug="defensoria", name="Defensoría del Pueblo", acronym="DP")
    member(institution, Role.ANALYST, email="ana@dp.gob.pe", full_name="Ana Analista")

    page = browser_page
    log_in(page, live_server.url, "ana@dp.gob.pe")

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


# A pasted address with no break opportunity, many phone screens wide; a shorter one for the
# fields of at most 200 characters (PostgreSQL refuses longer values).
LONG_TEXT = "https://example.org/" + "sin-espacios_" * 60
LONG_NAME = LONG_TEXT[:190]
TAP = 44  # px, the smallest comfortable touch target


def _log_in(page, live_server, email: str) -> None:
    log_in(page, live_server.url, email)


def _no_horizontal_scroll(page) -> bool:
    """Neither the page nor a scrolling box inside it (the list's table) is wider than the
    screen: nothing is clipped."""
    return bool(
        page.evaluate(
            """document.documentElement.scrollWidth <= window.innerWidth
            && [...document.querySelectorAll(".table-wrap")].every(
                (box) => box.scrollWidth <= box.clientWidth)"""
        )
    )


def _short_targets(page, selector: str) -> list[str]:
    """The visible links and buttons under `selector` less than TAP px tall."""
    short = []
    for target in page.locator(selector).all():
        if target.is_visible():
            box = target.bounding_box()
            if box is None or box["height"] < TAP:
                short.append(target.inner_text())
    return short


def test_phone_list_and_case_page(browser_page, live_server):
    call_command("load_territory", verbosity=0)
    call_command("load_categories", verbosity=0)
    institution = InstitutionFactory(slug="defensoria", name="Defensoría del Pueblo", acronym="DP")
    analyst = member(institution, Role.ANALYST, email="ana@dp.gob.pe", full_name="Ana Analista")
    case = CaseFactory(
        institution=institution,
        created_by=analyst,
        state=CaseState.DRAFT,
        name="Conflicto" + LONG_NAME,
        description=LONG_TEXT,
        demands="Agua potable;" + LONG_TEXT,
    )
    EventFactory(case=case, location=LONG_NAME, actor1="Comunidad" + LONG_NAME)
    CaseFactory.create_batch(3, institution=institution)

    page = browser_page
    page.set_viewport_size({"width": 360, "height": 800})
    _log_in(page, live_server, "ana@dp.gob.pe")

    # The list: cards, no horizontal scroll, the filters folded behind a button.
    page.goto(live_server.url + reverse("cases:list"))
    page.wait_for_selector(".cases-table")
    # The first Tab shows the skip link; it leads to the main content.
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("(link) => link === document.activeElement")
    box = skip.bounding_box()
    assert box is not None
    assert box["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenido"
    assert _no_horizontal_scroll(page)
    filters = page.locator("form[role=search]")
    assert not filters.is_visible()
    page.click("summary.filter-button")
    assert filters.is_visible()
    assert page.locator("#id_q").is_visible()
    page.click("summary.filter-button")
    assert not filters.is_visible()
    assert _short_targets(page, "summary.filter-button, .page-head .btn, .pagination a") == []

    # The top menu: folded behind "Menú", its links tall enough to tap.
    nav = page.locator("nav.mainnav")
    assert not nav.is_visible()
    page.click("summary.menu-button")
    assert nav.is_visible()
    # Panel, Casos, Eventos, Mapa, Reportes, Diálogo, Nuevo caso, Prealertas, Nueva prealerta,
    # Mis prealertas, Alertas, Respuesta, Denuncias, Pueblos, Consulta previa, Mi cuenta, API
    assert page.locator("nav.mainnav a").count() == 17
    assert _short_targets(page, "summary.menu-button, nav.mainnav a, .topbar-end button") == []
    page.click("summary.menu-button")
    assert not nav.is_visible()

    # The case page: the summary first, then the actions; long text wraps.
    page.goto(live_server.url + reverse("cases:detail", args=[case.uuid]))
    page.wait_for_selector("#h-summary")
    assert _no_horizontal_scroll(page)
    tops = [
        page.locator(selector).first.bounding_box()
        for selector in ("#h-summary", ".case-actions a", "#h-workflow")
    ]
    assert [box["y"] for box in tops if box] == sorted(box["y"] for box in tops if box)
    assert len([box for box in tops if box]) == 3
    assert page.get_by_text("Imprimir ficha").is_visible()
    actions = ".case-actions a, .case-actions button, #estado button"
    assert page.locator(actions).count() >= 6
    assert _short_targets(page, actions) == []

    # On paper: no menu, buttons or forms; the summary, events and history are there, the
    # history even when folded.
    page.evaluate("document.querySelector('#historial details').open = false")
    page.emulate_media(media="print")
    assert not page.locator(".topbar").is_visible()
    assert not page.locator(".case-actions").is_visible()
    assert not page.locator("#estado").is_visible()
    assert page.locator("#h-summary").is_visible()
    assert page.locator("#eventos .timeline li").first.is_visible()
    assert page.locator("#historial .history li").first.is_visible()
    assert not page.locator("#historial summary").is_visible()
    page.emulate_media(media="screen")

    # A wide screen opens the menu as a row of links, without the "Menú" button.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_selector("details.menu[open]", state="attached")
    assert nav.is_visible()
    assert not page.locator("summary.menu-button").is_visible()
    assert _no_horizontal_scroll(page)


def test_analyst_finds_an_actor_by_typing_and_links_it(browser_page, live_server):
    """The link form never lists the registry: typing part of a name (without accents) asks the
    server (HTMX, under the Content-Security-Policy) for the actors the user may see."""
    call_command("load_territory", verbosity=0)
    call_command("load_categories", verbosity=0)
    institution = InstitutionFactory(slug="defensoria", name="Defensoría del Pueblo", acronym="DP")
    analyst = member(institution, Role.ANALYST, email="ana@dp.gob.pe")
    case = CaseFactory(institution=institution, state=CaseState.ACTIVE)
    actor = ActorFactory(institution=institution, name="Comunidad Campesina de Ñahuimpuquio")
    ActorFactory(institution=institution, name="Frente de Defensa de Huaraz")
    page = browser_page
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    _log_in(page, live_server, analyst.email)
    page.goto(live_server.url + reverse("cases:actor_link", kwargs={"case_uuid": case.uuid}))
    assert page.locator(".actor-results input[type=radio]").count() == 0
    page.fill("input[name=actor_q]", "nahuim")
    page.wait_for_selector(".actor-results input[type=radio]")
    assert page.locator(".actor-results input[type=radio]").count() == 1
    page.check(f".actor-results input[value='{actor.uuid}']")
    page.select_option("select[name=role]", "primary")
    page.click("form.record-form button[type=submit]")
    page.wait_for_selector("#actores")
    assert case.case_actors.get().actor == actor
    assert errors == []

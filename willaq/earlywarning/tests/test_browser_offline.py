"""The offline pre-alert form in a real browser (Debian's Chromium through Playwright, against
the live server): the service worker installs on the first visit; with no connection the form
still opens, a submission sent twice waits in the outbox on the phone; when the connection
returns the outbox drains and exactly one pre-alert is in the database. Also: an answer lost
on the way back is retried without a duplicate. No CSP violation on the way."""

import time
from typing import Any

import pytest
from django.core.management import call_command

from willaq.accounts.models import Role
from willaq.earlywarning.choices import ReporterLevel
from willaq.earlywarning.models import PreAlert, PreAlertAttachment, Reporter
from willaq.testing.browser import log_in
from willaq.testing.factories import InstitutionFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = "/prealertas/nueva/"
# A 1×1 PNG, as a phone's camera would give a (much larger) photo.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f7a1d40000000049454e44ae426082"
)


@pytest.fixture
def reporter_email(db: None) -> str:
    call_command("load_territory", verbosity=0)
    institution = InstitutionFactory(slug="defensoria", name="Defensoría del Pueblo")
    user = member(institution, Role.REPORTER, email="rosa@dp.gob.pe", full_name="Rosa Reportera")
    Reporter.objects.create(
        institution=institution, user=user, name="Rosa", level=ReporterLevel.DISTRICT_GOVERNOR
    )
    return user.email


def _until(page: Any, expression: str, timeout: float = 15) -> None:
    """Wait until a JavaScript expression (a promise, maybe) is true. Polled from here:
    Playwright's own polling evaluates strings in the page, which its CSP forbids."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(100)


def _open_form_online(page: Any, url: str, email: str) -> None:
    """Sign in, open the form and wait until the service worker controls it."""
    log_in(page, url, email)
    page.goto(url + FORM)
    _until(page, "navigator.serviceWorker.ready.then(() => true)")
    # The worker took control (clientsClaim) and kept the pages for offline use.
    page.reload()
    _until(page, "navigator.serviceWorker.controller !== null")
    _until(page, "caches.keys().then(keys => keys.some(k => k.includes('precache')))")
    page.wait_for_selector("[data-outbox-count][data-pending='0']")


def _fill(page: Any) -> None:
    page.select_option("#id_place_department", "080000")
    page.select_option("#id_place_province", "080700")  # from the territory list on the phone
    page.select_option("#id_place_district", "080701")
    page.fill("#id_location", "Comunidad de Huarca")
    page.fill("#id_description", "Comuneros anuncian el bloqueo de la vía a la mina.")
    page.fill("#id_actors", "Comunidad campesina de Huarca")
    page.fill("#id_measures", "Paro indefinido")
    page.fill("#id_measures_date", "2026-12-05")
    page.select_option("#id_urgency", "high")
    page.set_input_files(
        "#id_photos", files=[{"name": "bloqueo.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.wait_for_selector("[data-photo-list] li")


def test_offline_submitted_twice_arrives_exactly_once(
    browser_page: Any, live_server: Any, reporter_email: str
) -> None:
    page = browser_page
    url = live_server.url
    _open_form_online(page, url, reporter_email)

    # No connection: the form still opens (from the service worker), provinces included.
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("[data-connection]:not([hidden])")
    assert page.locator("#id_place_department option").count() == 26
    _fill(page)
    # A draft is on the phone (saved a moment after the last change): a reload keeps it.
    _until(
        page,
        "WillaqOutbox.getDraft().then(d => !!d && d.photos.length === 1"
        " && d.fields.place_district === '080701' && d.fields.urgency === 'high')",
    )
    page.reload()
    page.wait_for_selector("[data-draft-status]:not(:empty)")
    assert page.input_value("#id_description").startswith("Comuneros anuncian")
    assert page.input_value("#id_place_district") == "080701"
    assert page.locator("[data-photo-list] li").count() == 1

    # Submitted twice (a double tap on a slow phone): one item waits in the outbox.
    page.locator("[data-submit]").dblclick()
    page.wait_for_selector("[data-outbox-count][data-pending='1']")
    assert page.inner_text("[data-outbox-count]") == "1 prealerta pendiente de envío"
    assert page.input_value("#id_description") == ""  # a fresh form for the next one
    # "Reintentar" with no connection, and a reload: still one, still on the phone.
    page.click("[data-outbox-retry]")
    page.wait_for_selector("[data-outbox-status]:has-text('Sin conexión')")
    page.reload()
    page.wait_for_selector("[data-outbox-count][data-pending='1']")
    assert PreAlert.objects.count() == 0

    # The connection returns: the outbox drains by itself.
    page.context.set_offline(False)
    page.wait_for_selector("[data-outbox-count][data-pending='0']", timeout=20_000)
    page.wait_for_selector("[data-outbox-status]:has-text('Todas las prealertas fueron enviadas')")
    assert page.locator("[data-outbox-sent] li").count() == 1
    assert "Prealerta enviada" in page.inner_text("[data-outbox-sent]")

    assert PreAlert.objects.count() == 1
    prealert = PreAlert.objects.get()
    assert prealert.ubigeo is not None
    assert prealert.ubigeo.code == "080701"
    assert prealert.urgency == "high"
    assert prealert.measures == "Paro indefinido"
    assert prealert.submitted_by is not None
    assert prealert.submitted_by.email == reporter_email
    assert PreAlertAttachment.objects.filter(prealert=prealert).count() == 1

    # Once more online (the retry button): nothing new.
    page.click("[data-outbox-retry]")
    page.wait_for_timeout(500)
    assert PreAlert.objects.count() == 1
    assert page.evaluate("window.__violations") == []
    # The only errors: the requests Chromium refused while offline (the outbox's attempts).
    others = [e for e in page.console_errors if "ERR_INTERNET_DISCONNECTED" not in e]
    assert others == [], page.console_errors
    assert len(page.console_errors) <= 4, page.console_errors


def test_an_answer_lost_on_the_way_back_is_retried_without_a_duplicate(
    browser_page: Any, live_server: Any, reporter_email: str
) -> None:
    page = browser_page
    url = live_server.url
    _open_form_online(page, url, reporter_email)
    posts: list[int] = []

    def lose_the_first_answer(route: Any) -> None:
        """The server receives the submission, but its first answer never reaches the phone."""
        if route.request.method != "POST":
            route.continue_()
            return
        response = route.fetch()
        posts.append(response.status)
        if len(posts) == 1:
            route.abort("connectionreset")
        else:
            route.fulfill(response=response)

    # Routes the page's requests and the service worker's (Background Sync) alike.
    page.context.route(url + FORM, lose_the_first_answer)
    _fill(page)
    page.click("[data-submit]")
    # The outbox tries again by itself (Background Sync) or with "Reintentar envío".
    page.locator(
        "[data-outbox-count][data-pending='0'], [data-outbox-status]:has-text('No se pudo')"
    ).first.wait_for()
    if page.get_attribute("[data-outbox-count]", "data-pending") != "0":
        page.click("[data-outbox-retry]")
    page.wait_for_selector("[data-outbox-count][data-pending='0']")
    page.wait_for_selector("[data-outbox-status]:has-text('Todas las prealertas fueron enviadas')")
    # Sent twice (the first answer lost): received once, then "already received".
    assert posts[:2] == [201, 200]
    assert PreAlert.objects.count() == 1
    assert page.evaluate("window.__violations") == []


def test_a_department_chosen_before_the_territory_list_arrives_still_fills_the_provinces(
    browser_page: Any, live_server: Any, reporter_email: str
) -> None:
    """A slow line on the first visit: the reporter picks the department while the territory
    list is still on its way; when it arrives, that department's provinces appear."""
    page = browser_page
    url = live_server.url
    log_in(page, url, reporter_email)
    held: list[Any] = []
    page.route("**/prealertas/territorio.json", lambda route: held.append(route))
    page.goto(url + FORM)
    deadline = time.monotonic() + 15
    while not held:
        assert time.monotonic() < deadline, "the form never asked for the territory list"
        page.wait_for_timeout(50)

    page.select_option("#id_place_department", "080000")
    assert page.locator("#id_place_province option").count() <= 1  # nothing below it yet
    held[0].continue_()
    _until(page, "document.querySelectorAll('#id_place_province option').length > 1")
    provinces = page.locator("#id_place_province option").evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert "080700" in provinces
    assert all(code == "" or code.startswith("08") for code in provinces)
    page.select_option("#id_place_province", "080700")
    page.select_option("#id_place_district", "080701")
    assert page.evaluate("window.__violations") == []

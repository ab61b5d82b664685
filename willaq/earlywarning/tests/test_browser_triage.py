"""The early-warning staff pages in a real browser (Debian's Chromium through Playwright, against
the live server, at a phone's width), as their people use them: an analyst filters the triage
queue, takes a pre-alert and validates it into an event of a registered case; a coordinator
issues a restricted alert from it (its CAP 1.2 document valid against the shipped OASIS schema)
and orders a response with its 48-hour clock; a member of another institution gets 404 on each
of them. No CSP violation and no console error on the way."""

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.formats import date_format
from lxml import etree
from playwright.sync_api import Expect

from willaq.accounts.models import Institution, Role, User
from willaq.cases.models import Case, Event
from willaq.earlywarning import cap
from willaq.earlywarning.choices import Channel, OrderState, ReviewState
from willaq.earlywarning.models import Alert, DeploymentOrder, PreAlert
from willaq.earlywarning.services.intake import receive_prealert
from willaq.testing.browser import log_in
from willaq.testing.factories import CaseFactory, InstitutionFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUEUE = "/prealertas/"
HEADLINE = "Bloqueo anunciado de la vía a la mina en Santo Tomás"
NS = {"cap": cap.CAP_NAMESPACE}

# Playwright's assertions, with the pages' own patience (15 s, not 5 s) for a loaded machine.
expect = Expect()
expect.set_options(timeout=15_000)


def _receive(institution: Institution, client_id: str, channel: str, text: str) -> PreAlert:
    prealert, created = receive_prealert(
        channel=channel,
        client_id=client_id,
        institution=institution,
        data={
            "ubigeo": "080701",
            "occurred_on": timezone.localdate().isoformat(),
            "description": text,
            "urgency": "high",
        },
        raw_payload="{}",
    )
    assert created
    return prealert


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    """Institution A (the ombudsman's office) with an analyst, a coordinator, a registered case
    in Santo Tomás and three pre-alerts received (two from the web form, one by SMS);
    institution B with an analyst and one pre-alert of its own."""
    call_command("load_territory", verbosity=0)  # a transactional test flushed the session's
    a = InstitutionFactory(slug="defensoria", name="Defensoría del Pueblo", acronym="DP")
    b = InstitutionFactory(slug="onds", name="Oficina Nacional de Diálogo", acronym="ONDS")
    return {
        "a": a,
        "analyst": member(a, Role.ANALYST, email="analista@dp.gob.pe", full_name="Ana Analista"),
        "coordinator": member(
            a, Role.COORDINATOR, email="coord@dp.gob.pe", full_name="Carlos Coordinador"
        ),
        "outsider": member(b, Role.ANALYST, email="otro@onds.gob.pe", full_name="Otto Otro"),
        "case": CaseFactory.create(institution=a, place="080701", name="Corredor minero sur"),
        "prealert": _receive(
            a, "web-1", Channel.WEB, "Comuneros anuncian el bloqueo de la vía a la mina."
        ),
        "web": _receive(a, "web-2", Channel.WEB, "Asamblea comunal convoca a un paro."),
        "sms": _receive(a, "sms-1", Channel.SMS, "ALERTA toma de local en Colquemarca"),
        "b_prealert": _receive(b, "web-b", Channel.WEB, "Prealerta de la otra institución."),
    }


def _page_is_clean(page: Any) -> None:
    """No CSP violation on the page shown now (the listener starts again on each page)."""
    assert page.evaluate("window.__violations") == []


def _no_horizontal_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    )


def _expect_rows(page: Any, count: int) -> None:
    """The queue's results (first load or an HTMX refresh) show ``count`` pre-alerts."""
    label = f"{count} prealerta" if count == 1 else f"{count} prealertas"
    expect(page.locator("#queue-results .result-count")).to_have_text(label)
    expect(page.locator("#queue-results tbody tr")).to_have_count(count)


def _switch_user(page: Any, url: str, user: User) -> None:
    """Another person on the same phone: a fresh session."""
    page.context.clear_cookies()
    log_in(page, url, user.email)


def _triage(page: Any, url: str, world: dict[str, Any]) -> None:
    """1–2. The analyst filters the queue, takes the pre-alert and validates it into an event."""
    prealert: PreAlert = world["prealert"]
    case: Case = world["case"]
    log_in(page, url, world["analyst"].email)
    page.goto(url + QUEUE)
    _expect_rows(page, 3)  # A's three, not B's
    assert "Prealerta de la otra institución" not in page.inner_text("#queue-results")
    _no_horizontal_scroll(page)
    _page_is_clean(page)

    # The filters are folded behind "Filtros" on a phone; each change refreshes the list.
    page.click("details.filter-panel summary")
    page.select_option("#id_channel", Channel.SMS)
    _expect_rows(page, 1)
    assert "toma de local en Colquemarca" in page.inner_text("#queue-results tbody")
    page.select_option("#id_channel", Channel.WEB)
    _expect_rows(page, 2)
    page.select_option("#id_channel", "")
    _expect_rows(page, 3)
    _no_horizontal_scroll(page)

    # The pre-alert's page: taken for review.
    page.click(f"#queue-results a[href='/prealertas/{prealert.uuid}/']")
    page.wait_for_url(f"{url}/prealertas/{prealert.uuid}/")
    expect(page.locator("#h-summary")).to_have_text("Estado: Recibida")
    page.get_by_role("button", name="Tomar para revisar").click()
    expect(page.locator(".messages")).to_contain_text("Usted revisa esta prealerta.")
    expect(page.locator("#h-summary")).to_have_text("Estado: En revisión")
    expect(page.locator("#revision")).to_contain_text("Liberar")
    _page_is_clean(page)

    # Validated into an event of the registered case.
    page.click(f"#revision a[href='/prealertas/{prealert.uuid}/validar/']")
    page.wait_for_url(f"{url}/prealertas/{prealert.uuid}/validar/")
    expect(page.locator("input[name=target][value=event]")).to_be_checked()
    page.fill("#id_case", str(case.code))
    page.select_option("#id_event_type", "Protests")
    page.select_option("#id_sub_event_type", "Peaceful protest")
    page.fill("#id_actor1", "Protesters (Peru)")
    page.select_option("#id_inter1", "6")
    _page_is_clean(page)
    page.locator("form.stacked").get_by_role("button", name="Validar").click()
    page.wait_for_url(f"{url}/prealertas/{prealert.uuid}/")
    expect(page.locator(".messages")).to_contain_text("Prealerta validada.")
    expect(page.locator("#h-summary")).to_have_text("Estado: Validada")
    expect(page.locator("#h-summary + dl")).to_contain_text(f"{case.code} · {case.name}")
    expect(page.locator("#h-summary + dl")).to_contain_text("Protesta pacífica")
    expect(page.locator("#revision")).to_have_count(0)  # closed: no more review actions
    _page_is_clean(page)

    prealert.refresh_from_db()
    assert prealert.state == ReviewState.VALIDATED
    assert prealert.reviewed_by == world["analyst"]
    assert prealert.event is not None
    assert prealert.event.case == case
    assert list(Event.objects.filter(case=case)) == [prealert.event]

    # Out of the open queue; there under "Validada".
    page.goto(url + QUEUE)
    _expect_rows(page, 2)
    page.click("details.filter-panel summary")
    page.select_option("#id_state", ReviewState.VALIDATED)
    _expect_rows(page, 1)
    expect(page.locator("#queue-results tbody")).to_contain_text("Validada")
    _no_horizontal_scroll(page)
    _page_is_clean(page)


def _issue_alert(page: Any, url: str, world: dict[str, Any]) -> Alert:
    """3. The coordinator issues a restricted alert from the validated pre-alert."""
    prealert: PreAlert = world["prealert"]
    _switch_user(page, url, world["coordinator"])
    page.goto(f"{url}/prealertas/{prealert.uuid}/")
    expect(page.locator("#h-summary")).to_have_text("Estado: Validada")
    page.get_by_role("link", name="Emitir una alerta").click()
    page.wait_for_url(f"{url}/alertas/nueva/?prealertas={prealert.uuid}")
    expect(page.locator("main")).to_contain_text("Desde 1 prealerta validada")
    # Prefilled from the pre-alert: its place and what it reports.
    assert page.input_value("#id_area_units") == "080701"
    assert "bloqueo de la vía a la mina" in page.input_value("#id_description")
    assert not page.is_checked("#id_is_public")  # restricted unless chosen
    page.select_option("#id_level", "orange")
    page.fill("#id_headline", HEADLINE)
    page.fill("#id_instruction", "Instalar la mesa de diálogo con la comunidad.")
    _page_is_clean(page)
    page.get_by_role("button", name="Emitir", exact=True).click()
    page.wait_for_url(f"{url}/alertas/*/")

    alert = Alert.objects.get()
    assert page.url == f"{url}/alertas/{alert.uuid}/"
    assert alert.headline == HEADLINE
    assert not alert.is_public
    assert list(alert.prealerts.all()) == [prealert]
    assert [u.code for u in alert.area_units.all()] == ["080701"]
    expect(page.locator(".messages")).to_contain_text("Alerta emitida.")
    expect(page.locator("h1")).to_have_text(HEADLINE)
    expect(page.locator(".page-head")).to_contain_text("Restringida")
    _page_is_clean(page)

    # Its CAP 1.2 document, fetched with the coordinator's session: valid, with the headline.
    cap_url = f"/alertas/{alert.uuid}/cap.xml"
    assert page.get_attribute("a[type='application/cap+xml']", "href") == cap_url
    document = page.request.get(url + cap_url)
    assert document.status == 200
    assert document.headers["content-type"].startswith("application/cap+xml")
    root = etree.fromstring(document.body())
    cap.cap_schema().assertValid(root)
    assert root.tag == f"{{{cap.CAP_NAMESPACE}}}alert"
    assert root.findtext("cap:identifier", namespaces=NS) == alert.identifier
    assert root.findtext("cap:scope", namespaces=NS) == "Restricted"
    assert root.findtext("cap:info/cap:headline", namespaces=NS) == HEADLINE
    assert root.findtext("cap:info/cap:area/cap:geocode/cap:value", namespaces=NS) == "080701"
    return alert


def _order_response(page: Any, url: str, world: dict[str, Any], alert: Alert) -> DeploymentOrder:
    """4. From the alert, the coordinator orders a response: the 48-hour clock starts."""
    page.get_by_role("link", name="Ordenar una respuesta").click()
    page.wait_for_url(f"{url}/respuesta/nueva/?alerta={alert.uuid}")
    expect(page.locator("main")).to_contain_text(f"Responde a la alerta: {HEADLINE}")
    expect(page.locator("main")).to_contain_text("El plazo de 48 horas corre desde")
    # Prefilled from the alert: the place and the instructions.
    assert page.input_value("#id_place_department") == "080000"
    assert page.input_value("#id_place_province") == "080700"
    assert page.input_value("#id_place_district") == "080701"
    assert page.input_value("#id_instructions") == alert.instruction
    page.select_option("#id_institution", "defensoria")
    page.fill("#id_team", "Oficina defensorial del Cusco")
    page.fill("#id_team_members", world["analyst"].email)
    _page_is_clean(page)
    page.get_by_role("button", name="Emitir la orden").click()
    page.wait_for_url(f"{url}/respuesta/*/")

    order = DeploymentOrder.objects.get()
    assert page.url == f"{url}/respuesta/{order.uuid}/"
    assert order.alert == alert
    assert order.state == OrderState.ORDERED
    assert order.ubigeo.code == "080701"
    assert list(order.team_members.all()) == [world["analyst"]]
    due = order.ordered_at + dt.timedelta(hours=48)
    expect(page.locator(".messages")).to_contain_text("Orden de despliegue emitida")
    expect(page.locator(".page-head .badge")).to_have_text("Ordenada")
    clock = page.locator("p.clock[data-clock='on_time']")
    expect(clock).to_contain_text("En plazo")
    expect(clock).to_contain_text("faltan 1 d 23 h")  # 48 h less the seconds since the order
    expect(clock).to_contain_text(
        "vence el " + date_format(timezone.localtime(due), "DATETIME_FORMAT")
    )
    expect(page.locator("#h-order + dl")).to_contain_text(HEADLINE)
    expect(page.locator("#h-order + dl")).to_contain_text("Ana Analista")
    _page_is_clean(page)
    return order


def test_triage_to_alert_to_response_on_a_phone(
    browser_page: Any, live_server: Any, world: dict[str, Any]
) -> None:
    page = browser_page
    url = live_server.url
    _triage(page, url, world)
    alert = _issue_alert(page, url, world)
    order = _order_response(page, url, world, alert)
    assert page.console_errors == []

    # 5. A member of institution B: their own queue only, and 404 on A's pre-alert, on the
    # restricted alert (its page and its CAP document) and on the order.
    _switch_user(page, url, world["outsider"])
    page.goto(url + QUEUE)
    _expect_rows(page, 1)
    expect(page.locator("#queue-results tbody")).to_contain_text("Prealerta de la otra")
    _no_horizontal_scroll(page)
    _page_is_clean(page)
    for path in (
        f"/prealertas/{world['prealert'].uuid}/",
        f"/prealertas/{world['prealert'].uuid}/validar/",
        f"/alertas/{alert.uuid}/",
        f"/respuesta/{order.uuid}/",
    ):
        answer = page.goto(url + path)
        assert answer is not None
        assert answer.status == 404, path
        _page_is_clean(page)
    assert page.request.get(f"{url}/alertas/{alert.uuid}/cap.xml").status == 404
    # Nothing changed by the visits of B.
    world["prealert"].refresh_from_db()
    assert world["prealert"].state == ReviewState.VALIDATED
    # The only console errors: Chromium's own report of each of the four 404 pages.
    not_found = "Failed to load resource: the server responded with a status of 404 (Not Found)"
    assert page.console_errors == [not_found] * 4

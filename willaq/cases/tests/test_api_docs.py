"""The API documentation page renders in a real browser with no internet: Swagger UI comes from
ninja's bundled static files ("ninja" in INSTALLED_APPS), not from a CDN.

Skipped only when Chromium is missing on a developer machine; CI sets WILLAQ_REQUIRE_BROWSER=1.
"""

import os
import shutil
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, sync_playwright

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def offline_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Page, list[str]]]:
    if CHROMIUM is None:
        if os.environ.get("WILLAQ_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (WILLAQ_REQUIRE_BROWSER=1) but was not found")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    blocked: list[str] = []

    def only_local(route: Route) -> None:
        host = urlsplit(route.request.url).hostname
        if host in ("localhost", "127.0.0.1"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        context = browser.new_context(locale="es-PE")
        context.route("**/*", only_local)
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page, blocked
        context.close()
        browser.close()


def test_swagger_ui_renders_offline(offline_page: tuple[Page, list[str]], live_server: Any):
    page, blocked = offline_page
    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Willaq API" in page.inner_text(".swagger-ui .info .title")
    # Operations come from openapi.json: the cases list is one of them.
    page.wait_for_selector(".opblock-summary-path[data-path='/api/v1/cases']")
    assert page.locator(".opblock").count() >= 14
    assert blocked == []

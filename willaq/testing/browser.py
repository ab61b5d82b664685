"""Debian's Chromium driven by Playwright's Python package, for the browser tests.

Skipped only when Chromium is missing on a developer machine; CI sets WILLAQ_REQUIRE_BROWSER=1
(and installs Chromium), where a missing browser fails the run instead.
"""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import ConsoleMessage, sync_playwright

from willaq.testing.factories import TEST_PASSWORD

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# Without the background-networking flags Chromium keeps dialling Google's hosts, which this
# closed network refuses.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium_page(monkeypatch: pytest.MonkeyPatch, init_script: str = "") -> Iterator[Any]:
    """A fresh page at phone-like width (412 × 900, es-PE); closes everything afterwards."""
    if CHROMIUM is None:
        if os.environ.get("WILLAQ_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (WILLAQ_REQUIRE_BROWSER=1) but was not found")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself (not by the server thread) are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(locale="es-PE", viewport={"width": 412, "height": 900})
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()
            # Playwright runs the test in a greenlet with its own database connection: close it,
            # or PostgreSQL cannot drop the test database at the end.
            connections.close_all()


# Records violations in the page itself (an init script is not subject to the page's policy).
CSP_LISTENER = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@contextmanager
def watched_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A Chromium page that records CSP violations (``window.__violations``) and console errors
    (``page.console_errors``)."""
    with chromium_page(monkeypatch, init_script=CSP_LISTENER) as page:
        errors: list[str] = []
        page.console_errors = errors

        def remember(message: ConsoleMessage) -> None:
            if message.type == "error":
                errors.append(message.text)

        page.on("console", remember)
        yield page


def log_in(page: Any, base_url: str, email: str, password: str = TEST_PASSWORD) -> None:
    """Sign in through the login page as a person would (the factories' password by default)
    and wait for the dashboard."""
    page.goto(base_url + "/cuentas/entrar/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base_url}/")

"""The public page of a dialogue space in a real browser (Debian's Chromium through Playwright),
on a phone (360 px), without an account: the list, the space, its commitments and evidence;
nothing wider than the screen and no CSP violation."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from willaq.accounts.models import User
from willaq.dialogue.services import commitments, spaces
from willaq.dialogue.tests.conftest import Roundtable
from willaq.testing.browser import watched_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with watched_page(monkeypatch) as page:
        yield page


@pytest.fixture
def territory(transactional_db: None) -> None:
    call_command("load_territory", verbosity=0)
    call_command("load_categories", verbosity=0)


def test_the_public_page_on_a_phone(
    territory: None, roundtable: Roundtable, coordinator: User, phone: Any, live_server: Any
) -> None:
    commitments.add_evidence(
        coordinator,
        roundtable.road,
        commitments.EvidenceInput(
            description="Expediente técnico", url="https://example.org/expediente"
        ),
    )
    spaces.set_space_public(coordinator, roundtable.space, True)

    page = phone
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server.url + "/dialogo/publico/")
    page.locator("a", has_text="Mesa de desarrollo de Challhuahuacho").click()
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == "Mesa de desarrollo de Challhuahuacho"
    # Three commitments, each a block of labelled cells on a phone.
    assert page.locator("table.cases-table tbody tr").count() == 3
    assert page.locator("a", has_text="Expediente técnico").count() == 1
    assert "Gerente de Infraestructura" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate("window.__violations.length") == 0
    assert page.console_errors == []

"""A facilitator records a roundtable in a real browser (Debian's Chromium through Playwright):
convenes a space installed weeks ago, seats the regional government, schedules a session that
already took place, records its attendance and signs its acta, and reaches the acta's page.

Each step is a small helper taking the page, so later steps (adding a commitment, reporting
progress, verifying evidence) extend the same story."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from willaq.accounts.models import Institution, InstitutionKind, Role
from willaq.dialogue.choices import AttendanceStatus, SessionState, SpaceState
from willaq.dialogue.models import Acta, DialogueSession, DialogueSpace
from willaq.testing.browser import log_in, watched_page
from willaq.testing.factories import InstitutionFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FACILITATOR = "facilita@dp.gob.pe"
SPACE_NAME = "Mesa de diálogo de Challhuahuacho"


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with watched_page(monkeypatch) as page:
        yield page


@pytest.fixture
def institutions(db: None) -> tuple[Institution, Institution]:
    call_command("load_territory", verbosity=0)
    call_command("load_categories", verbosity=0)
    owner = InstitutionFactory(slug="defensoria", name="Defensoría del Pueblo", acronym="DP")
    gore = InstitutionFactory(
        slug="gore-apurimac",
        name="Gobierno Regional de Apurímac",
        kind=InstitutionKind.REGIONAL_GOVERNMENT,
    )
    member(owner, Role.FACILITATOR, email=FACILITATOR, full_name="Fabiola Facilitadora")
    return owner, gore


# --- the steps ------------------------------------------------------------------------------


def convene_space(page: Any, base_url: str, start: dt.date, planned_end: dt.date) -> DialogueSpace:
    page.goto(base_url + "/dialogo/")
    page.get_by_role("link", name="Convocar un espacio").first.click()
    page.wait_for_selector("#space-form")
    page.select_option("#id_kind", "dialogue_table")
    page.fill("#id_name", SPACE_NAME)
    page.fill("#id_description", "Demandas sobre el corredor vial y el agua.")
    page.fill("#id_start_date", start.isoformat())
    page.fill("#id_planned_end_date", planned_end.isoformat())
    page.fill("#id_internal_notes", "La comunidad pide garantías.")
    page.click("#space-form button[type=submit]")
    page.wait_for_selector("#participantes")
    assert page.locator("h1").inner_text() == SPACE_NAME
    return DialogueSpace.objects.get(name=SPACE_NAME)


def add_participant(page: Any, institution: Institution, representative: str) -> None:
    page.click("#add-participant summary")
    page.select_option("#id_kind", "institution")
    page.select_option("#id_institution", institution.slug)
    page.fill("#id_representative", representative)
    page.click("#add-participant button[type=submit]")
    page.wait_for_selector(f"#participants-table >> text={institution.name}")


def schedule_session(page: Any, base_url: str, space: DialogueSpace, when: dt.datetime) -> None:
    page.goto(f"{base_url}/dialogo/{space.uuid}/")
    page.locator(".case-actions").get_by_role("link", name="Programar una sesión").click()
    page.wait_for_selector("#session-form")
    page.fill("#id_starts_at", when.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", "Challhuahuacho")
    page.fill("#id_agenda", "1. Corredor vial\n2. Calidad del agua")
    page.click("#session-form button[type=submit]")
    page.wait_for_selector("#session-state")


def record_attendance(page: Any, absent: str) -> None:
    """Everyone present but ``absent`` (a participant's name)."""
    page.click("#record-session")
    page.wait_for_selector("#record-form")
    row = page.locator("#attendance-form tr", has_text=absent)
    row.locator("select").select_option(AttendanceStatus.ABSENT)
    page.fill("#id_minutes", "Se acordó el mantenimiento de la vía.")
    page.fill("#id_next_steps", "Visita de campo.")
    page.click("#record-form button[type=submit]")
    page.wait_for_selector("#attendance-table")
    assert page.locator("#session-state").inner_text() == SessionState.HELD.label


def sign_acta(page: Any, title: str) -> None:
    page.click("#sign-acta")
    page.wait_for_selector("#acta-form")
    page.fill("#id_title", title)
    boxes = page.locator("#acta-form input[name=signatories]")
    for index in range(boxes.count()):
        boxes.nth(index).check()
    page.click("#acta-form button[type=submit]")
    page.wait_for_selector("#clausulas")
    assert page.locator("h1").inner_text() == title


# --- the story ------------------------------------------------------------------------------


def test_a_facilitator_records_a_roundtable_up_to_its_acta(
    browser_page: Any, live_server: Any, institutions: tuple[Institution, Institution]
) -> None:
    _owner, gore = institutions
    page = browser_page
    today = timezone.localdate()
    log_in(page, live_server.url, FACILITATOR)
    assert page.locator("nav a[href='/dialogo/']").count() == 1

    space = convene_space(
        page, live_server.url, today - dt.timedelta(weeks=6), today + dt.timedelta(days=180)
    )
    add_participant(page, gore, "Gerente de Infraestructura")
    assert page.locator("#participants-table tbody tr").count() == 2

    held_on = dt.datetime.combine(today - dt.timedelta(days=14), dt.time(10, 0))
    schedule_session(page, live_server.url, space, held_on)
    record_attendance(page, absent=gore.name)
    sign_acta(page, "Acta de la primera sesión")

    acta = Acta.objects.get()
    assert acta.signatories.count() == 2
    assert page.url == f"{live_server.url}/dialogo/actas/{acta.uuid}/"
    assert page.get_by_role("link", name="Añadir compromiso").count() == 1
    session = DialogueSession.objects.get()
    assert session.attendance.filter(status=AttendanceStatus.ABSENT).count() == 1
    space.refresh_from_db()
    assert space.state == SpaceState.IN_SESSION
    assert page.evaluate("window.__violations") == []
    assert page.console_errors == []

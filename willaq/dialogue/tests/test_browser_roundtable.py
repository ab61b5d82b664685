"""A facilitator records a roundtable in a real browser (Debian's Chromium through Playwright):
convenes a space installed weeks ago, seats the regional government, schedules a session that
already took place, records its attendance, signs its acta, writes a clause owed by the regional
government, and follows it to fulfilment with evidence (issue 9's browser test, from convening a
space to a fulfilled commitment). Each step is a small helper taking the page."""

import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from willaq.accounts.models import Institution, InstitutionKind, Role
from willaq.dialogue.choices import (
    AttendanceStatus,
    CommitmentState,
    FundingSource,
    SessionState,
    SpaceState,
)
from willaq.dialogue.models import Acta, Commitment, DialogueSession, DialogueSpace
from willaq.testing.browser import log_in
from willaq.testing.factories import InstitutionFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FACILITATOR = "facilita@dp.gob.pe"
SPACE_NAME = "Mesa de diálogo de Challhuahuacho"


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


def add_commitment(page: Any, debtor: Institution, due: dt.date) -> None:
    page.get_by_role("link", name="Añadir compromiso").click()
    page.wait_for_selector("form.commitment-form")
    page.fill("#id_description", "Mantenimiento del corredor vial")
    page.locator("form.commitment-form label", has_text=debtor.name).locator("input").check()
    page.fill("#id_due_date", due.isoformat())
    page.fill("#id_amount", "1200000")
    page.select_option("#id_funding_source", FundingSource.STATE)
    page.click("form.commitment-form button[type=submit]")
    page.wait_for_selector("#estado-compromiso")  # the new commitment's page


def fulfil_with_evidence(page: Any, base_url: str, commitment: Commitment) -> None:
    assert page.url == f"{base_url}/dialogo/compromisos/{commitment.uuid}/"
    # Fulfilled without evidence is refused, in Spanish, on the page.
    page.select_option("#avance select[name=state]", CommitmentState.FULFILLED)
    page.fill("#avance input[name=progress]", "100")
    page.locator("#avance button[type=submit]").click()
    page.wait_for_selector("text=adjunte antes una evidencia")
    page.locator("#evidencias summary").click()
    page.fill("#evidencias input[name=description]", "Acta de recepción de la obra")
    page.fill("#evidencias input[name=url]", "https://gob.pe/recepcion-obra.pdf")
    page.locator("#evidencias button[type=submit]").click()
    page.wait_for_selector(".evidence-list > li")
    page.select_option("#avance select[name=state]", CommitmentState.FULFILLED)
    page.fill("#avance input[name=progress]", "100")
    page.locator("#avance button[type=submit]").click()
    page.wait_for_selector("#estado-compromiso >> text=Cumplido")


# --- the story ------------------------------------------------------------------------------


def test_a_facilitator_records_a_roundtable_up_to_a_fulfilled_commitment(
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
    session = DialogueSession.objects.get()
    assert session.attendance.filter(status=AttendanceStatus.ABSENT).count() == 1
    space.refresh_from_db()
    assert space.state == SpaceState.IN_SESSION

    add_commitment(page, gore, today + dt.timedelta(days=60))
    commitment = Commitment.objects.get()
    assert commitment.responsible.get().institution == gore
    fulfil_with_evidence(page, live_server.url, commitment)
    commitment.refresh_from_db()
    assert (commitment.state, commitment.progress) == (CommitmentState.FULFILLED, 100)
    assert commitment.evidence.count() == 1
    assert page.evaluate("window.__violations") == []
    assert page.console_errors == []

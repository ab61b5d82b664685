"""How the case pages are laid out, for a phone and for paper: the list's filters fold behind a
button, the case page shows its summary before its actions, a case sheet prints, numbers and
dates use the shared formats, and the filters' "all" choices follow the language."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import Institution, User
from willaq.cases import services
from willaq.cases.choices import CaseState
from willaq.cases.models import Case
from willaq.testing.factories import CaseFactory, EventFactory

pytestmark = pytest.mark.django_db

LIST = reverse("cases:list")


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def detail(client: Client, case: Case) -> str:
    response = client.get(reverse("cases:detail", kwargs={"case_uuid": case.uuid}))
    assert response.status_code == 200
    return str(response.content.decode())


@pytest.fixture
def draft(owner_institution: Institution, analyst: User) -> Case:
    case = CaseFactory.create(
        institution=owner_institution,
        created_by=analyst,
        state=CaseState.DRAFT,
        start_date=dt.date(2025, 4, 2),
        investment_amount=Decimal("1234567.50"),
    )
    return case


def test_the_list_filters_fold_behind_a_button(analyst_client: Client) -> None:
    page = analyst_client.get(LIST).content.decode()
    panel = page[page.index('<details class="filter-panel"') :]
    panel = panel[: panel.index("</details>")]
    assert panel.count('<summary class="filter-button">Filtros</summary>') == 1
    assert panel.count('role="search"') == 1
    main = page[page.index("<main") : page.index("</main>")]
    assert panel.count("<select") == len(re.findall(r"<select", main)) >= 5


def test_the_filters_all_choices_follow_the_language(analyst_client: Client) -> None:
    page = english(analyst_client).get(LIST).content.decode()
    assert page.count('<option value="" selected>All</option>') == 5
    assert "Todos" not in page
    assert "Todas" not in page


def test_the_filters_all_choices_are_spanish_by_default(client: Client, analyst: User) -> None:
    client.force_login(analyst)
    page = client.get(LIST).content.decode()
    assert page.count('<option value="" selected>Todos</option>') == 2
    assert page.count('<option value="" selected>Todas</option>') == 3


def test_the_case_page_shows_its_summary_before_its_actions(
    analyst_client: Client, draft: Case
) -> None:
    page = detail(analyst_client, draft)
    summary = page.index('id="h-summary"')
    actions = page.index('<div class="case-actions">')
    workflow = page.index('id="h-workflow"')  # a draft can be proposed: state-changing forms
    title = page.index("<h1>")
    assert title < summary < actions < workflow
    assert page.count('href="#" data-print hidden>Imprimir ficha</a>') == 1


def test_another_institution_sees_the_summary_and_the_print_link(
    outsider_client: Client, owner_institution: Institution
) -> None:
    case = CaseFactory(institution=owner_institution)
    page = detail(outsider_client, case)
    assert page.index('id="h-summary"') < page.index('<div class="case-actions">')
    assert page.count("Imprimir ficha") == 1
    assert 'id="h-workflow"' not in page


@pytest.mark.parametrize(
    ("language", "amount", "start"),
    [("es", "1,234,567.50", "2 abr 2025"), ("en", "1,234,567.50", "2 Apr 2025")],
)
def test_the_case_page_writes_numbers_and_dates_one_way(
    analyst_client: Client, draft: Case, language: str, amount: str, start: str
) -> None:
    client = english(analyst_client) if language == "en" else analyst_client
    page = detail(client, draft)
    assert page.count(f"<dd>{amount}</dd>") == 1
    assert page.count(f"<dd>{start}</dd>") == 1


def test_list_and_dashboard_write_dates_one_way(
    analyst_client: Client, owner_institution: Institution
) -> None:
    case = CaseFactory(institution=owner_institution, start_date=dt.date(2025, 4, 2))
    EventFactory(case=case, institution=owner_institution, event_date=dt.date(2025, 5, 3))
    listed = analyst_client.get(LIST).content.decode()
    assert listed.count(">2 abr 2025</td>") == 1
    board = analyst_client.get(reverse("cases:dashboard")).content.decode()
    assert board.count("<strong>3 may 2025</strong>") == 1


def test_the_history_writes_dates_and_numbers_one_way(
    analyst_client: Client, analyst: User, draft: Case
) -> None:
    data = {"start_date": dt.date(2025, 1, 6), "investment_amount": Decimal("2500000")}
    services.update_case(user=analyst, case=draft, data=data)
    EventFactory(case=draft, event_date=dt.date(2025, 5, 3))
    page = detail(analyst_client, draft)
    history = page[page.index('id="h-history"') :]
    assert history.count("<del>2 abr 2025</del> → <ins>6 ene 2025</ins>") == 1
    assert history.count("<del>1,234,567.50</del> → <ins>2,500,000.00</ins>") == 1
    assert history.count("Evento registrado: 3 may 2025 · ") == 1

"""The dialogue panel of a case page and the dashboard's risk fragment: personas of two
institutions, the risk signal with time travel, bounded lists and query counts."""

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from willaq.accounts.models import Institution, User
from willaq.cases.choices import CaseState
from willaq.cases.models import Case
from willaq.dialogue.choices import SpaceKind, SpaceState
from willaq.dialogue.models import Acta, Commitment, DialogueSession, DialogueSpace
from willaq.dialogue.services import spaces
from willaq.dialogue.tests.conftest import Roundtable, lima
from willaq.dialogue.views.panels import RISK_LIST_SIZE
from willaq.testing.factories import CaseFactory

# The water study (due 30/04/2026) is overdue from 1 May.
OVERDUE_DAY = (2026, 5, 5)


@pytest.fixture
def after_due() -> Iterator[None]:
    with time_machine.travel(lima(*OVERDUE_DAY), tick=False):
        yield


def _panel(case: Case) -> str:
    return reverse("dialogue:case_panel", kwargs={"case_uuid": case.uuid})


RISK = reverse("dialogue:risk_panel")


def _space_with_overdue(
    institution: Institution, case: Case, due: dt.date, overdue: int = 1
) -> DialogueSpace:
    """A space written straight to the tables (for reads), with ``overdue`` open clauses due on
    ``due``."""
    space = DialogueSpace.objects.create(
        kind=SpaceKind.DIALOGUE_TABLE,
        name=f"Mesa de {case.name}",
        institution=institution,
        start_date=dt.date(2026, 1, 5),
        planned_end_date=dt.date(2026, 12, 31),
    )
    space.cases.add(case)
    session = DialogueSession.objects.create(space=space, number=1, starts_at=lima(2026, 1, 10))
    acta = Acta.objects.create(session=session, title="Acta", signed_on=dt.date(2026, 1, 10))
    for number in range(1, overdue + 1):
        Commitment.objects.create(
            acta=acta, space=space, number=number, description="Obra", due_date=due
        )
    return space


# --- the case panel -----------------------------------------------------------------------------


def test_the_panel_shows_the_spaces_and_the_risk(
    roundtable: Roundtable, analyst_client: Client, after_due: None
) -> None:
    response = analyst_client.get(_panel(roundtable.case))
    assert response.status_code == 200
    body = response.content.decode()
    assert roundtable.space.name in body
    assert 'id="dialogue-risk"' in body
    panel = response.context["panel"]
    assert len(panel.spaces) == 1
    assert panel.spaces[0].count == 3
    assert panel.spaces[0].overdue == 1
    assert panel.oldest_overdue == dt.date(2026, 4, 30)
    assert panel.risk
    assert panel.in_dialogue  # recording the held session put the space in session


def test_no_risk_before_the_due_date(roundtable: Roundtable, analyst_client: Client) -> None:
    with time_machine.travel(lima(2026, 4, 30), tick=False):
        response = analyst_client.get(_panel(roundtable.case))
    assert not response.context["panel"].risk
    assert 'id="dialogue-risk"' not in response.content.decode()


def test_no_risk_on_a_resolved_case(
    roundtable: Roundtable, analyst_client: Client, after_due: None
) -> None:
    Case.objects.filter(pk=roundtable.case.pk).update(state=CaseState.RESOLVED, phase="")
    response = analyst_client.get(_panel(roundtable.case))
    assert response.context["panel"].rollup.overdue == 1
    assert not response.context["panel"].risk


def test_only_a_space_in_session_is_dialogue(
    roundtable: Roundtable, coordinator: User, analyst_client: Client
) -> None:
    with time_machine.travel(lima(2026, 4, 1), tick=False):
        assert 'id="in-dialogue"' in analyst_client.get(_panel(roundtable.case)).content.decode()
        spaces.change_space_state(coordinator, roundtable.space, SpaceState.SUSPENDED)
        response = analyst_client.get(_panel(roundtable.case))
    assert not response.context["panel"].in_dialogue
    assert 'id="in-dialogue"' not in response.content.decode()


def test_a_case_without_spaces(owner_institution: Institution, analyst_client: Client) -> None:
    case = CaseFactory(institution=owner_institution)
    response = analyst_client.get(_panel(case))
    assert response.status_code == 200
    assert 'id="dialogue-empty"' in response.content.decode()


def test_panel_access(
    roundtable: Roundtable,
    owner_institution: Institution,
    analyst_client: Client,
    outsider_client: Client,
    anon_client: Client,
) -> None:
    # A registered case is shared: the other institution reads its panel.
    assert outsider_client.get(_panel(roundtable.case)).status_code == 200
    draft = CaseFactory(institution=owner_institution, state=CaseState.DRAFT)
    _space_with_overdue(owner_institution, draft, dt.date(2026, 2, 1))
    assert analyst_client.get(_panel(draft)).status_code == 200
    assert outsider_client.get(_panel(draft)).status_code == 404
    assert anon_client.get(_panel(roundtable.case)).status_code == 302
    unknown = reverse("dialogue:case_panel", kwargs={"case_uuid": roundtable.space.uuid})
    assert analyst_client.get(unknown).status_code == 404


def test_panel_queries_do_not_grow_with_spaces(
    roundtable: Roundtable,
    owner_institution: Institution,
    analyst_client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
    after_due: None,
) -> None:
    analyst_client.get(_panel(roundtable.case))  # warm the session
    with django_assert_num_queries(8) as one:
        analyst_client.get(_panel(roundtable.case))
    for _n in range(3):
        _space_with_overdue(owner_institution, roundtable.case, dt.date(2026, 3, 1), overdue=2)
    with django_assert_num_queries(len(one.captured_queries)):
        response = analyst_client.get(_panel(roundtable.case))
    assert len(response.context["panel"].spaces) == 4
    assert response.context["panel"].rollup.overdue == 7


# --- the risk fragment --------------------------------------------------------------------------


def test_the_risk_fragment_lists_cases_at_risk(
    roundtable: Roundtable, analyst_client: Client, after_due: None
) -> None:
    response = analyst_client.get(RISK)
    assert response.status_code == 200
    cases = response.context["cases"]
    assert len(cases) == 1
    assert cases[0].overdue == 1
    assert cases[0].oldest_due == dt.date(2026, 4, 30)
    assert response.context["total"] == 1
    assert roundtable.case.name in response.content.decode()


def test_no_risk_listed_before_any_due_date(roundtable: Roundtable, analyst_client: Client) -> None:
    with time_machine.travel(lima(2026, 4, 1), tick=False):
        response = analyst_client.get(RISK)
    assert response.context["total"] == 0
    assert 'id="risk-empty"' in response.content.decode()


def test_the_risk_fragment_follows_the_case_rule(
    owner_institution: Institution,
    analyst_client: Client,
    outsider_client: Client,
    anon_client: Client,
    after_due: None,
) -> None:
    draft = CaseFactory(institution=owner_institution, state=CaseState.DRAFT)
    _space_with_overdue(owner_institution, draft, dt.date(2026, 2, 1))
    latent = CaseFactory(institution=owner_institution, state=CaseState.LATENT)
    _space_with_overdue(owner_institution, latent, dt.date(2026, 3, 1))
    resolved = CaseFactory(institution=owner_institution, state=CaseState.RESOLVED)
    _space_with_overdue(owner_institution, resolved, dt.date(2026, 1, 20))
    # The draft is neither active nor latent: never a risk, for anyone.
    assert analyst_client.get(RISK).context["total"] == 1
    assert outsider_client.get(RISK).context["total"] == 1
    assert anon_client.get(RISK).status_code == 302


def test_the_risk_fragment_is_bounded(
    owner_institution: Institution,
    analyst_client: Client,
    django_assert_num_queries: DjangoAssertNumQueries,
    after_due: None,
) -> None:
    for day in range(1, RISK_LIST_SIZE + 4):
        case = CaseFactory(institution=owner_institution)
        _space_with_overdue(owner_institution, case, dt.date(2026, 3, day), overdue=day % 3 + 1)
    analyst_client.get(RISK)
    with django_assert_num_queries(5):
        response = analyst_client.get(RISK)
    cases = response.context["cases"]
    assert len(cases) == RISK_LIST_SIZE
    assert response.context["total"] == RISK_LIST_SIZE + 3
    assert response.context["more"] == 3
    assert cases[0].oldest_due == dt.date(2026, 3, 1)  # the oldest first
    assert cases[0].overdue == 2
    assert 'id="risk-more"' in response.content.decode()


def test_the_case_page_and_the_dashboard_load_the_fragments(
    roundtable: Roundtable, analyst_client: Client
) -> None:
    page = analyst_client.get(reverse("cases:detail", kwargs={"case_uuid": roundtable.case.uuid}))
    assert f'hx-get="{_panel(roundtable.case)}"' in page.content.decode()
    dashboard = analyst_client.get(reverse("cases:dashboard"))
    assert f'hx-get="{RISK}"' in dashboard.content.decode()

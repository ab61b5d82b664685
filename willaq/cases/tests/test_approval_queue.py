"""The coordinators' queue of proposed cases, and the e-mails of the workflow: coordinators
hear of a proposal, the author of a return (with its reason) or an approval."""

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import Institution, Role, User
from willaq.cases import services
from willaq.cases.choices import CaseState
from willaq.cases.models import Case
from willaq.cases.services import PlaceInput
from willaq.testing.factories import CaseFactory, member

pytestmark = pytest.mark.django_db

QUEUE = reverse("cases:queue")


def _draft(analyst: User, institution: Institution, name: str = "Caso propuesto") -> Case:
    return services.create_case(
        user=analyst,
        institution=institution,
        data={"name": name, "start_date": dt.date(2025, 1, 5), "typology": "socioambiental"},
        places=[PlaceInput("021801", True)],
    )


def test_queue_lists_only_proposed_cases_of_the_coordinators_institutions(
    analyst: User,
    coordinator_client: Client,
    owner_institution: Institution,
    other_institution: Institution,
) -> None:
    mine = _draft(analyst, owner_institution)
    services.transition_case(user=analyst, case=mine, name="submit")
    _draft(analyst, owner_institution, "Sigue en borrador")
    CaseFactory(institution=other_institution, state=CaseState.PROPOSED, name="Ajeno")
    response = coordinator_client.get(QUEUE)
    assert response.status_code == 200
    assert [c.pk for c in response.context["cases"]] == [mine.pk]
    html = response.content.decode()
    assert "Ajeno" not in html
    assert "Sigue en borrador" not in html
    # The menu links the queue with its count.
    assert html.count(f'href="{QUEUE}"') == 1
    assert '<span class="badge badge-count">1</span>' in html


def test_queue_is_for_coordinators_only(
    analyst_client: Client, outsider_client: Client, anon_client: Client
) -> None:
    assert analyst_client.get(QUEUE).status_code == 403
    assert outsider_client.get(QUEUE).status_code == 403
    assert anon_client.get(QUEUE).status_code == 302
    assert f'href="{QUEUE}"' not in analyst_client.get(reverse("cases:list")).content.decode()


def test_proposal_mails_the_coordinators_and_return_mails_the_author(
    analyst: User,
    coordinator: User,
    owner_institution: Institution,
    other_institution: Institution,
    django_capture_on_commit_callbacks: Any,
) -> None:
    second = member(owner_institution, Role.COORDINATOR, email="coord2@example.org")
    member(other_institution, Role.COORDINATOR, email="ajeno@example.org")
    case = _draft(analyst, owner_institution)
    with django_capture_on_commit_callbacks(execute=True):
        services.transition_case(
            user=analyst, case=case, name="submit", base_url="https://willaq.example/"
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([coordinator.email, second.email])
    message = mail.outbox[0]
    assert "Caso por aprobar: Caso propuesto" in message.subject
    assert f"https://willaq.example{QUEUE}" in message.body
    html = message.alternatives[0][0]
    assert f"https://willaq.example{QUEUE}" in str(html)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.transition_case(
            user=coordinator, case=case, name="return", reason="Faltan los actores primarios"
        )
    assert [m.to for m in mail.outbox] == [[analyst.email]]
    assert "Faltan los actores primarios" in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.transition_case(user=analyst, case=case, name="submit")
        services.transition_case(user=coordinator, case=case, name="approve")
    case.refresh_from_db()
    approvals = [m for m in mail.outbox if m.to == [analyst.email]]
    assert len(approvals) == 1
    assert case.code is not None
    assert case.code in approvals[0].subject


def test_back_dated_transitions_mail_nobody(
    analyst: User, owner_institution: Institution, django_capture_on_commit_callbacks: Any
) -> None:
    # An import enters a historical case: created and proposed back then (a transition is never
    # back-dated before the case's creation, its first transition).
    case = services.create_case(
        user=analyst,
        institution=owner_institution,
        data={"name": "Caso histórico", "start_date": dt.date(2025, 1, 5), "typology": "comunal"},
        places=[PlaceInput("021801", True)],
        at=dt.datetime(2025, 1, 5, tzinfo=dt.UTC),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.transition_case(
            user=analyst, case=case, name="submit", at=dt.datetime(2025, 1, 6, tzinfo=dt.UTC)
        )
    assert mail.outbox == []

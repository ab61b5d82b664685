"""The reporter role can do its job: propose a case (create + submit) and add an event with
victims to any case it sees; it cannot edit others' data, approve, or see victims' identity of
other institutions; links it cannot use are not shown."""

import datetime as dt
from typing import cast

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import Institution, Role, User
from willaq.cases import services
from willaq.cases.access import can_add_records, can_edit_event, sees_victim_identity
from willaq.cases.choices import CaseState
from willaq.cases.models import Case, Event
from willaq.cases.services import PlaceInput
from willaq.testing.factories import CaseFactory, EventFactory, event_form_data, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporter(owner_institution: Institution) -> User:
    return member(owner_institution, Role.REPORTER, email="reportero@example.org")


@pytest.fixture
def reporter_client(reporter: User) -> Client:
    client = Client()
    client.force_login(reporter)
    return client


def test_reporter_proposes_a_case_through_the_pages(
    reporter: User, reporter_client: Client, owner_institution: Institution
) -> None:
    assert reporter_client.get(reverse("cases:create")).status_code == 200
    case = services.create_case(
        user=reporter,
        institution=owner_institution,
        data={
            "name": "Paro agrario",
            "start_date": dt.date(2025, 1, 5),
            "typology": "socioambiental",
        },
        places=[PlaceInput("021801", True)],
    )
    assert services.allowed_transitions(reporter, case) == ["submit"]
    response = reporter_client.post(
        reverse("cases:transition", kwargs={"case_uuid": case.uuid}),
        {"name": "submit", "confirmed": "1"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.PROPOSED
    # Once proposed, the reporter no longer edits it, and never approves it.
    assert services.allowed_transitions(reporter, case) == []
    with pytest.raises(PermissionDenied):
        services.transition_case(user=reporter, case=case, name="approve")
    with pytest.raises(PermissionDenied):
        services.update_case(user=reporter, case=case, data={"name": "Otro"})


def test_reporter_adds_an_event_with_victims_to_another_institutions_case(
    other_institution: Institution, reporter: User, reporter_client: Client
) -> None:
    case = CaseFactory(institution=other_institution, state=CaseState.ACTIVE)
    response = reporter_client.post(
        reverse("cases:event_create", kwargs={"case_uuid": case.uuid}), event_form_data()
    )
    assert response.status_code == 302
    event = Event.objects.get(case=case)
    assert event.institution_id != other_institution.pk  # the reporter's own institution
    response = reporter_client.post(
        reverse("cases:victim_create", kwargs={"event_uuid": event.uuid}),
        {"outcome": "injured", "group": "civilian", "full_name": "Luis Huamán"},
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.injured == 1
    assert sees_victim_identity(reporter, event)


def test_reporter_cannot_touch_others_data_nor_see_other_institutions_victims(
    analyst: User,
    reporter: User,
    outsider: User,
    owner_institution: Institution,
    other_institution: Institution,
) -> None:
    own_case = cast(Case, CaseFactory(institution=owner_institution, state=CaseState.ACTIVE))
    colleagues_event = EventFactory(case=own_case, created_by=analyst)
    others_event = EventFactory(case=own_case, institution=other_institution, created_by=outsider)
    assert not can_edit_event(reporter, colleagues_event)
    assert not can_edit_event(reporter, others_event)
    assert not sees_victim_identity(reporter, others_event)
    assert not can_add_records(reporter, own_case)  # actors, news, evidence: analysts
    with pytest.raises(PermissionDenied):
        services.update_case(user=reporter, case=own_case, data={"name": "Otro"})
    with pytest.raises(PermissionDenied):
        services.record_victim(
            user=reporter, event=others_event, data={"outcome": "dead", "group": "civilian"}
        )


def test_reporter_sees_only_the_links_it_can_use(
    reporter_client: Client, owner_institution: Institution
) -> None:
    case = CaseFactory(institution=owner_institution, state=CaseState.ACTIVE)
    html = reporter_client.get(reverse("cases:detail", kwargs={"case_uuid": case.uuid})).content
    page = html.decode()
    assert reverse("cases:event_create", kwargs={"case_uuid": case.uuid}) in page
    for hidden in ("edit", "actor_link", "news_create", "evidence_create"):
        assert reverse(f"cases:{hidden}", kwargs={"case_uuid": case.uuid}) not in page
    assert reverse("cases:queue") not in page
    assert page.count(f'href="{reverse("cases:create")}"') == 1  # the menu's "Nuevo caso"
    outsider_page = reporter_client.get(reverse("cases:list")).content.decode()
    assert reverse("cases:create") in outsider_page

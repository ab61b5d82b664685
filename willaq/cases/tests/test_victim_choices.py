"""An untouched victim form records nothing: outcome and group are chosen, never preselected
(page, service and API)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import Institution, User
from willaq.cases import services
from willaq.cases.choices import CaseState
from willaq.cases.forms import VictimForm
from willaq.cases.models import Event, Victim
from willaq.testing.factories import CaseFactory, EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(owner_institution: Institution) -> Event:
    return EventFactory(case=CaseFactory(institution=owner_institution, state=CaseState.ACTIVE))


def test_victim_form_preselects_nothing() -> None:
    form = VictimForm()
    html = str(form["outcome"]) + str(form["group"])
    assert html.count("selected") == 2  # the two blank "— elija —" options, nothing else
    assert form.fields["outcome"].choices[0][0] == ""  # type: ignore[attr-defined]
    assert form.fields["group"].choices[0][0] == ""  # type: ignore[attr-defined]


def test_untouched_victim_form_records_nothing(analyst_client: Client, event: Event) -> None:
    url = reverse("cases:victim_create", kwargs={"event_uuid": event.uuid})
    response = analyst_client.post(url, {"outcome": "", "group": "", "full_name": ""})
    assert response.status_code == 200
    assert sorted(response.context["form"].errors) == ["group", "outcome"]
    assert Victim.objects.count() == 0
    event.refresh_from_db()
    assert event.fatalities == 0


def test_service_requires_outcome_and_group(analyst: User, event: Event) -> None:
    with pytest.raises(ValidationError) as exc:
        services.record_victim(user=analyst, event=event, data={"full_name": "Ana"})
    assert sorted(exc.value.message_dict) == ["group", "outcome"]
    assert Victim.objects.count() == 0


def test_api_requires_outcome_and_group(
    analyst_client: Client, outsider_client: Client, event: Event
) -> None:
    url = f"/api/v1/events/{event.uuid}/victims"
    response = analyst_client.post(url, {"full_name": "Ana"}, content_type="application/json")
    assert response.status_code == 422
    assert sorted(response.json()["errors"]) == ["group", "outcome"]
    response = analyst_client.post(
        url, {"outcome": "injured", "group": "police"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["injured"] == 1
    assert len(response.json()["victims"]) == 1
    # Another institution may not record victims of this event (and the draft is unseen).
    response = outsider_client.post(
        url, {"outcome": "injured", "group": "police"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert Victim.objects.count() == 1

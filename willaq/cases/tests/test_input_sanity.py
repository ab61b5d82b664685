"""Input sanity: points outside Peru are refused; a point far from its place must be confirmed;
dates before 1980, and a case end date in the future, are refused (services, pages and API)."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import Institution, User
from willaq.cases import services
from willaq.cases.choices import CaseState
from willaq.cases.models import Case, Event
from willaq.cases.services import PlaceInput
from willaq.testing.factories import CaseFactory, event_form_data

pytestmark = pytest.mark.django_db

LIMA_CENTRE = (-12.0464, -77.0428)  # far from Áncash
HUARAZ = (-9.5278, -77.5278)  # inside Huaraz (Áncash, 020101)
OCEAN = (-12.0, -85.0)

EVENT: dict[str, Any] = {
    "event_date": dt.date(2025, 3, 3),
    "event_type": "Protests",
    "sub_event_type": "Peaceful protest",
    "actor1": "Protesters (Peru)",
    "inter1": 6,
    "ubigeo_code": "020101",
}


@pytest.fixture
def case(owner_institution: Institution) -> Case:
    return CaseFactory(institution=owner_institution, state=CaseState.ACTIVE)


def _case_data(**extra: Any) -> dict[str, Any]:
    return {
        "name": "Caso con punto",
        "start_date": dt.date(2025, 1, 5),
        "typology": "socioambiental",
    } | extra


def test_event_point_outside_peru_is_refused_even_with_a_place(analyst: User, case: Case) -> None:
    with pytest.raises(ValidationError) as exc:
        services.record_event(
            user=analyst,
            case=case,
            data=EVENT | {"latitude": OCEAN[0], "longitude": OCEAN[1], "confirm_far_point": True},
        )
    assert list(exc.value.message_dict) == ["latitude"]
    assert Event.objects.count() == 0


def test_event_point_far_from_its_place_needs_confirmation(analyst: User, case: Case) -> None:
    far = EVENT | {"latitude": LIMA_CENTRE[0], "longitude": LIMA_CENTRE[1]}
    with pytest.raises(ValidationError) as exc:
        services.record_event(user=analyst, case=case, data=far)
    assert list(exc.value.message_dict) == ["confirm_far_point"]
    assert "km" in exc.value.message_dict["confirm_far_point"][0]
    services.record_event(user=analyst, case=case, data=far | {"confirm_far_point": True})
    # A point inside its place is never questioned.
    services.record_event(
        user=analyst, case=case, data=EVENT | {"latitude": HUARAZ[0], "longitude": HUARAZ[1]}
    )
    assert Event.objects.count() == 2


def test_case_point_outside_peru_or_far_from_its_principal_place(
    analyst: User, owner_institution: Institution
) -> None:
    places = [PlaceInput("020101", True)]
    with pytest.raises(ValidationError) as exc:
        services.create_case(
            user=analyst,
            institution=owner_institution,
            data=_case_data(latitude=OCEAN[0], longitude=OCEAN[1]),
            places=places,
        )
    assert list(exc.value.message_dict) == ["latitude"]
    far = _case_data(latitude=LIMA_CENTRE[0], longitude=LIMA_CENTRE[1])
    with pytest.raises(ValidationError) as exc:
        services.create_case(user=analyst, institution=owner_institution, data=far, places=places)
    assert list(exc.value.message_dict) == ["confirm_far_point"]
    assert Case.objects.count() == 0
    services.create_case(
        user=analyst,
        institution=owner_institution,
        data=far | {"confirm_far_point": True},
        places=places,
    )
    assert Case.objects.count() == 1


def test_dates_before_1980_and_future_end_dates_are_refused(
    analyst: User, owner_institution: Institution, case: Case
) -> None:
    places = [PlaceInput("020101", True)]
    with pytest.raises(ValidationError) as exc:
        services.create_case(
            user=analyst,
            institution=owner_institution,
            data=_case_data(start_date=dt.date(1925, 1, 5)),
            places=places,
        )
    assert list(exc.value.message_dict) == ["start_date"]
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), tick=False):
        with pytest.raises(ValidationError) as exc:
            services.create_case(
                user=analyst,
                institution=owner_institution,
                data=_case_data(end_date=dt.date(2026, 12, 2)),
                places=places,
            )
        assert list(exc.value.message_dict) == ["end_date"]
    with pytest.raises(ValidationError) as exc:
        services.record_event(
            user=analyst, case=case, data=EVENT | {"event_date": dt.date(1979, 12, 31)}
        )
    assert list(exc.value.message_dict) == ["event_date"]
    with pytest.raises(ValidationError) as exc:
        services.add_news(
            user=analyst,
            case=case,
            data={"outlet": "Diario", "title": "Viejo", "published_on": dt.date(1901, 1, 1)},
        )
    assert list(exc.value.message_dict) == ["published_on"]
    assert Case.objects.count() == 1  # only the fixture's
    assert Event.objects.count() == 0


def test_event_form_and_api_ask_to_confirm_a_far_point(analyst_client: Client, case: Case) -> None:
    url = reverse("cases:event_create", kwargs={"case_uuid": case.uuid})
    post = event_form_data(
        geo_precision="1", latitude=str(LIMA_CENTRE[0]), longitude=str(LIMA_CENTRE[1])
    )
    response = analyst_client.post(url, post)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["confirm_far_point"]
    assert analyst_client.post(url, post | {"confirm_far_point": "on"}).status_code == 302
    body = {
        "event_date": "2025-04-02",
        "event_type": "Protests",
        "sub_event_type": "Peaceful protest",
        "actor1": "Protesters (Peru)",
        "inter1": 6,
        "ubigeo": "020101",
        "latitude": LIMA_CENTRE[0],
        "longitude": LIMA_CENTRE[1],
    }
    api = f"/api/v1/cases/{case.uuid}/events"
    response = analyst_client.post(api, body, content_type="application/json")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["confirm_far_point"]
    response = analyst_client.post(
        api, body | {"confirm_far_point": True}, content_type="application/json"
    )
    assert response.status_code == 201
    assert Event.objects.count() == 2

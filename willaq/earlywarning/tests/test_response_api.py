"""GET /api/v1/orders, /api/v1/orders/{uuid} and /api/v1/orders/stats: the same access rule as
the pages, the clock in every order, errors as ErrorOut."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from willaq.accounts.models import Institution, User
from willaq.earlywarning.choices import OrderState
from willaq.earlywarning.models import DeploymentOrder
from willaq.earlywarning.services.response import advance, order_response
from willaq.territory.models import Ubigeo

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
API = "/api/v1/orders"


@pytest.fixture
def orders(
    coordinator: User,
    owner_institution: Institution,
    responder_institution: Institution,
    team_member: User,
) -> list[DeploymentOrder]:
    made = []
    with time_machine.travel(T0, tick=False):
        for team, place in (("Equipo Espinar", "080801"), ("Equipo Puno", "210101")):
            made.append(
                order_response(
                    coordinator,
                    ordering_institution=owner_institution,
                    institution=responder_institution,
                    team=team,
                    team_members=[team_member],
                    ubigeo=Ubigeo.objects.get(code=place),
                )
            )
    with time_machine.travel(T0 + dt.timedelta(hours=6), tick=False):
        advance(team_member, made[0], OrderState.ON_SITE)
    return made


def test_the_list_with_its_filters(
    orders: list[DeploymentOrder], coordinator_client: Client
) -> None:
    with time_machine.travel(T0 + dt.timedelta(hours=50), tick=False):
        body = coordinator_client.get(API).json()
        assert body["count"] == 2
        by_team = {item["team"]: item for item in body["items"]}
        assert by_team["Equipo Espinar"]["clock"] == "responded_in_time"
        assert by_team["Equipo Espinar"]["response_hours"] == 6.0
        assert by_team["Equipo Puno"]["overdue"] is True
        assert by_team["Equipo Puno"]["due_at"].startswith("2026-03-04T08:00:00")
        assert by_team["Equipo Puno"]["team_members"] == ["Teo Terreno"]
        overdue = coordinator_client.get(f"{API}?overdue=true").json()
        assert [i["team"] for i in overdue["items"]] == ["Equipo Puno"]
        assert coordinator_client.get(f"{API}?overdue=false").json()["count"] == 1
    assert coordinator_client.get(f"{API}?state=on_site").json()["count"] == 1
    assert coordinator_client.get(f"{API}?department=210000").json()["count"] == 1
    assert coordinator_client.get(f"{API}?institution=gore-cusco").json()["count"] == 2
    assert coordinator_client.get(f"{API}?institution=onds").json()["count"] == 0
    bad = coordinator_client.get(f"{API}?department=21")
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"department"}


def test_one_order_and_who_reads_it(
    orders: list[DeploymentOrder],
    analyst_client: Client,
    outsider_client: Client,
    anon_client: Client,
) -> None:
    url = f"{API}/{orders[1].uuid}"
    with time_machine.travel(T0 + dt.timedelta(hours=40), tick=False):
        body = analyst_client.get(url).json()
    assert body["uuid"] == str(orders[1].uuid)
    assert body["clock"] == "due_soon"
    assert body["overdue"] is False
    assert body["ordering_institution"] == "defensoria"
    assert body["institution"] == "gore-cusco"
    assert body["department"] == "210000"
    response = outsider_client.get(url)
    assert response.status_code == 404
    assert response.json() == {"detail": "No encontrado."}
    assert outsider_client.get(API).json()["count"] == 0
    assert anon_client.get(url).status_code == 401


def test_the_statistics(orders: list[DeploymentOrder], coordinator_client: Client) -> None:
    body = coordinator_client.get(f"{API}/stats").json()
    assert body["hours"] == 48
    assert body["total"]["orders"] == 2
    assert body["total"]["responded"] == 1
    assert body["total"]["median_hours"] == 6.0
    assert [row["key"] for row in body["by_institution"]] == ["gore-cusco"]
    assert sorted(row["key"] for row in body["by_department"]) == ["080000", "210000"]
    assert coordinator_client.get(f"{API}/stats?since=2026-04-01").json()["total"]["orders"] == 0
    bad = coordinator_client.get(f"{API}/stats?since=ayer", headers={"Accept-Language": "en"})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"since"}

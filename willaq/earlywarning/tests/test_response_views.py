"""The response pages with the personas: the ombudsman (DP) orders, the regional government
of Cusco responds, the dialogue office (ONDS) is the outsider (404), anonymous visitors go to
the login page."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from willaq.accounts.models import Institution, User
from willaq.earlywarning.choices import OrderState
from willaq.earlywarning.models import DeploymentOrder
from willaq.earlywarning.services.response import order_response
from willaq.territory.models import Ubigeo
from willaq.testing.factories import CaseFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def order(
    coordinator: User,
    owner_institution: Institution,
    responder_institution: Institution,
    team_member: User,
) -> DeploymentOrder:
    with time_machine.travel(T0, tick=False):
        return order_response(
            coordinator,
            ordering_institution=owner_institution,
            institution=responder_institution,
            team="Equipo Espinar",
            team_members=[team_member],
            ubigeo=Ubigeo.objects.get(code="080801"),
        )


def test_a_coordinator_orders_from_the_form(
    coordinator_client: Client,
    responder_institution: Institution,
    team_member: User,
) -> None:
    page = coordinator_client.get("/respuesta/nueva/")
    assert page.status_code == 200
    assert "Nueva orden de despliegue" in page.text
    response = coordinator_client.post(
        "/respuesta/nueva/",
        {
            "ordering_institution": "defensoria",
            "institution": "gore-cusco",
            "team": "Equipo de diálogo",
            "team_members": "EQUIPO@gorecusco.gob.pe",
            "place_department": "080000",
            "place_province": "080800",
            "place_district": "080801",
            "instructions": "Instalar la mesa.",
        },
    )
    assert response.status_code == 302
    order = DeploymentOrder.objects.get()
    assert response["Location"] == f"/respuesta/{order.uuid}/"
    assert order.ubigeo.code == "080801"
    assert list(order.team_members.all()) == [team_member]


def test_the_form_names_what_is_wrong(
    coordinator_client: Client, responder_institution: Institution, outsider: User
) -> None:
    response = coordinator_client.post(
        "/respuesta/nueva/",
        {
            "ordering_institution": "defensoria",
            "institution": "gore-cusco",
            "team": "Equipo",
            "team_members": "otro@onds.gob.pe nadie@example.pe",
        },
    )
    assert response.status_code == 200
    assert "nadie@example.pe" in response.text
    assert "Elija al menos el departamento." in response.text
    response = coordinator_client.post(
        "/respuesta/nueva/",
        {
            "ordering_institution": "defensoria",
            "institution": "gore-cusco",
            "team": "Equipo",
            "team_members": "otro@onds.gob.pe",
            "place_department": "080000",
        },
    )
    assert "No son miembros activos de la institución responsable" in response.text
    assert DeploymentOrder.objects.count() == 0


def test_only_coordinators_reach_the_form(analyst_client: Client, anon_client: Client) -> None:
    assert analyst_client.get("/respuesta/nueva/").status_code == 403
    assert anon_client.get("/respuesta/nueva/").status_code == 302


def test_the_form_is_prefilled_from_a_case(coordinator_client: Client, coordinator: User) -> None:
    case = CaseFactory.create(
        institution=coordinator.memberships.get().institution, created_by=coordinator
    )
    place = case.places.get(is_principal=True).ubigeo
    page = coordinator_client.get(f"/respuesta/nueva/?caso={case.uuid}")
    assert page.status_code == 200
    assert f'value="{case.uuid}"' in page.text
    assert case.name in page.text
    assert f'<option value="{place.department_code}" selected>' in page.text
    # An unknown or malformed id is simply ignored.
    assert coordinator_client.get("/respuesta/nueva/?caso=x&alerta=y").status_code == 200


def test_the_list_shows_the_clock_with_colour_and_text(
    order: DeploymentOrder,
    coordinator: User,
    team_member: User,
    outsider_client: Client,
) -> None:
    with time_machine.travel(T0 + dt.timedelta(hours=40), tick=False):
        page = _client(coordinator).get("/respuesta/")
        assert page.status_code == 200
        assert "Equipo Espinar" in page.text
        assert 'data-clock="due_soon"' in page.text
        assert "Por vencer" in page.text
        assert "faltan 8 h 0 min" in page.text
    with time_machine.travel(T0 + dt.timedelta(hours=51), tick=False):
        page = _client(team_member).get("/respuesta/?overdue=si")
        assert 'data-clock="overdue"' in page.text
        assert "vencida hace 3 h 0 min" in page.text
        assert "Equipo Espinar" not in _client(team_member).get("/respuesta/?overdue=no").text
    assert "Equipo Espinar" not in _client(coordinator).get("/respuesta/?state=closed").text
    assert "Equipo Espinar" in _client(coordinator).get("/respuesta/?institution=gore-cusco").text
    assert "Equipo Espinar" not in _client(coordinator).get("/respuesta/?department=210000").text
    # The dialogue office neither gave nor received it.
    page = outsider_client.get("/respuesta/")
    assert page.status_code == 200
    assert "Equipo Espinar" not in page.text


def test_the_list_is_paginated(order: DeploymentOrder, coordinator: User) -> None:
    for _ in range(25):
        DeploymentOrder.objects.create(
            ordering_institution=order.ordering_institution,
            institution=order.institution,
            team="Otro equipo",
            ubigeo=order.ubigeo,
            department_code=order.department_code,
            ordered_at=T0 + dt.timedelta(hours=1),
        )
    client = _client(coordinator)
    first = client.get("/respuesta/")
    assert first.text.count('data-clock="') == 25
    assert "Página 1 de 2" in first.text
    second = client.get("/respuesta/?page=2", headers={"HX-Request": "true"})
    assert second.text.count('data-clock="') == 1
    assert "<html" not in second.text


def test_the_detail_page_and_moving_on(
    order: DeploymentOrder,
    team_member: User,
    coordinator: User,
    outsider_client: Client,
    anon_client: Client,
) -> None:
    url = f"/respuesta/{order.uuid}/"
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(f"{url}estado/", {"state": "deployed"}).status_code == 404
    assert anon_client.get(url).status_code == 302
    watcher = _client(coordinator)
    page = watcher.get(url)
    assert page.status_code == 200
    assert "Actualizar la orden" not in page.text
    assert watcher.post(f"{url}estado/", {"state": "deployed"}).status_code == 403

    team = _client(team_member)
    page = team.get(url)
    assert "Actualizar la orden" in page.text
    assert team.post(f"{url}estado/", {"state": "on_site"}).status_code == 302
    response = team.post(f"{url}estado/", {"state": "closed"})
    assert response.status_code == 400
    assert "Este campo es obligatorio." in response.text
    response = team.post(f"{url}estado/", {"state": "closed", "report": "Acta firmada."})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.CLOSED
    assert order.report == "Acta firmada."
    page = team.get(url)
    assert "Acta firmada." in page.text
    assert "Actualizar la orden" not in page.text


def test_the_statistics_page_defines_the_response_time(
    order: DeploymentOrder, team_member: User, coordinator: User
) -> None:
    with time_machine.travel(T0 + dt.timedelta(hours=12), tick=False):
        _client(team_member).post(f"/respuesta/{order.uuid}/estado/", {"state": "on_site"})
    page = _client(coordinator).get("/respuesta/estadisticas/")
    assert page.status_code == 200
    assert "Tiempo de respuesta" in page.text
    assert "en el lugar" in page.text
    assert 'id="por-institucion"' in page.text
    assert "GORE Cusco" in page.text
    assert "12.0" in page.text or "12,0" in page.text
    assert "data-vega-spec" in page.text
    assert "<style" not in page.text
    assert "Cusco" in page.text
    assert _client(coordinator).get("/respuesta/estadisticas/?since=x").status_code == 200


def test_the_menu_shows_respuesta_to_members(
    coordinator_client: Client, anon_client: Client
) -> None:
    assert 'href="/respuesta/"' in coordinator_client.get("/respuesta/").text
    assert 'href="/respuesta/"' not in anon_client.get("/cuentas/entrar/").text

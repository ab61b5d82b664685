"""Error pages speak Spanish and leak nothing."""

import pytest
from django.test import Client

from willaq.accounts.models import Role
from willaq.testing.factories import CaseFactory, member

pytestmark = pytest.mark.django_db


def test_unknown_case_page_is_a_spanish_404(analyst_client: Client) -> None:
    response = analyst_client.get("/casos/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert "No encontramos esta página" in response.content.decode()


def test_health_answers_ok(anon_client: Client) -> None:
    response = anon_client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_forbidden_edit_is_a_spanish_403(analyst, owner_institution) -> None:
    reporter = member(owner_institution, Role.REPORTER)
    case = CaseFactory(institution=owner_institution)
    client = Client()
    client.force_login(reporter)
    response = client.get(f"/casos/{case.uuid}/editar/")
    assert response.status_code == 403
    assert "No tiene permiso" in response.content.decode()


@pytest.mark.parametrize("url", ["/casos/?q=a%00b", "/api/v1/cases?q=%00", "/casos/?%00=1"])
def test_nul_characters_in_the_address_get_a_400(analyst_client: Client, url: str) -> None:
    response = analyst_client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()

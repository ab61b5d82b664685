"""/api/v1/territory: list with filters and pagination, detail, point lookup, authentication."""

import pytest
from django.test import Client

from config.api import api
from willaq.accounts.models import ApiToken, User, hash_token

pytestmark = pytest.mark.django_db

BASE = "/api/v1/territory"


def test_list_departments(analyst_client: Client) -> None:
    response = analyst_client.get(f"{BASE}/ubigeos", {"level": "department"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 25
    ancash = next(item for item in body["items"] if item["code"] == "020000")
    assert ancash["name"] == "Áncash"
    assert ancash["parent_code"] is None
    assert ancash["level"] == "department"


def test_list_children_of_a_province(analyst_client: Client) -> None:
    body = analyst_client.get(f"{BASE}/ubigeos", {"parent": "150500"}).json()
    assert body["count"] == 16
    assert {item["parent_code"] for item in body["items"]} == {"150500"}
    first = body["items"][0]
    assert first["code"] == "150501"
    assert first["full_name"] == "San Vicente de Cañete, Cañete, Lima"


def test_list_by_name_and_pagination(analyst_client: Client) -> None:
    body = analyst_client.get(f"{BASE}/ubigeos", {"q": "LURIGANCHO", "level": "district"}).json()
    assert [item["code"] for item in body["items"]] == ["150118", "150132"]
    page = analyst_client.get(f"{BASE}/ubigeos", {"page": 2, "page_size": 10}).json()
    assert page["count"] == 25 + 196 + 1892
    assert len(page["items"]) == 10
    # Code order: Amazonas, Chachapoyas, then its districts 010101…: the 11th is 010109.
    assert page["items"][0]["code"] == "010109"


@pytest.mark.parametrize("params", [{"level": "country"}, {"parent": "02"}])
def test_list_rejects_bad_filters(analyst_client: Client, params: dict[str, str]) -> None:
    assert analyst_client.get(f"{BASE}/ubigeos", params).status_code == 422


def test_detail(outsider_client: Client) -> None:
    response = outsider_client.get(f"{BASE}/ubigeos/150132")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "San Juan de Lurigancho"
    assert body["parent_code"] == "150100"
    assert body["province_code"] == "150100"
    assert body["department_code"] == "150000"
    assert body["reniec_code"] == "140137"


@pytest.mark.parametrize("code", ["999999", "02", "abc"])
def test_detail_unknown_is_404_with_message(analyst_client: Client, code: str) -> None:
    response = analyst_client.get(f"{BASE}/ubigeos/{code}")
    assert response.status_code == 404
    assert response.json() == {"detail": f"No existe la unidad territorial {code}."}


def test_locate(analyst_client: Client) -> None:
    response = analyst_client.get(f"{BASE}/locate", {"lat": -12.0464, "lon": -77.0428})
    assert response.status_code == 200
    assert response.json()["code"] == "150101"


def test_locate_outside_peru_is_404(analyst_client: Client) -> None:
    response = analyst_client.get(f"{BASE}/locate", {"lat": -12.0, "lon": -80.0})
    assert response.status_code == 404
    assert response.json() == {"detail": "El punto no está dentro del territorio del Perú."}
    assert analyst_client.get(f"{BASE}/locate", {"lat": -120, "lon": 0}).status_code == 422


@pytest.mark.parametrize("path", ["/ubigeos", "/ubigeos/020000", "/locate?lat=-12.05&lon=-77.04"])
def test_anonymous_gets_401(anon_client: Client, path: str) -> None:
    assert anon_client.get(f"{BASE}{path}").status_code == 401


def test_personal_token(anon_client: Client, outsider: User) -> None:
    raw = ApiToken.new_raw_value()
    ApiToken.objects.create(
        user=outsider, name="script", prefix=raw[:8], token_hash=hash_token(raw)
    )
    response = anon_client.get(f"{BASE}/ubigeos/020000", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert (
        anon_client.get(f"{BASE}/ubigeos/020000", HTTP_AUTHORIZATION="Bearer wq_wrong").status_code
        == 401
    )


def test_openapi_documents_the_404() -> None:
    schema = api.get_openapi_schema()
    detail = schema["paths"]["/api/v1/territory/ubigeos/{code}"]["get"]["responses"]
    assert {"200", "401", "404"} <= set(map(str, detail))
    assert "404" in map(str, schema["paths"]["/api/v1/territory/locate"]["get"]["responses"])

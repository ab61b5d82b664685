import datetime as dt

from django.test import Client

from willaq.accounts.models import User
from willaq.peoples.services import (
    AuthorityInput,
    OrganisationInput,
    register_authority,
    register_organisation,
)


def test_registry_pages_for_every_persona(
    analyst_client: Client, outsider_client: Client, anon_client: Client
) -> None:
    for client in (analyst_client, outsider_client, anon_client):
        page = client.get("/pueblos/")
        assert page.status_code == 200
        assert "55 pueblos" in page.content.decode()
        assert client.get("/pueblos/lenguas/").status_code == 200
        assert "48 lenguas" in client.get("/pueblos/lenguas/").content.decode()
        assert client.get("/pueblos/awajun/").status_code == 200
        assert client.get("/pueblos/no-existe/").status_code == 404


def test_registry_page_search_and_filters(anon_client: Client) -> None:
    body = anon_client.get("/pueblos/", {"q": "Aguaruna"}).content.decode()
    assert "1 pueblo" in body
    assert "Awajún" in body
    body = anon_client.get("/pueblos/", {"area": "andean"}).content.decode()
    assert "4 pueblos" in body
    body = anon_client.get("/pueblos/", {"department": "210000"}).content.decode()
    assert "3 pueblos" in body
    body = anon_client.get("/pueblos/", {"family": "pano"}).content.decode()
    assert "Shipibo-konibo" in body
    partial = anon_client.get("/pueblos/", {"q": "zzz"}, headers={"HX-Request": "true"})
    assert "Ningún pueblo coincide" in partial.content.decode()
    assert "<html" not in partial.content.decode()


def test_peoples_api(anon_client: Client, analyst_client: Client) -> None:
    for client in (anon_client, analyst_client):
        response = client.get("/api/v1/peoples", {"limit": 200})
        assert response.status_code == 200
        assert response.json()["count"] == 55
        assert len(response.json()["items"]) == 55
    assert anon_client.get("/api/v1/peoples", {"q": "cocama"}).json()["count"] == 1
    assert anon_client.get("/api/v1/peoples", {"area": "andean"}).json()["count"] == 4
    assert anon_client.get("/api/v1/peoples", {"language": "quechua"}).json()["count"] == 2
    assert anon_client.get("/api/v1/peoples", {"area": "marte"}).status_code == 422
    awajun = anon_client.get("/api/v1/peoples", {"q": "awajun"}).json()["items"][0]
    assert awajun["languages"] == [{"slug": "awajun", "name": "Awajún"}]
    assert len(awajun["departments"]) == 4


def test_languages_api(anon_client: Client) -> None:
    response = anon_client.get("/api/v1/languages", {"limit": 200})
    assert response.json()["count"] == 48
    assert anon_client.get("/api/v1/languages", {"area": "andean"}).json()["count"] == 4
    quechua = anon_client.get("/api/v1/languages", {"q": "quechua"}).json()["items"][0]
    assert quechua["family"]["name"] == "Quechua"
    assert len(quechua["varieties"]) == 12


def test_a_bad_token_answers_401(anon_client: Client) -> None:
    response = anon_client.get("/api/v1/peoples", headers={"authorization": "Bearer nope"})
    assert response.status_code == 401


def test_openapi_documents_the_statuses(anon_client: Client) -> None:
    schema = anon_client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/peoples", "/api/v1/languages", "/api/v1/interpreters"):
        assert sorted(schema["paths"][path]["get"]["responses"]) == ["200", "400", "401", "422"]


def test_organisation_and_authority_contact_is_for_members(
    analyst: User, analyst_client: Client, outsider_client: Client, anon_client: Client
) -> None:
    org = register_organisation(
        analyst,
        OrganisationInput(
            name="Organización Regional de Pueblos Indígenas de la Amazonía Norte",
            acronym="ORPIAN-P",
            level="regional",
            peoples=["awajun", "wampis"],
            contact_name="Secretaría",
            phone="041111222",
        ),
    )
    register_authority(
        analyst,
        AuthorityInput(
            people="awajun",
            full_name="Apu Santiago Kayap",
            position="Apu",
            term_start=dt.date(2023, 1, 1),
            term_end=dt.date(2025, 12, 31),
            organisation=str(org.uuid),
            phone="999888777",
        ),
    )
    for client, sees in ((analyst_client, True), (outsider_client, True), (anon_client, False)):
        body = client.get("/pueblos/awajun/").content.decode()
        assert "ORPIAN-P" in body
        assert "Apu Santiago Kayap" in body
        assert ("999888777" in body) is sees
        assert ("041111222" in body) is sees

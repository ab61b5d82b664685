"""The monthly figures through the API and the CSV downloads, as a user of another institution
and as a visitor; CSV parsed back with the csv module, the same rows as the JSON."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import ApiToken, hash_token
from willaq.reports.monthly import compute_month
from willaq.reports.tables import TABLE_NAMES, tables
from willaq.reports.tests.conftest import Registry

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/monthly/"
CONTRACT = (
    "month",
    "total",
    "active",
    "latent",
    "new",
    "reactivated",
    "active_to_latent",
    "resolved",
    "withdrawn",
    "merged",
    "by_department",
    "by_typology",
    "by_phase",
    "in_dialogue",
    "protest_actions",
    "deaths",
    "injured",
)


def parse(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_figures_as_json_for_a_user_of_another_institution(
    registry: Registry, outsider_client: Client
) -> None:
    response = outsider_client.get(URL + "2025-10")
    assert response.status_code == 200
    body = response.json()
    for key in CONTRACT:
        assert key in body
    assert (body["month"], body["total"], body["active"], body["latent"]) == ("2025-10", 6, 5, 1)
    assert body["new"] == 2
    assert body["deaths"]["total"] == 2
    assert "DESCRIPCION-CONFIDENCIAL" not in response.content.decode()
    assert "FUENTE-SECRETA" not in response.content.decode()
    filtered = outsider_client.get(URL + "2025-10", {"institution": "defensoria"}).json()
    assert filtered["institution"]["slug"] == "defensoria"
    assert filtered["total"] == 5
    lean = outsider_client.get(URL + "2025-10", {"fiches": "false"}).json()
    assert body["fiches"]
    assert lean["fiches"] == []
    assert {k: v for k, v in lean.items() if k not in ("fiches", "generated_at")} == {
        k: v for k, v in body.items() if k not in ("fiches", "generated_at")
    }


def test_token_access(registry: Registry, outsider) -> None:
    raw = ApiToken.new_raw_value()
    ApiToken.objects.create(
        user=outsider, name="informes", prefix=raw[:8], token_hash=hash_token(raw)
    )
    client = Client(headers={"authorization": f"Bearer {raw}"})
    response = client.get(URL + "2025-10", {"institution": "onds"})
    assert response.status_code == 200
    assert response.json()["total"] == 1


def test_visitor_needs_to_sign_in(registry: Registry, anon_client: Client) -> None:
    response = anon_client.get(URL + "2025-10")
    assert response.status_code == 401
    assert response.json()["detail"]
    page = anon_client.get("/reportes/mensual/2025-10/summary.csv")
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("month", "field", "words"),
    [
        ("2099-01", "month", "aún no ha llegado"),
        ("2025-05", "month", "primer caso registrado"),
        ("2025-13", "month", "AAAA-MM"),
        ("octubre", "month", "AAAA-MM"),
    ],
)
def test_months_without_report_answer_422(
    registry: Registry, outsider_client: Client, month: str, field: str, words: str
) -> None:
    response = outsider_client.get(URL + month)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert words in body["errors"][field][0]


def test_unknown_institution_and_table(registry: Registry, outsider_client: Client) -> None:
    response = outsider_client.get(URL + "2025-10", {"institution": "nadie"})
    assert response.status_code == 422
    assert "nadie" in response.json()["errors"]["institution"][0]
    response = outsider_client.get(URL + "2025-10/tables/inventada.csv")
    assert response.status_code == 422
    assert "summary" in response.json()["errors"]["table"][0]


def test_openapi_documents_the_contract(admin_client: Client) -> None:
    schema = admin_client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/reports/monthly/{month}"]["get"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    properties = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]
    for key in CONTRACT:
        assert key in properties
    assert "422" in operation["responses"]


def test_every_table_as_csv_matches_the_json(registry: Registry, outsider_client: Client) -> None:
    body = outsider_client.get(URL + "2025-10").json()
    expected = tables(compute_month(2025, 10))
    for name in TABLE_NAMES:
        response = outsider_client.get(f"{URL}2025-10/tables/{name}.csv")
        assert response.status_code == 200, name
        assert response["Content-Type"].startswith("text/csv")
        rows = parse(response.content)
        header, data = expected[name]
        assert rows[0] == header
        assert len(rows) - 1 == len(data), name
        assert rows[1:] == [[str(v) for v in row] for row in data], name
    summary = {
        row[0]: row[2]
        for row in parse(outsider_client.get(f"{URL}2025-10/tables/summary.csv").content)[1:]
    }
    for key in ("total", "active", "latent", "new", "resolved", "merged", "withdrawn"):
        assert summary[key] == str(body[key])
    departments = parse(outsider_client.get(f"{URL}2025-10/tables/by_department.csv").content)
    assert sorted(row[1] for row in departments[1:]) == sorted(
        row["code"] for row in body["by_department"]
    )
    fiches = parse(outsider_client.get(f"{URL}2025-10/tables/fiches.csv").content)
    assert len(fiches) - 1 == len(body["fiches"])
    assert "NOTA-SECRETA" not in str(fiches)


def test_csv_page_download(registry: Registry, outsider_client: Client) -> None:
    response = outsider_client.get("/reportes/mensual/2025-10/by_department.csv")
    assert response.status_code == 200
    assert "reporte-2025-10-by_department.csv" in response["Content-Disposition"]
    rows = parse(response.content)
    assert rows[0][:3] == ["tipo de fila", "código", "departamento o ámbito"]
    assert sum(int(row[3]) for row in rows[1:]) == 6
    filtered = outsider_client.get(
        "/reportes/mensual/2025-10/summary.csv", {"institucion": "defensoria"}
    )
    assert {row[0]: row[2] for row in parse(filtered.content)[1:]}["total"] == "5"


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/reportes/mensual/2099-01/summary.csv", 400, "aún no ha llegado"),
        ("/reportes/mensual/2025-13/summary.csv", 400, "AAAA-MM"),
        ("/reportes/mensual/2025-10/inventada.csv", 404, "Tabla desconocida"),
        ("/reportes/mensual/2025-10/summary.csv?institucion=nadie", 400, "nadie"),
    ],
)
def test_csv_page_bad_input_is_a_readable_page(
    registry: Registry, outsider_client: Client, path: str, status: int, words: str
) -> None:
    response = outsider_client.get(path)
    assert response.status_code == status
    assert words in response.content.decode()

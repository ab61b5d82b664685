"""Dependent-select options and name search: any signed-in user, whatever the institution."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from willaq.territory.models import Ubigeo

pytestmark = pytest.mark.django_db

OPTIONS = reverse("territory:options")
SEARCH = reverse("territory:search")


def _options(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<option value="([0-9]*)"[^>]*>([^<]*)</option>', html)


def test_departments_when_no_parent(analyst_client: Client) -> None:
    response = analyst_client.get(OPTIONS)
    assert response.status_code == 200
    options = _options(response.content.decode())
    assert options[0] == ("", "—")
    assert len(options) == 26
    # Sorted ignoring accents: Áncash between Amazonas and Apurímac.
    assert options[1:4] == [("010000", "Amazonas"), ("020000", "Áncash"), ("030000", "Apurímac")]


def test_provinces_of_a_department(analyst_client: Client) -> None:
    response = analyst_client.get(OPTIONS, {"parent": "020000"})
    options = _options(response.content.decode())
    assert len(options) == 1 + 20
    assert ("020100", "Huaraz") in options
    assert all(code.startswith("02") and code.endswith("00") for code, _ in options[1:])


def test_districts_of_a_province(analyst_client: Client) -> None:
    response = analyst_client.get(OPTIONS, {"parent": "150500", "selected": "150501"})
    html = response.content.decode()
    options = _options(html)
    assert len(options) == 1 + 16
    assert '<option value="150501" selected>San Vicente de Cañete</option>' in html
    assert html.count(" selected") == 1


def test_outsider_reads_the_same_reference_data(outsider_client: Client) -> None:
    response = outsider_client.get(OPTIONS, {"parent": "020000"})
    assert response.status_code == 200
    assert len(_options(response.content.decode())) == 21


@pytest.mark.parametrize("parent", ["999999", "abc", "150501"])
def test_unknown_parent_or_district_is_a_bad_request(analyst_client: Client, parent: str) -> None:
    response = analyst_client.get(OPTIONS, {"parent": parent})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "<option" not in response.content.decode()


def test_unknown_parent_message_is_spanish_and_not_html(analyst_client: Client) -> None:
    response = analyst_client.get(OPTIONS, {"parent": "<b>x</b>"})
    assert response.status_code == 400
    assert response.content.decode().startswith("Unidad territorial desconocida")


@pytest.mark.parametrize("url", [OPTIONS, SEARCH])
def test_anonymous_is_sent_to_login(anon_client: Client, url: str) -> None:
    response = anon_client.get(url, {"q": "lima"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_options_refuse_post(analyst_client: Client) -> None:
    assert analyst_client.post(OPTIONS).status_code == 405


def test_search_returns_folded_matches(analyst_client: Client, outsider_client: Client) -> None:
    response = analyst_client.get(SEARCH, {"q": "canete"})
    assert response.status_code == 200
    results = response.json()
    assert results[0] == {
        "code": "150500",
        "name": "Cañete",
        "level": "province",
        "full_name": "Cañete, Lima",
    }
    assert {"150501", "150500"} <= {r["code"] for r in results}
    assert outsider_client.get(SEARCH, {"q": "canete"}).json() == results


def test_search_is_capped_and_empty_query_finds_nothing(analyst_client: Client) -> None:
    assert len(analyst_client.get(SEARCH, {"q": "san"}).json()) == 20
    assert analyst_client.get(SEARCH, {"q": ""}).json() == []


def test_search_by_codes_names_them_in_order(analyst_client: Client) -> None:
    """The codes a field already holds, named (the code picker shows them so)."""
    response = analyst_client.get(SEARCH, {"codes": "080701, 999999,080000,080701,abc"})
    assert response.status_code == 200
    assert response.json() == [
        {
            "code": "080701",
            "name": "Santo Tomás",
            "level": "district",
            "full_name": "Santo Tomás, Chumbivilcas, Cusco",
        },
        {"code": "080000", "name": "Cusco", "level": "department", "full_name": "Cusco"},
    ]
    assert analyst_client.get(SEARCH, {"codes": ""}).json() == []
    # Each once, and at most 50 codes read.
    twice = ",".join([f"{n:02d}0000" for n in range(1, 26)] * 2)
    assert len(analyst_client.get(SEARCH, {"codes": twice}).json()) == 25
    districts = Ubigeo.objects.filter(level="district").order_by("code")[:60]
    many = ",".join(u.code for u in districts)
    assert len(analyst_client.get(SEARCH, {"codes": many}).json()) == 50
    assert Client().get(SEARCH, {"codes": "080701"}).status_code == 302  # signed-in only

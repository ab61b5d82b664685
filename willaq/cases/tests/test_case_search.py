"""GET /casos/buscar/: the case picker's source. Registered cases the user may see, by code or
name (accents ignored), newest first, at most 20; or named by their codes, in order. Never a
draft or a proposal, not even the user's own (they have no code to link by)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from willaq.accounts.models import Institution
from willaq.testing.factories import CaseFactory

pytestmark = pytest.mark.django_db

URL = "/casos/buscar/"


@pytest.fixture
def cases(owner_institution: Institution, other_institution: Institution) -> dict[str, str]:
    own = CaseFactory.create(institution=owner_institution, name="Conflicto por el agua en Espinar")
    other = CaseFactory.create(institution=other_institution, name="Minería informal en Pataz")
    old = CaseFactory.create(
        institution=owner_institution, name="Agua potable de Espinar", code="2019-0007"
    )
    CaseFactory(institution=owner_institution, state="draft", name="Borrador del agua")
    CaseFactory(institution=other_institution, state="proposed", name="Propuesta del agua ajena")
    return {"own": str(own.code), "other": str(other.code), "old": str(old.code)}


def test_by_name_or_code_accents_ignored_newest_first(
    analyst_client: Client, cases: dict[str, str]
) -> None:
    found = analyst_client.get(URL, {"q": "ÁGUA"}).json()
    assert [row["code"] for row in found] == [cases["own"], "2019-0007"]
    assert found[0] == {
        "code": cases["own"],
        "name": "Conflicto por el agua en Espinar",
        "full_name": f"{cases['own']} · Conflicto por el agua en Espinar",
    }
    assert [row["code"] for row in analyst_client.get(URL, {"q": "2019-00"}).json()] == [
        "2019-0007"
    ]
    # Another institution's registered case is in the shared registry; drafts never are.
    assert [row["code"] for row in analyst_client.get(URL, {"q": "pataz"}).json()] == [
        cases["other"]
    ]
    assert analyst_client.get(URL, {"q": "borrador"}).json() == []
    assert analyst_client.get(URL, {"q": "propuesta"}).json() == []
    assert analyst_client.get(URL, {"q": "a"}).json() == []  # two characters at least
    assert analyst_client.get(URL).json() == []


def test_at_most_twenty(analyst_client: Client, owner_institution: Institution) -> None:
    CaseFactory.create_batch(25, institution=owner_institution, name="Caso del corredor minero")
    with CaptureQueriesContext(connection) as queries:
        found = analyst_client.get(URL, {"q": "corredor"}).json()
    assert len(found) == 20
    assert len({row["code"] for row in found}) == 20
    assert len(queries) <= 8  # session, user, memberships, the cases: not one per case


def test_by_codes_in_order_unknown_left_out(outsider_client: Client, cases: dict[str, str]) -> None:
    codes = f"{cases['other']}, 2099-0001,{cases['own']},{cases['other']}"
    found = outsider_client.get(URL, {"codes": codes}).json()
    assert [row["code"] for row in found] == [cases["other"], cases["own"]]


def test_signed_in_only(anon_client: Client) -> None:
    response = anon_client.get(URL, {"q": "agua"})
    assert response.status_code == 302
    assert response["Location"].startswith("/cuentas/entrar/")

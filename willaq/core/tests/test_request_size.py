"""Requests announcing a body over WILLAQ_MAX_REQUEST_BYTES get a Spanish 413 before it is read."""

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_limit(settings: Any) -> None:
    settings.WILLAQ_MAX_REQUEST_BYTES = 1000


def test_an_oversized_form_is_refused_with_a_spanish_413(anon_client: Client) -> None:
    response = anon_client.post("/cuentas/entrar/", {"username": "a" * 2000, "password": "x"})
    assert response.status_code == 413
    body = response.content.decode()
    assert "El envío es demasiado grande" in body
    assert "el máximo es 1000" in body


def test_the_refusal_follows_the_requests_language(anon_client: Client) -> None:
    response = anon_client.post(
        "/cuentas/entrar/", {"username": "a" * 2000}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 413
    assert "The submission is too large" in response.content.decode()
    # The next request, in Spanish, is answered in Spanish.
    response = anon_client.post("/cuentas/entrar/", {"username": "a" * 2000})
    assert "El envío es demasiado grande" in response.content.decode()


def test_the_limit_is_judged_by_the_announced_length_alone(anon_client: Client) -> None:
    # Ten gibibytes announced, one byte sent: refused without waiting for the rest.
    response = anon_client.generic(
        "POST", "/cuentas/entrar/", b"x", "text/plain", CONTENT_LENGTH=str(10 * 1024**3)
    )
    assert response.status_code == 413


def test_the_api_gets_json(analyst_client: Client) -> None:
    response = analyst_client.generic(
        "POST", "/api/v1/cases", b"{}", "application/json", CONTENT_LENGTH="5000"
    )
    assert response.status_code == 413
    assert "demasiado grande" in response.json()["detail"]


def test_a_malformed_length_is_a_400(anon_client: Client) -> None:
    response = anon_client.generic("POST", "/cuentas/entrar/", b"x", CONTENT_LENGTH="mucho")
    assert response.status_code == 400


def test_requests_within_the_limit_pass(anon_client: Client) -> None:
    response = anon_client.post("/cuentas/entrar/", {"username": "a@b.pe", "password": "x"})
    assert response.status_code == 200
    assert anon_client.get("/cuentas/entrar/").status_code == 200

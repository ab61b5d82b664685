"""The admin lists and searches units but never edits them (load_territory owns the data)."""

import pytest
from django.test import Client

from willaq.territory.models import Ubigeo
from willaq.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_search_ignores_accents(admin_client_: Client) -> None:
    response = admin_client_.get("/admin/territory/ubigeo/", {"q": "ANCASH"})
    assert response.status_code == 200
    assert "Áncash" in response.content.decode()
    assert "Apurímac" not in response.content.decode()


def test_filter_by_level_and_read_only(admin_client_: Client) -> None:
    response = admin_client_.get("/admin/territory/ubigeo/", {"level__exact": "department"})
    assert response.status_code == 200
    assert "San Martín" in response.content.decode()
    assert admin_client_.get("/admin/territory/ubigeo/add/").status_code == 403
    ancash = Ubigeo.objects.get(code="020000")
    detail = admin_client_.get(f"/admin/territory/ubigeo/{ancash.pk}/change/")
    assert detail.status_code == 200
    assert 'type="submit"' not in detail.content.decode().split('id="content-main"')[1]

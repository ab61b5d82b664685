"""The profile page and personal API tokens."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import ApiToken, Institution, Role, User, hash_token
from willaq.accounts.services import create_api_token, revoke_api_token
from willaq.audit.models import AuditEvent, AuditLog
from willaq.testing.factories import member

pytestmark = pytest.mark.django_db

ME = "/api/v1/accounts/me"


def bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_profile_requires_login(anon_client: Client) -> None:
    response = anon_client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={reverse('accounts:profile')}"


def test_token_views_require_login(anon_client: Client, analyst: User) -> None:
    token, _raw = create_api_token(analyst, "Hoja")
    response = anon_client.post(reverse("accounts:token_create"), {"name": "x"})
    assert response.status_code == 302
    response = anon_client.post(reverse("accounts:token_revoke", args=[token.uuid]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is None
    assert ApiToken.objects.count() == 1


def test_profile_shows_name_email_and_memberships(analyst_client: Client) -> None:
    body = analyst_client.get(reverse("accounts:profile")).content.decode()
    assert "Ana Analista" in body
    assert "analista@dp.gob.pe" in body
    assert "Defensoría del Pueblo" in body
    assert "Analista" in body
    # An analyst does not manage members.
    assert reverse("accounts:members", args=["defensoria"]) not in body


def test_profile_links_admins_to_the_members_page(owner_institution: Institution) -> None:
    admin = member(owner_institution, Role.ADMIN, email="admin@dp.gob.pe")
    client = Client()
    client.force_login(admin)
    body = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:members", args=["defensoria"]) in body


def test_create_token_shows_raw_once_and_it_authenticates(
    analyst_client: Client, analyst: User, anon_client: Client
) -> None:
    response = analyst_client.post(reverse("accounts:token_create"), {"name": "Hoja de cálculo"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=analyst)
    raw = response.context["new_token_raw"]
    body = response.content.decode()
    assert raw in body
    assert "no se volverá a mostrar" in body
    # Only the hash and the prefix are stored.
    assert token.token_hash == hash_token(raw)
    assert token.prefix == raw[:8]
    assert raw not in token.token_hash

    # The profile lists it afterwards, without the raw value.
    body = analyst_client.get(reverse("accounts:profile")).content.decode()
    assert "Hoja de cálculo" in body
    assert token.prefix in body
    assert raw not in body

    response = anon_client.get(ME, **bearer(raw))
    assert response.status_code == 200
    assert response.json()["email"] == analyst.email
    assert response.json()["memberships"] == [
        {
            "institution": "defensoria",
            "institution_name": "Defensoría del Pueblo",
            "role": "analyst",
        }
    ]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_needs_a_name(analyst_client: Client, analyst: User) -> None:
    response = analyst_client.post(reverse("accounts:token_create"), {"name": "  "})
    assert response.status_code == 400
    assert not ApiToken.objects.filter(user=analyst).exists()


def test_revoked_token_is_refused(
    analyst_client: Client, analyst: User, anon_client: Client
) -> None:
    token, raw = create_api_token(analyst, "Script")
    assert anon_client.get(ME, **bearer(raw)).status_code == 200

    response = analyst_client.post(reverse("accounts:token_revoke", args=[token.uuid]))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert anon_client.get(ME, **bearer(raw)).status_code == 401
    body = analyst_client.get(reverse("accounts:profile")).content.decode()
    assert "Revocado el" in body


def test_unknown_token_is_refused(anon_client: Client) -> None:
    assert anon_client.get(ME, **bearer("wq_inventado")).status_code == 401
    assert anon_client.get(ME).status_code == 401


def test_cannot_revoke_someone_elses_token(
    outsider_client: Client, analyst: User, anon_client: Client
) -> None:
    token, raw = create_api_token(analyst, "Mío")
    response = outsider_client.post(reverse("accounts:token_revoke", args=[token.uuid]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert anon_client.get(ME, **bearer(raw)).status_code == 200


def test_revoke_is_post_only(analyst_client: Client, analyst: User) -> None:
    token, _raw = create_api_token(analyst, "Script")
    response = analyst_client.get(reverse("accounts:token_revoke", args=[token.uuid]))
    assert response.status_code == 405


def test_token_services_are_audited(analyst: User, outsider: User) -> None:
    token, _raw = create_api_token(analyst, "Script")
    created = AuditLog.objects.get(event_type=AuditEvent.API_TOKEN_CREATED)
    assert created.acting_user == analyst
    assert created.target_id == str(token.uuid)
    assert created.diff == {"name": "Script", "prefix": token.prefix}

    with pytest.raises(PermissionDenied):
        revoke_api_token(outsider, token)

    revoke_api_token(analyst, token)
    revoke_api_token(analyst, token)  # twice: harmless, audited once
    revoked = AuditLog.objects.filter(event_type=AuditEvent.API_TOKEN_REVOKED)
    assert revoked.count() == 1
    assert revoked.get().acting_user == analyst

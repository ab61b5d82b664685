"""A personal API token's HTTP Digest secrets (for ODK Collect over plain HTTP): kept when the
token is created, shown on the profile page as usable with Collect, never shown as such.

Personas: the ombudsman's analyst on her own profile, an anonymous visitor."""

import hashlib

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from willaq.accounts.digest import DIGEST_REALM, MD5, SHA256, token_ha1
from willaq.accounts.models import ApiToken, User
from willaq.accounts.services import create_api_token

pytestmark = pytest.mark.django_db


def test_token_keeps_its_digest_secrets_for_the_email(analyst: User) -> None:
    token, raw = create_api_token(analyst, "Celular de campo")

    a1 = f"analista@dp.gob.pe:Willaq:{raw}".encode()
    assert DIGEST_REALM == "Willaq"
    assert token.digest_ha1_md5 == hashlib.md5(a1, usedforsecurity=False).hexdigest()
    assert token.digest_ha1_sha256 == hashlib.sha256(a1).hexdigest()
    assert token.digest_ha1(MD5) == token_ha1(analyst.email, raw, MD5)
    assert token.digest_ha1(SHA256) == token_ha1(analyst.email, raw, SHA256)
    assert token.digest_ha1("SHA-512-256") == ""
    assert token.supports_digest is True
    assert raw not in token.digest_ha1_md5 + token.digest_ha1_sha256
    # Two tokens of one account never share a secret.
    other, _raw = create_api_token(analyst, "Otro celular")
    assert other.digest_ha1_md5 != token.digest_ha1_md5
    assert ApiToken.objects.count() == 2


def test_profile_says_the_new_token_is_the_collect_password(
    analyst_client: Client, analyst: User
) -> None:
    response = analyst_client.post(reverse("accounts:token_create"), {"name": "Celular"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "Este token es también la contraseña para ODK Collect o KoboCollect" in body
    assert "usuario <code>analista@dp.gob.pe</code>" in body
    assert body.count("no sirve para ODK Collect sin HTTPS") == 0


def test_profile_marks_tokens_without_digest_secrets(analyst_client: Client, analyst: User) -> None:
    create_api_token(analyst, "Nuevo")
    old, _raw = create_api_token(analyst, "De antes")
    ApiToken.objects.filter(pk=old.pk).update(digest_ha1_md5="", digest_ha1_sha256="")

    body = analyst_client.get(reverse("accounts:profile")).content.decode()

    assert "Un token sirve también como contraseña en ODK Collect y KoboCollect" in body
    assert body.count("no sirve para ODK Collect sin HTTPS") == 1


def test_anonymous_visitor_sees_no_profile(anon_client: Client) -> None:
    response = anon_client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert "ODK Collect" not in response.content.decode()


def test_admin_never_shows_the_digest_secrets(analyst: User) -> None:
    root_client = Client()
    root_client.force_login(
        User.objects.create_superuser("root@willaq.pe", "clave-raiz-larga-1", full_name="Root")
    )
    token, _raw = create_api_token(analyst, "Celular")
    fields = admin.site._registry[ApiToken].fields
    assert fields is not None
    assert "digest_ha1_md5" not in fields

    body = root_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content

    assert token.digest_ha1_md5.encode() not in body
    assert token.digest_ha1_sha256.encode() not in body

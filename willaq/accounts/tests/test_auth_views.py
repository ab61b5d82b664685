"""Logging in and out, lockout after repeated failures, changing and resetting passwords."""

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "clave-segura-123"  # the factories' password


def login(client: Client, email: str, password: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_login_page_is_in_spanish(anon_client: Client) -> None:
    response = anon_client.get(reverse("accounts:login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="es">' in body
    assert "Entrar a Willaq" in body
    assert "Correo electrónico" in body
    assert "Contraseña" in body
    assert "¿Olvidó su contraseña?" in body


def test_login_with_email_goes_to_dashboard(anon_client: Client, analyst: User) -> None:
    response = login(anon_client, "Analista@DP.gob.pe ", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:dashboard")
    assert anon_client.session["_auth_user_id"] == str(analyst.pk)


def test_login_honours_a_safe_next(anon_client: Client, analyst: User) -> None:
    response = anon_client.post(
        reverse("accounts:login"),
        {"username": analyst.email, "password": PASSWORD, "next": reverse("accounts:profile")},
    )
    assert response["Location"] == reverse("accounts:profile")


def test_wrong_password_shows_a_spanish_error(anon_client: Client, analyst: User) -> None:
    response = login(anon_client, analyst.email, "no-es-la-clave")
    assert response.status_code == 200
    assert "El correo electrónico o la contraseña no son correctos" in response.content.decode()
    assert "_auth_user_id" not in anon_client.session


def test_inactive_user_cannot_log_in(anon_client: Client, analyst: User) -> None:
    analyst.is_active = False
    analyst.save()
    response = login(anon_client, analyst.email, PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in anon_client.session


def test_logged_in_user_visiting_login_is_redirected(analyst_client: Client) -> None:
    response = analyst_client.get(reverse("accounts:login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:dashboard")


def test_lockout_after_failure_limit(settings: Any, anon_client: Client, analyst: User) -> None:
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _attempt in range(3):
        login(anon_client, analyst.email, "equivocada")
    # Even the right password is refused while locked out, with a Spanish explanation.
    response = login(anon_client, analyst.email, PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Acceso bloqueado temporalmente" in body
    assert "después de 3 intentos fallidos" in body
    assert "dentro de 60 minutos" in body
    assert "_auth_user_id" not in anon_client.session


def test_no_lockout_below_the_limit(settings: Any, anon_client: Client, analyst: User) -> None:
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _attempt in range(2):
        login(anon_client, analyst.email, "equivocada")
    response = login(anon_client, analyst.email, PASSWORD)
    assert response.status_code == 302
    assert anon_client.session["_auth_user_id"] == str(analyst.pk)


def test_logout_requires_post(analyst_client: Client) -> None:
    assert analyst_client.get(reverse("accounts:logout")).status_code == 405
    response = analyst_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in analyst_client.session


def test_password_change(analyst_client: Client, analyst: User) -> None:
    url = reverse("accounts:password_change")
    assert analyst_client.get(url).status_code == 200
    response = analyst_client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "otra-clave-muy-larga-7",
            "new_password2": "otra-clave-muy-larga-7",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    analyst.refresh_from_db()
    assert analyst.check_password("otra-clave-muy-larga-7")


def test_password_change_requires_login(anon_client: Client) -> None:
    response = anon_client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def _link_in(text: str) -> str:
    match = re.search(r"https?://testserver(/\S+/)", text)
    assert match, text
    return match.group(1)


def test_password_reset_sends_a_working_link(anon_client: Client, analyst: User) -> None:
    response = anon_client.post(reverse("accounts:password_reset"), {"email": "ANALISTA@dp.gob.pe"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [analyst.email]
    assert "contraseña" in message.subject
    html, mimetype = message.alternatives[0]  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    link = _link_in(message.body)
    assert link in html

    # The link leads to a form (Django swaps the token into the session and redirects).
    response = anon_client.get(link, follow=True)
    assert response.status_code == 200
    assert "Elegir una contraseña" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    response = anon_client.post(
        form_url,
        {"new_password1": "nueva-clave-andina-9", "new_password2": "nueva-clave-andina-9"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")
    analyst.refresh_from_db()
    assert analyst.check_password("nueva-clave-andina-9")

    # It works once.
    response = anon_client.get(link, follow=True)
    assert "Este enlace ya no es válido" in response.content.decode()


def test_password_reset_for_unknown_email_sends_nothing(anon_client: Client) -> None:
    response = anon_client.post(reverse("accounts:password_reset"), {"email": "nadie@x.pe"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_reset_reaches_member_who_never_chose_a_password(
    anon_client: Client, analyst: User
) -> None:
    analyst.set_unusable_password()
    analyst.save()
    anon_client.post(reverse("accounts:password_reset"), {"email": analyst.email})
    assert len(mail.outbox) == 1

"""Settings fail closed: each environment is imported in a fresh interpreter, as a server would."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
REAL_KEY = secrets.token_urlsafe(50)
SERVER = {"SECRET_KEY": REAL_KEY, "ALLOWED_HOSTS": "willaq.defensoria.gob.pe"}
SHOWN = (
    "WILLAQ_ENV",
    "DEBUG",
    "SECRET_KEY",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "PASSWORD_HASHERS",
    "CONTENT_SECURITY_POLICY",
    "MIDDLEWARE",
    "WILLAQ_MAX_REQUEST_BYTES",
    "EVIDENCE_MAX_BYTES",
    "ALLOWED_HOSTS",
)
PROGRAM = f"""
import json
import config.settings as s
print(json.dumps({{name: getattr(s, name, None) for name in {SHOWN!r}}}, default=str))
"""


def run(program: str, **environment: str) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("WILLAQ_", "SECURE_", "DJANGO_"))
        and key
        not in {
            "SECRET_KEY",
            "DEBUG",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "ALLOWED_HOSTS",
        }
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and program
        [sys.executable, "-c", program],
        cwd=BASE_DIR,
        env={**clean, **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def load(**environment: str) -> dict[str, Any]:
    result = run(PROGRAM, **environment)
    assert result.returncode == 0, result.stderr
    values: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return values


def refusal(**environment: str) -> str:
    result = run(PROGRAM, **environment)
    assert result.returncode != 0, result.stdout
    return result.stderr


def test_development_is_the_default() -> None:
    values = load()
    assert values["WILLAQ_ENV"] == "development"
    assert values["DEBUG"] is True
    assert values["SECRET_KEY"].startswith("dev-only-insecure")
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_SSL_REDIRECT"] is False
    # The request-size limit leaves room for the largest evidence file and its form.
    assert values["WILLAQ_MAX_REQUEST_BYTES"] > values["EVIDENCE_MAX_BYTES"]


@pytest.mark.parametrize("name", ["prod", "Production", "staging", "dev", ""])
def test_an_unknown_environment_refuses_to_start(name: str) -> None:
    error = refusal(WILLAQ_ENV=name, SECRET_KEY=REAL_KEY)
    assert "ImproperlyConfigured" in error
    assert f"WILLAQ_ENV={name!r} is not a known environment" in error
    assert "development, production" in error


@pytest.mark.parametrize(
    "key",
    [
        "",
        "dev-only-insecure-key-do-not-use-in-production",
        "django-insecure-" + secrets.token_urlsafe(50),
        "corta-pero-secreta",
        "a" * 60,
    ],
)
def test_production_refuses_a_missing_or_weak_secret_key(key: str) -> None:
    error = refusal(WILLAQ_ENV="production", SECRET_KEY=key, ALLOWED_HOSTS="willaq.gob.pe")
    assert "needs a real SECRET_KEY" in error


def test_production_refuses_to_guess_its_host_names() -> None:
    error = refusal(WILLAQ_ENV="production", SECRET_KEY=REAL_KEY)
    assert "needs ALLOWED_HOSTS" in error


def test_production_refuses_debug() -> None:
    error = refusal(WILLAQ_ENV="production", DEBUG="on", **SERVER)
    assert "DEBUG cannot be on" in error


def test_production_is_locked_down() -> None:
    values = load(WILLAQ_ENV="production", **SERVER)
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["willaq.defensoria.gob.pe"]
    assert values["SECRET_KEY"] == REAL_KEY
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert values["SECURE_SSL_REDIRECT"] is True
    # No proxy is trusted unless configured: its X-Forwarded-Proto header means nothing.
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")
    assert values["MIDDLEWARE"][0] == "willaq.core.middleware.RequestSizeLimitMiddleware"
    assert "csp.middleware.CSPMiddleware" in values["MIDDLEWARE"]
    directives = values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["script-src"] == directives["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in json.dumps(directives)


def test_production_secure_cookies_cannot_be_turned_off() -> None:
    values = load(
        WILLAQ_ENV="production",
        **SERVER,
        SESSION_COOKIE_SECURE="off",
        CSRF_COOKIE_SECURE="off",
    )
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True


def test_production_behind_a_trusted_proxy() -> None:
    values = load(
        WILLAQ_ENV="production",
        **SERVER,
        WILLAQ_TRUSTED_PROXY_COUNT="1",
        SECURE_HSTS_SECONDS="600",
    )
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_HSTS_SECONDS"] == 600


def test_production_passes_djangos_deployment_checks() -> None:
    result = run(
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        WILLAQ_ENV="production",
        **SERVER,
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_demo_data_is_refused_outside_development() -> None:
    result = run(
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'setup_willaq', '--demo'])",
        WILLAQ_ENV="production",
        **SERVER,
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL="sqlite:////nonexistent/never-created.sqlite3",
    )
    assert result.returncode != 0
    assert "--demo solo está permitido con WILLAQ_ENV=development" in result.stderr

"""Shared fixtures: territory and reference categories loaded once, and the test personas.

Personas (as in every view test file): a member of the owning institution (analyst and
coordinator), a member of another institution, and an anonymous visitor.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.core.management import call_command
from django.core.servers.basehttp import WSGIServer
from django.db import connection
from django.test import Client
from django.test.testcases import LiveServerThread
from django.utils import translation

from config.celery import app as celery_app
from willaq.accounts.models import Institution, InstitutionKind, Role, User
from willaq.peoples.models import People
from willaq.testing.browser import watched_page
from willaq.testing.factories import InstitutionFactory, member


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        call_command("load_territory", verbosity=0)
        call_command("load_categories", verbosity=0)
        call_command("load_peoples", verbosity=0)


@pytest.fixture
def peoples_registry(db: None) -> None:
    """The 55 peoples and 48 languages, reloaded when a transactional test flushed them (the
    session loads them once, outside the tests' transactions)."""
    if People.objects.count() != 55:  # the registry's peoples (data/peoples/)
        call_command("load_peoples", verbosity=0)


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AXES_ENABLED = False
    # Argon2 is deliberately slow; tests hash and check passwords thousands of times.
    # (Production keeps Argon2: willaq/core/tests/test_settings.py.)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_eager() -> None:
    """Tasks run in-process unless a test starts a real worker (accounts/tests/test_tasks.py)."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True


@pytest.fixture
def owner_institution(db: None) -> Institution:
    return InstitutionFactory(
        slug="defensoria",
        name="Defensoría del Pueblo",
        acronym="DP",
        kind=InstitutionKind.OMBUDSMAN,
    )


@pytest.fixture
def other_institution(db: None) -> Institution:
    return InstitutionFactory(
        slug="onds",
        name="Oficina Nacional de Diálogo y Sostenibilidad",
        acronym="ONDS",
        kind=InstitutionKind.DIALOGUE_OFFICE,
    )


@pytest.fixture
def analyst(owner_institution: Institution) -> User:
    return member(
        owner_institution, Role.ANALYST, email="analista@dp.gob.pe", full_name="Ana Analista"
    )


@pytest.fixture
def coordinator(owner_institution: Institution) -> User:
    return member(
        owner_institution, Role.COORDINATOR, email="coord@dp.gob.pe", full_name="Carlos Coordinador"
    )


@pytest.fixture
def outsider(other_institution: Institution) -> User:
    return member(other_institution, Role.ANALYST, email="otro@onds.gob.pe", full_name="Otto Otro")


@pytest.fixture
def inst_admin(owner_institution: Institution) -> User:
    return member(owner_institution, Role.ADMIN, email="admin@dp.gob.pe", full_name="Adela Admin")


@pytest.fixture
def other_admin(other_institution: Institution) -> User:
    return member(other_institution, Role.ADMIN, email="admin@onds.gob.pe")


@pytest.fixture
def admin_client(inst_admin: User) -> Client:
    client = Client()
    client.force_login(inst_admin)
    return client


@pytest.fixture
def other_admin_client(other_admin: User) -> Client:
    client = Client()
    client.force_login(other_admin)
    return client


@pytest.fixture
def analyst_client(analyst: User) -> Client:
    client = Client()
    client.force_login(analyst)
    return client


@pytest.fixture
def coordinator_client(coordinator: User) -> Client:
    client = Client()
    client.force_login(coordinator)
    return client


@pytest.fixture
def outsider_client(outsider: User) -> Client:
    client = Client()
    client.force_login(outsider)
    return client


@pytest.fixture
def anon_client() -> Client:
    return Client()


# --- browser tests (Chromium through Playwright) and a real Celery worker -----------------------


class _OneRequestAtATime(WSGIServer):
    """The live server without a thread per request. On SQLite the tests' in-memory database is
    one connection that the live server's threads share: a page that fetches several charts at
    once would run their queries on it in parallel threads, and SQLite then waits for ever."""

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override


@pytest.fixture(scope="session", autouse=True)
def _serial_live_server_on_sqlite() -> None:
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        LiveServerThread.server_class = _OneRequestAtATime  # type: ignore[assignment]


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A Chromium page that records CSP violations (``window.__violations``) and console errors
    (``page.console_errors``): ``willaq.testing.browser.watched_page``."""
    with watched_page(monkeypatch) as page:
        yield page


@pytest.fixture
def real_worker() -> Iterator[Any]:
    """Tasks go through the broker (not run eagerly); ``worker()`` starts one for a while."""
    celery_app.conf.task_always_eager = False

    def close_connection(**kwargs: Any) -> None:
        connection.close()  # the worker thread's own connection (PostgreSQL drops the DB later)

    task_postrun.connect(close_connection)
    try:
        yield lambda: start_worker(
            celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10
        )
    finally:
        task_postrun.disconnect(close_connection)
        celery_app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the installation's language (Spanish): a request with another
    ``Accept-Language`` activates that language for the rest of the thread."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)

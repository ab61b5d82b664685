"""The `make run` setup path: `manage.py setup_willaq [--demo]` after `migrate`.

The test database already holds the territory and the categories (conftest), which is what a
second `make run` finds; the demo data is created by the first call in each test.
"""

import re
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Model
from django.test import Client
from django.urls import NoReverseMatch, reverse

# This base app does not import the apps above it; their models are looked up by name.
COUNTED_MODELS = (
    "territory.Ubigeo",
    "cases.Category",
    "accounts.Institution",
    "accounts.User",
    "accounts.Membership",
    "cases.Case",
    "cases.HistoricalCase",
    "cases.CasePlace",
    "cases.CaseTransition",
    "cases.Event",
    "cases.Victim",
    "cases.Actor",
    "cases.CaseActor",
    "cases.NewsItem",
    "audit.AuditLog",
)
ROLES = {"reporter", "analyst", "coordinator", "facilitator", "admin"}
STATES = {
    "draft",
    "proposed",
    "pre_conflict",
    "active",
    "latent",
    "resolved",
    "withdrawn",
    "merged",
}
LOGIN_LINE = re.compile(r"^\s+(?P<who>.+?)\s{2,}(?P<email>\S+@\S+) / (?P<password>\S+)$", re.M)


def model(label: str) -> type[Model]:
    return apps.get_model(label)


def setup(*args: str) -> str:
    out = StringIO()
    call_command("setup_willaq", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {label: model(label)._default_manager.count() for label in COUNTED_MODELS}


def printed_logins(output: str) -> dict[str, tuple[str, str]]:
    return {m["email"]: (m["who"], m["password"]) for m in LOGIN_LINE.finditer(output)}


@pytest.mark.django_db
def test_setup_demo_creates_the_demo_data_set_and_prints_working_logins() -> None:
    output = setup("--demo")

    case_model = model("cases.Case")
    cases = case_model._default_manager.all()
    assert 55 <= cases.count() <= 65
    assert set(cases.values_list("state", flat=True)) == STATES
    assert not cases.filter(is_demo=False).exists()
    for label in ("cases.Event", "cases.Actor", "cases.NewsItem"):
        assert not model(label)._default_manager.filter(is_demo=False).exists(), label
    memberships = model("accounts.Membership")._default_manager
    for slug in ("defensoria", "onds"):
        roles = set(memberships.filter(institution__slug=slug).values_list("role", flat=True))
        assert roles == ROLES, slug
        assert cases.filter(institution__slug=slug).exists(), slug

    # The logins close the output, one "email / password" per line, and they work.
    logins = printed_logins(output)
    assert len(logins) == 11
    assert output.rstrip().endswith("=" * 78)
    assert output.index("Contraseña común") > output.index("Datos de demostración creados")
    client = Client()
    _who, password = logins["analista@defensoria.demo"]
    assert client.login(username="analista@defensoria.demo", password=password)
    assert not Client().login(username="analista@defensoria.demo", password="otra-clave")
    superuser = model("accounts.User")._default_manager.get(email="admin@willaq.demo")
    assert superuser.is_superuser
    assert Client().login(username="admin@willaq.demo", password=logins["admin@willaq.demo"][1])


@pytest.mark.django_db
def test_a_second_setup_reuses_the_demo_data_and_changes_nothing() -> None:
    setup("--demo")
    before = counts()
    case_model = model("cases.Case")
    stamps = sorted(case_model._default_manager.values_list("uuid", "state", "updated_at"))

    output = setup("--demo")

    assert counts() == before
    assert sorted(case_model._default_manager.values_list("uuid", "state", "updated_at")) == stamps
    assert "se conservan sin cambios" in output
    assert len(printed_logins(output)) == 11


@pytest.mark.django_db
def test_setup_without_demo_loads_reference_data_only() -> None:
    output = setup()
    assert not model("cases.Case")._default_manager.exists()
    assert not model("accounts.User")._default_manager.exists()
    assert model("territory.Ubigeo")._default_manager.count() > 2000
    assert printed_logins(output) == {}
    assert "Contraseña" not in output


@pytest.mark.django_db
def test_demo_is_refused_in_production(settings: Any) -> None:
    settings.WILLAQ_ENV = "production"
    with pytest.raises(CommandError, match="solo está permitido con WILLAQ_ENV=development"):
        setup("--demo")
    assert not model("cases.Case")._default_manager.exists()
    assert not model("accounts.User")._default_manager.exists()
    # The reference data still loads in production.
    setup()


@pytest.mark.django_db
def test_dashboard_answers_a_demo_user() -> None:
    try:
        url = reverse("cases:dashboard")
    except NoReverseMatch:
        pytest.skip("cases:dashboard is not routed yet (the case views are written in parallel)")
    assert url == "/"
    output = setup("--demo")
    client = Client()
    password = printed_logins(output)["coordinador@onds.demo"][1]
    assert client.login(username="coordinador@onds.demo", password=password)
    response = client.get(url)
    assert response.status_code == 200

"""Personas of early warning: a field reporter of the ombudsman's network (an account with the
reporter role and a reporter profile covering Cusco)."""

import pytest
from django.test import Client

from willaq.accounts.models import Institution, InstitutionKind, Role, User
from willaq.earlywarning.choices import ReporterLevel
from willaq.earlywarning.models import Reporter
from willaq.territory.models import Ubigeo
from willaq.testing.factories import InstitutionFactory, member


@pytest.fixture
def field_reporter(owner_institution: Institution) -> User:
    user = member(
        owner_institution, Role.REPORTER, email="reportero@dp.gob.pe", full_name="Rosa Reportera"
    )
    profile = Reporter.objects.create(
        institution=owner_institution,
        user=user,
        name="Rosa Reportera",
        level=ReporterLevel.DISTRICT_GOVERNOR,
        phone="+51987654321",
        email="reportero@dp.gob.pe",
    )
    profile.territories.set([Ubigeo.objects.get(code="080000")])
    return user


@pytest.fixture
def reporter_client(field_reporter: User) -> Client:
    client = Client()
    client.force_login(field_reporter)
    return client


# --- response (deployment orders): the responsible institution, a regional government ---------


@pytest.fixture
def responder_institution(db: None) -> Institution:
    return InstitutionFactory(
        slug="gore-cusco",
        name="Gobierno Regional del Cusco",
        acronym="GORE Cusco",
        kind=InstitutionKind.REGIONAL_GOVERNMENT,
    )


@pytest.fixture
def responder_coordinator(responder_institution: Institution) -> User:
    return member(
        responder_institution, Role.COORDINATOR, email="coord@gorecusco.gob.pe", full_name="Rita"
    )


@pytest.fixture
def responder_analyst(responder_institution: Institution) -> User:
    return member(
        responder_institution, Role.ANALYST, email="analista@gorecusco.gob.pe", full_name="Raúl"
    )


@pytest.fixture
def responder_admin(responder_institution: Institution) -> User:
    return member(
        responder_institution, Role.ADMIN, email="admin@gorecusco.gob.pe", full_name="Ramona"
    )


@pytest.fixture
def team_member(responder_institution: Institution) -> User:
    """A dialogue facilitator of the responsible institution, on the team (not an editor)."""
    return member(
        responder_institution,
        Role.FACILITATOR,
        email="equipo@gorecusco.gob.pe",
        full_name="Teo Terreno",
    )

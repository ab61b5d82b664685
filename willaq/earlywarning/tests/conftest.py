"""Personas of early warning: a field reporter of the ombudsman's network (an account with the
reporter role and a reporter profile covering Cusco)."""

import pytest
from django.test import Client

from willaq.accounts.models import Institution, Role, User
from willaq.earlywarning.choices import ReporterLevel
from willaq.earlywarning.models import Reporter
from willaq.territory.models import Ubigeo
from willaq.testing.factories import member


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

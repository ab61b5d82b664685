"""Fixtures of the report tests: the figures come from ``hand_figures`` until the engine's
``compute_month`` is merged into this branch (see that module)."""

import datetime as dt
from typing import Any

import pytest
import time_machine

from willaq.accounts.models import Institution, User
from willaq.cases import services as case_services
from willaq.cases.models import Case
from willaq.cases.services import PlaceInput
from willaq.reports.tests.hand_figures import PATH

LIMA = dt.timezone(dt.timedelta(hours=-5))


def at(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 12, tzinfo=LIMA)


@pytest.fixture(autouse=True)
def _figures(settings: Any) -> None:
    settings.WILLAQ_REPORT_FIGURES = PATH


def registered_case(
    analyst: User, coordinator: User, institution: Institution, name: str, start: dt.datetime
) -> Case:
    """A case created, proposed and approved (active) at ``start``, through the services."""
    with time_machine.travel(start, tick=False):
        case = case_services.create_case(
            user=analyst,
            institution=institution,
            data={"name": name, "start_date": start.date(), "typology": "socioambiental"},
            places=[PlaceInput("021801", True)],
        )
        case_services.transition_case(user=analyst, case=case, name="submit")
        case_services.transition_case(user=coordinator, case=case, name="approve")
    return case


@pytest.fixture
def march_cases(analyst: User, coordinator: User, owner_institution: Institution) -> list[Case]:
    """Three active cases of the ombudsman since January 2025."""
    return [
        registered_case(analyst, coordinator, owner_institution, f"Caso {n}", at(2025, 1, 10))
        for n in range(3)
    ]

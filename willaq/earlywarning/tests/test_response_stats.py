"""Response statistics on known data: median, 90th percentile, share on site within 48 h,
open overdue orders, per institution and per department, only over the orders the user sees."""

import datetime as dt

import pytest

from willaq.accounts.models import Institution, User
from willaq.earlywarning.choices import OrderState
from willaq.earlywarning.models import DeploymentOrder
from willaq.earlywarning.selectors.response import percentile, response_stats
from willaq.territory.models import Ubigeo

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 20, 12, 0, tzinfo=dt.UTC)


def _order(
    ordering: Institution,
    responder: Institution,
    *,
    hours_ago: float,
    on_site_after: float | None = None,
    place: str = "080801",
) -> DeploymentOrder:
    ordered_at = NOW - dt.timedelta(hours=hours_ago)
    on_site_at = None if on_site_after is None else ordered_at + dt.timedelta(hours=on_site_after)
    ubigeo = Ubigeo.objects.get(code=place)
    return DeploymentOrder.objects.create(
        ordering_institution=ordering,
        institution=responder,
        team="Equipo",
        ubigeo=ubigeo,
        department_code=ubigeo.department_code,
        ordered_at=ordered_at,
        on_site_at=on_site_at,
        deployed_at=on_site_at,
        state=OrderState.ON_SITE if on_site_at else OrderState.ORDERED,
    )


def test_percentiles_interpolate_between_ranks() -> None:
    assert percentile([], 0.5) is None
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([10.0, 20.0, 30.0, 40.0], 0.5) == 25.0
    assert percentile([50.0, 10.0, 40.0, 20.0, 30.0], 0.5) == 30.0
    assert percentile([10.0, 20.0, 30.0, 40.0, 50.0], 0.9) == pytest.approx(46.0)
    assert percentile(list(map(float, range(1, 11))), 0.9) == pytest.approx(9.1)


def test_figures_per_institution_and_department(
    coordinator: User,
    owner_institution: Institution,
    other_institution: Institution,
    responder_institution: Institution,
) -> None:
    # The regional government: on site after 10, 20, 30, 40 and 50 hours (Cusco), one open and
    # overdue, one open and on time (Puno).
    for hours in (10, 20, 30, 40, 50):
        _order(owner_institution, responder_institution, hours_ago=200, on_site_after=hours)
    _order(owner_institution, responder_institution, hours_ago=60, place="210101")
    _order(owner_institution, responder_institution, hours_ago=10, place="210101")
    # The dialogue office: on site after 6 and 12 hours (Puno).
    for hours in (6, 12):
        _order(
            owner_institution, other_institution, hours_ago=100, on_site_after=hours, place="210101"
        )
    # Neither given by nor to the ombudsman: not counted for its coordinator.
    _order(other_institution, responder_institution, hours_ago=100, on_site_after=100)

    stats = response_stats(coordinator, now=NOW)

    assert stats.hours == 48
    assert stats.total.orders == 9
    assert stats.total.responded == 7
    assert stats.total.open_overdue == 1
    assert len(stats.by_institution) == 2
    gore = next(f for f in stats.by_institution if f.key == "gore-cusco")
    assert (gore.orders, gore.responded, gore.open_overdue) == (7, 5, 1)
    assert gore.median_hours == 30.0
    assert gore.p90_hours == pytest.approx(46.0)
    # On site in time: 10, 20, 30 and 40 of six known outcomes (five responded, one overdue).
    assert gore.share_in_time == pytest.approx(4 / 6)
    assert gore.share_in_time_percent == 66.7
    onds = next(f for f in stats.by_institution if f.key == "onds")
    assert (onds.orders, onds.median_hours) == (2, 9.0)
    assert onds.p90_hours == pytest.approx(11.4)
    assert onds.share_in_time == 1.0

    departments = {f.key: f for f in stats.by_department}
    assert set(departments) == {"080000", "210000"}
    assert departments["080000"].label == "Cusco"
    assert (departments["080000"].orders, departments["080000"].median_hours) == (5, 30.0)
    puno = departments["210000"]
    assert (puno.orders, puno.responded, puno.open_overdue) == (4, 2, 1)
    assert puno.share_in_time == pytest.approx(2 / 3)


def test_period_and_visibility(
    coordinator: User,
    outsider: User,
    owner_institution: Institution,
    responder_institution: Institution,
) -> None:
    _order(owner_institution, responder_institution, hours_ago=24 * 30, on_site_after=5)
    _order(owner_institution, responder_institution, hours_ago=24, on_site_after=5)
    recent = response_stats(coordinator, since=(NOW - dt.timedelta(days=7)).date(), now=NOW)
    assert recent.total.orders == 1
    old = response_stats(coordinator, until=(NOW - dt.timedelta(days=7)).date(), now=NOW)
    assert old.total.orders == 1
    assert response_stats(coordinator, until=dt.date.max, now=NOW).total.orders == 2
    # The dialogue office neither gave nor received these orders.
    nothing = response_stats(outsider, now=NOW)
    assert nothing.total.orders == 0
    assert nothing.total.median_hours is None
    assert nothing.total.share_in_time is None
    assert nothing.by_institution == []

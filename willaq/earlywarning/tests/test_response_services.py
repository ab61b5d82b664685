"""Deployment orders through their services: who orders and moves them, the states in their
one direction, and the 48-hour clock with time travel (warning at 36 h, escalation after 48 h).

Personas: the ombudsman (DP) orders, the regional government of Cusco responds (its
coordinator, analyst, admin and a facilitator on the team); the dialogue office (ONDS) is the
outsider."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from willaq.accounts.models import Institution, Notification, User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.earlywarning import access
from willaq.earlywarning.choices import OrderState
from willaq.earlywarning.clock import ClockState, clock_state, due_at, response_time
from willaq.earlywarning.models import DeploymentOrder
from willaq.earlywarning.services.response import (
    ClockRun,
    advance,
    order_response,
    run_response_clock,
)
from willaq.earlywarning.tasks import check_response_clock
from willaq.territory.models import Ubigeo

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
OnCommit = Callable[..., Any]


def _order(
    coordinator: User,
    owner_institution: Institution,
    responder_institution: Institution,
    team: list[User],
) -> DeploymentOrder:
    return order_response(
        coordinator,
        ordering_institution=owner_institution,
        institution=responder_institution,
        team="Equipo de diálogo Espinar",
        team_members=team,
        ubigeo=Ubigeo.objects.get(code="080801"),
        instructions="Reunirse con la comunidad antes del paro.",
    )


@pytest.fixture
def order(
    coordinator: User,
    owner_institution: Institution,
    responder_institution: Institution,
    team_member: User,
    responder_coordinator: User,
    responder_analyst: User,
    responder_admin: User,
) -> DeploymentOrder:
    with time_machine.travel(T0, tick=False):
        return _order(coordinator, owner_institution, responder_institution, [team_member])


# --- ordering -----------------------------------------------------------------------------------


def test_a_coordinator_orders_and_the_responders_are_told(
    coordinator: User,
    owner_institution: Institution,
    responder_institution: Institution,
    team_member: User,
    responder_coordinator: User,
    responder_analyst: User,
    responder_admin: User,
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        order = _order(coordinator, owner_institution, responder_institution, [team_member])
    assert order.state == OrderState.ORDERED
    assert order.department_code == "080000"
    assert order.ordered_by == coordinator
    assert list(order.team_members.all()) == [team_member]
    assert AuditLog.objects.filter(event_type=AuditEvent.ORDER_CREATED).count() == 1
    told = Notification.objects.filter(kind="order.created")
    # The team, the responsible institution's analysts and coordinators; not its admin.
    assert sorted(n.user.email for n in told) == [
        "analista@gorecusco.gob.pe",
        "coord@gorecusco.gob.pe",
        "equipo@gorecusco.gob.pe",
    ]
    assert all(n.url == f"/respuesta/{order.uuid}/" for n in told)
    assert len(mail.outbox) == 3
    assert due_at(order) == order.ordered_at + dt.timedelta(hours=48)


def test_only_a_coordinator_of_the_ordering_institution_orders(
    analyst: User,
    outsider: User,
    owner_institution: Institution,
    responder_institution: Institution,
) -> None:
    for person in (analyst, outsider):
        with pytest.raises(PermissionDenied):
            _order(person, owner_institution, responder_institution, [])
    assert DeploymentOrder.objects.count() == 0


def test_the_team_must_belong_to_the_responsible_institution(
    coordinator: User,
    outsider: User,
    owner_institution: Institution,
    responder_institution: Institution,
) -> None:
    with pytest.raises(ValidationError) as caught:
        _order(coordinator, owner_institution, responder_institution, [outsider])
    assert set(caught.value.message_dict) == {"team_members"}
    with pytest.raises(ValidationError) as caught:
        order_response(
            coordinator,
            ordering_institution=owner_institution,
            institution=responder_institution,
            team="  ",
            ubigeo=Ubigeo.objects.get(code="080801"),
        )
    assert set(caught.value.message_dict) == {"team"}
    assert DeploymentOrder.objects.count() == 0


def test_who_reads_an_order(
    order: DeploymentOrder,
    coordinator: User,
    analyst: User,
    team_member: User,
    responder_analyst: User,
    outsider: User,
) -> None:
    for person in (coordinator, analyst, team_member, responder_analyst):
        assert access.get_order_for_user(person, order.uuid) == order
    with pytest.raises(Http404):
        access.get_order_for_user(outsider, order.uuid)


# --- states -------------------------------------------------------------------------------------


def test_the_states_in_order_with_their_moments(
    order: DeploymentOrder, team_member: User, responder_analyst: User
) -> None:
    with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
        advance(team_member, order, OrderState.DEPLOYED)
    with time_machine.travel(T0 + dt.timedelta(hours=20), tick=False):
        advance(team_member, order, OrderState.ON_SITE)
    with time_machine.travel(T0 + dt.timedelta(hours=70), tick=False):
        with pytest.raises(ValidationError) as caught:
            advance(responder_analyst, order, OrderState.CLOSED)
        assert set(caught.value.message_dict) == {"report"}
        advance(responder_analyst, order, OrderState.CLOSED, report="Mesa instalada.")
    order.refresh_from_db()
    assert order.state == OrderState.CLOSED
    assert order.deployed_at == T0 + dt.timedelta(hours=2)
    assert order.on_site_at == T0 + dt.timedelta(hours=20)
    assert order.closed_at == T0 + dt.timedelta(hours=70)
    assert order.report == "Mesa instalada."
    assert response_time(order) == dt.timedelta(hours=20)
    assert clock_state(order, T0 + dt.timedelta(hours=100)) == ClockState.RESPONDED_IN_TIME
    assert AuditLog.objects.filter(event_type=AuditEvent.ORDER_STATE_CHANGED).count() == 3


def test_no_going_back_and_no_repeating(order: DeploymentOrder, team_member: User) -> None:
    with time_machine.travel(T0 + dt.timedelta(hours=3), tick=False):
        advance(team_member, order, OrderState.ON_SITE)
        for state in (OrderState.ORDERED, OrderState.DEPLOYED, OrderState.ON_SITE, "flying"):
            with pytest.raises(ValidationError) as caught:
                advance(team_member, order, state)
            assert set(caught.value.message_dict) == {"state"}
    order.refresh_from_db()
    assert order.state == OrderState.ON_SITE


def test_skipping_forward_stamps_the_skipped_moment(
    order: DeploymentOrder, team_member: User
) -> None:
    with time_machine.travel(T0 + dt.timedelta(hours=50), tick=False):
        advance(team_member, order, OrderState.ON_SITE, at=T0 + dt.timedelta(hours=30))
    order.refresh_from_db()
    assert order.deployed_at == order.on_site_at == T0 + dt.timedelta(hours=30)
    assert clock_state(order, T0 + dt.timedelta(hours=50)) == ClockState.RESPONDED_IN_TIME


def test_the_moment_is_neither_future_nor_before_the_last_one(
    order: DeploymentOrder, team_member: User
) -> None:
    with time_machine.travel(T0 + dt.timedelta(hours=5), tick=False):
        advance(team_member, order, OrderState.DEPLOYED)
        for moment in (T0 + dt.timedelta(hours=6), T0 + dt.timedelta(hours=4)):
            with pytest.raises(ValidationError) as caught:
                advance(team_member, order, OrderState.ON_SITE, at=moment)
            assert set(caught.value.message_dict) == {"at"}


def test_who_moves_an_order(
    order: DeploymentOrder, coordinator: User, outsider: User, responder_admin: User
) -> None:
    # The ordering institution's coordinator watches, the responders act.
    for person in (coordinator, outsider):
        with pytest.raises(PermissionDenied):
            advance(person, order, OrderState.DEPLOYED)
    advance(responder_admin, order, OrderState.DEPLOYED)
    order.refresh_from_db()
    assert order.state == OrderState.DEPLOYED


def test_the_ordering_coordinators_hear_the_team_is_on_site(
    order: DeploymentOrder, team_member: User, coordinator: User
) -> None:
    advance(team_member, order, OrderState.DEPLOYED)
    assert Notification.objects.filter(kind="order.on_site").count() == 0
    advance(team_member, order, OrderState.ON_SITE)
    advance(team_member, order, OrderState.CLOSED, report="Listo.")
    on_site = Notification.objects.filter(kind="order.on_site")
    closed = Notification.objects.filter(kind="order.closed")
    assert [n.user for n in on_site] == [coordinator]
    assert [n.user for n in closed] == [coordinator]


# --- the clock ----------------------------------------------------------------------------------


def test_the_clock_states(order: DeploymentOrder) -> None:
    assert clock_state(order, T0 + dt.timedelta(hours=35)) == ClockState.ON_TIME
    assert clock_state(order, T0 + dt.timedelta(hours=36)) == ClockState.DUE_SOON
    assert clock_state(order, T0 + dt.timedelta(hours=48)) == ClockState.DUE_SOON
    assert clock_state(order, T0 + dt.timedelta(hours=48, seconds=1)) == ClockState.OVERDUE
    order.on_site_at = T0 + dt.timedelta(hours=49)
    assert clock_state(order, T0 + dt.timedelta(hours=60)) == ClockState.RESPONDED_LATE


def test_warning_at_36_hours_once_and_escalation_after_48_once(
    order: DeploymentOrder,
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    mail.outbox.clear()
    with time_machine.travel(T0 + dt.timedelta(hours=35, minutes=59), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            check_response_clock.delay()
        assert Notification.objects.filter(kind="order.warning").count() == 0
        assert len(mail.outbox) == 0

    with (
        time_machine.travel(T0 + dt.timedelta(hours=36), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        check_response_clock.delay()
        check_response_clock.delay()  # run twice: still one warning
    warned = Notification.objects.filter(kind="order.warning")
    # The team and the responsible institution's editors (analyst, coordinator, admin).
    assert sorted(n.user.email for n in warned) == [
        "admin@gorecusco.gob.pe",
        "analista@gorecusco.gob.pe",
        "coord@gorecusco.gob.pe",
        "equipo@gorecusco.gob.pe",
    ]
    assert len(mail.outbox) == 4
    assert sorted(m.to[0] for m in mail.outbox) == sorted(n.user.email for n in warned)
    order.refresh_from_db()
    assert order.warned_at == T0 + dt.timedelta(hours=36)
    assert order.escalated_at is None
    assert AuditLog.objects.filter(event_type=AuditEvent.ORDER_WARNED).count() == 1

    mail.outbox.clear()
    with time_machine.travel(T0 + dt.timedelta(hours=48), tick=False):
        assert run_response_clock() == ClockRun(warned=0, escalated=0)
    with (
        time_machine.travel(T0 + dt.timedelta(hours=48, minutes=10), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        check_response_clock.delay()
        check_response_clock.delay()
    escalated = Notification.objects.filter(kind="order.escalated")
    # The ordering institution's coordinators, and the next level: the responsible
    # institution's coordinators and admins.
    assert sorted(n.user.email for n in escalated) == [
        "admin@gorecusco.gob.pe",
        "coord@dp.gob.pe",
        "coord@gorecusco.gob.pe",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(n.user.email for n in escalated)
    assert Notification.objects.filter(kind="order.warning").count() == 4
    assert AuditLog.objects.filter(event_type=AuditEvent.ORDER_ESCALATED).count() == 1
    order.refresh_from_db()
    assert order.escalated_at == T0 + dt.timedelta(hours=48, minutes=10)


def test_an_order_on_site_in_time_is_neither_warned_nor_escalated(
    order: DeploymentOrder, team_member: User
) -> None:
    with time_machine.travel(T0 + dt.timedelta(hours=30), tick=False):
        advance(team_member, order, OrderState.ON_SITE)
    with time_machine.travel(T0 + dt.timedelta(hours=60), tick=False):
        assert run_response_clock() == ClockRun(warned=0, escalated=0)
    assert Notification.objects.filter(kind__in=["order.warning", "order.escalated"]).count() == 0


def test_a_team_only_deployed_is_still_warned(order: DeploymentOrder, team_member: User) -> None:
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        advance(team_member, order, OrderState.DEPLOYED)
    with time_machine.travel(T0 + dt.timedelta(hours=37), tick=False):
        assert run_response_clock() == ClockRun(warned=1, escalated=0)


def test_an_order_found_late_is_warned_and_escalated_in_one_run(order: DeploymentOrder) -> None:
    with time_machine.travel(T0 + dt.timedelta(hours=72), tick=False):
        assert run_response_clock() == ClockRun(warned=1, escalated=1)
        assert run_response_clock() == ClockRun(warned=0, escalated=0)


def test_the_beat_schedule_names_the_real_task() -> None:
    from config.celery import app

    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "willaq.earlywarning.tasks.check_response_clock"
    ]
    assert len(entries) == 1
    assert entries[0]["schedule"] == 600.0
    assert check_response_clock.name == "willaq.earlywarning.tasks.check_response_clock"
    assert check_response_clock.name in app.tasks

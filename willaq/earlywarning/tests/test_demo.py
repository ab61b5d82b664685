"""The early-warning demo: every channel in every review state, orders on time, due soon and
overdue, made through the services on top of the case demo."""

from collections import Counter

import pytest
from django.core.management import call_command

from willaq.audit.models import AuditEvent, AuditLog
from willaq.earlywarning.choices import Channel, OrderState, ReporterLevel, ReviewState
from willaq.earlywarning.models import DeploymentOrder, PreAlert, Reporter

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_loaded(settings: object) -> None:
    call_command("seed_demo", verbosity=0)
    call_command("seed_earlywarning_demo", verbosity=0)


@pytest.mark.usefixtures("demo_loaded")
def test_the_demo_has_every_channel_state_and_level() -> None:
    levels = Counter(Reporter.objects.values_list("level", flat=True))
    assert set(levels) == set(ReporterLevel.values)
    assert Reporter.objects.filter(user__isnull=False).count() == 2
    prealerts = PreAlert.objects.all()
    assert {p.channel for p in prealerts} == set(Channel.values)
    assert {p.state for p in prealerts} == set(ReviewState.values)
    assert prealerts.filter(is_structured=False).count() >= 1
    assert prealerts.filter(duplicate_of__isnull=False).count() == 1
    assert prealerts.filter(event__isnull=False).count() >= 2
    # Every pre-alert came in through the intake (one audit record each) with its raw payload.
    assert AuditLog.objects.filter(event_type=AuditEvent.PREALERT_RECEIVED).count() == len(
        prealerts
    )
    assert not prealerts.filter(raw_payload="").exists()


@pytest.mark.usefixtures("demo_loaded")
def test_the_demo_orders_run_the_clock() -> None:
    orders = DeploymentOrder.objects.all()
    assert {o.state for o in orders} >= {OrderState.ORDERED, OrderState.CLOSED}
    assert orders.filter(escalated_at__isnull=False).count() == 1  # overdue
    assert orders.filter(warned_at__isnull=False, escalated_at__isnull=True).count() == 1


def test_a_second_run_with_reuse_changes_nothing() -> None:
    call_command("seed_demo", verbosity=0)
    call_command("seed_earlywarning_demo", verbosity=0)
    before = PreAlert.objects.count()
    call_command("seed_earlywarning_demo", "--reuse", verbosity=0)
    assert PreAlert.objects.count() == before

"""The early-warning demo: every channel in every review state, orders on time, due soon and
overdue, made through the services on top of the case demo."""

from collections import Counter

import pytest
from django.core.management import call_command
from lxml import etree

from willaq.audit.models import AuditEvent, AuditLog
from willaq.earlywarning import cap
from willaq.earlywarning.choices import (
    AlertMessageType,
    Channel,
    OrderState,
    ReporterLevel,
    ReviewState,
)
from willaq.earlywarning.models import Alert, DeploymentOrder, PreAlert, Reporter

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


@pytest.mark.usefixtures("demo_loaded")
def test_the_demo_alerts_are_public_restricted_updated_and_cancelled() -> None:
    alerts = Alert.objects.all()
    assert alerts.filter(is_public=True).count() >= 1
    assert alerts.filter(is_public=False).count() >= 1
    assert alerts.filter(msg_type=AlertMessageType.UPDATE, references__isnull=False).count() == 1
    assert alerts.filter(msg_type=AlertMessageType.CANCEL, references__isnull=False).count() == 1
    # The alert issued from a validated pre-alert, and its update (which carries its sources).
    assert alerts.filter(prealerts__isnull=False).count() == 2
    assert not alerts.filter(is_demo=False).exists()
    # Each demo alert's CAP document is valid against the official schema.
    schema = cap.cap_schema()
    for alert in alerts:
        schema.assertValid(etree.fromstring(cap.build_cap(alert)))


def test_a_second_run_with_reuse_changes_nothing() -> None:
    call_command("seed_demo", verbosity=0)
    call_command("seed_earlywarning_demo", verbosity=0)
    before = PreAlert.objects.count()
    call_command("seed_earlywarning_demo", "--reuse", verbosity=0)
    assert PreAlert.objects.count() == before

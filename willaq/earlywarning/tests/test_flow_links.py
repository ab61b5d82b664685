"""The pages lead from one step to the next: a validated pre-alert to a new alert (for a
coordinator of its institution), an alert to a deployment order."""

import datetime as dt

import pytest
from django.test import Client

from willaq.accounts.models import Institution, User
from willaq.earlywarning.choices import (
    AlertCertainty,
    AlertLevel,
    AlertUrgency,
    ReviewState,
)
from willaq.earlywarning.models import Alert
from willaq.testing.factories import PreAlertFactory

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_validated_prealert_leads_its_coordinator_to_a_new_alert(
    owner_institution: Institution, analyst: User, coordinator: User
) -> None:
    prealert = PreAlertFactory.create(institution=owner_institution, state=ReviewState.VALIDATED)
    link = f"/alertas/nueva/?prealertas={prealert.uuid}"
    assert link in _client(coordinator).get(f"/prealertas/{prealert.uuid}/").content.decode()
    assert link not in _client(analyst).get(f"/prealertas/{prealert.uuid}/").content.decode()
    form = _client(coordinator).get(link)
    assert form.status_code == 200
    assert "080701" in form.content.decode()  # the area comes from the pre-alert's place
    received = PreAlertFactory.create(institution=owner_institution)
    page = _client(coordinator).get(f"/prealertas/{received.uuid}/").content.decode()
    assert "/alertas/nueva/?prealertas=" not in page


def test_an_alert_leads_a_coordinator_to_order_its_response(
    owner_institution: Institution, analyst: User, coordinator: User
) -> None:
    alert = Alert.objects.create(
        identifier="test-link",
        institution=owner_institution,
        sent_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        level=AlertLevel.ORANGE,
        urgency=AlertUrgency.EXPECTED,
        certainty=AlertCertainty.LIKELY,
        headline="Bloqueo anunciado",
        description="…",
        area_description="Santo Tomás",
        is_public=True,
    )
    link = f"/respuesta/nueva/?alerta={alert.uuid}"
    assert link in _client(coordinator).get(f"/alertas/{alert.uuid}/").content.decode()
    assert link not in _client(analyst).get(f"/alertas/{alert.uuid}/").content.decode()
    assert _client(coordinator).get(link).status_code == 200

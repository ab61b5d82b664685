"""Issue 8's "done when", as an outsider would check it: a pre-alert sent from each of the four
channels (the phone form, ODK Collect over OpenRosa, an SMS through the gateway's webhook, the
API) is taken through validation to an alert whose CAP 1.2 document is valid against the
official schema, and whose deployment order runs the 48-hour clock (warned at 36 h, escalated
after 48 h, then answered and counted in the response statistics)."""

import base64
import datetime as dt
import json
import uuid
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from lxml import etree

from willaq.accounts.models import ApiToken, Institution, Notification, User, hash_token
from willaq.cases.choices import ActorTypeCode, EventType, SubEventType
from willaq.cases.models import Case
from willaq.earlywarning import cap, smsout
from willaq.earlywarning.choices import (
    AlertCertainty,
    AlertLevel,
    AlertUrgency,
    Channel,
    OrderState,
    ReviewState,
)
from willaq.earlywarning.models import Alert, DeploymentOrder, PreAlert
from willaq.earlywarning.openrosa.xlsform import prealert_xform
from willaq.earlywarning.selectors.response import response_stats
from willaq.earlywarning.services import alerts, response, triage
from willaq.earlywarning.tasks import check_response_clock
from willaq.earlywarning.tests.test_openrosa import collect_multipart, instance_xml, jpeg_bytes
from willaq.territory.models import Ubigeo
from willaq.testing.factories import CaseFactory

pytestmark = pytest.mark.django_db

SMS_SECRET = "secreto-de-la-pasarela"
START = dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _channels(settings: Any) -> None:
    settings.WILLAQ_SMS_SECRET = SMS_SECRET
    settings.WILLAQ_SMS_BACKEND = "memory"
    smsout.outbox.clear()


def _token(user: User) -> str:
    raw = ApiToken.new_raw_value()
    ApiToken.objects.create(user=user, name="campo", prefix=raw[:8], token_hash=hash_token(raw))
    return raw


def _send_web(reporter: User) -> Any:
    client = Client()
    client.force_login(reporter)
    data = {
        "client_id": str(uuid.uuid4()),
        "place_department": "080000",
        "place_province": "080700",
        "place_district": "080701",
        "occurred_on": "2026-11-01",
        "description": "Comuneros bloquean la vía de acceso a la mina.",
        "urgency": "high",
    }
    return client.post("/prealertas/nueva/", data, headers={"accept": "application/json"})


def _send_odk(reporter: User) -> Any:
    form = prealert_xform()
    xml = instance_xml(
        form_id=form.form_id,
        version=form.version,
        instance_id=f"uuid:{uuid.uuid4()}",
        district="080701",
    )
    body, content_type = collect_multipart(xml, {"1749741234567.jpg": jpeg_bytes()})
    credentials = base64.b64encode(f"{reporter.email}:{_token(reporter)}".encode()).decode()
    return Client().generic(
        "POST",
        "/openrosa/submission",
        body,
        content_type=content_type,
        headers={"authorization": f"Basic {credentials}", "x-openrosa-version": "1.0"},
    )


def _send_sms(reporter: User) -> Any:
    return Client().post(
        "/sms/entrada/",
        {
            "from": "987 654 321",  # the reporter's phone, as the gateway writes it
            "text": "ALERTA Santo Tomas ALTA comuneros bloquean la via a la mina",
            "sent_at": "2026-11-02T08:15:00-05:00",
            "message_id": f"gw-{uuid.uuid4().hex[:12]}",
        },
        headers={"x-willaq-sms-secret": SMS_SECRET},
    )


def _send_api(reporter: User) -> Any:
    body = {
        "ubigeo": "080701",
        "description": "Comuneros bloquean la vía de acceso a la mina.",
        "urgency": "high",
    }
    return Client().post(
        "/api/v1/prealerts",
        json.dumps(body),
        content_type="application/json",
        headers={
            "authorization": f"Bearer {_token(reporter)}",
            "idempotency-key": str(uuid.uuid4()),
        },
    )


SENDERS = {
    Channel.WEB: _send_web,
    Channel.ODK: _send_odk,
    Channel.SMS: _send_sms,
    Channel.API: _send_api,
}


@pytest.fixture
def case_in_chumbivilcas(owner_institution: Institution) -> Case:
    return CaseFactory.create(institution=owner_institution, place="080701")


@pytest.mark.parametrize("channel", list(SENDERS))
def test_from_each_channel_to_a_valid_cap_alert_and_a_running_clock(
    channel: Channel,
    field_reporter: User,
    analyst: User,
    coordinator: User,
    case_in_chumbivilcas: Case,
    owner_institution: Institution,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # 1. The reporter sends it: it arrives exactly once, on its channel, with its raw payload.
    with time_machine.travel(START, tick=False):
        answer = SENDERS[channel](field_reporter)
    assert answer.status_code == 201, answer.content
    prealert = PreAlert.objects.get()
    assert prealert.channel == channel
    assert prealert.institution == owner_institution
    assert prealert.raw_payload
    assert prealert.is_structured
    assert prealert.ubigeo == Ubigeo.objects.get(code="080701")

    # 2. An analyst takes it and validates it into an event of the case; the reporter is told.
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        triage.claim(analyst, prealert)
        triage.validate(
            analyst,
            prealert,
            case=case_in_chumbivilcas,
            event_data=triage.EventData(
                event_type=EventType.PROTESTS,
                sub_event_type=SubEventType.PEACEFUL_PROTEST,
                actor1="Protesters (Peru)",
                inter1=ActorTypeCode.PROTESTERS,
            ),
        )
    prealert.refresh_from_db()
    assert prealert.state == ReviewState.VALIDATED
    assert prealert.event is not None
    assert prealert.event.case == case_in_chumbivilcas
    assert prealert.outcome_notified_at is not None

    # 3. A coordinator issues a public alert from it: its CAP document is valid.
    with time_machine.travel(START + dt.timedelta(hours=2), tick=False):
        alert = alerts.issue_alert(
            coordinator,
            owner_institution,
            alerts.AlertInput(
                level=AlertLevel.ORANGE,
                urgency=AlertUrgency.EXPECTED,
                certainty=AlertCertainty.LIKELY,
                headline="Bloqueo de la vía de acceso a la mina en Santo Tomás",
                description="Comuneros bloquean la vía; se anuncia un paro indefinido.",
                area_units=["080701"],
                is_public=True,
            ),
            prealerts=[prealert],
        )
    document = Client().get(f"/alertas/{alert.uuid}/cap.xml")
    assert document.status_code == 200
    assert document["Content-Type"].startswith("application/cap+xml")
    root = etree.fromstring(document.content)
    cap.cap_schema().assertValid(root)
    ns = {"cap": cap.CAP_NAMESPACE}
    assert root.findtext("cap:info/cap:severity", namespaces=ns) == "Severe"
    assert root.findtext("cap:info/cap:area/cap:geocode/cap:value", namespaces=ns) == "080701"
    assert list(Alert.objects.get().prealerts.all()) == [prealert]

    # 4. The response is ordered: warned at 36 h, escalated after 48 h, each once.
    with time_machine.travel(START + dt.timedelta(hours=3), tick=False):
        order = response.order_response(
            coordinator,
            ordering_institution=owner_institution,
            institution=owner_institution,
            team="Oficina defensorial de Cusco",
            team_members=[analyst],
            ubigeo=Ubigeo.objects.get(code="080701"),
            alert=alert,
        )
    ordered = START + dt.timedelta(hours=3)
    mail.outbox.clear()
    with time_machine.travel(ordered + dt.timedelta(hours=35, minutes=59), tick=False):
        assert check_response_clock.delay().get() == {"warned": 0, "escalated": 0}
    with (
        time_machine.travel(ordered + dt.timedelta(hours=36), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert check_response_clock.delay().get() == {"warned": 1, "escalated": 0}
        assert check_response_clock.delay().get() == {"warned": 0, "escalated": 0}
    assert Notification.objects.filter(kind="order.warning", user=analyst).count() == 1
    with (
        time_machine.travel(ordered + dt.timedelta(hours=48, minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert check_response_clock.delay().get() == {"warned": 0, "escalated": 1}
    assert Notification.objects.filter(kind="order.escalated", user=coordinator).count() == 1
    # The warning and the escalation also went out by e-mail (to the team and the coordinator).
    assert {m.to[0] for m in mail.outbox} >= {analyst.email, coordinator.email}

    # 5. The team arrives at 50 h and closes with a report: counted as a late response.
    with time_machine.travel(ordered + dt.timedelta(hours=51), tick=False):
        response.advance(analyst, order, OrderState.ON_SITE, at=ordered + dt.timedelta(hours=50))
        response.advance(analyst, order, OrderState.CLOSED, report="Diálogo instalado en la plaza.")
        stats = response_stats(coordinator, now=timezone.now())
    order.refresh_from_db()
    assert order.state == OrderState.CLOSED
    assert DeploymentOrder.objects.count() == 1
    assert stats.total.orders == 1
    assert stats.total.responded == 1
    assert stats.total.median_hours == pytest.approx(50)
    assert stats.total.share_in_time == 0

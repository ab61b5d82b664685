"""Pre-alerts by SMS: the gateway's form-encoded POST at /sms/entrada/, end to end — the keyword
syntax, garbage kept unstructured, an unknown sender kept and flagged, a resent message, a flood
answered 429 with the raw message kept, the shared secret, the replies."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.earlywarning import smsout
from willaq.earlywarning.choices import Channel, Urgency
from willaq.earlywarning.models import PreAlert, Reporter
from willaq.earlywarning.sms import normalize_phone, parse_sms, prealert_reference

pytestmark = pytest.mark.django_db

URL = "/sms/entrada/"
SECRET = "s3creto-del-gateway"
REPORTER_PHONE = "+51987654321"


@pytest.fixture(autouse=True)
def _sms_settings(settings: Any) -> Iterator[None]:
    settings.WILLAQ_SMS_SECRET = SECRET
    settings.WILLAQ_SMS_BACKEND = "memory"
    settings.WILLAQ_SMS_PER_HOUR = 5
    settings.WILLAQ_SMS_DEFAULT_INSTITUTION = ""
    smsout.outbox.clear()
    yield
    smsout.outbox.clear()


def _post(
    text: str,
    *,
    sender: str = "987 654 321",
    message_id: str = "msg-1",
    sent_at: str = "2026-03-10T08:15:00-05:00",
    secret: str | None = SECRET,
    header: bool = True,
    client: Client | None = None,
) -> Any:
    data = {"from": sender, "text": text, "sent_at": sent_at, "message_id": message_id}
    headers = {}
    if secret is not None and header:
        headers["X-Willaq-Sms-Secret"] = secret
    elif secret is not None:
        data["secret"] = secret
    return (client or Client(enforce_csrf_checks=True)).post(URL, data, headers=headers)


# --- the keyword syntax -------------------------------------------------------------------------


def test_a_district_name_urgency_and_text_parse() -> None:
    parsed = parse_sms("ALERTA San Juan de Lurigancho ALTA vecinos bloquean la avenida")
    assert parsed.is_prealert
    assert parsed.place is not None
    assert parsed.place.code == "150132"
    assert parsed.urgency == Urgency.HIGH
    assert parsed.description == "vecinos bloquean la avenida"


def test_accents_case_and_separators_do_not_matter() -> None:
    parsed = parse_sms("alérta*espínar#urgente# Comuneros anuncian paro, el lunes")
    assert parsed.is_prealert
    assert parsed.place is not None
    # Province and district share the name: the larger unit.
    assert parsed.place.code == "080800"
    assert parsed.urgency == Urgency.CRITICAL
    assert parsed.description == "Comuneros anuncian paro, el lunes"


def test_a_ubigeo_code_and_no_urgency_is_medium() -> None:
    parsed = parse_sms("Alerta 080801 toma de local")
    assert parsed.place is not None
    assert parsed.place.code == "080801"
    assert parsed.urgency == Urgency.MEDIUM
    assert not parsed.urgency_given
    assert parsed.description == "toma de local"


def test_the_urgency_may_come_before_the_place() -> None:
    parsed = parse_sms("ALERTA muy alta Espinar paro")
    assert parsed.place is not None
    assert parsed.place.code == "080800"
    assert parsed.urgency == Urgency.CRITICAL
    assert parsed.description == "paro"


def test_a_shared_name_is_settled_by_a_province_or_the_reporter_territory() -> None:
    ambiguous = parse_sms("ALERTA Santa Rosa paro")
    assert ambiguous.problem == "place_ambiguous"
    assert len(ambiguous.candidates) >= 10
    assert parse_sms("ALERTA Santa Rosa Puno paro").problem == "place_ambiguous"
    by_province = parse_sms("ALERTA Santa Rosa, El Collao, Puno: paro agrario")
    assert by_province.place is not None
    assert by_province.place.code == "210504"
    assert by_province.description == "paro agrario"
    mine = parse_sms("ALERTA Santa Rosa paro", territories=["140000"])
    assert mine.place is not None
    assert mine.place.code == "140114"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "keyword"),
        ("hola buenas tardes", "keyword"),
        ("ALERTA", "place_missing"),
        ("ALERTA Narnia ALTA dragones", "place_unknown"),
        ("ALERTA 999999 paro", "place_unknown"),
        ("ALERTA Espinar ALTA", "text_missing"),
        ("\U0001f525\U0001f525 ###", "keyword"),
    ],
)
def test_what_does_not_parse_says_why(text: str, problem: str) -> None:
    assert parse_sms(text).problem == problem


def test_help_is_a_command() -> None:
    assert parse_sms("AYUDA").is_help
    assert not parse_sms("ayuda hay un bloqueo en la carretera").is_help


@pytest.mark.parametrize(
    "raw",
    ["987654321", "987 654 321", "51987654321", "+51 987-654-321", "0051987654321"],
)
def test_peruvian_numbers_are_normalised(raw: str) -> None:
    assert normalize_phone(raw) == REPORTER_PHONE


# --- the webhook --------------------------------------------------------------------------------


def test_a_known_reporter_structured_sms(field_reporter: User, owner_institution: Institution):
    response = _post("ALERTA Espinar ALTA comuneros anuncian paro de 72 horas")
    assert response.status_code == 201
    prealert = PreAlert.objects.get()
    assert prealert.channel == Channel.SMS
    assert prealert.client_id == "msg-1"
    assert prealert.is_structured
    assert not prealert.unknown_sender
    assert prealert.reporter == Reporter.objects.get(user=field_reporter)
    assert prealert.submitted_by == field_reporter
    assert prealert.institution == owner_institution
    assert prealert.sender == REPORTER_PHONE
    assert prealert.ubigeo is not None
    assert prealert.ubigeo.code == "080800"
    assert prealert.department_code == "080000"
    assert prealert.urgency == Urgency.HIGH
    assert prealert.description == "comuneros anuncian paro de 72 horas"
    assert prealert.occurred_on == dt.date(2026, 3, 10)
    assert "secret" not in prealert.raw_payload
    assert SECRET not in prealert.raw_payload
    assert "text=ALERTA+Espinar+ALTA" in prealert.raw_payload
    body = response.json()
    reference = prealert_reference(prealert)
    assert body["reference"] == reference
    assert reference in body["reply"]
    assert "Espinar" in body["reply"]
    # The same reply goes out by SMS, GSM-7 safe.
    assert len(smsout.outbox) == 1
    assert smsout.outbox[0].phone == REPORTER_PHONE
    assert reference in smsout.outbox[0].text
    assert all(ch not in smsout.outbox[0].text for ch in "áíóú")
    assert AuditLog.objects.filter(event_type=AuditEvent.PREALERT_RECEIVED).count() == 1


def test_the_secret_may_come_as_a_field(field_reporter: User) -> None:
    response = _post("ALERTA Espinar paro", header=False)
    assert response.status_code == 201
    assert PreAlert.objects.count() == 1
    assert "secret" not in PreAlert.objects.get().raw_payload


@pytest.mark.parametrize("secret", [None, "", "otro", SECRET + "x"])
def test_no_or_a_wrong_secret_is_403(field_reporter: User, secret: str | None) -> None:
    response = _post("ALERTA Espinar paro", secret=secret)
    assert response.status_code == 403
    assert response.json()["detail"]
    assert PreAlert.objects.count() == 0
    assert smsout.outbox == []


def test_an_unconfigured_secret_closes_the_webhook(settings: Any, field_reporter: User) -> None:
    settings.WILLAQ_SMS_SECRET = ""
    assert _post("ALERTA Espinar paro", secret="").status_code == 403
    assert PreAlert.objects.count() == 0


def test_only_post(field_reporter: User) -> None:
    assert Client().get(URL).status_code == 405


def test_missing_fields_are_named(field_reporter: User) -> None:
    response = Client().post(URL, {"text": "hola"}, headers={"X-Willaq-Sms-Secret": SECRET})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"from"}
    assert PreAlert.objects.count() == 0


@pytest.mark.parametrize(
    "text",
    [
        "hola quien es",
        "ALERTA Narnia ALTA dragones",
        "zzz 123 !!! \U0001f525",
        "ALERTA Santa Rosa paro",
        "x" * 6000,
    ],
)
def test_garbage_is_kept_unstructured_and_the_sender_told_how(
    field_reporter: User, text: str
) -> None:
    response = _post(text)
    assert response.status_code == 201
    prealert = PreAlert.objects.get()
    assert not prealert.is_structured
    assert prealert.ubigeo is None
    assert prealert.description == text.strip()[:5000]
    assert prealert.reporter is not None
    reply = response.json()["reply"]
    assert prealert_reference(prealert) in reply
    assert "ALERTA" in reply
    assert len(smsout.outbox) == 1


def test_an_unknown_place_is_named_in_the_reply(field_reporter: User) -> None:
    reply = _post("ALERTA Narnia ALTA dragones").json()["reply"]
    assert "narnia" in reply.lower()


def test_an_unknown_sender_is_kept_and_flagged(
    field_reporter: User, owner_institution: Institution, other_institution: Institution
) -> None:
    # other_institution has no reporters: the first active institution with reporters wins.
    response = _post("ALERTA Espinar paro", sender="+51 911 222 333", message_id="u-1")
    assert response.status_code == 201
    prealert = PreAlert.objects.get()
    assert prealert.unknown_sender
    assert prealert.reporter is None
    assert prealert.submitted_by is None
    assert prealert.sender == "+51911222333"
    assert prealert.institution == owner_institution
    assert prealert.is_structured


def test_the_default_institution_setting(
    settings: Any, owner_institution: Institution, other_institution: Institution
) -> None:
    settings.WILLAQ_SMS_DEFAULT_INSTITUTION = "onds"
    assert _post("garbage", sender="911222333").status_code == 201
    assert PreAlert.objects.get().institution == other_institution
    settings.WILLAQ_SMS_DEFAULT_INSTITUTION = "nadie"
    response = _post("garbage", sender="911222333", message_id="msg-2")
    assert response.status_code == 503
    assert PreAlert.objects.count() == 1


def test_a_resent_message_is_the_same_prealert(field_reporter: User) -> None:
    first = _post("ALERTA Espinar ALTA paro")
    again = _post("ALERTA Espinar ALTA paro")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == first.json()
    assert PreAlert.objects.count() == 1
    # The reply went out once.
    assert len(smsout.outbox) == 1
    assert AuditLog.objects.filter(event_type=AuditEvent.PREALERT_RECEIVED).count() == 1


def test_a_message_without_id_is_recognised_when_resent(field_reporter: User) -> None:
    assert _post("ALERTA Espinar paro", message_id="").status_code == 201
    assert _post("ALERTA Espinar paro", message_id="").status_code == 200
    assert _post("ALERTA Espinar otro paro", message_id="").status_code == 201
    assert PreAlert.objects.count() == 2
    assert all(p.client_id.startswith("sha256:") for p in PreAlert.objects.all())


def test_a_flood_gets_429_and_every_message_is_kept(field_reporter: User) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        statuses = [
            _post(f"ALERTA Espinar paro {n}", message_id=f"f-{n}").status_code for n in range(8)
        ]
        assert statuses == [201] * 5 + [429] * 3
        assert PreAlert.objects.count() == 5
        rejected = AuditLog.objects.filter(event_type=AuditEvent.SMS_REJECTED)
        assert rejected.count() == 3
        texts = sorted(r.diff["text"] for r in rejected)
        assert texts == ["ALERTA Espinar paro 5", "ALERTA Espinar paro 6", "ALERTA Espinar paro 7"]
        assert all(r.diff["sender"] == REPORTER_PHONE for r in rejected)
        assert all("message_id=f-" in r.diff["raw_payload"] for r in rejected)
        # A resent message that did arrive still gets its answer.
        assert _post("ALERTA Espinar paro 0", message_id="f-0").status_code == 200
        # Five confirmations and one flood warning, not one per rejected message.
        assert len(smsout.outbox) == 6
        # Another sender is not limited.
        assert _post("ALERTA Espinar paro", sender="911222333", message_id="o-1").status_code == 201
    with time_machine.travel(dt.datetime(2026, 3, 10, 10, 1, tzinfo=dt.UTC), tick=False):
        assert _post("ALERTA Espinar paro 8", message_id="f-8").status_code == 201
    assert PreAlert.objects.filter(sender=REPORTER_PHONE).count() == 6


def test_help_answers_the_syntax_and_stores_nothing(field_reporter: User) -> None:
    response = _post("AYUDA")
    assert response.status_code == 200
    assert "ALERTA" in response.json()["reply"]
    assert PreAlert.objects.count() == 0
    assert len(smsout.outbox) == 1


def test_an_implausible_sent_at_takes_the_day_it_arrived(field_reporter: User) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC), tick=False):
        _post("ALERTA Espinar paro", sent_at="2099-01-01T00:00:00Z", message_id="a")
        _post("ALERTA Espinar paro", sent_at="ayer", message_id="b")
        _post("ALERTA Espinar paro", sent_at="", message_id="c")
    assert {p.occurred_on for p in PreAlert.objects.all()} == {dt.date(2026, 3, 10)}
    assert PreAlert.objects.count() == 3


def test_the_reply_is_in_spanish_whatever_the_gateway_asks(field_reporter: User) -> None:
    client = Client(headers={"accept-language": "en"})
    reply = _post("hola", client=client).json()["reply"]
    assert "recibimos" in reply


def test_the_gateway_backend_posts_json(settings: Any, field_reporter: User) -> None:
    """The http backend against a real local server."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received: list[dict[str, Any]] = []

    class Gateway(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            received.append(
                {"auth": self.headers["Authorization"], **json.loads(self.rfile.read(length))}
            )
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.WILLAQ_SMS_BACKEND = "http"
        settings.WILLAQ_SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
        settings.WILLAQ_SMS_GATEWAY_TOKEN = "tok"
        smsout.send_sms("+51987654321", "Acción en Cañete")
        settings.WILLAQ_SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port + 1}/x"
        with pytest.raises(smsout.SmsDeliveryError):
            smsout.send_sms("+51987654321", "hola")
    finally:
        server.shutdown()
    assert received == [{"auth": "Bearer tok", "to": "+51987654321", "text": "Accion en Cañete"}]

"""POST /api/v1/prealerts with Idempotency-Key, GET /api/v1/prealerts (filters, pagination) and
GET /api/v1/prealerts/{uuid}: real JSON bodies over a personal token, the access rule with two
institutions, 422 naming the field, 409 for a key reused, 429 over the hourly limit."""

import json
from typing import Any

import pytest
from django.test import Client

from willaq.accounts.models import ApiToken, Institution, Role, User, hash_token
from willaq.audit.models import AuditEvent, AuditLog
from willaq.earlywarning.choices import Channel, ReviewState
from willaq.earlywarning.models import PreAlert, Reporter
from willaq.earlywarning.services.intake import receive_prealert
from willaq.testing.factories import member

pytestmark = pytest.mark.django_db

URL = "/api/v1/prealerts"
BODY: dict[str, Any] = {
    "ubigeo": "080801",
    "location": "Comunidad de Alto Huancané",
    "occurred_on": "2026-03-09",
    "description": "Comuneros anuncian paro indefinido contra la minera.",
    "actors": "Frente de defensa de Espinar",
    "demands": "Revisión del convenio marco",
    "measures": "Paro de 72 horas",
    "measures_date": "2026-03-16",
    "urgency": "high",
}


def _token_client(user: User, **headers: str) -> Client:
    raw = ApiToken.new_raw_value()
    ApiToken.objects.create(user=user, name="test", prefix=raw[:8], token_hash=hash_token(raw))
    return Client(headers={"authorization": f"Bearer {raw}", **headers})


def _post(client: Client, body: Any, key: str | None = "key-0001") -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(URL, data, content_type="application/json", headers=headers)


@pytest.fixture
def reporter_api(field_reporter: User) -> Client:
    return _token_client(field_reporter)


@pytest.fixture
def analyst_api(analyst: User) -> Client:
    return _token_client(analyst)


@pytest.fixture
def outsider_api(outsider: User) -> Client:
    return _token_client(outsider)


def test_a_reporter_posts_a_prealert(
    reporter_api: Client, field_reporter: User, owner_institution: Institution
) -> None:
    response = _post(reporter_api, BODY)
    assert response.status_code == 201, response.content
    prealert = PreAlert.objects.get()
    body = response.json()
    assert set(body) == {
        "uuid",
        "reference",
        "channel",
        "client_id",
        "institution",
        "received_at",
        "url",
    }
    assert body["uuid"] == str(prealert.uuid)
    assert body["client_id"] == "key-0001"
    assert body["channel"] == "api"
    assert body["institution"] == "defensoria"
    assert body["url"] == f"/api/v1/prealerts/{prealert.uuid}"
    assert prealert.channel == Channel.API
    assert prealert.client_id == "key-0001"
    assert prealert.institution == owner_institution
    assert prealert.submitted_by == field_reporter
    assert prealert.reporter == Reporter.objects.get(user=field_reporter)
    assert prealert.ubigeo is not None
    assert prealert.ubigeo.code == "080801"
    assert prealert.department_code == "080000"
    assert prealert.urgency == "high"
    assert prealert.measures == "Paro de 72 horas"
    assert str(prealert.measures_date) == "2026-03-16"
    assert json.loads(prealert.raw_payload) == BODY
    assert prealert.raw_content_type == "application/json"
    assert AuditLog.objects.filter(event_type=AuditEvent.PREALERT_RECEIVED).count() == 1


def test_a_retry_returns_the_first_answer_byte_for_byte(reporter_api: Client) -> None:
    first = _post(reporter_api, BODY)
    # The same body serialised otherwise is the same body.
    again = _post(reporter_api, json.dumps(BODY, indent=2, sort_keys=True))
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert PreAlert.objects.count() == 1
    assert AuditLog.objects.filter(event_type=AuditEvent.PREALERT_RECEIVED).count() == 1
    # Even after an analyst has moved it on.
    PreAlert.objects.update(state=ReviewState.IN_REVIEW, description="Corregido")
    assert _post(reporter_api, BODY).content == first.content


def test_the_key_with_another_body_is_409(reporter_api: Client) -> None:
    assert _post(reporter_api, BODY).status_code == 201
    response = _post(reporter_api, BODY | {"urgency": "low"})
    assert response.status_code == 409
    assert "Idempotency-Key" in response.json()["detail"]
    assert PreAlert.objects.count() == 1


def test_the_key_of_another_account_is_409(reporter_api: Client, analyst_api: Client) -> None:
    assert _post(reporter_api, BODY).status_code == 201
    response = _post(analyst_api, BODY)
    assert response.status_code == 409
    assert "otra cuenta" in response.json()["detail"]
    assert PreAlert.objects.count() == 1


@pytest.mark.parametrize("key", [None, "", "x" * 201, "con espacio", "ñ"])
def test_the_key_is_required_and_bounded(reporter_api: Client, key: str | None) -> None:
    response = _post(reporter_api, BODY, key=key)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert PreAlert.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ubigeo": "999999"}, "ubigeo"),
        ({"ubigeo": "12"}, "ubigeo"),
        ({"ubigeo": None}, "ubigeo"),
        ({"description": ""}, "description"),
        ({"urgency": "extreme"}, "urgency"),
        ({"occurred_on": "2026-02-30"}, "occurred_on"),
        ({"occurred_on": "2099-01-01"}, "occurred_on"),
        ({"latitude": 95}, "latitude"),
        ({"latitude": -13.5}, "longitude"),
        ({"measures": "x" * 2001}, "measures"),
        ({"description": "a\x00b"}, "description"),
        ({"institution": "nadie"}, "institution"),
        ({"color": "rojo"}, "color"),
    ],
)
def test_bad_input_is_422_naming_the_field(
    reporter_api: Client, change: dict[str, Any], field: str
) -> None:
    response = _post(reporter_api, BODY | change)
    assert response.status_code == 422, response.content
    body = response.json()
    assert list(body["errors"]) == [field]
    assert body["detail"]
    assert PreAlert.objects.count() == 0


def test_an_unknown_place_says_so_in_english_when_asked(field_reporter: User) -> None:
    client = _token_client(field_reporter, **{"accept-language": "en"})
    response = _post(client, BODY | {"ubigeo": "999999"})
    assert response.status_code == 422
    assert response.json()["errors"]["ubigeo"]


def test_a_place_by_the_phone_location_alone(reporter_api: Client) -> None:
    body = {k: v for k, v in BODY.items() if k != "ubigeo"} | {
        "latitude": -14.79,
        "longitude": -71.41,
    }
    assert _post(reporter_api, body).status_code == 201
    assert PreAlert.objects.get().latitude == -14.79


def test_an_institution_the_user_may_not_send_to_is_403(
    reporter_api: Client, other_institution: Institution
) -> None:
    response = _post(reporter_api, BODY | {"institution": "onds"})
    assert response.status_code == 403
    assert PreAlert.objects.count() == 0


def test_an_account_with_no_institution_to_send_to_is_403(db: None) -> None:
    loner = User.objects.create_user(email="solo@example.pe", password="x")
    response = _post(_token_client(loner), BODY)
    assert response.status_code == 403
    assert PreAlert.objects.count() == 0


def test_an_analyst_sends_to_their_institution(
    analyst_api: Client, analyst: User, owner_institution: Institution
) -> None:
    assert _post(analyst_api, BODY | {"institution": "defensoria"}).status_code == 201
    prealert = PreAlert.objects.get()
    assert prealert.institution == owner_institution
    assert prealert.reporter is None


def test_over_the_hourly_limit_is_429(settings: Any, reporter_api: Client) -> None:
    settings.WILLAQ_API_PREALERTS_PER_HOUR = 3
    statuses = [_post(reporter_api, BODY, key=f"k-{n}").status_code for n in range(5)]
    assert statuses == [201, 201, 201, 429, 429]
    assert PreAlert.objects.count() == 3
    # A retry of one received still gets its answer.
    assert _post(reporter_api, BODY, key="k-0").status_code == 201
    response = _post(reporter_api, BODY, key="k-9")
    assert response.status_code == 429
    assert response.json()["detail"]


def test_anonymous_is_401(anon_client: Client) -> None:
    response = anon_client.post(
        URL, json.dumps(BODY), content_type="application/json", headers={"Idempotency-Key": "a"}
    )
    assert response.status_code == 401
    assert anon_client.get(URL).status_code == 401
    assert PreAlert.objects.count() == 0


# --- reading: the access rule -------------------------------------------------------------------


def _prealert(
    institution: Institution, client_id: str, channel: str = Channel.API, **extra: Any
) -> PreAlert:
    data = {"ubigeo": extra.pop("ubigeo", "080801"), "description": "Paro anunciado."}
    prealert, _created = receive_prealert(
        channel=channel,
        client_id=client_id,
        institution=institution,
        data=data,
        raw_payload="{}",
        **extra,
    )
    return prealert


@pytest.fixture
def two_queues(
    field_reporter: User, owner_institution: Institution, other_institution: Institution
) -> dict[str, PreAlert]:
    onds_analyst = member(other_institution, Role.ANALYST, email="a@onds.gob.pe")
    return {
        "mine": _prealert(owner_institution, "r-1", submitted_by=field_reporter),
        "sms": _prealert(owner_institution, "s-1", channel=Channel.SMS, ubigeo="150132"),
        "web": _prealert(owner_institution, "w-1", channel=Channel.WEB, ubigeo="210504"),
        "onds": _prealert(other_institution, "o-1", submitted_by=onds_analyst),
    }


def _uuids(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["uuid"] for item in response.json()["items"]}


def test_the_analyst_sees_the_institution_queue(
    analyst_api: Client, two_queues: dict[str, PreAlert]
) -> None:
    response = analyst_api.get(URL)
    assert _uuids(response) == {str(two_queues[k].uuid) for k in ("mine", "sms", "web")}
    assert response.json()["count"] == 3
    item = analyst_api.get(f"{URL}/{two_queues['sms'].uuid}").json()
    assert item["raw_payload"] == "{}"
    assert item["channel"] == "sms"
    assert item["ubigeo"] == "150132"
    assert item["ubigeo_name"] == "San Juan de Lurigancho"


def test_a_reporter_sees_only_theirs_without_the_reviewers_fields(
    reporter_api: Client, two_queues: dict[str, PreAlert], analyst: User
) -> None:
    PreAlert.objects.filter(pk=two_queues["mine"].pk).update(
        review_notes="Llamar al gobernador", assigned_to=analyst
    )
    assert _uuids(reporter_api.get(URL)) == {str(two_queues["mine"].uuid)}
    item = reporter_api.get(f"{URL}/{two_queues['mine'].uuid}").json()
    assert item["review_notes"] is None
    assert item["assigned_to"] is None
    assert item["raw_payload"] is None
    assert item["description"] == "Paro anunciado."
    assert reporter_api.get(f"{URL}/{two_queues['sms'].uuid}").status_code == 404


def test_the_analyst_reads_the_reviewers_fields(
    analyst_api: Client, two_queues: dict[str, PreAlert], analyst: User
) -> None:
    PreAlert.objects.filter(pk=two_queues["mine"].pk).update(
        review_notes="Llamar al gobernador", assigned_to=analyst
    )
    item = analyst_api.get(f"{URL}/{two_queues['mine'].uuid}").json()
    assert item["review_notes"] == "Llamar al gobernador"
    assert item["assigned_to"] == analyst.email


def test_an_outsider_sees_none_of_another_institution(
    outsider_api: Client, two_queues: dict[str, PreAlert]
) -> None:
    # The outsider (ONDS analyst) sees ONDS's queue only.
    assert _uuids(outsider_api.get(URL)) == {str(two_queues["onds"].uuid)}
    for key in ("mine", "sms", "web"):
        response = outsider_api.get(f"{URL}/{two_queues[key].uuid}")
        assert response.status_code == 404
        assert response.json()["detail"]


def test_a_member_without_a_queue_sees_none(
    two_queues: dict[str, PreAlert], owner_institution: Institution
) -> None:
    viewer = member(owner_institution, Role.REPORTER, email="otro.reportero@dp.gob.pe")
    client = _token_client(viewer)
    assert _uuids(client.get(URL)) == set()
    assert client.get(f"{URL}/{two_queues['mine'].uuid}").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("channel=sms", {"sms"}),
        ("channel=api", {"mine"}),
        ("department=15", {"sms"}),
        ("department=150000", {"sms"}),
        ("department=210504", {"web"}),
        ("department=08", {"mine"}),
        ("client_id=w-1", {"web"}),
        ("client_id=nada", set()),
        ("state=received", {"mine", "sms", "web"}),
        ("state=validated", set()),
        ("channel=web&department=21", {"web"}),
    ],
)
def test_filters(
    analyst_api: Client, two_queues: dict[str, PreAlert], query: str, expected: set[str]
) -> None:
    assert _uuids(analyst_api.get(f"{URL}?{query}")) == {str(two_queues[k].uuid) for k in expected}


@pytest.mark.parametrize(
    "query", ["channel=fax", "state=x", "department=1", "department=abc", "limit=0", "limit=500"]
)
def test_bad_filters_are_422_naming_the_field(analyst_api: Client, query: str) -> None:
    response = analyst_api.get(f"{URL}?{query}")
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [query.split("=")[0]]


def test_pagination(analyst_api: Client, owner_institution: Institution) -> None:
    for n in range(7):
        _prealert(owner_institution, f"p-{n}")
    page = analyst_api.get(f"{URL}?limit=3&offset=3").json()
    assert page["count"] == 7
    assert len(page["items"]) == 3
    all_items = analyst_api.get(f"{URL}?limit=10").json()["items"]
    assert [i["uuid"] for i in all_items[3:6]] == [i["uuid"] for i in page["items"]]
    assert len({i["uuid"] for i in all_items}) == 7


def test_a_prealert_round_trip(reporter_api: Client) -> None:
    """POST then GET its url: what was sent is what is read."""
    receipt = _post(reporter_api, BODY).json()
    item = reporter_api.get(receipt["url"]).json()
    for field, value in BODY.items():
        assert item[field] == value, field
    assert item["state"] == "received"
    assert item["reference"] == receipt["reference"]
    assert item["is_structured"] is True


def test_the_token_last_use_is_written_once_a_minute(field_reporter: User) -> None:
    """The intake's hot path: no write (and commit) of the token on every request."""
    import datetime as dt

    import time_machine

    client = _token_client(field_reporter)
    token = ApiToken.objects.get(user=field_reporter)
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        assert client.get(URL).status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first == dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, 59, tzinfo=dt.UTC), tick=False):
        assert client.get(URL).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 1, tzinfo=dt.UTC), tick=False):
        assert client.get(URL).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == dt.datetime(2026, 3, 10, 9, 1, tzinfo=dt.UTC)

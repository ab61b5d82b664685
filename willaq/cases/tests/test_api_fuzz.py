"""A small schema-driven fuzz of API v1, in the spirit of schemathesis: for every operation in
openapi.json (cases, territory, accounts…), replace one parameter or body property at a time with
a hostile value and check the answer is a status the operation documents, with an ErrorOut body
for every error."""

import datetime as dt
import json
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.test import Client

from willaq.accounts.models import ApiToken, Institution, User, hash_token
from willaq.cases import services
from willaq.cases.choices import CaseState
from willaq.cases.models import Case
from willaq.core.schemas import ErrorOut
from willaq.testing.factories import ActorFactory, CaseActorFactory, CaseFactory, EventFactory

API = "/api/v1"
ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}

HOSTILE_VALUES: list[Any] = [
    None,
    "",
    "x" * 1000,
    "\x00",
    "'; DROP TABLE cases_case; --",
    -1,
    10**30,
    1.5,
    float("nan"),
    True,
    [],
    {},
    ["\x00"],
    "9999-12-31T23:59:59+14:00",
    "0001-01-01",
]

GOOD_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/api/v1/cases"): {
        "institution": "defensoria",
        "name": "Caso de prueba",
        "start_date": "2025-01-10",
        "typology": "socioambiental",
        "places": [{"ubigeo": "021801"}],
    },
    ("patch", "/api/v1/cases/{case_uuid}"): {"name": "Otro nombre"},
    ("post", "/api/v1/cases/{case_uuid}/transitions"): {"transition": "to_latent"},
    ("post", "/api/v1/cases/{case_uuid}/phase"): {"phase": "crisis"},
    ("post", "/api/v1/cases/{case_uuid}/merge"): {
        "into": "00000000-0000-4000-8000-000000000000",
        "reason": "Duplicado",
    },
    ("post", "/api/v1/cases/{case_uuid}/external-ids"): {"source": "defensoria", "id": "123"},
    ("put", "/api/v1/cases/{case_uuid}/classifications/{institution}"): {
        "classification": "difference"
    },
    ("post", "/api/v1/cases/{case_uuid}/events"): {
        "event_date": "2025-04-02",
        "event_type": "Protests",
        "sub_event_type": "Peaceful protest",
        "actor1": "Protesters (Peru)",
        "inter1": 6,
        "ubigeo": "021801",
    },
    ("post", "/api/v1/actors"): {"name": "Comunidad", "kind": "organisation"},
    ("post", "/api/v1/cases/{case_uuid}/actors"): {"actor": "", "role": "primary"},
    ("patch", "/api/v1/cases/{case_uuid}/actors/{actor_uuid}"): {"role": "secondary"},
    # The stakeholder map (willaq.cases.api_stakeholders).
    ("put", "/api/v1/cases/{case_uuid}/actors/{actor_uuid}/profile"): {"influence": 3},
    ("post", "/api/v1/cases/{case_uuid}/relations"): {
        "source": "00000000-0000-4000-8000-000000000000",
        "target": "00000000-0000-4000-8000-000000000001",
        "kind": "tension",
        "start_date": "2025-02-01",
    },
    ("post", "/api/v1/cases/{case_uuid}/relations/{relation_uuid}/change"): {
        "kind": "conflict",
        "on": "2025-03-01",
    },
    ("post", "/api/v1/cases/{case_uuid}/relations/{relation_uuid}/end"): {"end_date": "2025-04-01"},
}


# Valid values of the query parameters an operation requires, so each hostile value is tried alone.
GOOD_QUERIES: dict[tuple[str, str], dict[str, Any]] = {
    ("get", "/api/v1/cases/{case_uuid}/stakeholder-map"): {"as_of": "2025-03-01"},
    ("get", "/api/v1/territory/locate"): {"lat": -12.0464, "lon": -77.0428},
}

# Hostile path segments, tried on every path parameter besides the real objects.
HOSTILE_SEGMENTS = ["x", "x" * 1000, "0", "-1", "%00", quote("'; DROP TABLE x; --", safe="")]


def _token_client(user: User) -> Client:
    raw = ApiToken.new_raw_value()
    ApiToken.objects.create(user=user, name="fuzz", prefix=raw[:8], token_hash=hash_token(raw))
    return Client(headers={"authorization": f"Bearer {raw}"})


@pytest.fixture
def world(analyst: User, outsider: User, owner_institution: Institution) -> dict[str, Any]:
    case = CaseFactory(institution=owner_institution, created_by=analyst)
    draft = CaseFactory(institution=owner_institution, state=CaseState.DRAFT, created_by=analyst)
    first, second = (
        CaseActorFactory(case=case, actor=ActorFactory(institution=owner_institution)).actor
        for _n in range(2)
    )
    relation = services.record_relation(
        user=analyst,
        case=case,
        data=services.RelationInput(
            source=first, target=second, kind="alliance", start_date=dt.date(2025, 1, 10)
        ),
    )
    return {
        "relation": relation,
        "client": _token_client(analyst),
        "outsider": _token_client(outsider),
        "case": case,
        "draft": draft,
        "event": EventFactory(case=case),
        "actor": CaseActorFactory(
            case=case, actor=ActorFactory(institution=owner_institution)
        ).actor,
    }


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _check(response: Any, operation: dict[str, Any], context: str) -> None:
    documented = {int(code) for code in operation["responses"]}
    assert response.status_code in documented, (context, response.status_code, response.content)
    if response.status_code >= 400:
        body = response.json()
        assert set(body) <= {"detail", "errors"}, (context, body)
        ErrorOut.model_validate(body)
        assert isinstance(body["detail"], str), context
        assert body["detail"], context
        for field, messages in (body.get("errors") or {}).items():
            assert isinstance(field, str), context
            assert messages, context
            assert all(isinstance(m, str) and m for m in messages), context


def _request(client: Client, method: str, url: str, query: dict[str, Any], body: Any) -> Any:
    if query:
        url += "?" + urlencode(
            {k: v if isinstance(v, str) else json.dumps(v) for k, v in query.items()}
        )
    if method == "get":
        return client.get(url)
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return getattr(client, method)(url, data, content_type="application/json")


def _fill(path: str, values: dict[str, list[str]]) -> list[str]:
    """The path with every combination of the given values of its parameters."""
    urls = [path]
    for name, options in values.items():
        if "{" + name + "}" in path:
            urls = [u.replace("{" + name + "}", v) for u in urls for v in options]
    assert all("{" not in u for u in urls), f"give test values for the parameters of {path}"
    return urls


def test_openapi_has_one_error_schema_for_every_error(anon_client: Client):
    schema = anon_client.get(f"{API}/openapi.json").json()
    operations = _operations(schema)
    assert {tag for _m, _p, op in operations for tag in op.get("tags", [])} >= {
        "accounts",
        "territory",
    }
    for method, path, operation in operations:
        codes = {int(code) for code in operation["responses"]}
        # Every operation needs credentials, reads parameters or a body: 400, 401 and 422.
        assert {400, 401, 422} <= codes, (method, path, codes)
        if "{" in path:
            assert 404 in codes, (method, path)
        for code, response in operation["responses"].items():
            if int(code) >= 400:
                content = response["content"]["application/json"]["schema"]
                assert content == ERROR_REF, (method, path, code)
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"detail", "errors"}
    assert error["required"] == ["detail"]


def test_every_hostile_input_gets_a_documented_status(world: dict[str, Any], anon_client: Client):
    schema = anon_client.get(f"{API}/openapi.json").json()
    client: Client = world["client"]
    operations = _operations(schema)
    # cases 14, territory 3, accounts 1: a new operation is fuzzed without touching this test.
    assert len(operations) >= 18
    assert any(path.startswith(f"{API}/territory/") for _m, path, _o in operations)
    assert any(path.startswith(f"{API}/accounts/") for _m, path, _o in operations)
    stranger = "00000000-0000-4000-8000-000000000000"
    # Path parameters: the real objects, a stranger, garbage.
    path_values = {
        "case_uuid": [str(world["case"].uuid), str(world["draft"].uuid), stranger, "x"],
        "event_uuid": [str(world["event"].uuid), stranger, "x"],
        "actor_uuid": [str(world["actor"].uuid), stranger, "x"],
        "code": ["020000", "150132", "999999", "x"],
        "victim_uuid": [stranger, "x"],
        "news_uuid": [stranger, "x"],
        "evidence_uuid": [stranger, "x"],
        "kind": ["eventos", "x"],
        "record_uuid": [str(world["event"].uuid), stranger, "x"],
        "source": ["defensoria", "x"],
        "external_id": ["123", "x"],
        "institution": ["onds", "x"],
        # report-engine: the monthly figures and their CSV tables.
        "month": ["2025-10", "2099-01", "x"],
        "table": ["summary", "x"],
        # Open-data exports (willaq.reports): a dataset and a format, real and unknown.
        "dataset": ["events", "commitments", "x"],
        "fmt": ["csv", "x"],
        # Response (willaq.earlywarning.api_orders): deployment orders.
        "order_uuid": [stranger, "x"],
        # Pre-alerts (willaq.earlywarning.api_prealerts).
        "prealert_uuid": [stranger, "x"],
        # alerts (willaq.earlywarning): a stranger's uuid and garbage.
        "alert_uuid": [stranger, "x"],
        # The stakeholder map's relations (willaq.cases.api_stakeholders).
        "relation_uuid": [str(world["relation"].uuid), stranger, "x"],
        # Dialogue (willaq.dialogue.api_*): spaces, sessions, actas, commitments.
        "space_uuid": [stranger, "x"],
        "session_uuid": [stranger, "x"],
        "acta_uuid": [stranger, "x"],
        "commitment_uuid": [stranger, "x"],
        # Environmental complaints (willaq.complaints.api).
        "complaint_uuid": [stranger, "x"],
        # Prior consultation (willaq.consultation): a stranger's uuid and garbage.
        "process_uuid": [stranger, "x"],
    }
    checked = 0
    for method, path, operation in operations:
        urls = _fill(path, path_values)
        # Hostile path segments: one request each, with and without credentials.
        for hostile in _fill(path, dict.fromkeys(path_values, HOSTILE_SEGMENTS)):
            if hostile in urls:
                continue
            response = _request(client, method, hostile, {}, GOOD_BODIES.get((method, path), {}))
            _check(response, operation, f"{method} {hostile[:120]}")
            _check(getattr(Client(), method)(hostile), operation, f"anon {method} {hostile[:120]}")
            checked += 2
        good = dict(GOOD_BODIES.get((method, path), {}))
        if "actor" in good:
            good["actor"] = str(world["actor"].uuid)
        good_query = GOOD_QUERIES.get((method, path), {})
        body_schema: dict[str, Any] = {}
        if "requestBody" in operation:
            body_schema = _resolve(
                schema, operation["requestBody"]["content"]["application/json"]["schema"]
            )
        query_params = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        for url in urls:
            # Without credentials.
            response = getattr(Client(), method)(url, content_type="application/json")
            _check(response, operation, f"anon {method} {url}")
            response = _request(world["outsider"], method, url, good_query, good)
            _check(response, operation, f"outsider {method} {url}")
            response = _request(client, method, url, good_query, good)
            _check(response, operation, f"{method} {url}")
            checked += 3
            for raw in ("{", "[]", '"x"', "null", b"\xff\xfe"):
                if method != "get":
                    _check(_request(client, method, url, {}, raw), operation, f"{url} {raw!r}")
                    checked += 1
            for name in query_params:
                for value in HOSTILE_VALUES:
                    query = good_query | {name: value}
                    response = _request(client, method, url, query, None)
                    _check(response, operation, f"{method} {url} ?{name}={value!r}")
                    checked += 1
            for prop in body_schema.get("properties", {}):
                for value in HOSTILE_VALUES:
                    response = _request(client, method, url, {}, good | {prop: value})
                    _check(response, operation, f"{method} {url} {prop}={value!r}")
                    checked += 1
    assert checked > 1000
    # The registered case survived the storm: still readable by its owner.
    assert Case.objects.filter(uuid=world["case"].uuid).exists()

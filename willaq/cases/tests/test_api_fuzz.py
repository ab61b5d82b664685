"""A small schema-driven fuzz of the cases API, in the spirit of schemathesis: for every operation
in openapi.json, replace one parameter or body property at a time with a hostile value and check
the answer is a status the operation documents, with an ErrorOut body for every error."""

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from willaq.accounts.models import ApiToken, Institution, User, hash_token
from willaq.cases.choices import CaseState
from willaq.cases.models import Case
from willaq.testing.factories import ActorFactory, CaseFactory, EventFactory

API = "/api/v1"
OWN_PATHS = ("/api/v1/cases", "/api/v1/events", "/api/v1/actors", "/api/v1/reference")

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
}


def _token_client(user: User) -> Client:
    raw = ApiToken.new_raw_value()
    ApiToken.objects.create(user=user, name="fuzz", prefix=raw[:8], token_hash=hash_token(raw))
    return Client(headers={"authorization": f"Bearer {raw}"})


@pytest.fixture
def world(analyst: User, outsider: User, owner_institution: Institution) -> dict[str, Any]:
    case = CaseFactory(institution=owner_institution, created_by=analyst)
    draft = CaseFactory(institution=owner_institution, state=CaseState.DRAFT, created_by=analyst)
    return {
        "client": _token_client(analyst),
        "outsider": _token_client(outsider),
        "case": case,
        "draft": draft,
        "event": EventFactory(case=case),
        "actor": ActorFactory(institution=owner_institution),
    }


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in schema["paths"].items()
        if path.startswith(OWN_PATHS)
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
        assert isinstance(body["detail"], str), context
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


def test_every_hostile_input_gets_a_documented_status(world: dict[str, Any], anon_client: Client):
    schema = anon_client.get(f"{API}/openapi.json").json()
    client: Client = world["client"]
    operations = _operations(schema)
    assert len(operations) == 14
    checked = 0
    for method, path, operation in operations:
        # Path parameters: the real objects, a stranger, garbage.
        stranger = "00000000-0000-4000-8000-000000000000"
        path_values = {
            "case_uuid": [str(world["case"].uuid), str(world["draft"].uuid), stranger, "x"],
            "event_uuid": [str(world["event"].uuid), stranger, "x"],
        }
        urls = [path]
        for name, values in path_values.items():
            if "{" + name + "}" in path:
                urls = [u.replace("{" + name + "}", v) for u in urls for v in values]
        good = dict(GOOD_BODIES.get((method, path), {}))
        if "actor" in good:
            good["actor"] = str(world["actor"].uuid)
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
            response = _request(world["outsider"], method, url, {}, good)
            _check(response, operation, f"outsider {method} {url}")
            response = _request(client, method, url, {}, good)
            _check(response, operation, f"{method} {url}")
            checked += 3
            for raw in ("{", "[]", '"x"', "null", b"\xff\xfe"):
                if method != "get":
                    _check(_request(client, method, url, {}, raw), operation, f"{url} {raw!r}")
                    checked += 1
            for name in query_params:
                for value in HOSTILE_VALUES:
                    response = _request(client, method, url, {name: value}, None)
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

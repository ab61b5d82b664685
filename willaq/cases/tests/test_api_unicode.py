"""Text that is not Unicode: a JSON body may escape a lone UTF-16 surrogate ("\\ud800"), which
json.loads accepts but no database (nor UTF-8) can hold. Every write operation answers 422 with
the API's error shape, naming the field, and saves nothing."""

from typing import Any

import pytest
from django.test import Client

from willaq.accounts.models import ApiToken, Institution, User, hash_token
from willaq.cases.choices import CaseState
from willaq.cases.models import Actor, Case, CaseActor, Event
from willaq.core.schemas import ErrorOut
from willaq.testing.factories import ActorFactory, CaseFactory

API = "/api/v1"
JSON = "application/json"
# As it travels on the wire: the JSON escape, not a Python string (which could not be encoded).
SURROGATE = "\\ud800"
MESSAGE = "No puede contener caracteres sustitutos (UTF-16) sueltos."


def token_client(user: User) -> Client:
    raw = ApiToken.new_raw_value()
    ApiToken.objects.create(user=user, name="pruebas", prefix=raw[:8], token_hash=hash_token(raw))
    return Client(headers={"authorization": f"Bearer {raw}"})


@pytest.fixture
def world(analyst: User, owner_institution: Institution) -> dict[str, Any]:
    case = CaseFactory(institution=owner_institution, created_by=analyst, state=CaseState.ACTIVE)
    actor = ActorFactory(institution=owner_institution)
    return {"client": token_client(analyst), "case": case, "actor": actor}


def counts() -> tuple[int, int, int, int]:
    return (
        Case.objects.count(),
        Event.objects.count(),
        Actor.objects.count(),
        CaseActor.objects.count(),
    )


# (method, path, a valid body as JSON text with {s} where the surrogate goes, the field named)
WRITES = [
    (
        "post",
        "/cases",
        '{{"institution": "defensoria", "name": "Caso {s}", "start_date": "2025-01-10", '
        '"typology": "socioambiental", "places": [{{"ubigeo": "021801"}}]}}',
        "name",
    ),
    (
        "post",
        "/cases",
        '{{"institution": "defensoria", "name": "Caso", "start_date": "2025-01-10", '
        '"typology": "socioambiental", "places": [{{"ubigeo": "021801"}}], '
        '"confidential_fields": ["description{s}"]}}',
        "confidential_fields",
    ),
    ("patch", "/cases/{case}", '{{"description": "texto {s} roto"}}', "description"),
    ("patch", "/cases/{case}", '{{"places": [{{"ubigeo": "02180{s}1"}}]}}', "places"),
    (
        "post",
        "/cases/{case}/transitions",
        '{{"transition": "to_latent", "reason": "motivo {s}"}}',
        "reason",
    ),
    ("post", "/cases/{case}/phase", '{{"phase": "crisis{s}"}}', "phase"),
    (
        "post",
        "/cases/{case}/events",
        '{{"event_date": "2025-04-02", "event_type": "Protests", '
        '"sub_event_type": "Peaceful protest", "actor1": "Protesters {s}", "inter1": 6, '
        '"ubigeo": "021801"}}',
        "actor1",
    ),
    ("post", "/actors", '{{"name": "Comunidad {s}", "kind": "organisation"}}', "name"),
    (
        "post",
        "/cases/{case}/actors",
        '{{"actor": "{actor}", "role": "primary", "position": "{s}"}}',
        "position",
    ),
    ("post", "/cases/{case}/actors", '{{"actor": "{actor}{s}", "role": "primary"}}', "actor"),
]


@pytest.mark.parametrize(("method", "path", "body", "field"), WRITES)
def test_a_lone_surrogate_is_a_422_naming_the_field(
    world: dict[str, Any], method: str, path: str, body: str, field: str
) -> None:
    url = API + path.format(case=world["case"].uuid)
    raw = body.format(s=SURROGATE, actor=world["actor"].uuid)
    before = counts()
    response = getattr(world["client"], method)(url, raw, content_type=JSON)
    assert response.status_code == 422, response.content
    body_out = ErrorOut.model_validate(response.json())
    assert body_out.errors is not None
    assert list(body_out.errors) == [field]
    assert body_out.errors[field] == [MESSAGE]
    assert counts() == before


@pytest.mark.parametrize(("method", "path", "body", "field"), WRITES)
def test_the_same_body_without_the_surrogate_is_accepted(
    world: dict[str, Any], method: str, path: str, body: str, field: str
) -> None:
    """Each body above is valid but for the surrogate: the 422 is the surrogate's doing."""
    url = API + path.format(case=world["case"].uuid)
    raw = body.format(s="", actor=world["actor"].uuid)
    response = getattr(world["client"], method)(url, raw, content_type=JSON)
    assert response.status_code in (200, 201), response.content


def test_a_lone_surrogate_in_a_field_name_is_a_422(world: dict[str, Any]) -> None:
    url = f"{API}/cases/{world['case'].uuid}"
    response = world["client"].patch(url, '{"na\\ud800me": "x"}', content_type=JSON)
    assert response.status_code == 422, response.content
    body_out = ErrorOut.model_validate(response.json())
    assert body_out.errors is not None
    assert list(body_out.errors) == ["body"]
    assert body_out.errors["body"] == [MESSAGE]

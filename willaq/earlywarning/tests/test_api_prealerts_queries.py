"""The intake's hot path (P5): how many queries ``POST /api/v1/prealerts`` makes, and what made
it that few — the reporter profile loaded with the token, the ubigeo unit from memory, the unique
constraint answering a retry instead of a look-up first, the hourly limit counted in the cache.

In the tests the intake's transaction is a savepoint of the test's (SAVEPOINT … RELEASE); under
the server it is BEGIN … COMMIT, which the query log does not list.
"""

import datetime as dt
import json
import runpy
import threading
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from willaq.accounts.models import ApiToken, Institution, User, hash_token
from willaq.audit.models import AuditEvent, AuditLog
from willaq.core.tests.test_settings import SERVER, run
from willaq.earlywarning.choices import Channel
from willaq.earlywarning.models import PreAlert, Reporter
from willaq.earlywarning.services import ratelimit
from willaq.earlywarning.services.intake import receive_prealert
from willaq.earlywarning.services.places import forget_units, unit_by_code
from willaq.territory.models import Ubigeo

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
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def _token_client(user: User) -> Client:
    raw = ApiToken.new_raw_value()
    ApiToken.objects.create(user=user, name="p5", prefix=raw[:8], token_hash=hash_token(raw))
    return Client(headers={"authorization": f"Bearer {raw}"})


def _post(client: Client, key: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(
        URL,
        json.dumps(BODY if body is None else body),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def _statements(context: CaptureQueriesContext) -> list[str]:
    """Each query's first words: SELECT "accounts_apitoken" …, INSERT INTO "…", SAVEPOINT."""
    names = []
    for query in context.captured_queries:
        words = query["sql"].split()
        if words[0] == "SELECT":
            names.append(f"SELECT {words[words.index('FROM') + 1]}")
        elif words[0] in ("INSERT", "UPDATE"):
            names.append(f"{words[0]} {words[2 if words[0] == 'INSERT' else 1]}")
        else:
            names.append(words[0] if words[0] != "ROLLBACK" else "ROLLBACK TO SAVEPOINT")
    return names


@pytest.fixture
def reporter_api(field_reporter: User) -> Client:
    forget_units()  # each test starts with the units not yet in memory
    return _token_client(field_reporter)


def test_a_new_prealert_is_one_select_and_two_inserts(
    reporter_api: Client, field_reporter: User
) -> None:
    with time_machine.travel(NOW, tick=False):
        with CaptureQueriesContext(connection) as first:
            assert _post(reporter_api, "q-1").status_code == 201
        with CaptureQueriesContext(connection) as second:
            assert _post(reporter_api, "q-2").status_code == 201
    # The first request of the minute writes the token's last use; the first for a place reads
    # the unit.
    assert _statements(first) == [
        'SELECT "accounts_apitoken"',
        'UPDATE "accounts_apitoken"',
        'SELECT "territory_ubigeo"',
        "SAVEPOINT",
        'INSERT "earlywarning_prealert"',
        'INSERT "audit_auditlog"',
        "RELEASE",
    ]
    # Then: the token with its user, reporter profile and institution; the pre-alert and its
    # audit record, in one transaction.
    assert _statements(second) == [
        'SELECT "accounts_apitoken"',
        "SAVEPOINT",
        'INSERT "earlywarning_prealert"',
        'INSERT "audit_auditlog"',
        "RELEASE",
    ]
    assert len(second.captured_queries) == 5
    profile = Reporter.objects.get(user=field_reporter)
    prealerts = PreAlert.objects.order_by("client_id")
    assert [(p.client_id, p.reporter_id, p.ubigeo_id) for p in prealerts] == [
        ("q-1", profile.pk, Ubigeo.objects.get(code="080801").pk),
        ("q-2", profile.pk, Ubigeo.objects.get(code="080801").pk),
    ]
    assert prealerts[0].department_code == "080000"
    assert AuditLog.objects.filter(event_type=AuditEvent.PREALERT_RECEIVED).count() == 2


def test_an_account_without_a_reporter_profile_asks_the_access_rule(
    analyst: User, owner_institution: Institution
) -> None:
    """Not the field's path: an analyst's institution comes from the access rule
    (``access.submitting_institutions``: memberships, a profile, the institutions)."""
    client = _token_client(analyst)
    assert _post(client, "a-1").status_code == 201  # warms the token's minute and the unit
    with CaptureQueriesContext(connection) as context:
        assert _post(client, "a-2").status_code == 201
    assert _statements(context) == [
        'SELECT "accounts_apitoken"',
        'SELECT "accounts_membership"',
        'SELECT "earlywarning_reporter"',
        'SELECT "accounts_institution"',
        "SAVEPOINT",
        'INSERT "earlywarning_prealert"',
        'INSERT "audit_auditlog"',
        "RELEASE",
    ]
    assert (
        PreAlert.objects.filter(reporter__isnull=True, institution=owner_institution).count() == 2
    )


def test_an_inactive_reporter_profile_is_not_the_sender(
    reporter_api: Client, field_reporter: User
) -> None:
    Reporter.objects.filter(user=field_reporter).update(is_active=False)
    assert _post(reporter_api, "i-1").status_code == 201
    prealert = PreAlert.objects.get()
    assert prealert.reporter is None
    assert prealert.submitted_by == field_reporter


def test_a_retry_is_answered_by_the_unique_constraint(reporter_api: Client) -> None:
    first = _post(reporter_api, "r-1")
    with CaptureQueriesContext(connection) as context:
        again = _post(reporter_api, "r-1")
    assert again.status_code == 201
    assert again.content == first.content
    # The insert is refused by the constraint, its savepoint rolled back, the first pre-alert
    # read (and its institution for the receipt); nothing new is written.
    assert _statements(context) == [
        'SELECT "accounts_apitoken"',
        "SAVEPOINT",
        'INSERT "earlywarning_prealert"',
        "ROLLBACK TO SAVEPOINT",
        "RELEASE",
        'SELECT "earlywarning_prealert"',
        'SELECT "accounts_institution"',
    ]
    assert PreAlert.objects.count() == 1
    assert AuditLog.objects.filter(event_type=AuditEvent.PREALERT_RECEIVED).count() == 1
    # Another body under the same key is still 409.
    assert _post(reporter_api, "r-1", BODY | {"description": "Otra cosa"}).status_code == 409
    assert PreAlert.objects.count() == 1


def test_a_retry_that_would_not_validate_now_still_gets_the_first(
    owner_institution: Institution,
) -> None:
    """The look-up that used to come first now follows a refusal: a retry of a pre-alert that
    arrived is answered, whatever its data."""
    first, created = receive_prealert(
        channel=Channel.API,
        client_id="v-1",
        institution=owner_institution,
        data={"ubigeo": "080801", "description": "Bloqueo de vía"},
        raw_payload="{}",
    )
    assert created
    again, created = receive_prealert(
        channel=Channel.API,
        client_id="v-1",
        institution=owner_institution,
        data={"ubigeo": "999999"},
        raw_payload="{}",
    )
    assert (again, created) == (first, False)
    assert PreAlert.objects.count() == 1


def test_an_unknown_place_is_never_kept_in_memory(reporter_api: Client) -> None:
    for key in ("u-1", "u-2"):
        with CaptureQueriesContext(connection) as context:
            response = _post(reporter_api, key, BODY | {"ubigeo": "999999"})
        assert response.status_code == 422
        assert "ubigeo" in response.json()["errors"]
        assert 'SELECT "territory_ubigeo"' in _statements(context)
    assert PreAlert.objects.count() == 0


def test_units_in_memory_are_fresh_copies_and_follow_a_rename() -> None:
    forget_units()
    first = unit_by_code("080801")
    assert first is not None
    first.name = "cambiado en memoria"
    with CaptureQueriesContext(connection) as context:
        second = unit_by_code("080801")
    assert len(context.captured_queries) == 0
    assert second is not None
    assert second.name == Ubigeo.objects.get(code="080801").name
    assert second.pk == first.pk
    assert second.department_code == "080000"
    unit = Ubigeo.objects.get(code="080801")
    unit.name = "Espinar (renombrado)"
    unit.save()  # post_save empties this process's units
    renamed = unit_by_code("080801")
    assert renamed is not None
    assert renamed.name == "Espinar (renombrado)"
    assert unit_by_code("12345") is None
    assert unit_by_code("08080a") is None


def test_the_hourly_limit_costs_no_query(settings: Any, reporter_api: Client) -> None:
    settings.WILLAQ_API_PREALERTS_PER_HOUR = 2
    with time_machine.travel(NOW, tick=False):
        assert [_post(reporter_api, f"l-{n}").status_code for n in range(2)] == [201, 201]
        with CaptureQueriesContext(connection) as context:
            refused = _post(reporter_api, "l-2")
    assert refused.status_code == 429
    # The token, then the look-up of the key (a retry would still get its answer).
    assert _statements(context) == [
        'SELECT "accounts_apitoken"',
        'SELECT "earlywarning_prealert"',
    ]
    assert PreAlert.objects.count() == 2


def test_the_hourly_limit_slides(settings: Any, reporter_api: Client, analyst: User) -> None:
    """This hour's count plus the previous hour's, weighted by the share of it still within the
    last 60 minutes."""
    settings.WILLAQ_API_PREALERTS_PER_HOUR = 4
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 50, tzinfo=dt.UTC), tick=False):
        assert [_post(reporter_api, f"s-{n}").status_code for n in range(5)] == [
            *[201] * 4,
            429,
        ]
        # Another account has its own count.
        assert _post(_token_client(analyst), "s-analyst").status_code == 201
    # 10:15: the 4 of 9:00–10:00 weigh 4 × 0.75 = 3 < 4: one more is accepted, then 3 + 1.
    with time_machine.travel(dt.datetime(2026, 3, 10, 10, 15, tzinfo=dt.UTC), tick=False):
        assert [_post(reporter_api, f"t-{n}").status_code for n in range(2)] == [201, 429]
    # 11:05: 9:00–10:00 is out of the window; the 1 of 10:00–11:00 weighs 1 × 11/12, so
    # 4 more fit (3 + 11/12 < 4), not 5.
    with time_machine.travel(dt.datetime(2026, 3, 10, 11, 5, tzinfo=dt.UTC), tick=False):
        assert [_post(reporter_api, f"u-{n}").status_code for n in range(5)] == [
            *[201] * 4,
            429,
        ]
    assert PreAlert.objects.filter(submitted_by__reporter_profile__isnull=False).count() == 9


def test_counters_are_per_account_and_scope(field_reporter: User) -> None:
    with time_machine.travel(NOW, tick=False):
        ratelimit.count_one(field_reporter, "p5-test")
        ratelimit.count_one(field_reporter, "p5-test")
        assert ratelimit.sent_last_hour(field_reporter, "p5-test") == 2.0
        assert ratelimit.sent_last_hour(field_reporter, "other-scope") == 0.0


# --- the production server's settings (README, "Production server") ---------------------------

SERVER_SETTINGS = """
import json
import config.settings as s
print(json.dumps({"db": s.DATABASES["default"], "caches": s.CACHES}, default=str))
"""


def _server_settings(**environment: str) -> dict[str, Any]:
    result = run(SERVER_SETTINGS, WILLAQ_ENV="production", **SERVER, **environment)
    assert result.returncode == 0, result.stderr
    values: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return values


def test_production_keeps_connections_and_shares_its_cache_through_redis() -> None:
    values = _server_settings(CACHE_URL="redis://127.0.0.1:6379/1")
    assert values["db"]["CONN_MAX_AGE"] == 60
    assert values["db"]["CONN_HEALTH_CHECKS"] is True
    assert values["caches"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert values["caches"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/1"
    by_request = _server_settings(CONN_MAX_AGE="0")
    assert by_request["db"]["CONN_MAX_AGE"] == 0
    assert by_request["caches"]["default"]["BACKEND"].endswith("LocMemCache")


def test_gunicorn_runs_two_workers_of_four_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_BIND"):
        monkeypatch.delenv(name, raising=False)
    conf = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    assert (conf["wsgi_app"], conf["workers"], conf["worker_class"], conf["threads"]) == (
        "config.wsgi:application",
        2,
        "gthread",
        4,
    )
    assert conf["keepalive"] == 30
    assert conf["accesslog"] is None
    monkeypatch.setenv("GUNICORN_THREADS", "8")
    assert runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))["threads"] == 8


# --- the unique constraint decides a race (PostgreSQL: real concurrent transactions) -----------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL"
)
def test_racing_retries_make_one_prealert(owner_institution: Institution) -> None:
    """Four copies of one submission at once: no look-up first, so all four insert; the unique
    constraint lets one commit and the others read it."""
    racers = 4
    barrier = threading.Barrier(racers)
    results: list[tuple[int, bool]] = []
    failures: list[BaseException] = []

    def send() -> None:
        try:
            barrier.wait(timeout=10)
            prealert, created = receive_prealert(
                channel=Channel.API,
                client_id="race-1",
                institution=owner_institution,
                data={"latitude": -14.79, "longitude": -71.41, "description": "Paro en Espinar"},
                raw_payload="{}",
            )
            results.append((prealert.pk, created))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
    assert len(results) == racers
    assert len({pk for pk, _created in results}) == 1
    assert sorted(created for _pk, created in results) == [False, False, False, True]
    assert PreAlert.objects.count() == 1
    assert AuditLog.objects.filter(event_type=AuditEvent.PREALERT_RECEIVED).count() == 1

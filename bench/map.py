"""Benchmark of the map's data endpoint (GET /api/v1/reports/map and the public
/mapa/publico/datos.json) at country, department, province and street zoom.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/willaq_bench .venv/bin/python bench/map.py

Takes the database from DATABASE_URL (without one: a temporary SQLite database and a small
registry); migrates it, loads territory, population and categories, and generates the synthetic
registry (``manage.py generate_registry``) when it holds fewer cases than asked. Then, as an
analyst of the largest synthetic institution, prints for each request p50 and p95 over
``--repeat`` runs, the number of queries and features, and the ratio of its p95 to a floor
measured in the same run: the same client asking ``/health/`` (middleware, session, one trivial
query). Target: p95 ≤ 100 ms at any zoom.
"""

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench import django_env  # noqa: E402, F401  (sets Django up)
from willaq.accounts.models import Membership, Role  # noqa: E402
from willaq.cases.models import Case, Category, Event  # noqa: E402
from willaq.core.heap import freeze_after_first_request  # noqa: E402
from willaq.reports import map as map_module  # noqa: E402
from willaq.territory.models import Ubigeo  # noqa: E402

TARGET_MS = 100.0
TWELVE_MONTHS_AGO = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=365)).isoformat()
PERU = "-81.5,-18.5,-68.5,0.1"
CUSCO = "-73.9,-15.6,-70.3,-11.2"  # a department
LIMA = "-77.4,-12.4,-76.6,-11.6"  # a province
MIRAFLORES = "-77.06,-12.14,-77.01,-12.10"  # a few streets
LIMA_CENTRE = "-77.15,-12.15,-76.95,-11.98"  # a city's centre
_TODAY = dt.datetime.now(dt.UTC).date()
TWO_YEARS_AGO_ODD = (_TODAY - dt.timedelta(days=2 * 365 + 3)).replace(day=7).isoformat()
LAST_WEEK_ODD = (_TODAY - dt.timedelta(days=7)).replace(day=min(25, _TODAY.day)).isoformat()

SCENARIOS: list[tuple[str, str, dict[str, str]]] = [
    ("país z5 · casos", "api", {"layer": "cases", "zoom": "5", "bbox": PERU}),
    ("país z5 · eventos (3 meses)", "api", {"layer": "events", "zoom": "5", "bbox": PERU}),
    ("país z5 · coropleta dpto., conteo", "api", {"layer": "choropleth", "level": "department"}),
    (
        "país z5 · coropleta prov., tasa",
        "api",
        {"layer": "choropleth", "level": "province", "measure": "rate"},
    ),
    (
        "país z5 · casos activos, socioambientales",
        "api",
        {
            "layer": "cases",
            "zoom": "5",
            "bbox": PERU,
            "state": "active",
            "typology": "socioambiental",
        },
    ),
    ("dpto. z8 · casos", "api", {"layer": "cases", "zoom": "8", "bbox": CUSCO}),
    ("dpto. z8 · eventos (3 meses)", "api", {"layer": "events", "zoom": "8", "bbox": CUSCO}),
    ("prov. z10 · casos", "api", {"layer": "cases", "zoom": "10", "bbox": LIMA}),
    ("prov. z10 · eventos (3 meses)", "api", {"layer": "events", "zoom": "10", "bbox": LIMA}),
    ("calle z15 · casos", "api", {"layer": "cases", "zoom": "15", "bbox": MIRAFLORES}),
    (
        "calle z15 · eventos (3 meses)",
        "api",
        {"layer": "events", "zoom": "15", "bbox": MIRAFLORES},
    ),
    ("público país z5 · casos", "public", {"layer": "cases", "zoom": "5", "bbox": PERU}),
    (
        "público país z5 · eventos (3 meses)",
        "public",
        {"layer": "events", "zoom": "5", "bbox": PERU},
    ),
    (
        "país z5 · eventos, 12 meses",
        "api",
        {"layer": "events", "zoom": "5", "bbox": PERU, "date_from": TWELVE_MONTHS_AGO},
    ),
    (
        "país z5 · eventos, todo el periodo",
        "api",
        {"layer": "events", "zoom": "5", "bbox": PERU, "date_from": "2000-01-01"},
    ),
    # Every zoom over long periods, and the filters (the events summary's keys).
    (
        "dpto. z8 · eventos, 12 meses",
        "api",
        {"layer": "events", "zoom": "8", "bbox": CUSCO, "date_from": TWELVE_MONTHS_AGO},
    ),
    (
        "dpto. z8 · eventos, todo el periodo",
        "api",
        {"layer": "events", "zoom": "8", "bbox": CUSCO, "date_from": "2000-01-01"},
    ),
    (
        "prov. z10 · eventos, todo el periodo",
        "api",
        {"layer": "events", "zoom": "10", "bbox": LIMA, "date_from": "2000-01-01"},
    ),
    (
        "ciudad z12 · eventos, todo el periodo",
        "api",
        {"layer": "events", "zoom": "12", "bbox": LIMA_CENTRE, "date_from": "2000-01-01"},
    ),
    (
        "ciudad z13 · eventos, todo el periodo",
        "api",
        {"layer": "events", "zoom": "13", "bbox": LIMA_CENTRE, "date_from": "2000-01-01"},
    ),
    (
        "calle z15 · eventos, todo el periodo",
        "api",
        {"layer": "events", "zoom": "15", "bbox": MIRAFLORES, "date_from": "2000-01-01"},
    ),
    (
        "país z5 · eventos, 2 años, días sueltos",
        "api",
        {
            "layer": "events",
            "zoom": "5",
            "bbox": PERU,
            "date_from": TWO_YEARS_AGO_ODD,
            "date_to": LAST_WEEK_ODD,
        },
    ),
    (
        "país z5 · eventos, todo, activos, socioamb., una inst.",
        "api",
        {
            "layer": "events",
            "zoom": "5",
            "bbox": PERU,
            "date_from": "2000-01-01",
            "state": "active",
            "typology": "socioambiental",
            "institution": "sintetica-defensoria",
        },
    ),
    (
        "país z5 · eventos, todo, fase de crisis",
        "api",
        {
            "layer": "events",
            "zoom": "5",
            "bbox": PERU,
            "date_from": "2000-01-01",
            "phase": "crisis",
        },
    ),
    (
        "público país z5 · eventos, todo el periodo",
        "public",
        {"layer": "events", "zoom": "5", "bbox": PERU, "date_from": "2000-01-01"},
    ),
]
URLS = {"api": "/api/v1/reports/map", "public": "/mapa/publico/datos.json"}


def cells(body: dict[str, Any]) -> tuple[int, dict[str, int]]:
    """An events' answer as its total and each feature's count by its cell or event."""
    return body["total"], {
        str(f["properties"].get("bounds") or f["properties"].get("uuid")): f["properties"].get(
            "count", 1
        )
        for f in body["features"]
    }


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    fn()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def prepare(cases: int, events: int) -> None:
    call_command("migrate", verbosity=0)
    if not Ubigeo.objects.exists():
        call_command("load_territory", verbosity=0)
    call_command("load_population", verbosity=0)
    if not Category.objects.exists():
        call_command("load_categories", verbosity=0)
    if Case.objects.count() < cases or Event.objects.count() < events:
        print(f"Generando el registro sintético ({cases:,} casos, {events:,} eventos)…")
        call_command(
            "generate_registry",
            cases=cases,
            events=events,
            seed=42,
            big_case_events=min(2000, events),
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--events", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--direct",
        action="store_true",
        help="also time each events' answer read from the events alone (no summary), and "
        "check that both give the same cells",
    )
    args = parser.parse_args()
    postgres = connection.vendor == "postgresql"
    cases = args.cases or (20_000 if postgres else 500)
    events = args.events or (2_000_000 if postgres else 5_000)
    prepare(cases, events)
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    analyst = (
        Membership.objects.filter(role=Role.ANALYST, institution__slug="sintetica-defensoria")
        .select_related("user")
        .first()
    )
    # As the server's processes do (config/wsgi.py): what the first request leaves behind is
    # frozen, out of the garbage collector's full collections.
    freeze_after_first_request()
    client = Client()
    if analyst is not None:
        client.force_login(analyst.user)
    print(
        f"Mapa: {Case.objects.count():,} casos, {Event.objects.count():,} eventos "
        f"({connection.vendor}); {args.repeat} repeticiones; objetivo p95 ≤ {TARGET_MS:.0f} ms."
    )
    floor_p50, floor_p95 = percentiles(timed(lambda: client.get("/health/"), args.repeat))
    print(f"{'suelo: GET /health/':<44} p50 {floor_p50:7.1f}  p95 {floor_p95:7.1f} ms")
    print(
        f"{'':<44} {'p50':>7} {'p95':>7} {'×suelo':>7} {'cons.':>5} {'rasgos':>6}"
        + ("      directo: p50     p95" if args.direct else "")
    )
    worst = 0.0
    for label, surface, params in SCENARIOS:
        url = URLS[surface]

        def run(url: str = url, params: dict[str, str] = params) -> object:
            response = client.get(url, params)
            assert response.status_code == 200, (url, params, response.content[:300])
            return response

        executed: list[str] = []

        def count(execute: Any, sql: str, *args: Any, executed: list[str] = executed) -> Any:
            executed.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            body = run().json()  # type: ignore[attr-defined]
        features = len(body.get("features", body.get("units", [])))
        p50, p95 = percentiles(timed(run, args.repeat))
        verdict = "ok" if p95 <= TARGET_MS else "lento"
        worst = max(worst, p95)
        direct = ""
        if args.direct and params["layer"] == "events":
            summary_zoom = map_module.SUMMARY_ZOOM
            map_module.SUMMARY_ZOOM = -1  # every day read from the events
            try:
                same = run().json()  # type: ignore[attr-defined]
                direct_p50, direct_p95 = percentiles(timed(run, args.repeat))
            finally:
                map_module.SUMMARY_ZOOM = summary_zoom
            assert cells(same) == cells(body), label
            direct = f"  {direct_p50:9.1f} {direct_p95:7.1f}"
        print(
            f"{label:<44} {p50:7.1f} {p95:7.1f} {p95 / floor_p95:6.1f}× "
            f"{len(executed):5d} {features:6d}  {verdict:<5}{direct}",
            flush=True,
        )
    print(f"p95 máximo: {worst:.1f} ms ({worst / floor_p95:.1f}× el suelo)")


if __name__ == "__main__":
    main()

"""Benchmark of the charts' series (willaq.reports.series) at regional scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/willaq_bench .venv/bin/python bench/charts.py

Takes the database and the synthetic registry as bench/run.py does (generated when missing).
Times, over ``--repeat`` runs (p50, p95), the 24-month series of the whole registry and of one
institution, and one chart's JSON as the dashboard asks for it (series computed, then cached),
against a floor measured in the same run on the same tables: a plain ``SELECT count(*)`` of each
table the series read (historical cases, historical places, transitions, events, victims). It
prints each timing's ratio to the floor (the floor is what merely scanning those rows costs on
this machine, so the ratio stays comparable across machines and loads); no target is asserted.
"""

import argparse
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.run import machine, percentiles, prepare, timed  # noqa: E402  (sets Django up)
from willaq.accounts.models import Institution, Membership, Role  # noqa: E402
from willaq.reports.series import chart_series, last_months  # noqa: E402

FLOOR_TABLES = (
    "cases_historicalcase",
    "cases_historicalcaseplace",
    "cases_casetransition",
    "cases_event",
    "cases_victim",
)


def floor() -> None:
    with connection.cursor() as cursor:
        for table in FLOOR_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (fixed names)
            cursor.fetchone()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--events", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument(
        "--no-prepare", action="store_true", help="no migrar ni generar: la base tal como está"
    )
    args = parser.parse_args()
    postgres = connection.vendor == "postgresql"
    if not args.no_prepare:
        prepare(
            args.cases or (20_000 if postgres else 500),
            args.events or (2_000_000 if postgres else 5_000),
        )

    with connection.cursor() as cursor:
        sizes = {}
        for table in FLOOR_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (fixed names)
            sizes[table] = cursor.fetchone()[0]
    print(machine())
    print("Filas: " + ", ".join(f"{t} {n:,}" for t, n in sizes.items()))
    first, last = last_months(24)
    institution = Institution.objects.filter(slug="sintetica-defensoria").first()
    analyst = (
        Membership.objects.filter(role=Role.ANALYST, institution=institution)
        .select_related("user")
        .first()
    )
    client = Client()
    if analyst is not None:
        client.force_login(analyst.user)
    url = reverse("reports:chart", kwargs={"name": "active_latent"})

    def uncached_json() -> object:
        cache.clear()
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    def cached_json() -> object:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    measures = [
        ("piso: count(*) de las 5 tablas", floor),
        ("series 24 meses, todo el registro", lambda: chart_series(first, last)),
        ("series 24 meses, una institución", lambda: chart_series(first, last, institution)),
        ("GET graficos/active_latent.json (sin caché)", uncached_json),
        ("GET graficos/active_latent.json (en caché)", cached_json),
    ]
    rows: list[tuple[str, float, float, float, float, int]] = []
    floor_p50 = floor_p95 = 0.0
    for label, fn in measures:
        executed: list[str] = []

        def count(
            execute: Any,
            sql: str,
            params: Any,
            many: bool,
            context: Any,
            seen: list[str] = executed,
        ) -> Any:
            seen.append(sql)
            return execute(sql, params, many, context)

        # Counted by a wrapper: a request closes and reopens the connection (CONN_MAX_AGE 0),
        # which a CaptureQueriesContext opened before it does not see.
        with connection.execute_wrapper(count):
            fn()
        p50, p95 = percentiles(timed(fn, args.repeat))
        if not rows:
            floor_p50, floor_p95 = p50, p95
        rows.append((label, p50, p95, p50 / floor_p50, p95 / floor_p95, len(executed)))
    print(f"\n{first:%Y-%m} … {last:%Y-%m}, {args.repeat} corridas\n")
    print("| medida | p50 ms | p95 ms | p50/piso | p95/piso | consultas |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, p50, p95, r50, r95, queries in rows:
        print(f"| {label} | {p50:.1f} | {p95:.1f} | {r50:.2f}× | {r95:.2f}× | {queries} |")
    if os.environ.get("BENCH_EXPLAIN") and postgres:
        with CaptureQueriesContext(connection) as ctx:
            chart_series(first, last)
        with connection.cursor() as cursor:
            for query in ctx.captured_queries[:2]:
                cursor.execute("EXPLAIN ANALYZE " + query["sql"])
                print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()

"""Benchmarks of the registry's hot pages and endpoints at regional scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/willaq_bench make bench
    .venv/bin/python bench/run.py --cases 20000 --events 2000000 --record

Takes the database from DATABASE_URL (without one: a temporary SQLite database and a small
registry). Migrates it, loads the territory and categories, and generates the synthetic registry
(``manage.py generate_registry``) when it holds fewer cases than asked. Then, for each page and
endpoint, as an analyst of the largest synthetic institution, prints:

- p50 and p95 of the whole request (middleware, view, SQL, template), over ``--repeat`` runs;
- the SQL alone: the very queries of one request, captured and replayed on a raw cursor in the
  same run (p50, p95), and the ratio p95 / SQL p95 — how much the Python side adds;
- the number of queries.

``--record`` writes the table to bench/RESULTS.md with the date, commit and machine.
"""

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import django_env  # noqa: E402, F401  (sets Django up)
from willaq.accounts.models import Membership, Role  # noqa: E402
from willaq.cases.history import case_rows_as_of, cases_as_of, end_of_month  # noqa: E402
from willaq.cases.models import Case, Category, Event  # noqa: E402
from willaq.territory.models import Ubigeo  # noqa: E402

TARGET_MS = 50.0
TARGET_RATIO = 2.0
TARGET_AS_OF_MS = 2000.0


@dataclass
class Result:
    label: str
    p50: float
    p95: float
    sql_p50: float
    sql_p95: float
    queries: int
    target_ms: float = TARGET_MS

    @property
    def ratio(self) -> float:
        return self.p95 / self.sql_p95 if self.sql_p95 else float("inf")

    @property
    def verdict(self) -> str:
        fast = self.p95 <= self.target_ms
        lean = self.ratio <= TARGET_RATIO or self.target_ms != TARGET_MS
        return "ok" if fast and lean else ("lento" if not fast else "> 2× SQL")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    fn()  # warm up (caches, prepared plans)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def replay(queries: list[str], repeat: int) -> list[float]:
    """The captured SQL alone, on a raw cursor, fetching every row (as the ORM does)."""
    samples = []
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for _ in range(repeat + 1):
            start = time.perf_counter()
            for sql in queries:
                raw.execute(sql)
                if raw.description is not None:
                    raw.fetchall()
            samples.append(time.perf_counter() - start)
    return samples[1:]


def measure(label: str, fn: Callable[[], object], repeat: int, target: float = TARGET_MS) -> Result:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    sql = [q["sql"] for q in ctx.captured_queries]
    p50, p95 = percentiles(timed(fn, repeat))
    sql_p50, sql_p95 = percentiles(replay(sql, repeat))
    result = Result(label, p50, p95, sql_p50, sql_p95, len(sql), target)
    print(
        f"{label:<44} {p50:8.1f} {p95:8.1f} {sql_p50:8.1f} {sql_p95:8.1f} "
        f"{result.ratio:6.1f}× {len(sql):4d}  {result.verdict}",
        flush=True,
    )
    return result


def get(client: Client, path: str, params: dict[str, str] | None = None) -> Callable[[], object]:
    def run() -> object:
        response = client.get(path, params or {})
        assert response.status_code == 200, (path, response.status_code)
        return response

    return run


def prepare(cases: int, events: int) -> None:
    call_command("migrate", verbosity=0)
    if not Ubigeo.objects.exists():
        call_command("load_territory", verbosity=0)
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


def machine() -> str:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB de memoria"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            database = f"SQLite {connection.Database.sqlite_version}"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPU (nproc){memory}, {platform.python_implementation()} " + (
        f"{platform.python_version()}, {database}; carga media {load}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--events", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--record", action="store_true", help="escribe bench/RESULTS.md")
    args = parser.parse_args()
    postgres = connection.vendor == "postgresql"
    cases = args.cases or (20_000 if postgres else 500)
    events = args.events or (2_000_000 if postgres else 5_000)
    prepare(cases, events)

    analyst = (
        Membership.objects.filter(role=Role.ANALYST, institution__slug="sintetica-defensoria")
        .select_related("user")
        .get()
        .user
    )
    client = Client()
    client.force_login(analyst)
    per_case = (
        Event.objects.filter(case__isnull=False)
        .values("case_id")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    big_id = per_case[0]["case_id"]
    big = Case.objects.get(pk=big_id)
    typical_n = per_case[per_case.count() // 2]["n"]
    typical = Case.objects.get(pk=per_case.filter(n=typical_n).first()["case_id"])  # type: ignore[index]
    department = (
        Ubigeo.objects.filter(level="department").order_by("code").values_list("code", flat=True)
    )[14]  # Lima
    typology = Case.objects.values_list("typology__code", flat=True).first() or ""
    today = timezone.localdate()
    month_end = end_of_month(today.year - 1, today.month)
    print(f"{Case.objects.count():,} casos, {Event.objects.count():,} eventos; {machine()}")
    print(
        f"{'':<44} {'p50':>8} {'p95':>8} {'SQL p50':>8} {'SQL p95':>8} {'p95/SQL':>7} {'cons':>4}"
    )
    health = measure("piso: GET /health/", get(client, "/health/"), args.repeat)
    results = [health]
    list_cases: list[tuple[str, dict[str, str]]] = [
        ("lista de casos", {}),
        ("lista: estado activo", {"state": "active"}),
        ("lista: fase crisis", {"state": "active", "phase": "crisis"}),
        ("lista: tipología", {"typology": typology}),
        ("lista: departamento (Lima)", {"department": department}),
        ("lista: institución", {"institution": "sintetica-dialogo"}),
        ("lista: inicio 2020", {"start_from": "2020-01-01", "start_to": "2020-12-31"}),
        ("lista: último evento este año", {"last_event_from": f"{today.year}-01-01"}),
        ("lista: buscar «mineria»", {"q": "mineria"}),
        ("lista: buscar «chillon» (río, en textos)", {"q": "chillon"}),
        ("lista: buscar un lugar «huaraz»", {"q": "huaraz"}),
        ("lista: buscar un código", {"q": big.code or ""}),
        ("lista: orden por nombre", {"sort": "name"}),
        ("lista: orden por estado", {"sort": "state"}),
        ("lista: página 400 (profunda)", {"page": "400"}),
    ]
    for label, params in list_cases:
        results.append(measure(label, get(client, "/casos/", params), args.repeat))
    results.append(measure("panel (dashboard)", get(client, "/"), args.repeat))
    # The pickers' sources (core.widgets.CodePickerInput): cases and places by name or code.
    newest = list(
        Case.objects.exclude(code=None).order_by("-code").values_list("code", flat=True)[:20]
    )
    for label, path, params in (
        ("selector de casos: «mine»", "/casos/buscar/", {"q": "mine"}),
        ("selector de casos: un código", "/casos/buscar/", {"q": big.code or ""}),
        ("selector de casos: 20 códigos", "/casos/buscar/", {"codes": ",".join(newest)}),
        ("selector de lugares: «santo»", "/territorio/buscar/", {"q": "santo"}),
    ):
        results.append(measure(label, get(client, path, params), args.repeat))
    list_events: list[tuple[str, dict[str, str]]] = [
        ("eventos: lista", {}),
        ("eventos: sin caso", {"with_case": "no"}),
        ("eventos: tipo disturbios", {"event_type": "Riots"}),
        ("eventos: forma bloqueo de vías", {"protest_form": "road_blockade"}),
        ("eventos: departamento (Lima)", {"department": department}),
        ("eventos: institución", {"institution": "sintetica-dialogo"}),
        (
            "eventos: un mes",
            {"date_from": f"{today.year - 1}-03-01", "date_to": f"{today.year - 1}-03-31"},
        ),
        ("eventos: página 400 (profunda)", {"page": "400"}),
    ]
    for label, params in list_events:
        results.append(measure(label, get(client, "/eventos/", params), args.repeat))
    for label, params in (
        ("API /events", {}),
        ("API /events?with_case=false", {"with_case": "false"}),
        ("API /events?offset=10000 (profunda)", {"offset": "10000"}),
    ):
        results.append(measure(label, get(client, "/api/v1/events", params), args.repeat))
    results.append(
        measure(
            f"página de caso típica ({typical_n} eventos)",
            get(client, f"/casos/{typical.uuid}/"),
            args.repeat,
        )
    )
    results.append(
        measure(
            f"página de caso con {per_case[0]['n']:,} eventos",
            get(client, f"/casos/{big.uuid}/"),
            args.repeat,
        )
    )
    results.append(
        measure(
            "API /cases?state=active",
            get(client, "/api/v1/cases", {"state": "active"}),
            args.repeat,
        )
    )
    results.append(
        measure(
            "API /cases?q=mineria",
            get(client, "/api/v1/cases", {"q": "mineria"}),
            args.repeat,
        )
    )
    results.append(
        measure(
            "API /cases?offset=10000 (profunda)",
            get(client, "/api/v1/cases", {"offset": "10000"}),
            args.repeat,
        )
    )
    results.append(
        measure(
            f"API eventos del caso de {per_case[0]['n']:,}",
            get(client, f"/api/v1/cases/{big.uuid}/events"),
            args.repeat,
        )
    )
    as_of_repeat = max(3, args.repeat // 4)
    results.append(
        measure(
            f"cases_as_of({month_end:%Y-%m-%d}) objetos",
            lambda: cases_as_of(month_end),
            as_of_repeat,
            TARGET_AS_OF_MS,
        )
    )
    results.append(
        measure(
            f"case_rows_as_of({month_end:%Y-%m-%d}) columnas",
            lambda: case_rows_as_of(month_end),
            as_of_repeat,
            TARGET_AS_OF_MS,
        )
    )
    rebuilt = case_rows_as_of(month_end)
    assert len(rebuilt) == len({row["id"] for row in rebuilt}), "a case rebuilt twice"
    print(f"{len(rebuilt):,} casos reconstruidos al {month_end:%Y-%m-%d}, cada uno una vez.")
    if args.record:
        record(results, cases, events)


def record(results: list[Result], cases: int, events: int) -> None:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    ).stdout.strip()
    today = dt.datetime.now(dt.UTC)
    lines = [
        f"## {today:%Y-%m-%d} · commit {commit} · {cases:,} casos, {events:,} eventos",
        "",
        f"Máquina: {machine()}.",
        "",
        "| página / operación | p50 ms | p95 ms | SQL p50 | SQL p95 | p95/SQL | consultas | |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    lines.extend(
        f"| {r.label} | {r.p50:.1f} | {r.p95:.1f} | {r.sql_p50:.1f} | {r.sql_p95:.1f} "
        f"| {r.ratio:.1f}× | {r.queries} | {r.verdict} |"
        for r in results
    )
    path = ROOT / "bench" / "RESULTS-latest.md"  # kept out of git: see .gitignore
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"Tabla escrita en {path.relative_to(ROOT)} (cópiela en bench/RESULTS.md).")


if __name__ == "__main__":
    main()

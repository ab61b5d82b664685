"""P2: the monthly report's counters (``compute_month``) against DuckDB computing the same
counters from the same rows, exported once to Parquet, in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/willaq_bench \
        .venv/bin/python bench/p2_monthly.py
    .venv/bin/python bench/p2_monthly.py --month 2026-10 --repeat 5 --record

On the database of ``DATABASE_URL`` (PostgreSQL: the export uses COPY), already holding a
registry (``manage.py generate_registry``, see bench/RESULTS.md):

1. exports the rows the report reads (case, place and classification history, transitions,
   events, victims, categories, territory, institutions) with ``COPY … TO STDOUT`` and turns
   each into a Parquet file with DuckDB (not timed);
2. times ``compute_month(year, month)`` for the whole registry, counters only
   (``fiches=False``: what DuckDB computes), and separately with the fiches;
3. times DuckDB computing the same counters from the Parquet files (the same month-end window
   over each history, the same month's events), in memory, in the same process;
4. checks that both give the same numbers, and prints the ratio (target: ≤ 3× DuckDB's time).

``--record`` writes the result to bench/RESULTS-p2-latest.md (to copy into RESULTS.md).
"""

# The DuckDB SQL is built from this file's constants and the Parquet paths it writes, no input.
# ruff: noqa: S608

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import duckdb  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import django_env  # noqa: E402, F401  (sets Django up)
from willaq.cases.choices import PROTEST_EVENT_TYPES, REGISTERED_STATES  # noqa: E402
from willaq.cases.history import end_of_month  # noqa: E402
from willaq.cases.models import Case, Event  # noqa: E402
from willaq.reports.figures import MonthlyFigures  # noqa: E402
from willaq.reports.monthly import TRANSITION_COUNTERS, compute_month, start_of_month  # noqa: E402

TARGET_RATIO = 3.0

# What is exported: (file, SQL). Moments as epoch seconds, flags as 0/1 (plain CSV columns).
EXPORTS = {
    "case_hist": """SELECT id, history_id, extract(epoch FROM history_date) AS history_date,
        history_type, state, phase, scope, typology_id, subtype_id, dialogue_mechanism,
        institution_role FROM cases_historicalcase""",
    "place_hist": """SELECT id, history_id, extract(epoch FROM history_date) AS history_date,
        history_type, case_id, is_principal::int AS is_principal, grouping_id, ubigeo_id
        FROM cases_historicalcaseplace""",
    "class_hist": """SELECT id, history_id, extract(epoch FROM history_date) AS history_date,
        history_type, case_id, institution_id, classification
        FROM cases_historicalcaseclassification""",
    "transition": """SELECT case_id, kind, extract(epoch FROM occurred_at) AS occurred_at
        FROM cases_casetransition""",
    "event": """SELECT id, case_id, event_type, protest_form, event_date,
        (removed_at IS NOT NULL)::int AS removed, ubigeo_id FROM cases_event""",
    "victim": """SELECT event_id, outcome, "group", (removed_at IS NOT NULL)::int AS removed
        FROM cases_victim""",
    "category": "SELECT id, code, maps_to_id FROM cases_category",
    "ubigeo": "SELECT id, code, department_code FROM territory_ubigeo",
    "grouping": "SELECT id, code FROM territory_grouping",
    "institution": "SELECT id, kind FROM accounts_institution",
}


def export(folder: Path) -> float:
    """Every table the counters read, COPYed out of PostgreSQL and written as Parquet."""
    start = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for name, sql in EXPORTS.items():
            path = folder / f"{name}.csv"
            copying = raw.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)")  # type: ignore[attr-defined]
            with copying as copy, path.open("wb") as out:
                for chunk in copy:
                    out.write(chunk)
            with path.open(encoding="utf-8") as header_line:
                columns = header_line.readline().strip().split(",")
            # Ids as integers even when a column is empty throughout (no mapped category yet).
            select = ", ".join(
                f'CAST("{col}" AS BIGINT) AS "{col}"'
                if col == "id" or col.endswith("_id")
                else f'"{col}"'
                for col in columns
            )
            duckdb.sql(
                f"COPY (SELECT {select} FROM read_csv('{path}', header=true, sample_size=-1)) "
                f"TO '{folder / name}.parquet' (FORMAT parquet)"
            )
            path.unlink()
    return time.perf_counter() - start


def duck_counters(folder: Path, year: int, month: int) -> dict[str, Any]:
    """The report's counters computed by DuckDB alone from the Parquet files."""
    db = duckdb.connect()
    end = end_of_month(year, month).timestamp()
    first_day = start_of_month(year, month)
    start = first_day.timestamp()
    day0, day1 = first_day.date().isoformat(), end_of_month(year, month).date().isoformat()
    p = {name: f"read_parquet('{folder / name}.parquet')" for name in EXPORTS}
    registered = ", ".join(f"'{s.value}'" for s in REGISTERED_STATES)
    protests = ", ".join(f"'{t.value}'" for t in PROTEST_EVENT_TYPES)

    def latest(table: str, where: str = "TRUE") -> str:
        return f"""SELECT * EXCLUDE (rn) FROM (
            SELECT *, row_number() OVER (PARTITION BY id ORDER BY history_date DESC,
                history_id DESC) AS rn
            FROM {p[table]} WHERE history_date <= {end} AND {where}) WHERE rn = 1
            AND history_type <> '-'"""

    db.execute(f"CREATE TEMP TABLE c AS {latest('case_hist')} AND state IN ({registered})")
    db.execute(f"""CREATE TEMP TABLE r AS SELECT c.*,
        CASE WHEN scope IN ('regional', 'multiregional') THEN 'multiregional'
             WHEN scope = 'national' THEN 'national'
             WHEN pl.case_id IS NULL THEN 'no_place'
             WHEN g.code IS NOT NULL THEN 'grouping' ELSE 'department' END AS dkind,
        CASE WHEN scope IN ('regional', 'multiregional') THEN 'multiregional'
             WHEN scope = 'national' THEN 'national'
             WHEN pl.case_id IS NULL THEN 'no_place'
             WHEN g.code IS NOT NULL THEN g.code ELSE u.department_code END AS dcode,
        coalesce(t.maps_to_id, t.id) AS typ, coalesce(s.maps_to_id, s.id) AS sub
        FROM c
        LEFT JOIN ({latest("place_hist")} AND is_principal = 1) pl ON pl.case_id = c.id
        LEFT JOIN {p["ubigeo"]} u ON u.id = pl.ubigeo_id
        LEFT JOIN {p["grouping"]} g ON g.id = pl.grouping_id
        LEFT JOIN {p["category"]} t ON t.id = c.typology_id
        LEFT JOIN {p["category"]} s ON s.id = c.subtype_id
        WHERE c.state IN ('active', 'latent')""")
    out: dict[str, Any] = {}

    def rows(sql: str) -> list[tuple[Any, ...]]:
        return db.execute(sql).fetchall()

    sc = "count(*), count(*) FILTER (state = 'active'), count(*) FILTER (state = 'latent')"
    total, active, latent = rows(f"SELECT {sc} FROM r")[0]
    out |= {"total": total, "active": active, "latent": latent}
    out["pre_conflict"] = rows("SELECT count(*) FROM c WHERE state = 'pre_conflict'")[0][0]
    for key, kinds in TRANSITION_COUNTERS.items():
        listed = ", ".join(f"'{k}'" for k in kinds)
        out[key] = rows(f"""SELECT count(DISTINCT case_id) FROM {p["transition"]}
            WHERE occurred_at >= {start} AND occurred_at <= {end} AND kind IN ({listed})
            AND case_id IN (SELECT id FROM c)""")[0][0]
    out["by_department"] = {
        (k, code): (t, a, la)
        for k, code, t, a, la in rows(f"SELECT dkind, dcode, {sc} FROM r GROUP BY 1, 2")
    }
    out["by_typology"] = {
        code: (t, a, la)
        for code, t, a, la in rows(f"""SELECT coalesce(cat.code, ''), {sc} FROM r
            LEFT JOIN {p["category"]} cat ON cat.id = r.typ GROUP BY 1""")
    }
    out["subtypes"] = {
        code: (t, a, la)
        for code, t, a, la in rows(f"""SELECT coalesce(sc.code, ''), {sc} FROM r
            JOIN {p["category"]} tc ON tc.id = r.typ AND tc.code = 'socioambiental'
            LEFT JOIN {p["category"]} sc ON sc.id = r.sub GROUP BY 1""")
    }
    out["by_phase"] = dict(rows("SELECT phase, count(*) FROM r WHERE state = 'active' GROUP BY 1"))
    dialogue = "FROM r WHERE state = 'active' AND phase = 'dialogue'"
    out["dialogue"] = rows(f"SELECT count(*) {dialogue}")[0][0]
    out["mechanism"] = dict(rows(f"SELECT dialogue_mechanism, count(*) {dialogue} GROUP BY 1"))
    out["role"] = dict(rows(f"SELECT institution_role, count(*) {dialogue} GROUP BY 1"))
    db.execute(f"""CREATE TEMP TABLE e AS SELECT e.*, u.department_code FROM {p["event"]} e
        JOIN {p["ubigeo"]} u ON u.id = e.ubigeo_id
        WHERE removed = 0 AND event_date BETWEEN DATE '{day0}' AND DATE '{day1}'
        AND (case_id IS NULL OR case_id IN (SELECT id FROM c))""")
    pe = f"FROM e WHERE event_type IN ({protests})"
    out["protests"], out["caseless"] = rows(
        f"SELECT count(*), count(*) FILTER (case_id IS NULL) {pe}"
    )[0]
    out["by_form"] = dict(rows(f"SELECT coalesce(protest_form, ''), count(*) {pe} GROUP BY 1"))
    out["protest_departments"] = dict(rows(f"SELECT department_code, count(*) {pe} GROUP BY 1"))
    out["victims"] = {
        (o, g): n
        for o, g, n in rows(f"""SELECT outcome, "group", count(*) FROM {p["victim"]} v
            JOIN e ON e.id = v.event_id WHERE v.removed = 0 GROUP BY 1, 2""")
    }
    office = rows(f"SELECT min(id) FROM {p['institution']} WHERE kind = 'dialogue_office'")[0][0]
    cls = f"({latest('class_hist', f'institution_id = {office or 0}')})"
    out["crosswalk"] = {
        (s, k): n
        for s, k, n in rows(f"""SELECT r.state, coalesce(k.classification, ''), count(*) FROM r
            LEFT JOIN {cls} k ON k.case_id = r.id GROUP BY 1, 2""")
    }
    db.close()
    return out


def ours(f: MonthlyFigures) -> dict[str, Any]:
    """``compute_month``'s figures in the shape of ``duck_counters`` (zero rows left out)."""

    def nonzero(pairs: dict[Any, Any]) -> dict[Any, Any]:
        return {k: v for k, v in pairs.items() if v}

    socio = [t for t in f["by_typology"] if t["code"] == "socioambiental"]
    out: dict[str, Any] = {key: f[key] for key in ("total", "active", "latent", "pre_conflict")}  # type: ignore[literal-required]
    out |= {key: f[key] for key in TRANSITION_COUNTERS}  # type: ignore[literal-required]
    out["by_department"] = {
        (r["kind"], r["code"]): (r["total"], r["active"], r["latent"]) for r in f["by_department"]
    }
    out["by_typology"] = {
        r["code"]: (r["total"], r["active"], r["latent"]) for r in f["by_typology"]
    }
    out["subtypes"] = {
        s["code"]: (s["total"], s["active"], s["latent"])
        for s in (socio[0]["subtypes"] if socio else [])
    }
    out["by_phase"] = nonzero({r["code"]: r["count"] for r in f["by_phase"]})
    out["dialogue"] = f["in_dialogue"]["total"]
    out["mechanism"] = nonzero({r["code"]: r["count"] for r in f["in_dialogue"]["by_mechanism"]})
    out["role"] = nonzero({r["code"]: r["count"] for r in f["in_dialogue"]["by_role"]})
    pa = f["protest_actions"]
    out["protests"], out["caseless"] = pa["total"], pa["caseless"]
    out["by_form"] = nonzero({r["code"]: r["count"] for r in pa["by_form"]})
    out["protest_departments"] = {r["code"]: r["count"] for r in pa["by_department"]}
    groups = {
        "civilians": "civilian",
        "police": "police",
        "military": "military",
        "unknown": "unknown",
    }
    out["victims"] = nonzero(
        {
            (outcome, groups[key]): figures[key]  # type: ignore[literal-required]
            for outcome, figures in (("dead", f["deaths"]), ("injured", f["injured"]))
            for key in groups
        }
    )
    out["crosswalk"] = nonzero(
        {(r["state"], r["classification"]): r["count"] for r in f["pcm"]["crosswalk"]}
    )
    return out


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    result = fn()  # warm up
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def machine() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPU, CPython {platform.python_version()}, PostgreSQL {pg}, "
        f"DuckDB {duckdb.__version__}; carga media {load}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--month", help="AAAA-MM (por defecto: el mes anterior al actual)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--record", action="store_true", help="escribe bench/RESULTS-p2-latest.md")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("P2 necesita PostgreSQL (DATABASE_URL=postgres://…): exporta con COPY.")
    if not Case.objects.exists():
        sys.exit("La base no tiene casos: genere un registro (manage.py generate_registry).")
    if args.month:
        year, month = (int(x) for x in args.month.split("-"))
    else:
        today = timezone.localdate()
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    cases, events = Case.objects.count(), Event.all_objects.count()
    print(f"P2 · reporte mensual {year:04d}-{month:02d} · {cases:,} casos, {events:,} eventos")
    with tempfile.TemporaryDirectory(prefix="willaq-p2-") as tmp:
        folder = Path(tmp)
        exported = export(folder)
        print(f"exportación a Parquet (no cronometrada): {exported:.1f} s")
        with CaptureQueriesContext(connection) as ctx:
            compute_month(year, month, fiches=False)
        queries = len(ctx.captured_queries)
        ours_s, figures = timed(lambda: compute_month(year, month, fiches=False), args.repeat)
        fiches_s, with_fiches = timed(lambda: compute_month(year, month), args.repeat)
        duck_s, duck = timed(lambda: duck_counters(folder, year, month), args.repeat)
    mine = ours(figures)
    differences = [k for k in duck if duck[k] != mine.get(k)]
    ratio = ours_s / duck_s if duck_s else float("inf")
    verdict = "ok" if ratio <= TARGET_RATIO and not differences else "NO"
    lines = [
        f"compute_month (contadores, sin fichas): {ours_s * 1000:.0f} ms, {queries} consultas",
        f"compute_month con fichas ({len(with_fiches['fiches']):,} fichas): "
        f"{fiches_s * 1000:.0f} ms",
        f"DuckDB (mismos contadores, Parquet): {duck_s * 1000:.0f} ms",
        f"razón compute_month / DuckDB: {ratio:.2f}× (objetivo ≤ {TARGET_RATIO:.0f}×) · {verdict}",
        "mismas cifras: sí"
        if not differences
        else "mismas cifras: NO, difieren " + ", ".join(differences),
        f"cifras: {mine['total']:,} registrados ({mine['active']:,} activos, "
        f"{mine['latent']:,} latentes), {mine['new']} nuevos, {mine['resolved']} resueltos, "
        f"{mine['protests']:,} acciones de protesta",
    ]
    for line in lines:
        print(line)
    for key in differences:
        print(f"  {key}: Willaq {mine.get(key)!r} · DuckDB {duck[key]!r}")
    if args.record:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout.strip()
        text = (
            f"## P2 {timezone.localdate()} · commit {commit} · {cases:,} casos, "
            f"{events:,} eventos · mes {year:04d}-{month:02d}\n\n{machine()}\n\n"
            + "\n".join(f"- {line}" for line in lines)
            + "\n"
        )
        (ROOT / "bench" / "RESULTS-p2-latest.md").write_text(text, encoding="utf-8")
    if differences:
        sys.exit(1)


if __name__ == "__main__":
    main()

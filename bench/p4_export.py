"""P4: the streamed open-data export of events (CSV) against PostgreSQL's own COPY of the same
columns, in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/willaq_bench .venv/bin/python bench/p4_export.py
    .venv/bin/python bench/p4_export.py --rows 1000000 --record

1. The export: a fresh process (so its peak resident memory is the export's) asks the real
   view, ``GET /datos/eventos.csv`` (the public export: events of registered cases and events
   without a case, by date), through Django's test client, and reads its streamed body until
   ``--rows`` rows have come, then closes it. It reports the time, the bytes and its peak RSS
   (``resource.getrusage``: ``ru_maxrss``).
2. The floor: ``COPY (SELECT … the same columns, the same rows, the same order, LIMIT n) TO
   STDOUT WITH CSV HEADER`` — the event joined to its case, its place (district, province,
   department names) and its institution, the ACLED columns computed in SQL — read whole and
   thrown away (what PostgreSQL alone can do: no Python, no access rule).

It prints rows per second of each, the ratio (target: the export at least 0.3× COPY's rate)
and the export's peak RSS (target: at most 150 MB). Needs PostgreSQL (COPY) and a registry
(``manage.py generate_registry``; ``bench/run.py`` makes the regional one). ``--record``
writes the result to bench/RESULTS-p4-latest.md (to copy into RESULTS.md).
"""

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import django_env  # noqa: E402, F401  (sets Django up)
from willaq.cases.choices import REGISTERED_STATES  # noqa: E402
from willaq.cases.models import Event  # noqa: E402

TARGET_RATIO = 0.3
TARGET_RSS_MB = 150

# The public export's columns, computed by PostgreSQL (bench only: the app's one row rule is
# willaq.reports.opendata.event_rows).
COPY_SQL = """
COPY (
  SELECT 'PER-' || e.uuid::text, e.event_date, extract(year FROM e.event_date)::int,
    e.date_precision,
    CASE WHEN e.sub_event_type IN ('Excessive force against protesters', 'Mob violence')
           THEN 'Political violence; Demonstrations'
         WHEN e.event_type IN ('Protests', 'Riots') THEN 'Demonstrations'
         WHEN e.event_type = 'Strategic developments' THEN 'Strategic developments'
         ELSE 'Political violence' END,
    e.event_type, e.sub_event_type, e.actor1, e.assoc_actor_1, e.inter1, e.actor2,
    e.assoc_actor_2, e.inter2,
    CASE WHEN e.inter2 IS NULL THEN e.inter1 * 10
         ELSE least(e.inter1, e.inter2) * 10 + greatest(e.inter1, e.inter2) END,
    CASE WHEN e.event_type = 'Violence against civilians' THEN 'Civilian targeting' ELSE '' END,
    604, 'South America', 'Peru', d.name, p.name,
    CASE WHEN u.level = 'district' THEN u.name ELSE '' END,
    e.location, coalesce(e.latitude, u.latitude), coalesce(e.longitude, u.longitude),
    e.geo_precision, e.fatalities, e.injured, e.end_date, e.protest_form, u.code,
    c.uuid, c.code, i.slug
  FROM cases_event e
  LEFT JOIN cases_case c ON c.id = e.case_id
  JOIN territory_ubigeo u ON u.id = e.ubigeo_id
  LEFT JOIN territory_ubigeo d ON d.code = u.department_code
  LEFT JOIN territory_ubigeo p ON p.code = u.province_code
  JOIN accounts_institution i ON i.id = e.institution_id
  WHERE e.removed_at IS NULL AND (e.case_id IS NULL OR c.state IN ({states}))
  ORDER BY e.id
  LIMIT {limit}
) TO STDOUT WITH CSV HEADER
"""


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(rows: int) -> None:
    """Stream the real view and print what it took (run in a fresh process)."""
    client = Client()
    started = time.perf_counter()
    response = client.get("/datos/eventos.csv")
    if response.status_code != 200:
        sys.exit(f"la exportación respondió {response.status_code}")
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
        if lines > rows:
            break
    response.close()
    elapsed = time.perf_counter() - started
    print(json.dumps({"seconds": elapsed, "rows": lines - 1, "bytes": size, "rss": peak_mb()}))


def copy_floor(rows: int) -> tuple[float, int]:
    states = ", ".join(f"'{s}'" for s in REGISTERED_STATES)
    sql = COPY_SQL.format(states=states, limit=int(rows))
    size = 0
    started = time.perf_counter()
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for data in copy:
            size += len(data)
    return time.perf_counter() - started, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--record", action="store_true", help="escribe bench/RESULTS-p4-latest.md")
    args = parser.parse_args()
    if args.child:
        child(args.rows)
        return
    if connection.vendor != "postgresql":
        print("P4 se omite: compara con COPY de PostgreSQL (indique DATABASE_URL=postgres://…).")
        return
    available = Event.objects.count()
    rows = min(args.rows, available)
    if rows < args.rows:
        print(f"(el registro tiene {available:,} eventos: se exportan a lo sumo esos)")

    result = subprocess.run(  # noqa: S603 (this very script, with our own arguments)
        [sys.executable, __file__, "--child", "--rows", str(rows)],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ.copy(),
    )
    export = json.loads(result.stdout.strip().splitlines()[-1])
    rows = export["rows"]
    copy_s, copy_bytes = copy_floor(rows)

    export_rate = rows / export["seconds"]
    copy_rate = rows / copy_s
    ratio = export_rate / copy_rate
    verdict = "OK" if ratio >= TARGET_RATIO else "POR DEBAJO"
    rss_verdict = "OK" if export["rss"] <= TARGET_RSS_MB else "POR ENCIMA"
    lines = [
        f"P4 — exportar {rows:,} eventos en CSV (/datos/eventos.csv) frente a COPY TO",
        f"  exportación: {export['seconds']:6.1f} s  {export_rate:9,.0f} filas/s "
        f"({export['bytes'] / 1e6:,.0f} MB, vista real transmitida)",
        f"  COPY TO:     {copy_s:6.1f} s  {copy_rate:9,.0f} filas/s "
        f"({copy_bytes / 1e6:,.0f} MB, mismas columnas y orden)",
        f"  razón: {ratio:.2f}× COPY (meta ≥ {TARGET_RATIO}×) — {verdict}",
        f"  memoria: pico del proceso de la exportación {export['rss']:,.0f} MB "
        f"(meta ≤ {TARGET_RSS_MB} MB) — {rss_verdict}",
    ]
    print("\n".join(lines))
    if args.record:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 (git from PATH, as bench/run.py)
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        ).stdout.strip()
        load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
        path = ROOT / "bench" / "RESULTS-p4-latest.md"
        path.write_text(
            f"## P4 · {timezone.localdate()} · commit {commit}\n\n"
            f"Máquina: {os.cpu_count()} CPU, CPython {platform.python_version()}; "
            f"carga media {load}; {available:,} eventos en el registro.\n\n```\n"
            + "\n".join(lines)
            + "\n```\n",
            encoding="utf-8",
        )
        print(f"Resultado escrito en {path.relative_to(ROOT)} (cópielo en bench/RESULTS.md).")


if __name__ == "__main__":
    main()

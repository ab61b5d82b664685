"""P3: importing events from a CSV against PostgreSQL's own COPY of the same rows, in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/willaq_bench .venv/bin/python bench/p3_import.py
    .venv/bin/python bench/p3_import.py --events 500000 --record

Writes a CSV of ``--events`` invented events as an office would send them (Spanish labels,
department / province / district names, dates as dd/mm/yyyy, a point near the district, an id),
then, each inside a transaction that is rolled back:

1. the import, ``willaq.imports.services.import_events`` end to end (reading, recognising,
   validating every row, writing the events and their history rows);
2. the floor: ``COPY cases_event FROM STDIN`` of the very same events, already in the table's
   own format (what PostgreSQL alone can do: no reading, no checks, no history).

It prints rows per second of each, the ratio (target: the import at least 0.25× COPY's rate) and
the import's peak memory (the process's maximum resident set, and its growth during the import).
Needs PostgreSQL (COPY); ``--record`` writes the result to bench/RESULTS-p3-latest.md (to copy
into RESULTS.md).
"""

import argparse
import csv
import datetime as dt
import io
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# 500,000 events are a ~90 MB CSV, above the default upload limit (50 MB): the benchmark measures
# the engine, so the limit is raised here.
os.environ.setdefault("WILLAQ_IMPORT_MAX_BYTES", str(1024**3))

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import django_env  # noqa: E402, F401  (sets Django up)
from willaq.accounts.models import Institution, InstitutionKind, Membership, Role, User  # noqa: E402
from willaq.cases.choices import ProtestForm, SubEventType  # noqa: E402
from willaq.cases.models import Event  # noqa: E402
from willaq.imports.services import ImportOptions, import_events  # noqa: E402
from willaq.territory.models import Level, Ubigeo  # noqa: E402

TARGET_RATIO = 0.25
HEADER = [
    "ID",
    "Fecha",
    "Tipo de evento",
    "Subtipo",
    "Forma de protesta",
    "Actor 1",
    "Tipo de actor 1",
    "Actor 2",
    "Departamento",
    "Provincia",
    "Distrito",
    "Localidad",
    "Latitud",
    "Longitud",
    "Fuentes",
    "Notas",
]
SUBTYPES = [
    ("Protestas", SubEventType.PEACEFUL_PROTEST),
    ("Protestas", SubEventType.PROTEST_WITH_INTERVENTION),
    ("Disturbios", SubEventType.VIOLENT_DEMONSTRATION),
    ("Hechos estratégicos", SubEventType.AGREEMENT),
    ("Hechos estratégicos", SubEventType.ARRESTS),
]
FORMS = [ProtestForm.MARCH, ProtestForm.STRIKE, ProtestForm.ROAD_BLOCKADE, ProtestForm.RALLY]
ACTORS = ["Frente de defensa", "Comuneros", "Rondas campesinas", "Gremio de transportistas"]


def setup() -> tuple[Institution, User]:
    call_command("migrate", verbosity=0)
    if not Ubigeo.objects.exists():
        call_command("load_territory", verbosity=0)
    call_command("load_categories", verbosity=0)
    call_command("load_synonyms", verbosity=0)
    institution, _created = Institution.objects.get_or_create(
        slug="bench-p3", defaults={"name": "Banco P3", "kind": InstitutionKind.OTHER}
    )
    user = User.objects.filter(email="p3@bench.invalid").first()
    if user is None:
        user = User.objects.create_user("p3@bench.invalid", full_name="P3")
    Membership.objects.get_or_create(user=user, institution=institution, role=Role.COORDINATOR)
    return institution, user


def districts() -> list[tuple[Ubigeo, str, str]]:
    """Every district with its province's and department's names (unique names only, so no
    row is ambiguous)."""
    units = {u.code: u for u in Ubigeo.objects.all()}
    result = []
    for unit in units.values():
        if unit.level != Level.DISTRICT or unit.latitude is None:
            continue
        result.append((unit, units[unit.province_code].name, units[unit.department_code].name))
    return result


def write_csv(path: Path, count: int, places: list[tuple[Ubigeo, str, str]]) -> None:
    rng = random.Random(3)
    start = dt.date(2010, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        for n in range(count):
            unit, province, department = rng.choice(places)
            kind, sub = rng.choice(SUBTYPES)
            form = rng.choice(FORMS).label if kind == "Protestas" else ""
            day = start + dt.timedelta(days=rng.randrange(5000))
            writer.writerow(
                [
                    f"P3-{n}",
                    day.strftime("%d/%m/%Y"),
                    kind,
                    str(sub.label),
                    str(form),
                    rng.choice(ACTORS),
                    "Manifestantes",
                    "Policía Nacional" if rng.random() < 0.3 else "",
                    department,
                    province,
                    unit.name,
                    f"Centro poblado {rng.randrange(300)}",
                    f"{(unit.latitude or 0.0) + rng.uniform(-0.05, 0.05):.5f}",
                    f"{(unit.longitude or 0.0) + rng.uniform(-0.05, 0.05):.5f}",
                    "Radio local",
                    f"Nota {n}",
                ]
            )


def copy_rows(count: int, places: list[tuple[Ubigeo, str, str]], institution: int) -> io.BytesIO:
    """The same events in COPY's text format, every column of cases_event."""
    rng = random.Random(3)
    start = dt.date(2010, 1, 1)
    now = timezone.now().isoformat()
    buffer = io.StringIO()
    for n in range(count):
        unit, _province, _department = rng.choice(places)
        kind, sub = rng.choice(SUBTYPES)
        form = rng.choice(FORMS).value if kind == "Protestas" else ""
        day = start + dt.timedelta(days=rng.randrange(5000))
        actor = rng.choice(ACTORS)
        actor2 = "Policía Nacional" if rng.random() < 0.3 else ""
        location = f"Centro poblado {rng.randrange(300)}"
        lat = f"{(unit.latitude or 0.0) + rng.uniform(-0.05, 0.05):.5f}"
        lon = f"{(unit.longitude or 0.0) + rng.uniform(-0.05, 0.05):.5f}"
        event_type = {"Protestas": "Protests", "Disturbios": "Riots"}.get(
            kind, "Strategic developments"
        )
        values = [
            now, now, "\\N", "\\N", "", str(uuid.uuid4()), "\\N", str(institution),
            day.isoformat(), "\\N", "1", event_type, str(sub.value), form, actor, "", "6",
            actor2, "", "\\N", str(unit.pk), location, lat, lon, "1", "Radio local", "", "",
            f"Nota {n}", "0", "0", "\\N", "f", "",
        ]  # fmt: skip
        buffer.write("\t".join(values) + "\n")
    return io.BytesIO(buffer.getvalue().encode())


def peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=500_000)
    parser.add_argument("--record", action="store_true", help="escribe bench/RESULTS-p3-latest.md")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("P3 se omite: compara con COPY de PostgreSQL (indique DATABASE_URL=postgres://…).")
        return
    institution, user = setup()
    places = districts()
    workdir = Path(tempfile.mkdtemp(prefix="willaq-p3-"))
    path = workdir / "eventos.csv"
    write_csv(path, args.events, places)
    size_mb = path.stat().st_size / 1e6

    before_kb = peak_kb()
    with transaction.atomic():
        started = time.perf_counter()
        report = import_events(path, ImportOptions(institution=institution, user=user))
        import_s = time.perf_counter() - started
        written = Event.objects.filter(institution=institution).count()
        transaction.set_rollback(True)
    after_kb = peak_kb()
    if report.created != args.events or written != args.events:
        sys.exit(f"la importación creó {report.created} de {args.events}: {report.problems[:3]}")

    data = copy_rows(args.events, places, institution.pk)
    columns = ", ".join(
        connection.ops.quote_name(str(f.column))
        for f in Event._meta.concrete_fields
        if f.attname != "id"
    )
    with transaction.atomic():
        started = time.perf_counter()
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY cases_event ({columns}) FROM STDIN") as copy,
        ):
            while chunk := data.read(1 << 20):
                copy.write(chunk)
        copy_s = time.perf_counter() - started
        transaction.set_rollback(True)

    import_rate = args.events / import_s
    copy_rate = args.events / copy_s
    ratio = import_rate / copy_rate
    verdict = "OK" if ratio >= TARGET_RATIO else "POR DEBAJO"
    lines = [
        f"P3 — importar {args.events:,} eventos de un CSV ({size_mb:.0f} MB) frente a COPY",
        f"  importación: {import_s:6.1f} s  {import_rate:9,.0f} filas/s "
        f"(eventos + su historial, validados)",
        f"  COPY:        {copy_s:6.1f} s  {copy_rate:9,.0f} filas/s (solo la tabla de eventos)",
        f"  razón: {ratio:.2f}× COPY (meta ≥ {TARGET_RATIO}×) — {verdict}",
        f"  memoria: pico del proceso {after_kb / 1024:,.0f} MB "
        f"(creció {max(after_kb - before_kb, 0) / 1024:,.0f} MB durante la importación)",
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
        path = ROOT / "bench" / "RESULTS-p3-latest.md"  # kept out of git: see .gitignore
        path.write_text(
            f"## P3 · {timezone.localdate()} · commit {commit}\n\n"
            f"Máquina: {os.cpu_count()} CPU, CPython {platform.python_version()}; "
            f"carga media {load}.\n\n```\n" + "\n".join(lines) + "\n```\n",
            encoding="utf-8",
        )
        print(f"Resultado escrito en {path.relative_to(ROOT)} (cópielo en bench/RESULTS.md).")


if __name__ == "__main__":
    main()

"""import_events: ACLED-style rows in Spanish or English, the event rules applied in memory, the
rows and their history written in batches, idempotent by id or by content."""

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from willaq.accounts.models import User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.cases.choices import DatePrecision, EventType, GeoPrecision, ProtestForm, SubEventType
from willaq.cases.models import Case, Event
from willaq.imports.models import ImportRun

HEADER = [
    "ID",
    "Fecha",
    "Fecha de fin",
    "Tipo de evento",
    "Subtipo",
    "Forma de protesta",
    "Actor 1",
    "Actor 2",
    "Departamento",
    "Provincia",
    "Distrito",
    "Localidad",
    "Lat",
    "Lon",
    "Fuentes",
    "Notas",
    "Caso",
    "Muertos",
    "Heridos",
]

# (values, expected outcome)
ROWS: list[tuple[list[str], str]] = [
    (
        [
            "E1",
            "12/03/2023",
            "",
            "Protestas",
            "Protesta pacífica",
            "Paro",
            "Frente de defensa",
            "",
            "Puno",
            "Puno",
            "Puno",
            "Plaza de Armas",
            "",
            "",
            "Radio local",
            "",
            "DP-100",
            "0",
            "0",
        ],
        "created",
    ),
    (
        [
            "E2",
            "2023-03-13",
            "2023-03-15",
            "",
            "Protest with intervention",
            "Bloqueo de vías",
            "Comuneros",
            "Policía Nacional",
            "Cusco",
            "Espinar",
            "Coporaque",
            "Km 12",
            "-14.80",
            "-71.53",
            "",
            "Desbloqueo",
            "",
            "1",
            "2",
        ],
        "created",
    ),
    (
        [
            "E3",
            "mar-2023",
            "",
            "Riots",
            "Violent demonstration",
            "",
            "",
            "",
            "Lima Metropolitana",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        "created",
    ),
    (
        [
            "E4",
            "2023-04-01",
            "",
            "Hechos estratégicos",
            "Acuerdo",
            "Paro",
            "Mesa de diálogo",
            "",
            "Puno",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        "rejected",
    ),  # a form on an agreement
    (
        [
            "E5",
            "2099-01-01",
            "",
            "Protestas",
            "Protesta pacífica",
            "",
            "",
            "",
            "Puno",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        "rejected",
    ),  # future
    (
        [
            "E6",
            "2023-05-01",
            "",
            "Protestas",
            "Saqueo",
            "",
            "",
            "",
            "Puno",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        "rejected",
    ),  # looting is no protest
    (
        [
            "E7",
            "2023-05-02",
            "",
            "Protestas",
            "Protesta pacífica",
            "",
            "",
            "",
            "Narnia",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        "rejected",
    ),  # unknown place
    (
        [
            "E8",
            "2023-05-03",
            "",
            "Protestas",
            "Protesta pacífica",
            "",
            "",
            "",
            "Puno",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "XX-999",
            "",
            "",
        ],
        "rejected",
    ),  # unknown case
    (
        [
            "E1",
            "12/03/2023",
            "",
            "Protestas",
            "Protesta pacífica",
            "Paro",
            "Frente de defensa",
            "",
            "Puno",
            "Puno",
            "Puno",
            "Plaza de Armas",
            "",
            "",
            "Radio local",
            "",
            "DP-100",
            "0",
            "0",
        ],
        "rejected",
    ),  # repeated
    (
        [
            "E9",
            "2023",
            "",
            "Protestas",
            "Protesta pacífica",
            "",
            "",
            "",
            "Puno",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        "rejected",
    ),  # a year only
    (
        [
            "E10",
            "2023-06-01",
            "",
            "Protestas",
            "Protesta pacífica",
            "",
            "",
            "",
            "Puno",
            "Puno",
            "",
            "",
            "-5.2",
            "-80.6",
            "",
            "",
            "",
            "",
            "",
        ],
        "rejected",
    ),  # a point in Piura
    (
        ["TOTAL", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "10"],
        "rejected",
    ),
]


def events_csv(rows: list[tuple[list[str], str]] = ROWS, header: list[str] = HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Acciones colectivas de protesta — 2023"])
    writer.writerow(header)
    for values, _outcome in rows:
        writer.writerow(values[: len(header)])
    return buffer.getvalue().encode("cp1252")


@pytest.fixture
def case_dp100(coordinator: User, tmp_path: Path) -> Case:
    path = tmp_path / "caso.csv"
    path.write_text(
        "Código,Caso,Departamento,Tipo,Estado,Fecha de inicio\n"
        "DP-100,Transportistas de Puno,Puno,Laboral,Activo,2022\n",
        encoding="utf-8",
    )
    call_command("import_cases", str(path), "--institution", "defensoria", verbosity=0)
    return Case.objects.get()


def run(path: Path, tmp_path: Path, *extra: str) -> dict[str, Any]:
    report = tmp_path / "eventos.json"
    call_command(
        "import_events", str(path), "--institution", "defensoria", "--report", str(report), *extra
    )
    return json.loads(report.read_text(encoding="utf-8"))


@pytest.fixture
def events_file(tmp_path: Path) -> Path:
    path = tmp_path / "eventos.csv"
    path.write_bytes(events_csv())
    return path


def test_events_counts_and_values(events_file: Path, tmp_path: Path, case_dp100: Case) -> None:
    data = run(events_file, tmp_path)

    assert (data["rows"], data["created"], data["updated"], data["unchanged"]) == (12, 3, 0, 0)
    assert data["rejected"] == 9
    # The rows created are counted; the others are listed one by one, with their reason.
    listed = [(r["row"], r["outcome"]) for r in data["results"]]
    assert listed == [(n, o) for n, (_v, o) in enumerate(ROWS, start=3) if o != "created"]
    assert all(r["reason"] for r in data["results"])
    codes = {code: c["count"] for code, c in data["problem_counts"].items()}
    assert codes == {
        "not_imported": 3,  # the two victim columns, and the rows that carried figures
        "invalid": 3,  # form on an agreement, looting under protests, the far point
        "future_date": 1,
        "unknown_place": 1,
        "unknown_case": 1,
        "duplicate_row": 1,
        "bad_date": 1,
        "not_an_event": 1,
    }
    assert Event.objects.count() == 3
    first = Event.objects.get(location="Plaza de Armas")
    assert (first.event_type, first.sub_event_type, first.protest_form) == (
        EventType.PROTESTS,
        SubEventType.PEACEFUL_PROTEST,
        ProtestForm.STRIKE,
    )
    assert first.case == case_dp100
    assert first.ubigeo.code == "210101"
    assert first.geo_precision == GeoPrecision.NEAR  # the district's capital
    assert (first.fatalities, first.injured) == (0, 0)
    second = Event.objects.get(location="Km 12")
    assert second.case is None  # an event for a place without a case
    assert (second.end_date, second.latitude, second.geo_precision) == (
        dt.date(2023, 3, 15),
        -14.80,
        GeoPrecision.EXACT,
    )
    assert (second.inter1, second.actor2) == (6, "Policía Nacional")
    riot = Event.objects.get(event_type=EventType.RIOTS)
    assert (riot.actor1, riot.inter1) == ("Amotinados", 5)
    assert (riot.event_date, riot.date_precision) == (dt.date(2023, 3, 1), DatePrecision.MONTH)
    assert riot.ubigeo.code == "150100"  # Lima Metropolitana's anchor
    # History: one "+" row each, effective on the event's date, recorded now.
    history = Event.history.filter(id=first.pk).get()
    assert history.history_type == "+"
    assert timezone.localtime(history.history_date).date() == dt.date(2023, 3, 12)
    assert history.recorded_at.date() == timezone.now().date()
    assert Event.history.count() == 3
    assert ImportRun.objects.get(kind="events").created == 3
    assert AuditLog.objects.filter(event_type=AuditEvent.IMPORT_EVENTS).count() == 1


def test_events_reimport_changes_nothing(
    events_file: Path, tmp_path: Path, case_dp100: Case
) -> None:
    run(events_file, tmp_path)
    data = run(events_file, tmp_path)
    assert (data["created"], data["updated"], data["unchanged"], data["rejected"]) == (0, 0, 3, 9)
    assert Event.objects.count() == 3
    assert Event.history.count() == 3


def test_a_known_id_with_new_content_updates_the_event(
    events_file: Path, tmp_path: Path, case_dp100: Case
) -> None:
    run(events_file, tmp_path)
    changed = [(list(v), o) for v, o in ROWS[:1]]
    changed[0][0][15] = "Se levantó al mediodía"
    path = tmp_path / "corregido.csv"
    path.write_bytes(events_csv(changed))

    data = run(path, tmp_path)

    assert (data["rows"], data["updated"], data["created"]) == (1, 1, 0)
    event = Event.objects.get(location="Plaza de Armas")
    assert event.notes == "Se levantó al mediodía"
    assert Event.history.filter(id=event.pk).count() == 2
    assert AuditLog.objects.filter(event_type=AuditEvent.EVENT_CHANGED).count() == 1


def test_without_an_id_column_the_content_is_the_key(tmp_path: Path, case_dp100: Case) -> None:
    rows = [(v[1:], o) for v, o in ROWS[:3]] + [(ROWS[1][0][1:], "rejected")]
    path = tmp_path / "sin_id.csv"
    path.write_bytes(events_csv(rows, HEADER[1:]))

    first = run(path, tmp_path)
    again = run(path, tmp_path)

    assert (first["created"], first["rejected"]) == (3, 1)
    assert first["problems"][-1]["code"] == "duplicate_row" or any(
        p["code"] == "duplicate_row" for p in first["problems"]
    )
    assert (again["created"], again["unchanged"], again["rejected"]) == (0, 3, 1)
    assert Event.objects.count() == 3
    assert Event.objects.exclude(import_key="").count() == 3


def test_events_dry_run_writes_nothing(events_file: Path, tmp_path: Path, case_dp100: Case) -> None:
    dry = run(events_file, tmp_path, "--dry-run")
    assert (dry["created"], dry["rejected"]) == (3, 9)
    assert Event.objects.count() == 0
    assert Event.history.count() == 0
    assert ImportRun.objects.filter(kind="events").count() == 0


def test_events_progress_is_reported(events_file: Path, case_dp100: Case) -> None:
    from willaq.imports.services import ImportOptions, import_events

    calls: list[tuple[int, int]] = []
    import_events(
        events_file,
        ImportOptions(institution=case_dp100.institution, user=case_dp100.created_by),  # type: ignore[arg-type]
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[-1] == (12, 12)


def test_the_celery_task_imports_and_keeps_the_report(events_file: Path, case_dp100: Case) -> None:
    """The task the import page queues, run as the worker runs it (eagerly here)."""
    from django.core.files import File

    from willaq.imports.choices import JobStatus
    from willaq.imports.models import ImportJob
    from willaq.imports.tasks import run_import_job

    job = ImportJob(
        kind="events",
        institution=case_dp100.institution,
        user=case_dp100.created_by,
        file_name="eventos.csv",
        status=JobStatus.IMPORTING,
    )
    with events_file.open("rb") as handle:
        job.file.save("eventos.csv", File(handle), save=False)
    job.save()
    assert run_import_job.delay(job.pk).get() == JobStatus.DONE
    job.refresh_from_db()
    assert (job.result["rows"], job.result["created"], job.result["rejected"]) == (12, 3, 9)
    assert job.run is not None
    assert job.run.created == 3
    assert Event.objects.count() == 3


@pytest.mark.parametrize(
    ("cells", "code", "message"),
    [
        (
            {"Lat": "40.7", "Lon": "-74.0"},
            "invalid",
            "El punto indicado está fuera del territorio peruano.",
        ),
        (
            {"Lat": "-15.8", "Lon": ""},
            "invalid",
            "Indique latitud y longitud juntas, como números.",
        ),
        ({"Departamento": "", "Provincia": "", "Distrito": ""}, "missing_value", None),
        (
            {"Departamento": "Nacional"},
            "unknown_place",
            "Un evento ocurre en un lugar: indique el departamento, la provincia o el distrito.",
        ),
        (
            {"Subtipo": "Protesta pacifik"},
            "unknown_value",
            "Valor desconocido: «Protesta pacifik». ¿Quiso decir: Protesta pacífica, Protesta con "
            "intervención?",
        ),
        (
            {"Fecha de fin": "01/03/2023"},
            "bad_date",
            "La fecha de fin es anterior a la del evento.",
        ),
        (
            {
                "Tipo de evento": "Hechos estratégicos",
                "Subtipo": "Detenciones",
                "Forma de protesta": "",
            },
            "missing_value",
            "Indique el actor 1.",  # an arrest has no default actor
        ),
    ],
)
def test_bad_event_rows(
    tmp_path: Path, coordinator: User, cells: dict[str, str], code: str, message: str | None
) -> None:
    header = ["ID", "Fecha", "Fecha de fin", "Tipo de evento", "Subtipo", "Forma de protesta",
              "Departamento", "Provincia", "Distrito", "Lat", "Lon"]  # fmt: skip
    row = dict.fromkeys(header, "")
    row.update({"ID": "X1", "Fecha": "12/03/2023", "Tipo de evento": "Protestas",
                "Subtipo": "Protesta pacífica", "Departamento": "Puno"})  # fmt: skip
    row.update(cells)
    path = tmp_path / "eventos.csv"
    path.write_text(";".join(header) + "\n" + ";".join(row[h] for h in header) + "\n", "utf-8")

    data = run(path, tmp_path)

    assert (data["rows"], data["rejected"]) == (1, 1)
    problems = [p for p in data["problems"] if p["row"] == 2]
    assert [p["code"] for p in problems] == [code]
    if message is not None:
        assert problems[0]["message"] == message
    assert Event.objects.count() == 0

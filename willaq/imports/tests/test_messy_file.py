"""The messy registry (tests/messy.py) imported as an outsider calls the command, with the
counts known in advance; then imported again (nothing changes), and as a dry run (nothing is
written)."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from willaq.accounts.models import User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.cases.choices import CaseScope, CaseState, StartDatePrecision
from willaq.cases.history import cases_as_of, end_of_month
from willaq.cases.models import Actor, Case, CaseActor, CaseExternalId, CasePlace, CaseTransition
from willaq.imports.models import ImportRun
from willaq.imports.tests.messy import DEFAULTS, ROWS, expected, messy_csv


@pytest.fixture
def messy_file(tmp_path: Path) -> Path:
    path = tmp_path / "registro_oficina.csv"
    path.write_bytes(messy_csv())
    return path


def run_command(path: Path, tmp_path: Path, *extra: str) -> dict[str, Any]:
    report = tmp_path / "informe.json"
    args: list[str] = [str(path), "--institution", "defensoria", "--report", str(report)]
    for item in DEFAULTS:
        args += ["--default", item]
    call_command("import_cases", *args, *extra)
    return json.loads(report.read_text(encoding="utf-8"))


def case(external_id: str) -> Case:
    return Case.objects.get(external_ids__external_id=external_id)


def test_messy_registry_counts(messy_file: Path, tmp_path: Path, coordinator: User) -> None:
    data = run_command(messy_file, tmp_path)

    assert data["rows"] == len(ROWS) == 30
    assert data["created"] == expected("created") == 20
    assert data["updated"] == 0
    assert data["unchanged"] == 0
    assert data["rejected"] == expected("rejected") == 10
    assert data["created"] + data["updated"] + data["unchanged"] + data["rejected"] == data["rows"]
    # Row by row, in the file's order (the header is the file's 4th line).
    assert [r["row"] for r in data["results"]] == list(range(5, 5 + len(ROWS)))
    outcomes = ["rejected" if o == "not_a_case" else o for _values, o in ROWS]
    assert [r["outcome"] for r in data["results"]] == outcomes
    assert Case.objects.count() == 20
    counts = {code: c["count"] for code, c in data["problem_counts"].items()}
    assert counts == {
        "not_a_case": 4,
        "unknown_place": 2,
        "no_place": 2,
        "unknown_column": 1,
        "unknown_value": 1,
        "future_date": 1,
        "bad_date": 1,
        "derived_name": 1,
        "duplicate_row": 1,
    }
    assert data["columns"]["Región"] == "department"
    assert data["columns"]["Observaciones"] == ""
    assert data["unmatched"]["places"]["Ayacuchoo"][0] == "Ayacucho"
    assert "Asuntos de gobierno local" in data["unmatched"]["typology"]["Asuntos de gobiern local"]
    # Problems name the row, the column as written in the file, and the value.
    future = [p for p in data["problems"] if p["code"] == "future_date"]
    assert [(p["row"], p["column"], p["value"]) for p in future] == [
        (22, "Fecha de inicio", "2099-01-01")
    ]
    huallanca = [p for p in data["problems"] if p["value"] == "Huallanca"]
    assert len(huallanca) == 1
    assert "Bolognesi" in huallanca[0]["message"]
    assert "Huaylas" in huallanca[0]["message"]
    assert ImportRun.objects.count() == 1
    assert AuditLog.objects.filter(event_type=AuditEvent.IMPORT_CASES).count() == 1


def test_messy_registry_places_types_states_dates(
    messy_file: Path, tmp_path: Path, coordinator: User
) -> None:
    run_command(messy_file, tmp_path)

    first = case("DP-001")
    assert first.state == CaseState.ACTIVE
    assert first.code == "2015-0001"
    assert (first.start_date, first.start_date_precision) == (
        dt.date(2015, 1, 1),
        StartDatePrecision.YEAR,
    )
    assert [p.ubigeo.name for p in first.places.all()] == ["Challhuahuacho"]
    assert first.typology.code == "socioambiental"
    assert CaseExternalId.objects.get(external_id="DP-001").source == "defensoria"
    # The actors column: each name linked as a primary actor (a new organisation when unknown).
    links = first.case_actors.select_related("actor").order_by("actor__name")
    assert [(link.actor.name, link.role, link.actor.kind) for link in links] == [
        ("Comunidad campesina", "primary", "organisation"),
        ("empresa minera", "primary", "organisation"),
    ]
    assert Actor.objects.count() == 2
    # Same district name, told apart by the department and province given.
    assert case("DP-002").places.get().ubigeo.code == "080803"  # Coporaque, Espinar, Cusco
    assert case("DP-003").places.get().ubigeo.code == "040506"  # Coporaque, Caylloma, Arequipa
    assert case("DP-011").places.get().ubigeo.code == "120433"  # Yauli, Jauja, Junín
    assert case("DP-012").places.get().ubigeo.code == "090117"  # Yauli, Huancavelica
    # "No detalla": the province.
    assert case("DP-013").places.get().ubigeo.code == "050100"
    assert case("DP-013").typology.code == "otros-asuntos"  # "Universitario"
    # Several departments, groupings, national and multi-regional scopes.
    regional = case("DP-005")
    assert regional.scope == CaseScope.REGIONAL
    assert sorted(p.ubigeo.code for p in regional.places.all()) == ["050000", "090000"]
    assert regional.typology.code == "demarcacion-territorial"
    groupings = [case(code).places.get().grouping for code in ("DP-006", "DP-007")]
    assert [g.code if g else "" for g in groupings] == ["lima-metropolitana", "lima-provincias"]
    assert case("DP-008").scope == CaseScope.NATIONAL
    assert case("DP-008").places.count() == 0
    assert case("DP-009").scope == CaseScope.MULTIREGIONAL
    assert case("DP-022").scope == CaseScope.REGIONAL
    assert case("DP-022").places.count() == 2
    # No place, no name: imported, flagged for review.
    no_place = case("DP-018")
    assert no_place.needs_review
    assert "lugar" in no_place.review_note
    derived = case("DP-019")
    assert derived.needs_review
    assert derived.name == (
        "Pobladores del distrito exigen la destitución del alcalde por presuntas irregularidades…"
    )
    assert not first.needs_review
    # No type: the --default; no date: the --default as a bound.
    assert case("DP-014").typology.code == "otros-asuntos"
    undated = case("DP-025")
    assert (undated.start_date, undated.start_date_precision) == (
        dt.date(2004, 1, 1),
        StartDatePrecision.BEFORE,
    )
    assert undated.places.get().ubigeo.code == "150600"  # Huaral, Lima (not Lima Provincias)
    # Section headings give the state of the rows below them.
    latent = case("DP-020")
    assert latent.state == CaseState.LATENT
    assert latent.subtype is not None
    assert (latent.typology.code, latent.subtype.code) == ("socioambiental", "mineria")
    water = case("DP-021")
    assert water.subtype is not None
    assert (water.state, water.subtype.code) == (CaseState.LATENT, "agua")
    assert (water.start_date, water.start_date_precision) == (
        dt.date(2008, 1, 1),
        StartDatePrecision.MONTH,
    )
    assert case("DP-022").state == CaseState.RESOLVED
    withdrawn = case("DP-023")
    assert withdrawn.state == CaseState.WITHDRAWN
    assert withdrawn.start_date == dt.date(2017, 9, 22)  # Excel serial 43000
    # The history is back-dated: created, submitted and approved at the start date.
    kinds = list(
        CaseTransition.objects.filter(case=latent).values_list("kind", "occurred_at__year")
    )
    assert kinds == [
        ("created", 2004),
        ("submitted", 2004),
        ("approved", 2004),
        ("to_latent", timezone.now().year),
    ]
    assert latent.history.earliest().history_date.year == 2004


def test_effective_dates_drive_month_end_figures(
    messy_file: Path, tmp_path: Path, coordinator: User
) -> None:
    run_command(messy_file, tmp_path)

    at_end_2016 = {c.name for c in cases_as_of(end_of_month(2016, 12))}
    assert "Frente de defensa de Caylloma" in at_end_2016  # started December 2016
    assert "Trabajadores de la siderúrgica" not in at_end_2016  # started June 2017
    assert len(at_end_2016) == sum(1 for c in Case.objects.all() if c.start_date.year <= 2016)


def test_reimport_changes_nothing(messy_file: Path, tmp_path: Path, coordinator: User) -> None:
    first = run_command(messy_file, tmp_path)
    histories = (
        Case.history.count(),
        CasePlace.history.count(),
        CaseExternalId.history.count(),
        CaseTransition.objects.count(),
        CaseActor.history.count(),
    )
    audits = AuditLog.objects.count()

    second = run_command(messy_file, tmp_path)

    assert second["rows"] == first["rows"] == 30
    assert second["created"] == 0
    assert second["updated"] == 0
    assert second["unchanged"] == first["created"] == 20
    assert second["rejected"] == first["rejected"] == 10
    assert Case.objects.count() == 20
    assert (
        Case.history.count(),
        CasePlace.history.count(),
        CaseExternalId.history.count(),
        CaseTransition.objects.count(),
        CaseActor.history.count(),
    ) == histories
    assert AuditLog.objects.count() == audits + 1  # the import run's own record


def test_reimport_of_a_later_report_updates_and_moves_states(
    messy_file: Path, tmp_path: Path, coordinator: User
) -> None:
    run_command(messy_file, tmp_path)
    later = tmp_path / "registro_posterior.csv"
    later.write_text(
        "Código;Caso;Región;Tipología;Estado;Fecha de inicio\n"
        "DP-001;Comunidad de Fuerabamba y empresa minera;Apurímac;Socioambiental;Latente;2015\n"
        "DP-010;Trabajadores de la siderúrgica;Ica;Laboral;Activo;15/06/2017\n",
        encoding="utf-8",
    )

    data = run_command(later, tmp_path)

    assert (data["rows"], data["updated"], data["unchanged"], data["rejected"]) == (2, 2, 0, 0)
    moved = case("DP-001")
    assert moved.state == CaseState.LATENT
    assert [p.ubigeo.code for p in moved.places.all()] == ["030000"]  # the file says less now
    assert case("DP-010").state == CaseState.ACTIVE


def test_dry_run_writes_nothing_and_predicts_the_run(
    messy_file: Path, tmp_path: Path, coordinator: User
) -> None:
    dry = run_command(messy_file, tmp_path, "--dry-run")

    assert dry["dry_run"] is True
    assert Case.objects.count() == 0
    assert CaseExternalId.objects.count() == 0
    assert ImportRun.objects.count() == 0
    assert AuditLog.objects.count() == 0
    real = run_command(messy_file, tmp_path)
    for key in ("rows", "created", "updated", "unchanged", "rejected", "problem_counts"):
        assert dry[key] == real[key]


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", "\t"), ("latin-1", ";"), ("cp1252", "\t")],
)
def test_every_office_encoding_reads_the_same(
    tmp_path: Path, coordinator: User, encoding: str, delimiter: str
) -> None:
    path = tmp_path / "registro.csv"
    path.write_bytes(messy_csv(encoding=encoding.replace("latin-1", "cp1252"), delimiter=delimiter))
    if encoding == "latin-1":  # no Windows-only characters in the file: Latin-1 is the same
        path.write_bytes(path.read_bytes().decode("cp1252").replace("—", "-").encode("latin-1"))

    data = run_command(path, tmp_path, "--dry-run")

    assert (data["rows"], data["created"], data["rejected"]) == (30, 20, 10)
    assert data["columns"]["Región"] == "department"


def test_stdout_summary_is_spanish(messy_file: Path, tmp_path: Path, coordinator: User) -> None:
    from io import StringIO

    out = StringIO()
    args = [str(messy_file), "--institution", "defensoria", "--dry-run"]
    for item in DEFAULTS:
        args += ["--default", item]
    call_command("import_cases", *args, stdout=out)

    text = out.getvalue()
    assert "Simulación (no se escribió nada)" in text
    assert "Filas: 30 — Casos creados: 20, actualizados: 0, sin cambios: 0" in text
    assert "filas rechazadas: 10" in text

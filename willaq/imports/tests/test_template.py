"""The XLSX template documents the columns and the allowed values, and imports as it is."""

import json
from pathlib import Path

import openpyxl
from django.core.management import call_command

from willaq.accounts.models import User
from willaq.cases.models import Case, Event


def test_case_template_lists_allowed_values_and_imports_its_sample(
    tmp_path: Path, coordinator: User
) -> None:
    path = tmp_path / "plantilla_casos.xlsx"
    call_command("import_template", "cases", str(path), "--institution", "defensoria", verbosity=0)

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Casos", "Valores permitidos", "Columnas"]
    allowed = book["Valores permitidos"]
    headers = [c.value for c in allowed[1]]
    typologies = [
        allowed.cell(row=r, column=headers.index("Tipología") + 1).value for r in range(2, 12)
    ]
    assert typologies[0] == "Asuntos de gobierno local"
    assert len([t for t in typologies if t]) == 10
    departments = [c.value for c in allowed[get_letter(headers.index("Departamento"))][1:]]
    assert "Lima Provincias" in departments

    report = tmp_path / "informe.json"
    call_command("import_cases", str(path), "--institution", "defensoria", "--report", str(report))
    data = json.loads(report.read_text(encoding="utf-8"))
    assert (data["rows"], data["created"]) == (1, 1)
    assert all(field for field in data["columns"].values())  # every column recognised
    imported = Case.objects.get()
    assert imported.places.get().ubigeo.code == "080803"
    assert imported.needs_review  # the sample's dialogue phase lacks mechanism and role


def test_event_template_imports_its_sample(tmp_path: Path, coordinator: User) -> None:
    cases = tmp_path / "plantilla_casos.xlsx"
    events = tmp_path / "plantilla_eventos.xlsx"
    call_command("import_template", "cases", str(cases), verbosity=0)
    call_command("import_template", "events", str(events), verbosity=0)
    call_command("import_cases", str(cases), "--institution", "defensoria", verbosity=0)

    report = tmp_path / "informe.json"
    call_command(
        "import_events", str(events), "--institution", "defensoria", "--report", str(report)
    )
    data = json.loads(report.read_text(encoding="utf-8"))
    assert (data["rows"], data["created"]) == (1, 1)
    assert Event.objects.get().case == Case.objects.get()


def get_letter(index: int) -> str:
    return openpyxl.utils.get_column_letter(index + 1)

"""Effective dates drive the month-end figures: a change a file brings takes effect at the date
of the report it comes from (--as-of), while the history records when it was written."""

import datetime as dt
import json
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from willaq.accounts.models import User
from willaq.cases.choices import CaseState
from willaq.cases.history import cases_as_of, end_of_month
from willaq.cases.models import Case

HEADER = "Código,Caso,Departamento,Tipología,Estado,Fecha de inicio\n"


def write(tmp_path: Path, name: str, row: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + row + "\n", encoding="utf-8")
    return path


def test_typology_changed_in_march_recorded_in_june(tmp_path: Path, coordinator: User) -> None:
    first = write(tmp_path, "enero.csv", "DP-7,Paro de transportistas,Puno,Laboral,Activo,2024")
    later = write(tmp_path, "marzo.csv", "DP-7,Paro de transportistas,Puno,Comunal,Latente,2024")
    with time_machine.travel(dt.datetime(2025, 6, 20, 10, 0, tzinfo=dt.UTC)):
        call_command("import_cases", str(first), "--institution", "defensoria", verbosity=0)
        report = tmp_path / "informe.json"
        call_command(
            "import_cases",
            str(later),
            "--institution",
            "defensoria",
            "--as-of",
            "2025-03-31",
            "--report",
            str(report),
        )
        assert json.loads(report.read_text(encoding="utf-8"))["updated"] == 1

    case = Case.objects.get()
    assert (case.typology.code, case.state) == ("comunal", CaseState.LATENT)
    [february] = cases_as_of(end_of_month(2025, 2))
    [march] = cases_as_of(end_of_month(2025, 3))
    assert (february.typology.code, february.state) == ("laboral", CaseState.ACTIVE)
    assert (march.typology.code, march.state) == ("comunal", CaseState.LATENT)
    change = case.history.filter(typology__code="comunal").earliest("history_date")
    assert timezone.localtime(change.history_date).date() == dt.date(2025, 3, 31)
    assert change.recorded_at.date() == dt.date(2025, 6, 20)


def test_as_of_in_the_future_is_refused(tmp_path: Path, coordinator: User) -> None:
    path = write(tmp_path, "casos.csv", "DP-8,Paro,Puno,Laboral,Activo,2024")
    with pytest.raises(CommandError, match="no puede estar en el futuro"):
        call_command(
            "import_cases", str(path), "--institution", "defensoria", "--as-of", "2999-01-01"
        )
    with pytest.raises(CommandError, match="escriba la fecha como AAAA-MM-DD"):
        call_command("import_cases", str(path), "--institution", "defensoria", "--as-of", "mayo")
    assert Case.objects.count() == 0

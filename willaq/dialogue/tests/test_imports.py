"""The spreadsheet import of an acta's commitments: good XLSX and CSV files, bad rows reported by
row and column with nothing saved, bad files, the page (two institutions), the template and the
management command."""

import datetime as dt
import io
import os
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from willaq.accounts.models import User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.dialogue.choices import CommitmentState, FundingSource
from willaq.dialogue.models import Commitment
from willaq.dialogue.services import imports
from willaq.dialogue.tests.conftest import Roundtable
from willaq.dialogue.views.imports import TOKEN_SALT

HEADER = ["numero", "compromiso", "responsables", "fecha_vencimiento", "monto", "fuente", "peso"]
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def xlsx(rows: list[list[object]], header: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(lines: list[str], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    text = "\n".join([delimiter.join(HEADER), *lines]) + "\n"
    return text.encode(encoding)


GOOD_ROWS: list[list[object]] = [
    [
        4,
        "Instalación de la posta médica",
        "gobierno regional de apurimac",  # accents and case do not matter
        dt.date(2026, 8, 15),
        "S/ 1,500,000.00",
        "Estado",
        2,
    ],
    [
        5,
        "Capacitación en monitoreo ambiental",
        "Minera Andina S.A.; Comunidad Campesina de Fuerabamba",
        "30/09/2026",
        None,
        "",
        None,
    ],
]


def _imported() -> int:
    return AuditLog.objects.filter(event_type=AuditEvent.COMMITMENTS_IMPORTED).count()


# --- good files ---------------------------------------------------------------------------------


def test_a_good_xlsx_saves_every_row(roundtable: Roundtable, coordinator: User) -> None:
    report, created = imports.import_commitments(
        coordinator, roundtable.acta, "acta.xlsx", xlsx(GOOD_ROWS)
    )
    assert report.format == "xlsx"
    assert len(created) == 2
    assert Commitment.objects.filter(acta=roundtable.acta).count() == 5
    health = Commitment.objects.get(acta=roundtable.acta, number=4)
    assert health.amount == Decimal("1500000.00")
    assert health.funding_source == FundingSource.STATE
    assert health.weight == Decimal(2)
    assert health.due_date == dt.date(2026, 8, 15)
    assert list(health.responsible.values_list("pk", flat=True)) == [roundtable.gore.pk]
    training = Commitment.objects.get(acta=roundtable.acta, number=5)
    assert training.due_date == dt.date(2026, 9, 30)
    assert training.responsible.count() == 2
    log = AuditLog.objects.get(event_type=AuditEvent.COMMITMENTS_IMPORTED)
    assert log.diff["count"] == 2
    assert log.target_id == str(roundtable.acta.uuid)


def test_an_excel_serial_date_and_a_number_cell(roundtable: Roundtable, coordinator: User) -> None:
    serial = (dt.date(2026, 7, 1) - dt.date(1899, 12, 30)).days
    rows: list[list[object]] = [["", "Puente", "DP", serial, 250000, "mixto", 1.5]]
    _report, created = imports.import_commitments(
        coordinator, roundtable.acta, "a.xlsx", xlsx(rows)
    )
    assert created[0].due_date == dt.date(2026, 7, 1)
    assert created[0].number == 4  # the next clause
    assert created[0].amount == Decimal("250000.00")
    assert created[0].funding_source == FundingSource.MIXED
    assert created[0].responsible.get() == roundtable.convener  # the institution's acronym


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-8", ","), ("utf-8-sig", ";"), ("latin-1", ";")]
)
def test_a_good_csv_in_each_encoding(
    roundtable: Roundtable, coordinator: User, encoding: str, delimiter: str
) -> None:
    lines = [
        delimiter.join(
            ["6", "Reparación del canal de riego", "Gobierno Regional de Apurímac", "2026-10-01"]
        )
        + delimiter * 3,
        delimiter.join(
            ["7", "Diálogo con la comunidad", "Comunidad Campesina de Fuerabamba", "01/11/2026"]
        )
        + delimiter * 3
        + "3",
    ]
    content = csv_bytes(lines, encoding, delimiter)
    report, created = imports.import_commitments(coordinator, roundtable.acta, "a.csv", content)
    assert report.format == "csv"
    assert len(created) == 2
    canal = Commitment.objects.get(acta=roundtable.acta, number=6)
    assert canal.description == "Reparación del canal de riego"  # accents survived the encoding
    assert Commitment.objects.get(acta=roundtable.acta, number=7).weight == Decimal(3)


def test_progress_already_reported_is_imported_in_progress(
    roundtable: Roundtable, coordinator: User
) -> None:
    header = [*HEADER, "avance"]
    rows: list[list[object]] = [["", "Estudio", "DP", "01/12/2026", "", "", "", 40]]
    _report, created = imports.import_commitments(
        coordinator, roundtable.acta, "a.xlsx", xlsx(rows, header)
    )
    assert created[0].state == CommitmentState.IN_PROGRESS
    assert created[0].progress == 40


# --- bad rows: reported by row and column, nothing saved -----------------------------------------


BAD_ROWS: list[list[object]] = [
    GOOD_ROWS[0],  # row 2: valid, still not saved
    ["", "Agua potable", "Minera X", "15/08/2026", "", "", ""],  # row 3: unknown party
    ["", "Antes de la firma", "DP", "01/03/2026", "", "", ""],  # row 4: due before signing
    ["", "Monto negativo", "DP", "15/08/2026", "-500", "Estado", ""],  # row 5
    ["", "Peso cero", "DP", "15/08/2026", "", "", "0"],  # row 6
    ["", "Fecha imposible", "DP", "31/02/2026", "", "", ""],  # row 7
    ["", "", "DP", "15/08/2026", "", "", ""],  # row 8: no description
    ["", "Monto sin fuente", "DP", "15/08/2026", "1000", "", ""],  # row 9
    ["", "Fuente rara", "DP", "15/08/2026", "1000", "ONG", ""],  # row 10
    [4, "Cláusula repetida", "DP", "15/08/2026", "", "", ""],  # row 11: number of row 2
    [1, "Cláusula existente", "DP", "15/08/2026", "", "", ""],  # row 12: the acta has 1
]


def test_bad_rows_are_reported_by_row_and_column(roundtable: Roundtable, coordinator: User) -> None:
    report = imports.check_import(coordinator, roundtable.acta, "a.xlsx", xlsx(BAD_ROWS))
    assert not report.ok
    assert len(report.rows) == 1
    assert report.rows_with_problems == 10
    where = [(p.row, p.column) for p in report.problems]
    assert where == [
        (3, "responsables"),
        (4, "fecha_vencimiento"),
        (5, "monto"),
        (6, "peso"),
        (7, "fecha_vencimiento"),
        (8, "compromiso"),
        (9, "fuente"),
        (10, "fuente"),
        (11, "numero"),
        (12, "numero"),
    ]
    assert str(report.problems[0]) == (
        "Fila 3, columna «responsables»: «Minera X» no participa en este espacio."
    )
    assert "anterior a la firma del acta (10/03/2026)" in report.problems[1].message
    assert report.problems[2].message == "El monto no puede ser negativo."
    assert "31/02/2026" in report.problems[4].message
    assert "fila 2" in report.problems[8].message


def test_one_bad_row_saves_nothing(roundtable: Roundtable, coordinator: User) -> None:
    before = Commitment.objects.count()
    with pytest.raises(ValidationError) as error:
        imports.import_commitments(coordinator, roundtable.acta, "a.xlsx", xlsx(BAD_ROWS))
    assert len(error.value.messages) == 10
    assert Commitment.objects.count() == before
    assert _imported() == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [("150", "de 0 a 100"), ("12.5", "de 0 a 100"), ("100", "cumplido"), ("mucho", "número")],
)
def test_progress_errors(
    roundtable: Roundtable, coordinator: User, value: str, message: str
) -> None:
    header = [*HEADER, "avance"]
    rows: list[list[object]] = [["", "Estudio", "DP", "01/12/2026", "", "", "", value]]
    report = imports.check_import(coordinator, roundtable.acta, "a.xlsx", xlsx(rows, header))
    assert len(report.problems) == 1
    assert report.problems[0].column == "avance"
    assert message in report.problems[0].message


@pytest.mark.parametrize(
    ("value", "message"), [("-1", "mayor que cero"), ("dos", "no es un número")]
)
def test_weight_errors(roundtable: Roundtable, coordinator: User, value: str, message: str) -> None:
    rows: list[list[object]] = [["", "Estudio", "DP", "01/12/2026", "", "", value]]
    report = imports.check_import(coordinator, roundtable.acta, "a.xlsx", xlsx(rows))
    assert len(report.problems) == 1
    assert report.problems[0].column == "peso"
    assert message in report.problems[0].message


@pytest.mark.parametrize("value", ["2026/13/01", "mañana", "15-08", "12345"])
def test_wrong_dates(roundtable: Roundtable, coordinator: User, value: str) -> None:
    rows: list[list[object]] = [["", "Estudio", "DP", value, "", "", ""]]
    report = imports.check_import(coordinator, roundtable.acta, "a.xlsx", xlsx(rows))
    assert [p.column for p in report.problems] == ["fecha_vencimiento"]


# --- bad files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "vacío"),
        (b"\n\n  \n", "vacío"),
        (PDF, "PDF"),
        (b"PK\x03\x04garbage", "dañado"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "no es una hoja"),
        (b"numero,compromiso\n1,Algo\n", "Falta la columna"),
        (",".join(HEADER).encode() + b"\n", "ningún compromiso"),
    ],
)
def test_bad_files_get_a_clear_message(
    roundtable: Roundtable, coordinator: User, content: bytes, message: str
) -> None:
    with pytest.raises(imports.ImportFileError) as error:
        imports.check_import(coordinator, roundtable.acta, "acta.xlsx", content)
    assert message in error.value.message


def test_too_many_rows(roundtable: Roundtable, coordinator: User) -> None:
    lines = [f",Compromiso {n},DP,01/12/2026,,," for n in range(imports.MAX_ROWS + 1)]
    with pytest.raises(imports.ImportFileError) as error:
        imports.check_import(coordinator, roundtable.acta, "a.csv", csv_bytes(lines))
    assert "2000" in error.value.message


def test_too_big(roundtable: Roundtable, coordinator: User) -> None:
    content = b"x" * (imports.MAX_BYTES + 1)
    with pytest.raises(imports.ImportFileError) as error:
        imports.check_import(coordinator, roundtable.acta, "a.csv", content)
    assert "5 MB" in error.value.message


def test_only_the_space_team_imports(
    roundtable: Roundtable, debtor_analyst: User, outsider: User
) -> None:
    for user in (debtor_analyst, outsider):
        with pytest.raises(PermissionDenied):
            imports.check_import(user, roundtable.acta, "a.xlsx", xlsx(GOOD_ROWS))
    assert Commitment.objects.count() == 3


# --- the page -----------------------------------------------------------------------------------


def _url(roundtable: Roundtable) -> str:
    return reverse("dialogue:commitments_import", kwargs={"acta_uuid": roundtable.acta.uuid})


def _upload(content: bytes, name: str = "acta.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_page_access(
    roundtable: Roundtable,
    coordinator_client: Client,
    analyst_client: Client,
    debtor_client: Client,
    outsider_client: Client,
    anon_client: Client,
) -> None:
    url = _url(roundtable)
    assert coordinator_client.get(url).status_code == 200
    assert analyst_client.get(url).status_code == 200
    assert debtor_client.get(url).status_code == 403  # reads the acta, does not run the space
    assert outsider_client.get(url).status_code == 403
    assert outsider_client.post(url, {"file": _upload(xlsx(GOOD_ROWS))}).status_code == 403
    assert anon_client.get(url).status_code == 302
    missing = reverse("dialogue:commitments_import", kwargs={"acta_uuid": roundtable.case.uuid})
    assert coordinator_client.get(missing).status_code == 404


def test_upload_review_and_confirm(roundtable: Roundtable, coordinator_client: Client) -> None:
    url = _url(roundtable)
    response = coordinator_client.post(url, {"file": _upload(xlsx(GOOD_ROWS))})
    assert response.status_code == 200
    assert Commitment.objects.count() == 3  # nothing saved before the confirmation
    token = response.context["token"]
    assert token
    assert b'id="confirm-import"' in response.content
    confirmed = coordinator_client.post(url, {"token": token})
    assert confirmed.status_code == 302
    assert Commitment.objects.count() == 5
    assert _imported() == 1
    # The kept copy is gone: the same token cannot import twice.
    again = coordinator_client.post(url, {"token": token})
    assert again.status_code == 302
    assert Commitment.objects.count() == 5


def test_a_bad_file_shows_the_report_and_saves_nothing(
    roundtable: Roundtable, coordinator_client: Client
) -> None:
    response = coordinator_client.post(_url(roundtable), {"file": _upload(xlsx(BAD_ROWS))})
    assert response.status_code == 200
    assert response.context["token"] == ""
    assert b'id="confirm-import"' not in response.content
    assert "Minera X" in response.content.decode()
    assert len(response.context["problems_shown"]) == 10
    assert Commitment.objects.count() == 3


def test_a_pdf_renamed_xlsx_is_refused(roundtable: Roundtable, coordinator_client: Client) -> None:
    response = coordinator_client.post(_url(roundtable), {"file": _upload(PDF)})
    assert response.status_code == 200
    assert "es un PDF" in response.content.decode()
    assert Commitment.objects.count() == 3


def test_unconfirmed_copies_are_pruned(roundtable: Roundtable, coordinator_client: Client) -> None:
    url = _url(roundtable)
    old = coordinator_client.post(url, {"file": _upload(xlsx(GOOD_ROWS))}).context["token"]
    stored = signing.loads(old, salt=TOKEN_SALT)["stored"]
    three_hours_ago = time.time() - 3 * 3600
    os.utime(default_storage.path(stored), (three_hours_ago, three_hours_ago))
    fresh = coordinator_client.post(url, {"file": _upload(xlsx(GOOD_ROWS))}).context["token"]
    assert not default_storage.exists(stored)
    assert default_storage.exists(signing.loads(fresh, salt=TOKEN_SALT)["stored"])
    coordinator_client.post(url, {"token": fresh})
    assert Commitment.objects.count() == 5


def test_another_users_token_is_refused(
    roundtable: Roundtable, coordinator_client: Client, analyst_client: Client
) -> None:
    url = _url(roundtable)
    token = coordinator_client.post(url, {"file": _upload(xlsx(GOOD_ROWS))}).context["token"]
    assert analyst_client.post(url, {"token": token}).status_code == 302
    assert analyst_client.post(url, {"token": "forged"}).status_code == 302
    assert Commitment.objects.count() == 3


def test_the_template(
    roundtable: Roundtable, coordinator_client: Client, outsider_client: Client
) -> None:
    url = reverse(
        "dialogue:commitments_import_template", kwargs={"acta_uuid": roundtable.acta.uuid}
    )
    assert outsider_client.get(url).status_code == 403
    response = coordinator_client.get(url)
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == list(imports.COLUMNS)
    assert workbook.worksheets[1].max_row == 1 + roundtable.space.participants.count()
    # The template itself, filled in as given, is a valid file.
    report = imports.check_import(
        User.objects.get(email="coord@dp.gob.pe"), roundtable.acta, "p.xlsx", response.content
    )
    assert report.ok


# --- the command --------------------------------------------------------------------------------


def test_the_command(roundtable: Roundtable, coordinator: User, tmp_path: Path) -> None:
    good = tmp_path / "acta.xlsx"
    good.write_bytes(xlsx(GOOD_ROWS))
    out = io.StringIO()
    call_command(
        "import_commitments",
        str(roundtable.acta.uuid),
        str(good),
        "--user",
        coordinator.email,
        "--dry-run",
        stdout=out,
    )
    assert "Filas válidas: 2" in out.getvalue()
    assert Commitment.objects.count() == 3
    call_command(
        "import_commitments",
        str(roundtable.acta.uuid),
        str(good),
        "--user",
        coordinator.email,
        stdout=out,
    )
    assert Commitment.objects.count() == 5
    bad = tmp_path / "malo.xlsx"
    bad.write_bytes(xlsx(BAD_ROWS))
    with pytest.raises(CommandError, match="Nada se guardó"):
        call_command(
            "import_commitments",
            str(roundtable.acta.uuid),
            str(bad),
            "--user",
            coordinator.email,
            stdout=out,
        )
    assert Commitment.objects.count() == 5

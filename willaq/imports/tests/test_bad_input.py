"""Each kind of bad input gets a clear Spanish report of what is wrong and where, and nothing
half-written: empty, damaged and binary files, a file over the size limit, odd encodings, merged
cells, formulas, repeated headers, dates as text, serials and in the future, unknown places and
categories, a user who may not import."""

import datetime as dt
import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from willaq.accounts.models import User
from willaq.cases.choices import StartDatePrecision
from willaq.cases.models import Actor, Case, CaseActor
from willaq.imports.dates import DateError, parse_date
from willaq.imports.reading import ReadError, read_table


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def import_file(path: Path, tmp_path: Path, *extra: str) -> dict[str, Any]:
    report = tmp_path / "informe.json"
    call_command(
        "import_cases", str(path), "--institution", "defensoria", "--report", str(report), *extra
    )
    return json.loads(report.read_text(encoding="utf-8"))


def refused(path: Path, tmp_path: Path) -> tuple[str, dict[str, Any]]:
    """The command's error (it exits non-zero) and the report it still wrote."""
    report = tmp_path / "informe.json"
    with pytest.raises(CommandError) as error:
        call_command(
            "import_cases", str(path), "--institution", "defensoria", "--report", str(report)
        )
    return str(error.value), json.loads(report.read_text(encoding="utf-8"))


GOOD_HEADER = "Caso,Departamento,Tipo,Estado,Fecha de inicio\n"


# --- files that cannot be read ---------------------------------------------------------------


def test_empty_file(tmp_path: Path, coordinator: User) -> None:
    message, report = refused(write(tmp_path, "vacio.csv", b""), tmp_path)
    assert message == "El archivo está vacío."
    assert (report["readable"], report["rows"], report["problems"][0]["code"]) == (False, 0, "file")


def test_file_of_empty_rows(tmp_path: Path, coordinator: User) -> None:
    message, _report = refused(write(tmp_path, "vacio.csv", ";;;\n;;;\n\n"), tmp_path)
    assert message == "El archivo no tiene datos: todas sus filas están vacías."


def test_corrupted_xlsx(tmp_path: Path, coordinator: User) -> None:
    good = tmp_path / "bueno.xlsx"
    openpyxl.Workbook().save(good)
    data = good.read_bytes()
    damaged = write(tmp_path, "dañado.xlsx", data[: len(data) // 2])
    message, _report = refused(damaged, tmp_path)
    assert message.startswith("El archivo está dañado")
    assert Case.objects.count() == 0


def test_binary_file_is_not_a_spreadsheet(tmp_path: Path, coordinator: User) -> None:
    message, _report = refused(
        write(tmp_path, "foto.csv", b"\x89PNG\r\n\x1a\n\x00\x00" * 50), tmp_path
    )
    assert "no es una hoja de cálculo" in message


def test_zip_that_is_not_a_workbook(tmp_path: Path, coordinator: User) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("leame.txt", "hola")
    message, _report = refused(write(tmp_path, "casos.xlsx", buffer.getvalue()), tmp_path)
    assert message == "El archivo es un ZIP pero no una hoja de cálculo (XLSX u ODS)."


def test_a_200_mb_file_is_refused_without_reading_it(tmp_path: Path, coordinator: User) -> None:
    huge = tmp_path / "enorme.csv"
    with huge.open("wb") as handle:  # sparse: takes no disk, but reading it would take 200 MB
        handle.write(GOOD_HEADER.encode())
        handle.truncate(200 * 1024 * 1024)
    message, report = refused(huge, tmp_path)
    assert (
        message == "El archivo pesa 200 MB y el límite es 50 MB: divídalo en partes más pequeñas."
    )
    assert report["rows"] == 0


def test_size_limit_is_a_setting(tmp_path: Path, settings: Any) -> None:
    settings.WILLAQ_IMPORT_MAX_BYTES = 10
    with pytest.raises(ReadError) as error:
        read_table(write(tmp_path, "casos.csv", GOOD_HEADER))
    assert "el límite es 0 MB" in error.value.message


def test_missing_header(tmp_path: Path, coordinator: User) -> None:
    path = write(tmp_path, "casos.csv", "uno,dos,tres\n1,2,3\n")
    message, _report = refused(path, tmp_path)
    assert message.startswith("No se encontró la fila de encabezados")


def test_unknown_institution_and_field(tmp_path: Path, coordinator: User) -> None:
    path = write(tmp_path, "casos.csv", GOOD_HEADER)
    with pytest.raises(CommandError, match="No existe la institución «nadie»"):
        call_command("import_cases", str(path), "--institution", "nadie")
    with pytest.raises(CommandError, match="--default color: solo se admiten"):
        call_command(
            "import_cases", str(path), "--institution", "defensoria", "--default", "color=rojo"
        )
    with pytest.raises(CommandError, match="«colour» no es un campo"):
        call_command(
            "import_cases", str(path), "--institution", "defensoria", "--map", "caso=colour"
        )


def test_an_analyst_may_not_import(tmp_path: Path, analyst: User, coordinator: User) -> None:
    path = write(tmp_path, "casos.csv", GOOD_HEADER + "Paro,Puno,Laboral,Activo,2019\n")
    with pytest.raises(CommandError, match="Solo un coordinador"):
        call_command(
            "import_cases", str(path), "--institution", "defensoria", "--user", analyst.email
        )
    assert Case.objects.count() == 0


def test_a_coordinator_of_another_institution_may_not_import(
    tmp_path: Path, coordinator: User, outsider: User
) -> None:
    path = write(tmp_path, "casos.csv", GOOD_HEADER + "Paro,Puno,Laboral,Activo,2019\n")
    with pytest.raises(CommandError, match="Solo un coordinador"):
        call_command(
            "import_cases", str(path), "--institution", "defensoria", "--user", outsider.email
        )


# --- encodings -------------------------------------------------------------------------------

ACCENTED = (
    GOOD_HEADER.replace(",", ";") + "Comunidad de Ñahuimpuquio;Junín;Socioambiental;Activo;2019\n"
)


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("cp1252", b""),
        ("latin-1", b""),
        ("utf-16", b""),
    ],
)
def test_encodings(tmp_path: Path, coordinator: User, encoding: str, bom: bytes) -> None:
    text = ACCENTED.replace(";", "\t") if encoding == "utf-16" else ACCENTED
    data = import_file(write(tmp_path, "casos.csv", bom + text.encode(encoding)), tmp_path)
    assert (data["rows"], data["created"]) == (1, 1)
    created = Case.objects.get()
    assert created.name == "Comunidad de Ñahuimpuquio"
    assert created.places.get().ubigeo.code == "120000"


def test_utf16_without_bom_is_recognised(tmp_path: Path) -> None:
    table = read_table(write(tmp_path, "casos.txt", "Caso\tRegión\nA\tPuno\n".encode("utf-16-le")))
    assert table.encoding == "utf-16-le"
    assert table.rows[1].values == ["A", "Puno"]


def test_false_bom_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="dice estar en UTF-8"):
        read_table(write(tmp_path, "casos.csv", b"\xef\xbb\xbfCaso,Regi\xf3n\n"))


# --- workbooks: merged cells, formulas, serials, repeated headers ----------------------------


def workbook(tmp_path: Path, rows: list[list[Any]], merges: tuple[str, ...] = ()) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    path = tmp_path / "casos.xlsx"
    book.save(path)
    return path


def with_cached_values(path: Path, values: dict[str, str]) -> None:
    """Give formulas the cached values Excel would have saved (openpyxl saves none)."""
    source = zipfile.ZipFile(path)
    parts = {name: source.read(name) for name in source.namelist()}
    source.close()
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    for cell, value in values.items():
        start = sheet.index(f'<c r="{cell}"')
        end = sheet.index("</c>", start)
        sheet = (
            sheet[:start]
            + sheet[start:end]
            .replace("<v></v>", f"<v>{value}</v>")
            .replace("<v />", f"<v>{value}</v>")
            + sheet[end:]
        )
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_merged_department_applies_to_every_row_of_the_block(
    tmp_path: Path, coordinator: User
) -> None:
    path = workbook(
        tmp_path,
        [
            ["Reporte de conflictos"],
            [],
            ["Departamento", "Caso", "Tipo", "Estado", "Fecha de inicio"],
            ["Puno", "Mineros de La Rinconada", "Minería", "Activo", dt.date(2019, 3, 1)],
            [None, "Comuneros de Ilave", "Comunal", "Activo", 43800],
            [None, "Transportistas de Juliaca", "Gobierno local", "Activo", "2019"],
        ],
        merges=("A4:A6",),
    )
    data = import_file(path, tmp_path)
    assert (data["rows"], data["created"], data["rejected"]) == (3, 3, 0)
    assert any("celdas combinadas" in note and "A4:A6" in note for note in data["notes"])
    assert Case.objects.filter(places__ubigeo__code="210000").count() == 3
    ilave = Case.objects.get(name="Comuneros de Ilave")
    assert (ilave.start_date, ilave.start_date_precision) == (
        dt.date(2019, 12, 1),  # Excel serial 43800
        StartDatePrecision.DAY,
    )


def test_formulas_give_their_cached_values(tmp_path: Path, coordinator: User) -> None:
    path = workbook(
        tmp_path,
        [
            ["Caso", "Departamento", "Tipo", "Estado", "Fecha de inicio"],
            ["Paro de Pomabamba", "Áncash", "Laboral", "Activo", "=DATE(2018,5,2)"],
            ['=CONCATENATE("Mesa de ","Espinar")', "Cusco", "Minería", "Activo", "2017"],
        ],
    )
    with_cached_values(path, {"E2": "43222", "A3": "Mesa de Espinar"})
    with_cached_values(path, {})
    shutil.copy(path, tmp_path / "copia.xlsx")
    data = import_file(path, tmp_path)
    assert (data["rows"], data["created"]) == (2, 2)
    assert Case.objects.get(name="Paro de Pomabamba").start_date == dt.date(2018, 5, 2)
    assert Case.objects.filter(name="Mesa de Espinar").count() == 1


def test_repeated_header_is_kept_apart_and_reported(tmp_path: Path, coordinator: User) -> None:
    path = write(
        tmp_path,
        "casos.csv",
        "Caso,Departamento,Tipo,Tipo,Estado,Fecha de inicio\n"
        "Paro cocalero,Cusco,Cultivo ilegal de coca,Minería,Activo,2019\n",
    )
    data = import_file(path, tmp_path)
    assert data["columns"] == {
        "Caso": "name",
        "Departamento": "department",
        "Tipo": "typology",
        "Tipo (2)": "",
        "Estado": "state",
        "Fecha de inicio": "start_date",
    }
    repeated = [p for p in data["problems"] if p["code"] == "duplicate_header"]
    assert len(repeated) == 1
    assert repeated[0]["column"] == "Tipo (2)"
    assert Case.objects.get().typology.code == "cultivo-ilegal-coca"
    # The user may read the second one as another field.
    Case.objects.all().delete()
    data = import_file(path, tmp_path, "--map", "Tipo (2)=subtype")
    assert data["columns"]["Tipo (2)"] == "subtype"


def test_map_reads_the_ombudsman_caso_column_as_description(
    tmp_path: Path, coordinator: User
) -> None:
    path = write(
        tmp_path,
        "casos.csv",
        "Id,Caso,Región,Tipo,Estado\n"
        "1234,Pobladores de la comunidad exigen el cierre del botadero municipal. Hubo un paro.,"
        "Lambayeque,Socioambiental,Latente\n",
    )
    data = import_file(
        path, tmp_path, "--map", "caso=description", "--default", "start_date=2004-01-01"
    )
    assert (data["created"], data["columns"]["Caso"]) == (1, "description")
    imported = Case.objects.get()
    assert imported.name == "Pobladores de la comunidad exigen el cierre del botadero municipal"
    assert imported.needs_review
    assert imported.external_ids.get().external_id == "1234"


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "day", "precision"),
    [
        ("31/12/2019", dt.date(2019, 12, 31), "day"),
        ("2019-12-31", dt.date(2019, 12, 31), "day"),
        ("31-12-19", dt.date(2019, 12, 31), "day"),
        ("dic-2019", dt.date(2019, 12, 1), "month"),
        ("Setiembre de 2015", dt.date(2015, 9, 1), "month"),
        ("03/2015", dt.date(2015, 3, 1), "month"),
        ("2019", dt.date(2019, 1, 1), "year"),
        (2019.0, dt.date(2019, 1, 1), "year"),
        (43830.0, dt.date(2019, 12, 31), "day"),
        ("43830", dt.date(2019, 12, 31), "day"),
        (dt.datetime(2020, 2, 29, 10, 30, tzinfo=dt.UTC), dt.date(2020, 2, 29), "day"),
    ],
)
def test_dates_as_offices_write_them(value: object, day: dt.date, precision: str) -> None:
    assert parse_date(value) == (day, StartDatePrecision(precision))


@pytest.mark.parametrize("value", ["31/02/2019", "ayer", "foo-2019", 12.5, "13/13/2013"])
def test_wrong_dates(value: object) -> None:
    with pytest.raises(DateError):
        parse_date(value)


def test_date_problems_name_row_column_and_value(tmp_path: Path, coordinator: User) -> None:
    path = write(
        tmp_path,
        "casos.csv",
        GOOD_HEADER
        + "Paro uno,Puno,Laboral,Activo,2999\n"
        + "Paro dos,Puno,Laboral,Activo,30/02/2019\n"
        + "Paro tres,Puno,Laboral,Activo,1975\n",
    )
    data = import_file(path, tmp_path)
    assert (data["rows"], data["created"], data["rejected"]) == (3, 0, 3)
    problems = [(p["row"], p["column"], p["value"], p["code"]) for p in data["problems"]]
    assert problems == [
        (2, "Fecha de inicio", "2999", "future_date"),
        (3, "Fecha de inicio", "30/02/2019", "bad_date"),
        (4, "Fecha de inicio", "1975", "invalid"),  # before 1980: the case services refuse it
    ]
    assert data["problems"][2]["message"] == "La fecha no puede ser anterior a 1980."
    assert Case.objects.count() == 0


# --- unknown places and categories -----------------------------------------------------------


def test_unknown_places_and_categories_get_suggestions(tmp_path: Path, coordinator: User) -> None:
    path = write(
        tmp_path,
        "casos.csv",
        "Caso,Departamento,Provincia,Distrito,Tipo,Estado,Fecha de inicio\n"
        "A,Cusco,Espinar,Coporake,Minería,Activo,2019\n"
        "B,Arequipa,,,Socioambientall,Activo,2019\n"
        "C,Arequipa,,,Socioambiental,Activ,2019\n"
        "D,,,Coporaque,Socioambiental,Activo,2019\n",
    )
    data = import_file(path, tmp_path)
    assert (data["rows"], data["created"], data["rejected"]) == (4, 0, 4)
    messages = {p["row"]: p["message"] for p in data["problems"]}
    assert messages[2] == "Distrito de Espinar desconocido: «Coporake». ¿Quiso decir: Coporaque?"
    assert "¿Quiso decir: Socioambiental" in messages[3]
    assert "Estado desconocido: «Activ». ¿Quiso decir: Activo" in messages[4]
    assert messages[5] == (
        "«Coporaque» existe en 2 lugares (Arequipa, Cusco): indique el departamento."
    )
    assert data["unmatched"]["typology"] == {"Socioambientall": ["Socioambiental"]}
    assert Case.objects.count() == 0


def test_a_refused_row_leaves_nothing_behind(tmp_path: Path, coordinator: User) -> None:
    """The services refuse the row after it was created (a regional scope with one department):
    the savepoint takes the half-written case away; the good row stays."""
    path = write(
        tmp_path,
        "casos.csv",
        "Código,Caso,Departamento,Ámbito,Tipo,Estado,Fecha de inicio\n"
        "X1,Uno,Puno,Regional,Laboral,Activo,2019\n"
        "X2,Dos,Puno,,Laboral,Activo,2019\n",
    )
    data = import_file(path, tmp_path)
    assert (data["created"], data["rejected"]) == (1, 1)
    assert data["problems"][0]["column"] == "Departamento"
    assert list(Case.objects.values_list("name", flat=True)) == ["Dos"]


def test_actor_columns_link_existing_and_new_actors_by_role(
    tmp_path: Path, coordinator: User
) -> None:
    path = write(
        tmp_path,
        "casos.csv",
        "Código;Caso;Región;Tipo;Estado;Fecha de inicio;Actores primarios;Actores secundarios\n"
        "A1;Paro de Espinar;Cusco;Minería;Activo;2019;"
        "Frente Único de Defensa de Espinar / Comunidad de Huano Huano;Empresa minera\n"
        "A2;Mesa de Tintaya;Cusco;Minería;Activo;2019;"
        "FRENTE UNICO DE DEFENSA DE ESPINAR;\n",
    )
    data = import_file(path, tmp_path)
    assert (data["created"], data["rejected"]) == (2, 0)
    assert Actor.objects.count() == 3  # the front is one actor, found again by its folded name
    roles = sorted(
        CaseActor.objects.values_list("case__external_ids__external_id", "actor__name", "role")
    )
    assert roles == [
        ("A1", "Comunidad de Huano Huano", "primary"),
        ("A1", "Empresa minera", "secondary"),
        ("A1", "Frente Único de Defensa de Espinar", "primary"),
        ("A2", "Frente Único de Defensa de Espinar", "primary"),
    ]
    again = import_file(path, tmp_path)
    assert (again["unchanged"], CaseActor.objects.count()) == (2, 4)

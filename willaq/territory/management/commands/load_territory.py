"""Load Peru's 25 departments, 196 provinces and 1,892 districts from data/territory/ubigeo/.

Idempotent: units are matched by INEI code, new ones are created and changed ones updated in bulk;
a second run writes nothing. Units missing from the files are left alone (cases may point to them).
"""

import csv
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from willaq.core.text import fold
from willaq.territory.models import Grouping, Level, Ubigeo
from willaq.territory.names import DEPARTMENT_NAMES, accent_dictionary, readable_name

DEFAULT_DIR = Path(settings.BASE_DIR) / "data" / "territory" / "ubigeo"
GROUPINGS_FILE = Path(settings.BASE_DIR) / "data" / "territory" / "groupings.toml"

# (level, file, column holding the unit's own name), parents before children.
SOURCES = (
    (Level.DEPARTMENT, "ubigeo_departamento.csv", "departamento"),
    (Level.PROVINCE, "ubigeo_provincia.csv", "provincia"),
    (Level.DISTRICT, "ubigeo_distrito.csv", "distrito"),
)
# How the source writes an empty cell: "NA", or "S.I." (sin información) for four areas.
MISSING = frozenset({"NA", "S.I."})


@dataclass(frozen=True)
class UnitRow:
    """One unit as the files describe it: the fields the loader owns on Ubigeo."""

    code: str
    reniec_code: str
    level: str
    name: str
    search_name: str
    parent_code: str | None
    department_code: str
    province_code: str
    capital: str
    latitude: float | None
    longitude: float | None
    area_km2: float | None


COPIED_FIELDS = [f.name for f in fields(UnitRow) if f.name != "parent_code"]


def _text(value: str | None) -> str:
    value = (value or "").strip()
    return "" if value in MISSING else value


def _number(value: str | None) -> float | None:
    text = _text(value)
    return float(text) if text else None


def _parent_code(level: str, code: str) -> str | None:
    if level == Level.DEPARTMENT:
        return None
    if level == Level.PROVINCE:
        return code[:2] + "0000"
    return code[:4] + "00"


def read_units(directory: Path) -> tuple[list[UnitRow], list[dict[str, str]]]:
    """The units of the three files, parents first, and the rows skipped for having no code."""
    tables: dict[str, list[dict[str, str]]] = {}
    for _level, filename, _column in SOURCES:
        path = directory / filename
        if not path.exists():
            raise CommandError(f"No se encontró el archivo {path}.")
        with path.open(encoding="utf-8", newline="") as handle:
            tables[filename] = list(csv.DictReader(handle))
    accents = accent_dictionary(
        _text(row.get("capital")) for rows in tables.values() for row in rows
    )
    units: list[UnitRow] = []
    skipped: list[dict[str, str]] = []
    for level, filename, column in SOURCES:
        for row in tables[filename]:
            code = _text(row.get("inei"))
            if not code:
                skipped.append(row)
                continue
            if len(code) != 6 or not code.isdigit():
                raise CommandError(f"Código ubigeo inválido en {filename}: {code!r}.")
            name = DEPARTMENT_NAMES.get(code) if level == Level.DEPARTMENT else None
            name = name or readable_name(_text(row[column]), accents)
            units.append(
                UnitRow(
                    code=code,
                    reniec_code=_text(row.get("reniec")),
                    level=level,
                    name=name,
                    search_name=fold(name),
                    parent_code=_parent_code(level, code),
                    department_code=code[:2] + "0000",
                    province_code=code[:4] + "00" if level != Level.DEPARTMENT else "",
                    capital=_text(row.get("capital")),
                    latitude=_number(row.get("latitude")),
                    longitude=_number(row.get("longitude")),
                    area_km2=_number(row.get("superficie")),
                )
            )
    return units, skipped


@dataclass
class LoadResult:
    created: dict[str, int]
    updated: dict[str, int]
    skipped: list[dict[str, str]]


@transaction.atomic
def load_units(units: list[UnitRow], skipped: list[dict[str, str]]) -> LoadResult:
    existing = {u.code: u for u in Ubigeo.objects.all()}
    ids = {code: u.pk for code, u in existing.items()}
    result = LoadResult(created={}, updated={}, skipped=skipped)
    for level in Level.values:
        to_create: list[Ubigeo] = []
        to_update: list[Ubigeo] = []
        for unit in (u for u in units if u.level == level):
            parent_id = None
            if unit.parent_code is not None:
                parent_id = ids.get(unit.parent_code)
                if parent_id is None:
                    raise CommandError(
                        f"La unidad {unit.code} no tiene su unidad superior {unit.parent_code}."
                    )
            wanted: dict[str, Any] = {f: getattr(unit, f) for f in COPIED_FIELDS}
            wanted["parent_id"] = parent_id
            current = existing.get(unit.code)
            if current is None:
                to_create.append(Ubigeo(**wanted))
            elif any(getattr(current, f) != v for f, v in wanted.items()):
                for f, v in wanted.items():
                    setattr(current, f, v)
                to_update.append(current)
        # SQLite (and PostgreSQL) return the new primary keys, which the next level needs.
        for created in Ubigeo.objects.bulk_create(to_create, batch_size=500):
            ids[created.code] = created.pk
        Ubigeo.objects.bulk_update(to_update, [*COPIED_FIELDS, "parent_id"], batch_size=500)
        result.created[level] = len(to_create)
        result.updated[level] = len(to_update)
    load_groupings(GROUPINGS_FILE)
    return result


def load_groupings(path: Path) -> int:
    """Create or update the named groupings ("Lima Provincias"); returns how many there are."""
    with path.open("rb") as handle:
        specs = tomllib.load(handle)["grouping"]
    anchors = {u.code: u for u in Ubigeo.objects.filter(code__in=[g["anchor"] for g in specs])}
    for spec in specs:
        anchor = anchors.get(spec["anchor"])
        if anchor is None:
            raise CommandError(f"La agrupación {spec['code']} no tiene su unidad {spec['anchor']}.")
        grouping = Grouping.objects.filter(code=spec["code"]).first() or Grouping(code=spec["code"])
        wanted = {"name": spec["name"], "anchor_id": anchor.pk, "member_codes": spec["members"]}
        if grouping.pk is None or any(getattr(grouping, k) != v for k, v in wanted.items()):
            for key, value in wanted.items():
                setattr(grouping, key, value)
            grouping.save()
    return len(specs)


class Command(BaseCommand):
    help = "Carga o actualiza los departamentos, provincias y distritos del Perú (ubigeo INEI)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=DEFAULT_DIR,
            help="Carpeta con ubigeo_departamento.csv, ubigeo_provincia.csv y ubigeo_distrito.csv.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        units, skipped = read_units(options["data_dir"])
        result = load_units(units, skipped)
        if options["verbosity"] < 1:
            return
        for row in result.skipped:
            self.stdout.write(
                self.style.WARNING(
                    "Fila omitida por no tener código INEI: "
                    f"{row.get('distrito') or row.get('provincia') or row.get('departamento')} "
                    f"({row.get('provincia', '')}, {row.get('departamento', '')})."
                )
            )
        labels = {
            Level.DEPARTMENT: "departamentos",
            Level.PROVINCE: "provincias",
            Level.DISTRICT: "distritos",
        }
        for level, label in labels.items():
            total = Ubigeo.objects.filter(level=level).count()
            self.stdout.write(
                f"{label}: {total} en total, {result.created[level]} creados, "
                f"{result.updated[level]} actualizados."
            )
        self.stdout.write(self.style.SUCCESS("Territorio cargado."))

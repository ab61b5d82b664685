"""Load INEI's district population (data/population/) into ``Ubigeo.population``.

Districts get their own figure; provinces and departments the sum of their districts. Idempotent:
only units whose figure changes are written, so a second run writes nothing. Run after
``load_territory`` (``setup_willaq`` runs both).
"""

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from willaq.territory.models import Level, Ubigeo

DEFAULT_FILE = Path(settings.BASE_DIR) / "data" / "population" / "district_population_inei_2017.csv"


def read_population(path: Path) -> tuple[dict[str, int], int]:
    """{district code: inhabitants} and the year of the figures."""
    if not path.exists():
        raise CommandError(f"No se encontró el archivo {path}.")
    figures: dict[str, int] = {}
    years: set[int] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            code = (row.get("ubigeo") or "").strip()
            if len(code) != 6 or not code.isdigit():
                raise CommandError(f"Código ubigeo inválido en la línea {line}: {code!r}.")
            try:
                inhabitants = int(row["population"])
                years.add(int(row["year"]))
            except (KeyError, TypeError, ValueError) as exc:
                raise CommandError(f"Población o año no válidos en la línea {line}.") from exc
            if inhabitants < 0:
                raise CommandError(f"Población negativa en la línea {line}.")
            figures[code] = inhabitants
    if len(years) != 1:
        raise CommandError("El archivo debe traer las cifras de un solo año.")
    return figures, years.pop()


def unit_figures(districts: dict[str, int]) -> dict[str, int]:
    """District figures plus the sums of each province ("150100") and department ("150000")."""
    sums: dict[str, int] = defaultdict(int)
    for code, inhabitants in districts.items():
        sums[code[:4] + "00"] += inhabitants
        sums[code[:2] + "0000"] += inhabitants
    return {**districts, **sums}


class Command(BaseCommand):
    help = "Carga la población INEI por distrito (y sus sumas por provincia y departamento)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE)

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        districts, year = read_population(options["file"])
        figures = unit_figures(districts)
        changed: list[Ubigeo] = []
        unknown = 0
        for unit in Ubigeo.objects.only("id", "code", "level", "population", "population_year"):
            inhabitants = figures.get(unit.code)
            if inhabitants is None and unit.level == Level.DISTRICT:
                unknown += 1
            new_year = year if inhabitants is not None else None
            if (unit.population, unit.population_year) != (inhabitants, new_year):
                unit.population, unit.population_year = inhabitants, new_year
                changed.append(unit)
        Ubigeo.objects.bulk_update(changed, ["population", "population_year"], batch_size=500)
        if options["verbosity"]:
            self.stdout.write(
                f"Población INEI {year}: {len(changed)} unidades actualizadas; "
                f"{unknown} distritos sin cifra propia (creados después)."
            )

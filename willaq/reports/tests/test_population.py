"""INEI's population (data/population/) loaded into the territory: the map's rates use it."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from willaq.territory.management.commands.load_population import DEFAULT_FILE
from willaq.territory.models import Level, Ubigeo

pytestmark = pytest.mark.django_db


def file_figures() -> dict[str, int]:
    with DEFAULT_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["ubigeo"]: int(row["population"]) for row in csv.DictReader(handle)}


def test_districts_get_their_figure_and_provinces_and_departments_the_sums() -> None:
    call_command("load_population", verbosity=0)
    figures = file_figures()
    assert len(figures) == 1832
    assert sum(figures.values()) == 31_930_213
    cusco = Ubigeo.objects.get(code="080101")
    assert cusco.population == figures["080101"]
    assert cusco.population_year == 2017
    department = sum(v for k, v in figures.items() if k.startswith("08"))
    province = sum(v for k, v in figures.items() if k.startswith("0801"))
    assert Ubigeo.objects.get(code="080000").population == department
    assert Ubigeo.objects.get(code="080100").population == province
    departments = Ubigeo.objects.filter(level=Level.DEPARTMENT)
    assert sum(u.population or 0 for u in departments) == 31_930_213


def test_loading_twice_writes_nothing_the_second_time() -> None:
    call_command("load_population", verbosity=0)
    out = StringIO()
    call_command("load_population", stdout=out)
    assert out.getvalue().startswith("Población INEI 2017: 0 unidades actualizadas")


def test_setup_willaq_loads_the_population() -> None:
    call_command("setup_willaq", verbosity=0)
    assert Ubigeo.objects.filter(population__isnull=False).count() > 2000


def test_a_broken_file_is_refused_with_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "population.csv"
    broken.write_text("ubigeo,population,year\n080101,abc,2017\n", encoding="utf-8")
    with pytest.raises(CommandError, match="línea 2"):
        call_command("load_population", file=broken, verbosity=0)
    assert not Ubigeo.objects.filter(population__isnull=False).exists()

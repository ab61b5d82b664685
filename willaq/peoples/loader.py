"""Load the peoples registry shipped in ``data/peoples`` (see its SOURCE.md).

Idempotent: rows are matched by their source key (MINSA code, language number, family name),
updated when the data changed, and nothing registered by institutions is touched. A second run
writes nothing.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from willaq.core.text import fold
from willaq.peoples.choices import Area
from willaq.peoples.models import (
    AlternativeName,
    Language,
    LanguageFamily,
    LanguageVariety,
    Locality,
    People,
)
from willaq.territory.models import Ubigeo

DATA_DIR = Path(settings.BASE_DIR) / "data" / "peoples"
PEOPLES_FILE = "pueblos_indigenas_55.csv"
LANGUAGES_FILE = "lenguas_indigenas_48.csv"
FAMILIES_FILE = "familias_lenguas.csv"
LINKS_FILE = "pueblos_lenguas_departamentos.csv"

_AREAS = {"andino": Area.ANDEAN, "andina": Area.ANDEAN}


@dataclass
class LoadResult:
    peoples: int
    languages: int
    families: int
    created: int


def _rows(name: str, data_dir: Path) -> list[dict[str, str]]:
    with (data_dir / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _split(value: str, sep: str) -> list[str]:
    return [part.strip() for part in value.split(sep) if part.strip()]


def _slug(name: str) -> str:
    return slugify(fold(name).replace("ɨ", "i"))


@transaction.atomic
def load_peoples(data_dir: Path = DATA_DIR) -> LoadResult:
    created = 0
    families: dict[str, LanguageFamily] = {}
    family_of = {r["lengua"]: r["familia"] for r in _rows(FAMILIES_FILE, data_dir)}
    for family_name in sorted(set(family_of.values())):
        family, new = LanguageFamily.objects.update_or_create(
            slug=_slug(family_name), defaults={"name": family_name}
        )
        families[family_name] = family
        created += new
    languages: dict[str, Language] = {}
    for row in _rows(LANGUAGES_FILE, data_dir):
        name = row["lengua"].strip()
        language = Language.objects.filter(number=int(row["n"])).first()
        wanted = {
            "slug": _slug(name),
            "name": name,
            "area": _AREAS.get(row["ambito"], Area.AMAZONIAN),
            "family": families.get(family_of.get(name, "")),
        }
        if language is None:
            language = Language(number=int(row["n"]), **wanted)
            language.save()
            created += 1
        elif any(getattr(language, k) != v for k, v in wanted.items()):
            for key, value in wanted.items():
                setattr(language, key, value)
            language.save()
        languages[name] = language
        for variety in _split(row["variedades_bdpi_minedu_2018"], ";"):
            created += LanguageVariety.objects.get_or_create(language=language, name=variety)[1]
    links = {r["codigo_etnia_minsa"]: r for r in _rows(LINKS_FILE, data_dir)}
    departments = {u.code: u for u in Ubigeo.objects.departments()}
    for row in _rows(PEOPLES_FILE, data_dir):
        code, name = row["codigo_etnia_minsa"].strip(), row["pueblo"].strip()
        alternatives = _split(row["otras_denominaciones"], ",")
        search_text = " ".join(fold(n) for n in [name, *alternatives])
        people, new = People.objects.update_or_create(
            minsa_code=code,
            defaults={
                "slug": _slug(name),
                "name": name,
                "area": _AREAS.get(row["ambito"], Area.AMAZONIAN),
                "search_text": search_text,
            },
        )
        created += new
        for alternative in alternatives:
            created += AlternativeName.objects.get_or_create(people=people, name=alternative)[1]
        link = links.get(code, {"lenguas": "", "departamentos": ""})
        wanted_languages = [languages[n] for n in _split(link["lenguas"], ";")]
        if {lang.pk for lang in people.languages.all()} != {lang.pk for lang in wanted_languages}:
            people.languages.set(wanted_languages)
        for department_code in _split(link["departamentos"], ";"):
            department = departments.get(department_code)
            if department is None:  # territory not loaded yet: load_territory runs first
                continue
            created += Locality.objects.get_or_create(
                people=people, ubigeo=department, name="", defaults={"from_registry": True}
            )[1]
    return LoadResult(
        peoples=People.objects.count(),
        languages=Language.objects.count(),
        families=LanguageFamily.objects.count(),
        created=created,
    )

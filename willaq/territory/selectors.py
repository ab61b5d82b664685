"""Reads of Peru's territory: by code, by name (ignoring accents and case), and by point.

`locate_point` answers with the shipped boundaries in static/geo/ (INEI 2007 limits, simplified):
the district whose polygon holds the point or, where the district was created after 2007 and has
no polygon, the department.
"""

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When
from shapely import STRtree
from shapely.geometry import Point, shape
from shapely.prepared import PreparedGeometry, prep

from willaq.core.text import fold
from willaq.territory.models import Level, Ubigeo

GEO_DIR = Path(settings.BASE_DIR) / "static" / "geo"
DISTRICTS_GEOJSON = "peru_distrital_simple.geojson"
DEPARTMENTS_GEOJSON = "peru_departamental_simple.geojson"
# The simplified shapes cut capes, beaches and border towns by up to ~1.5 km (La Punta, Pucusana,
# Iñapari): a point this close to a department (in degrees, ~2 km) still belongs to it.
COAST_TOLERANCE_DEGREES = 0.02

LEVEL_ORDER = Case(
    When(level=Level.DEPARTMENT, then=Value(0)),
    When(level=Level.PROVINCE, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def normalize_code(code: str) -> str | None:
    """ "020000" stays; "02" and "0201" (the GeoJSON's short codes) are padded; else None."""
    code = code.strip()
    if not code.isdigit() or len(code) not in (2, 4, 6):
        return None
    return code.ljust(6, "0")


def get_by_code(code: str) -> Ubigeo | None:
    normalized = normalize_code(code)
    if normalized is None:
        return None
    return Ubigeo.objects.select_related("parent__parent").filter(code=normalized).first()


def find_by_name(name: str, level: str | None = None) -> QuerySet[Ubigeo]:
    """Units named exactly `name`, ignoring accents and case: "ANCASH" finds Áncash."""
    units = Ubigeo.objects.named(name)
    if level:
        units = units.filter(level=level)
    return units.select_related("parent__parent").order_by(LEVEL_ORDER, "code")


def search(query: str, level: str | None = None, limit: int = 20) -> list[Ubigeo]:
    """Units whose folded name starts with, then contains, `query`; larger units first."""
    key = fold(query)
    if not key:
        return []
    units = Ubigeo.objects.filter(search_name__contains=key)
    if level:
        units = units.filter(level=level)
    ranked = units.annotate(
        starts=Case(
            When(search_name__startswith=key, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        level_order=LEVEL_ORDER,
    )
    ranked = ranked.select_related("parent__parent")
    return list(ranked.order_by("starts", "level_order", "search_name")[:limit])


def by_codes(codes: list[str]) -> list[Ubigeo]:
    """The units of these codes, in the order given, each once; unknown codes are left out."""
    found = {
        u.code: u for u in Ubigeo.objects.filter(code__in=codes).select_related("parent__parent")
    }
    return [found[code] for code in dict.fromkeys(codes) if code in found]


def children_of(parent: Ubigeo | None) -> QuerySet[Ubigeo]:
    """The departments (no parent), a department's provinces or a province's districts.

    Sorted by the folded name, so "Áncash" sits between Amazonas and Apurímac.
    """
    if parent is None:
        return Ubigeo.objects.departments().order_by("search_name")
    return parent.children.order_by("search_name")


@dataclass(frozen=True)
class _BoundaryIndex:
    codes: list[str]
    shapes: list[PreparedGeometry]
    tree: STRtree

    def containing(self, point: Point) -> str | None:
        for index in self.tree.query(point):
            if self.shapes[int(index)].intersects(point):
                return self.codes[int(index)]
        return None

    def nearest(self, point: Point, max_distance: float) -> str | None:
        indices = self.tree.query_nearest(point, max_distance=max_distance, all_matches=False)
        return self.codes[int(indices[0])] if len(indices) else None


def _build_index(filename: str, code_property: str) -> _BoundaryIndex:
    with (GEO_DIR / filename).open(encoding="utf-8") as handle:
        features: list[dict[str, Any]] = json.load(handle)["features"]
    codes: list[str] = []
    geometries = []
    for feature in features:
        # 8 districts have a null geometry in the source: skip them.
        if feature.get("geometry") is None:
            continue
        codes.append(str(feature["properties"][code_property]).ljust(6, "0"))
        geometries.append(shape(feature["geometry"]))
    shapes = [prep(geometry) for geometry in geometries]
    return _BoundaryIndex(codes=codes, shapes=shapes, tree=STRtree(geometries))


@functools.cache
def _district_index() -> _BoundaryIndex:
    return _build_index(DISTRICTS_GEOJSON, "IDDIST")


@functools.cache
def _department_index() -> _BoundaryIndex:
    return _build_index(DEPARTMENTS_GEOJSON, "FIRST_IDDP")


def locate_point(latitude: float, longitude: float) -> Ubigeo | None:
    """The district whose boundary holds the point; else the department that holds it, or lies
    within ~2 km of it (simplified coast and borders, districts without a polygon); else None.

    Islands of Lake Titicaca (Amantaní, Tinicachi) lie outside every shipped polygon: None.
    """
    point = Point(longitude, latitude)
    candidates = (
        _district_index().containing(point),
        _department_index().containing(point),
        _department_index().nearest(point, COAST_TOLERANCE_DEGREES),
    )
    for code in candidates:
        unit = get_by_code(code) if code else None
        if unit is not None:
            return unit
    return None

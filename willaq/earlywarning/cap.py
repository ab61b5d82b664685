"""Alerts as OASIS CAP 1.2 documents (``urn:oasis:names:tc:emergency:cap:1.2``).

One ``<alert>`` per Willaq alert (an update or a cancellation is its own document whose
``references`` names the original and the earlier updates), with one ``<info>`` in Spanish
(``es-PE``) and one ``<area>``: its description, the boundary polygons of its ubigeo units (from
the shipped GeoJSON in ``static/geo/``, simplified so a department stays a few kilobytes), a
circle for a point with a radius, the drawn polygon, and one ``UBIGEO`` geocode per unit.

Choices:
- ``category`` is **Safety** ("general emergency and public safety"): a social conflict's alert
  asks institutions to prevent violence and protect people; **Security** ("law enforcement,
  military, homeland and local/private security") would frame it as a police matter.
- ``sent`` and ``expires`` are written in Lima's time with its offset and without microseconds,
  as the schema's pattern demands (``2025-04-02T10:15:00-05:00``).
- ``sender`` is ``settings.WILLAQ_CAP_SENDER`` or else the host of ``WILLAQ_BASE_URL``.
- The schema shipped in ``schemas/CAP-v1.2.xsd`` is the official OASIS one (``cap_schema()``).
"""

import functools
import json
import math
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from lxml import etree
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from willaq.earlywarning.choices import CAP_SEVERITY, AlertMessageType
from willaq.earlywarning.models import Alert
from willaq.earlywarning.selectors_alerts import earlier_messages
from willaq.territory.models import Ubigeo

CAP_NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
CAP_CONTENT_TYPE = "application/cap+xml"
CAP_LANGUAGE = "es-PE"
CAP_CATEGORY = "Safety"
SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "CAP-v1.2.xsd"

GEO_DIR = Path(settings.BASE_DIR) / "static" / "geo"
# Each level's boundaries and the property holding its (2-, 4- or 6-digit) code.
BOUNDARY_FILES: dict[str, tuple[str, str]] = {
    "department": ("peru_departamental_simple.geojson", "FIRST_IDDP"),
    "province": ("peru_provincial_simple.geojson", "FIRST_IDPR"),
    "district": ("peru_distrital_simple.geojson", "IDDIST"),
}
# A unit's polygons together keep at most this many points (a department: ~3 kB of text).
MAX_POINTS_PER_UNIT = 200
# Islands and slivers smaller than this share of the unit's largest part are left out.
MIN_PART_SHARE = 0.01
COORDINATE_DECIMALS = 4  # ~11 m, finer than the simplified boundaries


def _tag(name: str) -> str:
    return f"{{{CAP_NAMESPACE}}}{name}"


def _sub(parent: Any, name: str, text: str) -> Any:
    element = etree.SubElement(parent, _tag(name))
    element.text = text
    return element


# --- values -------------------------------------------------------------------------------------


def cap_sender() -> str:
    configured: str = getattr(settings, "WILLAQ_CAP_SENDER", "")
    if configured:
        return configured
    return urlsplit(settings.WILLAQ_BASE_URL).hostname or "willaq"


def cap_datetime(value: Any) -> str:
    """ISO 8601 in Lima's time with its offset, without microseconds."""
    local = value.astimezone(ZoneInfo(settings.TIME_ZONE)).replace(microsecond=0)
    return str(local.isoformat())


def cap_reference(alert: Alert) -> str:
    """How another CAP message names this one: ``sender,identifier,sent``."""
    return f"{cap_sender()},{alert.identifier},{cap_datetime(alert.sent_at)}"


def cap_references(alert: Alert) -> str:
    """A follow-up's ``references``: the original and the earlier updates, space-separated."""
    return " ".join(cap_reference(message) for message in earlier_messages(alert))


def absolute_url(path: str) -> str:
    return f"{settings.WILLAQ_BASE_URL.rstrip('/')}{path}"


def alert_page_url(alert: Alert) -> str:
    return absolute_url(reverse("earlywarning:alert_detail", kwargs={"alert_uuid": alert.uuid}))


def cap_document_url(alert: Alert) -> str:
    return absolute_url(reverse("earlywarning:alert_cap", kwargs={"alert_uuid": alert.uuid}))


# --- boundaries ---------------------------------------------------------------------------------


def unit_level(code: str) -> str:
    if code.endswith("0000"):
        return "department"
    if code.endswith("00"):
        return "province"
    return "district"


@functools.cache
def _boundaries(level: str) -> dict[str, BaseGeometry]:
    """Every unit of one level by its 6-digit code, read once (the district file is 1.8 MB, so
    each level is loaded only when an alert first needs it). A code split into several features
    in the source (provinces 2001, 0510) becomes their union."""
    filename, code_property = BOUNDARY_FILES[level]
    with (GEO_DIR / filename).open(encoding="utf-8") as handle:
        features: list[dict[str, Any]] = json.load(handle)["features"]
    parts: dict[str, list[BaseGeometry]] = {}
    for feature in features:
        if feature.get("geometry") is None:  # 8 districts have none in the source
            continue
        code = str(feature["properties"][code_property]).ljust(6, "0")
        parts.setdefault(code, []).append(shape(feature["geometry"]))
    return {
        code: geometries[0] if len(geometries) == 1 else unary_union(geometries)
        for code, geometries in parts.items()
    }


def _rings(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    return []


def _cap_polygon(polygon: Polygon) -> str | None:
    """The exterior ring as CAP writes it: "lat,lon" pairs, first = last, at least 4 points."""
    points: list[tuple[float, float]] = []
    for lon, lat, *_rest in polygon.exterior.coords:
        point = (round(lat, COORDINATE_DECIMALS), round(lon, COORDINATE_DECIMALS))
        if not points or points[-1] != point:
            points.append(point)
    if points and points[0] != points[-1]:
        points.append(points[0])
    if len(points) < 4:
        return None
    return " ".join(f"{lat},{lon}" for lat, lon in points)


@functools.lru_cache(maxsize=2048)
def unit_polygons(code: str) -> tuple[str, ...]:
    """A unit's boundary as CAP polygons (several for a unit with islands or separate parts),
    simplified to at most MAX_POINTS_PER_UNIT points; empty when the shipped boundaries lack it
    (districts created after 2007: the geocode still names them)."""
    geometry = _boundaries(unit_level(code)).get(code)
    if geometry is None:
        return ()
    parts = _rings(geometry)
    largest = max((part.area for part in parts), default=0.0)
    parts = [part for part in parts if part.area >= largest * MIN_PART_SHARE]
    tolerance = 0.0
    while True:
        simplified = [
            part.simplify(tolerance, preserve_topology=True) if tolerance else part
            for part in parts
        ]
        rings = [ring for ring in simplified if isinstance(ring, Polygon) and not ring.is_empty]
        if sum(len(ring.exterior.coords) for ring in rings) <= MAX_POINTS_PER_UNIT:
            break
        tolerance = tolerance * 2 if tolerance else 0.002
    return tuple(text for ring in rings if (text := _cap_polygon(ring)) is not None)


def circle_text(latitude: float, longitude: float, radius_km: float) -> str:
    return f"{latitude},{longitude} {_number(radius_km)}"


def _number(value: float) -> str:
    return str(int(value)) if math.isclose(value, int(value)) else f"{value:g}"


# --- the document -------------------------------------------------------------------------------


def _restriction(alert: Alert) -> str:
    names = [i.acronym or i.name for i in [alert.institution, *alert.recipients.all()]]
    return _("Alerta restringida: solo para %(names)s.") % {
        "names": ", ".join(dict.fromkeys(names))
    }


def _area(info: Any, alert: Alert, units: list[Ubigeo]) -> None:
    area = etree.SubElement(info, _tag("area"))
    _sub(area, "areaDesc", alert.area_description)
    for unit in units:
        for polygon in unit_polygons(unit.code):
            _sub(area, "polygon", polygon)
    if alert.polygon:
        _sub(area, "polygon", alert.polygon)
    if alert.latitude is not None and alert.longitude is not None and alert.radius_km:
        _sub(area, "circle", circle_text(alert.latitude, alert.longitude, alert.radius_km))
    for unit in units:
        geocode = etree.SubElement(area, _tag("geocode"))
        _sub(geocode, "valueName", "UBIGEO")
        _sub(geocode, "value", unit.code)


def build_cap(alert: Alert) -> bytes:
    """The alert's CAP 1.2 document (UTF-8 with its XML declaration). Its texts are Spanish
    whatever the reader's language: the document says ``es-PE``."""
    with translation.override("es"):
        return _build(alert)


def _build(alert: Alert) -> bytes:
    root = etree.Element(_tag("alert"), nsmap={None: CAP_NAMESPACE})
    _sub(root, "identifier", alert.identifier)
    _sub(root, "sender", cap_sender())
    _sub(root, "sent", cap_datetime(alert.sent_at))
    _sub(root, "status", "Actual")
    _sub(root, "msgType", alert.msg_type)
    _sub(root, "scope", "Public" if alert.is_public else "Restricted")
    if not alert.is_public:
        _sub(root, "restriction", _restriction(alert))
    references = cap_references(alert)
    if references:
        _sub(root, "references", references)
    info = etree.SubElement(root, _tag("info"))
    _sub(info, "language", CAP_LANGUAGE)
    _sub(info, "category", CAP_CATEGORY)
    _sub(info, "event", _("Conflicto social"))
    if alert.msg_type == AlertMessageType.CANCEL:
        _sub(info, "responseType", "AllClear")
    _sub(info, "urgency", alert.urgency)
    _sub(info, "severity", CAP_SEVERITY[alert.level])
    _sub(info, "certainty", alert.certainty)
    if alert.expires_at is not None:
        _sub(info, "expires", cap_datetime(alert.expires_at))
    _sub(info, "senderName", alert.institution.name)
    _sub(info, "headline", alert.headline)
    _sub(info, "description", alert.description)
    if alert.instruction:
        _sub(info, "instruction", alert.instruction)
    _sub(info, "web", alert_page_url(alert))
    parameter = etree.SubElement(info, _tag("parameter"))
    _sub(parameter, "valueName", "WILLAQ_NIVEL")
    _sub(parameter, "value", alert.level)
    _area(info, alert, list(alert.area_units.order_by("code")))
    document: bytes = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    return document


@functools.cache
def cap_schema() -> etree.XMLSchema:
    """The official OASIS CAP 1.2 schema shipped with Willaq (see schemas/SOURCE.md)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))

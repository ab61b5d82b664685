"""CAP 1.2 documents of several alerts, each validated inside the test against the official
OASIS schema shipped in willaq/earlywarning/schemas/CAP-v1.2.xsd."""

import datetime as dt
import hashlib
import re

import time_machine
from lxml import etree

from willaq.accounts.models import Institution, User
from willaq.earlywarning import cap
from willaq.earlywarning.choices import AlertLevel, AlertMessageType
from willaq.earlywarning.models import Alert
from willaq.earlywarning.services.alerts import (
    AlertInput,
    cancel_alert,
    issue_alert,
    update_alert,
)

NS = {"cap": cap.CAP_NAMESPACE}
LIMA_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-05:00$")


def alert_input(**extra: object) -> AlertInput:
    values: dict[str, object] = {
        "level": AlertLevel.ORANGE,
        "urgency": "Expected",
        "certainty": "Likely",
        "headline": "Paro indefinido anunciado en Chumbivilcas",
        "description": "Comunidades anuncian un paro indefinido contra el corredor minero.",
        "instruction": "Activar la mesa de diálogo y coordinar con la prefectura.",
        "area_units": ["080000"],
        "is_public": True,
    }
    values.update(extra)
    return AlertInput(**values)  # type: ignore[arg-type]


def valid_document(alert: Alert) -> etree._Element:
    document = cap.build_cap(alert)
    assert document.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = etree.fromstring(document)
    schema = cap.cap_schema()
    assert schema.validate(root), schema.error_log
    assert root.tag == f"{{{cap.CAP_NAMESPACE}}}alert"
    return root


def texts(root: etree._Element, path: str) -> list[str]:
    return [element.text or "" for element in root.xpath(path, namespaces=NS)]


def polygon_points(text: str) -> list[tuple[float, float]]:
    return [(float(a), float(b)) for a, b in (pair.split(",") for pair in text.split())]


def test_the_shipped_schema_is_the_official_oasis_one():
    content = cap.SCHEMA_PATH.read_bytes()
    assert hashlib.md5(content).hexdigest() == "9c51a87f1e1314640f0583e3222089ce"  # noqa: S324
    assert b"Copyright OASIS Open 2010 All Rights Reserved" in content
    assert b'targetNamespace = "urn:oasis:names:tc:emergency:cap:1.2"' in content
    # The schema does refuse a wrong document (a UTC "Z" sent and an unknown scope).
    bad = (
        b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier>'
        b"<sender>s</sender><sent>2025-04-02T10:00:00Z</sent><status>Actual</status>"
        b"<msgType>Alert</msgType><scope>Everyone</scope></alert>"
    )
    assert not cap.cap_schema().validate(etree.fromstring(bad))


@time_machine.travel(dt.datetime(2025, 4, 2, 15, 30, 12, 345678, tzinfo=dt.UTC), tick=False)
def test_department_alert(coordinator: User, owner_institution: Institution, settings):
    settings.WILLAQ_BASE_URL = "https://willaq.example.pe"
    settings.WILLAQ_CAP_SENDER = ""
    expires = dt.datetime(2025, 4, 5, 12, 0, tzinfo=dt.UTC)
    alert = issue_alert(coordinator, owner_institution, alert_input(expires_at=expires))
    root = valid_document(alert)
    assert texts(root, "cap:identifier") == [alert.identifier]
    assert alert.identifier.startswith("willaq-defensoria-20250402103012-")
    assert texts(root, "cap:sender") == ["willaq.example.pe"]
    assert texts(root, "cap:sent") == ["2025-04-02T10:30:12-05:00"]
    assert texts(root, "cap:status") == ["Actual"]
    assert texts(root, "cap:msgType") == ["Alert"]
    assert texts(root, "cap:scope") == ["Public"]
    assert texts(root, "cap:restriction") == []
    assert texts(root, "cap:references") == []
    (info,) = root.xpath("cap:info", namespaces=NS)
    assert texts(info, "cap:language") == ["es-PE"]
    assert texts(info, "cap:category") == ["Safety"]
    assert texts(info, "cap:event") == ["Conflicto social"]
    assert texts(info, "cap:severity") == ["Severe"]  # orange
    assert texts(info, "cap:urgency") == ["Expected"]
    assert texts(info, "cap:certainty") == ["Likely"]
    assert texts(info, "cap:expires") == ["2025-04-05T07:00:00-05:00"]
    assert texts(info, "cap:senderName") == ["Defensoría del Pueblo"]
    assert texts(info, "cap:web") == [f"https://willaq.example.pe/alertas/{alert.uuid}/"]
    assert texts(info, "cap:parameter/cap:value") == ["orange"]
    (area,) = info.xpath("cap:area", namespaces=NS)
    assert texts(area, "cap:areaDesc") == ["Cusco"]
    assert texts(area, "cap:geocode/cap:valueName") == ["UBIGEO"]
    assert texts(area, "cap:geocode/cap:value") == ["080000"]
    assert texts(area, "cap:circle") == []
    polygons = texts(area, "cap:polygon")
    assert len(polygons) >= 1
    total = 0
    for polygon in polygons:
        points = polygon_points(polygon)
        assert len(points) >= 4
        assert points[0] == points[-1]
        total += len(points)
        # "lat,lon": Cusco lies around 11–16 °S, 70–74 °W.
        assert all(-16 < lat < -10.5 and -74.5 < lon < -70 for lat, lon in points)
    assert total <= cap.MAX_POINTS_PER_UNIT + 10
    assert len(cap.build_cap(alert)) < 12_000


def test_district_province_and_several_units(coordinator: User, owner_institution: Institution):
    alert = issue_alert(
        coordinator,
        owner_institution,
        alert_input(area_units=["080701", "080700", "150132"], area_description=""),
    )
    root = valid_document(alert)
    assert texts(root, "//cap:geocode/cap:value") == ["080700", "080701", "150132"]
    # Each unit brings at least one polygon from the shipped boundaries.
    assert len(texts(root, "//cap:polygon")) >= 3
    assert texts(root, "//cap:areaDesc")[0].startswith("Santo Tomás, Chumbivilcas, Cusco")


def test_district_without_a_shipped_boundary_keeps_its_geocode(
    coordinator: User, owner_institution: Institution
):
    # 210103 Amantaní has no geometry in the 2007 boundaries.
    alert = issue_alert(coordinator, owner_institution, alert_input(area_units=["210103"]))
    root = valid_document(alert)
    assert texts(root, "//cap:polygon") == []
    assert texts(root, "//cap:geocode/cap:value") == ["210103"]


def test_point_with_radius(coordinator: User, owner_institution: Institution):
    alert = issue_alert(
        coordinator,
        owner_institution,
        alert_input(area_units=["080701"], latitude=-14.4505, longitude=-72.0823, radius_km=15),
    )
    root = valid_document(alert)
    assert texts(root, "//cap:circle") == ["-14.4505,-72.0823 15"]


def test_drawn_polygon(coordinator: User, owner_institution: Institution):
    drawn = "-14.40,-72.10 -14.40,-72.00 -14.50,-72.00 -14.50,-72.10 -14.40,-72.10"
    alert = issue_alert(
        coordinator,
        owner_institution,
        alert_input(area_units=["080701"], polygon=drawn, area_description="Corredor minero"),
    )
    root = valid_document(alert)
    assert drawn in texts(root, "//cap:polygon")
    assert texts(root, "//cap:areaDesc") == ["Corredor minero"]


def test_restricted_alert(
    coordinator: User, owner_institution: Institution, other_institution: Institution
):
    alert = issue_alert(
        coordinator,
        owner_institution,
        alert_input(is_public=False, recipients=["onds"], level=AlertLevel.RED),
    )
    root = valid_document(alert)
    assert texts(root, "cap:scope") == ["Restricted"]
    (restriction,) = texts(root, "cap:restriction")
    assert "DP" in restriction
    assert "ONDS" in restriction
    assert texts(root, "//cap:severity") == ["Extreme"]


def test_update_and_cancellation_reference_the_thread(
    coordinator: User, owner_institution: Institution, settings
):
    settings.WILLAQ_CAP_SENDER = "alertas.defensoria.gob.pe"
    with time_machine.travel(dt.datetime(2025, 4, 2, 15, 0, tzinfo=dt.UTC), tick=False):
        original = issue_alert(coordinator, owner_institution, alert_input())
    with time_machine.travel(dt.datetime(2025, 4, 3, 15, 0, tzinfo=dt.UTC), tick=False):
        update = update_alert(
            coordinator, original, alert_input(level=AlertLevel.RED, urgency="Immediate")
        )
    with time_machine.travel(dt.datetime(2025, 4, 4, 15, 0, tzinfo=dt.UTC), tick=False):
        cancellation = cancel_alert(coordinator, update, "Se firmó un acta de acuerdos.")
    assert update.references == original
    assert cancellation.references == original
    first = f"alertas.defensoria.gob.pe,{original.identifier},2025-04-02T10:00:00-05:00"
    second = f"alertas.defensoria.gob.pe,{update.identifier},2025-04-03T10:00:00-05:00"

    root = valid_document(update)
    assert texts(root, "cap:msgType") == ["Update"]
    assert texts(root, "cap:references") == [first]
    assert texts(root, "//cap:severity") == ["Extreme"]

    root = valid_document(cancellation)
    assert texts(root, "cap:msgType") == [AlertMessageType.CANCEL]
    assert texts(root, "cap:references") == [f"{first} {second}"]
    assert texts(root, "//cap:description") == ["Se firmó un acta de acuerdos."]
    assert texts(root, "//cap:responseType") == ["AllClear"]
    assert texts(root, "//cap:sent") == ["2025-04-04T10:00:00-05:00"]
    assert LIMA_OFFSET.match(texts(root, "cap:sent")[0])


def test_polygons_of_every_department_are_valid_cap():
    for code in [f"{n:02d}0000" for n in range(1, 26)]:
        polygons = cap.unit_polygons(code)
        assert polygons, code
        for polygon in polygons:
            points = polygon_points(polygon)
            assert len(points) >= 4, code
            assert points[0] == points[-1], code
            assert all(-19 < lat < 0.5 and -82 < lon < -68 for lat, lon in points), code
        assert sum(len(polygon_points(p)) for p in polygons) <= cap.MAX_POINTS_PER_UNIT + 25

"""Lookups by code, by name (accents and case ignored) and by point."""

import pytest

from willaq.territory import selectors
from willaq.territory.models import Level

pytestmark = pytest.mark.django_db


def test_get_by_code() -> None:
    unit = selectors.get_by_code("150132")
    assert unit is not None
    assert unit.name == "San Juan de Lurigancho"
    assert unit.full_name() == "San Juan de Lurigancho, Lima, Lima"
    assert selectors.get_by_code(" 02 ") == selectors.get_by_code("020000")  # GeoJSON short code
    assert selectors.get_by_code("999999") is None
    assert selectors.get_by_code("15013") is None
    assert selectors.get_by_code("abc") is None


@pytest.mark.parametrize("name", ["Ancash", "ÁNCASH", "Áncash", " ancash "])
def test_find_by_name_ignores_accents_and_case(name: str) -> None:
    assert [u.code for u in selectors.find_by_name(name)] == ["020000"]


@pytest.mark.parametrize("name", ["Cañete", "canete", "CANETE"])
def test_find_by_name_with_enye(name: str) -> None:
    assert [u.code for u in selectors.find_by_name(name)] == ["150500"]


def test_find_by_name_filters_by_level() -> None:
    # Lima is a department, a province and a district.
    assert [u.level for u in selectors.find_by_name("lima")] == [
        Level.DEPARTMENT,
        Level.PROVINCE,
        Level.DISTRICT,
    ]
    assert [u.code for u in selectors.find_by_name("Lima", level=Level.DISTRICT)] == ["150101"]
    assert not selectors.find_by_name("Atlantis").exists()


def test_search_puts_prefix_matches_and_larger_units_first() -> None:
    found = selectors.search("lurigancho")
    assert [u.code for u in found] == ["150118", "150132"]  # Lurigancho, San Juan de Lurigancho
    assert selectors.search("SAN MARTIN")[0].code == "220000"
    assert len(selectors.search("san")) == 20
    assert selectors.search("  ") == []


def test_locate_point_in_a_capital() -> None:
    lima = selectors.get_by_code("150101")
    assert lima is not None
    assert selectors.locate_point(-12.0453, -77.0311) == lima  # Plaza Mayor de Lima
    # Huaraz's main square lies on its border with Independencia: the department is certain.
    huaraz = selectors.locate_point(-9.5297, -77.5292)
    assert huaraz is not None
    assert huaraz.department_code == "020000"
    assert huaraz.level == Level.DISTRICT


def test_locate_point_falls_back_to_the_department() -> None:
    # La Punta (Callao) has no polygon in the 2007 data and sits on a cape the simplified
    # department shape cuts off.
    found = selectors.locate_point(-12.0722, -77.1631)  # capital of La Punta
    assert found is not None
    assert found.code == "070000"


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(-12.0, -80.0), (-16.5, -68.15), (0.0, 0.0), (-3.0, -60.0)],  # Pacific, La Paz, Gulf, Brazil
)
def test_locate_point_outside_peru(latitude: float, longitude: float) -> None:
    assert selectors.locate_point(latitude, longitude) is None

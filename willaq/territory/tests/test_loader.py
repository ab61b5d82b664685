"""load_territory: counts, hierarchy, readable names, and a second run that changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from willaq.territory.models import Level, Ubigeo

pytestmark = pytest.mark.django_db


def _snapshot() -> dict[str, tuple[object, ...]]:
    fields = [f.attname for f in Ubigeo._meta.concrete_fields]
    return {row[1]: row for row in Ubigeo.objects.values_list(*fields).order_by("code")}


def test_counts_per_level() -> None:
    assert Ubigeo.objects.departments().count() == 25
    assert Ubigeo.objects.provinces().count() == 196
    assert Ubigeo.objects.districts().count() == 1892


def test_every_district_hangs_from_a_province_of_a_department() -> None:
    districts = Ubigeo.objects.districts().select_related("parent__parent")
    for district in districts:
        province = district.parent
        assert province is not None, district.code
        assert province.level == Level.PROVINCE, district.code
        assert province.parent is not None, district.code
        assert province.parent.level == Level.DEPARTMENT, district.code
        assert province.parent.code == district.department_code == district.code[:2] + "0000"
        assert district.province_code == province.code
    assert not Ubigeo.objects.departments().filter(parent__isnull=False).exists()


def test_codes_keep_their_leading_zeros() -> None:
    amazonas = Ubigeo.objects.get(code="010000")
    assert amazonas.name == "Amazonas"
    assert Ubigeo.objects.get(code="010101").name == "Chachapoyas"
    assert not Ubigeo.objects.exclude(code__regex=r"^[0-9]{6}$").exists()


def test_second_run_changes_nothing() -> None:
    before = _snapshot()
    out = StringIO()
    call_command("load_territory", stdout=out)
    assert _snapshot() == before
    report = out.getvalue()
    assert "distritos: 1892 en total, 0 creados, 0 actualizados." in report
    assert "provincias: 196 en total, 0 creados, 0 actualizados." in report


def test_run_restores_edited_and_missing_units() -> None:
    Ubigeo.objects.filter(code="150132").update(name="Otro nombre", search_name="otro nombre")
    Ubigeo.objects.filter(code="250307").delete()  # a district nobody points to
    out = StringIO()
    call_command("load_territory", stdout=out)
    restored = Ubigeo.objects.get(code="150132")
    assert restored.name == "San Juan de Lurigancho"
    assert restored.search_name == "san juan de lurigancho"
    assert Ubigeo.objects.get(code="250307").parent == Ubigeo.objects.get(code="250300")
    assert "distritos: 1892 en total, 1 creados, 1 actualizados." in out.getvalue()


def test_row_without_code_is_skipped_and_reported() -> None:
    out = StringIO()
    call_command("load_territory", stdout=out)
    assert "SAN ANTONIO (MARISCAL NIETO, MOQUEGUA)" in out.getvalue()


def test_silent_at_verbosity_zero() -> None:
    out, err = StringIO(), StringIO()
    call_command("load_territory", verbosity=0, stdout=out, stderr=err)
    assert out.getvalue() == err.getvalue() == ""


def test_readable_names_with_accents_and_small_words() -> None:
    names = dict(
        Ubigeo.objects.filter(
            code__in=[
                "020000", "030000", "100000", "120000", "220000", "170000",
                "150132", "150133", "150500", "200306", "080918",
            ]
        ).values_list("code", "name")
    )  # fmt: skip
    assert names == {
        "020000": "Áncash",
        "030000": "Apurímac",
        "100000": "Huánuco",
        "120000": "Junín",
        "220000": "San Martín",
        "170000": "Madre de Dios",
        "150132": "San Juan de Lurigancho",
        "150133": "San Juan de Miraflores",
        "150500": "Cañete",
        "200306": "San Miguel de El Faique",
        "080918": "Unión Asháninka",
    }
    assert Ubigeo.objects.get(code="150129").name == "San Bartolo"
    assert Ubigeo.objects.get(code="150138").name == "Santa María del Mar"


def test_missing_coordinates_and_area_stay_empty() -> None:
    putis = Ubigeo.objects.get(code="050413")
    assert (putis.latitude, putis.longitude, putis.area_km2) == (None, None, None)
    huaraz = Ubigeo.objects.get(code="020101")
    assert huaraz.latitude == pytest.approx(-9.5297, abs=1e-3)
    assert huaraz.capital == "Huaraz"
    assert Ubigeo.objects.filter(latitude__isnull=True).count() == 18

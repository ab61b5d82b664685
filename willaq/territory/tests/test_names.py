"""readable_name: capitals, small words and accents from the dictionary."""

import pytest

from willaq.territory.names import accent_dictionary, readable_name

ACCENTS = accent_dictionary(["Villa María del Triunfo", "Huancané", "Maria Parado"])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("SAN JUAN DE LURIGANCHO", "San Juan de Lurigancho"),
        ("SANTA MARIA DEL MAR", "Santa María del Mar"),  # "María" outnumbers "Maria"
        ("LA LIBERTAD", "La Libertad"),  # a leading article is capitalised
        ("CARMEN DE LA LEGUA REYNOSO", "Carmen de la Legua Reynoso"),
        ("SAN MIGUEL DE EL FAIQUE", "San Miguel de El Faique"),  # "de El" is part of the name
        ("HUANCANE", "Huancané"),
        ("DATEM DEL MARAÑON", "Datem del Marañón"),  # keeps the ñ it had, gains the accent
        ("ANCO-HUALLO", "Anco-Huallo"),
        ("ÑAHUIMPUQUIO", "Ñahuimpuquio"),
        ("  CAJAMARCA ", "Cajamarca"),
    ],
)
def test_readable_name(raw: str, expected: str) -> None:
    assert readable_name(raw, ACCENTS) == expected


def test_dictionary_keeps_only_accented_spellings() -> None:
    assert ACCENTS["huancane"] == "huancané"
    assert "villa" not in ACCENTS

"""Peru's national holidays (feriados nacionales del sector público) for a year, for
``manage.py load_holidays``.

When the ``holidays`` package is installed its Peru calendar is used; otherwise these rules,
which follow the same sources (gob.pe/feriados; Leyes 31530 of 2022, 31645 of 2022 and 31788 of
2023 for the holidays added since): fixed days, and Holy Thursday and Good Friday from Easter.
"""

import datetime as dt
import importlib
from typing import Any

# (month, day, name, first year)
FIXED: tuple[tuple[int, int, str, int], ...] = (
    (1, 1, "Año Nuevo", 0),
    (5, 1, "Día del Trabajo", 0),
    (6, 7, "Batalla de Arica y Día de la Bandera", 2024),
    (6, 29, "San Pedro y San Pablo", 0),
    (7, 23, "Día de la Fuerza Aérea del Perú", 2023),
    (7, 28, "Día de la Independencia", 0),
    (7, 29, "Día de la Gran Parada Militar", 0),
    (8, 6, "Batalla de Junín", 2022),
    (8, 30, "Santa Rosa de Lima", 0),
    (10, 8, "Combate de Angamos", 0),
    (11, 1, "Todos los Santos", 0),
    (12, 8, "Inmaculada Concepción", 0),
    (12, 9, "Batalla de Ayacucho", 2022),
    (12, 25, "Navidad del Señor", 0),
)


def easter_sunday(year: int) -> dt.date:
    """Western Easter (the anonymous Gregorian computus)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _rules(year: int) -> dict[dt.date, str]:
    days = {dt.date(year, m, d): name for m, d, name, since in FIXED if year >= since}
    easter = easter_sunday(year)
    days[easter - dt.timedelta(days=3)] = "Jueves Santo"
    days[easter - dt.timedelta(days=2)] = "Viernes Santo"
    return days


def _package() -> Any | None:
    try:
        return importlib.import_module("holidays")
    except ImportError:
        return None


def peru_holidays(years: range) -> dict[dt.date, str]:
    """The national holidays of ``years`` (date → name in Spanish), weekdays and weekends."""
    package = _package()
    if package is not None:
        calendar = package.country_holidays("PE", years=list(years), language="es")
        found: dict[dt.date, str] = {day: str(name) for day, name in calendar.items()}
        return found
    days: dict[dt.date, str] = {}
    for year in years:
        days |= _rules(year)
    return days

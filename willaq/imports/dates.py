"""Dates as offices write them: 31/12/2019, 2019-12-31, "dic-2019", "diciembre de 2019",
"2019", an Excel serial (43830) or a date cell. Each gives the date and how much of it is known
(day, month or year), as ``Case.start_date_precision`` needs."""

import datetime as dt
import re

from django.utils.translation import gettext as _

from willaq.cases.choices import StartDatePrecision
from willaq.core.text import fold

MONTHS = {
    "ene": 1,
    "enero": 1,
    "feb": 2,
    "febrero": 2,
    "mar": 3,
    "marzo": 3,
    "abr": 4,
    "abril": 4,
    "may": 5,
    "mayo": 5,
    "jun": 6,
    "junio": 6,
    "jul": 7,
    "julio": 7,
    "ago": 8,
    "agosto": 8,
    "set": 9,
    "sep": 9,
    "sept": 9,
    "setiembre": 9,
    "septiembre": 9,
    "oct": 10,
    "octubre": 10,
    "nov": 11,
    "noviembre": 11,
    "dic": 12,
    "diciembre": 12,
    # English abbreviations (files exported from English-language Excel)
    "jan": 1,
    "apr": 4,
    "aug": 8,
    "dec": 12,
}

# Excel's day 0 (its 1900 system counts the nonexistent 29 Feb 1900, hence the 30th).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serials from 1980 to 2100: a number outside is not a date (a year, a count).
_SERIAL_RANGE = (29221, 73415)

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$")
_MY = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_MONTH_YEAR = re.compile(r"^([a-z]+)\.?(?:[\s/.\-]+(?:de(?:l)?\s+)?)(\d{2}|\d{4})$")
_YEAR = re.compile(r"^(\d{4})(?:\.0)?$")


class DateError(ValueError):
    pass


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # "19" is 2019, "98" is 1998
        year += 2000 if year < 70 else 1900
    return year


def _make(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise DateError(_("No es una fecha válida.")) from exc


def parse_date(value: object) -> tuple[dt.date, str]:
    """(date, precision) or ``DateError`` with a Spanish message. Only a month or a year known
    gives its first day."""
    if isinstance(value, dt.datetime):
        return value.date(), StartDatePrecision.DAY
    if isinstance(value, dt.date):
        return value, StartDatePrecision.DAY
    if isinstance(value, bool):
        raise DateError(_("No es una fecha."))
    if isinstance(value, int | float):
        if float(value).is_integer() and 1900 <= value <= 2100:
            return dt.date(int(value), 1, 1), StartDatePrecision.YEAR
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value)), StartDatePrecision.DAY
        raise DateError(_("El número %(value)s no es una fecha.") % {"value": value})
    text = fold(str(value)).replace(" de ", " ")
    if not text:
        raise DateError(_("Fecha vacía."))
    if match := _YEAR.match(text):
        return dt.date(int(match[1]), 1, 1), StartDatePrecision.YEAR
    if match := _YMD.match(text):
        return _make(int(match[1]), int(match[2]), int(match[3])), StartDatePrecision.DAY
    if match := _DMY.match(text):
        return (
            _make(_year(match[3]), int(match[2]), int(match[1])),
            StartDatePrecision.DAY,
        )
    if match := _MY.match(text):
        return _make(int(match[2]), int(match[1]), 1), StartDatePrecision.MONTH
    if match := _MONTH_YEAR.match(text):
        month = MONTHS.get(match[1])
        if month is None:
            raise DateError(_("Mes desconocido: «%(month)s».") % {"month": match[1]})
        return _make(_year(match[2]), month, 1), StartDatePrecision.MONTH
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return parse_date(float(text))
    raise DateError(
        _("No se reconoce la fecha «%(value)s» (use 31/12/2019, 2019-12-31, dic-2019 o 2019).")
        % {"value": value}
    )

"""The map's grid and calendar blocks, shared by the map (``map.py``) and its events summary
(``map_summary.py``).

The grid of zoom ``z`` has square cells ``cell_degrees(z)`` = 84.375 / 2^z degrees wide (about
``CELL_PIXELS`` screen pixels); every size is exact in binary floating point and each is twice
the next zoom's, so a point's cell at zoom ``z`` is its cell at a finer zoom ``Z`` shifted right
by ``Z - z`` bits: ``floor(x / s_z) == floor(x / s_Z) >> (Z - z)`` exactly, the database's
floating-point division included.

A period of days is read as whole years, whole months, whole ten-day parts of a month (days
1–10, 11–20, 21–end) and the days left over at either end (``split_period``).
"""

import datetime as dt
from dataclasses import dataclass

CELL_PIXELS = 60
TILE_PIXELS = 256
DAY = dt.timedelta(days=1)


def cell_degrees(zoom: int) -> float:
    """Width of a grid cell in degrees at this zoom (Web Mercator tiles are 360/2^z wide)."""
    return 360.0 / 2**zoom * CELL_PIXELS / TILE_PIXELS


def month_index(day: dt.date) -> int:
    """Months counted from year 0: a range of months is a range of integers."""
    return day.year * 12 + day.month - 1


def month_start(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def ten_day_part(day: dt.date) -> int:
    """1 for days 1–10, 2 for 11–20, 3 for 21 to the month's end."""
    return 1 + min((day.day - 1) // 10, 2)


def part_bounds(month: int, part: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a ten-day part of a month."""
    first = month_start(month) + dt.timedelta(days=10 * (part - 1))
    last = first + dt.timedelta(days=9) if part < 3 else month_start(month + 1) - DAY
    return first, last


# The summary's blocks of days (``EventMapCell.part``): a whole month, its ten-day parts, a year.
WHOLE_MONTH = 0
TEN_DAY_PARTS = (1, 2, 3)
WHOLE_YEAR = 4


@dataclass(frozen=True)
class PeriodSplit:
    """A period of days as blocks the events summary holds, and the days it does not."""

    # Whole years: the first and the last (None: every later year).
    years: tuple[int, int | None] | None = None
    # Whole months outside those years: ranges of month indexes, first and last.
    months: tuple[tuple[int, int], ...] = ()
    # Whole ten-day parts: (month, part).
    parts: tuple[tuple[int, int], ...] = ()
    # The days left over, read from the events: (first, last or None).
    days: tuple[tuple[dt.date, dt.date | None], ...] = ()

    @property
    def has_blocks(self) -> bool:
        return self.years is not None or bool(self.months) or bool(self.parts)


def _whole_months(
    first: int, last: int | None
) -> tuple[tuple[int, int | None] | None, list[tuple[int, int]]]:
    """Months ``first`` to ``last`` (None: no end) as whole years and the months around them."""
    months: list[tuple[int, int]] = []
    month = first
    if month % 12:
        december = (month // 12 + 1) * 12 - 1
        stop = december if last is None else min(december, last)
        months.append((month, stop))
        month = stop + 1
    if last is None:
        return (month // 12, None), months
    if month > last:
        return None, months
    years: tuple[int, int | None] | None = None
    last_year = (last + 1) // 12 - 1  # the last year whose December is in the range
    if last_year >= month // 12:
        years = (month // 12, last_year)
        month = (last_year + 1) * 12
    if month <= last:
        months.append((month, last))
    return years, months


def split_period(start: dt.date, end: dt.date | None) -> PeriodSplit:
    """``start`` to ``end`` (inclusive; None: no end) as whole years, whole months, whole
    ten-day parts and the days left over (at most nine at each end)."""
    parts: list[tuple[int, int]] = []
    days: list[tuple[dt.date, dt.date | None]] = []

    def fits(last: dt.date) -> bool:
        return end is None or last <= end

    def done(
        years: tuple[int, int | None] | None = None, months: list[tuple[int, int]] | None = None
    ) -> PeriodSplit:
        return PeriodSplit(
            years=years, months=tuple(months or ()), parts=tuple(parts), days=tuple(days)
        )

    day = start
    # The head: ten-day parts (or the days before the first one) up to a month's start.
    while day.day != 1:
        month, part = month_index(day), ten_day_part(day)
        first, last = part_bounds(month, part)
        if day == first and fits(last):
            parts.append((month, part))
        else:
            days.append((day, last if fits(last) else end))
        if not fits(last):
            return done()
        day = last + DAY
    # Whole months (and years).
    first_month = month_index(day)
    if end is None:
        return done(*_whole_months(first_month, None))
    years: tuple[int, int | None] | None = None
    months: list[tuple[int, int]] = []
    last_month = month_index(end + DAY) - 1
    if last_month >= first_month:
        years, months = _whole_months(first_month, last_month)
        day = month_start(last_month + 1)
    # The tail: ten-day parts, then the days left.
    while day <= end:
        month, part = month_index(day), ten_day_part(day)
        first, last = part_bounds(month, part)
        if last > end:
            days.append((day, end))
            break
        parts.append((month, part))
        day = last + DAY
    return done(years, months)

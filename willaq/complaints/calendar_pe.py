"""Peru's national holidays (feriados nacionales) for a range of years, from the ``holidays``
package's Peru calendar (names in Spanish), for ``manage.py load_holidays`` and the data migration
that ships them. Admins add or remove days in the admin afterwards (a holiday decreed by the
government for one year)."""

import datetime as dt

import holidays


def peru_holidays(years: range) -> dict[dt.date, str]:
    """The national holidays of ``years`` (date → name in Spanish), weekdays and weekends."""
    calendar = holidays.country_holidays("PE", years=list(years), language="es")
    return {day: str(name) for day, name in calendar.items()}

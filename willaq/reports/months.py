"""Which months a report may be asked for: ``YYYY-MM``, not after the current month (in the
installation's time zone), not before the month of the first registered case."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db.models import Min
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from willaq.cases.choices import REGISTERED_STATES
from willaq.cases.history import end_of_month
from willaq.cases.models import Case

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(text: str) -> dt.date:
    """``2026-10`` → 1 Oct 2026; anything else is a ValidationError in words."""
    found = MONTH_PATTERN.match(text or "")
    if found is None or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1900:
        raise ValidationError(
            _("«%(value)s» no es un mes: escríbalo como AAAA-MM, por ejemplo 2026-10."),
            code="malformed",
            params={"value": text},
        )
    return dt.date(int(found.group(1)), int(found.group(2)), 1)


def current_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def first_case_month() -> dt.date | None:
    """The month of the earliest start date among registered cases (None: no case yet)."""
    first = Case.objects.filter(state__in=REGISTERED_STATES).aggregate(first=Min("start_date"))
    start: dt.date | None = first["first"]
    return start.replace(day=1) if start else None


def month_label(month: dt.date) -> str:
    """«octubre de 2026» in the active language."""
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def check_reportable(month: dt.date) -> None:
    """Refuse a month in the future or before the first registered case, in words."""
    if month > current_month():
        raise ValidationError(
            _("%(month)s todavía no ha llegado: no hay informe de un mes futuro."),
            code="future",
            params={"month": month_label(month)},
        )
    first = first_case_month()
    if first is None:
        raise ValidationError(
            _("Todavía no hay casos registrados: no hay informe que mostrar."), code="empty"
        )
    if month < first:
        raise ValidationError(
            _(
                "%(month)s es anterior al primer caso registrado (%(first)s): no hay informe "
                "de ese mes."
            ),
            code="before_first",
            params={"month": month_label(month), "first": month_label(first)},
        )


def has_ended(month: dt.date) -> bool:
    return end_of_month(month.year, month.month) < timezone.now()

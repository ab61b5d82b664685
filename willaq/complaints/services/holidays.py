"""Loading Peru's national holidays into ``Holiday`` (``manage.py load_holidays``, and the app's
data migration for 2024–2030). Days already present keep the name an admin may have corrected;
new days are added."""

from django.db import transaction

from willaq.audit.models import AuditEvent
from willaq.audit.services import record
from willaq.complaints.calendar_pe import peru_holidays
from willaq.complaints.models import Holiday


@transaction.atomic
def load_holidays(years: range) -> int:
    """Add the national holidays of ``years`` that are missing; return how many were added."""
    days = peru_holidays(years)
    present = set(Holiday.objects.filter(date__in=list(days)).values_list("date", flat=True))
    new = [
        Holiday(date=day, name=name[:120])
        for day, name in sorted(days.items())
        if day not in present
    ]
    Holiday.objects.bulk_create(new)
    if new:
        record(
            AuditEvent.HOLIDAYS_LOADED,
            new[0],
            diff={"years": [years.start, years.stop - 1], "added": len(new)},
        )
    return len(new)

"""The complaint clock's warnings: the handling institution's editors are told once when a
complaint enters its last ``WILLAQ_COMPLAINTS_WARN_WORKING_DAYS`` working days, and once when it
is overdue. The Celery task (``tasks.check_complaint_deadlines``, hourly) and the command
``check_complaint_deadlines`` both run :func:`run_complaint_clock`."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.accounts.notifications import notify
from willaq.audit.models import AuditEvent
from willaq.audit.services import record
from willaq.complaints import clock
from willaq.complaints.choices import OPEN_STATES
from willaq.complaints.models import Complaint
from willaq.complaints.services.handling import NOTIFICATION_KIND, complaint_url, editors_of


@dataclass(frozen=True)
class ClockRun:
    warned: int
    overdue: int


@transaction.atomic
def run_complaint_clock(now: dt.datetime | None = None) -> ClockRun:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    # A due date within the warning window's working days from today (or past).
    horizon = clock.due_soon_horizon(today)
    open_ = Complaint.objects.filter(state__in=list(OPEN_STATES)).select_related("institution")
    overdue = 0
    for complaint in open_.filter(
        due_date__lt=today, overdue_warned_at__isnull=True
    ).select_for_update(of=("self",)):
        complaint.overdue_warned_at = now
        complaint.due_soon_warned_at = complaint.due_soon_warned_at or now
        complaint.save(update_fields=["overdue_warned_at", "due_soon_warned_at"])
        _tell(complaint, overdue=True)
        record(
            AuditEvent.COMPLAINT_OVERDUE_WARNED,
            complaint,
            institution=complaint.institution,
            diff={"due_date": complaint.due_date.isoformat()},
        )
        overdue += 1
    warned = 0
    soon = open_.filter(
        due_date__gte=today, due_date__lte=horizon, due_soon_warned_at__isnull=True
    ).select_for_update(of=("self",))
    for complaint in soon:
        complaint.due_soon_warned_at = now
        complaint.save(update_fields=["due_soon_warned_at"])
        _tell(complaint, overdue=False)
        record(
            AuditEvent.COMPLAINT_DUE_SOON_WARNED,
            complaint,
            institution=complaint.institution,
            diff={"due_date": complaint.due_date.isoformat()},
        )
        warned += 1
    return ClockRun(warned=warned, overdue=overdue)


def _tell(complaint: Complaint, *, overdue: bool) -> None:
    values = {"code": complaint.display_code, "date": complaint.due_date.strftime("%d/%m/%Y")}
    if overdue:
        title = _("Denuncia %(code)s vencida: el plazo terminó el %(date)s") % values
    else:
        title = _("Denuncia %(code)s por vencer: responda hasta el %(date)s") % values
    notify(
        editors_of(complaint.institution_id),
        kind=NOTIFICATION_KIND,
        title=title,
        body=complaint.description[:300],
        url=complaint_url(complaint),
    )

"""Telling people what became of pre-alerts: the reporter the outcome of theirs (validated,
rejected, duplicate, or sent back with observations), an analyst what was assigned to them.

The reporter is reached where they are: in the app (and by e-mail) when the pre-alert came from
an account or the reporter has one; by SMS when the reporter is known only by a phone; by
e-mail when only an address is known. Called inside the triage services' transactions: the
in-app rows are written there, the SMS and the plain e-mail leave after the commit.
"""

from collections.abc import Sequence

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from willaq.accounts.models import User
from willaq.accounts.notifications import notify
from willaq.earlywarning.choices import ReviewState
from willaq.earlywarning.models import PreAlert
from willaq.earlywarning.smsout import send_sms

# What an SMS may carry (a longer text is split by the operator and costs more).
SMS_LIMIT = 300


def prealert_path(prealert: PreAlert) -> str:
    return reverse("earlywarning:prealert", kwargs={"prealert_uuid": prealert.uuid})


def outcome_message(prealert: PreAlert) -> tuple[str, str]:
    """(title, body) telling the reporter where their pre-alert stands."""
    received = timezone.localtime(prealert.received_at)
    place = prealert.ubigeo.name if prealert.ubigeo else ""
    about = (
        _("Su prealerta del %(date)s (%(place)s)")
        % {"date": f"{received:%d/%m/%Y}", "place": place}
        if place
        else _("Su prealerta del %(date)s") % {"date": f"{received:%d/%m/%Y}"}
    )
    if prealert.state == ReviewState.VALIDATED:
        return (
            _("Su prealerta fue validada"),
            _(
                "%(about)s fue validada por el equipo de análisis y registrada. "
                "Gracias por informar."
            )
            % {"about": about},
        )
    if prealert.state == ReviewState.REJECTED and prealert.duplicate_of_id is not None:
        return (
            _("Su prealerta ya había sido reportada"),
            _(
                "%(about)s trata de un hecho que ya había sido reportado; se sigue en la "
                "prealerta anterior. Gracias por informar."
            )
            % {"about": about},
        )
    if prealert.state == ReviewState.REJECTED:
        return (
            _("Su prealerta no fue validada"),
            _("%(about)s no fue validada. Motivo: %(reason)s")
            % {"about": about, "reason": prealert.rejection_reason},
        )
    if prealert.state == ReviewState.HAS_ISSUES:
        return (
            _("Su prealerta tiene observaciones"),
            _("%(about)s necesita aclaraciones: %(note)s")
            % {"about": about, "note": prealert.review_notes},
        )
    return (
        _("Su prealerta está en revisión"),
        _("%(about)s está en revisión.") % {"about": about},
    )


def _account(prealert: PreAlert) -> User | None:
    if prealert.submitted_by is not None:
        return prealert.submitted_by
    if prealert.reporter is not None and prealert.reporter.user is not None:
        return prealert.reporter.user
    return None


def tell_reporter(prealert: PreAlert) -> str:
    """Tell the reporter the pre-alert's outcome; returns how ("app", "sms", "email") or ""
    when nobody can be reached. Sets ``outcome_notified_at`` when someone was told."""
    title, body = outcome_message(prealert)
    account = _account(prealert)
    reporter = prealert.reporter
    how = ""
    if account is not None and account.is_active:
        notify(
            [account],
            kind=f"prealert.{prealert.state}",
            title=title,
            body=body,
            url=prealert_path(prealert),
        )
        how = "app"
    elif reporter is not None and reporter.phone:
        phone, text = reporter.phone, f"Willaq: {body}"[:SMS_LIMIT]
        transaction.on_commit(lambda: send_sms(phone, text))
        how = "sms"
    elif reporter is not None and reporter.email:
        address = reporter.email
        transaction.on_commit(lambda: send_mail(title, body, None, [address], fail_silently=False))
        how = "email"
    if how:
        prealert.outcome_notified_at = timezone.now()
        prealert.save(update_fields=["outcome_notified_at", "updated_at"])
    return how


def tell_assignee(assignee: User, prealerts: Sequence[PreAlert], *, by: User) -> None:
    """Tell an analyst that pre-alerts were assigned to them (in the app and by e-mail)."""
    count = len(prealerts)
    if count == 1:
        url = prealert_path(prealerts[0])
    else:
        url = reverse("earlywarning:queue") + "?asignada=yo"
    notify(
        [assignee],
        kind="prealert.assigned",
        title=ngettext(
            "Le asignaron %(count)s prealerta", "Le asignaron %(count)s prealertas", count
        )
        % {"count": count},
        body=_("%(name)s le asignó prealertas para revisar.") % {"name": by},
        url=url,
    )

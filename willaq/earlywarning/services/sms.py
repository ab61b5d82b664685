"""Pre-alerts by SMS: one message from the gateway becomes one pre-alert, exactly once.

:func:`receive_sms` matches the sender to a reporter by phone, reads the keyword syntax
(:mod:`willaq.earlywarning.sms`), stores a structured pre-alert — or, when the text does not
parse, an unstructured one for an analyst — through :func:`receive_prealert`, and answers with
the reply text (also sent by :func:`willaq.earlywarning.smsout.send_sms` for a new message).
Nothing is dropped: an unknown sender lands, flagged, in the default institution's queue; a
sender over the hourly limit gets 429 and the message is kept in the audit log
(``SMS_REJECTED``, with the text).
"""

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone, translation

from willaq.accounts.models import Institution
from willaq.audit.models import AuditEvent, AuditLog
from willaq.audit.services import record
from willaq.earlywarning import sms
from willaq.earlywarning.choices import Channel
from willaq.earlywarning.models import PreAlert, Reporter
from willaq.earlywarning.services.intake import (
    MAX_CLIENT_ID,
    TEXT_LIMITS,
    find_prealert,
    receive_prealert,
)
from willaq.earlywarning.smsout import SmsDeliveryError, send_sms

logger = logging.getLogger("willaq.sms")

RAW_CONTENT_TYPE = "application/x-www-form-urlencoded"
# Replies go to reporters in Spanish whatever language the gateway's request asks for.
REPLY_LANGUAGE = "es"


@dataclass(frozen=True)
class IncomingSms:
    """One message as the gateway posts it (``raw_payload``: its fields, without the secret)."""

    sender: str
    text: str
    sent_at: str
    message_id: str
    raw_payload: str


@dataclass(frozen=True)
class SmsOutcome:
    """What the webhook answers: 201 a new pre-alert, 200 a resent message (the same pre-alert)
    or a request for help, 429 over the sender's hourly limit."""

    status: int
    reply: str
    prealert: PreAlert | None = None

    @property
    def reference(self) -> str:
        return sms.prealert_reference(self.prealert) if self.prealert else ""


def default_sms_institution() -> Institution:
    """Whose queue receives messages from unknown numbers: ``WILLAQ_SMS_DEFAULT_INSTITUTION``,
    else the first active institution with reporters, else the first active institution."""
    active = Institution.objects.filter(is_active=True)
    slug = settings.WILLAQ_SMS_DEFAULT_INSTITUTION
    if slug:
        chosen = active.filter(slug=slug).first()
        if chosen is None:
            raise ImproperlyConfigured(
                f"WILLAQ_SMS_DEFAULT_INSTITUTION={slug!r} is not an active institution."
            )
        return chosen
    chosen = (
        active.filter(pk__in=Reporter.objects.values("institution_id")).order_by("pk").first()
        or active.order_by("pk").first()
    )
    if chosen is None:
        raise ImproperlyConfigured("No active institution can receive SMS pre-alerts.")
    return chosen


def sent_date(sent_at: str, now: dt.datetime) -> dt.date:
    """The day (in Lima) the phone sent the message; the day it arrived when the gateway's
    time is missing, unreadable or not plausible."""
    today = timezone.localdate(now)
    try:
        moment = dt.datetime.fromisoformat(sent_at.strip())
    except ValueError:
        return today
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    try:
        day = timezone.localdate(moment)
    except (OverflowError, ValueError):
        return today
    if day.year < 1990 or day > today:
        return today
    return day


def _client_id(message: IncomingSms, phone: str) -> str:
    """The provider's message id; a digest of the message when it sent none (or a huge one),
    so a resend is still recognised."""
    message_id = message.message_id.strip()
    if message_id and len(message_id) <= MAX_CLIENT_ID:
        return message_id
    seed = f"{message_id}\n{phone}\n{message.sent_at.strip()}\n{message.text}"
    return "sha256:" + hashlib.sha256(seed.encode()).hexdigest()


def _over_limit(phone: str, now: dt.datetime) -> bool:
    since = now - dt.timedelta(hours=1)
    recent = PreAlert.objects.filter(channel=Channel.SMS, sender=phone, received_at__gte=since)
    return recent.count() >= settings.WILLAQ_SMS_PER_HOUR


def _reply_for(prealert: PreAlert, parsed: sms.ParsedSms) -> str:
    if prealert.is_structured:
        return sms.confirmation_reply(prealert)
    return sms.unstructured_reply(prealert, parsed)


def _deliver(phone: str, text: str) -> None:
    if not phone:
        return
    try:
        send_sms(phone, text)
    except SmsDeliveryError:
        # The reply is also in the webhook's answer; the pre-alert is stored either way.
        logger.warning("SMS reply to %s not delivered", phone, exc_info=True)


def _reject_flood(
    message: IncomingSms, phone: str, reporter: Reporter | None, institution: Institution
) -> SmsOutcome:
    since = timezone.now() - dt.timedelta(hours=1)
    already_told = AuditLog.objects.filter(
        event_type=AuditEvent.SMS_REJECTED, diff__sender=phone, created_at__gte=since
    ).exists()
    with transaction.atomic():
        record(
            AuditEvent.SMS_REJECTED,
            reporter or institution,
            institution=institution,
            diff={
                "reason": "rate_limit",
                "sender": phone,
                "message_id": message.message_id[:MAX_CLIENT_ID],
                "sent_at": message.sent_at[:60],
                "text": message.text,
                "raw_payload": message.raw_payload,
            },
        )
    reply = sms.flood_reply()
    if not already_told:
        _deliver(phone, reply)
    return SmsOutcome(status=429, reply=reply)


def receive_sms(message: IncomingSms) -> SmsOutcome:
    """Store one message from the gateway as a pre-alert (see the module's note)."""
    with translation.override(REPLY_LANGUAGE):
        return _receive(message)


def _receive(message: IncomingSms) -> SmsOutcome:
    now = timezone.now()
    phone = sms.normalize_phone(message.sender)
    client_id = _client_id(message, phone)
    reporter = (
        Reporter.objects.filter(phone=phone, is_active=True)
        .select_related("institution", "user")
        .first()
        if phone
        else None
    )
    territories = list(reporter.territories.values_list("code", flat=True)) if reporter else []
    parsed = sms.parse_sms(message.text, territories)

    existing = find_prealert(Channel.SMS, client_id)
    if existing is not None:
        return SmsOutcome(status=200, reply=_reply_for(existing, parsed), prealert=existing)
    if parsed.is_help:
        reply = sms.help_reply()
        _deliver(phone, reply)
        return SmsOutcome(status=200, reply=reply)

    institution = reporter.institution if reporter else default_sms_institution()
    if _over_limit(phone, now):
        return _reject_flood(message, phone, reporter, institution)

    occurred_on = sent_date(message.sent_at, now)
    common: dict[str, Any] = {
        "channel": Channel.SMS,
        "client_id": client_id,
        "institution": institution,
        "raw_payload": message.raw_payload,
        "raw_content_type": RAW_CONTENT_TYPE,
        "submitted_by": reporter.user if reporter else None,
        "reporter": reporter,
        "sender": phone,
        "unknown_sender": reporter is None,
        "received_at": now,
    }
    prealert: PreAlert | None = None
    created = False
    if parsed.is_prealert and parsed.place is not None:
        data = {
            "ubigeo": parsed.place.code,
            "description": parsed.description,
            "urgency": parsed.urgency,
            "occurred_on": occurred_on,
        }
        try:
            prealert, created = receive_prealert(data=data, **common)
        except ValidationError:
            # Too long, say: kept whole as an unstructured message instead.
            prealert = None
    if prealert is None:
        data = {
            "description": message.text.strip()[: TEXT_LIMITS["description"]],
            "occurred_on": occurred_on,
        }
        prealert, created = receive_prealert(data=data, structured=False, **common)
    reply = _reply_for(prealert, parsed)
    if created:
        _deliver(phone, reply)
    return SmsOutcome(status=201 if created else 200, reply=reply, prealert=prealert)

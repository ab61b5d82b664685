"""Records added to a case and their corrections: events, victims, news, evidence.

Effective dates: every function here takes ``at``, when the change took effect if it is
recorded late (the history keeps it as ``history_date`` beside ``recorded_at``). Without it,
a record that tells a dated happening takes effect on its own date — an event and its victims
on the event's date, a news item on its publication date — because that is when it became
true (the month-end figures count events by their date anyway); links, evidence and every
correction take effect when recorded."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.accounts.access import EDITOR_ROLES, AnyUser, has_role, institution_ids
from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent
from willaq.audit.services import model_diff, record
from willaq.cases.access import (
    CREATOR_ROLES,
    can_add_events,
    can_add_records,
    can_edit_event,
    can_edit_record,
    can_record_caseless_event,
)
from willaq.cases.choices import (
    PROTEST_EVENT_TYPES,
    SUB_EVENT_PARENT,
    EvidenceKind,
    VictimGroup,
    VictimOutcome,
)
from willaq.cases.models import Case, Event, Evidence, NewsItem, Victim
from willaq.cases.services.checks import (
    EARLIEST_DATE,
    check_effective,
    check_point,
    columns,
    effective_moment,
    stamp,
    took_effect,
    typed,
    validate_record_date,
)
from willaq.territory.models import Ubigeo

EVIDENCE_CONTENT_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain",
    ".csv": "text/csv",
}


# The first bytes each type must start with, so a renamed file is refused.
_MAGIC: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
    "application/vnd.oasis.opendocument.text": (b"PK\x03\x04",),
}


def acting_institution(
    user: AnyUser, case: Case, institution: Institution | None = None
) -> Institution:
    """The institution a new record of ``case`` belongs to: the one given, else the case's own
    when the user edits for it, else the first institution where the user is an editor."""
    return _acting_institution(user, case, institution, events=False)


def _acting_institution(
    user: AnyUser, case: Case, institution: Institution | None, *, events: bool
) -> Institution:
    """``acting_institution``; for events a reporter acts for their institution too."""
    allowed = can_add_events(user, case) if events else can_add_records(user, case)
    if not allowed:
        raise PermissionDenied(_("No puede añadir registros a este caso."))
    roles = CREATOR_ROLES if events else EDITOR_ROLES
    if institution is not None:
        if not has_role(user, institution.pk, roles):
            raise PermissionDenied(_("No es analista de esa institución."))
        return institution
    if has_role(user, case.institution_id, CREATOR_ROLES):
        return case.institution
    ids = sorted(i for i in institution_ids(user) if has_role(user, i, roles))
    return Institution.objects.get(pk=ids[0])


def _caseless_event_institution(user: AnyUser, institution: Institution | None) -> Institution:
    """The institution an event without a case belongs to: the one given (where the user may
    record events), else the first where the user may."""
    if not can_record_caseless_event(user):
        raise PermissionDenied(_("No puede registrar eventos para ninguna institución."))
    if institution is not None:
        if not has_role(user, institution.pk, CREATOR_ROLES):
            raise PermissionDenied(_("No puede registrar eventos para esa institución."))
        return institution
    ids = sorted(i for i in institution_ids(user) if has_role(user, i, CREATOR_ROLES))
    return Institution.objects.get(pk=ids[0])


EVENT_FIELDS: tuple[str, ...] = (
    "event_date",
    "end_date",
    "date_precision",
    "event_type",
    "sub_event_type",
    "protest_form",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "sources",
    "source_scale",
    "reported_by",
    "notes",
)


def _set_typed(obj: Event | Victim, fields: tuple[str, ...], data: dict[str, Any]) -> None:
    """Set the given fields from ``data``, each converted to its column's type (strings trimmed);
    every wrong value is reported at once, keyed by field."""
    wrong: dict[str, list[str]] = {}
    for field in fields:
        if field not in data:
            continue
        value = data[field]
        try:
            value = typed(type(obj), field, value.strip() if isinstance(value, str) else value)
        except ValidationError as exc:
            wrong.update(exc.message_dict)
            continue
        setattr(obj, field, value)
    if wrong:
        raise ValidationError(wrong)


def _apply_event_data(event: Event, data: dict[str, Any]) -> None:
    placed_before = (event.latitude, event.longitude, event.ubigeo_id)
    _set_typed(event, EVENT_FIELDS, data)
    if data.get("ubigeo_code"):
        ubigeo = Ubigeo.objects.filter(code=str(data["ubigeo_code"]).strip()).first()
        if ubigeo is None:
            raise ValidationError(
                {"ubigeo_code": _("Ubigeo desconocido: %(code)s.") % {"code": data["ubigeo_code"]}}
            )
        event.ubigeo = ubigeo
    elif not event.ubigeo_id and event.latitude is not None and event.longitude is not None:
        # A field report with only a GPS point: the district is the one whose boundary holds it.
        event.ubigeo = check_point(event.latitude, event.longitude, None, confirmed=True)
    if (
        event.latitude is not None
        and event.longitude is not None
        and (event.latitude, event.longitude, event.ubigeo_id) != placed_before
    ):
        # A point typed or changed: in Peru, and near its place unless confirmed.
        check_point(
            event.latitude,
            event.longitude,
            event.ubigeo if event.ubigeo_id else None,
            confirmed=bool(data.get("confirm_far_point")),
        )
    errors: dict[str, str] = {}
    if event.event_date and event.event_date > timezone.localdate():
        errors["event_date"] = _("La fecha del evento no puede estar en el futuro.")
    elif event.event_date and event.event_date < EARLIEST_DATE:
        errors["event_date"] = _("La fecha no puede ser anterior a %(year)s.") % {
            "year": EARLIEST_DATE.year
        }
    if event.end_date is not None:
        if event.end_date > timezone.localdate():
            errors["end_date"] = _("La fecha de fin no puede estar en el futuro.")
        elif event.event_date and event.end_date < event.event_date:
            errors["end_date"] = _("La fecha de fin no puede ser anterior a la fecha del evento.")
        elif event.end_date == event.event_date:
            # A one-day event has no end date (the day is its date).
            event.end_date = None
    if event.sub_event_type and SUB_EVENT_PARENT.get(event.sub_event_type) != event.event_type:
        errors["sub_event_type"] = _("El subtipo no corresponde al tipo de evento.")
    if event.protest_form and event.event_type not in PROTEST_EVENT_TYPES:
        errors["protest_form"] = _(
            "La forma de protesta solo se indica en protestas y disturbios; deje este campo "
            "vacío para este tipo de evento."
        )
    if (event.latitude is None) != (event.longitude is None):
        errors["latitude"] = _("Indique latitud y longitud juntas.")
    if errors:
        raise ValidationError(errors)
    if not event.ubigeo_id:
        raise ValidationError({"ubigeo_code": _("Indique el lugar (ubigeo) del evento.")})
    if event.latitude is None and event.ubigeo.latitude is not None:
        # No point given: use the capital of the place, and say the position is approximate.
        event.latitude = event.ubigeo.latitude
        event.longitude = event.ubigeo.longitude
        event.geo_precision = max(event.geo_precision or 2, 2)


def _on_its_day(day: dt.date | None) -> dt.datetime | None:
    """The default effective moment of a record that tells a dated happening: its day."""
    return effective_moment(day)


@transaction.atomic
def record_event(
    *,
    user: User,
    case: Case | None,
    data: dict[str, Any],
    institution: Institution | None = None,
    is_demo: bool = False,
    at: dt.datetime | None = None,
) -> Event:
    """Record an event in a case, or for a place without a case (``case=None``: it belongs to
    ``institution`` or the user's first institution where they record events). ``at`` is when
    it took effect in the history; by default the event's date (see the module's note)."""
    if case is None:
        owner = _caseless_event_institution(user, institution)
    else:
        owner = _acting_institution(user, case, institution, events=True)
    event = Event(case=case, institution=owner, created_by=user, is_demo=is_demo)
    _apply_event_data(event, data)
    event.full_clean(exclude=["case", "institution", "ubigeo"])
    check_effective(at)
    stamp(event, user, at or _on_its_day(event.event_date))
    event.save()
    record(
        AuditEvent.EVENT_CREATED,
        event,
        acting_user=user,
        institution=owner,
        diff={
            "case": str(case.uuid) if case is not None else None,
            "sub_event_type": event.sub_event_type,
        },
    )
    return event


class _Keep:
    """The default of ``update_event``'s ``case``: leave the event's case as it is."""


KEEP_CASE = _Keep()


@transaction.atomic
def update_event(
    *,
    user: User,
    event: Event,
    data: dict[str, Any],
    case: "Case | _Keep | None" = KEEP_CASE,
    at: dt.datetime | None = None,
) -> Event:
    """Correct an event. ``case`` links an event to a case (one the user may add events to)
    or, with ``None``, detaches it (it stays in the registry as an event without a case).
    ``at`` is when the change took effect, if it is recorded late (not before the event was
    recorded to take effect)."""
    if not can_edit_event(user, event):
        raise PermissionDenied(_("No puede modificar este evento."))
    event = Event.objects.select_for_update().get(pk=event.pk)
    before = (
        {f: getattr(event, f) for f in EVENT_FIELDS}
        | {"ubigeo": event.ubigeo.code}
        | {"case": _case_ref(event.case)}
    )
    unchanged = columns(event)
    _apply_event_data(event, data)
    if not isinstance(case, _Keep) and case != event.case:
        if case is not None and not can_add_events(user, case):
            raise ValidationError({"case": _("No puede añadir eventos a ese caso.")})
        event.case = case
    event.full_clean(exclude=["case", "institution", "ubigeo"])
    if columns(event) == unchanged:
        return event
    check_effective(at, not_before=took_effect(event))
    stamp(event, user, at)
    event.save()
    after = (
        {f: getattr(event, f) for f in EVENT_FIELDS}
        | {"ubigeo": event.ubigeo.code}
        | {"case": _case_ref(event.case)}
    )
    record(
        AuditEvent.EVENT_CHANGED,
        event,
        acting_user=user,
        institution=event.institution,
        diff=model_diff(before, after),
    )
    return event


def _case_ref(case: Case | None) -> str | None:
    return str(case.uuid) if case is not None else None


def recount_victims(event: Event) -> None:
    """Set the event's counters from its present victims with one UPDATE: no save, so no event
    history row per victim (each victim's own history row records the change)."""
    counts = Victim.objects.filter(event_id=event.pk).aggregate(
        dead=Count("pk", filter=Q(outcome=VictimOutcome.DEAD)),
        injured=Count("pk", filter=Q(outcome=VictimOutcome.INJURED)),
    )
    Event.all_objects.filter(pk=event.pk).update(
        fatalities=counts["dead"], injured=counts["injured"], updated_at=timezone.now()
    )
    event.fatalities = counts["dead"]
    event.injured = counts["injured"]


VICTIM_FIELDS: tuple[str, ...] = (
    "outcome",
    "group",
    "full_name",
    "document_number",
    "age",
    "sex",
    "notes",
)


def _apply_victim_data(victim: Victim, data: dict[str, Any]) -> None:
    """Set a victim's fields; outcome and group must be chosen, never assumed (an untouched
    form must not record a death)."""
    _set_typed(victim, VICTIM_FIELDS, data)
    errors: dict[str, str] = {}
    if victim.outcome not in VictimOutcome.values:
        errors["outcome"] = _("Elija el resultado: fallecido o herido.")
    if victim.group not in VictimGroup.values or (victim.pk is None and "group" not in data):
        errors["group"] = _("Elija el grupo de la víctima.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_victim(
    *, user: User, event: Event, data: dict[str, Any], at: dt.datetime | None = None
) -> Victim:
    """Record a dead or injured person; by default it takes effect on the event's date."""
    if not can_edit_event(user, event):
        raise PermissionDenied(
            _("Solo los analistas de la institución del evento registran víctimas.")
        )
    victim = Victim(event=event)
    _apply_victim_data(victim, data)
    victim.full_clean(exclude=["event"])
    check_effective(at)
    stamp(victim, user, at or _on_its_day(event.event_date))
    victim.save()
    recount_victims(event)
    # The audit trail names no victim: personal data stays in the protected table only.
    record(
        AuditEvent.VICTIM_RECORDED,
        event,
        acting_user=user,
        institution=event.institution,
        diff={"outcome": victim.outcome},
    )
    return victim


@transaction.atomic
def add_news(
    *,
    user: User,
    case: Case,
    data: dict[str, Any],
    is_demo: bool = False,
    at: dt.datetime | None = None,
) -> NewsItem:
    """Add a news item; by default it takes effect on its publication date."""
    owner = acting_institution(user, case)
    item = NewsItem(institution=owner, created_by=user, is_demo=is_demo)
    for field in ("outlet", "title", "published_on", "url"):
        if field in data:
            value = data[field]
            setattr(item, field, value.strip() if isinstance(value, str) else value)
    if data.get("region_code"):
        item.region = Ubigeo.objects.filter(code=data["region_code"]).first()
        if item.region is None:
            raise ValidationError({"region_code": _("Ubigeo desconocido.")})
    validate_record_date("published_on", item.published_on)
    item.full_clean(exclude=["institution", "region", "cases"])
    check_effective(at)
    stamp(item, user, at or _on_its_day(item.published_on))
    item.save()
    item.cases.add(case)
    record(
        AuditEvent.NEWS_CREATED,
        item,
        acting_user=user,
        institution=owner,
        diff={"case": str(case.uuid), "title": item.title},
    )
    return item


def validate_evidence_file(upload: "UploadedFile[bytes]") -> str:
    """Return the file's content type, or raise a ValidationError naming what is wrong."""
    name = (upload.name or "").lower()
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    content_type = EVIDENCE_CONTENT_TYPES.get(suffix)
    if content_type is None:
        raise ValidationError(
            {
                "file": _("Tipo de archivo no permitido. Se aceptan: %(types)s.")
                % {"types": ", ".join(sorted(EVIDENCE_CONTENT_TYPES))}
            }
        )
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            {
                "file": _("El archivo supera el tamaño máximo de %(mb)s MB.")
                % {"mb": limit // (1024 * 1024)}
            }
        )
    if upload.size == 0:
        raise ValidationError({"file": _("El archivo está vacío.")})
    magic = _MAGIC.get(content_type)
    if magic:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not any(head.startswith(m) for m in magic):
            raise ValidationError(
                {"file": _("El contenido del archivo no corresponde a su extensión.")}
            )
    return content_type


@transaction.atomic
def add_evidence(
    *,
    user: User,
    case: Case,
    title: str,
    kind: str,
    upload: "UploadedFile[bytes]",
    keywords: str = "",
    is_confidential: bool = False,
    at: dt.datetime | None = None,
) -> Evidence:
    owner = acting_institution(user, case)
    check_effective(at)
    content_type = validate_evidence_file(upload)
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": _("Tipo de evidencia desconocido.")})
    if not title.strip():
        raise ValidationError({"title": _("Indique un título.")})
    evidence = Evidence(
        case=case,
        institution=owner,
        title=title.strip(),
        kind=kind,
        keywords=keywords.strip(),
        content_type=content_type,
        size_bytes=upload.size or 0,
        original_name=(upload.name or "")[:255],
        is_confidential=is_confidential,
        uploaded_by=user,
    )
    evidence.file = upload
    stamp(evidence, user, at)
    evidence.save()
    record(
        AuditEvent.EVIDENCE_ADDED,
        evidence,
        acting_user=user,
        institution=owner,
        diff={"case": str(case.uuid), "title": evidence.title, "size": evidence.size_bytes},
    )
    return evidence


@transaction.atomic
def update_victim(
    *, user: User, victim: Victim, data: dict[str, Any], at: dt.datetime | None = None
) -> Victim:
    """Correct a victim; the audit names the changed fields, never the personal data."""
    if not can_edit_record(user, victim):
        raise PermissionDenied(
            _("Solo los analistas de la institución del evento corrigen víctimas.")
        )
    victim = Victim.objects.select_for_update().select_related("event").get(pk=victim.pk)
    before = {f: getattr(victim, f) for f in VICTIM_FIELDS}
    _apply_victim_data(victim, data)
    victim.full_clean(exclude=["event"])
    after = {f: getattr(victim, f) for f in VICTIM_FIELDS}
    changed = sorted(model_diff(before, after))
    if not changed:
        return victim
    check_effective(at, not_before=took_effect(victim))
    stamp(victim, user, at)
    victim.save()
    recount_victims(victim.event)
    record(
        AuditEvent.VICTIM_CHANGED,
        victim.event,
        acting_user=user,
        institution=victim.event.institution,
        diff={"victim": str(victim.uuid), "fields": changed, "outcome": victim.outcome},
    )
    return victim


NEWS_FIELDS: tuple[str, ...] = ("outlet", "title", "published_on", "url")


@transaction.atomic
def update_news(
    *, user: User, item: NewsItem, data: dict[str, Any], at: dt.datetime | None = None
) -> NewsItem:
    if not can_edit_record(user, item):
        raise PermissionDenied(_("Solo la institución que registró la noticia puede modificarla."))
    item = NewsItem.objects.select_for_update().get(pk=item.pk)
    before = {f: getattr(item, f) for f in NEWS_FIELDS} | {"region": item.region_id}
    for field in NEWS_FIELDS:
        if field in data:
            value = data[field]
            setattr(item, field, value.strip() if isinstance(value, str) else value)
    if "region_code" in data:
        item.region = None
        if data["region_code"]:
            item.region = Ubigeo.objects.filter(code=data["region_code"]).first()
            if item.region is None:
                raise ValidationError({"region_code": _("Ubigeo desconocido.")})
    validate_record_date("published_on", item.published_on)
    item.full_clean(exclude=["institution", "region", "cases"])
    after = {f: getattr(item, f) for f in NEWS_FIELDS} | {"region": item.region_id}
    diff = model_diff(before, after)
    if diff:
        check_effective(at, not_before=took_effect(item))
        stamp(item, user, at)
        item.save()
        record(
            AuditEvent.NEWS_CHANGED, item, acting_user=user, institution=item.institution, diff=diff
        )
    return item


EVIDENCE_FIELDS: tuple[str, ...] = ("title", "kind", "keywords", "is_confidential")


@transaction.atomic
def update_evidence(
    *, user: User, evidence: Evidence, data: dict[str, Any], at: dt.datetime | None = None
) -> Evidence:
    """Correct an evidence's description (its file is never replaced: attach a new one)."""
    if not can_edit_record(user, evidence):
        raise PermissionDenied(_("Solo la institución que adjuntó la evidencia puede modificarla."))
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    before = {f: getattr(evidence, f) for f in EVIDENCE_FIELDS}
    for field in EVIDENCE_FIELDS:
        if field in data:
            value = data[field]
            setattr(evidence, field, value.strip() if isinstance(value, str) else value)
    if evidence.kind not in EvidenceKind.values:
        raise ValidationError({"kind": _("Tipo de evidencia desconocido.")})
    if not evidence.title:
        raise ValidationError({"title": _("Indique un título.")})
    evidence.full_clean(exclude=["case", "institution", "file"])
    diff = model_diff(before, {f: getattr(evidence, f) for f in EVIDENCE_FIELDS})
    if diff:
        check_effective(at, not_before=took_effect(evidence))
        stamp(evidence, user, at)
        evidence.save()
        record(
            AuditEvent.EVIDENCE_CHANGED,
            evidence,
            acting_user=user,
            institution=evidence.institution,
            diff=diff,
        )
    return evidence

"""The triage of pre-alerts: analysts claim, assign, structure, send back, validate, reject,
mark as duplicate and link to cases (issue 8 §3, the domain description §4).

Every function checks the access rule itself (``access.can_review_prealert``: the receiving
institution's analysts, coordinators and admins), runs in one transaction, locks the rows it
changes and writes an audit record per pre-alert. Errors are ValidationErrors keyed by the
form field they concern, in the active language.

Review states (``REVIEW_TRANSITIONS``): received → in review → has issues → validated /
rejected. "Being reviewed by …" (``reviewing_by``/``reviewing_since``) is a claim that lapses
after ``CLAIM_MINUTES``; while someone else holds it, the item is theirs (another analyst may
take it over explicitly, ``force=True``, and the audit log says so).

A validated pre-alert becomes an event of an existing case (``record_event``) or opens a
proposed case (``create_case`` then the cases' workflow ``submit``). The reporter is told the
outcome (validated, rejected, duplicate, has issues) through :mod:`willaq.earlywarning.outcome`.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.accounts.models import User
from willaq.audit.models import AuditEvent
from willaq.audit.services import model_diff, record
from willaq.cases import access as cases_access
from willaq.cases import services as case_services
from willaq.cases.models import Case, Event
from willaq.earlywarning import access
from willaq.earlywarning.choices import CLOSED_REVIEW_STATES, ReviewState
from willaq.earlywarning.models import PreAlert
from willaq.earlywarning.outcome import tell_assignee, tell_reporter
from willaq.earlywarning.services.intake import TEXT_LIMITS, clean_prealert_data

# A claim ("being reviewed by …") lapses after this long without being renewed.
CLAIM_MINUTES = 30

# The review workflow: from each state, the states a pre-alert may move to. Validated and
# rejected close it. ``set_state`` moves between the open states; ``validate``, ``reject`` and
# ``mark_duplicate`` close it, each checking this table too.
REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    ReviewState.RECEIVED: frozenset(
        {
            ReviewState.IN_REVIEW,
            ReviewState.HAS_ISSUES,
            ReviewState.VALIDATED,
            ReviewState.REJECTED,
        }
    ),
    ReviewState.IN_REVIEW: frozenset(
        {ReviewState.HAS_ISSUES, ReviewState.VALIDATED, ReviewState.REJECTED}
    ),
    ReviewState.HAS_ISSUES: frozenset(
        {ReviewState.IN_REVIEW, ReviewState.VALIDATED, ReviewState.REJECTED}
    ),
    ReviewState.VALIDATED: frozenset(),
    ReviewState.REJECTED: frozenset(),
}

# The states ``set_state`` reaches; the closing ones have their own functions (they need a
# case, an event or a reason).
OPEN_TARGETS = frozenset({ReviewState.IN_REVIEW, ReviewState.HAS_ISSUES})

# The fields an analyst sets when structuring a pre-alert (what ``clean_prealert_data`` returns).
STRUCTURED_FIELDS: tuple[str, ...] = (
    "ubigeo",
    "location",
    "latitude",
    "longitude",
    "occurred_on",
    "description",
    "actors",
    "demands",
    "measures",
    "measures_date",
    "urgency",
)


def claim_lapses_at(prealert: PreAlert) -> dt.datetime | None:
    if prealert.reviewing_since is None:
        return None
    return prealert.reviewing_since + dt.timedelta(minutes=CLAIM_MINUTES)


def active_holder(prealert: PreAlert, now: dt.datetime | None = None) -> User | None:
    """Who reviews the pre-alert now (a claim not yet lapsed), or None."""
    lapses = claim_lapses_at(prealert)
    if prealert.reviewing_by_id is None or lapses is None:
        return None
    if lapses <= (now or timezone.now()):
        return None
    return prealert.reviewing_by


def state_label(state: str) -> str:
    return str(ReviewState(state).label)


def _held_message(holder: User, prealert: PreAlert) -> str:
    since = timezone.localtime(prealert.reviewing_since) if prealert.reviewing_since else None
    return _(
        "Esta prealerta está en revisión por %(name)s desde las %(time)s. Espere a que la "
        "libere o tómela usted explícitamente."
    ) % {"name": holder, "time": f"{since:%H:%M}" if since else "?"}


def _check_reviewer(user: User, prealerts: Iterable[PreAlert]) -> None:
    for prealert in prealerts:
        if not access.can_review_prealert(user, prealert):
            raise PermissionDenied(_("No puede revisar esta prealerta."))


def _check_not_held(user: User, prealert: PreAlert) -> None:
    holder = active_holder(prealert)
    if holder is not None and holder.pk != user.pk:
        raise ValidationError({"reviewing_by": _held_message(holder, prealert)})


def _check_transition(prealert: PreAlert, target: str) -> None:
    if target not in REVIEW_TRANSITIONS[prealert.state]:
        raise ValidationError(
            {
                "state": _("No se puede pasar de «%(from)s» a «%(to)s».")
                % {"from": state_label(prealert.state), "to": state_label(target)}
            }
        )


def _locked(prealert: PreAlert) -> PreAlert:
    return (
        PreAlert.objects.select_for_update(of=("self",))
        .select_related("reviewing_by")
        .get(pk=prealert.pk)
    )


def _locked_many(prealerts: Iterable[PreAlert]) -> list[PreAlert]:
    ids = sorted({p.pk for p in prealerts})
    if not ids:
        raise ValidationError({"prealerts": _("Elija al menos una prealerta.")})
    rows = list(
        PreAlert.objects.select_for_update(of=("self",))
        .select_related("reviewing_by")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if len(rows) != len(ids):
        raise ValidationError({"prealerts": _("Una de las prealertas elegidas ya no existe.")})
    return rows


def _close(prealert: PreAlert, user: User, state: str) -> None:
    prealert.state = state
    prealert.reviewed_by = user
    prealert.reviewed_at = timezone.now()
    prealert.reviewing_by = None
    prealert.reviewing_since = None


# --- claim and release --------------------------------------------------------------------------


@transaction.atomic
def claim(user: User, prealert: PreAlert, *, force: bool = False) -> PreAlert:
    """Take the pre-alert for review ("en revisión por …"); a received one moves to in review.
    Refused while another analyst holds it, unless ``force`` (taken over: audited)."""
    _check_reviewer(user, [prealert])
    prealert = _locked(prealert)
    if prealert.state in CLOSED_REVIEW_STATES:
        raise ValidationError(
            {"state": _("La prealerta ya está %(state)s.") % {"state": state_label(prealert.state)}}
        )
    holder = active_holder(prealert)
    taken_from = holder if holder is not None and holder.pk != user.pk else None
    if taken_from is not None and not force:
        raise ValidationError({"reviewing_by": _held_message(taken_from, prealert)})
    before_state = prealert.state
    prealert.reviewing_by = user
    prealert.reviewing_since = timezone.now()
    if prealert.state == ReviewState.RECEIVED:
        prealert.state = ReviewState.IN_REVIEW
    prealert.save(update_fields=["reviewing_by", "reviewing_since", "state", "updated_at"])
    diff: dict[str, object] = {"forced": taken_from is not None}
    if taken_from is not None:
        diff["taken_from"] = str(taken_from)
    if before_state != prealert.state:
        diff["state"] = [before_state, prealert.state]
    record(
        AuditEvent.PREALERT_CLAIMED,
        prealert,
        acting_user=user,
        institution=prealert.institution,
        diff=diff,
    )
    return prealert


@transaction.atomic
def release(user: User, prealert: PreAlert) -> PreAlert:
    """Give the pre-alert back to the queue. Only its holder releases an active claim (a
    lapsed one anyone of the queue may clear)."""
    _check_reviewer(user, [prealert])
    prealert = _locked(prealert)
    if prealert.reviewing_by_id is None:
        return prealert
    _check_not_held(user, prealert)
    previous = prealert.reviewing_by
    prealert.reviewing_by = None
    prealert.reviewing_since = None
    prealert.save(update_fields=["reviewing_by", "reviewing_since", "updated_at"])
    record(
        AuditEvent.PREALERT_RELEASED,
        prealert,
        acting_user=user,
        institution=prealert.institution,
        diff={"held_by": str(previous) if previous else None},
    )
    return prealert


# --- single-item review -------------------------------------------------------------------------


@transaction.atomic
def set_state(user: User, prealert: PreAlert, state: str, *, note: str = "") -> PreAlert:
    """Move an open pre-alert to in review or has issues. "Has issues" needs a note (what to
    clarify): it is kept as ``review_notes`` and the reporter is asked to clarify."""
    _check_reviewer(user, [prealert])
    if state not in OPEN_TARGETS:
        raise ValidationError(
            {"state": _("Para validar o rechazar use la acción correspondiente.")}
        )
    prealert = _locked(prealert)
    _check_not_held(user, prealert)
    _check_transition(prealert, state)
    note = note.strip()
    if state == ReviewState.HAS_ISSUES and not note:
        raise ValidationError(
            {"note": _("Indique qué debe aclarar el reportero (las observaciones).")}
        )
    before = {"state": prealert.state, "review_notes": prealert.review_notes}
    prealert.state = state
    if note:
        prealert.review_notes = note
    prealert.save(update_fields=["state", "review_notes", "updated_at"])
    record(
        AuditEvent.PREALERT_STATE_CHANGED,
        prealert,
        acting_user=user,
        institution=prealert.institution,
        diff=model_diff(before, {"state": prealert.state, "review_notes": prealert.review_notes}),
    )
    if state == ReviewState.HAS_ISSUES:
        tell_reporter(prealert)
    return prealert


@transaction.atomic
def structure(user: User, prealert: PreAlert, data: dict[str, object]) -> PreAlert:
    """Fill in (or correct) what an unstructured pre-alert says: place, date, what happened…
    validated as every channel's data (``intake.clean_prealert_data``); it is then structured."""
    _check_reviewer(user, [prealert])
    prealert = _locked(prealert)
    _check_not_held(user, prealert)
    if prealert.state in CLOSED_REVIEW_STATES:
        raise ValidationError(
            {"state": _("La prealerta ya está %(state)s.") % {"state": state_label(prealert.state)}}
        )
    clean = clean_prealert_data(data, structured=True)
    before = {f: getattr(prealert, f) for f in STRUCTURED_FIELDS} | {
        "is_structured": prealert.is_structured
    }
    for name in STRUCTURED_FIELDS:
        setattr(prealert, name, clean[name])
    prealert.department_code = prealert.ubigeo.department_code if prealert.ubigeo else ""
    prealert.is_structured = True
    prealert.save()
    after = {f: getattr(prealert, f) for f in STRUCTURED_FIELDS} | {"is_structured": True}
    before["ubigeo"] = before["ubigeo"].code if before["ubigeo"] is not None else None
    after["ubigeo"] = prealert.ubigeo.code if prealert.ubigeo else None
    record(
        AuditEvent.PREALERT_STRUCTURED,
        prealert,
        acting_user=user,
        institution=prealert.institution,
        diff=model_diff(before, after),
    )
    return prealert


# --- validation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventData:
    """What the analyst chooses when a pre-alert becomes an event (the rest comes from the
    pre-alert: date, place, what happened, its source and reporter)."""

    event_type: str
    sub_event_type: str
    actor1: str
    inter1: int | None
    protest_form: str = ""
    actor2: str = ""
    inter2: int | None = None
    event_date: dt.date | None = None


@dataclass(frozen=True)
class NewCaseData:
    """What the analyst gives a proposed case opened from a pre-alert (its description,
    demands, place and start date come from the pre-alert unless given)."""

    name: str
    typology: str | int
    start_date: dt.date | None = None
    description: str = ""
    demands: str = ""
    extra: dict[str, object] = field(default_factory=dict)


def short_ref(prealert: PreAlert) -> str:
    """A short reference an analyst can quote (the uuid's first 8 characters)."""
    return prealert.uuid.hex[:8]


def prealert_source(prealert: PreAlert) -> str:
    """The event's ``sources`` for a validated pre-alert: "Prealerta <channel> <ref>"."""
    return _("Prealerta %(channel)s %(ref)s") % {
        "channel": prealert.get_channel_display(),
        "ref": short_ref(prealert),
    }


def reported_by(prealert: PreAlert) -> str:
    """Who reported it, as the event's confidential ``reported_by`` records it."""
    if prealert.reporter is not None:
        return prealert.reporter.name[:200]
    if prealert.submitted_by is not None:
        return str(prealert.submitted_by)[:200]
    return prealert.sender[:200]


def event_notes(prealert: PreAlert) -> str:
    """What happened, as the event form's notes hold it: the account, then actors, demands
    and the measures announced."""
    parts = [prealert.description]
    if prealert.actors:
        parts.append(_("Actores: %(text)s") % {"text": prealert.actors})
    if prealert.demands:
        parts.append(_("Demandas: %(text)s") % {"text": prealert.demands})
    if prealert.measures:
        when = (
            _(" (anunciadas para el %(date)s)") % {"date": prealert.measures_date.isoformat()}
            if prealert.measures_date
            else ""
        )
        parts.append(
            _("Medidas anunciadas: %(text)s%(when)s") % {"text": prealert.measures, "when": when}
        )
    return "\n\n".join(p for p in parts if p)


def event_payload(prealert: PreAlert, choice: EventData) -> dict[str, object]:
    """The ``record_event`` data of a pre-alert with the analyst's choices."""
    day = (
        choice.event_date or prealert.occurred_on or timezone.localtime(prealert.received_at).date()
    )
    data: dict[str, object] = {
        "event_date": day,
        "event_type": choice.event_type,
        "sub_event_type": choice.sub_event_type,
        "protest_form": choice.protest_form,
        "actor1": choice.actor1,
        "inter1": choice.inter1,
        "actor2": choice.actor2,
        "inter2": choice.inter2,
        "location": prealert.location,
        "latitude": prealert.latitude,
        "longitude": prealert.longitude,
        "sources": prealert_source(prealert),
        "reported_by": reported_by(prealert),
        "notes": event_notes(prealert),
    }
    if prealert.ubigeo is not None:
        data["ubigeo_code"] = prealert.ubigeo.code
    return data


def default_actor(prealert: PreAlert) -> str:
    """The first actor the pre-alert names (a suggestion for the event's actor 1)."""
    first = prealert.actors.strip().splitlines()[0] if prealert.actors.strip() else ""
    return first.split(";")[0].split(",")[0].strip()[:200]


def default_case_name(prealert: PreAlert) -> str:
    text = " ".join(prealert.description.split())
    place = prealert.ubigeo.name if prealert.ubigeo else ""
    name = text[:120].rstrip(" ,.;")
    return f"{name} ({place})" if place and name else name or place


@transaction.atomic
def validate(
    user: User,
    prealert: PreAlert,
    *,
    case: Case | None = None,
    event_data: EventData | None = None,
    new_case_data: NewCaseData | None = None,
) -> PreAlert:
    """Validate a pre-alert: it becomes an event of ``case`` (one the user may add events to,
    ``event_data`` required), or opens a proposed case (``new_case_data``: created as a draft
    by the cases' service and submitted for approval by its workflow; with ``event_data`` the
    event is recorded in the new case too). The reporter is told."""
    _check_reviewer(user, [prealert])
    prealert = _locked(prealert)
    _check_not_held(user, prealert)
    _check_transition(prealert, ReviewState.VALIDATED)
    if not prealert.is_structured:
        raise ValidationError(
            {"state": _("Estructure la prealerta (lugar y qué pasó) antes de validarla.")}
        )
    if (case is None) == (new_case_data is None):
        raise ValidationError(
            {"case": _("Elija un caso existente o abra un caso nuevo (uno de los dos).")}
        )
    if prealert.ubigeo is None and prealert.latitude is None:
        raise ValidationError({"ubigeo": _("La prealerta no tiene lugar: estructúrela antes.")})
    event: Event | None = None
    if case is not None:
        if event_data is None:
            raise ValidationError({"event_type": _("Elija el tipo y subtipo del evento.")})
        if not cases_access.can_add_events(user, case):
            raise ValidationError({"case": _("No puede añadir eventos a ese caso.")})
        event = case_services.record_event(
            user=user,
            case=case,
            data=event_payload(prealert, event_data),
            institution=prealert.institution,
        )
        opened = False
    else:
        assert new_case_data is not None
        case = _open_case(user, prealert, new_case_data)
        opened = True
        if event_data is not None:
            event = case_services.record_event(
                user=user,
                case=case,
                data=event_payload(prealert, event_data),
                institution=prealert.institution,
            )
    before_state = prealert.state
    prealert.case = case
    prealert.event = event
    _close(prealert, user, ReviewState.VALIDATED)
    prealert.save()
    record(
        AuditEvent.PREALERT_VALIDATED,
        prealert,
        acting_user=user,
        institution=prealert.institution,
        diff={
            "state": [before_state, prealert.state],
            "case": str(case.uuid),
            "event": str(event.uuid) if event is not None else None,
            "new_case": opened,
        },
    )
    tell_reporter(prealert)
    return prealert


def _open_case(user: User, prealert: PreAlert, data: NewCaseData) -> Case:
    if not data.name.strip():
        raise ValidationError({"name": _("Indique el nombre del caso.")})
    if data.typology in ("", None):
        raise ValidationError({"typology": _("Indique la tipología.")})
    assert prealert.ubigeo is not None or prealert.latitude is not None
    start = (
        data.start_date or prealert.occurred_on or timezone.localtime(prealert.received_at).date()
    )
    case_data: dict[str, object] = {
        "name": data.name.strip(),
        "typology": data.typology,
        "start_date": start,
        "description": data.description.strip() or prealert.description,
        "demands": data.demands.strip() or prealert.demands,
        **data.extra,
    }
    places = (
        [case_services.PlaceInput(ubigeo_code=prealert.ubigeo.code, is_principal=True)]
        if prealert.ubigeo is not None
        else []
    )
    if not places:
        raise ValidationError({"ubigeo": _("La prealerta no tiene lugar: estructúrela antes.")})
    case = case_services.create_case(
        user=user, institution=prealert.institution, data=dict(case_data), places=places
    )
    return case_services.transition_case(
        user=user, case=case, name="submit", base_url=settings.WILLAQ_BASE_URL
    )


# --- bulk actions (all or nothing; each returns how many pre-alerts changed) --------------------


@transaction.atomic
def assign(user: User, prealerts: Sequence[PreAlert], assignee: User) -> int:
    """Assign the pre-alerts to an analyst of their institution; the assignee is told."""
    rows = _locked_many(prealerts)
    _check_reviewer(user, rows)
    for prealert in rows:
        if not access.can_review_prealert(assignee, prealert):
            raise ValidationError(
                {
                    "assignee": _("%(name)s no revisa las prealertas de %(institution)s.")
                    % {"name": assignee, "institution": prealert.institution}
                }
            )
    changed = [p for p in rows if p.assigned_to_id != assignee.pk]
    for prealert in changed:
        previous = prealert.assigned_to_id
        prealert.assigned_to = assignee
        prealert.save(update_fields=["assigned_to", "updated_at"])
        record(
            AuditEvent.PREALERT_ASSIGNED,
            prealert,
            acting_user=user,
            institution=prealert.institution,
            diff={"assigned_to": [previous, assignee.pk], "assignee": str(assignee)},
        )
    if changed and assignee.pk != user.pk:
        tell_assignee(assignee, changed, by=user)
    return len(changed)


@transaction.atomic
def reject(user: User, prealerts: Sequence[PreAlert], reason: str) -> int:
    """Reject the pre-alerts with a reason (required), told to each reporter."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Indique el motivo del rechazo.")})
    if len(reason) > TEXT_LIMITS["description"]:
        raise ValidationError({"reason": _("El motivo es demasiado largo.")})
    rows = _locked_many(prealerts)
    _check_reviewer(user, rows)
    for prealert in rows:
        _check_not_held(user, prealert)
        _check_transition(prealert, ReviewState.REJECTED)
    for prealert in rows:
        before_state = prealert.state
        prealert.rejection_reason = reason
        _close(prealert, user, ReviewState.REJECTED)
        prealert.save()
        record(
            AuditEvent.PREALERT_REJECTED,
            prealert,
            acting_user=user,
            institution=prealert.institution,
            diff={"state": [before_state, prealert.state], "reason": reason},
        )
        tell_reporter(prealert)
    return len(rows)


@transaction.atomic
def mark_duplicate(user: User, prealerts: Sequence[PreAlert], original: PreAlert) -> int:
    """Close the pre-alerts as duplicates of ``original`` (one of the same queue that is not a
    duplicate itself); each reporter is told."""
    rows = _locked_many(prealerts)
    original = PreAlert.objects.get(pk=original.pk)  # as it stands now
    _check_reviewer(user, [*rows, original])
    if original.pk in {p.pk for p in rows}:
        raise ValidationError({"original": _("Una prealerta no puede ser duplicada de sí misma.")})
    if original.duplicate_of_id is not None:
        raise ValidationError(
            {"original": _("La prealerta elegida como original ya es una duplicada.")}
        )
    for prealert in rows:
        if prealert.institution_id != original.institution_id:
            raise ValidationError(
                {"original": _("La original debe ser de la misma bandeja de prealertas.")}
            )
        _check_not_held(user, prealert)
        _check_transition(prealert, ReviewState.REJECTED)
    reason = _("Duplicada de la prealerta %(ref)s.") % {"ref": short_ref(original)}
    for prealert in rows:
        before_state = prealert.state
        prealert.duplicate_of = original
        prealert.rejection_reason = reason
        _close(prealert, user, ReviewState.REJECTED)
        prealert.save()
        record(
            AuditEvent.PREALERT_DUPLICATE,
            prealert,
            acting_user=user,
            institution=prealert.institution,
            diff={"state": [before_state, prealert.state], "duplicate_of": str(original.uuid)},
        )
        tell_reporter(prealert)
    return len(rows)


@transaction.atomic
def link_to_case(user: User, prealerts: Sequence[PreAlert], case: Case) -> int:
    """Link the pre-alerts to a case the user may see (their review goes on)."""
    if not cases_access.can_view_case(user, case):
        raise ValidationError({"case": _("Caso desconocido.")})
    rows = _locked_many(prealerts)
    _check_reviewer(user, rows)
    for prealert in rows:
        _check_not_held(user, prealert)
        if prealert.state == ReviewState.VALIDATED and prealert.case_id != case.pk:
            raise ValidationError(
                {"case": _("Una prealerta validada ya está en su caso: no se vincula a otro.")}
            )
    changed = [p for p in rows if p.case_id != case.pk]
    for prealert in changed:
        previous = prealert.case
        prealert.case = case
        prealert.save(update_fields=["case", "updated_at"])
        record(
            AuditEvent.PREALERT_LINKED,
            prealert,
            acting_user=user,
            institution=prealert.institution,
            diff={"case": [str(previous.uuid) if previous else None, str(case.uuid)]},
        )
    return len(changed)

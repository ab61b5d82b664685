"""Response to an alert: deployment orders, their states and the 48-hour clock (issue 8 §5).

- :func:`order_response`: a coordinator of the ordering institution orders the responsible
  institution's team to a place; the team and the responsible institution's analysts and
  coordinators are told (in the app and by e-mail).
- :func:`advance`: ordered → deployed → on site → closed (closing needs the report). A state
  is never taken back. Skipping forward is allowed (a team that reports only once it is on
  site): every skipped moment is stamped with the same moment as the state reached, so the
  response time is never shorter than what was recorded (the clock stops at ``on_site_at``).
- :func:`run_response_clock` (the Celery beat task ``check_response_clock`` calls it every
  10 minutes): at 36 h with nobody on site, the team and the responsible institution's editors
  are warned once (``warned_at``); after 48 h the order is escalated once (``escalated_at``) to
  the ordering institution's coordinators and the next level, the responsible institution's
  coordinators and admins. An order found already past 48 h is warned and escalated in the
  same run.

The clock itself (due time, state, response time) is :mod:`willaq.earlywarning.clock`.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from willaq.accounts.models import Institution, Membership, Role, User
from willaq.accounts.notifications import notify
from willaq.audit.models import AuditEvent
from willaq.audit.services import record
from willaq.cases.access import can_view_case
from willaq.cases.models import Case
from willaq.earlywarning import access
from willaq.earlywarning.choices import OrderState
from willaq.earlywarning.clock import (
    clock_state,
    due_at,
    response_window,
    warning_window,
)
from willaq.earlywarning.models import Alert, DeploymentOrder
from willaq.territory.models import Ubigeo

__all__ = [
    "CLOCK_BATCH",
    "STATE_ORDER",
    "ClockRun",
    "advance",
    "clock_state",
    "due_at",
    "next_states",
    "order_response",
    "run_response_clock",
]

# The states in their only direction.
STATE_ORDER: tuple[OrderState, ...] = (
    OrderState.ORDERED,
    OrderState.DEPLOYED,
    OrderState.ON_SITE,
    OrderState.CLOSED,
)
# The moment each state stamps.
STATE_STAMP: dict[str, str] = {
    OrderState.DEPLOYED: "deployed_at",
    OrderState.ON_SITE: "on_site_at",
    OrderState.CLOSED: "closed_at",
}
TEAM_MAX = 200
INSTRUCTIONS_MAX = 5000
REPORT_MAX = 20000
# Orders looked at per pass of the clock (the task runs every 10 minutes: a backlog drains).
CLOCK_BATCH = 500

# Kinds of the notifications this module writes.
KIND_ORDERED = "order.created"
KIND_ON_SITE = "order.on_site"
KIND_CLOSED = "order.closed"
KIND_WARNED = "order.warning"
KIND_ESCALATED = "order.escalated"


def _members(institution_id: int, roles: Iterable[str]) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            institution_id=institution_id,
            role__in=list(roles),
            is_active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__email", "pk")
    ]


def _order_url(order: DeploymentOrder) -> str:
    return reverse("earlywarning:order_detail", kwargs={"order_uuid": order.uuid})


def _text(
    errors: dict[str, list[str]], field: str, value: str, limit: int, *, required: bool = False
) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        errors.setdefault(field, []).append(_("No puede contener el carácter nulo."))
    elif required and not value:
        errors.setdefault(field, []).append(_("Este campo es obligatorio."))
    elif len(value) > limit:
        errors.setdefault(field, []).append(
            _("Admite como máximo %(n)s caracteres.") % {"n": limit}
        )
    return value


def next_states(order: DeploymentOrder) -> list[OrderState]:
    """The states the order may move on to (forward only)."""
    position = STATE_ORDER.index(OrderState(order.state))
    return list(STATE_ORDER[position + 1 :])


# --- ordering -----------------------------------------------------------------------------------


def order_response(
    user: User,
    *,
    ordering_institution: Institution,
    institution: Institution,
    team: str,
    team_members: Iterable[User] = (),
    ubigeo: Ubigeo,
    instructions: str = "",
    alert: Alert | None = None,
    case: Case | None = None,
) -> DeploymentOrder:
    """Order ``institution``'s team to ``ubigeo``; the clock starts now. Only a coordinator of
    ``ordering_institution`` (PermissionDenied otherwise); team members must be active members
    of the responsible institution; the alert and the case must be visible to the user."""
    if not access.can_order_response(user, ordering_institution):
        raise PermissionDenied(
            _("Solo un coordinador de la institución puede ordenar una respuesta.")
        )
    errors: dict[str, list[str]] = {}
    team = _text(errors, "team", team, TEAM_MAX, required=True)
    instructions = _text(errors, "instructions", instructions, INSTRUCTIONS_MAX)
    if not institution.is_active:
        errors.setdefault("institution", []).append(_("La institución no está activa."))
    members = list({m.pk: m for m in team_members}.values())
    if members:
        member_ids = set(
            Membership.objects.filter(
                institution=institution,
                user__in=members,
                is_active=True,
                user__is_active=True,
            ).values_list("user_id", flat=True)
        )
        strangers = [m for m in members if m.pk not in member_ids]
        if strangers:
            errors.setdefault("team_members", []).append(
                _("No son miembros activos de la institución responsable: %(names)s.")
                % {"names": ", ".join(str(m) for m in strangers)}
            )
    if alert is not None and not access.can_view_alert(user, alert):
        errors.setdefault("alert", []).append(_("Alerta desconocida."))
    if case is not None and not can_view_case(user, case):
        errors.setdefault("case", []).append(_("Caso desconocido."))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        order = DeploymentOrder.objects.create(
            alert=alert,
            case=case,
            ordering_institution=ordering_institution,
            institution=institution,
            team=team,
            ubigeo=ubigeo,
            department_code=ubigeo.department_code,
            instructions=instructions,
            ordered_by=user,
            ordered_at=timezone.now(),
        )
        order.team_members.set(members)
        record(
            AuditEvent.ORDER_CREATED,
            order,
            acting_user=user,
            institution=ordering_institution,
            diff={
                "institution": institution.slug,
                "team": team,
                "team_members": sorted(m.email for m in members),
                "ubigeo": ubigeo.code,
                "alert": str(alert.uuid) if alert else None,
                "case": str(case.uuid) if case else None,
            },
        )
        people = [
            *members,
            *_members(institution.pk, (Role.ANALYST, Role.COORDINATOR)),
        ]
        with translation.override(settings.LANGUAGE_CODE):
            notify(
                [p for p in people if p.pk != user.pk],
                kind=KIND_ORDERED,
                title=_("Orden de despliegue: %(team)s a %(place)s")
                % {"team": team, "place": ubigeo.full_name},
                body=_(
                    "%(by)s ordenó la respuesta del equipo «%(team)s» (%(institution)s). "
                    "El equipo debe estar en el lugar antes de %(hours)s horas."
                )
                % {
                    "by": ordering_institution.acronym or ordering_institution.name,
                    "team": team,
                    "institution": institution.acronym or institution.name,
                    "hours": settings.WILLAQ_RESPONSE_HOURS,
                },
                url=_order_url(order),
            )
    return order


# --- moving on ----------------------------------------------------------------------------------


def advance(
    user: User,
    order: DeploymentOrder,
    to_state: OrderState | str,
    *,
    report: str = "",
    at: dt.datetime | None = None,
) -> DeploymentOrder:
    """Move the order forward to ``to_state``, stamping when (``at``, default now: not in the
    future, not before the order's last recorded moment). The responsible institution's editors
    and the team's members (PermissionDenied otherwise). Closing needs the report."""
    if not access.can_update_order(user, order):
        raise PermissionDenied(_("No puede actualizar esta orden de despliegue."))
    if to_state not in OrderState.values:
        raise ValidationError({"state": [_("Estado desconocido.")]})
    target = OrderState(to_state)
    now = timezone.now()
    moment = at or now
    with transaction.atomic():
        locked = DeploymentOrder.objects.select_for_update().get(pk=order.pk)
        errors: dict[str, list[str]] = {}
        if target not in next_states(locked):
            errors.setdefault("state", []).append(
                _("La orden ya está «%(state)s»: no puede pasar a «%(target)s».")
                % {"state": locked.get_state_display(), "target": target.label}
            )
        report = _text(errors, "report", report, REPORT_MAX, required=target == OrderState.CLOSED)
        last = max(
            stamp
            for stamp in (locked.ordered_at, locked.deployed_at, locked.on_site_at)
            if stamp is not None
        )
        if moment > now:
            errors.setdefault("at", []).append(_("No puede estar en el futuro."))
        elif moment < last:
            errors.setdefault("at", []).append(
                _("No puede ser anterior al último momento registrado de la orden (%(when)s).")
                % {"when": timezone.localtime(last).strftime("%Y-%m-%d %H:%M")}
            )
        if errors:
            raise ValidationError(errors)
        before = locked.state
        stamped: list[str] = []
        position = STATE_ORDER.index(OrderState(before))
        for state in STATE_ORDER[position + 1 : STATE_ORDER.index(target) + 1]:
            field = STATE_STAMP[state]
            if getattr(locked, field) is None:
                setattr(locked, field, moment)
                stamped.append(field)
        locked.state = target
        if target == OrderState.CLOSED:
            locked.report = report
        locked.save(update_fields=["state", "report", *stamped, "updated_at"])
        record(
            AuditEvent.ORDER_STATE_CHANGED,
            locked,
            acting_user=user,
            institution=locked.institution,
            diff={
                "state": [before, target.value],
                "at": moment.isoformat(),
                "stamped": stamped,
                **({"report": report} if target == OrderState.CLOSED else {}),
            },
        )
        _tell_ordering_institution(user, locked, target, before)
    return locked


def _tell_ordering_institution(
    user: User, order: DeploymentOrder, target: OrderState, before: str
) -> None:
    """The ordering institution's coordinators hear when the team is on site and when the
    order is closed."""
    reached_site = (
        STATE_ORDER.index(OrderState(before))
        < STATE_ORDER.index(OrderState.ON_SITE)
        <= STATE_ORDER.index(target)
    )
    if not reached_site and target != OrderState.CLOSED:
        return
    people = [
        p for p in _members(order.ordering_institution_id, (Role.COORDINATOR,)) if p.pk != user.pk
    ]
    with translation.override(settings.LANGUAGE_CODE):
        if target == OrderState.CLOSED:
            kind = KIND_CLOSED
            title = _("Orden cerrada con informe: %(team)s") % {"team": order.team}
        else:
            kind = KIND_ON_SITE
            title = _("El equipo %(team)s está en el lugar") % {"team": order.team}
        state = clock_state(order, timezone.now())
        notify(
            people,
            kind=kind,
            title=title,
            body=str(state.label),
            url=_order_url(order),
        )


# --- the clock ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClockRun:
    warned: int
    escalated: int


def _unflagged_open_orders(age: Q, flag: str) -> list[DeploymentOrder]:
    """Open orders (the ``order_open_age`` partial index: state ≠ closed, by ``ordered_at``)
    of an age (``age``, a condition on ``ordered_at``), nobody on site yet, ``flag`` not set;
    oldest first, at most
    :data:`CLOCK_BATCH` (a backlog drains over the next runs)."""
    return list(
        DeploymentOrder.objects.exclude(state=OrderState.CLOSED)
        .filter(age, on_site_at__isnull=True)
        .filter(**{f"{flag}__isnull": True})
        .order_by("ordered_at")
        .select_related("institution", "ordering_institution", "ubigeo")[:CLOCK_BATCH]
    )


def _warn(order: DeploymentOrder, now: dt.datetime) -> bool:
    with transaction.atomic():
        # Only the run that sets ``warned_at`` tells anyone: a second run (or a second worker)
        # finds it set and does nothing.
        taken = DeploymentOrder.objects.filter(pk=order.pk, warned_at__isnull=True).update(
            warned_at=now
        )
        if not taken:
            return False
        order.warned_at = now
        record(
            AuditEvent.ORDER_WARNED,
            order,
            institution=order.institution,
            diff={"due_at": due_at(order).isoformat()},
        )
        people = [
            *order.team_members.filter(is_active=True).order_by("email"),
            *_members(order.institution_id, (Role.ANALYST, Role.COORDINATOR, Role.ADMIN)),
        ]
        with translation.override(settings.LANGUAGE_CODE):
            notify(
                people,
                kind=KIND_WARNED,
                title=_("Plazo por vencer: %(team)s debe estar en el lugar antes de %(when)s")
                % {
                    "team": order.team,
                    "when": timezone.localtime(due_at(order)).strftime("%d/%m/%Y %H:%M"),
                },
                body=_(
                    "Han pasado %(hours)s horas desde la orden de despliegue a %(place)s y el "
                    "equipo aún no está en el lugar. Si ya llegó, regístrelo en la orden."
                )
                % {"hours": settings.WILLAQ_RESPONSE_WARN_HOURS, "place": order.ubigeo.full_name},
                url=_order_url(order),
            )
    return True


def _escalate(order: DeploymentOrder, now: dt.datetime) -> bool:
    with transaction.atomic():
        taken = DeploymentOrder.objects.filter(pk=order.pk, escalated_at__isnull=True).update(
            escalated_at=now
        )
        if not taken:
            return False
        order.escalated_at = now
        record(
            AuditEvent.ORDER_ESCALATED,
            order,
            institution=order.ordering_institution,
            diff={"due_at": due_at(order).isoformat()},
        )
        people = [
            *_members(order.ordering_institution_id, (Role.COORDINATOR,)),
            *_members(order.institution_id, (Role.COORDINATOR, Role.ADMIN)),
        ]
        with translation.override(settings.LANGUAGE_CODE):
            notify(
                people,
                kind=KIND_ESCALATED,
                title=_("Orden vencida: %(team)s no llegó a %(place)s en %(hours)s horas")
                % {
                    "team": order.team,
                    "place": order.ubigeo.full_name,
                    "hours": settings.WILLAQ_RESPONSE_HOURS,
                },
                body=_(
                    "La orden de despliegue de %(by)s a %(institution)s venció el %(when)s sin "
                    "que el equipo esté en el lugar."
                )
                % {
                    "by": order.ordering_institution.acronym or order.ordering_institution.name,
                    "institution": order.institution.acronym or order.institution.name,
                    "when": timezone.localtime(due_at(order)).strftime("%d/%m/%Y %H:%M"),
                },
                url=_order_url(order),
            )
    return True


def run_response_clock(now: dt.datetime | None = None) -> ClockRun:
    """Warn the orders past the warning time and escalate those past the due time, each once.
    Safe to run twice or from two workers at once."""
    now = now or timezone.now()
    # "At 36 h": an order exactly 36 hours old is warned.
    to_warn = _unflagged_open_orders(Q(ordered_at__lte=now - warning_window()), "warned_at")
    warned = sum(_warn(order, now) for order in to_warn)
    # "After 48 h": strictly later than the due time.
    to_escalate = _unflagged_open_orders(Q(ordered_at__lt=now - response_window()), "escalated_at")
    escalated = sum(_escalate(order, now) for order in to_escalate)
    return ClockRun(warned=warned, escalated=escalated)

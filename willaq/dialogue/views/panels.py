"""The dialogue panel of a case page and the dashboard's risk signal (HTMX fragments loaded by
the cases app's templates with ``hx-trigger="load"``: the cases app never imports dialogue).

- ``case_panel``: the case's dialogue spaces (state; "en diálogo" when one is in session), each
  with its commitments' roll-up, the case's roll-up, and the **risk signal** when the case is
  active or latent and one of its spaces' commitments is overdue (issue 9 §5). The viewer must
  see the case (``willaq.cases.access.get_case_for_user``: 404 otherwise).
- ``risk_panel``: the active and latent cases the viewer sees that have overdue commitments,
  with the count and the oldest due date; the ten oldest and the total.

Both take a fixed number of queries whatever the number of spaces or cases.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from willaq.accounts.models import User
from willaq.cases.access import get_case_for_user, visible_cases
from willaq.cases.choices import CaseState
from willaq.cases.models import Case
from willaq.dialogue import clock
from willaq.dialogue.access import visible_spaces
from willaq.dialogue.choices import SpaceState
from willaq.dialogue.models import Commitment, DialogueSpace
from willaq.dialogue.selectors import Rollup, overdue_q, rollup

# Case states in which an overdue commitment is a risk of (re)escalation.
RISK_CASE_STATES = (CaseState.ACTIVE, CaseState.LATENT)
RISK_LIST_SIZE = 10


@dataclass
class SpaceLine:
    space: DialogueSpace
    count: int
    weighted_progress: Decimal | None
    overdue: int
    oldest_overdue: dt.date | None


@dataclass
class CasePanel:
    case: Case
    spaces: list[SpaceLine]
    rollup: Rollup
    in_dialogue: bool
    risk: bool
    oldest_overdue: dt.date | None


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def case_dialogue(user: User, case: Case, day: dt.date | None = None) -> CasePanel:
    day = day or clock.today()
    spaces = list(
        visible_spaces(user)
        .filter(cases=case)
        .select_related("institution", "parent")
        .order_by("-start_date", "pk")
    )
    ids = [s.pk for s in spaces]
    stats = {
        row["space_id"]: row
        for row in Commitment.objects.filter(space_id__in=ids)
        .order_by()
        .values("space_id")
        .annotate(
            n=Count("pk"),
            w=Sum("weight"),
            wp=Sum(F("weight") * F("progress")),
            late=Count("pk", filter=overdue_q(day)),
            oldest=Min("due_date", filter=overdue_q(day)),
        )
    }
    lines = []
    for space in spaces:
        row = stats.get(space.pk)
        progress = None
        if row and row["w"]:
            progress = (Decimal(row["wp"] or 0) / Decimal(row["w"])).quantize(Decimal("0.1"))
        lines.append(
            SpaceLine(
                space,
                count=row["n"] if row else 0,
                weighted_progress=progress,
                overdue=row["late"] if row else 0,
                oldest_overdue=row["oldest"] if row else None,
            )
        )
    total = rollup(Commitment.objects.filter(space_id__in=ids), day) if ids else Rollup()
    oldest = min((line.oldest_overdue for line in lines if line.oldest_overdue), default=None)
    return CasePanel(
        case=case,
        spaces=lines,
        rollup=total,
        in_dialogue=any(s.state == SpaceState.IN_SESSION for s in spaces),
        risk=case.state in RISK_CASE_STATES and total.overdue > 0,
        oldest_overdue=oldest,
    )


def cases_at_risk(user: User, day: dt.date | None = None) -> QuerySet[Case]:
    """Active and latent cases the user sees with overdue commitments in spaces the user sees,
    annotated with ``overdue`` (count) and ``oldest_due`` (the oldest overdue due date)."""
    day = day or clock.today()
    late = overdue_q(day, prefix="dialogue_spaces__commitments__") & Q(
        dialogue_spaces__in=visible_spaces(user)
    )
    return (
        visible_cases(user)
        .filter(state__in=RISK_CASE_STATES)
        .annotate(
            overdue=Count("dialogue_spaces__commitments", filter=late, distinct=True),
            oldest_due=Min("dialogue_spaces__commitments__due_date", filter=late),
        )
        .filter(overdue__gt=0)
        .order_by("oldest_due", "pk")
    )


@login_required
@require_GET
def case_panel(request: HttpRequest, case_uuid: UUID) -> HttpResponse:
    user = _user(request)
    case = get_case_for_user(user, case_uuid)
    return render(request, "dialogue/panel_case.html", {"panel": case_dialogue(user, case)})


@login_required
@require_GET
def risk_panel(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    cases = cases_at_risk(user)
    top = list(cases.select_related("institution")[:RISK_LIST_SIZE])
    total = len(top) if len(top) < RISK_LIST_SIZE else cases.count()
    return render(
        request,
        "dialogue/panel_risk.html",
        {"cases": top, "total": total, "more": total - len(top)},
    )


urlpatterns: list[URLPattern] = [
    path("dialogo/casos/<uuid:case_uuid>/panel/", case_panel, name="case_panel"),
    path("dialogo/riesgos/", risk_panel, name="risk_panel"),
]

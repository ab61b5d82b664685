"""The synthetic registry generator (bench data): counts, histories, reproducibility, limits."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone

from willaq.cases.choices import CaseState
from willaq.cases.history import cases_as_of
from willaq.cases.models import Actor, Case, CasePlace, CaseTransition, Event, Victim
from willaq.testing.factories import CaseFactory, EventFactory

pytestmark = pytest.mark.django_db

ARGS: tuple[str, ...] = (
    "--cases",
    "30",
    "--events",
    "400",
    "--big-case-events",
    "60",
    "--seed",
    "7",
)
ARGS += ("--today", "2026-11-15")


def generate(*extra: str) -> str:
    out = StringIO()
    call_command("generate_registry", *ARGS, *extra, stdout=out)
    return out.getvalue()


def snapshot() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    cases = list(Case.objects.order_by("uuid").values_list("uuid", "code", "name", "state"))
    events = list(Event.objects.order_by("uuid").values_list("uuid", "event_date", "case__uuid"))
    return cases, events


def test_generates_the_asked_sizes_with_histories() -> None:
    output = generate()
    assert "eventos: 400 / 400" in output
    assert Case.objects.count() == 30
    assert Event.objects.count() == 400
    assert set(Case.objects.values_list("state", flat=True)) == set(CaseState.values)
    merged = Case.objects.filter(state=CaseState.MERGED)
    assert merged.count() >= 1
    assert merged.filter(merged_into__isnull=True).count() == 0
    assert merged.filter(merged_into__state=CaseState.MERGED).count() == 0
    per_case = list(
        Event.objects.values("case").annotate(n=Count("id")).values_list("n", flat=True)
    )
    assert per_case.count(60) == 1
    assert (
        Case.objects.filter(code__isnull=False).count()
        == Case.objects.filter(
            state__in=[s for s in CaseState.values if s not in ("draft", "proposed")]
        ).count()
    )
    assert CasePlace.objects.filter(is_principal=True).count() == 30
    assert Actor.objects.count() >= 10
    assert Victim.history.count() == Victim.objects.count()
    assert Event.history.count() == 400
    # Each case: a creation row first, its last history row is the present, and one
    # CaseTransition per state change.
    for case in Case.objects.all():
        rows = list(case.history.order_by("history_date", "history_id"))
        assert rows[0].history_type == "+"
        assert (rows[-1].state, rows[-1].phase, rows[-1].code) == (
            case.state,
            case.phase,
            case.code,
        )
        transitions = list(case.transitions.all())
        assert transitions[0].kind == "created"
        assert transitions[-1].to_state == case.state
        assert all(t.occurred_at <= timezone.now() for t in transitions)
    rebuilt = cases_as_of(timezone.now())
    assert len(rebuilt) == 30
    assert len({c.pk for c in rebuilt}) == 30
    assert CaseTransition.objects.filter(kind="approved").count() >= 5


def test_same_seed_same_registry() -> None:
    generate()
    first = snapshot()
    generate("--flush")
    assert snapshot() == first
    assert Case.objects.count() == 30


def test_refuses_a_registry_that_already_has_cases() -> None:
    generate()
    with pytest.raises(CommandError, match="--flush"):
        generate()


def test_refuses_what_the_disk_cannot_hold() -> None:
    with pytest.raises(CommandError, match="No hay espacio"):
        call_command("generate_registry", "--cases", "10", "--events", str(10**14))
    assert Case.objects.count() == 0


def test_the_app_saves_new_rows_after_a_generated_registry() -> None:
    """The generator writes its own ids; the sequences follow, so the next case, place, event
    and history row saved through the app take fresh ids (on PostgreSQL they collided)."""
    generate()
    highest = Case.objects.order_by("-id").values_list("id", flat=True).first()
    case = CaseFactory(code="TEST-0001")
    assert highest is not None
    assert case.pk > highest
    assert case.history.count() >= 1
    event = EventFactory(case=case)
    assert Event.objects.filter(pk=event.pk).count() == 1

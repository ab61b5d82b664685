"""Effective dates: a change recorded late rebuilds the past as if it had been recorded in time."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from willaq.audit.models import AuditEvent, AuditLog
from willaq.cases import services
from willaq.cases.choices import CaseState, Phase
from willaq.cases.history import (
    case_history,
    case_rows_as_of,
    cases_as_of,
    end_of_month,
    places_as_of,
)
from willaq.cases.models import Case, CasePlace, CaseTransition
from willaq.cases.services import PlaceInput

pytestmark = pytest.mark.django_db

LIMA = dt.timezone(dt.timedelta(hours=-5))


def at(year, month, day):
    return dt.datetime(year, month, day, 12, tzinfo=LIMA)


@pytest.fixture
def active_case(analyst, coordinator, owner_institution):
    """A socio-environmental case, active (early phase) since January 2025."""
    with time_machine.travel(at(2025, 1, 10), tick=False):
        case = services.create_case(
            user=analyst,
            institution=owner_institution,
            data={
                "name": "Caso Río",
                "start_date": dt.date(2025, 1, 5),
                "typology": "socioambiental",
            },
            places=[PlaceInput("021801", True)],
        )
        services.transition_case(user=analyst, case=case, name="submit")
        services.transition_case(user=coordinator, case=case, name="approve")
    return case


def typology_at(case, year, month):
    (found,) = [c for c in cases_as_of(end_of_month(year, month)) if c.pk == case.pk]
    return found.typology.code


def test_typology_changed_in_march_recorded_in_june(analyst, active_case):
    with time_machine.travel(at(2025, 4, 8), tick=False):
        services.change_phase(user=analyst, case=active_case, phase=Phase.ESCALATION)
    with time_machine.travel(at(2025, 6, 20), tick=False):
        services.update_case(
            user=analyst, case=active_case, data={"typology": "laboral"}, at=at(2025, 3, 12)
        )

    assert typology_at(active_case, 2025, 2) == "socioambiental"
    assert typology_at(active_case, 2025, 3) == "laboral"
    # April's row (the phase change, recorded in April) carries the March change forward.
    april = [c for c in cases_as_of(end_of_month(2025, 4)) if c.pk == active_case.pk]
    assert len(april) == 1
    assert april[0].typology.code == "laboral"
    assert april[0].phase == Phase.ESCALATION
    rows = [r for r in case_rows_as_of(end_of_month(2025, 4)) if r["id"] == active_case.pk]
    assert len(rows) == 1
    assert rows[0]["phase"] == Phase.ESCALATION
    live = Case.objects.get(pk=active_case.pk)
    assert live.typology.code == "laboral"
    assert live.phase == Phase.ESCALATION
    # The new row says when it took effect and when it was written.
    march_row = active_case.history.get(history_date=at(2025, 3, 12))
    assert march_row.recorded_at == at(2025, 6, 20)
    assert march_row.phase == Phase.EARLY  # the phase as it stood in March
    # No row was added at the recording date: the live save wrote no history.
    assert active_case.history.filter(history_date__gte=at(2025, 6, 1)).count() == 0
    log = AuditLog.objects.filter(event_type=AuditEvent.CASE_CHANGED).get()
    assert log.diff["typology"][1] == live.typology_id
    assert log.diff["effective_at"].startswith("2025-03-12")
    assert log.created_at == at(2025, 6, 20)


def test_back_dated_change_stops_at_a_later_change_of_the_same_field(analyst, active_case):
    with time_machine.travel(at(2025, 5, 2), tick=False):
        services.update_case(user=analyst, case=active_case, data={"typology": "comunal"})
    with time_machine.travel(at(2025, 6, 20), tick=False):
        services.update_case(
            user=analyst,
            case=active_case,
            data={"typology": "laboral", "name": "Caso Río Grande"},
            at=at(2025, 3, 12),
        )
    assert typology_at(active_case, 2025, 2) == "socioambiental"
    assert typology_at(active_case, 2025, 3) == "laboral"
    assert typology_at(active_case, 2025, 4) == "laboral"
    assert typology_at(active_case, 2025, 5) == "comunal"  # the later change stands
    live = Case.objects.get(pk=active_case.pk)
    assert live.typology.code == "comunal"  # the live case keeps the later value
    assert live.name == "Caso Río Grande"  # a field with no later change moves
    names = [c.name for c in cases_as_of(end_of_month(2025, 5)) if c.pk == active_case.pk]
    assert names == ["Caso Río Grande"]


def test_back_dated_sectors_are_carried_forward(analyst, active_case):
    with time_machine.travel(at(2025, 6, 20), tick=False):
        services.update_case(
            user=analyst, case=active_case, data={"sectors": ["minem"]}, at=at(2025, 3, 1)
        )
    feb = active_case.history.filter(history_date__lte=end_of_month(2025, 2)).latest(
        "history_date", "history_id"
    )
    march = active_case.history.filter(history_date__lte=end_of_month(2025, 3)).latest(
        "history_date", "history_id"
    )
    assert feb.sectors.count() == 0
    assert list(march.sectors.values_list("category__code", flat=True)) == ["minem"]
    assert list(active_case.sectors.values_list("code", flat=True)) == ["minem"]


def test_back_dated_places(analyst, active_case):
    with time_machine.travel(at(2025, 6, 20), tick=False):
        services.update_case(
            user=analyst,
            case=active_case,
            data={},
            places=[PlaceInput("080101", True)],
            at=at(2025, 3, 12),
        )
    feb = places_as_of(end_of_month(2025, 2))[active_case.pk]
    march = places_as_of(end_of_month(2025, 3))[active_case.pk]
    assert [p.ubigeo.code for p in feb] == ["021801"]
    assert [p.ubigeo.code for p in march] == ["080101"]
    # A place changed in June cannot then be changed effective in May.
    with time_machine.travel(at(2025, 6, 25), tick=False), pytest.raises(ValidationError) as error:
        services.update_case(
            user=analyst,
            case=active_case,
            data={},
            places=[PlaceInput("150101", True)],
            at=at(2025, 2, 1),
        )
    assert "effective_date" in error.value.message_dict
    assert CasePlace.objects.filter(case=active_case).count() == 1


def test_effective_date_bounds(analyst, active_case):
    with time_machine.travel(at(2025, 6, 20), tick=False):
        for when in (at(2025, 7, 1), at(2024, 12, 1)):
            with pytest.raises(ValidationError) as error:
                services.update_case(user=analyst, case=active_case, data={"name": "Otro"}, at=when)
            assert "effective_date" in error.value.message_dict
    assert Case.objects.get(pk=active_case.pk).name == "Caso Río"
    assert AuditLog.objects.filter(event_type=AuditEvent.CASE_CHANGED).count() == 0


def test_transition_cannot_be_back_dated_before_the_last_one(analyst, active_case):
    with time_machine.travel(at(2025, 6, 20), tick=False):
        services.transition_case(user=analyst, case=active_case, name="to_latent")
        with pytest.raises(ValidationError) as error:
            services.transition_case(
                user=analyst,
                case=active_case,
                name="reactivate",
                at=at(2025, 3, 1),
            )
    assert "último cambio de estado" in error.value.message_dict["effective_date"][0]
    assert Case.objects.get(pk=active_case.pk).state == CaseState.LATENT


def test_historical_case_entered_as_latent_then_resolved(analyst, coordinator, owner_institution):
    """An import chains the creation and back-dated transitions; a field update recorded
    after them in between does not undo them."""
    with time_machine.travel(at(2025, 6, 20), tick=False):
        case = services.create_case(
            user=analyst,
            institution=owner_institution,
            data={
                "name": "Caso histórico",
                "start_date": dt.date(2019, 3, 1),
                "typology": "comunal",
                "start_date_precision": "month",
            },
            places=[PlaceInput("021801", True)],
            at=at(2019, 3, 1),
        )
        services.transition_case(user=analyst, case=case, name="submit", at=at(2019, 3, 1))
        services.transition_case(user=coordinator, case=case, name="approve", at=at(2019, 3, 2))
        services.transition_case(user=analyst, case=case, name="to_latent", at=at(2020, 1, 15))
        services.transition_case(
            user=analyst, case=case, name="resolve", reason="Acuerdo", at=at(2021, 8, 1)
        )
        withdrawn = services.create_case(
            user=analyst,
            institution=owner_institution,
            data={
                "name": "Caso retirado",
                "start_date": dt.date(2018, 1, 1),
                "typology": "laboral",
            },
            places=[PlaceInput("080101", True)],
            at=at(2018, 1, 1),
        )
        for name, when in (("submit", at(2018, 1, 1)), ("approve", at(2018, 1, 1))):
            services.transition_case(user=coordinator, case=withdrawn, name=name, at=when)
        services.transition_case(user=analyst, case=withdrawn, name="to_latent", at=at(2018, 6, 1))
        services.transition_case(
            user=analyst, case=withdrawn, name="withdraw", reason="Inactivo", at=at(2020, 6, 1)
        )

    def state(c, year, month):
        found = [r["state"] for r in case_rows_as_of(end_of_month(year, month)) if r["id"] == c.pk]
        return found[0] if found else None

    assert state(case, 2019, 2) is None
    assert state(case, 2019, 3) == CaseState.ACTIVE
    assert state(case, 2020, 1) == CaseState.LATENT
    assert state(case, 2021, 8) == CaseState.RESOLVED
    assert state(withdrawn, 2018, 6) == CaseState.LATENT
    assert state(withdrawn, 2020, 6) == CaseState.WITHDRAWN
    live = Case.objects.get(pk=case.pk)
    assert live.code is not None
    assert live.code.startswith("2019-")
    assert live.end_date == dt.date(2021, 8, 1)
    transitions = CaseTransition.objects.filter(case=case).order_by("occurred_at")
    assert [t.to_state for t in transitions] == [
        CaseState.DRAFT,
        CaseState.PROPOSED,
        CaseState.ACTIVE,
        CaseState.LATENT,
        CaseState.RESOLVED,
    ]
    assert {t.recorded_at for t in transitions} == {at(2025, 6, 20)}


def test_history_shows_both_dates_when_they_differ(analyst, outsider, active_case):
    with time_machine.travel(at(2025, 6, 20), tick=False):
        services.update_case(
            user=analyst, case=active_case, data={"typology": "laboral"}, at=at(2025, 3, 12)
        )
        services.transition_case(
            user=analyst, case=active_case, name="to_latent", at=at(2025, 4, 1)
        )
        services.update_case(user=analyst, case=active_case, data={"name": "Caso Río Bajo"})
    entries = case_history(active_case, analyst)
    late = [e for e in entries if e.recorded_late]
    assert len(late) == 2  # the typology change and the transition
    assert [e.effective for e in late] == [at(2025, 4, 1), at(2025, 3, 12)]
    assert {e.recorded for e in late} == {at(2025, 6, 20)}
    on_time = [e for e in entries if e.what == "Caso modificado" and not e.recorded_late]
    assert len(on_time) == 1
    for user in (analyst, outsider):
        client = Client()
        client.force_login(user)
        for name in ("cases:history", "cases:detail"):
            page = client.get(reverse(name, kwargs={"case_uuid": active_case.uuid}))
            assert page.status_code == 200
            text = page.content.decode()
            assert text.count("efectivo el 12 mar 2025, 12:00") == 1
            assert text.count("registrado el 20 jun 2025, 12:00") == 2
            assert text.count("efectivo el 1 abr 2025, 12:00") == 1

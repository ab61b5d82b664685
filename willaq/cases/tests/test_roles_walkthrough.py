"""Issue 5's "done when": a reporter, an analyst and a coordinator each do their job and fix
their mistakes, through the pages, as they would in a day's work. Every step is a page request
(the same forms a person submits); the history tells the whole story at the end."""

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import Institution, Role, User
from willaq.cases import services
from willaq.cases.choices import CaseState
from willaq.cases.history import case_history
from willaq.cases.models import Event, Victim
from willaq.cases.services import PlaceInput
from willaq.testing.factories import event_form_data, member

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_reporter_analyst_and_coordinator_do_their_job_and_fix_their_mistakes(
    owner_institution: Institution,
    analyst: User,
    coordinator: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    reporter = member(owner_institution, Role.REPORTER, email="rosa@dp.gob.pe")
    rosa, ana, carlos = _client(reporter), _client(analyst), _client(coordinator)

    # The reporter registers what she saw and proposes it.
    case = services.create_case(
        user=reporter,
        institution=owner_institution,
        data={
            "name": "Paro en Huaraz",
            "start_date": dt.date(2025, 3, 1),
            "typology": "socioambiental",
        },
        places=[PlaceInput("020101", True)],
    )
    detail = reverse("cases:detail", kwargs={"case_uuid": case.uuid})
    transition = reverse("cases:transition", kwargs={"case_uuid": case.uuid})
    with django_capture_on_commit_callbacks(execute=True):
        # The first press shows a confirmation step; nothing changes until it is confirmed.
        assert rosa.post(transition, {"name": "submit"}).status_code == 200
        case.refresh_from_db()
        assert case.state == CaseState.DRAFT
        assert rosa.post(transition, {"name": "submit", "confirmed": "1"}).status_code == 302
        # The coordinator finds it in the queue and returns it with a reason.
        queue = carlos.get(reverse("cases:queue")).content.decode()
        assert "Paro en Huaraz" in queue
        reason = "Falta precisar el lugar exacto del bloqueo."
        assert (
            carlos.post(
                transition, {"name": "return", "reason": reason, "confirmed": "1"}
            ).status_code
            == 302
        )
        # The reporter reads why, corrects the case and proposes it again.
        assert reason in rosa.get(detail).content.decode()
        services.update_case(
            user=reporter, case=case, data={"description": "Bloqueo en el puente."}
        )
        assert rosa.post(transition, {"name": "submit", "confirmed": "1"}).status_code == 302
        approve = {"name": "approve", "phase": "early", "confirmed": "1"}
        assert carlos.post(transition, approve).status_code == 302
        case.refresh_from_db()
        assert case.state == CaseState.ACTIVE
        assert case.code
    # E-mails: the proposals to the coordinator (twice), the return and the approval to Rosa.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [coordinator.email, coordinator.email, reporter.email, reporter.email]
    )

    # The analyst records an event and, by mistake, a death instead of an injury.
    assert (
        ana.post(
            reverse("cases:event_create", kwargs={"case_uuid": case.uuid}), event_form_data()
        ).status_code
        == 302
    )
    event = Event.objects.get(case=case)
    victim_url = reverse("cases:victim_create", kwargs={"event_uuid": event.uuid})
    assert ana.post(victim_url, {"outcome": "dead", "group": "civilian"}).status_code == 302
    event.refresh_from_db()
    assert (event.fatalities, event.injured) == (1, 0)
    victim = Victim.objects.get(event=event)
    edit = reverse("cases:victim_edit", kwargs={"victim_uuid": victim.uuid})
    assert ana.post(edit, {"outcome": "injured", "group": "civilian"}).status_code == 302
    event.refresh_from_db()
    assert (event.fatalities, event.injured) == (0, 1)

    # A duplicate event is removed, with a confirmation step and a reason.
    assert (
        ana.post(
            reverse("cases:event_create", kwargs={"case_uuid": case.uuid}), event_form_data()
        ).status_code
        == 302
    )
    duplicate = Event.objects.filter(case=case).order_by("-pk").first()
    assert duplicate is not None
    remove = reverse(
        "cases:record_remove", kwargs={"kind": "eventos", "record_uuid": duplicate.uuid}
    )
    assert ana.get(remove).status_code == 200  # the confirmation step
    assert ana.post(remove, {"reason": ""}).status_code == 400  # a reason is required
    assert ana.post(remove, {"reason": "Evento duplicado."}).status_code == 302
    assert Event.objects.filter(case=case).count() == 1
    # The analyst cannot restore; the coordinator can, from the case page.
    restore = reverse(
        "cases:record_restore", kwargs={"kind": "eventos", "record_uuid": duplicate.uuid}
    )
    assert ana.post(restore).status_code in (403, 404)
    assert restore in carlos.get(detail).content.decode()
    assert carlos.post(restore).status_code == 302
    assert Event.objects.filter(case=case).count() == 2

    # The history tells the story, each step on its own line with its reason.
    history = case_history(case, analyst)
    lines = [entry.what for entry in history]
    assert sum(line.startswith("Propuesto para aprobación") for line in lines) == 2
    assert sum(line.startswith("Devuelto a borrador") and reason in line for line in lines) == 1
    assert sum(line.startswith("Aprobado como activo") for line in lines) == 1
    assert sum("Evento duplicado." in line for line in lines) == 1
    assert sum(line.startswith("Evento restaurado") for line in lines) == 1

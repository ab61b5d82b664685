"""Changing records already added to a case through the web pages: edit an event, unlink an actor.

Personas: the owner institution's analyst, an analyst of another institution (outsider), a
reporter of the owner institution (reads only) and an anonymous visitor.
"""

import datetime as dt
from typing import Any, cast

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from willaq.accounts.models import Institution, Role
from willaq.audit.models import AuditEvent, AuditLog
from willaq.cases.choices import ActorRole, CaseState
from willaq.cases.models import Actor, Case, CaseActor, Event
from willaq.territory.models import Ubigeo
from willaq.testing.factories import (
    ActorFactory,
    CaseActorFactory,
    CaseFactory,
    EventFactory,
    member,
)

pytestmark = pytest.mark.django_db

# The factory's events happened on 2025-04-02; "today" only matters for the future-date check
# (travelling elsewhere would date the edits before the events were created, out of order).
TODAY = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)


def new_case(**kwargs: Any) -> Case:
    return cast(Case, CaseFactory(**kwargs))


def new_event(**kwargs: Any) -> Event:
    return cast(Event, EventFactory(**kwargs))


def edit_url(event: Event) -> str:
    return reverse("cases:event_edit", kwargs={"event_uuid": event.uuid})


def unlink_url(case: Case, actor: Actor) -> str:
    return reverse("cases:actor_unlink", kwargs={"case_uuid": case.uuid, "actor_uuid": actor.uuid})


def detail_url(case: Case) -> str:
    return reverse("cases:detail", kwargs={"case_uuid": case.uuid})


def event_post(**overrides: Any) -> dict[str, Any]:
    """A complete event form, as the browser sends it (the factory event's values, changed)."""
    data = {
        "event_date": "2025-04-02",
        "date_precision": "1",
        "event_type": "Protests",
        "sub_event_type": "Peaceful protest",
        "protest_form": "",
        "actor1": "Rondas campesinas (Perú)",
        "inter1": "6",
        "place_department": "020000",
        "place_province": "021800",
        "place_district": "021801",
        "location": "Plaza de armas",
        "geo_precision": "1",
        "sources": "Radio local",
        "reported_by": "Monitor de campo 7",
    }
    data.update(overrides)
    return data


@pytest.fixture
def case(owner_institution: Institution) -> Case:
    return new_case(institution=owner_institution, name="Caso con eventos")


@pytest.fixture
def event(case: Case) -> Event:
    return new_event(case=case, location="Puente Calicanto", notes="Nota interna")


@pytest.fixture
def reporter_client(owner_institution: Institution) -> Client:
    client = Client()
    client.force_login(member(owner_institution, Role.REPORTER, email="monitor@dp.gob.pe"))
    return client


# --- edit an event -----------------------------------------------------------------------------


def test_edit_form_is_filled_with_the_event(analyst_client: Client, event: Event) -> None:
    response = analyst_client.get(edit_url(event))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["actor1"] == "Protesters (Peru)"
    assert form.initial["sources"] == "Radio local"
    assert form.initial["place_district"] == "021801"
    html = response.content.decode()
    assert "<h1>Editar evento</h1>" in html
    assert f'action="{edit_url(event)}"' in html
    assert 'value="2025-04-02"' in html
    assert 'value="Puente Calicanto"' in html
    assert "Nota interna</textarea>" in html
    assert '<option value="Peaceful protest" selected>' in html
    # The dependent selects come with their options loaded and the event's place chosen.
    assert '<option value="020000" selected>' in html
    assert '<option value="021800" selected>' in html
    assert '<option value="021801" selected>' in html
    assert 'id="sub-event-parent"' in html


def test_owner_analyst_edits_an_event(analyst_client: Client, case: Case, event: Event) -> None:
    response = analyst_client.post(
        edit_url(event), event_post(actor1="Frente de defensa de Huari", location="Puente nuevo")
    )
    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(case)}#evento-{event.uuid}"
    event.refresh_from_db()
    assert event.actor1 == "Frente de defensa de Huari"
    assert event.location == "Puente nuevo"
    audit = AuditLog.objects.get(event_type=AuditEvent.EVENT_CHANGED)
    assert audit.target_id == str(event.uuid)
    assert audit.diff["actor1"] == ["Protesters (Peru)", "Frente de defensa de Huari"]
    assert audit.acting_user is not None
    assert audit.acting_user.email == "analista@dp.gob.pe"

    page = analyst_client.get(detail_url(case))
    assert "Evento actualizado." in page.content.decode()
    changed = [e for e in page.context["history"] if e.what.startswith("Evento modificado")]
    assert len(changed) == 1
    assert any(
        old == "Protesters (Peru)" and new == "Frente de defensa de Huari"
        for _label, old, new in changed[0].changes
    )


def test_editing_the_place_moves_a_point_taken_from_the_old_place(
    analyst_client: Client, case: Case
) -> None:
    old_place = Ubigeo.objects.get(code="021801")
    new_place = Ubigeo.objects.get(code="020101")
    assert old_place.latitude is not None
    assert new_place.latitude is not None
    event = new_event(
        case=case, latitude=old_place.latitude, longitude=old_place.longitude, geo_precision=2
    )
    form = analyst_client.get(edit_url(event)).context["form"]
    assert form.initial["latitude"] == old_place.latitude  # shown as it is stored
    response = analyst_client.post(
        edit_url(event),
        event_post(
            place_province="020100",
            place_district="020101",
            latitude=str(old_place.latitude),
            longitude=str(old_place.longitude),
            geo_precision="2",
        ),
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.ubigeo == new_place
    assert (event.latitude, event.longitude) == (new_place.latitude, new_place.longitude)


def test_editing_the_place_keeps_a_typed_point(analyst_client: Client, case: Case) -> None:
    event = new_event(case=case, latitude=-9.3, longitude=-77.2, geo_precision=1)
    response = analyst_client.post(
        edit_url(event),
        event_post(
            place_province="020100", place_district="020101", latitude="-9.3", longitude="-77.2"
        ),
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.ubigeo.code == "020101"
    assert (event.latitude, event.longitude) == (-9.3, -77.2)


@time_machine.travel(TODAY, tick=False)
def test_event_edit_in_the_future_is_refused(analyst_client: Client, event: Event) -> None:
    response = analyst_client.post(
        edit_url(event), event_post(event_date="2025-06-02", actor1="Otro actor")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["event_date"] == [
        "La fecha del evento no puede estar en el futuro."
    ]
    event.refresh_from_db()
    assert event.event_date == dt.date(2025, 4, 2)
    assert event.actor1 == "Protesters (Peru)"
    assert not AuditLog.objects.filter(event_type=AuditEvent.EVENT_CHANGED).exists()
    assert event.history.count() == 1


def test_event_edit_with_a_mismatched_place_is_refused(
    analyst_client: Client, event: Event
) -> None:
    response = analyst_client.post(edit_url(event), event_post(place_province="150100"))
    assert response.status_code == 200
    assert response.context["form"].errors["place_province"]
    event.refresh_from_db()
    assert event.ubigeo.code == "021801"


def test_coordinator_of_the_owner_edits_too(coordinator_client: Client, event: Event) -> None:
    response = coordinator_client.post(edit_url(event), event_post(location="Otra plaza"))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.location == "Otra plaza"


def test_outsider_cannot_edit_another_institutions_event(
    outsider_client: Client, event: Event
) -> None:
    assert outsider_client.get(edit_url(event)).status_code == 403
    response = outsider_client.post(edit_url(event), event_post(actor1="Intruso"))
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.actor1 == "Protesters (Peru)"
    assert not AuditLog.objects.filter(event_type=AuditEvent.EVENT_CHANGED).exists()


def test_reporter_of_the_owner_cannot_edit(reporter_client: Client, event: Event) -> None:
    assert reporter_client.get(edit_url(event)).status_code == 403


def test_outsider_gets_404_for_an_event_of_a_draft_case(
    outsider_client: Client, owner_institution: Institution
) -> None:
    draft = new_case(institution=owner_institution, state=CaseState.DRAFT)
    event = new_event(case=draft)
    assert outsider_client.get(edit_url(event)).status_code == 404
    assert outsider_client.post(edit_url(event), event_post(actor1="Intruso")).status_code == 404
    event.refresh_from_db()
    assert event.actor1 == "Protesters (Peru)"


def test_each_institution_edits_only_its_own_events_of_a_case(
    analyst_client: Client, outsider_client: Client, case: Case, other_institution: Institution
) -> None:
    theirs = new_event(case=case, institution=other_institution)
    assert analyst_client.get(edit_url(theirs)).status_code == 403
    response = outsider_client.post(edit_url(theirs), event_post(actor1="Editado por ONDS"))
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.actor1 == "Editado por ONDS"


def test_unknown_event_is_404(analyst_client: Client) -> None:
    url = reverse("cases:event_edit", kwargs={"event_uuid": "00000000-0000-4000-8000-000000000000"})
    assert analyst_client.get(url).status_code == 404


def test_anonymous_is_sent_to_login_from_the_event_edit(anon_client: Client, event: Event) -> None:
    for response in (anon_client.get(edit_url(event)), anon_client.post(edit_url(event), {})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    event.refresh_from_db()
    assert event.actor1 == "Protesters (Peru)"


def test_detail_links_edit_only_on_events_the_user_may_edit(
    analyst_client: Client, outsider_client: Client, case: Case, other_institution: Institution
) -> None:
    ours = new_event(case=case)
    theirs = new_event(case=case, institution=other_institution)
    html = analyst_client.get(detail_url(case)).content.decode()
    assert edit_url(ours) in html
    assert edit_url(theirs) not in html
    html = outsider_client.get(detail_url(case)).content.decode()
    assert edit_url(theirs) in html
    assert edit_url(ours) not in html


def test_detail_queries_do_not_grow_with_editable_events(
    analyst_client: Client, case: Case, other_institution: Institution
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert analyst_client.get(detail_url(case)).status_code == 200
        return len(queries)

    new_event(case=case)
    new_event(case=case, institution=other_institution)
    few = count()
    for _ in range(5):
        new_event(case=case)
        new_event(case=case, institution=other_institution)
    assert count() == few


# --- unlink an actor ---------------------------------------------------------------------------


@pytest.fixture
def link(case: Case, owner_institution: Institution) -> CaseActor:
    actor = ActorFactory(name="Comunidad campesina de Huari", institution=owner_institution)
    return cast(CaseActor, CaseActorFactory(case=case, actor=actor, role=ActorRole.PRIMARY))


def test_owner_analyst_unlinks_an_actor(
    analyst_client: Client, case: Case, link: CaseActor
) -> None:
    actor = link.actor
    response = analyst_client.post(unlink_url(case, actor))
    assert response.status_code == 302
    assert response["Location"] == f"{detail_url(case)}#actores"
    assert not CaseActor.objects.filter(pk=link.pk).exists()
    assert Actor.objects.filter(pk=actor.pk).exists()  # the actor stays in the registry
    audit = AuditLog.objects.get(event_type=AuditEvent.CASE_ACTOR_UNLINKED)
    assert audit.target_id == str(case.uuid)
    assert audit.diff == {"actor": str(actor.uuid)}

    page = analyst_client.get(detail_url(case))
    html = page.content.decode()
    assert "Actor «Comunidad campesina de Huari» desvinculado del caso." in html
    assert unlink_url(case, actor) not in html
    assert any(e.what.startswith("Actor desvinculado") for e in page.context["history"])


def test_detail_shows_the_unlink_button_to_the_case_editors_only(
    analyst_client: Client,
    reporter_client: Client,
    outsider_client: Client,
    case: Case,
    link: CaseActor,
) -> None:
    html = analyst_client.get(detail_url(case)).content.decode()
    assert f'action="{unlink_url(case, link.actor)}"' in html
    assert ">Quitar</button>" in html
    for client in (reporter_client, outsider_client):
        html = client.get(detail_url(case)).content.decode()
        assert "Comunidad campesina de Huari" in html
        assert unlink_url(case, link.actor) not in html


def test_outsider_cannot_unlink_on_a_registered_case(
    outsider_client: Client, case: Case, link: CaseActor
) -> None:
    assert case.state == CaseState.ACTIVE
    assert outsider_client.post(unlink_url(case, link.actor)).status_code == 403
    assert CaseActor.objects.filter(pk=link.pk).exists()


def test_outsider_cannot_unlink_on_a_draft_case(
    outsider_client: Client, owner_institution: Institution
) -> None:
    draft = new_case(institution=owner_institution, state=CaseState.DRAFT)
    link = cast(CaseActor, CaseActorFactory(case=draft))
    assert outsider_client.post(unlink_url(draft, link.actor)).status_code == 404
    assert CaseActor.objects.filter(pk=link.pk).exists()
    assert not AuditLog.objects.filter(event_type=AuditEvent.CASE_ACTOR_UNLINKED).exists()


def test_reporter_cannot_unlink(reporter_client: Client, case: Case, link: CaseActor) -> None:
    assert reporter_client.post(unlink_url(case, link.actor)).status_code == 403
    assert CaseActor.objects.filter(pk=link.pk).exists()


def test_unlink_needs_a_post(analyst_client: Client, case: Case, link: CaseActor) -> None:
    assert analyst_client.get(unlink_url(case, link.actor)).status_code == 405
    assert CaseActor.objects.filter(pk=link.pk).exists()


def test_anonymous_is_sent_to_login_from_unlink(
    anon_client: Client, case: Case, link: CaseActor
) -> None:
    response = anon_client.post(unlink_url(case, link.actor))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert CaseActor.objects.filter(pk=link.pk).exists()


def test_unlinking_an_actor_of_another_case_is_404(
    analyst_client: Client, case: Case, owner_institution: Institution
) -> None:
    elsewhere = cast(CaseActor, CaseActorFactory(case=new_case(institution=owner_institution)))
    assert analyst_client.post(unlink_url(case, elsewhere.actor)).status_code == 404
    assert CaseActor.objects.filter(pk=elsewhere.pk).exists()

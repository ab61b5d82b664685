"""Events without a case, multi-day events, the protest form rule and effective dates of
records (issue 6 §1, the event side): services, the API and the pages, with two institutions
where access matters."""

import datetime as dt
from typing import Any, cast

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from willaq.accounts.models import ApiToken, Institution, Role, User, hash_token
from willaq.audit.models import AuditEvent, AuditLog
from willaq.cases import services
from willaq.cases.access import EVENT_PRIVATE_FIELDS
from willaq.cases.choices import CaseState, EventType, ProtestForm, SubEventType
from willaq.cases.models import Case, Event
from willaq.cases.templatetags.cases_tags import event_days
from willaq.testing.factories import (
    CaseFactory,
    EventFactory,
    InstitutionFactory,
    UserFactory,
    event_form_data,
    member,
)

API = "/api/v1"
JSON = "application/json"


def _token_client(user: User) -> Client:
    raw = ApiToken.new_raw_value()
    ApiToken.objects.create(user=user, name="t", prefix=raw[:8], token_hash=hash_token(raw))
    return Client(headers={"authorization": f"Bearer {raw}"})


def _login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def event_data(**extra: Any) -> dict[str, Any]:
    """A road blockade in Huaraz (020101): what a service caller sends."""
    return {
        "event_date": dt.date(2025, 5, 3),
        "event_type": EventType.PROTESTS,
        "sub_event_type": SubEventType.PEACEFUL_PROTEST,
        "protest_form": ProtestForm.ROAD_BLOCKADE,
        "actor1": "Rondas campesinas",
        "inter1": 6,
        "ubigeo_code": "020101",
        "sources": "SECRETO-fuente",
        "reported_by": "SECRETO-monitor",
        "notes": "SECRETO-notas",
        **extra,
    }


def api_body(**extra: Any) -> dict[str, Any]:
    return {
        "event_date": "2025-05-03",
        "event_type": "Protests",
        "sub_event_type": "Peaceful protest",
        "protest_form": "road_blockade",
        "actor1": "Rondas campesinas",
        "inter1": 6,
        "ubigeo": "020101",
        "notes": "SECRETO-notas",
        **extra,
    }


@pytest.fixture
def caseless(analyst: User) -> Event:
    return services.record_event(user=analyst, case=None, data=event_data())


# --- services ----------------------------------------------------------------------------------


def test_an_event_is_recorded_for_a_place_without_a_case(
    analyst: User, owner_institution: Institution
) -> None:
    event = services.record_event(user=analyst, case=None, data=event_data())
    assert event.case is None
    assert event.institution == owner_institution
    assert event.ubigeo.code == "020101"
    audits = AuditLog.objects.filter(event_type=AuditEvent.EVENT_CREATED)
    assert audits.count() == 1
    assert audits.get().diff["case"] is None
    # A reporter records one too; a user of no institution may not.
    reporter = member(owner_institution, Role.REPORTER, email="rep@dp.gob.pe")
    services.record_event(user=reporter, case=None, data=event_data())
    with pytest.raises(PermissionDenied):
        services.record_event(user=cast(User, UserFactory()), case=None, data=event_data())
    assert Event.objects.filter(case__isnull=True).count() == 2


def test_a_caseless_event_belongs_only_to_an_institution_where_the_user_records(
    analyst: User, other_institution: Institution
) -> None:
    with pytest.raises(PermissionDenied):
        services.record_event(
            user=analyst, case=None, data=event_data(), institution=other_institution
        )
    assert Event.objects.count() == 0


def test_end_date_of_a_multi_day_action(analyst: User) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for end, message in (
        (dt.date(2025, 5, 1), "no puede ser anterior a la fecha del evento"),
        (tomorrow, "La fecha de fin no puede estar en el futuro"),
    ):
        with pytest.raises(ValidationError) as refused:
            services.record_event(user=analyst, case=None, data=event_data(end_date=end))
        assert message in " ".join(refused.value.message_dict["end_date"])
    assert Event.objects.count() == 0
    strike = services.record_event(
        user=analyst, case=None, data=event_data(end_date=dt.date(2025, 5, 9))
    )
    assert strike.end_date == dt.date(2025, 5, 9)
    one_day = services.record_event(
        user=analyst, case=None, data=event_data(end_date=dt.date(2025, 5, 3))
    )
    assert one_day.end_date is None  # the same day: a one-day event
    assert event_days(strike) == "del 3 al 9 may 2025"
    strike.end_date = dt.date(2025, 6, 2)
    assert event_days(strike) == "del 3 may al 2 jun 2025"
    strike.end_date = dt.date(2026, 1, 2)
    assert event_days(strike) == "del 3 may 2025 al 2 ene 2026"
    assert event_days(one_day) == "3 may 2025"


def test_protest_form_only_on_protest_event_types(analyst: User) -> None:
    agreement = event_data(
        event_type=EventType.STRATEGIC_DEVELOPMENTS,
        sub_event_type=SubEventType.AGREEMENT,
        protest_form=ProtestForm.MARCH,
    )
    with pytest.raises(ValidationError) as refused:
        services.record_event(user=analyst, case=None, data=agreement)
    assert (
        "solo se indica en protestas y disturbios" in refused.value.message_dict["protest_form"][0]
    )
    assert Event.objects.count() == 0
    event = services.record_event(user=analyst, case=None, data=event_data())
    # Changing the type keeps the rule: the form must be emptied with it.
    with pytest.raises(ValidationError):
        services.update_event(
            user=analyst,
            event=event,
            data={"event_type": EventType.STRATEGIC_DEVELOPMENTS, "sub_event_type": "Agreement"},
        )
    event.refresh_from_db()
    assert (event.event_type, event.protest_form) == (EventType.PROTESTS, "road_blockade")
    services.update_event(
        user=analyst,
        event=event,
        data={
            "event_type": EventType.STRATEGIC_DEVELOPMENTS,
            "sub_event_type": "Agreement",
            "protest_form": "",
        },
    )
    event.refresh_from_db()
    assert (event.event_type, event.protest_form) == (EventType.STRATEGIC_DEVELOPMENTS, "")


def test_an_event_takes_effect_on_its_date_unless_told_otherwise(analyst: User) -> None:
    event = services.record_event(user=analyst, case=None, data=event_data())
    created = event.history.get()
    assert timezone.localtime(created.history_date).date() == dt.date(2025, 5, 3)
    assert timezone.localdate(created.recorded_at) == timezone.localdate()
    at = services.effective_moment(dt.date(2025, 6, 1))
    told = services.record_event(user=analyst, case=None, data=event_data(), at=at)
    assert told.history.get().history_date == at
    # A correction takes effect now, or when told — never before the event took effect.
    with pytest.raises(ValidationError) as refused:
        services.update_event(
            user=analyst,
            event=told,
            data={"location": "Puente"},
            at=services.effective_moment(dt.date(2025, 5, 20)),
        )
    assert "effective_date" in refused.value.message_dict
    tomorrow = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as future:
        services.update_event(user=analyst, event=told, data={"location": "Puente"}, at=tomorrow)
    assert future.value.message_dict["effective_date"] == [
        "La fecha efectiva no puede estar en el futuro."
    ]
    services.update_event(
        user=analyst,
        event=told,
        data={"location": "Puente"},
        at=services.effective_moment(dt.date(2025, 6, 15)),
    )
    dates = [
        timezone.localtime(d).date()
        for d in told.history.order_by("history_date").values_list("history_date", flat=True)
    ]
    assert dates == [dt.date(2025, 6, 1), dt.date(2025, 6, 15)]


def test_victims_and_news_take_effect_on_their_own_date(
    analyst: User, owner_institution: Institution
) -> None:
    event = services.record_event(user=analyst, case=None, data=event_data())
    victim = services.record_victim(
        user=analyst, event=event, data={"outcome": "injured", "group": "civilian"}
    )
    assert timezone.localtime(victim.history.get().history_date).date() == dt.date(2025, 5, 3)
    case = cast(Case, CaseFactory(institution=owner_institution))
    item = services.add_news(
        user=analyst,
        case=case,
        data={"outlet": "La República", "title": "Paro", "published_on": dt.date(2025, 4, 9)},
    )
    # Two rows: the item, then its link to the case; both on its publication date.
    dates = {
        timezone.localtime(d).date() for d in item.history.values_list("history_date", flat=True)
    }
    assert dates == {dt.date(2025, 4, 9)}


# --- access: two institutions ------------------------------------------------------------------


def test_another_institution_reads_a_caseless_event_without_its_private_fields(
    caseless: Event, outsider: User, analyst: User
) -> None:
    other = _token_client(outsider).get(f"{API}/events/{caseless.uuid}")
    assert other.status_code == 200
    body = other.json()
    assert body["case"] is None
    assert {f: body[f] for f in EVENT_PRIVATE_FIELDS} == dict.fromkeys(EVENT_PRIVATE_FIELDS)
    mine = _token_client(analyst).get(f"{API}/events/{caseless.uuid}").json()
    assert mine["notes"] == "SECRETO-notas"
    page = _login(outsider).get(reverse("cases:event_detail", args=[caseless.uuid]))
    assert page.status_code == 200
    assert "SECRETO" not in page.content.decode()
    assert "Rondas campesinas" in page.content.decode()
    # Someone of no institution sees nothing.
    stranger = cast(User, UserFactory())
    assert _token_client(stranger).get(f"{API}/events/{caseless.uuid}").status_code == 404
    assert (
        _login(stranger).get(reverse("cases:event_detail", args=[caseless.uuid])).status_code == 404
    )
    assert _token_client(stranger).get(f"{API}/events").json()["count"] == 0


def test_only_the_recording_institution_changes_or_removes_a_caseless_event(
    caseless: Event, outsider: User, analyst: User, coordinator: User
) -> None:
    other = _token_client(outsider)
    url = f"{API}/events/{caseless.uuid}"
    assert other.patch(url, {"location": "Otra"}, content_type=JSON).status_code == 403
    assert other.delete(url, {"reason": "no"}, content_type=JSON).status_code == 403
    page = _login(outsider)
    assert page.get(reverse("cases:event_edit", args=[caseless.uuid])).status_code == 403
    assert (
        page.post(reverse("cases:record_remove", args=["eventos", caseless.uuid]), {"reason": "x"})
    ).status_code == 403
    caseless.refresh_from_db()
    assert (caseless.location, caseless.is_removed) == ("", False)
    owner = _token_client(analyst)
    changed = owner.patch(url, {"location": "Puente Quillcay"}, content_type=JSON)
    assert changed.status_code == 200
    assert changed.json()["location"] == "Puente Quillcay"
    removed = owner.delete(url, {"reason": "Duplicado"}, content_type=JSON)
    assert removed.status_code == 204
    assert owner.get(url).status_code == 404
    assert Event.all_objects.filter(pk=caseless.pk, removed_at__isnull=False).count() == 1
    assert AuditLog.objects.filter(event_type=AuditEvent.EVENT_REMOVED).count() == 1
    # Its coordinator brings it back.
    restored = _token_client(coordinator).post(f"{API}/removed/eventos/{caseless.uuid}/restore")
    assert restored.status_code == 204
    assert owner.get(url).status_code == 200


def test_a_caseless_event_is_linked_to_a_case_later(
    caseless: Event, analyst: User, owner_institution: Institution, other_institution: Institution
) -> None:
    owner = _token_client(analyst)
    url = f"{API}/events/{caseless.uuid}"
    foreign_draft = cast(Case, CaseFactory(institution=other_institution, state=CaseState.DRAFT))
    refused = owner.patch(url, {"case": str(foreign_draft.uuid)}, content_type=JSON)
    assert refused.status_code == 422
    assert "case" in refused.json()["errors"]
    case = cast(Case, CaseFactory(institution=owner_institution))
    linked = owner.patch(url, {"case": str(case.uuid)}, content_type=JSON)
    assert linked.status_code == 200
    assert linked.json()["case"] == str(case.uuid)
    assert case.events.count() == 1
    audit = AuditLog.objects.filter(event_type=AuditEvent.EVENT_CHANGED).get()
    assert audit.diff["case"] == [None, str(case.uuid)] or audit.diff["case"] == {
        "old": None,
        "new": str(case.uuid),
    }
    # And detached again: it stays in the registry, without a case.
    detached = owner.patch(url, {"case": None}, content_type=JSON)
    assert detached.json()["case"] is None
    assert case.events.count() == 0


def test_the_page_links_a_caseless_event_to_a_case_by_its_code(
    caseless: Event, analyst: User, owner_institution: Institution
) -> None:
    case = cast(Case, CaseFactory(institution=owner_institution, code="2025-0777"))
    client = _login(analyst)
    url = reverse("cases:event_edit", args=[caseless.uuid])
    form = client.get(url)
    assert form.status_code == 200
    assert 'name="case_code"' in form.content.decode()
    data = event_form_data(event_date="2025-05-03", protest_form="road_blockade")
    unknown = client.post(url, {**data, "case_code": "2025-9999"})
    assert unknown.status_code == 200
    assert "Caso desconocido: 2025-9999." in unknown.content.decode()
    response = client.post(url, {**data, "case_code": "2025-0777"})
    assert response.status_code == 302
    assert response["Location"] == f"/casos/{case.uuid}/#evento-{caseless.uuid}"
    caseless.refresh_from_db()
    assert caseless.case == case


# --- the API -----------------------------------------------------------------------------------


def test_api_records_a_caseless_event_and_checks_its_rules(analyst: User, outsider: User) -> None:
    client = _token_client(analyst)
    created = client.post(f"{API}/events", api_body(end_date="2025-05-09"), content_type=JSON)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["case"], body["institution"], body["end_date"]) == (
        None,
        "defensoria",
        "2025-05-09",
    )
    not_protest = api_body(
        event_type="Strategic developments", sub_event_type="Agreement", protest_form="march"
    )
    refused = client.post(f"{API}/events", not_protest, content_type=JSON)
    assert refused.status_code == 422
    assert "protestas y disturbios" in refused.json()["errors"]["protest_form"][0]
    backwards = client.post(f"{API}/events", api_body(end_date="2025-05-01"), content_type=JSON)
    assert backwards.status_code == 422
    assert "end_date" in backwards.json()["errors"]
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    late = client.post(f"{API}/events", api_body(effective_date=future), content_type=JSON)
    assert late.status_code == 422
    assert "effective_date" in late.json()["errors"]
    back_dated = client.post(
        f"{API}/events", api_body(effective_date="2025-05-10"), content_type=JSON
    )
    assert back_dated.status_code == 201
    event = Event.objects.get(uuid=back_dated.json()["uuid"])
    assert timezone.localtime(event.history.get().history_date).date() == dt.date(2025, 5, 10)
    assert Event.objects.count() == 2
    # The other institution records its own, for itself only.
    theirs = _token_client(outsider).post(
        f"{API}/events", api_body(institution="defensoria"), content_type=JSON
    )
    assert theirs.status_code == 403
    assert Event.objects.count() == 2


def test_api_lists_events_with_the_pages_filters(
    analyst: User, outsider: User, owner_institution: Institution, other_institution: Institution
) -> None:
    case = cast(Case, CaseFactory(institution=owner_institution))
    EventFactory.create_batch(3, case=case, event_date=dt.date(2025, 3, 1))
    services.record_event(user=analyst, case=None, data=event_data(end_date=dt.date(2025, 5, 9)))
    services.record_event(
        user=analyst,
        case=None,
        data=event_data(
            event_type=EventType.STRATEGIC_DEVELOPMENTS,
            sub_event_type=SubEventType.AGREEMENT,
            protest_form="",
            ubigeo_code="080101",
            event_date=dt.date(2025, 7, 1),
        ),
    )
    other_analyst = outsider
    services.record_event(user=other_analyst, case=None, data=event_data())
    draft = CaseFactory(institution=other_institution, state=CaseState.DRAFT)
    EventFactory(case=draft)  # in another institution's draft: not visible to the analyst

    def count(**params: str) -> int:
        response = _token_client(analyst).get(f"{API}/events", params)
        assert response.status_code == 200, response.content
        body = response.json()
        assert len(body["items"]) == body["count"]
        return int(body["count"])

    assert count() == 6
    assert count(with_case="false") == 3
    assert count(with_case="true") == 3
    assert count(event_type="Strategic developments") == 1
    assert count(protest_form="road_blockade") == 2
    assert count(department="080000") == 1
    assert count(institution="onds") == 1
    # By the day an event started: the strike of 3–9 May is May's, not in a range from the 5th.
    assert count(date_from="2025-05-01", date_to="2025-05-31") == 2
    assert count(date_from="2025-05-05", date_to="2025-05-31") == 0
    assert count(date_to="2025-04-01") == 3
    assert _token_client(outsider).get(f"{API}/events").json()["count"] == 7


# --- pages -------------------------------------------------------------------------------------


def test_event_list_page_filters_and_hides_private_fields(
    analyst: User, outsider: User, owner_institution: Institution
) -> None:
    case = cast(Case, CaseFactory(institution=owner_institution, name="Caso Huaraz"))
    EventFactory(case=case, sources="SECRETO-radio")
    services.record_event(user=analyst, case=None, data=event_data(end_date=dt.date(2025, 5, 9)))
    page = _login(outsider).get(reverse("cases:event_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "SECRETO" not in html
    assert "2 eventos" in html
    assert html.count("Sin caso</span>") == 1
    assert "del 3 al 9 may 2025" in html
    only_caseless = _login(outsider).get(reverse("cases:event_list"), {"with_case": "no"})
    assert "1 evento" in only_caseless.content.decode()
    assert len(only_caseless.context["page"].object_list) == 1


def test_new_caseless_event_page(analyst: User, outsider: User, anon_client: Client) -> None:
    url = reverse("cases:event_new")
    assert anon_client.get(url).status_code == 302
    assert _login(cast(User, UserFactory())).get(url).status_code == 403
    client = _login(analyst)
    form = client.get(url)
    assert form.status_code == 200
    html = form.content.decode()
    assert 'data-protest-types="Protests Riots"' in html
    assert 'name="institution"' not in html  # one institution: no choice to make
    # A protest form left in a hidden select is cleared for a non-protest type.
    agreement = event_form_data(
        event_type="Strategic developments",
        sub_event_type="Agreement",
        protest_form="march",
        end_date="2025-04-05",
    )
    response = client.post(url, agreement)
    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.case, event.protest_form, event.end_date) == (None, "", dt.date(2025, 4, 5))
    assert response["Location"] == reverse("cases:event_detail", args=[event.uuid])
    backwards = client.post(url, event_form_data(end_date="2025-04-01"))
    assert backwards.status_code == 200
    assert "no puede ser anterior a la fecha del evento" in backwards.content.decode()
    assert Event.objects.count() == 1


def test_a_member_of_two_institutions_chooses_which_records_the_event(
    analyst: User, other_institution: Institution
) -> None:
    from willaq.testing.factories import MembershipFactory

    MembershipFactory(user=analyst, institution=other_institution, role=Role.ANALYST)
    client = _login(analyst)
    url = reverse("cases:event_new")
    assert 'name="institution"' in client.get(url).content.decode()
    response = client.post(url, event_form_data(institution=str(other_institution.pk)))
    assert response.status_code == 302
    assert Event.objects.get().institution == other_institution


def test_victims_of_a_caseless_event_on_its_page(
    caseless: Event, analyst: User, outsider: User
) -> None:
    client = _login(analyst)
    url = reverse("cases:victim_create", args=[caseless.uuid])
    response = client.post(
        url, {"outcome": "injured", "group": "civilian", "full_name": "SECRETO-nombre"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:event_detail", args=[caseless.uuid])
    caseless.refresh_from_db()
    assert caseless.injured == 1
    mine = client.get(reverse("cases:event_detail", args=[caseless.uuid])).content.decode()
    assert "SECRETO-nombre" in mine
    theirs = _login(outsider).get(reverse("cases:event_detail", args=[caseless.uuid]))
    assert "SECRETO" not in theirs.content.decode()
    assert _login(outsider).get(url).status_code == 403


def test_dashboard_latest_events_include_caseless_ones(caseless: Event, outsider: User) -> None:
    html = _login(outsider).get(reverse("cases:dashboard")).content.decode()
    # The dashboard shows its latest events only once some case is visible.
    CaseFactory(institution=InstitutionFactory())
    html = _login(outsider).get(reverse("cases:dashboard")).content.decode()
    assert reverse("cases:event_detail", args=[caseless.uuid]) in html
    assert "Evento sin caso" in html


# --- actors as of a date -----------------------------------------------------------------------


def test_an_actor_recorded_today_about_last_year_is_in_the_case_as_of_last_year(
    analyst: User, owner_institution: Institution
) -> None:
    from willaq.cases.history import actors_as_of, end_of_month
    from willaq.testing.factories import ActorFactory

    case = cast(Case, CaseFactory(institution=owner_institution))
    other_case = cast(Case, CaseFactory(institution=owner_institution))
    front = ActorFactory(institution=owner_institution, name="Frente de defensa")
    company = ActorFactory(institution=owner_institution, name="Minera")
    union = ActorFactory(institution=owner_institution, name="Sindicato")
    last_year = timezone.localdate().year - 1
    # Linked today, effective in March of last year.
    services.link_actor(
        user=analyst,
        case=case,
        actor=front,
        role="primary",
        at=services.effective_moment(dt.date(last_year, 3, 10)),
    )
    # Linked today, effective today.
    services.link_actor(user=analyst, case=case, actor=company, role="secondary")
    # Linked in February last year, gone since June last year.
    link = services.link_actor(
        user=analyst,
        case=other_case,
        actor=union,
        role="tertiary",
        at=services.effective_moment(dt.date(last_year, 2, 1)),
    )
    services.unlink_actor(
        user=analyst, link=link, at=services.effective_moment(dt.date(last_year, 6, 1))
    )

    def names(when: dt.datetime) -> dict[int, list[str]]:
        return {
            case_id: [link.actor.name for link in links]
            for case_id, links in actors_as_of(when).items()
        }

    assert names(end_of_month(last_year, 1)) == {}
    assert names(end_of_month(last_year, 3)) == {
        case.pk: ["Frente de defensa"],
        other_case.pk: ["Sindicato"],
    }
    assert names(end_of_month(last_year, 6)) == {case.pk: ["Frente de defensa"]}
    now = names(timezone.now())
    assert sorted(now[case.pk]) == ["Frente de defensa", "Minera"]
    assert len(now) == 1
    assert list(actors_as_of(end_of_month(last_year, 3), case_ids=[other_case.pk])) == [
        other_case.pk
    ]
    # A change of the link is effective-dated too, never before the link took effect.
    with pytest.raises(ValidationError):
        services.update_actor_link(
            user=analyst,
            link=case.case_actors.get(actor=front),
            role="secondary",
            at=services.effective_moment(dt.date(last_year, 1, 1)),
        )
    services.update_actor_link(
        user=analyst,
        link=case.case_actors.get(actor=front),
        role="secondary",
        at=services.effective_moment(dt.date(last_year, 9, 1)),
    )
    roles = {
        str(link.actor.name): link.role
        for link in actors_as_of(end_of_month(last_year, 8))[case.pk]
    }
    assert roles == {"Frente de defensa": "primary"}
    roles = {
        str(link.actor.name): link.role
        for link in actors_as_of(end_of_month(last_year, 9))[case.pk]
    }
    assert roles == {"Frente de defensa": "secondary"}


def test_api_and_page_take_an_effective_date_for_an_actor_link(
    analyst: User, owner_institution: Institution
) -> None:
    from willaq.cases.history import actors_as_of, end_of_month
    from willaq.testing.factories import ActorFactory

    case = cast(Case, CaseFactory(institution=owner_institution))
    actor = ActorFactory(institution=owner_institution)
    body = {"actor": str(actor.uuid), "role": "primary", "effective_date": "2025-02-10"}
    linked = _token_client(analyst).post(f"{API}/cases/{case.uuid}/actors", body, content_type=JSON)
    assert linked.status_code == 201, linked.content
    assert [link.actor_id for link in actors_as_of(end_of_month(2025, 2))[case.pk]] == [actor.pk]
    assert actors_as_of(end_of_month(2025, 1)) == {}
    other = ActorFactory(institution=owner_institution)
    page = _login(analyst).post(
        reverse("cases:actor_link", args=[case.uuid]),
        {"actor": str(other.uuid), "role": "secondary", "effective_date": "2025-03-05"},
    )
    assert page.status_code == 302
    assert len(actors_as_of(end_of_month(2025, 3))[case.pk]) == 2
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    third = ActorFactory(institution=owner_institution)
    refused = _login(analyst).post(
        reverse("cases:actor_link", args=[case.uuid]),
        {"actor": str(third.uuid), "role": "secondary", "effective_date": future},
    )
    assert refused.status_code == 200
    assert "La fecha efectiva no puede estar en el futuro." in refused.content.decode()
    assert case.case_actors.count() == 2


# --- the dashboard: single-department cases apart from multi-region ones -----------------------


def _case_in(institution: Institution, scope: str, *places: str, grouping: str = "") -> Case:
    from willaq.cases.models import CasePlace
    from willaq.territory.models import Grouping, Ubigeo

    case = cast(Case, CaseFactory(institution=institution, scope=scope, place="__none__"))
    for i, code in enumerate(places):
        CasePlace.objects.create(
            case=case,
            ubigeo=Ubigeo.objects.get(code=code),
            is_principal=i == 0,
            grouping=Grouping.objects.get(code=grouping) if grouping and i == 0 else None,
        )
    return case


def test_dashboard_counts_single_department_cases_apart_from_multi_region_ones(
    analyst: User, owner_institution: Institution, django_assert_num_queries: Any
) -> None:
    from willaq.cases import selectors

    _case_in(owner_institution, "local", "020101")
    _case_in(owner_institution, "local", "021801", "020100")
    _case_in(owner_institution, "local", "150100", grouping="lima-metropolitana")
    _case_in(owner_institution, "local", "150000", grouping="lima-provincias")
    _case_in(owner_institution, "local", "150000", grouping="lima-provincias")
    _case_in(owner_institution, "local", "150101")  # a district of Lima, not in a grouping
    _case_in(owner_institution, "regional", "050000", "090000")
    _case_in(owner_institution, "regional", "020000", "150000")
    _case_in(owner_institution, "multiregional")
    _case_in(owner_institution, "national")
    # The user's memberships, the counts by state/phase/typology/scope, the typologies, the
    # single-department counts, the department names, the latest events.
    with django_assert_num_queries(6):
        board = selectors.dashboard(analyst)
    rows = [(row.key, row.label, row.count) for row in board.by_department]
    assert rows == [
        ("020000", "Áncash", 2),
        ("lima-provincias", "Lima Provincias", 2),
        ("150000", "Lima", 1),
        ("lima-metropolitana", "Lima Metropolitana", 1),
    ]
    assert [(row.key, row.count) for row in board.by_scope] == [
        ("regional", 2),
        ("multiregional", 1),
        ("national", 1),
    ]
    # Every case counts once, in one row.
    assert sum(r.count for r in board.by_department + board.by_scope) == board.total == 10
    # More cases, the same queries.
    for _ in range(5):
        _case_in(owner_institution, "local", "080101")
        _case_in(owner_institution, "national")
    analyst = User.objects.get(pk=analyst.pk)  # a fresh user: memberships not cached
    with django_assert_num_queries(6):
        board = selectors.dashboard(analyst)
    assert board.total == 20
    html = _login(analyst).get(reverse("cases:dashboard")).content.decode()
    assert "Lima Provincias" in html
    assert "Casos de varios departamentos" in html


def test_the_recording_institution_removes_a_caseless_event_on_its_page(
    caseless: Event, analyst: User
) -> None:
    client = _login(analyst)
    url = reverse("cases:record_remove", args=["eventos", caseless.uuid])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert reverse("cases:event_detail", args=[caseless.uuid]) in confirm.content.decode()
    assert client.post(url, {"reason": ""}).status_code == 400
    response = client.post(url, {"reason": "Registrado dos veces"})
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:event_list")
    assert Event.objects.filter(pk=caseless.pk).count() == 0
    assert Event.all_objects.filter(pk=caseless.pk).count() == 1
    assert client.get(reverse("cases:event_detail", args=[caseless.uuid])).status_code == 404


def test_a_victim_recorded_late_on_the_page_takes_the_effective_date(
    caseless: Event, analyst: User
) -> None:
    client = _login(analyst)
    url = reverse("cases:victim_create", args=[caseless.uuid])
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    refused = client.post(url, {"outcome": "dead", "group": "civilian", "effective_date": future})
    assert refused.status_code == 200
    assert "La fecha efectiva no puede estar en el futuro." in refused.content.decode()
    assert caseless.victims.count() == 0
    response = client.post(
        url, {"outcome": "dead", "group": "civilian", "effective_date": "2025-05-04"}
    )
    assert response.status_code == 302
    victim = caseless.victims.get()
    assert timezone.localtime(victim.history.get().history_date).date() == dt.date(2025, 5, 4)

"""The stakeholder map of a case (issue 10 §1): profiles, relations over time, the map as of a
date on the page, the API, GraphML and CSV, with two institutions on every surface."""

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET
from typing import Any

import networkx as nx
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.cases import selectors, services
from willaq.cases.choices import ActorRole, Attitude, CaseState, RelationKind
from willaq.cases.models import Actor, Case, CaseActor, StakeholderRelation
from willaq.testing.factories import ActorFactory, CaseFactory

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
OWNER_NOTE = "NOTA-DP-CONFIDENCIAL"
OTHER_NOTE = "NOTA-ONDS-CONFIDENCIAL"

pytestmark = pytest.mark.django_db


def _at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(9)))


def _link(user: User, case: Case, actor: Actor, day: str = "2025-01-05") -> CaseActor:
    return services.link_actor(
        user=user, case=case, actor=actor, role=ActorRole.PRIMARY, at=_at(day)
    )


@pytest.fixture
def world(
    analyst: User, outsider: User, owner_institution: Institution, other_institution: Institution
) -> dict[str, Any]:
    """A registered case of the owner with three actors (linked in January 2025) and a relation
    that starts in February, turns into a conflict in April and ends in June; the other
    institution records its own tension between two of them, with its own note."""
    case = CaseFactory(institution=owner_institution, created_by=analyst)
    community, company, ministry = (
        ActorFactory(institution=owner_institution, name=name)
        for name in ("Comunidad Uno", "Empresa Minera", "Ministerio")
    )
    links = [_link(analyst, case, actor) for actor in (community, company, ministry)]
    services.update_stakeholder_profile(
        user=analyst,
        link=links[0],
        profile=services.ProfileInput(
            conflict_role="Convoca el paro",
            influence=2,
            interest_level=5,
            attitude=Attitude.OPPOSED,
        ),
        at=_at("2025-01-10"),
    )
    services.update_stakeholder_profile(
        user=analyst,
        link=links[0],
        profile=services.ProfileInput(
            conflict_role="Convoca el paro", influence=4, interest_level=5, attitude="opposed"
        ),
        at=_at("2025-05-01"),
    )
    first = services.record_relation(
        user=analyst,
        case=case,
        data=services.RelationInput(
            source=community,
            target=company,
            kind=RelationKind.TENSION,
            start_date=dt.date(2025, 2, 1),
            note=OWNER_NOTE,
        ),
    )
    second = services.change_relation_kind(
        user=analyst, relation=first, kind=RelationKind.CONFLICT, on=dt.date(2025, 4, 1)
    )
    services.end_relation(user=analyst, relation=second, end_date=dt.date(2025, 6, 30))
    theirs = services.record_relation(
        user=outsider,
        case=case,
        data=services.RelationInput(
            source=company,
            target=ministry,
            kind=RelationKind.ALLIANCE,
            start_date=dt.date(2025, 3, 1),
            note=OTHER_NOTE,
        ),
    )
    return {
        "case": case,
        "actors": (community, company, ministry),
        "first": first,
        "second": second,
        "theirs": theirs,
    }


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the map as of several dates ---------------------------------------------------------------


def test_map_as_of_several_dates(world: dict[str, Any], analyst: User) -> None:
    case = world["case"]
    kinds = {}
    for day in ("2024-12-31", "2025-01-20", "2025-02-15", "2025-03-15", "2025-04-01", "2025-07-01"):
        found = selectors.stakeholder_map(analyst, case, dt.date.fromisoformat(day))
        kinds[day] = (len(found.nodes), sorted(edge.kind for edge in found.edges))
    assert kinds["2024-12-31"] == (0, [])  # before the actors were linked
    assert kinds["2025-01-20"] == (3, [])
    assert kinds["2025-02-15"] == (3, ["tension"])
    assert kinds["2025-03-15"] == (3, ["alliance", "tension"])
    assert kinds["2025-04-01"] == (3, ["alliance", "conflict"])  # the day the kind changes
    assert kinds["2025-07-01"] == (3, ["alliance"])  # the conflict ended on 30 June
    # The day before the change still shows the tension; the old relation ends that day.
    assert world["first"].end_date is None
    world["first"].refresh_from_db()
    assert world["first"].end_date == dt.date(2025, 3, 31)
    assert world["second"].previous_id == world["first"].pk


def test_profile_follows_the_date(world: dict[str, Any], analyst: User) -> None:
    case = world["case"]
    community = world["actors"][0]

    def influence(day: str) -> int | None:
        nodes = selectors.stakeholder_map(analyst, case, dt.date.fromisoformat(day)).nodes
        return next(node.influence for node in nodes if node.uuid == str(community.uuid))

    assert influence("2025-01-07") is None
    assert influence("2025-02-01") == 2
    assert influence("2025-06-01") == 4
    assert AuditLog.objects.filter(event_type=AuditEvent.STAKEHOLDER_PROFILE_CHANGED).count() == 2


def test_relation_changes_are_audited(world: dict[str, Any]) -> None:
    assert AuditLog.objects.filter(event_type=AuditEvent.RELATION_RECORDED).count() == 2
    assert AuditLog.objects.filter(event_type=AuditEvent.RELATION_KIND_CHANGED).count() == 1
    assert AuditLog.objects.filter(event_type=AuditEvent.RELATION_ENDED).count() == 1
    # The note stays out of the audit log (read by every institution's administrators).
    texts = [str(row.diff) for row in AuditLog.objects.all()]
    assert [t for t in texts if OWNER_NOTE in t or OTHER_NOTE in t] == []
    assert world["second"].history.count() == 2  # created, then ended


# --- bad input -----------------------------------------------------------------------------------


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_bad_relations_are_refused_by_field_in_spanish(
    world: dict[str, Any], analyst: User, owner_institution: Institution
) -> None:
    case = world["case"]
    community, company, _ministry = world["actors"]
    stranger = ActorFactory(institution=owner_institution, name="Fuera del caso")

    def attempt(**changes: Any) -> dict[str, list[str]]:
        data = {
            "source": community,
            "target": company,
            "kind": RelationKind.WEAK,
            "start_date": dt.date(2025, 8, 1),
        } | changes
        with pytest.raises(ValidationError) as exc:
            services.record_relation(user=analyst, case=case, data=services.RelationInput(**data))
        return _errors(exc)

    assert attempt(target=stranger)["target"] == ["Ese actor no está vinculado a este caso."]
    assert attempt(source=stranger)["source"] == ["Ese actor no está vinculado a este caso."]
    assert "dos actores distintos" in attempt(target=community)["target"][0]
    assert attempt(end_date=dt.date(2025, 7, 1))["end_date"] == [
        "La relación no puede terminar antes de empezar."
    ]
    assert attempt(kind="amistad")["kind"] == ["Tipo de relación desconocido."]
    assert (
        "futuro" in attempt(start_date=timezone.localdate() + dt.timedelta(days=2))["start_date"][0]
    )
    # The same institution's overlapping relation of the same pair (in either order).
    assert (
        "ya registró"
        in attempt(source=company, target=community, start_date=dt.date(2025, 5, 1))["start_date"][
            0
        ]
    )
    with pytest.raises(ValidationError) as exc:
        services.change_relation_kind(
            user=analyst, relation=world["second"], kind=RelationKind.WEAK, on=dt.date(2025, 3, 1)
        )
    assert "posterior al inicio" in _errors(exc)["on"][0]
    with pytest.raises(ValidationError) as exc:
        services.end_relation(user=analyst, relation=world["second"], end_date=dt.date(2025, 1, 1))
    assert _errors(exc)["end_date"] == ["La relación no puede terminar antes de empezar."]
    assert StakeholderRelation.objects.filter(case=case).count() == 3


def test_bad_profile_is_refused(world: dict[str, Any], analyst: User) -> None:
    link = CaseActor.objects.get(case=world["case"], actor=world["actors"][1])
    with pytest.raises(ValidationError) as exc:
        services.update_stakeholder_profile(
            user=analyst,
            link=link,
            profile=services.ProfileInput(influence=9, interest_level=0, attitude="amigo"),
        )
    assert set(_errors(exc)) == {"influence", "interest_level", "attitude"}


# --- ownership -----------------------------------------------------------------------------------


def test_another_institution_cannot_touch_your_relation_or_profile(
    world: dict[str, Any], outsider: User, analyst: User
) -> None:
    second = world["second"]
    with pytest.raises(PermissionDenied):
        services.end_relation(user=outsider, relation=second, end_date=dt.date(2025, 5, 1))
    with pytest.raises(PermissionDenied):
        services.change_relation_kind(
            user=outsider, relation=second, kind=RelationKind.WEAK, on=dt.date(2025, 5, 1)
        )
    with pytest.raises(PermissionDenied):
        services.remove_relation(user=outsider, relation=second)
    with pytest.raises(PermissionDenied):
        services.remove_relation(user=analyst, relation=world["theirs"])
    link = CaseActor.objects.get(case=world["case"], actor=world["actors"][0])
    with pytest.raises(PermissionDenied):
        services.update_stakeholder_profile(
            user=outsider, link=link, profile=services.ProfileInput(influence=1)
        )
    case_uuid = world["case"].uuid
    client = _client(outsider)
    for name in ("relation_change", "relation_end", "relation_remove"):
        url = reverse(f"cases:{name}", args=[case_uuid, second.uuid])
        assert client.post(url, {"end_date": "2025-05-01"}).status_code == 403, name
    profile = reverse("cases:stakeholder_profile", args=[case_uuid, world["actors"][0].uuid])
    assert client.get(profile).status_code == 403
    api = f"/api/v1/cases/{case_uuid}/relations/{second.uuid}"
    assert client.delete(api).status_code == 403
    assert (
        client.post(f"{api}/end", {"end_date": "2025-05-01"}, content_type="application/json")
    ).status_code == 403
    second.refresh_from_db()
    assert second.end_date == dt.date(2025, 6, 30)
    assert StakeholderRelation.objects.filter(pk=second.pk).exists()


def test_owner_changes_ends_and_removes_on_the_page(world: dict[str, Any], analyst: User) -> None:
    client = _client(analyst)
    case = world["case"]
    community, _company, ministry = world["actors"]
    page = reverse("cases:stakeholder_map", args=[case.uuid])
    response = client.post(
        reverse("cases:relation_add", args=[case.uuid]),
        {
            "source": str(community.uuid),
            "target": str(ministry.uuid),
            "kind": "close",
            "start_date": "2025-02-10",
        },
    )
    assert response.status_code == 302
    added = StakeholderRelation.objects.get(source=community, target=ministry)
    response = client.post(
        reverse("cases:relation_change", args=[case.uuid, added.uuid]),
        {"kind": "weak", "on": "2025-03-10"},
    )
    assert response.status_code == 302
    successor = StakeholderRelation.objects.get(previous=added)
    response = client.post(
        reverse("cases:relation_end", args=[case.uuid, successor.uuid]),
        {"end_date": "2025-03-20"},
    )
    assert response.status_code == 302
    assert client.post(reverse("cases:relation_remove", args=[case.uuid, added.uuid])).status_code
    assert StakeholderRelation.objects.filter(pk=added.pk).count() == 0
    # A bad form: errors by field, in Spanish, on the form page.
    response = client.post(
        reverse("cases:relation_add", args=[case.uuid]),
        {
            "source": str(community.uuid),
            "target": str(community.uuid),
            "kind": "close",
            "start_date": "2025-02-10",
            "end_date": "2025-01-10",
        },
    )
    assert response.status_code == 200
    assert "dos actores distintos" in response.content.decode()
    assert "terminar antes de empezar" in response.content.decode()
    response = client.post(
        reverse("cases:stakeholder_profile", args=[case.uuid, ministry.uuid]),
        {"influence": "5", "interest_level": "2", "attitude": "ally", "conflict_role": "Mediador"},
    )
    assert response.status_code == 302
    assert CaseActor.objects.get(case=case, actor=ministry).influence == 5
    assert client.get(page).status_code == 200


# --- exports and API -----------------------------------------------------------------------------


def _graphml_url(case: Case, day: str) -> str:
    return reverse("cases:stakeholder_map_graphml", args=[case.uuid]) + f"?as_of={day}"


def test_graphml_parses_with_its_attributes(world: dict[str, Any], analyst: User) -> None:
    response = _client(analyst).get(_graphml_url(world["case"], "2025-03-15"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/graphml+xml"
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    keys = {key.get("id"): key.get("attr.name") for key in root.iter(f"{GRAPHML}key")}
    nodes = list(root.iter(f"{GRAPHML}node"))
    edges = list(root.iter(f"{GRAPHML}edge"))
    assert (len(nodes), len(edges)) == (3, 2)

    def values(element: ET.Element) -> dict[str | None, str | None]:
        return {keys[d.get("key")]: d.text for d in element.iter(f"{GRAPHML}data")}

    community = next(n for n in nodes if n.get("id") == str(world["actors"][0].uuid))
    assert values(community)["influence"] == "2"
    assert values(community)["attitude"] == "opposed"
    kinds = sorted(values(edge)["kind"] or "" for edge in edges)
    assert kinds == ["alliance", "tension"]


def test_graphml_is_read_by_networkx(world: dict[str, Any], analyst: User) -> None:
    response = _client(analyst).get(_graphml_url(world["case"], "2025-04-15"))
    graph = nx.read_graphml(io.BytesIO(response.content))
    assert graph.number_of_nodes() == 3
    assert graph.number_of_edges() == 2
    community = str(world["actors"][0].uuid)
    assert graph.nodes[community]["influence"] == 2
    assert graph.nodes[community]["label"] == "Comunidad Uno"
    assert sorted(data["kind"] for _a, _b, data in graph.edges(data=True)) == [
        "alliance",
        "conflict",
    ]


def test_csv_rows(world: dict[str, Any], analyst: User) -> None:
    url = reverse("cases:stakeholder_map_csv", args=[world["case"].uuid])
    for day, rows in (("2025-01-20", 3), ("2025-03-15", 5), ("2025-07-01", 4)):
        response = _client(analyst).get(f"{url}?as_of={day}")
        assert response.status_code == 200
        table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(table) == rows + 1, day
        assert table[0][0] == "elemento"
        assert len({len(row) for row in table}) == 1


def test_api_map_json(world: dict[str, Any], analyst: User) -> None:
    client = _client(analyst)
    url = f"/api/v1/cases/{world['case'].uuid}/stakeholder-map"
    body = client.get(url, {"as_of": "2025-04-15"}).json()
    assert body["as_of"] == "2025-04-15"
    assert (len(body["nodes"]), len(body["edges"])) == (3, 2)
    assert sorted(edge["kind"] for edge in body["edges"]) == ["alliance", "conflict"]
    assert len([n for n in body["nodes"] if n["attitude"] == "opposed"]) == 1
    today = client.get(url).json()
    assert today["as_of"] == timezone.localdate().isoformat()
    bad = client.get(url, {"as_of": "2025-13-45"})
    assert bad.status_code == 422
    assert bad.json()["errors"]["as_of"] == ["Fecha no válida: use el formato AAAA-MM-DD."]


def test_api_writes_relations(world: dict[str, Any], analyst: User) -> None:
    client = _client(analyst)
    case = world["case"]
    community, company, ministry = world["actors"]
    url = f"/api/v1/cases/{case.uuid}/relations"
    body = {
        "source": str(community.uuid),
        "target": str(ministry.uuid),
        "kind": "weak",
        "start_date": "2025-02-01",
    }
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201
    stranger = ActorFactory(institution=case.institution)
    bad = client.post(
        url,
        body | {"target": str(stranger.uuid), "end_date": "2025-01-01"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["errors"] == {"target": ["Ese actor no está vinculado a este caso."]}
    itself = client.post(
        url,
        body
        | {"target": str(community.uuid), "start_date": "2025-09-01", "end_date": "2025-08-01"},
        content_type="application/json",
    )
    assert itself.status_code == 422
    assert set(itself.json()["errors"]) == {"target", "end_date"}
    relation = created.json()["uuid"]
    changed = client.post(
        f"{url}/{relation}/change",
        {"kind": "close", "on": "2025-03-01"},
        content_type="application/json",
    )
    assert changed.status_code == 201
    assert changed.json()["previous"] == relation
    profile = client.put(
        f"/api/v1/cases/{case.uuid}/actors/{company.uuid}/profile",
        {"influence": 5, "attitude": "neutral", "conflict_role": "Titular de la concesión"},
        content_type="application/json",
    )
    assert profile.status_code == 200
    assert profile.json()["influence"] == 5
    assert client.delete(f"{url}/{relation}").status_code == 204


# --- confidentiality: one rule on every surface --------------------------------------------------


def test_relation_notes_stay_inside_their_institution_on_every_surface(
    world: dict[str, Any], analyst: User, outsider: User
) -> None:
    case = world["case"]
    day = "2025-03-15"
    urls = [
        reverse("cases:stakeholder_map", args=[case.uuid]) + f"?as_of={day}",
        f"/api/v1/cases/{case.uuid}/stakeholder-map?as_of={day}",
        _graphml_url(case, day),
        reverse("cases:stakeholder_map_csv", args=[case.uuid]) + f"?as_of={day}",
    ]
    for user, mine, theirs in (
        (analyst, OWNER_NOTE, OTHER_NOTE),
        (outsider, OTHER_NOTE, OWNER_NOTE),
    ):
        client = _client(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            text = response.content.decode("utf-8-sig")
            assert mine in text, (user.email, url)
            assert theirs not in text, (user.email, url)
    api = _client(outsider).get(urls[1]).json()
    assert len([edge for edge in api["edges"] if edge["note"] is None]) == 1


# --- personas on every view and endpoint ---------------------------------------------------------


def test_views_and_endpoints_for_two_institutions_and_anonymous(
    analyst: User, outsider: User, owner_institution: Institution, anon_client: Client
) -> None:
    draft = CaseFactory(institution=owner_institution, state=CaseState.DRAFT, created_by=analyst)
    actor = ActorFactory(institution=owner_institution)
    _link(analyst, draft, actor)
    other = ActorFactory(institution=owner_institution)
    _link(analyst, draft, other)
    relation = services.record_relation(
        user=analyst,
        case=draft,
        data=services.RelationInput(
            source=actor, target=other, kind="alliance", start_date=dt.date(2025, 2, 1)
        ),
    )
    pages = [
        reverse("cases:stakeholder_map", args=[draft.uuid]),
        reverse("cases:stakeholder_map_graphml", args=[draft.uuid]),
        reverse("cases:stakeholder_map_csv", args=[draft.uuid]),
        reverse("cases:relation_add", args=[draft.uuid]),
        reverse("cases:relation_change", args=[draft.uuid, relation.uuid]),
        reverse("cases:relation_end", args=[draft.uuid, relation.uuid]),
        reverse("cases:stakeholder_profile", args=[draft.uuid, actor.uuid]),
        f"/api/v1/cases/{draft.uuid}/stakeholder-map",
    ]
    owner, stranger = _client(analyst), _client(outsider)
    for url in pages:
        assert owner.get(url).status_code == 200, url
        assert stranger.get(url).status_code == 404, url
        expected = 401 if url.startswith("/api/") else 302
        assert anon_client.get(url).status_code == expected, url
    remove = reverse("cases:relation_remove", args=[draft.uuid, relation.uuid])
    assert stranger.post(remove).status_code == 404
    assert anon_client.post(remove).status_code == 302
    api = f"/api/v1/cases/{draft.uuid}/relations"
    assert stranger.delete(f"{api}/{relation.uuid}").status_code == 404
    assert StakeholderRelation.objects.filter(pk=relation.pk).count() == 1
    assert owner.delete(f"{api}/{relation.uuid}").status_code == 204


def test_actor_page_lists_only_the_cases_the_viewer_may_see(
    analyst: User, outsider: User, owner_institution: Institution
) -> None:
    actor = ActorFactory(institution=owner_institution, name="Frente de Defensa")
    registered = CaseFactory(institution=owner_institution, name="Caso registrado visible")
    draft = CaseFactory(
        institution=owner_institution, state=CaseState.DRAFT, name="Borrador reservado"
    )
    _link(analyst, registered, actor)
    _link(analyst, draft, actor)
    url = reverse("cases:actor_detail", args=[actor.uuid])
    mine = _client(analyst).get(url).content.decode()
    assert "Caso registrado visible" in mine
    assert "Borrador reservado" in mine
    theirs = _client(outsider).get(url)
    assert theirs.status_code == 200
    assert "Caso registrado visible" in theirs.content.decode()
    assert "Borrador reservado" not in theirs.content.decode()
    # An actor known only from another institution's draft is not found at all.
    hidden = ActorFactory(institution=owner_institution)
    _link(analyst, draft, hidden)
    assert (
        _client(outsider).get(reverse("cases:actor_detail", args=[hidden.uuid])).status_code == 404
    )
    assert Client().get(url).status_code == 302


def test_case_page_links_the_map(world: dict[str, Any], outsider: User) -> None:
    case = world["case"]
    page = _client(outsider).get(reverse("cases:detail", args=[case.uuid])).content.decode()
    assert reverse("cases:stakeholder_map", args=[case.uuid]) in page


def test_merge_moves_relations(world: dict[str, Any], coordinator: User, analyst: User) -> None:
    community, company, ministry = world["actors"]
    services.merge_actors(user=coordinator, source=ministry, target=community)
    theirs = StakeholderRelation.objects.get(pk=world["theirs"].pk)
    assert (theirs.source_id, theirs.target_id) == (company.pk, community.pk)


@time_machine.travel(dt.datetime(2025, 8, 1, 12, tzinfo=dt.UTC), tick=False)
def test_page_shows_today_and_the_relations_in_force(world: dict[str, Any], analyst: User) -> None:
    response = _client(analyst).get(reverse("cases:stakeholder_map", args=[world["case"].uuid]))
    assert response.status_code == 200
    assert response.context["as_of"] == dt.date(2025, 8, 1)
    assert len([r for r in response.context["relations"] if r.in_force]) == 1
    bad = _client(analyst).get(
        reverse("cases:stakeholder_map", args=[world["case"].uuid]), {"as_of": "ayer"}
    )
    assert bad.status_code == 200
    assert "Introduzca una fecha válida" in bad.content.decode()

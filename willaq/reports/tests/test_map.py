"""The map's data (GET /api/v1/reports/map and /mapa/publico/datos.json) and pages.

Two institutions: the owner (Defensoría) and another (ONDS). Neither the other institution nor the
public sees the owner's draft; nobody outside sees a confidential field or an event's sources."""

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from willaq.accounts.models import Institution, User
from willaq.cases.access import visible_events
from willaq.cases.choices import CaseState, CategoryKind, Phase
from willaq.cases.models import Case
from willaq.reports import map as map_data
from willaq.reports.access import map_events, public_events
from willaq.territory.models import Ubigeo
from willaq.testing.factories import CaseFactory, EventFactory, UserFactory, shared_category

pytestmark = pytest.mark.django_db

API = "/api/v1/reports/map"
PUBLIC = "/mapa/publico/datos.json"
CUSCO_DISTRICT = "080101"  # Cusco, Cusco, Cusco
PUNO_DISTRICT = "210101"  # Puno, Puno, Puno
LIMA_DISTRICT = "150101"  # Lima, Lima, Lima


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def get(client: Client, url: str, **params: Any) -> dict[str, Any]:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def uuids(answer: dict[str, Any]) -> list[str]:
    return [f["properties"]["uuid"] for f in answer["features"] if "uuid" in f["properties"]]


def place(case: Case) -> Ubigeo:
    return case.places.get(is_principal=True).ubigeo


@pytest.fixture
def registry(owner_institution: Institution, other_institution: Institution) -> dict[str, Any]:
    """A registered case and a draft of the owner, a registered case of the other institution,
    one event on each case (the draft's too) and a caseless event."""
    public_case = CaseFactory(
        institution=owner_institution,
        name="Caso público de Cusco",
        place=CUSCO_DISTRICT,
        confidential_fields=["description", "demands"],
        description="SECRETO-DESCRIPCION",
        demands="SECRETO-DEMANDAS",
    )
    draft = CaseFactory(
        institution=owner_institution,
        name="Borrador privado",
        state=CaseState.DRAFT,
        place=PUNO_DISTRICT,
    )
    other_case = CaseFactory(
        institution=other_institution, name="Caso de la ONDS", place=LIMA_DISTRICT
    )
    today = timezone.localdate()
    events = [
        EventFactory(case=public_case, event_date=today, notes="NOTA-PRIVADA"),
        EventFactory(case=draft, event_date=today, ubigeo=Ubigeo.objects.get(code=PUNO_DISTRICT)),
        EventFactory(case=other_case, event_date=today),
        EventFactory(case=None, institution=other_institution, event_date=today),
    ]
    return {"public": public_case, "draft": draft, "other": other_case, "events": events}


# --- access --------------------------------------------------------------------------------------


def test_a_draft_is_on_its_institution_s_map_only(
    registry: dict[str, Any], analyst: User, outsider: User
) -> None:
    draft = str(registry["draft"].uuid)
    mine = get(client_for(analyst), API, layer="cases")
    theirs = get(client_for(outsider), API, layer="cases")
    public = get(client_for(None), PUBLIC, layer="cases")
    public_signed_in = get(client_for(analyst), PUBLIC, layer="cases")

    assert mine["mode"] == "points"
    assert mine["total"] == 3
    assert draft in uuids(mine)
    assert theirs["total"] == 2
    assert draft not in uuids(theirs)
    assert public["total"] == 2
    assert draft not in uuids(public)
    # The public map is public data even for a signed-in member of the draft's institution.
    assert public_signed_in["total"] == 2
    assert draft not in uuids(public_signed_in)


def test_events_of_a_draft_stay_inside_its_institution(
    registry: dict[str, Any], analyst: User, outsider: User
) -> None:
    draft_event = str(registry["events"][1].uuid)
    mine = get(client_for(analyst), API, layer="events")
    theirs = get(client_for(outsider), API, layer="events")
    public = get(client_for(None), PUBLIC, layer="events")
    assert mine["total"] == 4
    assert draft_event in uuids(mine)
    assert theirs["total"] == 3
    assert draft_event not in uuids(theirs)
    assert public["total"] == 3
    assert draft_event not in uuids(public)


def test_the_draft_is_not_counted_in_anyone_else_s_clusters_or_choropleth(
    registry: dict[str, Any], analyst: User, outsider: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(map_data, "POINT_LIMIT", 0)  # clusters whatever the count
    for client, url, expected in (
        (client_for(analyst), API, 3),
        (client_for(outsider), API, 2),
        (client_for(None), PUBLIC, 2),
    ):
        clusters = get(client, url, layer="cases", zoom=5)
        assert clusters["mode"] == "clusters"
        assert sum(f["properties"]["count"] for f in clusters["features"]) == expected
        choropleth = get(client, url, layer="choropleth")
        assert choropleth["total"] == expected
        puno = next(u for u in choropleth["units"] if u["code"] == "210000")
        assert puno["count"] == (1 if expected == 3 else 0)


def test_no_answer_carries_a_confidential_field_or_an_event_s_private_fields(
    registry: dict[str, Any], analyst: User, outsider: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers: list[str] = []
    for client, url in ((client_for(outsider), API), (client_for(None), PUBLIC)):
        answers.extend(
            client.get(url, {"layer": layer}).content.decode()
            for layer in ("cases", "events", "choropleth")
        )
        monkeypatch.setattr(map_data, "POINT_LIMIT", 0)
        answers.append(client.get(url, {"layer": "cases"}).content.decode())
        answers.append(client.get(url, {"layer": "events"}).content.decode())
        monkeypatch.setattr(map_data, "POINT_LIMIT", 300)
    assert len(answers) == 10
    for text in answers:
        for secret in ("SECRETO", "NOTA-PRIVADA", "Radio local", "Monitor de campo", "Borrador"):
            assert secret not in text
        assert "description" not in text
        assert "sources" not in text


def test_a_case_summary_names_the_case_and_links_to_it_only_when_signed_in(
    registry: dict[str, Any], outsider: User
) -> None:
    case = registry["public"]
    signed_in = get(client_for(outsider), API, layer="cases")
    public = get(client_for(None), PUBLIC, layer="cases")
    for answer, link in ((signed_in, f"/casos/{case.uuid}/"), (public, "")):
        feature = next(f for f in answer["features"] if f["properties"]["uuid"] == str(case.uuid))
        props = feature["properties"]
        assert props["name"] == "Caso público de Cusco"
        assert props["code"] == case.code
        assert props["state"] == "active"
        assert props["state_label"] == "Activo"
        assert props["typology"] == case.typology.name
        assert props["place"] == "Cusco"
        assert props["url"] == link


def test_the_map_api_needs_a_login_and_the_public_data_does_not(registry: dict[str, Any]) -> None:
    assert Client().get(API).status_code == 401
    assert Client().get(PUBLIC).status_code == 200


# --- positions -----------------------------------------------------------------------------------


def test_a_case_sits_at_its_coordinates_else_at_its_principal_place(
    owner_institution: Institution, analyst: User
) -> None:
    placed = CaseFactory(institution=owner_institution, place=CUSCO_DISTRICT)
    pinned = CaseFactory(
        institution=owner_institution, place=CUSCO_DISTRICT, latitude=-13.2, longitude=-72.1
    )
    nowhere = CaseFactory(institution=owner_institution, place="000000")  # no place
    answer = get(client_for(analyst), API, layer="cases")
    where = {f["properties"]["uuid"]: f["geometry"]["coordinates"] for f in answer["features"]}
    cusco = place(placed)
    assert where[str(placed.uuid)] == [round(cusco.longitude, 5), round(cusco.latitude, 5)]
    assert where[str(pinned.uuid)] == [-72.1, -13.2]
    assert str(nowhere.uuid) not in where
    assert answer["total"] == 2


def test_an_event_sits_at_its_coordinates_else_at_its_ubigeo(
    owner_institution: Institution, analyst: User
) -> None:
    case = CaseFactory(institution=owner_institution)
    today = timezone.localdate()
    bare = EventFactory(case=case, event_date=today)
    pinned = EventFactory(case=case, event_date=today, latitude=-14.5, longitude=-71.3)
    answer = get(client_for(analyst), API, layer="events")
    where = {f["properties"]["uuid"]: f["geometry"]["coordinates"] for f in answer["features"]}
    assert where[str(bare.uuid)] == [
        round(bare.ubigeo.longitude, 5),
        round(bare.ubigeo.latitude, 5),
    ]
    assert where[str(pinned.uuid)] == [-71.3, -14.5]


def test_only_what_lies_inside_the_bbox_is_sent(registry: dict[str, Any], analyst: User) -> None:
    cusco = place(registry["public"])
    lon, lat = cusco.longitude or 0.0, cusco.latitude or 0.0
    box = f"{lon - 0.5},{lat - 0.5},{lon + 0.5},{lat + 0.5}"
    answer = get(client_for(analyst), API, layer="cases", bbox=box, zoom=9)
    assert answer["total"] == 1
    assert uuids(answer) == [str(registry["public"].uuid)]


# --- clusters and the cap ------------------------------------------------------------------------


def test_clusters_count_cases_by_state_per_grid_cell(
    owner_institution: Institution, analyst: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(map_data, "POINT_LIMIT", 2)
    for state in (CaseState.ACTIVE, CaseState.ACTIVE, CaseState.LATENT):
        CaseFactory(institution=owner_institution, state=state, place=CUSCO_DISTRICT)
    CaseFactory(institution=owner_institution, state=CaseState.RESOLVED, place=LIMA_DISTRICT)
    answer = get(client_for(analyst), API, layer="cases", zoom=5)
    assert answer["mode"] == "clusters"
    assert answer["total"] == 4
    cells = sorted((f["properties"] for f in answer["features"]), key=lambda p: -p["count"])
    assert len(cells) == 2
    assert cells[0]["count"] == 3
    assert cells[0]["by"] == {"active": 2, "latent": 1}
    assert cells[1]["count"] == 1
    assert cells[1]["by"] == {"resolved": 1}
    west, south, east, north = cells[0]["bounds"]
    cusco = Ubigeo.objects.get(code=CUSCO_DISTRICT)
    assert west <= cusco.longitude < east
    assert south <= cusco.latitude < north


def spread_cases(institution: Institution, count: int, start: int = 0) -> None:
    """``count`` registered cases, each at its own spot 0.05° apart (distinct cells at zoom 12)."""
    typology = shared_category(CategoryKind.TYPOLOGY, "socioambiental")
    Case.objects.bulk_create(
        Case(
            name=f"Caso {n}",
            code=f"2024-{n:05d}",
            institution=institution,
            start_date=dt.date(2024, 1, 1),
            state=CaseState.LATENT,
            typology=typology,
            latitude=-10 - (n % 40) * 0.05,
            longitude=-76 + (n // 40) * 0.05,
        )
        for n in range(start, start + count)
    )


def measure(client: Client, **params: Any) -> tuple[dict[str, Any], int]:
    with CaptureQueriesContext(connection) as queries:
        answer = get(client, API, **params)
    return answer, len(queries)


@pytest.mark.parametrize("zoom", [5, 12, 16])
def test_the_payload_and_the_queries_stay_bounded_as_cases_grow(
    owner_institution: Institution, analyst: User, monkeypatch: pytest.MonkeyPatch, zoom: int
) -> None:
    monkeypatch.setattr(map_data, "MAX_FEATURES", 30)
    monkeypatch.setattr(map_data, "POINT_LIMIT", 20)
    client = client_for(analyst)
    params = {"layer": "cases", "zoom": zoom, "bbox": "-78,-13,-74,-9"}
    spread_cases(owner_institution, 25)
    small, small_queries = measure(client, **params)
    assert small_queries >= 3  # the session, the user, the map's own
    spread_cases(owner_institution, 400, start=25)
    large, large_queries = measure(client, **params)

    assert small["total"] == 25
    assert len(large["features"]) <= 30
    assert large_queries == small_queries
    if zoom == 5:  # a few big cells: every case counted, nothing left out
        assert large["mode"] == "clusters"
        assert not large["truncated"]
        assert sum(f["properties"]["count"] for f in large["features"]) == 425
    else:  # a cell (or a point) per case: the largest 30 only, and said so
        assert len(large["features"]) == 30
        assert large["truncated"]
    payload = len(json.dumps(large))
    spread_cases(owner_institution, 400, start=425)
    larger, larger_queries = measure(client, **params)
    assert len(larger["features"]) == len(large["features"])
    assert larger_queries == small_queries
    assert len(json.dumps(larger)) < payload * 1.2


def test_the_real_cap_is_two_thousand_features(
    owner_institution: Institution, analyst: User
) -> None:
    spread_cases(owner_institution, 2100)
    answer = get(client_for(analyst), API, layer="cases", zoom=16, bbox="-80,-13,-70,-9")
    assert answer["mode"] == "points"
    assert answer["truncated"]
    assert len(answer["features"]) == map_data.MAX_FEATURES == 2000


def test_event_queries_do_not_grow_with_the_events(
    owner_institution: Institution, analyst: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(map_data, "POINT_LIMIT", 5)
    case = CaseFactory(institution=owner_institution)
    client = client_for(analyst)
    EventFactory.create_batch(3, case=case, event_date=timezone.localdate())
    few, few_queries = measure(client, layer="events")
    assert few_queries >= 3
    EventFactory.create_batch(30, case=case, event_date=timezone.localdate())
    many, many_queries = measure(client, layer="events")
    assert few["mode"] == "points"
    assert many["mode"] == "clusters"
    assert many["total"] == 33
    assert len(many["features"]) == 1
    assert many_queries <= few_queries


# --- filters -------------------------------------------------------------------------------------


def test_filters_by_state_phase_typology_institution_and_period(
    owner_institution: Institution, other_institution: Institution, analyst: User
) -> None:
    labour = shared_category(CategoryKind.TYPOLOGY, "laboral")
    CaseFactory(institution=owner_institution, phase=Phase.CRISIS)
    CaseFactory(institution=owner_institution, state=CaseState.LATENT)
    CaseFactory(institution=other_institution, typology=labour, start_date=dt.date(2020, 5, 1))
    CaseFactory(
        institution=other_institution,
        state=CaseState.RESOLVED,
        start_date=dt.date(2019, 1, 1),
        end_date=dt.date(2019, 6, 30),
    )
    client = client_for(analyst)

    def total(**filters: str) -> int:
        return int(get(client, API, layer="cases", **filters)["total"])

    assert total() == 4
    assert total(state="latent") == 1
    assert total(state="active") == 2
    assert total(phase="crisis") == 1
    assert total(typology="laboral") == 1
    assert total(institution="onds") == 2
    assert total(institution="defensoria", state="active") == 1
    # The period keeps the cases alive during it: started before its end, not ended before it.
    assert total(date_to="2019-12-31") == 1
    assert total(date_from="2020-01-01", date_to="2020-12-31") == 1
    assert total(date_from="2019-03-01", date_to="2019-04-01") == 1
    assert total(date_from="2025-01-01") == 3


def test_events_follow_the_period_and_default_to_the_last_three_months(
    owner_institution: Institution, other_institution: Institution, analyst: User
) -> None:
    case = CaseFactory(institution=owner_institution, state=CaseState.LATENT)
    EventFactory(case=case, event_date=dt.date(2026, 11, 20))
    EventFactory(case=case, event_date=dt.date(2026, 9, 5))
    EventFactory(case=case, event_date=dt.date(2026, 1, 5))
    EventFactory(case=case, event_date=dt.date(2025, 6, 1))
    EventFactory(case=None, institution=other_institution, event_date=dt.date(2026, 11, 2))
    client = client_for(analyst)
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), tick=False):
        assert get(client, API, layer="events")["total"] == 3
        assert get(client, API, layer="events", date_from="2020-01-01")["total"] == 5
        # An end without a start: the three months before it.
        assert get(client, API, layer="events", date_to="2026-01-31")["total"] == 1
        assert get(client, API, layer="events", date_to="2025-12-31")["total"] == 0
        assert get(client, API, layer="events", date_from="2026-11-01")["total"] == 2
        # A case filter keeps the events of such cases (not the caseless one).
        assert get(client, API, layer="events", state="latent")["total"] == 2
        assert get(client, API, layer="events", institution="onds")["total"] == 1


# --- the choropleth ------------------------------------------------------------------------------


def test_choropleth_counts_and_rates_per_department_and_province(
    owner_institution: Institution, analyst: User
) -> None:
    Ubigeo.objects.filter(code="080000").update(population=200_000)
    Ubigeo.objects.filter(code="210000").update(population=50_000)
    Ubigeo.objects.filter(code="080100").update(population=40_000)
    Ubigeo.objects.filter(code="080200").update(population=None)
    for code in (
        CUSCO_DISTRICT,
        "080102",
        "080201",
    ):  # two in the province of Cusco, one in Acomayo
        CaseFactory(institution=owner_institution, place=code)
    CaseFactory(institution=owner_institution, place=PUNO_DISTRICT)
    # Pinned far away: still counted where its principal place is.
    CaseFactory(institution=owner_institution, place=PUNO_DISTRICT, latitude=-5.0, longitude=-80.0)
    CaseFactory(institution=owner_institution, state=CaseState.MERGED, place=PUNO_DISTRICT)
    client = client_for(analyst)

    counts = get(client, API, layer="choropleth", level="department")
    units = {u["code"]: u for u in counts["units"]}
    assert len(units) == Ubigeo.objects.departments().count()
    assert units["080000"]["count"] == 3
    assert units["080000"]["key"] == "08"
    assert units["210000"]["count"] == 2
    assert units["150000"]["count"] == 0
    assert counts["total"] == 5
    assert units["080000"]["value"] == 3

    rates = get(client, API, layer="choropleth", level="department", measure="rate")
    units = {u["code"]: u for u in rates["units"]}
    assert units["080000"]["rate"] == 1.5
    assert units["080000"]["value"] == 1.5
    assert units["210000"]["rate"] == 4.0
    assert units["150000"]["rate"] is None  # no population loaded in this test
    assert rates["breaks"][-1] == 4.0

    provinces = get(client, API, layer="choropleth", level="province", measure="rate")
    units = {u["code"]: u for u in provinces["units"]}
    assert units["080100"]["count"] == 2
    assert units["080100"]["rate"] == 5.0
    assert units["080100"]["key"] == "0801"
    assert units["080200"]["count"] == 1
    assert units["080200"]["rate"] is None


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "10,0,5,1"}, "bbox"),
        ({"bbox": "-200,0,5,1"}, "bbox"),
        ({"bbox": "nan,0,5,1"}, "bbox"),
        ({"bbox": "-77,-12,-76,inf"}, "bbox"),
        ({"zoom": "19"}, "zoom"),
        ({"zoom": "-1"}, "zoom"),
        ({"zoom": "cerca"}, "zoom"),
        ({"layer": "heatmap"}, "layer"),
        ({"level": "district"}, "level"),
        ({"measure": "density"}, "measure"),
        ({"state": "open"}, "state"),
        ({"phase": "final"}, "phase"),
        ({"typology": "inventada"}, "typology"),
        ({"institution": "nadie"}, "institution"),
        ({"date_from": "2026-13-01"}, "date_from"),
        ({"date_from": "2026-05-01", "date_to": "2026-01-01"}, "date_to"),
        ({"date_from": "2999-01-01"}, "date_from"),
    ],
)
def test_bad_input_is_a_422_in_spanish(analyst: User, params: dict[str, str], field: str) -> None:
    for client, url in ((client_for(analyst), API), (client_for(None), PUBLIC)):
        response = client.get(url, params)
        assert response.status_code == 422
        body = response.json()
        assert body["detail"]
        assert list(body["errors"]) == [field]
        assert body["errors"][field][0]  # a sentence (Spanish is the default language)


def test_the_public_map_refuses_draft_and_proposed_states(analyst: User) -> None:
    assert Client().get(PUBLIC, {"state": "draft"}).status_code == 422
    assert client_for(analyst).get(API, {"state": "draft"}).status_code == 200
    assert Client().get(PUBLIC, {"state": "merged"}).status_code == 422
    message = Client().get(PUBLIC, {"zoom": "40"}).json()["errors"]["zoom"][0]
    assert "18" in message
    assert "menor o igual" in message


# --- pages ---------------------------------------------------------------------------------------


def test_the_map_page_needs_a_login_and_the_public_one_does_not(analyst: User) -> None:
    response = Client().get("/mapa/")
    assert response.status_code == 302
    assert "/cuentas/entrar/" in response["Location"]
    page = client_for(analyst).get("/mapa/")
    assert page.status_code == 200
    assert 'data-url="/api/v1/reports/map"' in page.content.decode()
    public = Client().get("/mapa/publico/")
    assert public.status_code == 200
    text = public.content.decode()
    assert 'data-url="/mapa/publico/datos.json"' in text
    assert "js/map.js" in text
    assert "leaflet-1.9.4/leaflet.js" in text
    # Drafts are no choice on the public map.
    assert 'value="draft"' not in text
    assert 'value="draft"' in page.content.decode()
    # The online tiles are allowed on the map pages only.
    assert "https://tile.openstreetmap.org" in public["Content-Security-Policy"]
    assert "tile.openstreetmap.org" not in Client().get("/cuentas/entrar/").get(
        "Content-Security-Policy", ""
    )


def test_the_menu_links_the_map(analyst: User) -> None:
    assert 'href="/mapa/"' in client_for(analyst).get("/mapa/").content.decode()


def test_a_bad_filter_on_the_page_is_a_readable_message(analyst: User) -> None:
    response = client_for(analyst).get("/mapa/", {"state": "inventado"})
    assert response.status_code == 200
    assert "Escoja una opción válida" in response.content.decode()


def test_the_map_s_events_are_exactly_the_visible_ones(
    registry: dict[str, Any], analyst: User, outsider: User
) -> None:
    """``map_events`` states ``visible_events`` (and ``public_events``) differently, for speed:
    the same rows for every persona."""
    removed = EventFactory(case=registry["public"], event_date=timezone.localdate())
    removed.removed_at = timezone.now()
    removed.save()
    nobody = UserFactory()
    admin = UserFactory(is_superuser=True)
    anonymous = AnonymousUser()
    for user in (analyst, outsider, nobody, admin, anonymous):
        expected = sorted(visible_events(user).values_list("pk", flat=True))
        assert sorted(map_events(user, public=False).values_list("pk", flat=True)) == expected
        public = sorted(map_events(user, public=True).values_list("pk", flat=True))
        assert public == sorted(public_events().values_list("pk", flat=True))
    assert map_events(analyst, public=False).count() == 4
    assert map_events(outsider, public=False).count() == 3
    assert map_events(nobody, public=False).count() == 0
    assert map_events(admin, public=False).count() == 4
    assert map_events(anonymous, public=True).count() == 3


def test_events_without_coordinates_count_in_their_place_s_cell_at_any_zoom(
    owner_institution: Institution, analyst: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read from the events (a one-day period), those without coordinates are counted per place
    and put in their centroid's cell: with every place in view (the whole country: the places
    out of view dropped after the count) and with a few (a city: only those places asked)."""
    monkeypatch.setattr(map_data, "POINT_LIMIT", 0)  # clusters, with their counts
    cusco = Ubigeo.objects.get(code=CUSCO_DISTRICT)
    puno = Ubigeo.objects.get(code=PUNO_DISTRICT)
    case = CaseFactory(institution=owner_institution)
    day = dt.date(2026, 12, 15)
    EventFactory.create_batch(3, case=case, event_date=day, ubigeo=cusco)
    EventFactory(case=case, event_date=day, ubigeo=puno)
    EventFactory(case=case, event_date=day, ubigeo=cusco, latitude=-14.5, longitude=-71.3)
    EventFactory(case=case, event_date=day - dt.timedelta(days=1), ubigeo=cusco)  # another day
    period = {"layer": "events", "date_from": day.isoformat(), "date_to": day.isoformat()}

    def count_at(answer: dict[str, Any], lon: float, lat: float) -> int:
        return sum(
            f["properties"]["count"]
            for f in answer["features"]
            if f["properties"]["bounds"][0] <= lon < f["properties"]["bounds"][2]
            and f["properties"]["bounds"][1] <= lat < f["properties"]["bounds"][3]
        )

    assert Ubigeo.objects.filter(latitude__isnull=False).count() > map_data.CENTROID_ID_LIMIT
    with time_machine.travel(dt.datetime(2026, 12, 20, 12, tzinfo=dt.UTC), tick=False):
        client = client_for(analyst)
        country = get(client, API, zoom=5, **period)
        lon, lat = cusco.longitude or 0.0, cusco.latitude or 0.0
        box = f"{lon - 0.05},{lat - 0.05},{lon + 0.05},{lat + 0.05}"
        city = get(client, API, zoom=12, bbox=box, **period)
    assert country["total"] == 5
    # Cusco's three, and the event at its own coordinates in the same 2.6° cell; Puno's apart.
    assert count_at(country, lon, lat) == 4
    assert count_at(country, puno.longitude or 0.0, puno.latitude or 0.0) == 1
    assert city["total"] == 3
    assert count_at(city, lon, lat) == 3
    # The same city read as a wide view is (all places counted, those out of view dropped).
    monkeypatch.setattr(map_data, "CENTROID_ID_LIMIT", 0)
    with time_machine.travel(dt.datetime(2026, 12, 20, 12, tzinfo=dt.UTC), tick=False):
        wide = get(client_for(analyst), API, zoom=12, bbox=box, **period)
    assert wide["total"] == 3
    assert count_at(wide, lon, lat) == 3

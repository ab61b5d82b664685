"""Search, filters, sort and counts of the case list, the same through the page and the API."""

import datetime as dt
import re
from typing import Any, cast

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from willaq.accounts.models import Institution, User
from willaq.cases import selectors
from willaq.cases.choices import CaseState, CategoryKind
from willaq.cases.models import Case, CasePlace, Category
from willaq.territory.models import Ubigeo
from willaq.testing.factories import (
    ActorFactory,
    CaseActorFactory,
    CaseFactory,
    EventFactory,
    shared_category,
)

pytestmark = pytest.mark.django_db

LIST = reverse("cases:list")
API = "/api/v1"


def new_case(**kwargs: Any) -> Case:
    return cast(Case, CaseFactory(**kwargs))


def page_names(client: Client, **params: str) -> set[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return set(
        re.findall(r'<a href="/casos/[0-9a-f-]{36}/">([^<]+)</a>', response.content.decode())
    )


def api_names(client: Client, **params: str) -> set[str]:
    response = client.get(f"{API}/cases", params)
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["items"]}


def found(client: Client, **params: str) -> set[str]:
    """What the page lists, checked to be what the API lists (one selector)."""
    names = page_names(client, **params)
    assert api_names(client, **params) == names
    return names


@pytest.fixture
def registry(owner_institution: Institution, other_institution: Institution) -> dict[str, Case]:
    mining = new_case(
        institution=owner_institution,
        name="Conflicto en Cañete",
        description="Contaminación por la minería aurífera.",
        demands="Remediación del río Chillón.",
        causes="Relaves sin tratamiento.",
        place="150501",  # San Vicente de Cañete, Cañete, Lima
    )
    secret = new_case(
        institution=other_institution,
        name="Caso reservado",
        description="Palabraclave reservada.",
        causes="Causa pública: hidroeléctrica.",
        confidential_fields=["description"],
        place="080101",  # Cusco
    )
    open_case = new_case(
        institution=other_institution,
        name="Caso abierto",
        description="Tala ilegal en la Amazonía.",
        place="160101",  # Iquitos, Maynas, Loreto
    )
    actor = ActorFactory(institution=owner_institution, name="Frente de Defensa de Ñuñoa")
    CaseActorFactory(case=open_case, actor=actor)
    return {"mining": mining, "secret": secret, "open": open_case}


def test_search_ignores_accents_and_case(analyst_client: Client, registry: dict[str, Case]) -> None:
    assert found(analyst_client, q="MINERIA") == {"Conflicto en Cañete"}
    assert found(analyst_client, q="canete") == {"Conflicto en Cañete"}
    assert found(analyst_client, q="amazonía") == {"Caso abierto"}


def test_search_finds_code_text_fields_places_and_actors(
    analyst_client: Client, registry: dict[str, Case]
) -> None:
    code = registry["open"].code
    assert code is not None
    assert found(analyst_client, q=code) == {"Caso abierto"}
    assert found(analyst_client, q="chillon") == {"Conflicto en Cañete"}  # demands
    assert found(analyst_client, q="relaves") == {"Conflicto en Cañete"}  # causes
    assert found(analyst_client, q="hidroelectrica") == {"Caso reservado"}  # public causes
    assert found(analyst_client, q="loreto") == {"Caso abierto"}  # department
    assert found(analyst_client, q="maynas") == {"Caso abierto"}  # province
    assert found(analyst_client, q="iquitos") == {"Caso abierto"}  # district
    assert found(analyst_client, q="nunoa") == {"Caso abierto"}  # actor
    assert found(analyst_client, q="no existe en ningún caso") == set()


def test_search_never_reads_a_field_confidential_to_the_searcher(
    analyst_client: Client, outsider_client: Client, registry: dict[str, Case]
) -> None:
    # The word is only in the other institution's confidential description.
    assert found(analyst_client, q="palabraclave") == set()
    # Its own institution finds it.
    assert found(outsider_client, q="palabraclave") == {"Caso reservado"}
    # A field that is not confidential is searched for everybody.
    assert found(analyst_client, q="tala ilegal") == {"Caso abierto"}


def test_date_range_filters(
    analyst_client: Client, owner_institution: Institution, registry: dict[str, Case]
) -> None:
    old = new_case(institution=owner_institution, name="Antiguo", start_date=dt.date(2019, 5, 1))
    EventFactory(case=old, event_date=dt.date(2020, 1, 10))
    EventFactory(case=old, event_date=dt.date(2023, 6, 1))
    EventFactory(case=registry["open"], event_date=dt.date(2020, 2, 1))
    assert found(analyst_client, start_to="2020-01-01") == {"Antiguo"}
    assert found(analyst_client, start_from="2020-01-01") == {
        "Conflicto en Cañete",
        "Caso reservado",
        "Caso abierto",
    }
    # The latest event: "Antiguo" last had one in 2023, so it is not in 2020's range.
    assert found(analyst_client, last_event_from="2020-01-01", last_event_to="2020-12-31") == {
        "Caso abierto"
    }
    assert found(analyst_client, last_event_from="2023-01-01") == {"Antiguo"}
    assert found(analyst_client, last_event_to="2021-01-01") == {"Caso abierto"}


def test_every_dashboard_number_is_the_count_of_the_list_it_links_to(
    analyst: User,
    analyst_client: Client,
    owner_institution: Institution,
    other_institution: Institution,
    registry: dict[str, Case],
) -> None:
    # A case in two departments, a latent one, a draft, an institution's own typology.
    two = new_case(institution=owner_institution, name="Dos regiones", place="080101")
    CasePlace.objects.create(case=two, ubigeo=Ubigeo.objects.get(code="150101"))
    new_case(institution=owner_institution, name="Latente", state=CaseState.LATENT)
    new_case(institution=owner_institution, name="Borrador", state=CaseState.DRAFT)
    own = Category.objects.create(
        kind=CategoryKind.TYPOLOGY,
        code="agua-propia",
        name="Agua (propia)",
        institution=owner_institution,
        maps_to=shared_category(CategoryKind.TYPOLOGY, "laboral"),
    )
    new_case(institution=owner_institution, name="Tipología propia", typology=own)
    board = selectors.dashboard(analyst)
    links: list[tuple[dict[str, str], int]] = []
    links += [({"state": row.key}, row.count) for row in board.by_state]
    links += [({"state": "active", "phase": row.key}, row.count) for row in board.by_phase]
    links += [({"typology": row.key}, row.count) for row in board.by_typology]
    # The department rows are not links: they count single-department cases by principal place
    # (the ombudsman's way), the list's department filter finds any place (test_dashboard_scope).
    assert len(links) == 6
    for params, count in links:
        listed = page_names(analyst_client, **params)
        assert len(listed) == count, params
        assert len(api_names(analyst_client, **params)) == count, params
    assert (
        sum(row.count for row in board.by_state) == board.total == len(page_names(analyst_client))
    )


def test_header_sort_and_sort_select_agree_and_survive_a_filter_change(
    analyst_client: Client, registry: dict[str, Case]
) -> None:
    # A header click (htmx) refreshes the "Ordenar por" select too.
    response = analyst_client.get(LIST, {"sort": "-name"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="field-sort" hx-swap-oob="true"' in html
    assert '<option value="-name" selected>' in html
    # The filter form then sends that sort with the new filter; the page keeps it.
    response = analyst_client.get(LIST, {"sort": "-name", "department": "150000"})
    html = response.content.decode()
    assert '<option value="-name" selected>' in html
    assert 'aria-sort="descending"' in html
    names = re.findall(r'<a href="/casos/[0-9a-f-]{36}/">([^<]+)</a>', html)
    assert names == sorted(names, reverse=True)


def test_bounded_count_stops_at_the_limit(analyst: User, owner_institution: Institution) -> None:
    for _ in range(5):
        new_case(institution=owner_institution)
    rows = selectors.filter_cases(analyst, selectors.CaseFilters())
    bounded = selectors.BoundedPaginator(rows, 2, limit=3)
    assert bounded.count == 3
    assert bounded.count_is_bounded
    exact = selectors.BoundedPaginator(rows, 2, limit=10)
    assert exact.count == 5
    assert not exact.count_is_bounded


def test_list_queries_do_not_grow_with_matches(
    analyst_client: Client, owner_institution: Institution
) -> None:
    def queries(n: int) -> int:
        for _ in range(n):
            new_case(institution=owner_institution, description="Minería informal")
        with CaptureQueriesContext(connection) as ctx:
            analyst_client.get(LIST, {"q": "mineria"})
        return len(ctx.captured_queries)

    assert queries(2) == queries(20)


def test_case_page_shows_one_page_of_events(
    analyst_client: Client, owner_institution: Institution
) -> None:
    case = new_case(institution=owner_institution)
    for day in range(1, 46):
        EventFactory(case=case, event_date=dt.date(2025, 1, 1) + dt.timedelta(days=day))
    url = reverse("cases:detail", kwargs={"case_uuid": case.uuid})
    first = analyst_client.get(url).content.decode()
    assert first.count('<li id="evento-') == selectors.EVENTS_PAGE_SIZE
    assert "Eventos 1–20 de 45" in first
    last = analyst_client.get(url, {"eventos": "3"}).content.decode()
    assert last.count('<li id="evento-') == 5
    assert "Eventos 41–45 de 45" in last


def test_api_pages_a_case_events(analyst_client: Client, owner_institution: Institution) -> None:
    case = new_case(institution=owner_institution)
    for _ in range(7):
        EventFactory(case=case)
    response = analyst_client.get(f"{API}/cases/{case.uuid}/events", {"limit": 3, "offset": 6})
    body = response.json()
    assert body["count"] == 7
    assert len(body["items"]) == 1

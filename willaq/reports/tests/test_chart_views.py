"""/reportes/graficos/<name>.json: who may read it, bad input in words, the cache, two
institutions (the other's draft is never counted), and the dashboard's placeholders."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import Institution
from willaq.cases.choices import CaseState
from willaq.reports.charts import DASHBOARD_CHARTS
from willaq.testing.factories import CaseFactory, EventFactory, UserFactory

pytestmark = pytest.mark.django_db

LIMA = dt.timezone(dt.timedelta(hours=-5))
NOW = dt.datetime(2025, 6, 15, 12, tzinfo=LIMA)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def registry(owner_institution: Institution, other_institution: Institution) -> None:
    with time_machine.travel(NOW, tick=False):
        CaseFactory(institution=owner_institution, state=CaseState.ACTIVE)
        CaseFactory(institution=owner_institution, state=CaseState.LATENT)
        CaseFactory(institution=other_institution, state=CaseState.ACTIVE)
        draft = CaseFactory(
            institution=other_institution, state=CaseState.DRAFT, name="SECRETO borrador"
        )
        EventFactory(case=draft, event_date=dt.date(2025, 6, 2))


def url(name: str, **query: str) -> str:
    path = reverse("reports:chart", kwargs={"name": name})
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def get(client: Client, address: str) -> Any:
    with time_machine.travel(NOW, tick=False):
        return client.get(address)


def last_month(spec: dict[str, Any], serie: str) -> int:
    rows = [r for r in spec["data"]["values"] if r["serie"] == serie]
    return int(rows[-1]["count"])


def test_anonymous_visitors_are_sent_to_log_in(anon_client: Client, registry: None) -> None:
    response = get(anon_client, url("active_latent"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_user_of_no_institution_may_not_read_them(registry: None) -> None:
    client = Client()
    client.force_login(UserFactory(email="nadie@example.pe"))
    response = get(client, url("active_latent"))
    assert response.status_code == 403
    assert "miembros de una institución" in response.json()["detail"]


def test_both_institutions_see_the_registered_cases_and_never_the_draft(
    analyst_client: Client, outsider_client: Client, registry: None
) -> None:
    for client in (analyst_client, outsider_client):
        spec = get(client, url("active_latent")).json()
        assert spec["title"]["text"] == "Casos activos y latentes al cierre de cada mes"
        months = {r["month"] for r in spec["data"]["values"]}
        assert len(months) == 24
        assert last_month(spec, "Activos") == 2  # not the other's draft
        assert last_month(spec, "Latentes") == 1
        assert "SECRETO" not in get(client, url("by_department")).content.decode()
    # One institution's registered cases, asked by anyone who reads the shared registry.
    other = get(analyst_client, url("active_latent", institucion="onds")).json()
    assert last_month(other, "Activos") == 1
    # The event of the other's draft is no protest action of anybody's.
    protests = get(outsider_client, url("protests", institucion="onds")).json()
    assert sum(r["count"] for r in protests["data"]["values"]) == 0


def test_a_range_of_months(analyst_client: Client, registry: None) -> None:
    spec = get(analyst_client, url("new_resolved", desde="2025-01", hasta="2025-06")).json()
    assert len({r["month"] for r in spec["data"]["values"]}) == 6
    assert spec["usermeta"] == {"first": "2025-01", "last": "2025-06"}


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [
        ({"desde": "2025-13"}, 400, "Mes no válido"),
        ({"hasta": "2025-07"}, 400, "meses futuros"),
        ({"desde": "2025-05", "hasta": "2025-01"}, 400, "anterior o igual"),
        ({"desde": "1900-01", "hasta": "2025-01"}, 400, "acorte el periodo"),
        ({"institucion": "no-existe"}, 404, "Institución desconocida"),
        ({"color": "rojo"}, 400, "Parámetros desconocidos: color"),
    ],
)
def test_bad_input_is_answered_in_words(
    analyst_client: Client, registry: None, query: dict[str, str], status: int, words: str
) -> None:
    response = get(analyst_client, url("active_latent", **query))
    assert response.status_code == status
    body = response.json()
    assert words in body["detail"]
    assert set(body) == {"detail", "errors"}


def test_an_unknown_chart_is_a_404(analyst_client: Client, registry: None) -> None:
    response = get(analyst_client, url("pastel"))
    assert response.status_code == 404
    assert "pastel" in response.json()["detail"]


def test_the_series_are_cached_briefly_and_shared_by_the_charts(
    analyst_client: Client, registry: None, django_assert_max_num_queries: Any
) -> None:
    first = get(analyst_client, url("active_latent"))
    assert "max-age=300" in first["Cache-Control"]
    assert "private" in first["Cache-Control"]
    # The other charts of the dashboard read the cached series: the session and the user only.
    for name in DASHBOARD_CHARTS:
        with django_assert_max_num_queries(3):
            assert get(analyst_client, url(name)).status_code == 200


def test_the_dashboard_has_a_placeholder_per_chart(analyst_client: Client, registry: None) -> None:
    html = get(analyst_client, reverse("cases:dashboard")).content.decode()
    for name in DASHBOARD_CHARTS:
        assert f'data-vega-spec="{url(name)}"' in html
    assert html.count("data-vega-spec=") == len(DASHBOARD_CHARTS)
    assert "vendor/vega-interpreter-2.3.2/vega-interpreter.js" in html
    assert "js/charts.js" in html

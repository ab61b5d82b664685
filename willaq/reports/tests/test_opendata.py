"""Open data: /datos/ (public) and GET /api/v1/reports/exports/… (signed in).

Two institutions: the owner (Defensoría) keeps a case with a confidential description, a draft,
an event with sources and notes and a victim with a name; the other (ONDS) a registered case and
an event without a case with its own notes. Each export is parsed back (csv, openpyxl, json,
geojson) and compared with the database; no private value reaches the public nor the other
institution.
"""

import csv
import datetime as dt
import io
import json
from typing import Any

import openpyxl
import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import timezone

from willaq.cases import services
from willaq.cases.choices import CaseState, EventType, Phase, SubEventType
from willaq.cases.models import Case, Victim
from willaq.cases.services import PlaceInput
from willaq.reports.exports import csv_chunks, export_response
from willaq.reports.opendata import (
    CASE_COLUMNS,
    DATASETS_BY_KEY,
    EVENT_COLUMNS,
    ExportFilters,
    Lookups,
    event_query,
    event_rows,
)
from willaq.territory.models import Ubigeo
from willaq.testing.factories import CaseFactory, EventFactory

pytestmark = pytest.mark.django_db

SECRETS = ("DESCRIPCION-SECRETA", "FUENTE-SECRETA", "NOTA-SECRETA", "Victima Nombre", "BORRADOR")


@pytest.fixture
def registry(owner_institution, other_institution):
    confidential = CaseFactory(
        institution=owner_institution,
        description="DESCRIPCION-SECRETA",
        demands="Agua limpia",
        confidential_fields=["description"],
    )
    draft = CaseFactory(
        institution=owner_institution, state=CaseState.DRAFT, name="BORRADOR del caso"
    )
    other = CaseFactory(
        institution=other_institution, description="Descripción pública", place="080101"
    )
    event = EventFactory(
        case=confidential,
        sources="FUENTE-SECRETA",
        notes="NOTA-SECRETA",
        fatalities=1,
        latitude=-9.5,
        longitude=-77.5,
    )
    Victim.objects.create(event=event, outcome="dead", full_name="Victima Nombre", age=30)
    caseless = EventFactory(
        case=None,
        institution=other_institution,
        event_type=EventType.RIOTS,
        sub_event_type=SubEventType.VIOLENT_DEMONSTRATION,
        inter1=5,
        actor2="Police Forces of Peru",
        inter2=1,
        notes="NOTA-ONDS",
        sources="FUENTE-ONDS",
        event_date=dt.date(2025, 6, 1),
        ubigeo=Ubigeo.objects.get(code="080101"),
    )
    draft_event = EventFactory(case=draft, notes="NOTA-SECRETA del borrador")
    removed = EventFactory(case=confidential, removed_at=timezone.now())
    return {
        "confidential": confidential,
        "draft": draft,
        "other": other,
        "event": event,
        "caseless": caseless,
        "draft_event": draft_event,
        "removed": removed,
    }


def content(response: Any) -> bytes:
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content)


def csv_rows(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content(response).decode())))


def api(client: Client, path: str) -> Any:
    return client.get(f"/api/v1/reports/exports/{path}")


# --- the public page and files ------------------------------------------------------------------


def test_page_lists_datasets_dictionary_and_commitments(anon_client):
    response = anon_client.get("/datos/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Datos abiertos" in text
    for column in ("event_id_cnty", "#affected+killed", "case_uuid", "pcm_classifications"):
        assert column in text
    assert "próximamente" not in text
    assert "/datos/eventos.csv" in text
    assert "/datos/compromisos.csv" in text
    # Private columns are not in the public dictionary.
    assert "<code>notes</code>" not in text


def test_public_cases_csv_only_registered_and_without_confidential_values(anon_client, registry):
    response = anon_client.get("/datos/casos.csv")
    assert response["Content-Disposition"] == (
        f'attachment; filename="willaq-casos-{timezone.localdate().isoformat()}.csv"'
    )
    body = content(response).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    registered = Case.objects.filter(state__in=["active"]).order_by("id")
    assert [r["case_uuid"] for r in rows] == [str(c.uuid) for c in registered]
    assert len(rows) == 2
    assert list(rows[0]) == [c.name for c in CASE_COLUMNS]
    by_uuid = {r["case_uuid"]: r for r in rows}
    confidential = by_uuid[str(registry["confidential"].uuid)]
    assert confidential["description"] == ""
    assert confidential["demands"] == "Agua limpia"
    assert confidential["department"] == "Áncash"
    assert confidential["principal_ubigeo"] == "021801"
    assert confidential["geo_origin"] == "place"
    assert by_uuid[str(registry["other"].uuid)]["description"] == "Descripción pública"
    for secret in SECRETS:
        assert secret not in body


def test_public_events_csv_acled_columns_no_private_columns(anon_client, registry):
    body = content(anon_client.get("/datos/eventos.csv")).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 2  # the registered case's event and the caseless one
    public_names = [c.name for c in EVENT_COLUMNS if not c.private]
    assert list(rows[0]) == public_names
    for name in ("source", "notes", "source_scale", "reported_by"):
        assert name not in rows[0]
    first, second = rows  # in the order they were recorded
    event = registry["event"]
    assert first["event_id_cnty"] == f"PER-{event.uuid}"
    assert first["event_date"] == "2025-04-02"
    assert first["year"] == "2025"
    assert first["fatalities"] == "1"
    assert first["interaction"] == "60"
    assert first["disorder_type"] == "Demonstrations"
    assert (first["iso"], first["country"], first["region"]) == ("604", "Peru", "South America")
    assert (first["admin1"], first["latitude"]) == ("Áncash", "-9.5")
    assert first["case_code"] == registry["confidential"].code
    assert second["case_uuid"] == ""
    assert second["interaction"] == "15"
    assert second["institution"] == "onds"
    for secret in (*SECRETS, "NOTA-ONDS", "FUENTE-ONDS", "Monitor de campo"):
        assert secret not in body


def test_hxl_row_only_when_asked(anon_client, registry):
    plain = content(anon_client.get("/datos/eventos.csv")).decode().splitlines()
    tagged = content(anon_client.get("/datos/eventos.csv?hxl=1")).decode().splitlines()
    assert len(tagged) == len(plain) + 1
    assert tagged[1].startswith("#event+id,#date+start,")
    assert not plain[1].startswith("#")
    assert tagged[2:] == plain[1:]


def test_public_json_geojson_xlsx_hold_the_same_rows(anon_client, registry):
    expected = [f"PER-{registry['event'].uuid}", f"PER-{registry['caseless'].uuid}"]
    data = json.loads(content(anon_client.get("/datos/eventos.json")))
    assert [row["event_id_cnty"] for row in data] == expected
    assert data[0]["fatalities"] == 1
    assert data[1]["case_uuid"] is None

    geo = json.loads(content(anon_client.get("/datos/eventos.geojson")))
    assert geo["type"] == "FeatureCollection"
    assert [f["properties"]["event_id_cnty"] for f in geo["features"]] == expected
    assert geo["features"][0]["geometry"] == {"type": "Point", "coordinates": [-77.5, -9.5]}
    # No point of its own: the district's centroid.
    assert geo["features"][1]["geometry"]["type"] == "Point"

    response = anon_client.get("/datos/eventos.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 3
    assert [row[0] for row in values[1:]] == expected
    for row in values:
        for secret in SECRETS:
            assert all(secret not in str(v) for v in row)

    cases = json.loads(content(anon_client.get("/datos/casos.geojson")))
    assert len(cases["features"]) == 2
    for feature in cases["features"]:
        assert feature["geometry"]["type"] == "Point"
        assert "DESCRIPCION-SECRETA" not in json.dumps(feature)


def test_dictionary_downloads(anon_client):
    response = anon_client.get("/datos/diccionario.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    events = [r for r in rows if r["dataset"] == "events"]
    assert len(events) == len(EVENT_COLUMNS)
    assert {r["hxl"] for r in events if r["column"] == "fatalities"} == {"#affected+killed"}
    data = json.loads(anon_client.get("/datos/diccionario.json").content)
    assert len(data) == len(rows)


# --- filters -------------------------------------------------------------------------------------


def test_filters_are_honoured(anon_client, registry):
    def count(path: str) -> int:
        return len(csv_rows(anon_client.get(path)))

    assert count("/datos/eventos.csv?event_type=Riots") == 1
    assert count("/datos/eventos.csv?institution=onds") == 1
    assert count("/datos/eventos.csv?department=020000") == 1
    assert count("/datos/eventos.csv?department=080000") == 1
    assert count("/datos/eventos.csv?department=150000") == 0
    assert count("/datos/eventos.csv?date_from=2025-05-01") == 1
    assert count("/datos/eventos.csv?date_to=2025-05-01") == 1
    assert count("/datos/eventos.csv?typology=socioambiental") == 1  # caseless has none
    assert count("/datos/casos.csv?department=080000") == 1
    assert count("/datos/casos.csv?institution=defensoria") == 1
    assert count("/datos/casos.csv?state=latent") == 0
    assert count("/datos/casos.csv?state=draft") == 0  # never public


@pytest.mark.parametrize(
    "query",
    [
        "state=abierto",
        "department=999999",
        "typology=inexistente",
        "institution=nadie",
        "event_type=Fiesta",
        "date_from=2025-13-01",
        "date_from=2025-06-01&date_to=2025-01-01",
        "hxl=si",
    ],
)
def test_bad_filters_answer_400(anon_client, analyst_client, query):
    page = anon_client.get(f"/datos/eventos.csv?{query}")
    assert page.status_code == 400
    assert "revise los filtros" in page.content.decode()
    response = api(analyst_client, f"events.csv?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert len(body["errors"]) == 1


def test_unknown_dataset_or_format_is_404(anon_client, analyst_client):
    assert anon_client.get("/datos/victimas.csv").status_code == 404
    assert anon_client.get("/datos/eventos.pdf").status_code == 404
    assert anon_client.get("/datos/diccionario.xml").status_code == 404
    assert api(analyst_client, "victims.csv").status_code == 404
    assert api(analyst_client, "events.pdf").status_code == 404


def test_xlsx_above_its_limit_is_refused_with_a_message(anon_client, registry, settings):
    settings.WILLAQ_XLSX_MAX_ROWS = 1
    response = anon_client.get("/datos/eventos.xlsx")
    assert response.status_code == 400
    assert "CSV" in response.content.decode()


# --- the API: the user's own institution's private records ------------------------------------


def test_api_needs_a_signed_in_user(anon_client):
    assert api(anon_client, "events.csv").status_code == 401


def test_api_owner_sees_own_private_records(analyst_client, registry):
    cases = csv_rows(api(analyst_client, "cases.csv"))
    assert len(cases) == 3  # the two registered and the owner's draft
    by_uuid = {r["case_uuid"]: r for r in cases}
    assert by_uuid[str(registry["confidential"].uuid)]["description"] == "DESCRIPCION-SECRETA"
    assert by_uuid[str(registry["draft"].uuid)]["state"] == "draft"

    events = csv_rows(api(analyst_client, "events.csv"))
    assert len(events) == 3  # its draft's event too; never the removed one
    by_id = {r["event_id_cnty"]: r for r in events}
    own = by_id[f"PER-{registry['event'].uuid}"]
    assert (own["source"], own["notes"]) == ("FUENTE-SECRETA", "NOTA-SECRETA")
    assert own["reported_by"] == "Monitor de campo 7"
    theirs = by_id[f"PER-{registry['caseless'].uuid}"]
    assert (theirs["source"], theirs["notes"], theirs["reported_by"]) == ("", "", "")
    assert f"PER-{registry['removed'].uuid}" not in by_id


def test_api_other_institution_sees_only_its_own_private_records(outsider_client, registry):
    response = api(outsider_client, "cases.json")
    assert response["Content-Disposition"].endswith('.json"')
    cases = json.loads(content(response))
    assert len(cases) == 2
    by_uuid = {r["case_uuid"]: r for r in cases}
    assert by_uuid[str(registry["confidential"].uuid)]["description"] is None
    body = content(api(outsider_client, "events.csv")).decode()
    events = list(csv.DictReader(io.StringIO(body)))
    assert len(events) == 2
    by_id = {r["event_id_cnty"]: r for r in events}
    assert by_id[f"PER-{registry['caseless'].uuid}"]["notes"] == "NOTA-ONDS"
    assert by_id[f"PER-{registry['event'].uuid}"]["source"] == ""
    for secret in SECRETS:
        assert secret not in body
    geo = json.loads(content(api(outsider_client, "events.geojson")))
    assert len(geo["features"]) == 2
    assert "NOTA-SECRETA" not in json.dumps(geo)


def test_api_xlsx_and_hxl(analyst_client, registry):
    response = api(analyst_client, "cases.xlsx?hxl=1")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][0] == "#crisis+id"
    assert len(values) == 2 + 3


# --- the case-month panel on a hand-built history ----------------------------------------------

LIMA = dt.timezone(dt.timedelta(hours=-5))


def moment(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 12, tzinfo=LIMA)


@pytest.fixture
def panel_case(analyst, coordinator, owner_institution):
    """Active in Cusco from January 2025; latent from March 15; its principal place moved to
    Áncash on May 20; in July someone records that its typology changed on February 10."""
    with time_machine.travel(moment(2025, 1, 10), tick=False):
        case = services.create_case(
            user=analyst,
            institution=owner_institution,
            data={"name": "Caso panel", "start_date": dt.date(2025, 1, 5), "typology": "laboral"},
            places=[PlaceInput("080101", True)],
        )
        services.transition_case(user=analyst, case=case, name="submit")
        services.transition_case(user=coordinator, case=case, name="approve")
    with time_machine.travel(moment(2025, 3, 15), tick=False):
        services.change_phase(user=analyst, case=case, phase=Phase.ESCALATION)
    with time_machine.travel(moment(2025, 3, 16), tick=False):
        services.transition_case(user=coordinator, case=case, name="to_latent")
    with time_machine.travel(moment(2025, 5, 20), tick=False):
        services.update_case(user=analyst, case=case, data={}, places=[PlaceInput("021801", True)])
    with time_machine.travel(moment(2025, 7, 3), tick=False):
        services.update_case(
            user=analyst, case=case, data={"typology": "socioambiental"}, at=moment(2025, 2, 10)
        )
    return case


def test_panel_follows_effective_dates(anon_client, panel_case):
    with time_machine.travel(moment(2025, 8, 14), tick=False):
        rows = csv_rows(anon_client.get("/datos/casos-mes.csv"))
    assert [r["month"] for r in rows] == [
        "2025-01",
        "2025-02",
        "2025-03",
        "2025-04",
        "2025-05",
        "2025-06",
        "2025-07",
    ]
    assert {r["case_uuid"] for r in rows} == {str(panel_case.uuid)}
    by_month = {r["month"]: r for r in rows}
    assert by_month["2025-01"]["month_end"] == "2025-01-31"
    assert [by_month[m]["state"] for m in ("2025-01", "2025-02", "2025-03", "2025-07")] == [
        "active",
        "active",
        "latent",
        "latent",
    ]
    assert by_month["2025-02"]["phase"] == "early"
    assert by_month["2025-03"]["phase"] == ""
    # The back-dated typology: January before it, February onwards after it.
    assert by_month["2025-01"]["typology"] == "laboral"
    assert [by_month[m]["typology"] for m in ("2025-02", "2025-04", "2025-07")] == [
        "socioambiental"
    ] * 3
    assert [by_month[m]["department"] for m in ("2025-04", "2025-05", "2025-06")] == [
        "Cusco",
        "Áncash",
        "Áncash",
    ]
    assert by_month["2025-04"]["district_code"] == "080101"
    assert by_month["2025-05"]["province"] == "Santa"


def test_panel_filters_compare_each_month(anon_client, panel_case):
    with time_machine.travel(moment(2025, 8, 14), tick=False):
        latent = csv_rows(anon_client.get("/datos/casos-mes.csv?state=latent"))
        ancash = csv_rows(anon_client.get("/datos/casos-mes.csv?department=020000"))
        period = csv_rows(
            anon_client.get("/datos/casos-mes.csv?date_from=2025-03-01&date_to=2025-04-30")
        )
    assert len(latent) == 5
    assert len(ancash) == 3
    assert [r["month"] for r in period] == ["2025-03", "2025-04"]


def test_panel_hides_draft_months_from_the_public(anon_client, analyst_client, analyst):
    with time_machine.travel(moment(2025, 1, 10), tick=False):
        case = services.create_case(
            user=analyst,
            institution=analyst.memberships.first().institution,
            data={"name": "Borrador", "start_date": dt.date(2025, 1, 5), "typology": "laboral"},
            places=[PlaceInput("080101", True)],
        )
    with time_machine.travel(moment(2025, 3, 2), tick=False):
        public = csv_rows(anon_client.get("/datos/casos-mes.csv"))
        own = csv_rows(api(analyst_client, "case-months.csv"))
    assert len(public) == 0
    assert [(r["case_uuid"], r["state"]) for r in own] == [(str(case.uuid), "draft")] * 2


# --- scale: query counts and memory -------------------------------------------------------------


def test_query_count_does_not_grow_with_rows(
    anon_client, analyst_client, owner_institution, django_assert_max_num_queries
):
    def exports() -> None:
        for path in ("casos.csv", "eventos.csv", "casos-mes.csv", "eventos.geojson"):
            content(anon_client.get(f"/datos/{path}"))
        content(api(analyst_client, "events.csv"))
        content(api(analyst_client, "cases.json"))

    case = CaseFactory(institution=owner_institution)
    EventFactory(case=case)
    with django_assert_max_num_queries(80) as few:
        exports()
    for _ in range(20):
        more = CaseFactory(institution=owner_institution)
        EventFactory.create_batch(3, case=more)
    with django_assert_max_num_queries(len(few.captured_queries)):
        exports()


def test_open_data_is_linked_for_everyone(anon_client, analyst_client):
    login = anon_client.get("/cuentas/entrar/")
    assert login.status_code == 200
    assert login.content.decode().count('href="/datos/"') == 2  # the top bar and the page
    dashboard = analyst_client.get("/")
    assert dashboard.status_code == 200
    assert dashboard.content.decode().count('href="/datos/"') == 1


def test_csv_written_by_the_database_matches_the_rows(anon_client, analyst, registry):
    """On PostgreSQL the events' CSV is COPY of the rows' query; elsewhere (and for the other
    formats) the rows are written by Python: both give the same cells."""
    for user in (AnonymousUser(), analyst):
        lookups = Lookups.load()
        columns = DATASETS_BY_KEY["events"].columns_for(user)
        query = event_query(user, ExportFilters(), lookups)
        by_python = b"".join(csv_chunks(columns, event_rows(user, ExportFilters(), lookups)))
        rows = event_rows(user, ExportFilters(), lookups)
        response = export_response(columns, rows, "csv", "x.csv", query=query)
        served = b"".join(response)
        python_rows = list(csv.reader(io.StringIO(by_python.decode())))
        served_rows = list(csv.reader(io.StringIO(served.decode())))
        assert len(served_rows) == 1 + (2 if user.is_anonymous else 3)
        assert served_rows == python_rows


def test_xlsx_keeps_text_that_looks_like_a_formula_as_text(anon_client, owner_institution):
    CaseFactory(institution=owner_institution, name='=HYPERLINK("http://example.org","x")')
    response = anon_client.get("/datos/casos.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == 1
    name = rows[0][2]
    assert (name.value, name.data_type) == ('=HYPERLINK("http://example.org","x")', "s")

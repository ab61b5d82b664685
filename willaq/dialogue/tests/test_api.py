"""The dialogue API: spaces, sessions, actas and commitments under /api/v1/, with the personas of
two institutions (the convening insider, the seated debtor, the outsider not seated, and the
anonymous visitor who gets 401), every filter, the derived overdue state with time travel, the
writes through the services, the OpenAPI document and the query counts of the lists."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from willaq.accounts.models import User
from willaq.dialogue import access
from willaq.dialogue.choices import CommitmentState, SpaceKind
from willaq.dialogue.models import Commitment, CommitmentEvidence, DialogueSpace
from willaq.dialogue.services import commitments, spaces
from willaq.dialogue.tests.conftest import Roundtable
from willaq.testing.factories import CaseFactory

API = "/api/v1"
# 15 May 2026 (Lima): the water study (due 30 April, pending) is overdue; the rest are not.
MAY_15 = dt.datetime(2026, 5, 15, 17, 0, tzinfo=dt.UTC)


def items(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return list(body["items"])


def commitment_numbers(client: Client, query: str = "") -> list[int]:
    return [c["number"] for c in items(client.get(f"{API}/commitments{query}"))]


# --- personas -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/dialogue/spaces",
        "/dialogue/spaces/{space}",
        "/dialogue/sessions",
        "/dialogue/sessions/{session}",
        "/dialogue/actas",
        "/dialogue/actas/{acta}",
        "/commitments",
        "/commitments/{commitment}",
    ],
)
def test_anonymous_gets_401_on_every_read(roundtable: Roundtable, anon_client: Client, path: str):
    url = API + path.format(
        space=roundtable.space.uuid,
        session=roundtable.session.uuid,
        acta=roundtable.acta.uuid,
        commitment=roundtable.road.uuid,
    )
    response = anon_client.get(url)
    assert response.status_code == 401
    assert response.json()["detail"]


def test_anonymous_cannot_write(roundtable: Roundtable, anon_client: Client):
    url = f"{API}/commitments/{roundtable.road.uuid}"
    body = {"state": "in_progress", "progress": 10}
    assert anon_client.post(f"{url}/progress", body, content_type="application/json").status_code
    assert (
        anon_client.post(f"{url}/progress", body, content_type="application/json").status_code
        == 401
    )
    link = {"description": "Informe", "url": "https://example.org/x"}
    response = anon_client.post(f"{url}/evidence", link, content_type="application/json")
    assert response.status_code == 401
    assert Commitment.objects.get(pk=roundtable.road.pk).progress == 0


def test_insider_reads_the_space_with_its_secrets(roundtable: Roundtable, analyst_client: Client):
    space = roundtable.space
    body = analyst_client.get(f"{API}/dialogue/spaces/{space.uuid}").json()
    assert body["uuid"] == str(space.uuid)
    assert body["institution"] == "defensoria"
    assert body["internal_notes"] == "La comunidad desconfía del gerente regional."
    assert body["ical_url"] == f"http://testserver/dialogo/ical/espacio/{space.ical_secret}.ics"
    assert body["public_url"] is None
    assert body["url"] == f"http://testserver/dialogo/{space.uuid}/"
    assert body["place"] == "030506"
    assert body["department"] == "03"
    assert body["cases"] == [str(roundtable.case.uuid)]
    assert len(body["participants"]) == 4
    gore = next(p for p in body["participants"] if p["institution"] == "gore-apurimac")
    assert gore["representative"] == "Gerente de Infraestructura"


@pytest.fixture(autouse=True)
def _base_url(settings: Any) -> None:
    settings.WILLAQ_BASE_URL = "http://testserver"


def test_debtor_is_an_insider_too(roundtable: Roundtable, debtor_client: Client):
    body = debtor_client.get(f"{API}/dialogue/spaces/{roundtable.space.uuid}").json()
    assert body["internal_notes"]
    assert body["ical_url"].endswith(f"{roundtable.space.ical_secret}.ics")


def test_outsider_reads_the_space_without_confidential_fields(
    roundtable: Roundtable, outsider_client: Client
):
    space = roundtable.space
    body = outsider_client.get(f"{API}/dialogue/spaces/{space.uuid}").json()
    assert body["name"] == space.name
    assert body["internal_notes"] is None
    assert body["ical_url"] is None
    assert all(p["representative"] is None for p in body["participants"])
    assert len(body["participants"]) == 4
    assert space.ical_secret not in str(body)
    listed = items(outsider_client.get(f"{API}/dialogue/spaces"))
    assert len(listed) == 1
    assert listed[0]["internal_notes"] is None
    assert listed[0]["ical_url"] is None


def test_public_space_has_its_public_url(roundtable: Roundtable, coordinator: User, anon_client):
    spaces.set_space_public(coordinator, roundtable.space, True)
    body = Client()
    body.force_login(coordinator)
    data = body.get(f"{API}/dialogue/spaces/{roundtable.space.uuid}").json()
    assert data["public_url"] == f"http://testserver/dialogo/publico/{roundtable.space.uuid}/"


def test_session_minutes_only_for_insiders(
    roundtable: Roundtable, analyst_client: Client, outsider_client: Client
):
    url = f"{API}/dialogue/sessions/{roundtable.session.uuid}"
    mine = analyst_client.get(url).json()
    assert mine["minutes"] == "Se acordó el mantenimiento de la vía y el agua."
    assert mine["acta"] == str(roundtable.acta.uuid)
    assert mine["space"] == str(roundtable.space.uuid)
    theirs = outsider_client.get(url).json()
    assert theirs["minutes"] is None
    assert theirs["place"] == "Challhuahuacho"
    listed = items(outsider_client.get(f"{API}/dialogue/sessions"))
    assert len(listed) == 1
    assert listed[0]["minutes"] is None


def test_acta_lists_signatories_and_commitments(roundtable: Roundtable, outsider_client: Client):
    body = outsider_client.get(f"{API}/dialogue/actas/{roundtable.acta.uuid}").json()
    assert body["title"] == "Acta de la primera sesión"
    assert body["signed_on"] == "2026-03-10"
    assert len(body["signatories"]) == 4
    assert len(body["commitments"]) == 3
    assert len(items(outsider_client.get(f"{API}/dialogue/actas"))) == 1


def test_commitment_fields(roundtable: Roundtable, analyst_client: Client, outsider_client):
    Commitment.objects.filter(pk=roundtable.road.pk).update(internal_notes="Falta expediente")
    url = f"{API}/commitments/{roundtable.road.uuid}"
    with time_machine.travel(MAY_15, tick=False):
        body = analyst_client.get(url).json()
        theirs = outsider_client.get(url).json()
    assert body["due_date"] == "2026-06-30"
    assert body["state"] == "pending"
    assert body["overdue"] is False
    assert body["progress"] == 0
    assert Decimal(body["amount"]) == Decimal("1200000")
    assert body["funding_source"] == "state"
    assert body["space"] == str(roundtable.space.uuid)
    assert body["acta"] == str(roundtable.acta.uuid)
    assert [p["uuid"] for p in body["responsible"]] == [str(roundtable.gore.uuid)]
    assert body["responsible"][0]["institution"] == "gore-apurimac"
    assert body["internal_notes"] == "Falta expediente"
    assert theirs["internal_notes"] is None
    assert Decimal(theirs["amount"]) == Decimal("1200000")


def test_unknown_or_garbage_uuids_answer_404(roundtable: Roundtable, analyst_client: Client):
    stranger = "00000000-0000-4000-8000-000000000000"
    for path in ("dialogue/spaces", "dialogue/sessions", "dialogue/actas", "commitments"):
        assert analyst_client.get(f"{API}/{path}/{stranger}").status_code == 404


# --- filters ------------------------------------------------------------------------------------


def test_commitment_filters_each_one(
    roundtable: Roundtable, analyst_client: Client, owner_institution
):
    # road 1 (gore, 30 Jun), water 2 (company, 30 Apr), school 3 (gore + company, 30 Sep).
    assert commitment_numbers(analyst_client) == [2, 1, 3]
    assert commitment_numbers(analyst_client, "?responsible=gore-apurimac") == [1, 3]
    company = roundtable.company.uuid
    assert commitment_numbers(analyst_client, f"?responsible={company}") == [2, 3]
    assert commitment_numbers(analyst_client, f"?case={roundtable.case.uuid}") == [2, 1, 3]
    other_case = CaseFactory(institution=owner_institution)
    assert commitment_numbers(analyst_client, f"?case={other_case.uuid}") == []
    assert commitment_numbers(analyst_client, "?department=03") == [2, 1, 3]
    assert commitment_numbers(analyst_client, "?department=15") == []
    assert commitment_numbers(analyst_client, "?due_before=2026-06-30") == [2, 1]
    assert commitment_numbers(analyst_client, "?due_after=2026-06-30") == [1, 3]
    assert commitment_numbers(analyst_client, "?due_after=2026-05-01&due_before=2026-07-01") == [1]
    assert commitment_numbers(analyst_client, "?state=pending") == [2, 1, 3]
    assert commitment_numbers(analyst_client, "?state=fulfilled") == []


def test_overdue_filter_follows_the_clock(roundtable: Roundtable, analyst_client: Client):
    with time_machine.travel(dt.datetime(2026, 4, 30, 23, 0, tzinfo=dt.UTC), tick=False):
        # 30 April, 18:00 in Lima: due today, not yet overdue.
        assert commitment_numbers(analyst_client, "?overdue=true") == []
    with time_machine.travel(MAY_15, tick=False):
        assert commitment_numbers(analyst_client, "?overdue=true") == [2]
        assert commitment_numbers(analyst_client, "?overdue=false") == [1, 3]
        body = items(analyst_client.get(f"{API}/commitments"))
        assert [c["overdue"] for c in body] == [True, False, False]
    with time_machine.travel(dt.datetime(2026, 10, 1, 17, 0, tzinfo=dt.UTC), tick=False):
        assert commitment_numbers(analyst_client, "?overdue=true") == [2, 1, 3]


def test_space_filters_each_one(
    roundtable: Roundtable,
    analyst_client: Client,
    coordinator: User,
    owner_institution,
    other_institution,
):
    with time_machine.travel(dt.datetime(2026, 3, 12, 12, 0, tzinfo=dt.UTC), tick=False):
        spaces.convene_space(
            coordinator,
            owner_institution,
            spaces.SpaceInput(
                kind=SpaceKind.TECHNICAL_TABLE,
                name="Mesa técnica del agua de Lima",
                start_date=dt.date(2026, 1, 5),
                planned_end_date=dt.date(2026, 6, 30),
                place="150101",
            ),
        )

    def names(query: str) -> list[str]:
        return [s["name"] for s in items(analyst_client.get(f"{API}/dialogue/spaces{query}"))]

    assert len(names("")) == 2
    assert names("?kind=technical_table") == ["Mesa técnica del agua de Lima"]
    assert names("?kind=development_table") == ["Mesa de desarrollo de Challhuahuacho"]
    assert names("?state=convened") == ["Mesa técnica del agua de Lima"]
    assert names("?state=in_session") == ["Mesa de desarrollo de Challhuahuacho"]
    assert names("?state=concluded") == []
    assert len(names("?institution=defensoria")) == 2
    assert names("?institution=onds") == []
    assert names("?department=15") == ["Mesa técnica del agua de Lima"]
    assert names(f"?case={roundtable.case.uuid}") == ["Mesa de desarrollo de Challhuahuacho"]


def test_session_filters(roundtable: Roundtable, analyst_client: Client):
    def count(query: str) -> int:
        return len(items(analyst_client.get(f"{API}/dialogue/sessions{query}")))

    assert count(f"?space={roundtable.space.uuid}") == 1
    assert count("?from=2026-03-10&to=2026-03-10") == 1
    assert count("?from=2026-03-11") == 0
    assert count("?to=2026-03-09") == 0
    assert len(items(analyst_client.get(f"{API}/dialogue/actas?space={roundtable.space.uuid}")))


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("/commitments?state=late", "state"),
        ("/commitments?overdue=maybe", "overdue"),
        ("/commitments?responsible=nadie", "responsible"),
        ("/commitments?responsible=00000000-0000-4000-8000-000000000000", "responsible"),
        ("/commitments?case=00000000-0000-4000-8000-000000000000", "case"),
        ("/commitments?case=x", "case"),
        ("/commitments?department=99", "department"),
        ("/commitments?department=150101", "department"),
        ("/commitments?due_before=2026-13-01", "due_before"),
        ("/commitments?due_after=2026-07-01&due_before=2026-06-01", "due_after"),
        ("/dialogue/spaces?kind=mesa", "kind"),
        ("/dialogue/spaces?state=x", "state"),
        ("/dialogue/spaces?institution=nadie", "institution"),
        ("/dialogue/spaces?department=x", "department"),
        ("/dialogue/spaces?case=00000000-0000-4000-8000-000000000000", "case"),
        ("/dialogue/sessions?space=00000000-0000-4000-8000-000000000000", "space"),
        ("/dialogue/sessions?from=ayer", "from"),
        ("/dialogue/actas?space=x", "space"),
    ],
)
def test_unknown_filter_values_answer_422_in_spanish(
    roundtable: Roundtable, analyst_client: Client, query: str, field: str
):
    response = analyst_client.get(API + query)
    assert response.status_code == 422, response.content
    body = response.json()
    assert field in body["errors"], body
    assert any(w in body["detail"] for w in ("no son válidos", "no es válida")), body


# --- writes -------------------------------------------------------------------------------------


def test_debtor_reports_progress(roundtable: Roundtable, debtor_client: Client):
    url = f"{API}/commitments/{roundtable.road.uuid}/progress"
    body = {"state": "in_progress", "progress": 40, "note": "Expediente técnico aprobado"}
    response = debtor_client.post(url, body, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["progress"] == 40
    assert response.json()["state"] == "in_progress"
    roundtable.road.refresh_from_db()
    assert roundtable.road.progress == 40


def test_outsider_cannot_report_progress_nor_add_evidence(
    roundtable: Roundtable, outsider_client: Client
):
    url = f"{API}/commitments/{roundtable.road.uuid}"
    response = outsider_client.post(
        f"{url}/progress", {"state": "in_progress", "progress": 10}, "application/json"
    )
    assert response.status_code == 403
    response = outsider_client.post(
        f"{url}/evidence",
        {"description": "Informe", "url": "https://example.org/informe.pdf"},
        "application/json",
    )
    assert response.status_code == 403
    assert CommitmentEvidence.objects.count() == 0


def test_debtor_cannot_report_on_what_it_does_not_owe(
    roundtable: Roundtable, debtor_client: Client
):
    url = f"{API}/commitments/{roundtable.water.uuid}/progress"
    response = debtor_client.post(url, {"state": "in_progress", "progress": 5}, "application/json")
    assert response.status_code == 403


def test_progress_errors_name_the_field(roundtable: Roundtable, debtor_client: Client):
    url = f"{API}/commitments/{roundtable.road.uuid}/progress"
    response = debtor_client.post(url, {"state": "fulfilled", "progress": 100}, "application/json")
    assert response.status_code == 422
    assert "state" in response.json()["errors"]
    response = debtor_client.post(url, {"state": "pending", "progress": 101}, "application/json")
    assert response.status_code == 422
    assert "progress" in response.json()["errors"]
    response = debtor_client.post(url, {"state": "pending", "progress": 10}, "application/json")
    assert response.status_code == 422
    assert "progress" in response.json()["errors"]


def test_evidence_as_a_link_then_fulfilled(roundtable: Roundtable, debtor_client: Client):
    url = f"{API}/commitments/{roundtable.road.uuid}"
    response = debtor_client.post(
        f"{url}/evidence",
        {
            "description": "Acta de recepción de obra",
            "url": "https://example.org/recepcion.pdf",
            "amount_executed": "1000000.00",
        },
        "application/json",
    )
    assert response.status_code == 201, response.content
    evidence = response.json()
    assert evidence["url"] == "https://example.org/recepcion.pdf"
    assert evidence["has_file"] is False
    assert evidence["verified"] is False
    assert Decimal(evidence["amount_executed"]) == Decimal("1000000")
    response = debtor_client.post(
        f"{url}/progress", {"state": "fulfilled", "progress": 100}, "application/json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == CommitmentState.FULFILLED
    assert len(response.json()["evidence"]) == 1


def test_evidence_as_a_file(roundtable: Roundtable, debtor_client: Client):
    pdf = SimpleUploadedFile(
        "recepcion.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"
    )
    response = debtor_client.post(
        f"{API}/commitments/{roundtable.road.uuid}/evidence",
        {"description": "Acta escaneada", "file": pdf},
    )
    assert response.status_code == 201, response.content
    assert response.json()["has_file"] is True
    assert str(CommitmentEvidence.objects.get().file.name).endswith(".pdf")


def test_evidence_errors(roundtable: Roundtable, debtor_client: Client):
    url = f"{API}/commitments/{roundtable.road.uuid}/evidence"
    bad = debtor_client.post(url, {"description": "x", "url": "ftp://x"}, "application/json")
    assert bad.status_code == 422
    assert "url" in bad.json()["errors"]
    missing = debtor_client.post(url, {"description": "x"}, "application/json")
    assert missing.status_code == 422
    assert "url" in missing.json()["errors"]
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    upload = debtor_client.post(url, {"description": "x", "file": fake})
    assert upload.status_code == 422
    assert "file" in upload.json()["errors"]
    garbage = debtor_client.post(url, "{", "application/json")
    assert garbage.status_code == 422
    assert CommitmentEvidence.objects.count() == 0


def test_outsider_sees_evidence_without_who_added_it(
    roundtable: Roundtable, debtor_analyst: User, outsider_client: Client, analyst_client
):
    commitments.add_evidence(
        debtor_analyst,
        roundtable.road,
        commitments.EvidenceInput("Informe", url="https://example.org/informe"),
    )
    url = f"{API}/commitments/{roundtable.road.uuid}"
    theirs = outsider_client.get(url).json()["evidence"]
    assert len(theirs) == 1
    assert theirs[0]["added_by"] is None
    mine = analyst_client.get(url).json()["evidence"]
    assert mine[0]["added_by"] == "analista@goreapurimac.gob.pe"


# --- one rule -----------------------------------------------------------------------------------


def test_insider_flag_agrees_with_hidden_dialogue_fields(
    roundtable: Roundtable, analyst: User, debtor_analyst: User, outsider: User
):
    for user in (analyst, debtor_analyst, outsider):
        row = access.with_insider_flag(DialogueSpace.objects.all(), user, "pk").get()
        assert access.row_hidden_fields(row) == access.hidden_dialogue_fields(
            user, roundtable.space
        )


# --- query counts -------------------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_lists_do_not_grow_queries_with_rows(
    roundtable: Roundtable, coordinator: User, owner_institution, analyst_client: Client
):
    urls = [
        f"{API}/commitments",
        f"{API}/dialogue/spaces",
        f"{API}/dialogue/sessions",
        f"{API}/dialogue/actas",
    ]
    before = [_queries(analyst_client, url) for url in urls]
    with time_machine.travel(dt.datetime(2026, 3, 12, 12, 0, tzinfo=dt.UTC), tick=False):
        for n in range(4):
            commitments.add_commitment(
                coordinator,
                roundtable.acta,
                commitments.CommitmentInput(
                    description=f"Compromiso {n}",
                    due_date=dt.date(2026, 8, 1),
                    responsible=[str(roundtable.gore.uuid), str(roundtable.community.uuid)],
                ),
            )
            commitments.add_evidence(
                coordinator,
                roundtable.road,
                commitments.EvidenceInput(f"Foto {n}", url="https://example.org/foto"),
            )
            spaces.convene_space(
                coordinator,
                owner_institution,
                spaces.SpaceInput(
                    kind=SpaceKind.WORKING_GROUP,
                    name=f"Grupo {n}",
                    start_date=dt.date(2026, 1, 5),
                    planned_end_date=dt.date(2026, 6, 30),
                    place="030506",
                    cases=[str(roundtable.case.uuid)],
                ),
            )
    after = [_queries(analyst_client, url) for url in urls]
    assert after == before
    assert before[0] <= 12


# --- OpenAPI ------------------------------------------------------------------------------------


def test_openapi_documents_every_path_and_error(anon_client: Client):
    schema = anon_client.get(f"{API}/openapi.json").json()
    expected = {
        ("get", f"{API}/dialogue/spaces"),
        ("get", f"{API}/dialogue/spaces/{{space_uuid}}"),
        ("get", f"{API}/dialogue/sessions"),
        ("get", f"{API}/dialogue/sessions/{{session_uuid}}"),
        ("get", f"{API}/dialogue/actas"),
        ("get", f"{API}/dialogue/actas/{{acta_uuid}}"),
        ("get", f"{API}/commitments"),
        ("get", f"{API}/commitments/{{commitment_uuid}}"),
        ("post", f"{API}/commitments/{{commitment_uuid}}/progress"),
        ("post", f"{API}/commitments/{{commitment_uuid}}/evidence"),
    }
    found = {
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if path.startswith((f"{API}/dialogue/", f"{API}/commitments"))
    }
    assert found == expected
    for method, path in expected:
        codes = {int(c) for c in schema["paths"][path][method]["responses"]}
        assert {400, 401, 422} <= codes, (method, path)
        if "{" in path:
            assert 404 in codes
        if method == "post":
            assert 403 in codes
    evidence = schema["paths"][f"{API}/commitments/{{commitment_uuid}}/evidence"]["post"]
    assert set(evidence["requestBody"]["content"]) == {
        "application/json",
        "multipart/form-data",
    }
    params = schema["paths"][f"{API}/commitments"]["get"]["parameters"]
    names = {p["name"] for p in params}
    assert names >= {
        "state",
        "overdue",
        "responsible",
        "case",
        "department",
        "due_before",
        "due_after",
        "limit",
        "offset",
    }


HOSTILE: list[Any] = [None, "", "x" * 1000, "\x00", -1, 10**30, 1.5, True, [], {}, "0001-01-01"]


@pytest.mark.parametrize("name", ["progress", "evidence"])
def test_hostile_bodies_get_a_documented_answer(
    roundtable: Roundtable, debtor_client: Client, name: str
):
    url = f"{API}/commitments/{roundtable.road.uuid}/{name}"
    good: dict[str, Any] = (
        {"state": "in_progress", "progress": 10}
        if name == "progress"
        else {"description": "Informe", "url": "https://example.org/i"}
    )
    for prop in [*good, "unknown"]:
        for value in HOSTILE:
            response = debtor_client.post(url, good | {prop: value}, "application/json")
            assert response.status_code in (200, 201, 422), (prop, value, response.content)
            if response.status_code == 422:
                assert response.json()["errors"]
            else:  # a value that is valid after all (a text "0001-01-01" as description)
                assert isinstance(value, str)
    for raw in ("{", "[]", '"x"', "null", b"\xff\xfe"):
        response = debtor_client.post(url, raw, "application/json")
        assert response.status_code == 422, (raw, response.content)
    roundtable.road.refresh_from_db()
    assert roundtable.road.progress in (0, 10)

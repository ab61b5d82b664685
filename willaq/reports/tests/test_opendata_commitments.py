"""The commitments open-data set: /datos/compromisos.{csv,xlsx,json,geojson} (public spaces only,
no confidential field) and GET /api/v1/reports/exports/commitments.{fmt} (every visible
commitment, internal notes only for the space's insiders). Each file is parsed back."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from willaq.accounts.models import Institution, User
from willaq.dialogue.choices import SpaceKind
from willaq.dialogue.models import Commitment, DialogueSpace
from willaq.dialogue.services import commitments, sessions, spaces
from willaq.dialogue.tests.conftest import (  # noqa: F401 — fixtures
    Roundtable,
    debtor_analyst,
    debtor_client,
    debtor_institution,
    roundtable,
)
from willaq.reports.opendata import COMMITMENT_COLUMNS, DATASETS_BY_KEY

SECRETS = (
    "NOTA-INTERNA",
    "desconfía",
    "Gerente de Infraestructura",
    "Se acordó",
    "ESPACIO-PRIVADO",
    "Presidente comunal",
)
PUBLIC_COLUMNS = [c.name for c in COMMITMENT_COLUMNS if not c.private]


def content(response: Any) -> bytes:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, content(response)[:500]
    return list(csv.DictReader(io.StringIO(content(response).decode())))


@pytest.fixture
def published(
    roundtable: Roundtable,  # noqa: F811
    coordinator: User,
    owner_institution: Institution,
) -> dict[str, Any]:
    """The roundtable made public, with internal notes; and a private space with one
    commitment whose every word is secret."""
    spaces.set_space_public(coordinator, roundtable.space, True)
    Commitment.objects.filter(pk=roundtable.road.pk).update(internal_notes="NOTA-INTERNA")
    with time_machine.travel(dt.datetime(2026, 3, 12, 12, 0, tzinfo=dt.UTC), tick=False):
        private = spaces.convene_space(
            coordinator,
            owner_institution,
            spaces.SpaceInput(
                kind=SpaceKind.DIALOGUE_TABLE,
                name="ESPACIO-PRIVADO",
                start_date=dt.date(2026, 3, 2),
                planned_end_date=dt.date(2026, 12, 31),
            ),
        )
        convener = private.participants.get()
        session = sessions.schedule_session(
            coordinator,
            private,
            sessions.SessionInput(starts_at=dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)),
        )
        acta = sessions.sign_acta(
            coordinator,
            session,
            sessions.ActaInput(
                title="ESPACIO-PRIVADO acta",
                signed_on=dt.date(2026, 3, 10),
                signatories=[str(convener.uuid)],
            ),
        )
        hidden = commitments.add_commitment(
            coordinator,
            acta,
            commitments.CommitmentInput(
                description="ESPACIO-PRIVADO compromiso",
                due_date=dt.date(2026, 5, 1),
                responsible=[str(convener.uuid)],
            ),
        )
    return {"roundtable": roundtable, "private": private, "hidden": hidden}


def test_the_dataset_is_listed_with_its_dictionary(anon_client: Client, published):
    text = anon_client.get("/datos/").content.decode()
    assert "/datos/compromisos.csv" in text
    assert "commitment_uuid" in text
    assert "<code>internal_notes</code>" not in text
    dictionary = json.loads(anon_client.get("/datos/diccionario.json").content)
    names = [e["column"] for e in dictionary if e["dataset"] == "commitments"]
    assert names == [c.name for c in COMMITMENT_COLUMNS]
    assert DATASETS_BY_KEY["commitments"].available


def test_public_csv_only_public_spaces_and_no_confidential_field(anon_client: Client, published):
    mesa = published["roundtable"]
    with time_machine.travel(dt.datetime(2026, 5, 15, 17, 0, tzinfo=dt.UTC), tick=False):
        # The file streams: read it on the same day.
        body = content(anon_client.get("/datos/compromisos.csv")).decode()
    for secret in SECRETS:
        assert secret not in body
    found = list(csv.DictReader(io.StringIO(body)))
    assert len(found) == 3
    assert list(found[0]) == PUBLIC_COLUMNS
    assert [r["commitment_uuid"] for r in found] == [
        str(c.uuid) for c in (mesa.road, mesa.water, mesa.school)
    ]
    road, water, school = found
    assert road["due_date"] == "2026-06-30"
    assert road["overdue"] == "false"
    assert water["overdue"] == "true"
    assert Decimal(road["amount"]) == Decimal("1200000")
    assert road["funding_source"] == "state"
    assert road["responsible"] == "Gobierno Regional de Apurímac"
    assert road["responsible_institutions"] == "gore-apurimac"
    assert school["responsible_institutions"] == "gore-apurimac"
    assert road["space_uuid"] == str(mesa.space.uuid)
    assert road["institution"] == "defensoria"
    assert road["ubigeo"] == "030506"
    assert road["department"] == "Apurímac"
    assert road["latitude"]
    assert road["case_uuids"] == str(mesa.case.uuid)
    assert road["amount_verified"] == ""
    assert road["evidence_count"] == "0"


def test_a_private_space_is_not_in_the_public_file(anon_client: Client, roundtable):  # noqa: F811
    assert not roundtable.space.is_public
    assert rows(anon_client.get("/datos/compromisos.csv")) == []


def test_public_formats_parse_back(anon_client: Client, published):
    mesa = published["roundtable"]
    data = json.loads(content(anon_client.get("/datos/compromisos.json")))
    assert len(data) == 3
    assert "internal_notes" not in data[0]
    assert data[0]["amount"] in ("1200000.00", 1200000.0, "1200000")
    geo = json.loads(content(anon_client.get("/datos/compromisos.geojson")))
    assert len(geo["features"]) == 3
    point = geo["features"][0]["geometry"]
    assert point["type"] == "Point"
    assert len(point["coordinates"]) == 2
    response = anon_client.get("/datos/compromisos.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(content(response)), read_only=True).active
    assert sheet is not None
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[0]) == PUBLIC_COLUMNS
    assert len(table) == 4
    assert table[1][0] == str(mesa.road.uuid)
    for row in table:
        for secret in SECRETS:
            assert all(secret not in str(v) for v in row)


def test_public_filters(anon_client: Client, published, other_institution: Institution):
    assert len(rows(anon_client.get("/datos/compromisos.csv?date_to=2026-06-30"))) == 2
    assert len(rows(anon_client.get("/datos/compromisos.csv?date_from=2026-07-01"))) == 1
    assert len(rows(anon_client.get("/datos/compromisos.csv?department=030000"))) == 3
    assert len(rows(anon_client.get("/datos/compromisos.csv?department=150000"))) == 0
    assert len(rows(anon_client.get("/datos/compromisos.csv?institution=onds"))) == 0
    assert len(rows(anon_client.get("/datos/compromisos.csv?institution=defensoria"))) == 3
    assert anon_client.get("/datos/compromisos.csv?department=99").status_code == 400


def test_api_export_insider_gets_every_visible_commitment_with_notes(
    analyst_client: Client, published
):
    found = rows(analyst_client.get("/api/v1/reports/exports/commitments.csv"))
    assert len(found) == 4
    assert list(found[0]) == [c.name for c in COMMITMENT_COLUMNS]
    notes = [r["internal_notes"] for r in found]
    assert notes.count("NOTA-INTERNA") == 1
    assert "ESPACIO-PRIVADO compromiso" in [r["description"] for r in found]


def test_api_export_outsider_gets_no_confidential_value(outsider_client: Client, published):
    response = outsider_client.get("/api/v1/reports/exports/commitments.csv")
    found = rows(response)
    assert len(found) == 4  # every member reads every space...
    assert [r["internal_notes"] for r in found] == [""] * 4  # ...but no notes of others
    body = content(outsider_client.get("/api/v1/reports/exports/commitments.json")).decode()
    assert "NOTA-INTERNA" not in body


def test_api_export_debtor_is_an_insider(debtor_client: Client, published):  # noqa: F811
    found = rows(debtor_client.get("/api/v1/reports/exports/commitments.csv"))
    # Seated at the roundtable, not at the private table.
    assert [r["internal_notes"] for r in found].count("NOTA-INTERNA") == 1


def test_api_export_needs_login(anon_client: Client, published):
    assert anon_client.get("/api/v1/reports/exports/commitments.csv").status_code == 401


def test_rows_do_not_grow_queries(analyst_client: Client, published, coordinator: User):
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            content(analyst_client.get("/api/v1/reports/exports/commitments.csv"))
        return len(captured)

    before = count()
    mesa = published["roundtable"]
    with time_machine.travel(dt.datetime(2026, 3, 12, 12, 0, tzinfo=dt.UTC), tick=False):
        for n in range(5):
            commitments.add_commitment(
                coordinator,
                mesa.acta,
                commitments.CommitmentInput(
                    description=f"Otro {n}",
                    due_date=dt.date(2026, 8, 1),
                    responsible=[str(mesa.gore.uuid)],
                ),
            )
    assert count() == before
    assert DialogueSpace.objects.count() == 2

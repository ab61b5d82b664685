"""Every state change visible: its own line in the history, its reason on the case page and in
the API, to whoever sees the case (reasons are not confidential fields)."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import Institution, User
from willaq.cases import services
from willaq.cases.history import case_history
from willaq.cases.models import Case
from willaq.cases.services import PlaceInput

pytestmark = pytest.mark.django_db

LIMA = dt.timezone(dt.timedelta(hours=-5))


def _resolved_case(analyst: User, coordinator: User, institution: Institution) -> Case:
    with time_machine.travel(dt.datetime(2025, 1, 5, 10, tzinfo=LIMA), tick=False):
        case = services.create_case(
            user=analyst,
            institution=institution,
            data={
                "name": "Caso con motivos",
                "start_date": dt.date(2025, 1, 2),
                "typology": "socioambiental",
                "confidential_fields": ["description"],
                "description": "Secreto",
            },
            places=[PlaceInput("021801", True)],
        )
    with time_machine.travel(dt.datetime(2025, 1, 6, 10, tzinfo=LIMA), tick=False):
        services.transition_case(user=analyst, case=case, name="submit")
    with time_machine.travel(dt.datetime(2025, 1, 7, 10, tzinfo=LIMA), tick=False):
        services.transition_case(
            user=coordinator, case=case, name="return", reason="Faltan los actores"
        )
    with time_machine.travel(dt.datetime(2025, 1, 8, 10, tzinfo=LIMA), tick=False):
        services.transition_case(user=analyst, case=case, name="submit")
    with time_machine.travel(dt.datetime(2025, 1, 9, 10, tzinfo=LIMA), tick=False):
        services.transition_case(user=coordinator, case=case, name="approve")
    with time_machine.travel(dt.datetime(2025, 2, 1, 10, tzinfo=LIMA), tick=False):
        services.transition_case(
            user=coordinator, case=case, name="resolve", reason="Acta de acuerdos firmada"
        )
    case.refresh_from_db()
    return case


def test_each_state_change_has_its_own_history_line_with_reason(
    analyst: User, coordinator: User, outsider: User, owner_institution: Institution
) -> None:
    case = _resolved_case(analyst, coordinator, owner_institution)
    for reader in (analyst, outsider):
        lines = [e.what for e in case_history(case, reader)]
        assert len([w for w in lines if w.startswith("Propuesto para aprobación por")]) == 2
        assert f"Devuelto a borrador por {coordinator}: Faltan los actores" in lines
        assert len([w for w in lines if w.startswith("Aprobado como activo por")]) == 1
        assert f"Marcado como resuelto por {coordinator}: Acta de acuerdos firmada" in lines
        # The state changes no longer read as anonymous "Caso modificado" lines.
        assert "Caso modificado" not in lines
        assert len([w for w in lines if w == "Caso creado"]) == 1
    # The field changes of the approval (the code) stay under the approval's line.
    approval = next(e for e in case_history(case, analyst) if e.what.startswith("Aprobado"))
    assert [label for label, _old, new in approval.changes if new == case.code] == ["código"]


def test_case_page_shows_the_current_state_reason_to_every_reader(
    analyst: User,
    coordinator: User,
    owner_institution: Institution,
    analyst_client: Client,
    outsider_client: Client,
) -> None:
    case = _resolved_case(analyst, coordinator, owner_institution)
    url = reverse("cases:detail", kwargs={"case_uuid": case.uuid})
    for client in (analyst_client, outsider_client):
        html = client.get(url).content.decode()
        assert html.count("Acta de acuerdos firmada") == 2  # under the state, and in the history
        assert html.count("Faltan los actores") == 1  # the history only: no longer the state
        assert "Secreto" not in html or client is analyst_client


def test_api_case_detail_lists_transitions_with_reasons(
    analyst: User, coordinator: User, owner_institution: Institution, outsider_client: Client
) -> None:
    case = _resolved_case(analyst, coordinator, owner_institution)
    body = outsider_client.get(f"/api/v1/cases/{case.uuid}").json()
    kinds = [t["kind"] for t in body["transitions"]]
    assert kinds == ["created", "submitted", "returned", "submitted", "approved", "resolved"]
    returned = body["transitions"][2]
    assert (returned["from_state"], returned["to_state"]) == ("proposed", "draft")
    assert returned["reason"] == "Faltan los actores"
    assert returned["by"] == str(coordinator)
    assert body["transitions"][-1]["reason"] == "Acta de acuerdos firmada"

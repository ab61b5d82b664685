import datetime as dt

import pytest
from django.test import Client

from willaq.accounts.models import Institution, User
from willaq.cases.models import Case
from willaq.consultation.choices import STAGE_ORDER, Stage
from willaq.consultation.models import Agreement, ConsultationProcess
from willaq.consultation.services.agreements import AgreementInput, add_agreement
from willaq.consultation.services.processes import (
    ProcessInput,
    StageInput,
    open_process,
    record_stage,
)
from willaq.testing.factories import CaseFactory

START = dt.date(2024, 3, 1)


@pytest.fixture
def case(owner_institution: Institution) -> Case:
    return CaseFactory(institution=owner_institution, name="Conflicto del Lote 192")


@pytest.fixture
def process(analyst: User, case: Case) -> ConsultationProcess:
    process = open_process(
        analyst,
        ProcessInput(
            title="Consulta del Lote 192",
            measure_kind="administrative",
            measure_type="hydrocarbon_lot",
            peoples=["achuar", "kichwa"],
            localities=["160000"],
            cases=[str(case.uuid)],
            internal_notes="Nota reservada de la entidad",
        ),
    )
    for days, stage in enumerate(STAGE_ORDER[:6]):
        record_stage(
            analyst, process, StageInput(stage=stage, started_on=START + dt.timedelta(days))
        )
    add_agreement(
        analyst,
        process,
        AgreementInput(
            "Monitoreo ambiental participativo",
            "OEFA",
            dt.date(2024, 5, 1),
            internal_notes="Acuerdo: nota reservada",
        ),
    )
    return process


def test_pages_for_two_institutions(
    process: ConsultationProcess,
    analyst_client: Client,
    outsider_client: Client,
    anon_client: Client,
) -> None:
    url = f"/consulta-previa/{process.uuid}/"
    for path in ("/consulta-previa/", "/consulta-previa/tablero/", url):
        assert analyst_client.get(path).status_code == 200
        assert outsider_client.get(path).status_code == 200
        assert anon_client.get(path).status_code == 302
    own = analyst_client.get(url).content.decode()
    other = outsider_client.get(url).content.decode()
    assert "Nota reservada de la entidad" in own
    assert "Acuerdo: nota reservada" in own
    assert "Nota reservada" not in other
    assert "Acuerdo: nota reservada" not in other
    # The promoting institution's editors get the forms; the other institution does not.
    assert "Registrar la siguiente etapa" in own
    assert "Registrar la siguiente etapa" not in other
    assert "Vencido" in own
    # The case is the owner's, active: both institutions see it linked.
    assert "Conflicto del Lote 192" in other
    assert analyst_client.get("/consulta-previa/nuevo/").status_code == 200


def test_writes_are_for_the_promoting_institution(
    process: ConsultationProcess, analyst_client: Client, outsider_client: Client
) -> None:
    data = {"stage": Stage.DECISION, "started_on": "2024-04-01"}
    url = f"/consulta-previa/{process.uuid}/etapas/"
    assert outsider_client.post(url, data).status_code == 403
    agreement = Agreement.objects.get()
    follow = f"/consulta-previa/acuerdos/{agreement.uuid}/seguimiento/"
    assert outsider_client.post(follow, {"state": "fulfilled"}).status_code == 403
    assert analyst_client.post(follow, {"state": "fulfilled"}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.state == "fulfilled"
    # A stage dated before the previous one: refused with the reason, in Spanish.
    response = analyst_client.post(url, {"stage": Stage.DECISION, "started_on": "2024-02-01"})
    assert response.status_code == 422
    assert "antes que la anterior" in response.content.decode()
    assert analyst_client.post(url, data).status_code == 302
    process.refresh_from_db()
    assert process.current_stage == Stage.DECISION


def test_new_process_form(analyst_client: Client, outsider_client: Client, case: Case) -> None:
    data = {
        "title": "Reglamento de la Ley Forestal",
        "measure_kind": "legislative",
        "measure_type": "regulation",
        "peoples": ["awajun", "wampis"],
        "departments": ["010000"],
        "cases": str(case.uuid),
    }
    assert analyst_client.post("/consulta-previa/nuevo/", data).status_code == 302
    process = ConsultationProcess.objects.get()
    assert process.cases.count() == 1
    assert process.department_codes == "010000"
    response = analyst_client.post("/consulta-previa/nuevo/", {**data, "peoples": []})
    assert response.status_code == 200
    assert ConsultationProcess.objects.count() == 1


def test_new_process_links_cases_by_their_code(
    analyst_client: Client, case: Case, owner_institution: Institution
) -> None:
    """Cases are named as people know them (their code); a uuid still works; an unknown code
    and a case the user may not see (another institution's draft) are named in the error."""
    other = CaseFactory(name="Conflicto del Lote 95")
    draft = CaseFactory(state="draft", name="Borrador ajeno")
    data = {
        "title": "Reglamento de la Ley Forestal",
        "measure_kind": "legislative",
        "measure_type": "regulation",
        "peoples": ["awajun"],
        "departments": ["010000"],
    }
    refused = analyst_client.post(
        "/consulta-previa/nuevo/",
        {**data, "cases": f"{case.code}, 2099-9999, {draft.uuid}"},
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors["cases"] == [
        f"Casos desconocidos o que no puede ver: 2099-9999, {draft.uuid}."
    ]
    assert ConsultationProcess.objects.count() == 0
    response = analyst_client.post(
        "/consulta-previa/nuevo/",
        {**data, "cases": f" {case.code} ,{str(other.uuid).upper()}, {case.code}"},
    )
    assert response.status_code == 302
    process = ConsultationProcess.objects.get()
    assert process.cases.count() == 2
    assert set(process.cases.values_list("code", flat=True)) == {case.code, other.code}


def test_case_panel_both_ways(
    process: ConsultationProcess,
    case: Case,
    analyst_client: Client,
    outsider_client: Client,
    anon_client: Client,
) -> None:
    detail = analyst_client.get(f"/casos/{case.uuid}/")
    assert detail.status_code == 200
    assert f"/consulta-previa/casos/{case.uuid}/" in detail.content.decode()
    assert 'hx-trigger="load"' in detail.content.decode()
    panel = f"/consulta-previa/casos/{case.uuid}/"
    for client in (analyst_client, outsider_client):
        body = client.get(panel).content.decode()
        assert "Consulta del Lote 192" in body
    assert anon_client.get(panel).status_code == 404


def test_api_for_two_institutions(
    process: ConsultationProcess,
    case: Case,
    analyst_client: Client,
    outsider_client: Client,
    anon_client: Client,
) -> None:
    own = analyst_client.get("/api/v1/consultations")
    assert own.status_code == 200
    assert own.json()["count"] == 1
    item = own.json()["items"][0]
    assert item["internal_notes"] == "Nota reservada de la entidad"
    assert item["agreements"][0]["internal_notes"] == "Acuerdo: nota reservada"
    assert item["agreements"][0]["overdue"] is True
    assert len(item["stages"]) == 6
    assert item["cases"] == [str(case.uuid)]
    other = outsider_client.get("/api/v1/consultations").json()["items"][0]
    assert other["internal_notes"] == ""
    assert other["agreements"][0]["internal_notes"] == ""
    assert anon_client.get("/api/v1/consultations").status_code == 401
    detail = outsider_client.get(f"/api/v1/consultations/{process.uuid}")
    assert detail.status_code == 200
    assert detail.json()["internal_notes"] == ""
    missing = "/api/v1/consultations/00000000-0000-0000-0000-000000000000"
    assert analyst_client.get(missing).status_code == 404


def test_api_filters(process: ConsultationProcess, case: Case, analyst_client: Client) -> None:
    def count(**params: str) -> int:
        response = analyst_client.get("/api/v1/consultations", params)
        assert response.status_code == 200
        return int(response.json()["count"])

    assert count(stage="dialogue") == 1
    assert count(stage="decision") == 0
    assert count(department="160000") == 1
    assert count(department="010000") == 0
    assert count(people="achuar") == 1
    assert count(people="uro") == 0
    assert count(case=str(case.uuid)) == 1
    assert count(case="00000000-0000-0000-0000-000000000000") == 0
    assert analyst_client.get("/api/v1/consultations", {"stage": "x"}).status_code == 422


def test_openapi_documents_the_statuses(analyst_client: Client) -> None:
    schema = analyst_client.get("/api/v1/openapi.json").json()
    listed = schema["paths"]["/api/v1/consultations"]["get"]["responses"]
    assert sorted(listed) == ["200", "400", "401", "422"]
    one = schema["paths"]["/api/v1/consultations/{process_uuid}"]["get"]["responses"]
    assert sorted(one) == ["200", "400", "401", "404", "422"]

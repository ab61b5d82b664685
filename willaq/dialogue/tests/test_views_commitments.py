"""The commitment pages: the list (filters, derived "Vencido", due-soon highlight, query counts),
the clause form, the commitment's page (progress, evidence, verification, history) and the
evidence download.

Personas (``tests/conftest.py``): the convening institution's ``coordinator``, ``analyst`` and
``facilitator``; ``debtor_analyst`` of the regional government, seated and owing the road and the
school; ``outsider`` of another institution, not seated (reads, acts on nothing, sees no
confidential field); a user of no institution; the anonymous visitor.
"""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from willaq.accounts.models import User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.dialogue.choices import CommitmentState, FundingSource
from willaq.dialogue.models import Commitment, CommitmentEvidence
from willaq.dialogue.services import commitments as services
from willaq.dialogue.tests.conftest import Roundtable
from willaq.testing.factories import UserFactory

# 25 June 2026 in Lima: the water study (due 30 April) is overdue, the road (30 June) is due in
# five days, the school (30 September) is far off.
NOW = dt.datetime(2026, 6, 25, 15, 0, tzinfo=dt.UTC)
NOTES = "La comunidad desconfía del gerente regional."


@pytest.fixture(autouse=True)
def _june() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def facilitator_client(facilitator: User) -> Client:
    return client_of(facilitator)


@pytest.fixture
def stranger_client(db: None) -> Client:
    """A user of no institution: sees no space at all."""
    return client_of(UserFactory(email="nadie@example.pe"))


def page_of(commitment: Commitment) -> str:
    return reverse("dialogue:commitment", kwargs={"commitment_uuid": commitment.uuid})


def url(name: str, obj: Commitment | CommitmentEvidence) -> str:
    key = "evidence_uuid" if isinstance(obj, CommitmentEvidence) else "commitment_uuid"
    return reverse(f"dialogue:{name}", kwargs={key: obj.uuid})


def create_url(roundtable: Roundtable) -> str:
    return reverse("dialogue:commitment_create", kwargs={"acta_uuid": roundtable.acta.uuid})


def pdf(name: str = "informe.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 informe de obra", content_type="application/pdf")


# --- anonymous and strangers ----------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in(
    anon_client: Client, coordinator: User, roundtable: Roundtable
) -> None:
    evidence = services.add_evidence(
        coordinator,
        roundtable.road,
        services.EvidenceInput("Informe", file=pdf()),
    )
    urls = [
        reverse("dialogue:commitments"),
        reverse("dialogue:calendar"),
        page_of(roundtable.road),
        url("commitment_edit", roundtable.road),
        create_url(roundtable),
        url("commitment_evidence_file", evidence),
    ]
    for address in urls:
        response = anon_client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("accounts:login"))
    posts = [
        url("commitment_progress", roundtable.road),
        url("commitment_evidence_add", roundtable.road),
        url("commitment_evidence_verify", evidence),
    ]
    for address in posts:
        assert anon_client.post(address, {"state": "in_progress"}).status_code == 302
    assert CommitmentEvidence.objects.filter(verified_at__isnull=False).count() == 0


def test_a_user_of_no_institution_sees_no_commitment(
    stranger_client: Client, roundtable: Roundtable
) -> None:
    assert stranger_client.get(page_of(roundtable.road)).status_code == 404
    response = stranger_client.get(reverse("dialogue:commitments"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "Todavía no hay compromisos" in response.content.decode()


# --- the list -------------------------------------------------------------------------------------


def test_the_list_sorts_by_due_date_and_derives_overdue(
    outsider_client: Client, roundtable: Roundtable
) -> None:
    response = outsider_client.get(reverse("dialogue:commitments"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.commitment.pk for r in rows] == [
        roundtable.water.pk,
        roundtable.road.pk,
        roundtable.school.pk,
    ]
    assert [r.overdue for r in rows] == [True, False, False]
    assert [r.due_soon for r in rows] == [False, True, False]
    page = response.content.decode()
    assert page.count('<span class="badge badge-overdue">Vencido</span>') == 1
    assert page.count("commitment-due-soon") == 1
    assert page.count("Vence pronto") == 1
    # "Vencido" is derived, never a stored state.
    roundtable.water.refresh_from_db()
    assert roundtable.water.state == CommitmentState.PENDING


def test_a_commitment_past_due_but_fulfilled_is_not_overdue(
    coordinator: User, coordinator_client: Client, roundtable: Roundtable
) -> None:
    services.add_evidence(
        coordinator, roundtable.water, services.EvidenceInput("Estudio", url="https://x.pe/e")
    )
    services.report_progress(
        coordinator, roundtable.water, services.ProgressInput(CommitmentState.FULFILLED, 100)
    )
    response = coordinator_client.get(reverse("dialogue:commitments"), {"overdue": "si"})
    assert response.context["page"].paginator.count == 0
    assert "Ningún compromiso coincide" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": CommitmentState.PENDING}, 3),
        ({"state": CommitmentState.IN_PROGRESS}, 0),
        ({"overdue": "si"}, 1),
        ({"overdue": "no"}, 2),
        ({"due_before": "2026-06-30"}, 2),
        ({"due_after": "2026-06-30"}, 2),
        ({"due_after": "2026-05-01", "due_before": "2026-07-01"}, 1),
        ({"institution": "gore-apurimac"}, 2),
        ({"institution": "defensoria"}, 0),
        ({"state": "no-such-state"}, 3),  # an invalid filter is left out
    ],
)
def test_the_list_filters(
    analyst_client: Client, roundtable: Roundtable, params: dict[str, str], expected: int
) -> None:
    response = analyst_client.get(reverse("dialogue:commitments"), params)
    assert response.context["page"].paginator.count == expected


def test_the_list_filters_by_space_case_and_department(
    analyst_client: Client, roundtable: Roundtable
) -> None:
    address = reverse("dialogue:commitments")
    place = roundtable.space.place
    assert place is not None
    for params in (
        {"space": str(roundtable.space.uuid)},
        {"case": str(roundtable.case.uuid)},
        {"department": place.department_code},
        {"space": str(roundtable.space.uuid), "institution": "gore-apurimac"},
    ):
        count = analyst_client.get(address, params).context["page"].paginator.count
        assert count == (2 if "institution" in params else 3), params
    # Another department: nothing.
    assert (
        analyst_client.get(address, {"department": "150000"}).context["page"].paginator.count == 0
    )


def test_the_list_answers_htmx_with_the_rows_only(
    analyst_client: Client, roundtable: Roundtable
) -> None:
    response = analyst_client.get(reverse("dialogue:commitments"), HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert response.content.count(b"<tr class") == 3


def _list_queries(client: Client, **headers: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dialogue:commitments"), **headers)
    assert response.status_code == 200
    return len(queries)


def test_the_list_takes_the_same_queries_for_3_or_25_commitments(
    coordinator: User, coordinator_client: Client, roundtable: Roundtable
) -> None:
    few = _list_queries(coordinator_client)
    for number in range(22):
        services.add_commitment(
            coordinator,
            roundtable.acta,
            services.CommitmentInput(
                description=f"Cláusula adicional {number}",
                due_date=dt.date(2026, 7, 1) + dt.timedelta(days=number),
                responsible=[str(roundtable.gore.uuid), str(roundtable.community.uuid)],
            ),
        )
    many = _list_queries(coordinator_client)
    assert many == few
    # The rows alone (HTMX, without the menu of base.html): session, user, memberships; the
    # filter form's four choice lists; count, page, parties.
    assert _list_queries(coordinator_client, HTTP_HX_REQUEST="true") == 10


def test_the_list_paginates(
    coordinator: User, analyst_client: Client, roundtable: Roundtable
) -> None:
    for number in range(25):
        services.add_commitment(
            coordinator,
            roundtable.acta,
            services.CommitmentInput(
                description=f"Cláusula {number}",
                due_date=dt.date(2026, 8, 1),
                responsible=[str(roundtable.gore.uuid)],
            ),
        )
    first = analyst_client.get(reverse("dialogue:commitments"))
    assert len(first.context["rows"]) == 25
    assert 'rel="next"' in first.content.decode()
    second = analyst_client.get(reverse("dialogue:commitments"), {"page": 2})
    assert len(second.context["rows"]) == 3


# --- the clause: add and edit ---------------------------------------------------------------------


def clause(roundtable: Roundtable, **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "description": "Construcción del puesto de salud",
        "responsible": [str(roundtable.gore.uuid), str(roundtable.community.uuid)],
        "due_date": "2026-11-30",
        "amount": "450000",
        "funding_source": FundingSource.STATE,
        "weight": "1.5",
        "internal_notes": "Depende del presupuesto 2027.",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("persona", ["coordinator", "facilitator"])
def test_the_convening_team_adds_a_clause(
    request: pytest.FixtureRequest, persona: str, roundtable: Roundtable
) -> None:
    client = client_of(request.getfixturevalue(persona))
    page = client.get(create_url(roundtable))
    assert page.status_code == 200
    # The space's participants are the checkboxes.
    assert page.content.decode().count('type="checkbox" name="responsible"') == 4
    response = client.post(create_url(roundtable), clause(roundtable))
    commitment = Commitment.objects.get(description="Construcción del puesto de salud")
    assert response.status_code == 302
    assert response["Location"] == page_of(commitment)
    assert commitment.number == 4
    assert commitment.amount == Decimal("450000.00")
    assert commitment.responsible.count() == 2
    assert (
        AuditLog.objects.filter(
            event_type=AuditEvent.COMMITMENT_ADDED, target_id=str(commitment.uuid)
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        (
            {"due_date": "2026-03-01"},
            "due_date",
            "La fecha de vencimiento no puede ser anterior a la firma del acta (10/03/2026).",
        ),
        ({"amount": "-5"}, "amount", "El monto no puede ser negativo."),
        ({"weight": "0"}, "weight", "El peso debe ser mayor que cero."),
        ({"amount": "100", "funding_source": ""}, "funding_source", "Indique la fuente"),
        ({"responsible": []}, "responsible", "Este campo es obligatorio."),
    ],
)
def test_bad_clauses_are_refused_on_the_form(
    coordinator_client: Client,
    roundtable: Roundtable,
    extra: dict[str, object],
    field: str,
    message: str,
) -> None:
    response = coordinator_client.post(create_url(roundtable), clause(roundtable, **extra))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in response.content.decode()
    assert Commitment.objects.count() == 3


def test_a_party_from_another_space_is_not_a_choice(
    coordinator_client: Client, roundtable: Roundtable
) -> None:
    bogus = clause(roundtable, responsible=["5b0c7f43-2b44-4a8e-9a40-000000000000"])
    response = coordinator_client.post(create_url(roundtable), bogus)
    assert "responsible" in response.context["form"].errors
    assert Commitment.objects.count() == 3


@pytest.mark.parametrize("persona", ["debtor_analyst", "outsider"])
def test_others_may_not_add_nor_edit_clauses(
    request: pytest.FixtureRequest, persona: str, roundtable: Roundtable
) -> None:
    client = client_of(request.getfixturevalue(persona))
    assert client.get(create_url(roundtable)).status_code == 403
    assert client.post(create_url(roundtable), clause(roundtable)).status_code == 403
    edit = url("commitment_edit", roundtable.road)
    assert client.get(edit).status_code == 403
    assert client.post(edit, clause(roundtable)).status_code == 403
    assert Commitment.objects.count() == 3
    roundtable.road.refresh_from_db()
    assert roundtable.road.description == "Mantenimiento del corredor vial"
    page = client.get(page_of(roundtable.road)).content.decode()
    assert edit not in page


def test_the_coordinator_edits_a_clause(coordinator_client: Client, roundtable: Roundtable) -> None:
    edit = url("commitment_edit", roundtable.road)
    form = coordinator_client.get(edit).context["form"]
    assert form.initial["responsible"] == [str(roundtable.gore.uuid)]
    data = clause(roundtable, description="Mantenimiento y asfaltado del corredor vial")
    response = coordinator_client.post(edit, data)
    assert response.status_code == 302
    roundtable.road.refresh_from_db()
    assert roundtable.road.description == "Mantenimiento y asfaltado del corredor vial"
    assert roundtable.road.responsible.count() == 2
    assert roundtable.road.number == 1


# --- the commitment's page and its confidential fields --------------------------------------------


def test_the_page_shows_the_clause_to_an_insider(
    coordinator: User, coordinator_client: Client, roundtable: Roundtable
) -> None:
    services.update_commitment(
        coordinator,
        roundtable.road,
        services.CommitmentInput(
            description="Mantenimiento del corredor vial",
            due_date=dt.date(2026, 6, 30),
            responsible=[str(roundtable.gore.uuid)],
            amount=Decimal("1200000"),
            funding_source=FundingSource.STATE,
            weight=Decimal(2),
            internal_notes=NOTES,
        ),
    )
    page = coordinator_client.get(page_of(roundtable.road)).content.decode()
    assert page.count(NOTES) == 2  # the notes, and their change in the history
    assert "Gerente de Infraestructura" in page  # who represents the party
    assert "S/ 1,200,000.00" in page
    assert "Vence pronto" in page
    assert "en 5 días" in page
    assert page.count("<progress") == 1


def test_the_outsider_reads_but_sees_no_confidential_field(
    coordinator: User, debtor_analyst: User, outsider_client: Client, roundtable: Roundtable
) -> None:
    services.update_commitment(
        coordinator,
        roundtable.road,
        services.CommitmentInput(
            description="Mantenimiento del corredor vial",
            due_date=dt.date(2026, 6, 30),
            responsible=[str(roundtable.gore.uuid)],
            amount=Decimal("1200000"),
            funding_source=FundingSource.STATE,
            internal_notes=NOTES,
        ),
    )
    evidence = services.add_evidence(
        debtor_analyst,
        roundtable.road,
        services.EvidenceInput(
            "Valorización de obra", url="https://gore.pe/v1", amount_executed="1000"
        ),
    )
    services.verify_evidence(coordinator, evidence)
    services.report_progress(
        debtor_analyst,
        roundtable.road,
        services.ProgressInput(CommitmentState.IN_PROGRESS, 40, note="Obra iniciada en km 12"),
    )
    response = outsider_client.get(page_of(roundtable.road))
    assert response.status_code == 200
    page = response.content.decode()
    assert NOTES not in page
    assert "Notas internas" in page  # its change in the history, values withheld
    assert "Confidencial</del>" in page
    assert "Gerente de Infraestructura" not in page
    assert str(debtor_analyst) not in page  # who added the evidence
    assert str(coordinator) not in page  # who verified it, who changed the clause
    # What is not confidential is there: the evidence, its verification, the money, the note.
    assert "Valorización de obra" in page
    assert "Verificada</span>" in page
    assert "S/ 1,000.00" in page
    assert "Obra iniciada en km 12" in page
    # And no form to act.
    assert url("commitment_progress", roundtable.road) not in page
    assert url("commitment_evidence_add", roundtable.road) not in page
    # The redaction is the page's only: the stored objects keep their values.
    evidence.refresh_from_db()
    assert evidence.verified_by == coordinator


def test_the_history_names_who_changed_it_for_insiders(
    coordinator: User, debtor_analyst: User, debtor_client: Client, roundtable: Roundtable
) -> None:
    evidence = services.add_evidence(
        debtor_analyst, roundtable.road, services.EvidenceInput("Foto", url="https://gore.pe/f")
    )
    services.verify_evidence(coordinator, evidence)
    history = debtor_client.get(page_of(roundtable.road)).context["history"]
    whats = [e.what for e in history]
    assert whats.count("Evidencia añadida: Foto") == 1
    assert whats.count("Evidencia verificada: Foto") == 1
    assert whats.count("Compromiso registrado") == 1
    by_what = {e.what: e.who for e in history}
    assert by_what["Evidencia añadida: Foto"] == str(debtor_analyst)
    assert by_what["Evidencia verificada: Foto"] == str(coordinator)


# --- progress ------------------------------------------------------------------------------------


def test_the_debtor_reports_progress_on_what_it_owes(
    debtor_client: Client, roundtable: Roundtable
) -> None:
    response = debtor_client.post(
        url("commitment_progress", roundtable.road),
        {"state": CommitmentState.IN_PROGRESS, "progress": "35", "note": "Licitación adjudicada"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#avance")
    roundtable.road.refresh_from_db()
    assert (roundtable.road.state, roundtable.road.progress) == (CommitmentState.IN_PROGRESS, 35)
    history = debtor_client.get(page_of(roundtable.road)).context["history"]
    noted = [e for e in history if e.note == "Licitación adjudicada"]
    assert len(noted) == 1
    assert ("Avance (%)", "0", "35") in noted[0].changes


def test_the_debtor_may_not_report_on_what_another_party_owes(
    debtor_client: Client, roundtable: Roundtable
) -> None:
    page = debtor_client.get(page_of(roundtable.water)).content.decode()
    assert url("commitment_progress", roundtable.water) not in page
    response = debtor_client.post(
        url("commitment_progress", roundtable.water),
        {"state": CommitmentState.IN_PROGRESS, "progress": "10"},
    )
    assert response.status_code == 403
    roundtable.water.refresh_from_db()
    assert roundtable.water.state == CommitmentState.PENDING


def test_the_outsider_may_not_report_progress_nor_add_evidence(
    outsider_client: Client, roundtable: Roundtable
) -> None:
    progress = outsider_client.post(
        url("commitment_progress", roundtable.road),
        {"state": CommitmentState.IN_PROGRESS, "progress": "10"},
    )
    evidence = outsider_client.post(
        url("commitment_evidence_add", roundtable.road),
        {"description": "Foto", "url": "https://x.pe"},
    )
    assert (progress.status_code, evidence.status_code) == (403, 403)
    assert CommitmentEvidence.objects.count() == 0


def test_fulfilled_without_evidence_is_refused_on_the_page(
    coordinator_client: Client, roundtable: Roundtable
) -> None:
    response = coordinator_client.post(
        url("commitment_progress", roundtable.road),
        {"state": CommitmentState.FULFILLED, "progress": "100"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Para marcarlo como cumplido, adjunte antes una evidencia." in page
    assert "state" in response.context["progress_form"].errors
    roundtable.road.refresh_from_db()
    assert roundtable.road.state == CommitmentState.PENDING


@pytest.mark.parametrize("progress", ["150", "-1"])
def test_progress_outside_0_to_100_is_refused(
    debtor_client: Client, roundtable: Roundtable, progress: str
) -> None:
    response = debtor_client.post(
        url("commitment_progress", roundtable.road),
        {"state": CommitmentState.IN_PROGRESS, "progress": progress},
    )
    assert response.status_code == 200
    assert "El avance va de 0 a 100." in response.content.decode()
    roundtable.road.refresh_from_db()
    assert roundtable.road.progress == 0


# --- evidence ------------------------------------------------------------------------------------


def test_the_debtor_adds_evidence_but_may_not_verify_it(
    debtor_client: Client, coordinator_client: Client, roundtable: Roundtable
) -> None:
    response = debtor_client.post(
        url("commitment_evidence_add", roundtable.road),
        {"description": "Informe de avance físico", "file": pdf(), "amount_executed": "250000"},
    )
    assert response.status_code == 302
    evidence = CommitmentEvidence.objects.get()
    assert evidence.amount_executed == Decimal("250000.00")
    page = debtor_client.get(page_of(roundtable.road)).content.decode()
    verify = url("commitment_evidence_verify", evidence)
    assert verify not in page
    assert debtor_client.post(verify).status_code == 403
    evidence.refresh_from_db()
    assert evidence.verified_at is None
    # The coordinator verifies it; the verified money is on the page.
    assert verify in coordinator_client.get(page_of(roundtable.road)).content.decode()
    assert coordinator_client.post(verify).status_code == 302
    evidence.refresh_from_db()
    assert evidence.verified_at is not None
    page = coordinator_client.get(page_of(roundtable.road)).content.decode()
    assert "S/ 250,000.00 (20.8 %)" in page


def test_nobody_verifies_evidence_they_added(
    coordinator: User, coordinator_client: Client, roundtable: Roundtable
) -> None:
    evidence = services.add_evidence(
        coordinator, roundtable.road, services.EvidenceInput("Acta de entrega", url="https://a.pe")
    )
    assert coordinator_client.post(url("commitment_evidence_verify", evidence)).status_code == 403


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"description": "Pago", "url": "https://x.pe/p", "amount_executed": "-10"},
            "El monto no puede ser negativo.",
        ),
        ({"description": "Sin nada"}, "Adjunte un archivo o escriba un enlace."),
        ({"description": "Enlace", "url": "ftp://x.pe"}, "Escriba un enlace válido"),
    ],
)
def test_bad_evidence_is_refused_on_the_page(
    debtor_client: Client, roundtable: Roundtable, data: dict[str, str], message: str
) -> None:
    response = debtor_client.post(url("commitment_evidence_add", roundtable.road), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert CommitmentEvidence.objects.count() == 0


def test_a_file_pretending_to_be_a_pdf_is_refused(
    debtor_client: Client, roundtable: Roundtable
) -> None:
    fake = SimpleUploadedFile("informe.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = debtor_client.post(
        url("commitment_evidence_add", roundtable.road), {"description": "X", "file": fake}
    )
    assert "no corresponde a su extensión" in response.content.decode()
    assert CommitmentEvidence.objects.count() == 0


def test_the_evidence_file_is_downloaded_through_the_access_rule(
    debtor_analyst: User,
    outsider_client: Client,
    stranger_client: Client,
    roundtable: Roundtable,
) -> None:
    evidence = services.add_evidence(
        debtor_analyst, roundtable.road, services.EvidenceInput("Informe", file=pdf())
    )
    download = url("commitment_evidence_file", evidence)
    response = outsider_client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    # Someone who may not see the commitment: 404, as for evidence that does not exist.
    assert stranger_client.get(download).status_code == 404
    missing = reverse(
        "dialogue:commitment_evidence_file",
        kwargs={"evidence_uuid": "5b0c7f43-2b44-4a8e-9a40-000000000000"},
    )
    assert outsider_client.get(missing).status_code == 404


def test_a_link_evidence_has_no_file_to_download(
    debtor_analyst: User, debtor_client: Client, roundtable: Roundtable
) -> None:
    evidence = services.add_evidence(
        debtor_analyst, roundtable.road, services.EvidenceInput("Nota", url="https://gore.pe/n")
    )
    assert debtor_client.get(url("commitment_evidence_file", evidence)).status_code == 404


def test_fulfilled_with_evidence_goes_to_100(
    debtor_analyst: User, debtor_client: Client, roundtable: Roundtable
) -> None:
    services.add_evidence(
        debtor_analyst, roundtable.road, services.EvidenceInput("Acta", url="https://gore.pe/a")
    )
    response = debtor_client.post(
        url("commitment_progress", roundtable.road),
        {"state": CommitmentState.FULFILLED, "progress": "80"},
    )
    assert response.status_code == 302
    roundtable.road.refresh_from_db()
    assert (roundtable.road.state, roundtable.road.progress) == (CommitmentState.FULFILLED, 100)

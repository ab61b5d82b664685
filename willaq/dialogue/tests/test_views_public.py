"""The public page of a space (no login, nothing confidential) and the compliance boards, with
the personas of both institutions and the anonymous visitor."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import Institution, User
from willaq.cases.models import Case
from willaq.dialogue.access import CONFIDENTIAL_FIELDS
from willaq.dialogue.choices import CommitmentState
from willaq.dialogue.models import Attendance, CommitmentEvidence, DialogueSpace
from willaq.dialogue.services import commitments, spaces
from willaq.dialogue.tests.conftest import Roundtable, lima
from willaq.dialogue.tests.test_services import PDF


def _publish(coordinator: User, roundtable: Roundtable) -> DialogueSpace:
    return spaces.set_space_public(coordinator, roundtable.space, True)


@pytest.fixture
def evidenced(roundtable: Roundtable, coordinator: User, debtor_analyst: User) -> Roundtable:
    """The roundtable with confidential notes on a clause and two pieces of evidence (a file
    added by the regional government and verified by the coordinator, and a link)."""
    commitments.update_commitment(
        coordinator,
        roundtable.road,
        commitments.CommitmentInput(
            description=roundtable.road.description,
            due_date=roundtable.road.due_date,
            responsible=[str(roundtable.gore.uuid)],
            amount=roundtable.road.amount,
            funding_source=roundtable.road.funding_source,
            weight=roundtable.road.weight,
            internal_notes="El gerente pide no difundir el retraso del expediente técnico.",
        ),
    )
    evidence = commitments.add_evidence(
        debtor_analyst,
        roundtable.road,
        commitments.EvidenceInput(
            description="Valorización de obra n.º 1",
            file=SimpleUploadedFile("valorizacion.pdf", PDF),
            amount_executed=Decimal("250000"),
        ),
    )
    commitments.verify_evidence(coordinator, evidence)
    commitments.add_evidence(
        debtor_analyst,
        roundtable.school,
        commitments.EvidenceInput(
            description="Expediente en el portal", url="https://example.org/expediente-escuela"
        ),
    )
    return roundtable


def _confidential_values(roundtable: Roundtable) -> list[str]:
    """Every non-empty confidential value under the roundtable, as text that could leak: the
    strings themselves, and the name and email of every user in a confidential field."""
    space = roundtable.space
    objects: list[models.Model] = [
        space,
        *space.participants.all(),
        *space.sessions.all(),
        *Attendance.objects.filter(session__space=space),
        *[session.acta for session in space.sessions.filter(acta__isnull=False)],
        *space.commitments.all(),
        *CommitmentEvidence.objects.filter(commitment__space=space),
    ]
    values: list[str] = []
    for obj in objects:
        for name in sorted(CONFIDENTIAL_FIELDS):
            if not hasattr(obj, name):
                continue
            value = getattr(obj, name)
            if isinstance(value, User):
                values += [value.full_name, value.email]
            elif value:
                values.append(str(value))
    return [v for v in dict.fromkeys(values) if v]


@pytest.mark.django_db
def test_the_public_page_shows_no_confidential_value(
    evidenced: Roundtable, coordinator: User, anon_client: Client
) -> None:
    _publish(coordinator, evidenced)
    secrets = _confidential_values(evidenced)
    # internal notes (space, road), minutes, three representatives, the coordinator (created
    # by, verified by) and the regional analyst (added by), names and emails.
    assert len(secrets) >= 9
    with time_machine.travel(lima(2026, 5, 15), tick=False):
        response = anon_client.get(reverse("dialogue:public_space", args=[evidenced.space.uuid]))
    assert response.status_code == 200
    html = response.content.decode()
    leaked = [value for value in secrets if value in html]
    assert leaked == []
    # What the public reads is there: parties, clauses, the overdue water study, the evidence.
    assert html.count("Mesa de desarrollo de Challhuahuacho") >= 1
    assert "Comunidad Campesina de Fuerabamba" in html
    assert "Mantenimiento del corredor vial" in html
    assert "Vencido" in html  # the water study, due 30 April
    assert "https://example.org/expediente-escuela" in html
    file_evidence = CommitmentEvidence.objects.get(description="Valorización de obra n.º 1")
    assert reverse("dialogue:public_evidence_file", args=[file_evidence.uuid]) in html
    assert "1.200.000" in html or "1,200,000" in html


@pytest.mark.django_db
def test_a_space_that_is_not_public_is_404(roundtable: Roundtable, anon_client: Client) -> None:
    response = anon_client.get(reverse("dialogue:public_space", args=[roundtable.space.uuid]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_public_list_shows_public_spaces_only(
    roundtable: Roundtable, coordinator: User, owner_institution: Institution, anon_client: Client
) -> None:
    with time_machine.travel(lima(2026, 3, 12), tick=False):
        spaces.convene_space(
            coordinator,
            owner_institution,
            spaces.SpaceInput(
                kind="technical_table",
                name="Mesa técnica reservada",
                start_date=dt.date(2026, 3, 1),
                planned_end_date=dt.date(2026, 6, 1),
            ),
        )
    empty = anon_client.get(reverse("dialogue:public_spaces"))
    assert empty.status_code == 200
    assert "Aún no hay espacios de diálogo públicos" in empty.content.decode()
    _publish(coordinator, roundtable)
    html = anon_client.get(reverse("dialogue:public_spaces")).content.decode()
    assert "Mesa de desarrollo de Challhuahuacho" in html
    assert "Mesa técnica reservada" not in html
    filtered = anon_client.get(reverse("dialogue:public_spaces"), {"tipo": "technical_table"})
    assert "Mesa de desarrollo de Challhuahuacho" not in filtered.content.decode()


@pytest.mark.django_db
def test_evidence_files_download_only_from_public_spaces(
    evidenced: Roundtable, coordinator: User, anon_client: Client
) -> None:
    evidence = CommitmentEvidence.objects.get(description="Valorización de obra n.º 1")
    link = CommitmentEvidence.objects.get(description="Expediente en el portal")
    url = reverse("dialogue:public_evidence_file", args=[evidence.uuid])
    assert anon_client.get(url).status_code == 404
    _publish(coordinator, evidenced)
    response = anon_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    # A link has no file to download.
    assert (
        anon_client.get(reverse("dialogue:public_evidence_file", args=[link.uuid])).status_code
        == 404
    )
    spaces.set_space_public(coordinator, evidenced.space, False)
    assert anon_client.get(url).status_code == 404


# --- compliance boards --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_boards_need_a_signed_in_member(roundtable: Roundtable, anon_client: Client) -> None:
    for url in (
        reverse("dialogue:compliance"),
        reverse("dialogue:compliance_institution", args=["gore-apurimac"]),
        reverse("dialogue:compliance_case", args=[roundtable.case.uuid]),
    ):
        response = anon_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_the_institution_board_lists_who_owes_sorted_by_overdue(
    roundtable: Roundtable, coordinator: User, outsider_client: Client
) -> None:
    commitments.report_progress(
        coordinator, roundtable.road, commitments.ProgressInput(CommitmentState.IN_PROGRESS, 40)
    )
    with time_machine.travel(lima(2026, 7, 15), tick=False):  # road (30 June) is overdue
        response = outsider_client.get(reverse("dialogue:compliance"))
    assert response.status_code == 200
    rows = response.context["institutions"]
    # Only the regional government owes (the company and the community are not institutions).
    assert len(rows) == 1
    assert rows[0].institution.slug == "gore-apurimac"
    assert rows[0].rollup.count == 2  # road, school
    assert rows[0].rollup.overdue == 1
    assert len(response.context["departments"]) == 1
    html = response.content.decode()
    assert "Gobierno Regional de Apurímac" in html
    assert "Apurímac" in html


@pytest.mark.django_db
def test_the_institution_page_lists_late_first(
    roundtable: Roundtable, debtor_client: Client, outsider_client: Client
) -> None:
    url = reverse("dialogue:compliance_institution", args=["gore-apurimac"])
    with time_machine.travel(lima(2026, 7, 15), tick=False):
        response = debtor_client.get(url)
        outsider = outsider_client.get(url)
    assert response.status_code == 200
    listed = list(response.context["page"].object_list)
    assert [c.description for c in listed] == [
        "Mantenimiento del corredor vial",  # overdue since 30 June
        "Ampliación de la escuela",
    ]
    # Another institution's member reads it too (who owes what is shared knowledge).
    assert outsider.status_code == 200
    assert len(outsider.context["page"].object_list) == 2
    assert (
        debtor_client.get(reverse("dialogue:compliance_institution", args=["nadie"])).status_code
        == 404
    )


@pytest.mark.django_db
def test_the_case_board_follows_the_case_access_rule(
    roundtable: Roundtable, analyst_client: Client, outsider_client: Client
) -> None:
    Case.objects.filter(pk=roundtable.case.pk).update(state="draft", code=None, phase="")
    url = reverse("dialogue:compliance_case", args=[roundtable.case.uuid])
    response = analyst_client.get(url)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 3
    assert len(response.context["spaces"]) == 1
    assert outsider_client.get(url).status_code == 404
    # The outsider's board has no row for a case they cannot see.
    board = outsider_client.get(reverse("dialogue:compliance"))
    assert len(board.context["cases"]) == 0
    assert len(analyst_client.get(reverse("dialogue:compliance")).context["cases"]) == 1

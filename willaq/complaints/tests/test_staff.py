"""Staff pages and the API with personas of two institutions: the handling institution's
analyst, an analyst of another institution (before and after routing to it), anonymous."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from willaq.cases.choices import CaseState
from willaq.complaints import clock
from willaq.complaints.choices import ClockState, ComplaintState
from willaq.complaints.models import Complaint
from willaq.complaints.services import handling
from willaq.complaints.services.intake import ComplaintInput, Photo, submit_complaint
from willaq.complaints.tests.conftest import PNG, make_complaint
from willaq.testing.factories import CaseFactory, shared_category

pytestmark = pytest.mark.django_db


def test_queue_and_detail_access(analyst_client, outsider_client, anon_client, complaint) -> None:
    assert anon_client.get("/denuncias/").status_code == 302
    assert anon_client.get(f"/denuncias/{complaint.uuid}/").status_code == 302
    mine = analyst_client.get("/denuncias/?state=received")
    assert mine.status_code == 200
    assert complaint.display_code in mine.content.decode()
    theirs = outsider_client.get("/denuncias/")
    assert theirs.status_code == 200
    assert complaint.display_code not in theirs.content.decode()
    assert outsider_client.get(f"/denuncias/{complaint.uuid}/").status_code == 404
    detail = analyst_client.get(f"/denuncias/{complaint.uuid}/")
    assert "Juana Denunciante" in detail.content.decode()


def test_actions_refused_to_outsiders(outsider_client, anon_client, complaint) -> None:
    url = f"/denuncias/{complaint.uuid}/evaluar/"
    assert outsider_client.post(url, {"decision": "admit"}).status_code == 404
    assert anon_client.post(url, {"decision": "admit"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.RECEIVED


def test_full_handling_through_the_pages(analyst_client, complaint) -> None:
    base = f"/denuncias/{complaint.uuid}/"
    bad = analyst_client.post(base + "evaluar/", {"decision": "dismiss"})
    assert bad.status_code == 400
    assert "Explique al denunciante" in bad.content.decode()
    assert analyst_client.post(base + "evaluar/", {"decision": "admit"}).status_code == 302
    today = complaint.received_at.astimezone().date().isoformat()
    assert (
        analyst_client.post(
            base + "inspeccion/", {"inspected_on": today, "findings": "Se constató"}
        ).status_code
        == 302
    )
    assert (
        analyst_client.post(base + "responder/", {"public_answer": "Multa impuesta"}).status_code
        == 302
    )
    assert analyst_client.post(base + "cerrar/", {}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.CLOSED
    assert complaint.answered_at is not None


def test_routing_moves_the_queue_and_the_identity(
    analyst, analyst_client, outsider, outsider_client, other_institution, complaint
) -> None:
    response = analyst_client.post(
        f"/denuncias/{complaint.uuid}/derivar/",
        {"institution": other_institution.pk, "reason": "Es de su competencia"},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.institution == other_institution
    # The new handler sees the identity; the institution that routed it no longer does.
    theirs = outsider_client.get(f"/denuncias/{complaint.uuid}/").content.decode()
    assert "Juana Denunciante" in theirs
    mine = analyst_client.get(f"/denuncias/{complaint.uuid}/")
    assert mine.status_code == 200
    assert "Juana Denunciante" not in mine.content.decode()
    assert "+51987111222" not in mine.content.decode()
    assert (
        analyst_client.post(
            f"/denuncias/{complaint.uuid}/evaluar/", {"decision": "admit"}
        ).status_code
        == 403
    )
    # The API says the same: identity null outside the handling institution.
    mine_api = analyst_client.get("/api/v1/complaints").json()
    assert mine_api["count"] == 1
    assert mine_api["items"][0]["complainant_name"] is None
    assert mine_api["items"][0]["complainant_contact"] is None
    theirs_api = outsider_client.get(f"/api/v1/complaints/{complaint.uuid}").json()
    assert theirs_api["complainant_name"] == "Juana Denunciante"


def test_api_access_and_filters(
    analyst_client, outsider_client, anon_client, complaint, owner_institution
) -> None:
    assert anon_client.get("/api/v1/complaints").status_code == 401
    assert outsider_client.get("/api/v1/complaints").json()["count"] == 0
    assert outsider_client.get(f"/api/v1/complaints/{complaint.uuid}").status_code == 404
    listing = analyst_client.get("/api/v1/complaints?state=received&department=08&overdue=false")
    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    assert listing.json()["items"][0]["clock"] == "on_time"
    assert analyst_client.get("/api/v1/complaints?overdue=true").json()["count"] == 0
    assert analyst_client.get("/api/v1/complaints?department=15").json()["count"] == 0
    assert analyst_client.get("/api/v1/complaints?department=x").status_code == 422
    schema = analyst_client.get("/api/v1/openapi.json").json()
    statuses = schema["paths"]["/api/v1/complaints"]["get"]["responses"]
    assert {"200", "400", "401", "422"} <= set(statuses)


def test_photo_served_only_through_the_access_rule(
    analyst_client, outsider_client, owner_institution
) -> None:
    complaint, _created = submit_complaint(
        ComplaintInput(
            institution=owner_institution,
            kind="waste",
            description="Basura quemada en la ribera del río",
            ubigeo_code="080101",
            is_anonymous=True,
            photos=[Photo(name="a.png", content_type="image/png", content=PNG)],
        ),
        client_address="10.0.0.1",
    )
    photo = complaint.photos.get()
    url = f"/denuncias/{complaint.uuid}/fotos/{photo.uuid}/"
    response = analyst_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert outsider_client.get(url).status_code == 404


def test_open_a_proposed_case_and_join_a_case(
    analyst, outsider, owner_institution, complaint
) -> None:
    shared_category("typology", "socioambiental")
    handling.triage(analyst, complaint, admit=True)
    with pytest.raises(PermissionDenied):
        handling.open_case(outsider, complaint, name="Caso", typology="socioambiental")
    handling.open_case(
        analyst, complaint, name="Contaminación del río Huatanay", typology="socioambiental"
    )
    complaint.refresh_from_db()
    assert complaint.case is not None
    assert complaint.case.state == CaseState.PROPOSED
    other = make_complaint(owner_institution, text="Otra denuncia sobre el mismo río")
    handling.triage(analyst, other, admit=True)
    case = CaseFactory(institution=owner_institution)
    handling.link_case(analyst, other, case=case)
    other.refresh_from_db()
    assert other.case_id == case.pk


def test_demo_has_every_state_and_some_overdue(owner_institution) -> None:
    call_command("seed_complaints_demo", verbosity=0)
    call_command("seed_complaints_demo", "--reuse", verbosity=0)
    states = set(Complaint.objects.values_list("state", flat=True))
    assert states == set(ComplaintState.values)
    assert Complaint.objects.filter(is_demo=True).count() == 10
    running = Complaint.objects.filter(state__in=["received", "admitted", "inspected"])
    assert sum(1 for c in running if clock.clock_state(c) == ClockState.OVERDUE) >= 2
    # The routed one went to the ombudsman (the owner institution here).
    assert (
        Complaint.objects.filter(institution=owner_institution, routes__isnull=False).count() == 1
    )

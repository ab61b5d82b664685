"""The triage pages with the personas: the queue (filters, badges, bounded queries), the
pre-alert's page for an analyst and for its sender, the actions posted from them, and 404 for
the other institution on every page."""

import datetime as dt
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from willaq.accounts.models import Institution, Role, User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.cases.models import Event
from willaq.earlywarning.choices import Channel, ReviewState, Urgency
from willaq.earlywarning.models import PreAlert, PreAlertAttachment
from willaq.earlywarning.services import triage
from willaq.testing.factories import CaseFactory, PreAlertFactory, ReporterFactory, member

pytestmark = pytest.mark.django_db

QUEUE = "/prealertas/"


def _page(prealert: PreAlert, action: str = "") -> str:
    return f"/prealertas/{prealert.uuid}/{action + '/' if action else ''}"


@pytest.fixture
def sent(owner_institution: Institution, field_reporter: User) -> PreAlert:
    prealert = PreAlertFactory.create(
        institution=owner_institution,
        submitted_by=field_reporter,
        reporter=field_reporter.reporter_profile,
        raw_payload='{"descripcion": "texto crudo del formulario"}',
        review_notes="nota interna del análisis",
    )
    attachment = PreAlertAttachment(
        prealert=prealert, name="foto.jpg", content_type="image/jpeg", size=7
    )
    attachment.file.save("foto.jpg", ContentFile(b"\xff\xd8\xffabcd"), save=False)
    attachment.save()
    return prealert


def test_urls_are_named() -> None:
    assert reverse("earlywarning:queue") == QUEUE
    assert reverse("earlywarning:reporters") == "/prealertas/reporteros/"


def test_the_queue_lists_the_institution_items_with_badges(
    analyst_client: Client, analyst: User, owner_institution: Institution, sent: PreAlert
) -> None:
    other = member(owner_institution, Role.ANALYST, full_name="Beto Analista")
    triage.claim(other, sent)
    PreAlertFactory.create(institution=owner_institution, description="Toma de local en Espinar")
    response = analyst_client.get(QUEUE)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('name="prealerts"') == 2
    assert "en revisión por Beto Analista desde" in body
    assert "Toma de local en Espinar" in body
    # The menu's badge counts what is still untouched.
    assert '<span class="badge badge-count">1</span>' in body


def test_queue_filters(
    analyst_client: Client, owner_institution: Institution, field_reporter: User
) -> None:
    PreAlertFactory.create(
        institution=owner_institution, channel=Channel.SMS, urgency=Urgency.CRITICAL
    )
    PreAlertFactory.create(
        institution=owner_institution,
        channel=Channel.SMS,
        is_structured=False,
        unknown_sender=True,
        ubigeo=None,
        department_code="",
        description="texto sin estructura",
    )
    PreAlertFactory.create(
        institution=owner_institution,
        reporter=field_reporter.reporter_profile,
        state=ReviewState.REJECTED,
    )
    old = PreAlertFactory.create(institution=owner_institution, description="llegó hace tres días")
    PreAlert.objects.filter(pk=old.pk).update(received_at=old.received_at - dt.timedelta(days=3))

    def count(query: str) -> int:
        response = analyst_client.get(f"{QUEUE}?{query}")
        assert response.status_code == 200
        return response.content.decode().count('name="prealerts"')

    assert count("") == 3  # open items only
    assert count("state=all") == 4
    assert count("state=rejected") == 1
    assert count("channel=sms") == 2
    assert count("unstructured=on") == 1
    assert count("unknown_sender=on") == 1
    assert count("urgency=critical") == 1
    assert count("department=080000") == 2
    assert count("age=1h") == 2
    assert count("age=48h") == 1
    assert count(f"state=all&reporter={field_reporter.reporter_profile.uuid}") == 1
    response = analyst_client.get(f"{QUEUE}?order=urgency")
    rows = response.context["rows"]
    assert rows[0][0].urgency == Urgency.CRITICAL
    assert (
        "Ninguna prealerta coincide" in analyst_client.get(f"{QUEUE}?channel=odk").content.decode()
    )


def test_empty_queue_says_so(analyst_client: Client) -> None:
    response = analyst_client.get(QUEUE)
    assert "la bandeja está al día" in response.content.decode()


def test_the_queue_runs_a_bounded_number_of_queries(
    analyst_client: Client,
    owner_institution: Institution,
    analyst: User,
    django_assert_num_queries: Any,
) -> None:
    def fill(n: int) -> None:
        for _ in range(n):
            reporter = ReporterFactory.create(institution=owner_institution)
            item = PreAlertFactory.create(
                institution=owner_institution, reporter=reporter, assigned_to=analyst
            )
            triage.claim(analyst, item)

    fill(3)
    analyst_client.get(QUEUE)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        analyst_client.get(QUEUE)
    assert len(few.captured_queries) <= 15
    fill(20)
    with django_assert_num_queries(len(few.captured_queries)):
        response = analyst_client.get(QUEUE)
    assert response.content.decode().count('name="prealerts"') == 23


def test_the_queue_partial_for_htmx(analyst_client: Client, sent: PreAlert) -> None:
    response = analyst_client.get(QUEUE, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert response.content.decode().count('name="prealerts"') == 1


def test_bulk_reject_from_the_queue(
    analyst_client: Client, owner_institution: Institution, other_institution: Institution
) -> None:
    items = PreAlertFactory.create_batch(2, institution=owner_institution)
    foreign = PreAlertFactory.create(institution=other_institution)
    response = analyst_client.post(
        "/prealertas/acciones/",
        {
            "action": "reject",
            "prealerts": [str(p.uuid) for p in items],
            "reason": "Hecho ajeno a conflictos sociales",
            "next": f"{QUEUE}?state=all",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{QUEUE}?state=all"
    assert "2 prealertas cambiadas." in response.content.decode()
    assert PreAlert.objects.filter(state=ReviewState.REJECTED).count() == 2
    # Another institution's item is not even chosen: nothing happens, it says why.
    response = analyst_client.post(
        "/prealertas/acciones/",
        {"action": "reject", "prealerts": [str(items[0].uuid), str(foreign.uuid)], "reason": "x"},
        follow=True,
    )
    assert "no está en su bandeja: no se cambió ninguna" in response.content.decode()
    response = analyst_client.post(
        "/prealertas/acciones/", {"action": "reject", "reason": "x"}, follow=True
    )
    assert "Elija al menos una prealerta." in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.state == ReviewState.RECEIVED


def test_bulk_actions_need_their_value(analyst_client: Client, sent: PreAlert) -> None:
    response = analyst_client.post(
        "/prealertas/acciones/",
        {"action": "reject", "prealerts": [str(sent.uuid)], "reason": ""},
        follow=True,
    )
    assert "Indique el motivo del rechazo." in response.content.decode()
    response = analyst_client.post(
        "/prealertas/acciones/",
        {"action": "duplicate", "prealerts": [str(sent.uuid)], "original": "zzzzzzzz"},
        follow=True,
    )
    assert "No se encontró la prealerta" in response.content.decode()
    sent.refresh_from_db()
    assert sent.state == ReviewState.RECEIVED


def test_bulk_duplicate_by_short_reference_and_link_and_assign(
    analyst_client: Client, analyst: User, owner_institution: Institution
) -> None:
    original, copy, other = PreAlertFactory.create_batch(3, institution=owner_institution)
    response = analyst_client.post(
        "/prealertas/acciones/",
        {
            "action": "duplicate",
            "prealerts": [str(copy.uuid)],
            "original": original.uuid.hex[:8],
        },
    )
    assert response.status_code == 302
    copy.refresh_from_db()
    assert copy.duplicate_of == original
    case = CaseFactory.create(institution=owner_institution)
    analyst_client.post(
        "/prealertas/acciones/",
        {"action": "link", "prealerts": [str(other.uuid)], "case": case.code},
    )
    other.refresh_from_db()
    assert other.case == case
    analyst_client.post(
        "/prealertas/acciones/",
        {"action": "assign", "prealerts": [str(other.uuid)], "assignee": analyst.pk},
    )
    other.refresh_from_db()
    assert other.assigned_to == analyst


def test_the_prealert_page_for_an_analyst(analyst_client: Client, sent: PreAlert) -> None:
    response = analyst_client.get(_page(sent))
    body = response.content.decode()
    assert response.status_code == 200
    assert "texto crudo del formulario" in body
    assert "nota interna del análisis" in body
    assert "Tomar para revisar" in body
    assert "Historial" in body
    attachment = sent.attachments.get()
    download = analyst_client.get(_page(sent, f"adjuntos/{attachment.uuid}"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"\xff\xd8\xffabcd"  # type: ignore[attr-defined]


def test_the_sender_sees_their_prealert_without_the_hidden_fields(
    reporter_client: Client, sent: PreAlert
) -> None:
    response = reporter_client.get(_page(sent))
    body = response.content.decode()
    assert response.status_code == 200
    assert sent.description in body
    assert "texto crudo del formulario" not in body
    assert "nota interna del análisis" not in body
    assert "Tomar para revisar" not in body
    attachment = sent.attachments.get()
    assert reporter_client.get(_page(sent, f"adjuntos/{attachment.uuid}")).status_code == 200
    # The reporter reviews nothing.
    assert reporter_client.get(QUEUE).status_code == 403
    assert reporter_client.post(_page(sent, "tomar")).status_code == 403


def test_the_outsider_gets_404_on_every_page(outsider_client: Client, sent: PreAlert) -> None:
    attachment = sent.attachments.get()
    for url in (
        _page(sent),
        _page(sent, "estructurar"),
        _page(sent, "validar"),
        _page(sent, f"adjuntos/{attachment.uuid}"),
    ):
        assert outsider_client.get(url).status_code == 404, url
    for action in ("tomar", "liberar", "estado", "estructurar", "validar"):
        assert outsider_client.post(_page(sent, action)).status_code == 404, action
    # Their own queue does not show it, nor does a bulk action reach it.
    assert outsider_client.get(QUEUE).content.decode().count('name="prealerts"') == 0
    outsider_client.post(
        "/prealertas/acciones/",
        {"action": "reject", "prealerts": [str(sent.uuid)], "reason": "x"},
    )
    sent.refresh_from_db()
    assert sent.state == ReviewState.RECEIVED
    assert AuditLog.objects.filter(event_type=AuditEvent.PREALERT_REJECTED).count() == 0


def test_anonymous_visitors_are_sent_to_log_in(anon_client: Client, sent: PreAlert) -> None:
    for url in (QUEUE, _page(sent), "/prealertas/reporteros/"):
        response = anon_client.get(url)
        assert response.status_code == 302
        assert "/cuentas/" in response["Location"]


def test_claim_and_the_second_analyst_sees_who_holds_it(
    analyst_client: Client, owner_institution: Institution, sent: PreAlert
) -> None:
    analyst_client.post(_page(sent, "tomar"))
    sent.refresh_from_db()
    assert sent.state == ReviewState.IN_REVIEW
    second = member(owner_institution, Role.ANALYST, full_name="Beto Analista")
    client = Client()
    client.force_login(second)
    response = client.post(_page(sent, "tomar"), follow=True)
    assert "en revisión por Ana Analista" in response.content.decode()
    sent.refresh_from_db()
    assert sent.reviewing_by is not None
    assert sent.reviewing_by.full_name == "Ana Analista"
    assert "Tomarla (la revisa Ana Analista)" in response.content.decode()
    client.post(_page(sent, "tomar"), {"force": "1"})
    sent.refresh_from_db()
    assert sent.reviewing_by == second


def test_has_issues_from_the_page(analyst_client: Client, sent: PreAlert) -> None:
    response = analyst_client.post(
        _page(sent, "estado"), {"state": "has_issues", "note": ""}, follow=True
    )
    assert "Indique qué debe aclarar" in response.content.decode()
    analyst_client.post(_page(sent, "estado"), {"state": "has_issues", "note": "¿Qué día?"})
    sent.refresh_from_db()
    assert sent.state == ReviewState.HAS_ISSUES


def test_structure_from_the_page(analyst_client: Client, owner_institution: Institution) -> None:
    sms = PreAlertFactory.create(
        institution=owner_institution,
        channel=Channel.SMS,
        is_structured=False,
        ubigeo=None,
        department_code="",
        description="paro colquemarca",
        raw_payload="PARO colquemarca manana",
    )
    page = analyst_client.get(_page(sms, "estructurar"))
    assert "PARO colquemarca manana" in page.content.decode()
    response = analyst_client.post(
        _page(sms, "estructurar"),
        {
            "place_department": "080000",
            "place_province": "080700",
            "place_district": "080703",
            "description": "Paro anunciado en Colquemarca.",
            "urgency": "high",
        },
    )
    assert response.status_code == 302
    sms.refresh_from_db()
    assert sms.is_structured
    assert sms.ubigeo is not None
    assert sms.ubigeo.code == "080703"


def test_validate_to_an_event_from_the_page(
    analyst_client: Client, owner_institution: Institution, sent: PreAlert
) -> None:
    case = CaseFactory.create(institution=owner_institution)
    page = analyst_client.get(_page(sent, "validar"))
    assert page.status_code == 200
    response = analyst_client.post(
        _page(sent, "validar"),
        {"target": "event", "case": case.code, "event_type": "Protests"},
    )
    assert response.status_code == 200
    assert "Elija el subtipo de evento." in response.content.decode()
    response = analyst_client.post(
        _page(sent, "validar"),
        {
            "target": "event",
            "case": case.code,
            "event_type": "Protests",
            "sub_event_type": "Peaceful protest",
            "actor1": "Comuneros",
            "inter1": "6",
        },
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.state == ReviewState.VALIDATED
    assert Event.objects.filter(case=case).count() == 1


def test_validate_to_a_new_case_from_the_page(analyst_client: Client, sent: PreAlert) -> None:
    response = analyst_client.post(
        _page(sent, "validar"),
        {"target": "case", "name": "Conflicto nuevo", "typology": "socioambiental"},
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.case is not None
    assert sent.case.state == "proposed"

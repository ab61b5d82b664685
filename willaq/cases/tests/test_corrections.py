"""Correcting mistakes: editors edit and remove victims, news, evidence and events (a
confirmation step, a required reason, soft removal kept in history); coordinators restore.
Two institutions: another institution can neither remove nor restore, nor see what was removed."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.cases import selectors, services
from willaq.cases.choices import CaseState
from willaq.cases.history import case_history
from willaq.cases.models import Case, Event, Evidence, NewsItem, Victim
from willaq.testing.factories import CaseFactory, EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(owner_institution: Institution) -> Case:
    return CaseFactory(institution=owner_institution, state=CaseState.ACTIVE)


@pytest.fixture
def event(case: Case) -> Event:
    return EventFactory(case=case)


def _victim(user: User, event: Event, outcome: str = "dead") -> Victim:
    return services.record_victim(
        user=user,
        event=event,
        data={"outcome": outcome, "group": "civilian", "full_name": "Rosa Quispe"},
    )


def _evidence(user: User, case: Case) -> Evidence:
    upload = SimpleUploadedFile("acta.pdf", b"%PDF-1.4 acta", content_type="application/pdf")
    return services.add_evidence(user=user, case=case, title="Acta", kind="document", upload=upload)


def test_removing_a_victim_recounts_and_restoring_brings_it_back(
    analyst: User, coordinator: User, event: Event
) -> None:
    victim = _victim(analyst, event)
    _victim(analyst, event, "injured")
    with pytest.raises(ValidationError):
        services.remove_record(user=analyst, item=victim, reason="  ")
    services.remove_record(user=analyst, item=victim, reason="Registrada dos veces")
    event.refresh_from_db()
    assert (event.fatalities, event.injured) == (0, 1)
    assert event.victims.count() == 1
    assert Victim.all_objects.filter(event=event).count() == 2
    with pytest.raises(PermissionDenied):
        services.restore_record(user=analyst, item=victim)  # analysts do not restore
    services.restore_record(user=coordinator, item=victim)
    event.refresh_from_db()
    assert (event.fatalities, event.injured) == (1, 1)
    codes = list(AuditLog.objects.values_list("event_type", flat=True))
    assert codes.count(AuditEvent.VICTIM_REMOVED) == 1
    assert codes.count(AuditEvent.VICTIM_RESTORED) == 1
    # The audit trail names no victim.
    assert "Rosa" not in str(list(AuditLog.objects.values_list("diff", flat=True)))


def test_removing_an_event_takes_it_and_its_victims_out_of_every_count(
    analyst: User, outsider: User, case: Case, event: Event, analyst_client: Client
) -> None:
    _victim(analyst, event)
    assert selectors.case_events_page(case).paginator.count == 1
    with pytest.raises(PermissionDenied):
        services.remove_record(user=outsider, item=event, reason="No me gusta")
    services.remove_record(user=analyst, item=event, reason="Evento de otro caso")
    assert selectors.case_events_page(case).paginator.count == 0
    assert Event.objects.filter(case=case).count() == 0
    assert Event.all_objects.filter(case=case).count() == 1
    body = analyst_client.get(f"/api/v1/cases/{case.uuid}/events").json()
    assert body["count"] == 0
    assert analyst_client.get(f"/api/v1/events/{event.uuid}").status_code == 404
    board = selectors.dashboard(analyst)
    assert len(board.latest_events) == 0


def test_removed_evidence_keeps_its_file_and_is_not_downloadable(
    analyst: User, case: Case, analyst_client: Client
) -> None:
    evidence = _evidence(analyst, case)
    path = Path(evidence.file.path)
    services.remove_record(user=analyst, item=evidence, reason="Archivo equivocado")
    assert path.exists()
    url = reverse("cases:evidence_download", kwargs={"evidence_uuid": evidence.uuid})
    assert analyst_client.get(url).status_code == 404


def test_history_keeps_removal_and_restoration_lines_with_reason(
    analyst: User, coordinator: User, outsider: User, case: Case, event: Event
) -> None:
    item = services.add_news(
        user=analyst,
        case=case,
        data={
            "outlet": "La República",
            "title": "Paro en Huaraz",
            "published_on": dt.date(2025, 4, 3),
        },
    )
    services.remove_record(user=analyst, item=item, reason="Noticia de otro conflicto")
    services.remove_record(user=analyst, item=event, reason="Duplicado")
    services.restore_record(user=coordinator, item=event)
    for reader in (analyst, outsider):
        lines = [e.what for e in case_history(case, reader)]
        assert len([w for w in lines if w.startswith("Noticia eliminada por")]) == 1
        assert len([w for w in lines if "Noticia de otro conflicto" in w]) == 1
        assert len([w for w in lines if w.startswith(f"Evento eliminado por {analyst}")]) == 1
        assert len([w for w in lines if w.startswith(f"Evento restaurado por {coordinator}")]) == 1
        # The removal columns are not shown as an "Evento modificado" diff.
        assert "Evento modificado" not in lines


def test_confidential_evidence_removal_is_not_told_to_another_institution(
    analyst: User, outsider: User, case: Case
) -> None:
    upload = SimpleUploadedFile("nota.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    evidence = services.add_evidence(
        user=analyst,
        case=case,
        title="Informe reservado",
        kind="document",
        upload=upload,
        is_confidential=True,
    )
    services.remove_record(user=analyst, item=evidence, reason="Error")
    mine = [e.what for e in case_history(case, analyst)]
    theirs = [e.what for e in case_history(case, outsider)]
    assert len([w for w in mine if "Informe reservado" in w]) == 2  # attached, removed
    assert len([w for w in theirs if "Informe reservado" in w]) == 0


# --- pages ---------------------------------------------------------------------------------------


def test_removal_asks_for_confirmation_and_a_reason(
    analyst: User, analyst_client: Client, case: Case, event: Event
) -> None:
    victim = _victim(analyst, event)
    detail = analyst_client.get(reverse("cases:detail", kwargs={"case_uuid": case.uuid}))
    html = detail.content.decode()
    remove_url = reverse(
        "cases:record_remove", kwargs={"kind": "victimas", "record_uuid": victim.uuid}
    )
    assert html.count(remove_url) == 1
    assert 'class="link-danger"' in html
    page = analyst_client.get(remove_url)
    assert page.status_code == 200
    assert 'class="btn-danger"' in page.content.decode()
    assert Victim.objects.count() == 1  # showing the step removes nothing
    response = analyst_client.post(remove_url, {"reason": ""})
    assert response.status_code == 400
    assert Victim.objects.count() == 1
    response = analyst_client.post(remove_url, {"reason": "Persona equivocada"})
    assert response.status_code == 302
    assert Victim.objects.count() == 0


def test_another_institution_gets_no_remove_links_and_403(
    analyst: User, outsider_client: Client, case: Case, event: Event
) -> None:
    html = outsider_client.get(reverse("cases:detail", kwargs={"case_uuid": case.uuid})).content
    assert b"/eliminar/" not in html
    remove_url = reverse(
        "cases:record_remove", kwargs={"kind": "eventos", "record_uuid": event.uuid}
    )
    assert outsider_client.get(remove_url).status_code == 403
    assert outsider_client.post(remove_url, {"reason": "x"}).status_code == 403
    assert Event.objects.count() == 1


def test_coordinator_sees_removed_list_and_restores(
    analyst: User,
    case: Case,
    event: Event,
    coordinator_client: Client,
    analyst_client: Client,
    outsider_client: Client,
) -> None:
    services.remove_record(user=analyst, item=event, reason="Fecha equivocada")
    detail = reverse("cases:detail", kwargs={"case_uuid": case.uuid})
    restore = reverse("cases:record_restore", kwargs={"kind": "eventos", "record_uuid": event.uuid})
    html = coordinator_client.get(detail).content.decode()
    assert html.count(restore) == 1
    assert "Fecha equivocada" in html
    assert restore not in analyst_client.get(detail).content.decode()
    assert restore not in outsider_client.get(detail).content.decode()
    assert analyst_client.post(restore).status_code == 403
    assert outsider_client.post(restore).status_code == 403
    assert coordinator_client.post(restore).status_code == 302
    assert Event.objects.filter(case=case).count() == 1


def test_victim_news_and_evidence_are_corrected_through_their_pages(
    analyst: User, analyst_client: Client, outsider_client: Client, case: Case, event: Event
) -> None:
    victim = _victim(analyst, event)
    url = reverse("cases:victim_edit", kwargs={"victim_uuid": victim.uuid})
    assert outsider_client.get(url).status_code == 404  # another institution: identity unseen
    response = analyst_client.post(url, {"outcome": "injured", "group": "police", "age": "40"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.fatalities, event.injured) == (0, 1)
    item = services.add_news(
        user=analyst,
        case=case,
        data={"outlet": "Correo", "title": "Titular mal", "published_on": dt.date(2025, 4, 3)},
    )
    url = reverse("cases:news_edit", kwargs={"news_uuid": item.uuid})
    assert outsider_client.get(url).status_code == 403
    response = analyst_client.post(
        url, {"outlet": "Correo", "title": "Titular bien", "published_on": "2025-04-03"}
    )
    assert response.status_code == 302
    assert NewsItem.objects.get().title == "Titular bien"
    evidence = _evidence(analyst, case)
    url = reverse("cases:evidence_edit", kwargs={"evidence_uuid": evidence.uuid})
    response = analyst_client.post(url, {"title": "Acta firmada", "kind": "document"})
    assert response.status_code == 302
    assert Evidence.objects.get().title == "Acta firmada"
    assert AuditLog.objects.filter(event_type=AuditEvent.EVIDENCE_CHANGED).count() == 1


# --- API -----------------------------------------------------------------------------------------


def test_api_delete_needs_a_reason_and_the_owner(
    analyst: User,
    analyst_client: Client,
    outsider_client: Client,
    coordinator_client: Client,
    case: Case,
    event: Event,
) -> None:
    victim = _victim(analyst, event)
    url = f"/api/v1/victims/{victim.uuid}"
    assert analyst_client.delete(url, {}, content_type="application/json").status_code == 422
    assert (
        outsider_client.delete(url, {"reason": "x"}, content_type="application/json").status_code
        == 404  # another institution does not see the victim's identity
    )
    response = analyst_client.delete(url, {"reason": "Duplicada"}, content_type="application/json")
    assert response.status_code == 204
    event.refresh_from_db()
    assert event.fatalities == 0
    event_url = f"/api/v1/events/{event.uuid}"
    assert (
        outsider_client.delete(
            event_url, {"reason": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    restore = f"/api/v1/removed/victimas/{victim.uuid}/restore"
    assert analyst_client.post(restore).status_code == 403
    assert coordinator_client.post(restore).status_code == 204
    event.refresh_from_db()
    assert event.fatalities == 1

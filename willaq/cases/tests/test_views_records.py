"""Records added to a case through the web pages: events, victims, actors, news and evidence."""

import datetime as dt
from typing import Any, cast

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import Institution, User
from willaq.cases import services
from willaq.cases.choices import ActorRole, CaseState, VictimOutcome
from willaq.cases.models import Actor, Case, CaseActor, Event, Evidence, NewsItem, Victim
from willaq.testing.factories import ActorFactory, CaseFactory, EventFactory

pytestmark = pytest.mark.django_db


def new_case(**kwargs: Any) -> Case:
    return cast(Case, CaseFactory(**kwargs))


def url(name: str, obj: Any) -> str:
    key = "event_uuid" if isinstance(obj, Event) else "case_uuid"
    if isinstance(obj, Evidence):
        key = "evidence_uuid"
    return reverse(f"cases:{name}", kwargs={key: obj.uuid})


def event_post(**overrides: Any) -> dict[str, Any]:
    data = {
        "event_date": "2025-04-02",
        "date_precision": "1",
        "event_type": "Protests",
        "sub_event_type": "Peaceful protest",
        "protest_form": "road_blockade",
        "actor1": "Protesters (Peru)",
        "inter1": "6",
        "place_department": "020000",
        "place_province": "020100",
        "place_district": "020101",
        "location": "Puente Calicanto",
        "geo_precision": "2",
        "sources": "Radio Huaraz",
        "reported_by": "Monitor 12",
    }
    data.update(overrides)
    return data


@pytest.fixture
def case(owner_institution: Institution) -> Case:
    return new_case(institution=owner_institution, name="Caso de registros")


# --- events ------------------------------------------------------------------------------------


def test_event_form_renders_dependent_selects(analyst_client: Client, case: Case) -> None:
    response = analyst_client.get(url("event_create", case))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_place_department"' in html
    assert 'hx-target="#id_place_province"' in html
    assert 'id="sub-event-parent"' in html
    assert '<optgroup label="Protestas">' in html


@time_machine.travel(dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC), tick=False)
def test_analyst_records_an_event(analyst_client: Client, case: Case) -> None:
    response = analyst_client.post(url("event_create", case), event_post())
    event = Event.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#evento-{event.uuid}")
    assert event.ubigeo.code == "020101"
    assert event.institution == case.institution
    assert event.sources == "Radio Huaraz"
    assert event.protest_form == "road_blockade"


@time_machine.travel(dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC), tick=False)
def test_event_in_the_future_is_refused(analyst_client: Client, case: Case) -> None:
    response = analyst_client.post(url("event_create", case), event_post(event_date="2025-06-02"))
    assert response.status_code == 200
    assert response.context["form"].errors["event_date"] == [
        "La fecha del evento no puede estar en el futuro."
    ]
    assert not Event.objects.exists()


def test_event_sub_type_must_match_type(analyst_client: Client, case: Case) -> None:
    response = analyst_client.post(
        url("event_create", case), event_post(event_type="Riots", sub_event_type="Peaceful protest")
    )
    assert response.status_code == 200
    assert "El subtipo no corresponde al tipo de evento." in response.content.decode()
    assert not Event.objects.exists()


def test_event_needs_a_place(analyst_client: Client, case: Case) -> None:
    response = analyst_client.post(
        url("event_create", case),
        event_post(place_department="", place_province="", place_district=""),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["place_department"]
    assert not Event.objects.exists()


def test_outsider_records_own_event_on_a_registered_case(
    outsider: User, outsider_client: Client, case: Case, other_institution: Institution
) -> None:
    response = outsider_client.post(url("event_create", case), event_post())
    assert response.status_code == 302
    assert Event.objects.get().institution == other_institution


def test_outsider_cannot_add_records_to_a_draft(
    outsider_client: Client, owner_institution: Institution
) -> None:
    draft = new_case(institution=owner_institution, state=CaseState.DRAFT)
    for name in ("event_create", "actor_link", "news_create", "evidence_create"):
        assert outsider_client.get(url(name, draft)).status_code == 404
    assert outsider_client.post(url("event_create", draft), event_post()).status_code == 404
    assert not Event.objects.exists()


def test_anonymous_cannot_add_records(anon_client: Client, case: Case) -> None:
    for name in ("event_create", "actor_link", "news_create", "evidence_create"):
        response = anon_client.get(url(name, case))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


# --- victims -----------------------------------------------------------------------------------


def test_owner_analyst_records_a_victim(analyst_client: Client, case: Case) -> None:
    event = EventFactory(case=case)
    response = analyst_client.post(
        url("victim_create", event),
        {"outcome": VictimOutcome.DEAD, "group": "civilian", "full_name": "Rosa Quispe", "age": 41},
    )
    assert response.status_code == 302
    victim = Victim.objects.get()
    assert victim.full_name == "Rosa Quispe"
    event.refresh_from_db()
    assert event.fatalities == 1


def test_victim_age_is_checked(analyst_client: Client, case: Case) -> None:
    event = EventFactory(case=case)
    response = analyst_client.post(
        url("victim_create", event),
        {"outcome": VictimOutcome.DEAD, "group": "civilian", "age": 300},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["age"]
    assert not Victim.objects.exists()


def test_outsider_cannot_record_victims_of_anothers_event(
    outsider_client: Client, case: Case
) -> None:
    event = EventFactory(case=case)
    response = outsider_client.post(
        url("victim_create", event), {"outcome": VictimOutcome.DEAD, "group": "civilian"}
    )
    assert response.status_code == 403
    assert not Victim.objects.exists()


def test_victims_of_an_invisible_case_are_404(
    outsider_client: Client, owner_institution: Institution
) -> None:
    event = EventFactory(case=new_case(institution=owner_institution, state=CaseState.DRAFT))
    assert outsider_client.get(url("victim_create", event)).status_code == 404


# --- actors ------------------------------------------------------------------------------------


def test_link_a_new_actor(analyst_client: Client, case: Case) -> None:
    response = analyst_client.post(
        url("actor_link", case),
        {
            "new_name": "Frente de Defensa de Huaraz",
            "new_kind": "organisation",
            "new_organisation_type": "defence_front",
            "role": ActorRole.PRIMARY,
            "position": "Exige la paralización del proyecto.",
            "intensity": "4",
        },
    )
    assert response.status_code == 302
    link = CaseActor.objects.get()
    assert link.actor.name == "Frente de Defensa de Huaraz"
    assert link.actor.institution == case.institution
    assert (link.role, link.intensity) == ("primary", 4)
    detail = analyst_client.get(response["Location"]).content.decode()
    assert "Frente de Defensa de Huaraz" in detail
    assert "Primario" in detail


def test_link_an_existing_actor(analyst_client: Client, case: Case) -> None:
    actor = cast(Actor, ActorFactory(name="Empresa Minera Ejemplo", institution=case.institution))
    response = analyst_client.post(
        url("actor_link", case),
        {"actor": str(actor.uuid), "new_kind": "organisation", "role": ActorRole.SECONDARY},
    )
    assert response.status_code == 302
    assert CaseActor.objects.get().actor == actor
    assert Actor.objects.count() == 1


def test_actor_link_needs_an_actor(analyst_client: Client, case: Case) -> None:
    response = analyst_client.post(
        url("actor_link", case), {"new_kind": "organisation", "role": ActorRole.PRIMARY}
    )
    assert response.status_code == 200
    assert "Elija un actor registrado o escriba el nombre de uno nuevo." in (
        response.content.decode()
    )
    assert not CaseActor.objects.exists()


def test_actor_intensity_out_of_range_leaves_no_orphan_actor(
    analyst_client: Client, case: Case
) -> None:
    response = analyst_client.post(
        url("actor_link", case),
        {"new_name": "Sindicato", "new_kind": "organisation", "role": "primary", "intensity": "9"},
    )
    assert response.status_code == 200
    assert not Actor.objects.exists()


# --- news --------------------------------------------------------------------------------------


def test_add_news(analyst_client: Client, case: Case) -> None:
    response = analyst_client.post(
        url("news_create", case),
        {
            "outlet": "Diario Ejemplo",
            "title": "Pobladores bloquean la vía",
            "published_on": "2025-04-03",
            "url": "https://example.pe/nota",
            "region_code": "020000",
        },
    )
    assert response.status_code == 302
    item = NewsItem.objects.get()
    assert list(item.cases.all()) == [case]
    assert item.region is not None
    assert item.region.code == "020000"


@time_machine.travel(dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC), tick=False)
def test_news_from_the_future_is_refused(analyst_client: Client, case: Case) -> None:
    response = analyst_client.post(
        url("news_create", case),
        {"outlet": "Diario", "title": "Mañana", "published_on": "2025-07-01"},
    )
    assert response.status_code == 200
    assert "La fecha no puede estar en el futuro." in response.content.decode()
    assert not NewsItem.objects.exists()


# --- evidence ----------------------------------------------------------------------------------


def pdf(name: str = "acta.pdf", size: int = 0) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * size, content_type="application/pdf")


def test_upload_and_download_evidence(analyst_client: Client, case: Case) -> None:
    response = analyst_client.post(
        url("evidence_create", case),
        {"title": "Acta de reunión", "kind": "document", "keywords": "acta", "file": pdf()},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    download = analyst_client.get(url("evidence_download", evidence))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'attachment; filename="acta.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF-1.4")


def test_oversized_evidence_is_refused(analyst_client: Client, case: Case, settings: Any) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    response = analyst_client.post(
        url("evidence_create", case),
        {"title": "Grande", "kind": "document", "file": pdf(size=1024 * 1024 + 1)},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "El archivo supera el tamaño máximo de 1 MB."
    ]
    assert not Evidence.objects.exists()


def test_wrong_type_evidence_is_refused(analyst_client: Client, case: Case) -> None:
    upload = SimpleUploadedFile("programa.exe", b"MZ\x90\x00", content_type="application/pdf")
    response = analyst_client.post(
        url("evidence_create", case), {"title": "Programa", "kind": "other", "file": upload}
    )
    assert response.status_code == 200
    assert "Tipo de archivo no permitido." in response.content.decode()
    assert not Evidence.objects.exists()


def test_renamed_file_is_refused(analyst_client: Client, case: Case) -> None:
    upload = SimpleUploadedFile("foto.png", b"%PDF-1.4", content_type="image/png")
    response = analyst_client.post(
        url("evidence_create", case), {"title": "Foto", "kind": "photo", "file": upload}
    )
    assert "El contenido del archivo no corresponde a su extensión." in response.content.decode()
    assert not Evidence.objects.exists()


@pytest.fixture
def confidential_evidence(analyst: User, case: Case) -> Evidence:
    return services.add_evidence(
        user=analyst,
        case=case,
        title="Informe reservado",
        kind="study",
        upload=pdf("informe.pdf"),
        is_confidential=True,
    )


def test_outsider_gets_404_for_confidential_evidence(
    outsider_client: Client, analyst_client: Client, confidential_evidence: Evidence
) -> None:
    assert outsider_client.get(url("evidence_download", confidential_evidence)).status_code == 404
    assert analyst_client.get(url("evidence_download", confidential_evidence)).status_code == 200


def test_outsider_downloads_shared_evidence(
    analyst: User, outsider_client: Client, case: Case
) -> None:
    evidence = services.add_evidence(
        user=analyst, case=case, title="Acta pública", kind="document", upload=pdf()
    )
    assert outsider_client.get(url("evidence_download", evidence)).status_code == 200


def test_evidence_of_an_invisible_case_is_404(
    analyst: User, outsider_client: Client, owner_institution: Institution
) -> None:
    draft = new_case(institution=owner_institution, state=CaseState.DRAFT)
    evidence = services.add_evidence(
        user=analyst, case=draft, title="Borrador", kind="document", upload=pdf()
    )
    assert outsider_client.get(url("evidence_download", evidence)).status_code == 404


def test_anonymous_cannot_download(anon_client: Client, confidential_evidence: Evidence) -> None:
    response = anon_client.get(url("evidence_download", confidential_evidence))
    assert response.status_code == 302

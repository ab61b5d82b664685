"""Alerts: the service's rules and bad input, notifications, and every surface (page, CAP
document, Atom feed, API) under the access rule — personas: the issuing institution's
coordinator (DP), a recipient institution's analyst (ONDS), an outsider of a third institution
and an anonymous visitor."""

import datetime as dt
from typing import Any, cast

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from lxml import etree

from willaq.accounts.models import ApiToken, Institution, Notification, Role, User, hash_token
from willaq.audit.models import AuditEvent, AuditLog
from willaq.cases.models import Case
from willaq.earlywarning import cap
from willaq.earlywarning.choices import AlertLevel, AlertMessageType, ReviewState
from willaq.earlywarning.models import Alert, PreAlert
from willaq.earlywarning.services.alerts import (
    AlertInput,
    cancel_alert,
    issue_alert,
    update_alert,
)
from willaq.testing.factories import CaseFactory, InstitutionFactory, PreAlertFactory, member

ATOM = "{http://www.w3.org/2005/Atom}"


def alert_input(**extra: object) -> AlertInput:
    values: dict[str, object] = {
        "level": AlertLevel.YELLOW,
        "urgency": "Expected",
        "certainty": "Likely",
        "headline": "Bloqueo anunciado en Santo Tomás",
        "description": "Los comuneros anuncian el bloqueo del corredor minero.",
        "area_units": ["080701"],
        "is_public": True,
    }
    values.update(extra)
    return AlertInput(**values)  # type: ignore[arg-type]


@pytest.fixture
def stranger(db: None) -> User:
    """A member of a third institution, neither issuing nor recipient."""
    minem = InstitutionFactory(slug="minem", name="Ministerio de Energía y Minas", acronym="MINEM")
    return member(minem, Role.ANALYST, email="otra@minem.gob.pe")


@pytest.fixture
def stranger_client(stranger: User) -> Client:
    client = Client()
    client.force_login(stranger)
    return client


@pytest.fixture
def alerts(coordinator: User, owner_institution: Institution, other_institution: Institution):
    public = issue_alert(coordinator, owner_institution, alert_input())
    restricted = issue_alert(
        coordinator,
        owner_institution,
        alert_input(
            is_public=False,
            recipients=["onds"],
            level=AlertLevel.RED,
            headline="Riesgo de enfrentamiento en Espinar",
            area_units=["080800"],
        ),
    )
    return {"public": public, "restricted": restricted}


def prealert(institution: Institution, state: str) -> PreAlert:
    return cast(PreAlert, PreAlertFactory(institution=institution, state=state))


def _token_client(user: User) -> Client:
    raw = ApiToken.new_raw_value()
    ApiToken.objects.create(user=user, name="t", prefix=raw[:8], token_hash=hash_token(raw))
    return Client(headers={"authorization": f"Bearer {raw}"})


# --- the service ----------------------------------------------------------------------------


def test_issue_writes_the_alert_its_audit_and_notifies_recipients(
    coordinator: User,
    owner_institution: Institution,
    other_institution: Institution,
    outsider: User,
    stranger: User,
    django_capture_on_commit_callbacks: Any,
):
    onds_coordinator = member(other_institution, Role.COORDINATOR, email="coord@onds.gob.pe")
    member(other_institution, Role.REPORTER, email="reportero@onds.gob.pe")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        alert = issue_alert(
            coordinator, owner_institution, alert_input(recipients=["onds"], is_public=False)
        )
    assert len(callbacks) == 1  # one e-mail task for the notifications
    assert Alert.objects.count() == 1
    assert alert.msg_type == AlertMessageType.ALERT
    assert list(alert.recipients.all()) == [other_institution]
    assert [u.code for u in alert.area_units.all()] == ["080701"]
    assert alert.area_description == "Santo Tomás, Chumbivilcas, Cusco"
    logs = AuditLog.objects.filter(event_type=AuditEvent.ALERT_ISSUED)
    assert logs.count() == 1
    assert logs.get().target_id == str(alert.uuid)
    # The recipient institution's analyst and coordinator, not its reporter nor strangers.
    notes = Notification.objects.filter(kind="alert.issued")
    assert sorted(n.user.email for n in notes) == sorted([outsider.email, onds_coordinator.email])
    assert all(n.url == f"/alertas/{alert.uuid}/" for n in notes)
    assert {n.title for n in notes} == {
        "Alerta Amarilla (riesgo): Bloqueo anunciado en Santo Tomás"
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted([outsider.email, onds_coordinator.email])
    assert not Notification.objects.filter(user=stranger).exists()


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"area_units": []}, "area_units", "Una alerta necesita un área"),
        ({"area_units": ["999999"]}, "area_units", "«999999» no es un código ubigeo"),
        ({"area_units": ["lima"]}, "area_units", "«lima» no es un código ubigeo"),
        ({"headline": "x" * 161}, "headline", "como máximo 160"),
        ({"headline": "  "}, "headline", "obligatorio"),
        ({"level": "purple"}, "level", "Valor no permitido"),
        ({"urgency": "Soon"}, "urgency", "Valor no permitido"),
        ({"latitude": -14.4, "longitude": -72.1}, "radius_km", "radio"),
        ({"radius_km": 10.0}, "latitude", "punto"),
        ({"latitude": -14.4}, "longitude", "juntas"),
        ({"latitude": -14.4, "longitude": -72.1, "radius_km": 0.0}, "radius_km", "mayor"),
        ({"polygon": "-14,-72 -14,-71 -15,-71"}, "polygon", "al menos 4 puntos"),
        ({"polygon": "-14,-72 -14,-71 -15,-71 -15,-72"}, "polygon", "repetirse al final"),
        ({"polygon": "a,b c,d e,f a,b"}, "polygon", "latitud,longitud"),
        ({"recipients": ["nadie"]}, "recipients", "Institución desconocida"),
        ({"expires_at": dt.datetime(2000, 1, 1, tzinfo=dt.UTC)}, "expires_at", "futuro"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    coordinator: User,
    owner_institution: Institution,
    extra: dict[str, Any],
    field: str,
    message: str,
):
    with pytest.raises(ValidationError) as caught:
        issue_alert(coordinator, owner_institution, alert_input(**extra))
    assert field in caught.value.message_dict
    assert any(message in text for text in caught.value.message_dict[field])
    assert Alert.objects.count() == 0
    assert not AuditLog.objects.filter(event_type=AuditEvent.ALERT_ISSUED).exists()


def test_only_coordinators_of_the_institution_issue(
    analyst: User, outsider: User, owner_institution: Institution
):
    for user in (analyst, outsider):
        with pytest.raises(PermissionDenied):
            issue_alert(user, owner_institution, alert_input())
    assert Alert.objects.count() == 0


def test_from_prealerts_validated_and_of_the_same_institution(
    coordinator: User, owner_institution: Institution, other_institution: Institution
):
    validated = prealert(owner_institution, ReviewState.VALIDATED)
    received = prealert(owner_institution, ReviewState.RECEIVED)
    foreign = prealert(other_institution, ReviewState.VALIDATED)
    with pytest.raises(ValidationError) as caught:
        issue_alert(coordinator, owner_institution, alert_input(), prealerts=[received])
    assert "no está validada" in caught.value.message_dict["prealerts"][0]
    with pytest.raises(ValidationError) as caught:
        issue_alert(coordinator, owner_institution, alert_input(), prealerts=[foreign])
    assert "otra institución" in caught.value.message_dict["prealerts"][0]
    assert Alert.objects.count() == 0
    alert = issue_alert(coordinator, owner_institution, alert_input(), prealerts=[validated])
    assert list(alert.prealerts.all()) == [validated]


def test_from_a_case_the_user_may_see(
    coordinator: User, owner_institution: Institution, other_institution: Institution
):
    foreign_draft = CaseFactory(institution=other_institution, state="draft")
    with pytest.raises(ValidationError) as caught:
        issue_alert(coordinator, owner_institution, alert_input(), case=foreign_draft)
    assert "case" in caught.value.message_dict
    case = cast(Case, CaseFactory(institution=owner_institution))
    alert = issue_alert(coordinator, owner_institution, alert_input(), case=case)
    assert alert.case == case


def test_a_cancelled_alert_takes_no_more_messages(
    coordinator: User, owner_institution: Institution, other_institution: Institution
):
    original = issue_alert(coordinator, owner_institution, alert_input(recipients=["onds"]))
    update = update_alert(coordinator, original, alert_input(headline="Bloqueo iniciado"))
    with pytest.raises(ValidationError) as caught:
        cancel_alert(coordinator, original, "  ")
    assert "reason" in caught.value.message_dict
    cancellation = cancel_alert(coordinator, update, "Acta de acuerdos firmada.")
    assert cancellation.references == original
    assert cancellation.is_public
    assert list(cancellation.recipients.all()) == [other_institution]
    for target in (original, update, cancellation):
        with pytest.raises(ValidationError) as caught:
            update_alert(coordinator, target, alert_input())
        assert "cancelada" in caught.value.messages[0]
        with pytest.raises(ValidationError):
            cancel_alert(coordinator, target, "otra vez")
    assert Alert.objects.count() == 3
    assert [
        AuditLog.objects.filter(event_type=code).count()
        for code in (AuditEvent.ALERT_ISSUED, AuditEvent.ALERT_UPDATED, AuditEvent.ALERT_CANCELLED)
    ] == [1, 1, 1]
    assert Notification.objects.filter(kind="alert.cancelled").count() == 0  # ONDS has no members


def test_follow_ups_only_by_the_issuing_coordinators(
    alerts: dict[str, Alert], outsider: User, analyst: User
):
    for user in (outsider, analyst):
        with pytest.raises(PermissionDenied):
            update_alert(user, alerts["restricted"], alert_input())
        with pytest.raises(PermissionDenied):
            cancel_alert(user, alerts["restricted"], "No")
    assert Alert.objects.count() == 2


# --- pages, CAP, feed, API: the access rule -------------------------------------------------


def _urls(alert: Alert) -> list[str]:
    return [f"/alertas/{alert.uuid}/", f"/alertas/{alert.uuid}/cap.xml"]


def test_restricted_alert_is_404_to_strangers_and_anonymous(
    alerts: dict[str, Alert], stranger_client: Client, anon_client: Client, stranger: User
):
    restricted = alerts["restricted"]
    for client in (stranger_client, anon_client):
        for url in _urls(restricted):
            assert client.get(url).status_code == 404, url
        assert client.get(f"/api/v1/alerts/{restricted.uuid}").status_code == 404
        for url in (
            f"/alertas/{restricted.uuid}/actualizar/",
            f"/alertas/{restricted.uuid}/cancelar/",
        ):
            assert client.get(url).status_code in (302, 404)
    assert _token_client(stranger).get(f"/api/v1/alerts/{restricted.uuid}").status_code == 404
    listed = anon_client.get("/api/v1/alerts").json()
    assert [item["uuid"] for item in listed["items"]] == [str(alerts["public"].uuid)]
    page = stranger_client.get("/alertas/").content.decode()
    assert "Espinar" not in page
    assert "Santo Tomás" in page


def test_restricted_alert_is_read_by_the_recipient_and_the_issuer(
    alerts: dict[str, Alert], outsider_client: Client, coordinator_client: Client, outsider: User
):
    restricted = alerts["restricted"]
    for client in (outsider_client, coordinator_client):
        page = client.get(f"/alertas/{restricted.uuid}/")
        assert page.status_code == 200
        assert "Riesgo de enfrentamiento en Espinar" in page.content.decode()
        document = client.get(f"/alertas/{restricted.uuid}/cap.xml")
        assert document.status_code == 200
        assert document["Content-Type"] == "application/cap+xml"
        assert cap.cap_schema().validate(etree.fromstring(document.content))
        listed = client.get("/alertas/?visibility=restringida").content.decode()
        assert "Espinar" in listed
        assert "Santo Tomás" not in listed
    body = _token_client(outsider).get(f"/api/v1/alerts/{restricted.uuid}").json()
    assert body["is_public"] is False
    assert body["recipients"] == ["onds"]
    assert body["severity"] == "Extreme"
    assert body["cap_url"] == f"http://testserver/alertas/{restricted.uuid}/cap.xml"
    listed = _token_client(outsider).get("/api/v1/alerts?public=false").json()
    assert listed["count"] == 1


def test_public_alert_is_read_without_login(alerts: dict[str, Alert], anon_client: Client):
    public = alerts["public"]
    page = anon_client.get(f"/alertas/{public.uuid}/")
    assert page.status_code == 200
    assert "Bloqueo anunciado en Santo Tomás" in page.content.decode()
    document = anon_client.get(f"/alertas/{public.uuid}/cap.xml")
    assert document.status_code == 200
    assert cap.cap_schema().validate(etree.fromstring(document.content))
    body = anon_client.get(f"/api/v1/alerts/{public.uuid}").json()
    assert body["identifier"] == public.identifier
    assert body["area_units"] == ["080701"]
    # A wrong token is refused, never read as an anonymous visitor.
    bad = Client(headers={"authorization": "Bearer nope"})
    assert bad.get(f"/api/v1/alerts/{public.uuid}").status_code == 401


def test_atom_feed_lists_public_alerts_with_their_cap_links(
    alerts: dict[str, Alert], coordinator: User, anon_client: Client
):
    update = update_alert(coordinator, alerts["public"], alert_input(headline="Bloqueo iniciado"))
    response = anon_client.get("/alertas/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2  # the public alert and its update; never the restricted one
    assert "Espinar" not in response.content.decode()
    expected = [update, alerts["public"]]  # newest first
    for entry, alert in zip(entries, expected, strict=True):
        links = entry.findall(f"{ATOM}link")
        cap_links = [link for link in links if link.get("type") == "application/cap+xml"]
        assert len(cap_links) == 1
        assert cap_links[0].get("rel") == "alternate"
        assert cap_links[0].get("href") == f"http://testserver/alertas/{alert.uuid}/cap.xml"
        html = [link.get("href") for link in links if link.get("type") != "application/cap+xml"]
        assert html == [f"http://testserver/alertas/{alert.uuid}/"]
        assert entry.findtext(f"{ATOM}id") == f"urn:willaq:alert:{alert.identifier}"
        # Each CAP link answers a valid document.
        document = anon_client.get(cap_links[0].get("href").removeprefix("http://testserver"))
        assert cap.cap_schema().validate(etree.fromstring(document.content))


def test_list_filters(alerts: dict[str, Alert], coordinator: User, coordinator_client: Client):
    cancel_alert(coordinator, alerts["public"], "Se levantó la medida.")

    def headlines(query: str) -> list[str]:
        response = coordinator_client.get(f"/alertas/?{query}")
        assert response.status_code == 200
        return [alert.headline for alert, _state in response.context["rows"]]

    assert len(headlines("")) == 3
    assert headlines("level=red") == ["Riesgo de enfrentamiento en Espinar"]
    assert headlines("state=active") == ["Riesgo de enfrentamiento en Espinar"]
    assert len(headlines("state=cancelled")) == 2
    assert headlines("department=080000&msg_type=Cancel") == [
        "Cancelada: Bloqueo anunciado en Santo Tomás"
    ]
    assert headlines("department=150000") == []
    assert len(headlines("visibility=publica")) == 2
    partial = coordinator_client.get("/alertas/?level=red", headers={"HX-Request": "true"})
    assert b"<html" not in partial.content
    api = _token_client(coordinator)
    assert api.get("/api/v1/alerts?state=cancelled").json()["count"] == 2
    assert api.get("/api/v1/alerts?msg_type=Cancel").json()["count"] == 1
    assert api.get("/api/v1/alerts?department=080000").json()["count"] == 3
    assert api.get("/api/v1/alerts?since=2099-01-01T00:00:00Z").json()["count"] == 0
    assert api.get("/api/v1/alerts?level=purple").status_code == 422


# --- the forms ------------------------------------------------------------------------------


def test_issue_form_prefilled_from_prealerts(
    coordinator: User,
    coordinator_client: Client,
    owner_institution: Institution,
    other_institution: Institution,
):
    validated = prealert(owner_institution, ReviewState.VALIDATED)
    url = f"/alertas/nueva/?prealertas={validated.uuid}"
    form = coordinator_client.get(url)
    assert form.status_code == 200
    assert form.context["form"].initial["area_units"] == "080701"
    assert "corredor minero" in form.context["form"].initial["description"]
    response = coordinator_client.post(
        url,
        {
            "institution": owner_institution.pk,
            "level": "orange",
            "urgency": "Expected",
            "certainty": "Likely",
            "headline": "Paro indefinido",
            "description": "Paro anunciado.",
            "area_units": "080701, 080700",
            "recipients": [other_institution.pk],
            "is_public": "on",
        },
    )
    alert = Alert.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/alertas/{alert.uuid}/"
    assert list(alert.prealerts.all()) == [validated]
    assert sorted(u.code for u in alert.area_units.all()) == ["080700", "080701"]


def test_issue_form_shows_service_errors(
    coordinator_client: Client, owner_institution: Institution
):
    response = coordinator_client.post(
        "/alertas/nueva/",
        {
            "institution": owner_institution.pk,
            "level": "orange",
            "urgency": "Expected",
            "certainty": "Likely",
            "headline": "Sin área",
            "description": "—",
            "area_units": "",
        },
    )
    assert response.status_code == 200
    assert "Una alerta necesita un área" in str(response.context["form"].errors["area_units"])
    assert Alert.objects.count() == 0


def test_issue_form_is_for_coordinators(analyst_client: Client, anon_client: Client):
    assert analyst_client.get("/alertas/nueva/").status_code == 403
    assert anon_client.get("/alertas/nueva/").status_code == 302


def test_update_and_cancel_pages(
    alerts: dict[str, Alert], coordinator_client: Client, outsider_client: Client
):
    original = alerts["restricted"]
    assert outsider_client.get(f"/alertas/{original.uuid}/actualizar/").status_code == 403
    form = coordinator_client.get(f"/alertas/{original.uuid}/actualizar/")
    assert form.status_code == 200
    data = {
        key: value
        for key, value in form.context["form"].initial.items()
        if value not in (None, "") and key != "recipients"
    }
    data |= {"headline": "Enfrentamiento en curso", "is_public": ""}
    data["recipients"] = [i.pk for i in original.recipients.all()]
    response = coordinator_client.post(f"/alertas/{original.uuid}/actualizar/", data)
    update = Alert.objects.get(msg_type=AlertMessageType.UPDATE)
    assert response["Location"] == f"/alertas/{update.uuid}/"
    assert update.references == original
    assert not update.is_public
    page = coordinator_client.get(f"/alertas/{update.uuid}/").content.decode()
    assert "Mensajes de esta alerta" in page
    assert original.headline in page
    assert (
        coordinator_client.post(f"/alertas/{original.uuid}/cancelar/", {"reason": ""}).status_code
        == 200
    )
    response = coordinator_client.post(
        f"/alertas/{original.uuid}/cancelar/", {"reason": "Diálogo instalado."}
    )
    cancellation = Alert.objects.get(msg_type=AlertMessageType.CANCEL)
    assert response["Location"] == f"/alertas/{cancellation.uuid}/"
    again = coordinator_client.get(f"/alertas/{original.uuid}/actualizar/")
    assert again.status_code == 302
    assert Alert.objects.count() == 4


@pytest.mark.parametrize(
    "since",
    [
        "9999-12-31T23:59:59",
        "9999-12-31T23:59:59-12:00",
        "0001-01-01",
        "0001-01-01T00:00:00+14:00",
        "2025-04-01T00:00:00",
    ],
)
def test_api_since_at_the_calendar_edges(alerts: dict[str, Alert], anon_client: Client, since: str):
    response = anon_client.get("/api/v1/alerts", {"since": since})
    assert response.status_code == 200
    expected = 0 if since.startswith("9999") else 1  # the one public alert
    assert response.json()["count"] == expected

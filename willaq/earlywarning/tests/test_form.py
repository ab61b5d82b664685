"""The phone form /prealertas/nueva/ as a plain HTML form and as the outbox's JSON endpoint:
who may use it, validation in Spanish next to the fields, exactly one pre-alert per client id,
photos; and "Mis prealertas" as the sender reads it."""

import io
import json
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from willaq.accounts.models import Institution, Role, User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.earlywarning.choices import Channel, ReviewState
from willaq.earlywarning.models import PreAlert, PreAlertAttachment
from willaq.testing.factories import MembershipFactory, member

pytestmark = pytest.mark.django_db

URL = "/prealertas/nueva/"
MINE = "/prealertas/mias/"
JSON = {"HTTP_ACCEPT": "application/json"}


def _photo(kind: str = "JPEG", name: str = "foto.jpg", size: int = 32) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), (200, 30, 30)).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def _data(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "client_id": str(uuid.uuid4()),
        "place_department": "080000",
        "place_province": "080700",
        "place_district": "080701",
        "location": "Comunidad de Huarca",
        "occurred_on": "2026-11-20",
        "description": "Comuneros bloquean la vía de acceso a la mina.",
        "actors": "Comunidad campesina de Huarca; empresa minera",
        "demands": "Agua limpia",
        "measures": "Paro indefinido",
        "measures_date": "2026-11-25",
        "urgency": "high",
    }
    data.update(extra)
    return data


# --- who -----------------------------------------------------------------------------------------


def test_anonymous_goes_to_login_and_json_gets_401(anon_client: Client) -> None:
    response = anon_client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert anon_client.get(MINE).status_code == 302
    response = anon_client.post(URL, _data(), **JSON)
    assert response.status_code == 401
    assert "inicie sesión" in response.json()["detail"]
    assert PreAlert.objects.count() == 0


def test_a_role_that_may_not_submit_gets_403(owner_institution: Institution) -> None:
    facilitator = member(owner_institution, Role.FACILITATOR, email="facil@dp.gob.pe")
    client = Client()
    client.force_login(facilitator)
    assert client.get(URL).status_code == 403
    assert client.get(MINE).status_code == 403
    response = client.post(URL, _data(), **JSON)
    assert response.status_code == 403
    assert response.json()["detail"] == "Su cuenta no puede enviar prealertas."
    assert PreAlert.objects.count() == 0
    # Nor does the menu offer it.
    page = client.get("/").content.decode()
    assert "Nueva prealerta" not in page


def test_the_reporter_gets_the_form(reporter_client: Client) -> None:
    response = reporter_client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    # One institution: chosen without asking; a client id made by the server for no-JS use.
    assert 'type="hidden" name="institution"' in page
    client_id = response.context["form"].initial["client_id"]
    assert str(uuid.UUID(client_id)) == client_id
    assert f'value="{client_id}"' in page
    assert 'rel="manifest" href="/prealertas/manifest.webmanifest"' in page
    assert 'enctype="multipart/form-data"' in page
    assert 'accept="image/jpeg,image/png,image/webp"' in page
    assert page.count('href="/prealertas/nueva/"') == 1  # the menu
    assert page.count('href="/prealertas/mias/"') == 2  # the menu and the outbox box
    # No inline script or style (the CSP allows neither): only a JSON data block.
    assert "<script>" not in page
    assert "style=" not in page
    assert page.count('<script id="prealert-strings" type="application/json">') == 1
    # Departments are in the page; provinces and districts come from the territory list.
    assert response.context["form"].fields["place_department"].widget.choices[1:26] != []
    assert "hx-get" not in page.split("<main", 1)[1]


def test_the_outbox_asks_for_the_token_and_account(
    reporter_client: Client, field_reporter: User
) -> None:
    response = reporter_client.get(URL, **JSON)
    assert response.status_code == 200
    body = response.json()
    assert body["user"] == str(field_reporter.uuid)
    assert len(body["csrf_token"]) == 64
    assert "no-store" in response["Cache-Control"]
    assert "Accept" in response["Vary"]


# --- sending -------------------------------------------------------------------------------------


def test_a_valid_form_makes_one_prealert_and_a_resubmit_none(
    reporter_client: Client, field_reporter: User, owner_institution: Institution
) -> None:
    data = _data()
    response = reporter_client.post(URL, data)
    assert response.status_code == 302
    assert response["Location"] == MINE
    prealert = PreAlert.objects.get()
    assert prealert.channel == Channel.WEB
    assert prealert.client_id == data["client_id"]
    assert prealert.institution == owner_institution
    assert prealert.submitted_by == field_reporter
    assert prealert.reporter is not None
    assert prealert.reporter.user == field_reporter
    assert prealert.sender == field_reporter.email
    assert prealert.ubigeo is not None
    assert prealert.ubigeo.code == "080701"
    assert prealert.department_code == "080000"
    assert prealert.urgency == "high"
    assert str(prealert.measures_date) == "2026-11-25"
    assert prealert.state == ReviewState.RECEIVED
    raw = json.loads(prealert.raw_payload)
    assert raw["fields"]["description"] == data["description"]
    assert "csrfmiddlewaretoken" not in raw["fields"]
    assert raw["photos"] == []
    assert AuditLog.objects.filter(event_type=AuditEvent.PREALERT_RECEIVED).count() == 1

    # The same submission again (a retry, a double tap): nothing new.
    again = reporter_client.post(URL, data, follow=True)
    assert again.status_code == 200
    assert "ya había sido recibida" in again.content.decode()
    assert PreAlert.objects.count() == 1
    assert AuditLog.objects.filter(event_type=AuditEvent.PREALERT_RECEIVED).count() == 1


def test_json_answers_201_then_200_for_the_same_client_id(reporter_client: Client) -> None:
    data = _data()
    first = reporter_client.post(URL, data, **JSON)
    assert first.status_code == 201
    body = first.json()
    assert body["created"] is True
    assert body["client_id"] == data["client_id"]
    second = reporter_client.post(URL, data, **JSON)
    assert second.status_code == 200
    assert second.json()["created"] is False
    assert second.json()["uuid"] == body["uuid"]
    assert PreAlert.objects.count() == 1


def test_by_the_phones_location_without_a_place(reporter_client: Client) -> None:
    data = _data(place_department="", place_province="", place_district="")
    data |= {"latitude": "-14.7929", "longitude": "-71.4110"}
    response = reporter_client.post(URL, data, **JSON)
    assert response.status_code == 201
    prealert = PreAlert.objects.get()
    assert prealert.ubigeo is None
    assert (prealert.latitude, prealert.longitude) == (-14.7929, -71.411)


def test_errors_are_in_spanish_next_to_the_fields(reporter_client: Client) -> None:
    data = _data(description="  ", place_department="", place_province="", place_district="")
    response = reporter_client.post(URL, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Revise los campos marcados." in page
    assert "Este campo es obligatorio." in page
    form = response.context["form"]
    assert set(form.errors) == {"description"}
    # With a description, the intake asks for the place, shown on the department select.
    response = reporter_client.post(URL, data | {"description": "Bloqueo de vía"})
    assert response.context["form"].errors == {
        "place_department": [
            "Indique el lugar (departamento, provincia, distrito) o la ubicación del teléfono."
        ]
    }
    assert PreAlert.objects.count() == 0


def test_json_errors_name_the_fields(reporter_client: Client) -> None:
    data = _data(place_province="150100", measures_date="mañana", latitude="200")
    response = reporter_client.post(URL, data, **JSON)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Revise los campos marcados."
    assert set(body["errors"]) == {"measures_date", "latitude", "place_province"}
    assert body["errors"]["place_province"] == [
        "No pertenece al lugar elegido en el nivel superior."
    ]
    assert PreAlert.objects.count() == 0


def test_a_bad_client_id_is_refused(reporter_client: Client) -> None:
    response = reporter_client.post(URL, _data(client_id="1; DROP TABLE"), **JSON)
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "client_id": ["Identificador de envío no válido: vuelva a cargar el formulario."]
    }
    assert PreAlert.objects.count() == 0


def test_someone_elses_client_id_creates_nothing_and_reveals_nothing(
    reporter_client: Client, analyst_client: Client
) -> None:
    data = _data()
    assert analyst_client.post(URL, data, **JSON).status_code == 201
    response = reporter_client.post(URL, data | {"description": "Otra cosa"}, **JSON)
    assert response.status_code == 409
    assert set(response.json()) == {"detail", "errors"}
    assert PreAlert.objects.count() == 1


def test_no_js_refresh_shows_the_provinces_and_sends_nothing(reporter_client: Client) -> None:
    response = reporter_client.post(
        URL, _data(place_province="", place_district="", refresh_places="1")
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {}
    choices = dict(response.context["form"].fields["place_province"].widget.choices)
    assert choices["080700"] == "Chumbivilcas"
    assert len(choices) == 14  # Cusco's 13 provinces and the blank
    assert PreAlert.objects.count() == 0


# --- photos --------------------------------------------------------------------------------------


def test_photos_are_kept_with_their_type_and_repeated_names_numbered(
    reporter_client: Client,
) -> None:
    photos = [
        _photo("JPEG", "image.jpg"),
        _photo("JPEG", "image.jpg"),
        _photo("PNG", "mapa.png"),
        _photo("WEBP", "vista.webp"),
    ]
    response = reporter_client.post(URL, _data(photos=photos), **JSON)
    assert response.status_code == 201
    attachments = PreAlertAttachment.objects.order_by("name")
    assert [(a.name, a.content_type) for a in attachments] == [
        ("image (2).jpg", "image/jpeg"),
        ("image.jpg", "image/jpeg"),
        ("mapa.png", "image/png"),
        ("vista.webp", "image/webp"),
    ]
    assert all(a.size > 50 and a.file.size == a.size for a in attachments)
    raw = json.loads(PreAlert.objects.get().raw_payload)
    assert len(raw["photos"]) == 4


@pytest.mark.parametrize(
    ("photos", "message"),
    [
        (
            [SimpleUploadedFile("nota.jpg", b"no es una foto", content_type="image/jpeg")],
            "«nota.jpg»: solo se aceptan fotos JPEG, PNG o WebP.",
        ),
        ([_photo(name=f"f{i}.jpg") for i in range(6)], "Admite como máximo 5 fotos."),
        (
            [SimpleUploadedFile("grande.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024))],
            "«grande.jpg» pesa más de 5 MB.",
        ),
    ],
)
def test_photos_out_of_limits_are_refused(
    reporter_client: Client, photos: list[SimpleUploadedFile], message: str
) -> None:
    response = reporter_client.post(URL, _data(photos=photos))
    assert response.status_code == 200
    assert response.context["form"].errors == {"photos": [message]}
    assert PreAlert.objects.count() == 0
    assert PreAlertAttachment.objects.count() == 0


# --- two institutions ---------------------------------------------------------------------------


def test_a_member_of_two_institutions_chooses_and_an_outsider_cannot_send_to_ours(
    analyst: User,
    owner_institution: Institution,
    other_institution: Institution,
    outsider_client: Client,
) -> None:
    MembershipFactory(user=analyst, institution=other_institution, role=Role.REPORTER)
    client = Client()
    client.force_login(analyst)
    page = client.get(URL).content.decode()
    assert '<select name="institution"' in page
    assert page.count("<option value=") >= 2
    response = client.post(URL, _data(institution=str(other_institution.pk)), **JSON)
    assert response.status_code == 201
    assert PreAlert.objects.get().institution == other_institution

    # The other institution's analyst may send only to their own.
    response = outsider_client.post(URL, _data(institution=str(owner_institution.pk)), **JSON)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"institution"}
    assert PreAlert.objects.count() == 1


# --- Mis prealertas ------------------------------------------------------------------------------


def test_my_prealerts_lists_only_mine_as_the_sender_reads_them(
    reporter_client: Client,
    analyst_client: Client,
    outsider_client: Client,
    field_reporter: User,
) -> None:
    assert reporter_client.post(URL, _data(description="Primera del reportero")).status_code == 302
    assert reporter_client.post(URL, _data(description="Segunda del reportero")).status_code == 302
    assert analyst_client.post(URL, _data(description="De la analista")).status_code == 302
    rejected = PreAlert.objects.get(description="Primera del reportero")
    rejected.state = ReviewState.REJECTED
    rejected.rejection_reason = "Hecho ya registrado por otra fuente"
    rejected.review_notes = "Nota interna de la analista"
    rejected.save()

    page = reporter_client.get(MINE)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('class="card prealert-item"') == 2
    assert "2 prealertas enviadas" in html
    assert "Segunda del reportero" in html
    assert "De la analista" not in html
    assert "Rechazada" in html
    assert "Hecho ya registrado por otra fuente" in html
    assert "Nota interna de la analista" not in html  # access.hidden_prealert_fields
    assert "Santo Tomás, Chumbivilcas, Cusco" in html

    # The analyst (a reviewer of the institution) sees only her own here.
    html = analyst_client.get(MINE).content.decode()
    assert html.count('class="card prealert-item"') == 1
    # The other institution's member sent none.
    html = outsider_client.get(MINE).content.decode()
    assert html.count('class="card prealert-item"') == 0
    assert "Todavía no ha enviado prealertas." in html

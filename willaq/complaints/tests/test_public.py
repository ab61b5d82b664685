"""The public form and the tracking page: codes, abuse limits, uploads, what leaks."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from willaq.complaints.choices import ComplaintState
from willaq.complaints.models import Complaint, ComplaintPhoto
from willaq.complaints.services import handling
from willaq.complaints.services.intake import TRACKING_ALPHABET
from willaq.complaints.tests.conftest import PNG, make_complaint

pytestmark = pytest.mark.django_db
NEW = "/denuncias/nueva/"
TRACK = "/denuncias/seguimiento/"


def _post(client: Client, institution, **extra):
    data = {
        "institution": institution.pk,
        "kind": "discharge",
        "description": "Agua con espuma gris cae al río desde el desagüe de la fábrica",
        "place_department": "080000",
        "place_province": "080100",
        "place_district": "080101",
        "complainant_name": "Juana",
        "complainant_contact": "+51 987 654 321",
        "website": "",
        **extra,
    }
    return client.post(NEW, data)


def _code(response) -> str:
    match = re.search(rb"data-tracking-code>([A-Z0-9-]+)<", response.content)
    assert match is not None
    return match.group(1).decode()


def test_form_opens_without_login(anon_client, owner_institution) -> None:
    response = anon_client.get(NEW)
    assert response.status_code == 200
    assert b'name="website"' in response.content


def test_submission_answers_a_readable_code(anon_client, owner_institution) -> None:
    photo = SimpleUploadedFile("rio.png", PNG, content_type="image/png")
    response = _post(anon_client, owner_institution, photos=[photo])
    assert response.status_code == 201
    code = _code(response)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{2}", code)
    assert set(code.replace("-", "")) <= set(TRACKING_ALPHABET)
    assert not set(code) & set("0O1IL")
    complaint = Complaint.objects.get()
    assert complaint.display_code == code
    assert complaint.ubigeo is not None
    assert complaint.ubigeo.code == "080101"
    assert complaint.complainant_contact == "+51987654321"
    assert ComplaintPhoto.objects.filter(complaint=complaint).count() == 1


def test_a_complaint_needs_a_place(anon_client, owner_institution) -> None:
    response = _post(
        anon_client, owner_institution, place_department="", place_province="", place_district=""
    )
    assert response.status_code == 400
    assert "Indique dónde ocurre" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_anonymous_needs_no_identity(anon_client, owner_institution) -> None:
    response = _post(
        anon_client,
        owner_institution,
        is_anonymous="on",
        complainant_name="",
        complainant_contact="",
    )
    assert response.status_code == 201
    assert Complaint.objects.get().is_anonymous


def test_duplicate_returns_the_same_code(anon_client, owner_institution) -> None:
    first = _post(anon_client, owner_institution)
    second = _post(
        anon_client,
        owner_institution,
        description="  agua con ESPUMA gris cae al río desde el desagüe de la fábrica. ",
    )
    assert (first.status_code, second.status_code) == (201, 200)
    assert _code(first) == _code(second)
    assert Complaint.objects.count() == 1


def test_honeypot_saves_nothing_and_keeps_the_text(anon_client, owner_institution) -> None:
    response = _post(anon_client, owner_institution, website="http://spam.example")
    assert response.status_code == 400
    assert Complaint.objects.count() == 0
    assert "Agua con espuma gris" in response.content.decode()


def test_rate_limit_per_address_and_contact(anon_client, owner_institution, settings) -> None:
    settings.WILLAQ_COMPLAINTS_PER_HOUR_PER_ADDRESS = 3
    settings.WILLAQ_COMPLAINTS_PER_HOUR_PER_CONTACT = 2
    for n in range(2):
        assert (
            _post(
                anon_client, owner_institution, description=f"Humo negro número {n} de la chimenea"
            ).status_code
            == 201
        )
    refused = _post(
        anon_client, owner_institution, description="Humo negro otra vez de la chimenea"
    )
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "demasiadas denuncias con este contacto" in body
    assert "Humo negro otra vez" in body  # nothing lost
    assert (
        _post(
            anon_client,
            owner_institution,
            description="Otro caso de humo negro",
            complainant_contact="ana@example.pe",
        ).status_code
        == 201
    )
    by_address = _post(
        anon_client,
        owner_institution,
        description="Cuarto caso de humo negro",
        complainant_contact="otro@example.pe",
    )
    assert by_address.status_code == 429
    assert "desde esta conexión" in by_address.content.decode()
    assert Complaint.objects.count() == 3


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([("big.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024))], "pesa más de 5 MB"),
        ([(f"f{n}.png", PNG) for n in range(6)], "como máximo 5 fotos"),
        ([("foto.jpg", b"#!/bin/sh\nrm -rf /\n")], "no es una foto JPEG o PNG"),
    ],
)
def test_uploads_checked_by_size_count_and_content(
    anon_client, owner_institution, files, message
) -> None:
    uploads = [
        SimpleUploadedFile(name, content, content_type="image/jpeg") for name, content in files
    ]
    response = _post(anon_client, owner_institution, photos=uploads)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "Agua con espuma gris" in body
    assert Complaint.objects.count() == 0


def test_tracking_shows_only_state_and_public_answer(
    anon_client, owner_institution, analyst
) -> None:
    complaint = make_complaint(owner_institution, location="Puente Rosario", occurred_on=None)
    other = make_complaint(
        owner_institution,
        text="Otra denuncia secreta de ruido nocturno",
        complainant_name="Pedro Otro",
    )
    handling.triage(analyst, complaint, admit=True, note="NOTA-INTERNA-XYZ")
    handling.record_inspection(
        analyst, complaint, inspected_on=timezone.localdate(), findings="HALLAZGO-INTERNO-QWE"
    )
    handling.answer(
        analyst,
        complaint,
        public_answer="Se inspeccionó y se multó a la empresa.",
        note="OTRA-NOTA",
    )
    complaint.refresh_from_db()
    response = anon_client.post(TRACK, {"code": complaint.display_code.lower()})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Respondida" in body
    assert "Se inspeccionó y se multó a la empresa." in body
    shown = {"state", "public_answer", "tracking_code"}
    checked = 0
    for field in Complaint._meta.concrete_fields:
        if field.name in shown:
            continue
        value = getattr(complaint, field.attname)
        if value in (None, "", True, False) or isinstance(value, int | float):
            continue
        text = str(value)
        if len(text) < 4:
            continue
        assert text not in body, field.name
        checked += 1
    assert checked >= 10
    for secret in (
        "Juana Denunciante",
        "+51987111222",
        "NOTA-INTERNA-XYZ",
        "HALLAZGO-INTERNO-QWE",
        other.description,
        other.display_code,
        "Pedro Otro",
        owner_institution.name,
    ):
        assert secret not in body


def _result(response) -> str:
    """The page without the per-response CSRF tokens and the typed code."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "", body)
    return re.sub(r'name="code"[^>]*>', "", body)


def test_unknown_and_wrong_code_get_the_same_answer(anon_client, complaint) -> None:
    unknown = anon_client.post(TRACK, {"code": "ABCD-EFGH-JK"})
    wrong = anon_client.post(TRACK, {"code": "zz!"})
    assert unknown.status_code == wrong.status_code == 200
    assert "No encontramos una denuncia con ese código" in unknown.content.decode()
    assert _result(unknown) == _result(wrong)


def test_lookups_are_rate_limited(anon_client, complaint, settings) -> None:
    settings.WILLAQ_COMPLAINTS_LOOKUPS_PER_HOUR = 3
    for _n in range(3):
        assert anon_client.post(TRACK, {"code": "ABCD-EFGH-JK"}).status_code == 200
    refused = anon_client.post(TRACK, {"code": complaint.display_code})
    assert refused.status_code == 429
    assert "Demasiadas consultas" in refused.content.decode()
    assert str(ComplaintState.RECEIVED.label) not in refused.content.decode().split("</form>")[-1]

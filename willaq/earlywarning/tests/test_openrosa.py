"""The OpenRosa server end to end, as ODK Collect talks to it: the form list and the form,
HEAD and multipart POST of a filled-in form with a photo, the same instance resent, the
credentials Collect sends when challenged, and bad input (malformed XML, another form, an
unknown version or place, an oversized photo or request).

Personas: a field reporter of the ombudsman's network (``field_reporter``), an analyst of the
ombudsman with a personal token, an account with no institution, and no credentials."""

import base64
import hashlib
import io
import uuid
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from lxml import etree
from PIL import Image

from willaq.accounts.models import Institution, User
from willaq.accounts.services import create_api_token, revoke_api_token
from willaq.audit.models import AuditEvent, AuditLog
from willaq.earlywarning.choices import Channel, Urgency
from willaq.earlywarning.models import PreAlert, PreAlertAttachment
from willaq.earlywarning.openrosa.responses import RESPONSE_NS, XFORMS_LIST_NS
from willaq.earlywarning.openrosa.submission import MAX_SUBMISSION_BYTES
from willaq.earlywarning.xlsforms.build_xlsform import FORM_ID, FORM_VERSION
from willaq.testing.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _now(time_machine: Any) -> None:
    time_machine.move_to("2025-06-12 15:00 -05:00", tick=False)


FORM_LIST = "/openrosa/formList"
SUBMISSION = "/openrosa/submission"
INSTANCE_ID = "uuid:6f1c2a3e-6d1b-4c55-9d3e-2f7a9b8c1d0e"
PHOTO_NAME = "1749741234567.jpg"
# What Collect (JavaRosa) sends: the instance root with the form's id and version, the answers
# as the form names them, a geopoint left empty, meta with instanceID and instanceName.
INSTANCE = """<?xml version='1.0' ?><data id="{form_id}" version="{version}" \
xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa" \
xmlns:orx="http://openrosa.org/xforms" xmlns:odk="http://www.opendatakit.org/xforms">\
<modo_lugar>territorio</modo_lugar><departamento>080000</departamento>\
<provincia>080100</provincia><distrito>{district}</distrito><ubicacion/>\
<localidad>Comunidad campesina de Huasao</localidad><fecha_hecho>2025-06-11</fecha_hecho>\
<descripcion>Unas 300 personas bloquean el puente de acceso a la mina desde las 6 de la \
mañana; la policía llegó a las 9.</descripcion>\
<actores>Frente de Defensa de Huasao; Minera Andina S.A.C.</actores>\
<demandas>Agua potable y la revisión del estudio de impacto ambiental.</demandas>\
<medidas>Paro indefinido</medidas><fecha_medidas>2025-06-16</fecha_medidas>\
<urgencia>high</urgencia><foto1>{photo}</foto1><foto2/><foto3/><foto4/><foto5/>\
<meta><instanceID>{instance_id}</instanceID><instanceName>Prealerta 2025-06-11</instanceName>\
</meta></data>"""


def instance_xml(
    *,
    form_id: str = FORM_ID,
    version: str = FORM_VERSION,
    instance_id: str = INSTANCE_ID,
    district: str = "080101",
    photo: str = PHOTO_NAME,
) -> bytes:
    return INSTANCE.format(
        form_id=form_id, version=version, instance_id=instance_id, district=district, photo=photo
    ).encode()


def jpeg_bytes(size: tuple[int, int] = (64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


def collect_multipart(xml: bytes, photos: dict[str, bytes]) -> tuple[bytes, str]:
    """The body Collect posts: ``xml_submission_file`` first, then each media file in a part
    named after the file."""
    boundary = "----ODKCollect" + uuid.uuid4().hex
    parts = [("xml_submission_file", "instance.xml", "text/xml", xml)]
    parts += [(name, name, "image/jpeg", content) for name, content in photos.items()]
    body = b""
    for field, filename, content_type, content in parts:
        body += (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    body += f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def basic(email: str, secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{email}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


COLLECT_HEADERS = {"HTTP_X_OPENROSA_VERSION": "1.0", "HTTP_USER_AGENT": "org.odk.collect.android"}


def submit(
    client: Client, auth: dict[str, str], xml: bytes, photos: dict[str, bytes] | None = None
) -> Any:
    body, content_type = collect_multipart(xml, photos or {})
    return client.generic(
        "POST", SUBMISSION, body, content_type=content_type, **COLLECT_HEADERS, **auth
    )


def openrosa_message(response: Any) -> str:
    assert response["X-OpenRosa-Version"] == "1.0"
    assert response["Date"]
    assert response["Content-Type"].startswith("text/xml")
    root = etree.fromstring(response.content)
    assert root.tag == f"{{{RESPONSE_NS}}}OpenRosaResponse"
    messages = root.findall(f"{{{RESPONSE_NS}}}message")
    assert len(messages) == 1
    return messages[0].text or ""


@pytest.fixture
def reporter_auth(field_reporter: User) -> dict[str, str]:
    return basic("reportero@dp.gob.pe", TEST_PASSWORD)


# --- form list and form -------------------------------------------------------------------------


def test_form_list_without_credentials_is_challenged(anon_client: Client) -> None:
    response = anon_client.get(FORM_LIST, **COLLECT_HEADERS)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Basic realm="Willaq"')
    assert "correo" in openrosa_message(response)


def test_form_list_and_form_download(anon_client: Client, reporter_auth: dict[str, str]) -> None:
    response = anon_client.get(FORM_LIST, **COLLECT_HEADERS, **reporter_auth)

    assert response.status_code == 200
    assert response["X-OpenRosa-Version"] == "1.0"
    assert response["Date"]
    root = etree.fromstring(response.content)
    ns = {"x": XFORMS_LIST_NS}
    assert root.tag == f"{{{XFORMS_LIST_NS}}}xforms"
    forms = root.findall("x:xform", ns)
    assert len(forms) == 1
    form = forms[0]
    assert form.findtext("x:formID", namespaces=ns) == FORM_ID
    assert form.findtext("x:version", namespaces=ns) == FORM_VERSION
    assert form.findtext("x:name", namespaces=ns) == "Prealerta de conflicto social"
    assert form.find("x:manifestUrl", ns) is None
    url = form.findtext("x:downloadUrl", namespaces=ns)
    assert url == f"http://testserver/openrosa/forms/{FORM_ID}/form.xml"

    download = anon_client.get(url, **COLLECT_HEADERS, **reporter_auth)

    assert download.status_code == 200
    assert download["X-OpenRosa-Version"] == "1.0"
    md5 = hashlib.md5(download.content, usedforsecurity=False).hexdigest()
    assert form.findtext("x:hash", namespaces=ns) == f"md5:{md5}"
    assert etree.fromstring(download.content).tag == "{http://www.w3.org/1999/xhtml}html"


def test_form_list_filtered_by_form_id(anon_client: Client, reporter_auth: dict[str, str]) -> None:
    other = anon_client.get(FORM_LIST, {"formID": "otro"}, **reporter_auth)
    ours = anon_client.get(FORM_LIST, {"formID": FORM_ID}, **reporter_auth)

    assert len(etree.fromstring(other.content)) == 0
    assert len(etree.fromstring(ours.content)) == 1


def test_unknown_form_download_is_404(anon_client: Client, reporter_auth: dict[str, str]) -> None:
    response = anon_client.get("/openrosa/forms/otro/form.xml", **reporter_auth)

    assert response.status_code == 404
    assert "otro" in openrosa_message(response)


def test_no_trailing_slash_redirect(anon_client: Client) -> None:
    # Collect asks for /openrosa/formList and /openrosa/submission exactly.
    assert anon_client.get(FORM_LIST).status_code == 401
    assert anon_client.head(SUBMISSION).status_code == 401


# --- HEAD ---------------------------------------------------------------------------------------


def test_head_submission(anon_client: Client, reporter_auth: dict[str, str]) -> None:
    response = anon_client.head(SUBMISSION, **COLLECT_HEADERS, **reporter_auth)

    assert response.status_code == 204
    assert response["X-OpenRosa-Version"] == "1.0"
    assert response["X-OpenRosa-Accept-Content-Length"] == str(MAX_SUBMISSION_BYTES)
    assert response["Date"]


def test_head_submission_without_credentials_is_challenged(anon_client: Client) -> None:
    response = anon_client.head(SUBMISSION, **COLLECT_HEADERS)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic ")
    assert response["X-OpenRosa-Version"] == "1.0"


def test_get_submission_is_not_allowed(anon_client: Client, reporter_auth: dict[str, str]) -> None:
    response = anon_client.get(SUBMISSION, **reporter_auth)

    assert response.status_code == 405
    assert openrosa_message(response)


# --- POST ---------------------------------------------------------------------------------------


def test_submission_creates_one_prealert_with_its_photo(
    anon_client: Client,
    reporter_auth: dict[str, str],
    field_reporter: User,
    owner_institution: Institution,
) -> None:
    xml = instance_xml()
    photo = jpeg_bytes()

    response = submit(anon_client, reporter_auth, xml, {PHOTO_NAME: photo})

    assert response.status_code == 201, response.content
    assert response["X-OpenRosa-Accept-Content-Length"] == str(MAX_SUBMISSION_BYTES)
    assert "recibida" in openrosa_message(response)
    assert PreAlert.objects.count() == 1
    prealert = PreAlert.objects.get()
    assert prealert.channel == Channel.ODK
    assert prealert.client_id == INSTANCE_ID
    assert prealert.institution == owner_institution
    assert prealert.reporter == field_reporter.reporter_profile
    assert prealert.submitted_by == field_reporter
    assert prealert.sender == "reportero@dp.gob.pe"
    assert prealert.is_structured is True
    assert prealert.ubigeo is not None
    assert prealert.ubigeo.code == "080101"
    assert prealert.department_code == "080000"
    assert prealert.location == "Comunidad campesina de Huasao"
    assert str(prealert.occurred_on) == "2025-06-11"
    assert prealert.description.startswith("Unas 300 personas bloquean el puente")
    assert prealert.actors == "Frente de Defensa de Huasao; Minera Andina S.A.C."
    assert prealert.demands.startswith("Agua potable")
    assert prealert.measures == "Paro indefinido"
    assert str(prealert.measures_date) == "2025-06-16"
    assert prealert.urgency == Urgency.HIGH
    assert prealert.latitude is None
    assert prealert.raw_payload == xml.decode()
    assert prealert.raw_content_type == "text/xml"
    attachments = list(PreAlertAttachment.objects.filter(prealert=prealert))
    assert len(attachments) == 1
    assert attachments[0].name == PHOTO_NAME
    assert attachments[0].content_type == "image/jpeg"
    assert attachments[0].size == len(photo)
    with attachments[0].file.open("rb") as handle:
        assert handle.read() == photo
    assert AuditLog.objects.filter(event_type=AuditEvent.PREALERT_RECEIVED).count() == 1


def test_resent_instance_is_202_and_creates_nothing(
    anon_client: Client, reporter_auth: dict[str, str]
) -> None:
    xml = instance_xml()
    photo = jpeg_bytes()
    first = submit(anon_client, reporter_auth, xml, {PHOTO_NAME: photo})

    again = submit(anon_client, reporter_auth, xml, {PHOTO_NAME: photo})

    assert first.status_code == 201
    assert again.status_code == 202
    assert "ya había sido recibida" in openrosa_message(again)
    assert PreAlert.objects.count() == 1
    assert PreAlertAttachment.objects.count() == 1
    assert AuditLog.objects.filter(event_type=AuditEvent.PREALERT_RECEIVED).count() == 1


def test_submission_with_the_phone_location(
    anon_client: Client, reporter_auth: dict[str, str]
) -> None:
    xml = (
        instance_xml(photo="")
        .replace(b"<modo_lugar>territorio</modo_lugar>", b"<modo_lugar>gps</modo_lugar>")
        .replace(b"<departamento>080000</departamento>", b"<departamento/>")
        .replace(b"<provincia>080100</provincia>", b"<provincia/>")
        .replace(b"<distrito>080101</distrito>", b"<distrito/>")
        .replace(b"<ubicacion/>", b"<ubicacion>-13.5319 -71.9675 3399.0 4.5</ubicacion>")
    )

    response = submit(anon_client, reporter_auth, xml)

    assert response.status_code == 201, response.content
    prealert = PreAlert.objects.get()
    assert (prealert.latitude, prealert.longitude) == (-13.5319, -71.9675)
    assert prealert.ubigeo is None
    assert PreAlertAttachment.objects.count() == 0


def test_submission_in_the_xforms_namespace(
    anon_client: Client, reporter_auth: dict[str, str]
) -> None:
    # Some clients write the instance in the form's default namespace.
    xml = instance_xml(photo="").replace(b"<data ", b'<data xmlns="http://www.w3.org/2002/xforms" ')

    response = submit(anon_client, reporter_auth, xml)

    assert response.status_code == 201, response.content
    assert PreAlert.objects.get().client_id == INSTANCE_ID


# --- credentials --------------------------------------------------------------------------------


def test_personal_token_as_password(
    anon_client: Client, analyst: User, owner_institution: Institution
) -> None:
    _token, raw = create_api_token(analyst, "Celular de campo")

    response = submit(anon_client, basic("Analista@DP.gob.pe", raw), instance_xml(photo=""))

    assert response.status_code == 201, response.content
    prealert = PreAlert.objects.get()
    assert prealert.institution == owner_institution
    assert prealert.reporter is None
    assert prealert.submitted_by == analyst
    assert prealert.sender == "analista@dp.gob.pe"


def test_revoked_token_and_wrong_password_are_refused(
    anon_client: Client, analyst: User, field_reporter: User
) -> None:
    token, raw = create_api_token(analyst, "Celular perdido")
    revoke_api_token(analyst, token)
    # A token is only good for its own account.
    _other, reporter_token = create_api_token(field_reporter, "Celular de Rosa")
    attempts = [
        basic("analista@dp.gob.pe", raw),
        basic("analista@dp.gob.pe", reporter_token),
        basic("reportero@dp.gob.pe", "no-es-la-clave"),
        basic("nadie@dp.gob.pe", TEST_PASSWORD),
        {"HTTP_AUTHORIZATION": "Basic esto-no-es-base64"},
        {"HTTP_AUTHORIZATION": "Bearer " + raw},
    ]

    responses = [submit(anon_client, auth, instance_xml(photo="")) for auth in attempts]

    assert [r.status_code for r in responses] == [401] * len(attempts)
    for response in responses:
        assert response["WWW-Authenticate"].startswith('Basic realm="Willaq"')
        assert openrosa_message(response)
    assert PreAlert.objects.count() == 0


def test_account_that_may_not_report_is_403(anon_client: Client) -> None:
    UserFactory(email="sin.institucion@example.pe")

    response = submit(
        anon_client, basic("sin.institucion@example.pe", TEST_PASSWORD), instance_xml()
    )
    listing = anon_client.get(FORM_LIST, **basic("sin.institucion@example.pe", TEST_PASSWORD))

    assert response.status_code == 403
    assert "reportero" in openrosa_message(response)
    assert listing.status_code == 403
    assert PreAlert.objects.count() == 0


def test_session_login_is_not_enough(reporter_client: Client) -> None:
    # The endpoints are CSRF-exempt: they must never act on a browser's session.
    response = submit(reporter_client, {}, instance_xml())

    assert response.status_code == 401
    assert PreAlert.objects.count() == 0


def test_locked_account_is_told_in_openrosa(
    anon_client: Client, field_reporter: User, settings: Any
) -> None:
    settings.AXES_ENABLED = True
    wrong = basic("reportero@dp.gob.pe", "no-es-la-clave")
    failures = [
        anon_client.head(SUBMISSION, **wrong).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]

    locked = anon_client.get(FORM_LIST, **basic("reportero@dp.gob.pe", TEST_PASSWORD))

    # The failure that reaches the limit locks the account; the right password then waits.
    assert failures == [401] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert locked.status_code == 429
    assert locked["X-OpenRosa-Version"] == "1.0"
    assert "bloqueada" in openrosa_message(locked)


# --- bad input: answered 4xx, the raw input kept (once) ------------------------------------------


def kept_copy() -> PreAlert:
    assert PreAlert.objects.count() == 1
    prealert = PreAlert.objects.get()
    assert prealert.is_structured is False
    assert prealert.channel == Channel.ODK
    assert prealert.client_id.startswith("sha256:")
    assert prealert.sender == "reportero@dp.gob.pe"
    return prealert


def test_malformed_xml_is_400_and_kept_once(
    anon_client: Client, reporter_auth: dict[str, str], owner_institution: Institution
) -> None:
    xml = instance_xml()[:-40]  # cut off, as a broken upload would

    first = submit(anon_client, reporter_auth, xml)
    again = submit(anon_client, reporter_auth, xml)

    assert (first.status_code, again.status_code) == (400, 400)
    assert "XML" in openrosa_message(first)
    assert "copia" in openrosa_message(again)
    prealert = kept_copy()
    assert prealert.raw_payload == xml.decode()
    assert prealert.institution == owner_institution


def test_entities_are_not_expanded(anon_client: Client, reporter_auth: dict[str, str]) -> None:
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE data [<!ENTITY secreto SYSTEM "file:///etc/passwd">]>'
        + instance_xml().split(b"?>", 1)[1].replace(b"Paro indefinido", b"&secreto;")
    )

    response = submit(anon_client, reporter_auth, xml)

    assert response.status_code == 400
    prealert = kept_copy()
    assert "root:" not in prealert.raw_payload
    assert prealert.measures == ""


def test_unknown_form_id_and_version(anon_client: Client, reporter_auth: dict[str, str]) -> None:
    other_form = submit(anon_client, reporter_auth, instance_xml(form_id="encuesta_agua"))
    old_version = submit(
        anon_client,
        reporter_auth,
        instance_xml(version="2019010101", instance_id="uuid:" + str(uuid.uuid4())),
    )

    assert other_form.status_code == 400
    assert "encuesta_agua" in openrosa_message(other_form)
    assert old_version.status_code == 400
    assert "2019010101" in openrosa_message(old_version)
    assert PreAlert.objects.filter(is_structured=False).count() == 2
    assert PreAlert.objects.count() == 2
    # What could be read is kept for the analyst.
    assert PreAlert.objects.filter(measures="Paro indefinido").count() == 2


def test_unknown_place_is_400_naming_the_question(
    anon_client: Client, reporter_auth: dict[str, str]
) -> None:
    response = submit(anon_client, reporter_auth, instance_xml(district="999999", photo=""))

    assert response.status_code == 400
    assert "Lugar" in openrosa_message(response)
    assert "999999" in openrosa_message(response)
    prealert = kept_copy()
    assert prealert.description.startswith("Unas 300 personas")


def test_oversized_photo_is_413_then_the_corrected_form_arrives(
    anon_client: Client, reporter_auth: dict[str, str]
) -> None:
    big = jpeg_bytes() + b"\0" * (5 * 1024 * 1024)
    too_big = submit(anon_client, reporter_auth, instance_xml(), {PHOTO_NAME: big})

    assert too_big.status_code == 413
    assert PHOTO_NAME in openrosa_message(too_big)
    copy = kept_copy()
    assert copy.attachments.count() == 0

    corrected = instance_xml(photo="1749741299999.jpg")
    fixed = submit(anon_client, reporter_auth, corrected, {"1749741299999.jpg": jpeg_bytes()})

    assert fixed.status_code == 201
    assert PreAlert.objects.count() == 2
    assert PreAlert.objects.get(client_id=INSTANCE_ID).attachments.count() == 1


def test_photo_that_is_not_a_photo(anon_client: Client, reporter_auth: dict[str, str]) -> None:
    response = submit(
        anon_client, reporter_auth, instance_xml(), {PHOTO_NAME: b"MZ\x90\x00 not an image"}
    )

    assert response.status_code == 400
    assert "Fotos" in openrosa_message(response)
    assert kept_copy().attachments.count() == 0


@pytest.mark.parametrize(
    "length", [MAX_SUBMISSION_BYTES + 1, settings.WILLAQ_MAX_REQUEST_BYTES + 1]
)
def test_oversized_request_is_413_unread(
    anon_client: Client, reporter_auth: dict[str, str], length: int
) -> None:
    body, content_type = collect_multipart(instance_xml(), {PHOTO_NAME: jpeg_bytes()})

    response = anon_client.generic(
        "POST",
        SUBMISSION,
        body,
        content_type=content_type,
        CONTENT_LENGTH=str(length),
        **reporter_auth,
    )

    assert response.status_code == 413
    assert "demasiado grande" in openrosa_message(response)
    assert response["X-OpenRosa-Accept-Content-Length"] == str(MAX_SUBMISSION_BYTES)
    assert PreAlert.objects.count() == 0


def test_missing_xml_part(anon_client: Client, reporter_auth: dict[str, str]) -> None:
    response = anon_client.post(SUBMISSION, {"otro": io.BytesIO(b"x")}, **reporter_auth)

    assert response.status_code == 400
    assert "xml_submission_file" in openrosa_message(response)
    assert PreAlert.objects.count() == 0

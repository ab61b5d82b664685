"""A submission from ODK Collect / KoboCollect: the instance XML read safely and mapped to the
intake (:func:`willaq.earlywarning.services.intake.receive_prealert`, channel ``odk``).

Identity: the instance's ``meta/instanceID`` (``uuid:…``) is the client id, so a resent
instance is answered 202 and creates nothing.

**Nothing is ever lost.** A submission from an account that may report whose XML cannot become
a structured pre-alert — malformed XML, another form's id, an unknown version, data the intake
refuses (an unknown place, a future date), a photo too large or not a photo — is still kept: as
an *unstructured* pre-alert (``is_structured=False``) in the queue of the sender's institution,
with the XML as its raw payload, the texts it could read and the photos that pass the checks,
for an analyst to structure or reject. The phone is answered with the 4xx that says what went
wrong (so the form stays on the phone marked as not sent, and the reporter may correct and send
it again). That copy's client id is ``sha256:<digest of the XML>``, not the instanceID: the
same bad XML sent again finds the copy and creates nothing, while the corrected instance (same
instanceID, different XML) is received normally. A request refused before its body is read
(too large by its ``Content-Length``, no valid credentials, an account that may not report)
keeps nothing: there is no body, or no institution to give it to.
"""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from lxml import etree

from willaq.accounts.models import Institution, User
from willaq.earlywarning.choices import Channel
from willaq.earlywarning.models import PreAlert, Reporter
from willaq.earlywarning.openrosa.xlsform import available_forms
from willaq.earlywarning.services.intake import (
    ATTACHMENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    TEXT_LIMITS,
    Attachment,
    find_prealert,
    receive_prealert,
)

# The multipart field that carries the instance (OpenRosa's form submission API).
XML_FIELD = "xml_submission_file"
MAX_XML_BYTES = 1024 * 1024
# The largest request the server takes (advertised as X-OpenRosa-Accept-Content-Length, so
# Collect never needs to split a submission): five photos at their limit, the XML, and room
# for the multipart envelope.
MAX_SUBMISSION_BYTES = MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + MAX_XML_BYTES + 256 * 1024
PHOTO_FIELDS = tuple(f"foto{number}" for number in range(1, MAX_ATTACHMENTS + 1))
# The form's questions → the intake's fields (texts and dates as written by Collect).
FIELD_MAP = {
    "localidad": "location",
    "fecha_hecho": "occurred_on",
    "descripcion": "description",
    "actores": "actors",
    "demandas": "demands",
    "medidas": "measures",
    "fecha_medidas": "measures_date",
    "urgencia": "urgency",
}
# What request.FILES holds.
Upload = UploadedFile[Any]
TEXT_FIELD_MAP = {key: value for key, value in FIELD_MAP.items() if value in TEXT_LIMITS}


class MalformedInstance(Exception):
    """The XML could not be read (not well-formed, a DTD, empty)."""


@dataclass(frozen=True)
class Instance:
    form_id: str
    version: str
    instance_id: str
    # The form's answers by question name (the leaves of the instance, namespaces ignored).
    answers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What to answer the phone: an HTTP status and a message for the reporter."""

    status: int
    message: str
    prealert: PreAlert | None = None
    created: bool = False


def parse_instance(raw: bytes) -> Instance:
    """Read an instance XML without entities, DTDs or network access."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(raw, parser)
    except (etree.XMLSyntaxError, ValueError) as error:
        raise MalformedInstance(str(error)) from error
    if root is None:
        raise MalformedInstance("empty document")
    if root.getroottree().docinfo.doctype:
        raise MalformedInstance("a DOCTYPE is not allowed")
    answers: dict[str, str] = {}
    instance_id = ""
    for element in root.iter(etree.Element):
        if element is root or len(element):
            continue
        name = etree.QName(element).localname
        text = (element.text or "").strip()
        parent = element.getparent()
        if parent is not None and etree.QName(parent).localname == "meta":
            if name == "instanceID":
                instance_id = text
            continue
        answers.setdefault(name, text)
    return Instance(
        form_id=root.get("id") or "",
        version=root.get("version") or "",
        instance_id=instance_id,
        answers=answers,
    )


def prealert_data(answers: Mapping[str, str]) -> dict[str, Any]:
    """The intake's data from the form's answers."""
    data: dict[str, Any] = {target: answers.get(source, "") for source, target in FIELD_MAP.items()}
    data["ubigeo"] = (
        answers.get("distrito") or answers.get("provincia") or answers.get("departamento") or ""
    )
    # A geopoint is "latitude longitude altitude accuracy".
    point = answers.get("ubicacion", "").split()
    if point:
        data["latitude"] = point[0]
        data["longitude"] = point[1] if len(point) > 1 else ""
    return data


def sniff_image_type(content: bytes) -> str | None:
    """The photo's type from its first bytes (the declared type is the phone's guess)."""
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def _read(upload: Upload) -> Attachment:
    upload.seek(0)
    content = upload.read()
    # The type comes from the content: a file that is not a JPEG, PNG or WebP photo is refused
    # by the intake whatever the phone declared.
    declared = (upload.content_type or "application/octet-stream").split(";")[0].strip()
    sniffed = sniff_image_type(content)
    return Attachment(
        name=(upload.name or "foto")[:200],
        content_type=sniffed or (declared if declared not in ATTACHMENT_TYPES else "unknown"),
        content=content,
    )


def _acceptable(uploads: Sequence[Upload]) -> list[Attachment]:
    """The photos that pass the intake's checks, up to its limit (for a kept copy)."""
    kept: list[Attachment] = []
    names: set[str] = set()
    for upload in uploads:
        if len(kept) == MAX_ATTACHMENTS:
            break
        if (upload.size or 0) > MAX_ATTACHMENT_BYTES:
            continue
        item = _read(upload)
        if item.content_type in ATTACHMENT_TYPES and item.name not in names:
            kept.append(item)
            names.add(item.name)
    return kept


@dataclass(frozen=True)
class Sender:
    user: User
    institution: Institution
    reporter: Reporter | None


def _keep_copy(
    sender: Sender,
    xml: bytes,
    answers: Mapping[str, str],
    uploads: Sequence[Upload],
    *,
    status: int,
    message: str,
) -> Outcome:
    """Keep a submission that could not become a structured pre-alert (see the module's note)."""
    texts = {
        target: answers.get(source, "").replace("\x00", "")[: TEXT_LIMITS[target]]
        for source, target in TEXT_FIELD_MAP.items()
    }
    prealert, _created = receive_prealert(
        channel=Channel.ODK,
        client_id="sha256:" + hashlib.sha256(xml).hexdigest(),
        institution=sender.institution,
        data=texts,
        raw_payload=xml.decode("utf-8", errors="replace"),
        raw_content_type="text/xml",
        submitted_by=sender.user,
        reporter=sender.reporter,
        sender=sender.user.email,
        structured=False,
        attachments=_acceptable(uploads),
    )
    kept = _("Se guardó una copia para que un analista la revise.")
    return Outcome(status=status, message=f"{message} {kept}", prealert=prealert)


# The intake's field names as the form asks them, for the reporter's message.
def _question_label(field_name: str) -> str:
    labels = {
        "ubigeo": _("Lugar"),
        "latitude": _("Ubicación del teléfono"),
        "longitude": _("Ubicación del teléfono"),
        "location": _("Localidad"),
        "occurred_on": _("¿Cuándo ocurrió?"),
        "description": _("¿Qué pasó?"),
        "actors": _("Actores"),
        "demands": _("Demandas"),
        "measures": _("Medidas de protesta anunciadas"),
        "measures_date": _("¿Para cuándo anunciaron las medidas?"),
        "urgency": _("Urgencia"),
        "attachments": _("Fotos"),
        "client_id": _("Identificador del formulario"),
    }
    return labels.get(field_name, field_name)


def _describe(error: ValidationError) -> str:
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    parts = [
        f"{_question_label(name)}: {' '.join(messages)}"
        for name, messages in error.message_dict.items()
    ]
    return "; ".join(parts)


def receive_submission(sender: Sender, xml: bytes, uploads: Sequence[Upload]) -> Outcome:
    """Receive one instance (its XML and the photos sent with it) from an allowed sender."""
    if len(xml) > MAX_XML_BYTES:
        message = _("El formulario pesa %(size)s; el máximo es %(limit)s.") % {
            "size": filesizeformat(len(xml)),
            "limit": filesizeformat(MAX_XML_BYTES),
        }
        return _keep_copy(sender, xml, {}, uploads, status=413, message=message)
    try:
        instance = parse_instance(xml)
    except MalformedInstance:
        message = _("El formulario recibido no es un XML válido.")
        return _keep_copy(sender, xml, {}, uploads, status=400, message=message)
    form = available_forms().get(instance.form_id)
    if form is None:
        message = _("Formulario desconocido: «%(form)s». Descargue los formularios de nuevo.") % {
            "form": instance.form_id[:100]
        }
        return _keep_copy(sender, xml, instance.answers, uploads, status=400, message=message)
    if instance.version not in form.accepted_versions:
        message = _(
            "La versión «%(version)s» del formulario ya no se acepta (la vigente es "
            "«%(current)s»). Descargue el formulario de nuevo."
        ) % {"version": instance.version[:50], "current": form.version}
        return _keep_copy(sender, xml, instance.answers, uploads, status=400, message=message)

    client_id = instance.instance_id or "sha256:" + hashlib.sha256(xml).hexdigest()
    existing = find_prealert(Channel.ODK, client_id)
    if existing is not None:
        return Outcome(
            status=202, message=_("Esta prealerta ya había sido recibida."), prealert=existing
        )

    by_name: dict[str, Upload] = {}
    for upload in uploads:
        by_name.setdefault(upload.name or "", upload)
    photos: list[Attachment] = []
    for question in PHOTO_FIELDS:
        name = instance.answers.get(question, "")
        photo = by_name.get(name) if name else None
        if photo is None:
            continue
        if (photo.size or 0) > MAX_ATTACHMENT_BYTES:
            message = _("La foto «%(name)s» pesa %(size)s; el máximo es %(limit)s.") % {
                "name": name[:100],
                "size": filesizeformat(photo.size or 0),
                "limit": filesizeformat(MAX_ATTACHMENT_BYTES),
            }
            return _keep_copy(sender, xml, instance.answers, uploads, status=413, message=message)
        photos.append(_read(photo))

    try:
        prealert, created = receive_prealert(
            channel=Channel.ODK,
            client_id=client_id,
            institution=sender.institution,
            data=prealert_data(instance.answers),
            raw_payload=xml.decode("utf-8", errors="replace"),
            raw_content_type="text/xml",
            submitted_by=sender.user,
            reporter=sender.reporter,
            sender=sender.user.email,
            attachments=photos,
        )
    except ValidationError as error:
        message = _("La prealerta tiene errores: %(errors)s") % {"errors": _describe(error)}
        return _keep_copy(sender, xml, instance.answers, uploads, status=400, message=message)
    if not created:
        return Outcome(
            status=202, message=_("Esta prealerta ya había sido recibida."), prealert=prealert
        )
    return Outcome(
        status=201,
        message=_("Prealerta recibida. Gracias: un analista la revisará."),
        prealert=prealert,
        created=True,
    )

"""The OpenRosa endpoints, at ``/openrosa/formList``, ``/openrosa/forms/<id>/form.xml`` and
``/openrosa/submission`` (no trailing slash, as Collect asks for them).

They are exempt from CSRF because they take no session: every request authenticates with HTTP
Basic or Digest (``auth.py``), and a request without credentials is challenged. Every answer, errors
included, carries ``X-OpenRosa-Version`` (``responses.py``).
"""

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from lxml import etree

from willaq.accounts.models import User
from willaq.earlywarning.access import submitting_institutions
from willaq.earlywarning.openrosa.auth import authenticate_request, challenges
from willaq.earlywarning.openrosa.responses import (
    XFORMS_LIST_NS,
    challenge_response,
    message_response,
    with_openrosa_headers,
    xml_response,
)
from willaq.earlywarning.openrosa.submission import (
    MAX_SUBMISSION_BYTES,
    XML_FIELD,
    Sender,
    receive_submission,
)
from willaq.earlywarning.openrosa.xlsform import available_forms
from willaq.earlywarning.services.intake import reporter_for_user

READ_METHODS = ("GET", "HEAD")


def _method_not_allowed(allowed: tuple[str, ...]) -> HttpResponse:
    response = message_response(_("Método no permitido."), status=405)
    response["Allow"] = ", ".join(allowed)
    return response


def _sender(request: HttpRequest) -> Sender | HttpResponse:
    """The authenticated sender and the institution that receives their pre-alerts, or the
    answer that refuses the request (401 with a challenge, 429 locked out, 403)."""
    result = authenticate_request(request)
    if result.locked_out:
        # Answered here in OpenRosa's form, not by the login throttling's HTML page.
        request.axes_locked_out = False  # type: ignore[attr-defined]
        return message_response(
            _("Demasiados intentos fallidos: la cuenta está bloqueada por un tiempo."), status=429
        )
    if result.user is None:
        if result.attempted:
            message = _("Correo, contraseña o token incorrectos.")
        else:
            message = _("Inicie sesión con su correo y su contraseña o un token personal.")
        if result.stale:
            message = _("La autenticación caducó: vuelva a enviar.")
        return challenge_response(message, challenges(stale=result.stale))
    user: User = result.user
    reporter = reporter_for_user(user)
    institution = reporter.institution if reporter else submitting_institutions(user).first()
    if institution is None or not institution.is_active:
        return message_response(
            _("Su cuenta no puede enviar prealertas: pida el rol de reportero a su institución."),
            status=403,
        )
    return Sender(user=user, institution=institution, reporter=reporter)


@csrf_exempt
def form_list(request: HttpRequest) -> HttpResponse:
    """OpenRosa's form list (http://openrosa.org/xforms/xformsList)."""
    if request.method not in READ_METHODS:
        return _method_not_allowed(READ_METHODS)
    sender = _sender(request)
    if isinstance(sender, HttpResponse):
        return sender
    wanted = request.GET.get("formID")
    root = etree.Element(f"{{{XFORMS_LIST_NS}}}xforms", nsmap={None: XFORMS_LIST_NS})
    for form in available_forms().values():
        if wanted and wanted != form.form_id:
            continue
        item = etree.SubElement(root, f"{{{XFORMS_LIST_NS}}}xform")
        url = reverse("earlywarning:openrosa-form", kwargs={"form_id": form.form_id})
        for tag, text in (
            ("formID", form.form_id),
            ("name", form.title),
            ("version", form.version),
            ("hash", form.hash),
            (
                "descriptionText",
                _("Prealerta para la red de reporteros de %(institution)s.")
                % {"institution": sender.institution.name},
            ),
            ("downloadUrl", request.build_absolute_uri(url)),
        ):
            etree.SubElement(item, f"{{{XFORMS_LIST_NS}}}{tag}").text = text
    return xml_response(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


@csrf_exempt
def form_xml(request: HttpRequest, form_id: str) -> HttpResponse:
    """The XForm itself, at the form list's ``downloadUrl``."""
    if request.method not in READ_METHODS:
        return _method_not_allowed(READ_METHODS)
    sender = _sender(request)
    if isinstance(sender, HttpResponse):
        return sender
    form = available_forms().get(form_id)
    if form is None:
        return message_response(
            _("Formulario desconocido: «%(form)s».") % {"form": form_id[:100]}, status=404
        )
    return xml_response(form.xml)


def _accept_length(response: HttpResponse) -> HttpResponse:
    response["X-OpenRosa-Accept-Content-Length"] = str(MAX_SUBMISSION_BYTES)
    return response


@csrf_exempt
def submission(request: HttpRequest) -> HttpResponse:
    """HEAD: 204 with the size the server accepts. POST: one filled-in form (multipart,
    ``xml_submission_file`` and its photos) → 201 received, 202 already received, 4xx refused
    (see ``submission.py`` for what is kept)."""
    allowed = ("HEAD", "POST")
    if request.method not in allowed:
        return _accept_length(_method_not_allowed(allowed))
    # Refused from its Content-Length alone, before anything reads the body.
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if length < 0:
        return _accept_length(
            message_response(_("La longitud del contenido no es válida."), status=400)
        )
    if length > MAX_SUBMISSION_BYTES:
        message = _("El envío es demasiado grande (%(size)s); el máximo es %(limit)s.") % {
            "size": filesizeformat(length),
            "limit": filesizeformat(MAX_SUBMISSION_BYTES),
        }
        return _accept_length(message_response(message, status=413))
    sender = _sender(request)
    if isinstance(sender, HttpResponse):
        return _accept_length(sender)
    if request.method == "HEAD":
        return _accept_length(with_openrosa_headers(HttpResponse(status=204)))
    try:
        files = request.FILES
    except (MultiPartParserError, SuspiciousOperation):
        return _accept_length(
            message_response(_("El envío no es un formulario multipart válido."), status=400)
        )
    xml_file = files.get(XML_FIELD)
    if xml_file is None:
        return _accept_length(
            message_response(
                _("Falta el archivo del formulario (%(field)s).") % {"field": XML_FIELD},
                status=400,
            )
        )
    uploads = [upload for name, items in files.lists() if name != XML_FIELD for upload in items]
    outcome = receive_submission(sender, xml_file.read(), uploads)
    nature = "submit_success" if outcome.status in (201, 202) else ""
    return _accept_length(message_response(outcome.message, status=outcome.status, nature=nature))

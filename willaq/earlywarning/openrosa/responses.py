"""OpenRosa's answers: every response carries ``X-OpenRosa-Version: 1.0`` and ``Date``; messages
are ``OpenRosaResponse`` documents (http://openrosa.org/http/response) in the request's
language."""

from django.http import HttpResponse
from django.utils.http import http_date
from lxml import etree

OPENROSA_VERSION = "1.0"
RESPONSE_NS = "http://openrosa.org/http/response"
XFORMS_LIST_NS = "http://openrosa.org/xforms/xformsList"
XML_CONTENT_TYPE = "text/xml; charset=utf-8"


def with_openrosa_headers(response: HttpResponse) -> HttpResponse:
    response["X-OpenRosa-Version"] = OPENROSA_VERSION
    response["Date"] = http_date()
    return response


def xml_response(body: bytes, *, status: int = 200) -> HttpResponse:
    return with_openrosa_headers(HttpResponse(body, status=status, content_type=XML_CONTENT_TYPE))


def message_response(message: str, *, status: int, nature: str = "") -> HttpResponse:
    """An ``OpenRosaResponse`` with one message (Collect shows its text to the user)."""
    root = etree.Element(f"{{{RESPONSE_NS}}}OpenRosaResponse", nsmap={None: RESPONSE_NS})
    element = etree.SubElement(root, f"{{{RESPONSE_NS}}}message")
    if nature:
        element.set("nature", nature)
    element.text = message
    body = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return xml_response(body, status=status)

"""OpenRosa's answers: every response carries ``X-OpenRosa-Version: 1.0`` and ``Date``; messages
are ``OpenRosaResponse`` documents (http://openrosa.org/http/response) in the request's
language."""

from collections.abc import Iterator

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


def _message_body(message: str, nature: str = "") -> bytes:
    root = etree.Element(f"{{{RESPONSE_NS}}}OpenRosaResponse", nsmap={None: RESPONSE_NS})
    element = etree.SubElement(root, f"{{{RESPONSE_NS}}}message")
    if nature:
        element.set("nature", nature)
    element.text = message
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def message_response(message: str, *, status: int, nature: str = "") -> HttpResponse:
    """An ``OpenRosaResponse`` with one message (Collect shows its text to the user)."""
    return xml_response(_message_body(message, nature), status=status)


class ChallengeResponse(HttpResponse):
    """A 401 with several ``WWW-Authenticate`` headers, one per challenge (RFC 9110 §11.6.1).

    Django keeps one value per header name, so ``response["WWW-Authenticate"]`` holds the first
    challenge and :meth:`items`, which the WSGI and ASGI handlers send, adds the others as
    headers of their own: Digest clients such as Collect's read each header as one challenge,
    and would mix up parameters folded into one line."""

    def __init__(self, body: bytes, challenges: list[str]) -> None:
        super().__init__(body, status=401, content_type=XML_CONTENT_TYPE)
        self.challenges = list(challenges)
        self["WWW-Authenticate"] = self.challenges[0]

    def items(self) -> Iterator[tuple[str, str]]:
        yield from super().items()
        for challenge in self.challenges[1:]:
            yield "WWW-Authenticate", challenge


def challenge_response(message: str, challenges: list[str]) -> ChallengeResponse:
    """An ``OpenRosaResponse`` 401 carrying every challenge in ``challenges``, in order."""
    response = ChallengeResponse(_message_body(message), challenges)
    with_openrosa_headers(response)
    return response

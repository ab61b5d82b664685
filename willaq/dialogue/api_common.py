"""What the dialogue API's routers share: the redaction of every row they answer with, the
pagination that applies it, and the parsing of filters that name other objects.

A row goes out through ``redact``: the confidential fields (``access.CONFIDENTIAL_FIELDS``) of a
space the viewer is not an insider of are emptied with ``willaq.cases.access.redacted``; the
flag comes from ``access.with_insider_flag`` (one subquery in the list's own query), and the
schemas read ``viewer_hidden`` to redact what hangs under the row (participants, evidence) and
to leave out the space's calendar URL.
"""

from typing import Any, TypeVar
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError

from willaq.accounts.models import Institution, User
from willaq.cases.access import redacted, visible_cases
from willaq.cases.api import Pagination
from willaq.cases.models import Case
from willaq.dialogue import access
from willaq.dialogue.models import DialogueSpace
from willaq.territory.models import Ubigeo

_M = TypeVar("_M", bound=Model)


def user_of(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise AuthenticationError
    return user


def redact(row: _M) -> _M:
    """The row as its viewer may read it (annotated by ``access.with_insider_flag``)."""
    hidden = access.row_hidden_fields(row)
    clone = redacted(row, hidden)
    clone.viewer_hidden = hidden  # type: ignore[attr-defined]
    return clone


class RedactedPagination(Pagination):
    """The API's limit/offset pagination; each row of the page goes out through ``redact``."""

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["items"] = [redact(row) for row in page["items"]]
        return page


def unknown(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def institution_by_slug(slug: str, field: str = "institution") -> Institution:
    institution = Institution.objects.filter(slug=slug.strip()).first()
    if institution is None:
        raise unknown(field, _("Institución desconocida: «%(slug)s».") % {"slug": slug[:60]})
    return institution


def department_code(code: str, field: str = "department") -> str:
    """A department's 2-digit code as the territory stores it (``department_code``, 6 digits)."""
    full = f"{code}0000"
    if not Ubigeo.objects.departments().filter(code=full).exists():
        raise unknown(field, _("Departamento desconocido: «%(code)s».") % {"code": code})
    return full


def case_by_uuid(user: User, case_uuid: UUID, field: str = "case") -> Case:
    """A case the user may see (an unseen case is as unknown as a missing one)."""
    case = visible_cases(user).filter(uuid=case_uuid).first()
    if case is None:
        raise unknown(field, _("Caso desconocido."))
    return case


def space_by_uuid(user: User, space_uuid: UUID, field: str = "space") -> DialogueSpace:
    space = access.visible_spaces(user).filter(uuid=space_uuid).first()
    if space is None:
        raise unknown(field, _("Espacio de diálogo desconocido."))
    return space

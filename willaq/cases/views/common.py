"""Helpers every page of the registry uses: the signed-in user, a case's address, the record
form page. The views of ``cases``, ``records``, ``actors`` and ``categories`` import them here."""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from willaq.accounts.models import User
from willaq.cases.access import can_add_records, get_case_for_user
from willaq.cases.models import Case, Event

GET_POST = ["GET", "POST"]


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def is_htmx_partial(request: HttpRequest) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def case_url(case: Case, anchor: str = "") -> str:
    url = reverse("cases:detail", kwargs={"case_uuid": case.uuid})
    return f"{url}#{anchor}" if anchor else url


def event_url(event: Event) -> str:
    """Where an event is shown: on its case's page, or on its own page when it has no case."""
    if event.case is not None:
        return case_url(event.case, f"evento-{event.uuid}")
    return reverse("cases:event_detail", kwargs={"event_uuid": event.uuid})


def case_for_records(user: User, case_uuid: UUID) -> Case:
    """The case, if the user may add records (events, actors, news, evidence) to it."""
    case = get_case_for_user(user, case_uuid)
    if not can_add_records(user, case):
        raise PermissionDenied(_("No puede añadir registros a este caso."))
    return case


def record_page(
    request: HttpRequest, case: Case | None, form: Any, title: str, **extra: Any
) -> HttpResponse:
    """The page of one record form about a case (or about an event without a case: pass
    ``event``, the page links back to it)."""
    context = {"case": case, "form": form, "title": title, **extra}
    return render(request, "cases/record_form.html", context)

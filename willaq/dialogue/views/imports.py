"""Commitments imported from a spreadsheet of an acta (issue 9 §3).

1. The space's team uploads an XLSX or CSV; every row is checked (``services.imports``) and the
   report names the row and column of each problem. Nothing is saved.
2. When every row is valid the file is kept in the default storage and the page asks for
   confirmation; the confirmation carries a signed token naming the file, the acta and the user
   (valid one hour), so nobody confirms another person's upload or a file swapped in between.
3. On confirmation the file is checked again and saved all or nothing; the kept copy is deleted.

The acta is fetched through ``access.get_acta_for_user``; only ``can_manage_space`` imports
(403 for anyone else who reads the acta).
"""

import datetime as dt
import uuid
from pathlib import Path
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from willaq.accounts.models import User
from willaq.dialogue import access
from willaq.dialogue.models import Acta
from willaq.dialogue.services import imports

TOKEN_SALT = "willaq.dialogue.commitments-import"  # noqa: S105 — a namespace, not a secret
TOKEN_MAX_AGE = 3600  # seconds between the report and the confirmation
STORAGE_FOLDER = "dialogue/imports"
# Problems listed on the page (a file with more lists the first ones and says how many).
PROBLEMS_SHOWN = 300
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Hoja de cálculo (XLSX o CSV)"),
        help_text=gettext_lazy("Hasta 2000 compromisos y 5 MB. Use la plantilla."),
    )


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _acta_for_import(user: User, acta_uuid: UUID) -> Acta:
    acta = access.get_acta_for_user(user, acta_uuid)
    if not access.can_manage_space(user, acta.session.space):
        raise PermissionDenied(_("Solo el equipo del espacio importa compromisos a sus actas."))
    return acta


def _prune_unconfirmed() -> None:
    """Delete the kept copies of reviews nobody confirmed (their tokens have expired)."""
    limit = timezone.now() - dt.timedelta(seconds=TOKEN_MAX_AGE * 2)
    try:
        _folders, files = default_storage.listdir(STORAGE_FOLDER)
        for name in files:
            stored = f"{STORAGE_FOLDER}/{name}"
            if default_storage.get_modified_time(stored) < limit:
                default_storage.delete(stored)
    except (FileNotFoundError, NotImplementedError):
        return  # nothing kept yet, or a storage that cannot list


def _keep(content: bytes, name: str) -> str:
    _prune_unconfirmed()
    suffix = Path(name).suffix.lower()[:8]
    return default_storage.save(f"{STORAGE_FOLDER}/{uuid.uuid4()}{suffix}", ContentFile(content))


def _page(request: HttpRequest, acta: Acta, **extra: Any) -> HttpResponse:
    context: dict[str, Any] = {
        "acta": acta,
        "space": acta.session.space,
        "form": extra.pop("form", None) or ImportUploadForm(),
        "columns": imports.COLUMNS,
        "max_rows": imports.MAX_ROWS,
        **extra,
    }
    report = context.get("report")
    if report is not None:
        context["problems_shown"] = report.problems[:PROBLEMS_SHOWN]
        context["problems_hidden"] = max(0, len(report.problems) - PROBLEMS_SHOWN)
    return render(request, "dialogue/import_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_commitments(request: HttpRequest, acta_uuid: UUID) -> HttpResponse:
    user = _user(request)
    acta = _acta_for_import(user, acta_uuid)
    if request.method == "POST" and request.POST.get("token"):
        return _confirm(request, user, acta, request.POST["token"])
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if not form.is_bound or not form.is_valid():
        return _page(request, acta, form=form)
    upload = form.cleaned_data["file"]
    name = upload.name or "archivo"
    if upload.size is not None and upload.size > imports.MAX_BYTES:
        form.add_error(
            "file",
            _("El archivo supera el tamaño máximo de %(mb)s MB.")
            % {"mb": imports.MAX_BYTES // 2**20},
        )
        return _page(request, acta, form=form)
    content = upload.read()
    try:
        report = imports.check_import(user, acta, name, content)
    except imports.ImportFileError as exc:
        form.add_error("file", exc.message)
        return _page(request, acta, form=form)
    token = ""
    if report.ok:
        stored = _keep(content, name)
        token = signing.dumps(
            {"acta": str(acta.uuid), "user": user.pk, "stored": stored, "name": name[:200]},
            salt=TOKEN_SALT,
        )
    return _page(request, acta, form=form, report=report, token=token, file_name=name)


def _confirm(request: HttpRequest, user: User, acta: Acta, token: str) -> HttpResponse:
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        messages.error(request, _("La revisión caducó o no es válida: suba el archivo otra vez."))
        return redirect("dialogue:commitments_import", acta.uuid)
    stored = str(data.get("stored", ""))
    if (
        data.get("acta") != str(acta.uuid)
        or data.get("user") != user.pk
        or not stored.startswith(f"{STORAGE_FOLDER}/")
        or not default_storage.exists(stored)
    ):
        messages.error(request, _("La revisión caducó o no es válida: suba el archivo otra vez."))
        return redirect("dialogue:commitments_import", acta.uuid)
    with default_storage.open(stored, "rb") as handle:
        content = handle.read()
    name = str(data.get("name", ""))
    try:
        _report, created = imports.import_commitments(user, acta, name, content)
    except imports.ImportFileError as exc:
        messages.error(request, exc.message)
        return redirect("dialogue:commitments_import", acta.uuid)
    except ValidationError as exc:
        # The acta changed since the report (someone added a clause): nothing was saved.
        default_storage.delete(stored)
        return _page(request, acta, errors=exc.messages, file_name=name)
    default_storage.delete(stored)
    messages.success(
        request,
        _("Se importaron %(count)s compromisos del archivo «%(name)s».")
        % {"count": len(created), "name": name},
    )
    return redirect(reverse("dialogue:acta", kwargs={"acta_uuid": acta.uuid}))


@login_required
@require_GET
def import_template(request: HttpRequest, acta_uuid: UUID) -> HttpResponse:
    acta = _acta_for_import(_user(request), acta_uuid)
    response = HttpResponse(imports.build_template(acta), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="compromisos-plantilla.xlsx"'
    return response


urlpatterns: list[URLPattern] = [
    path("dialogo/actas/<uuid:acta_uuid>/importar/", import_commitments, name="commitments_import"),
    path(
        "dialogo/actas/<uuid:acta_uuid>/importar/plantilla.xlsx",
        import_template,
        name="commitments_import_template",
    ),
]

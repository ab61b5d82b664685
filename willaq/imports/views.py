"""The import page: upload a file, choose how its columns are read, see the dry-run report,
confirm, and follow the import's progress; download either report as CSV, or a template.

Every job is fetched through ``access.get_job_for_user`` (404 for anyone who may not import for
its institution); every change goes through ``services.jobs``."""

import csv
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from willaq.accounts.access import get_institution_for_member_admin
from willaq.cases.forms import apply_service_errors
from willaq.cases.views.common import GET_POST, signed_in_user
from willaq.core.text import fold
from willaq.imports import selectors, services
from willaq.imports.access import get_job_for_user
from willaq.imports.choices import ImportKind, JobStatus, SynonymKind
from willaq.imports.forms import (
    OptionsForm,
    SynonymForm,
    UploadForm,
    importing_institutions,
    target_choices,
)
from willaq.imports.report import PROBLEM_LABELS
from willaq.imports.services import jobs
from willaq.imports.services.progress import read_progress
from willaq.imports.services.steps import importer
from willaq.imports.template import build_template

# Problems listed on the page (all of them are in the CSV download).
PROBLEMS_SHOWN = 200


@login_required
@require_http_methods(GET_POST)
def index(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    institutions = importing_institutions(user)
    if not institutions.exists():
        raise PermissionDenied(_("Solo un coordinador importa casos para su institución."))
    form = UploadForm(request.POST or None, request.FILES or None, user=user)
    if form.is_bound and form.is_valid():
        try:
            job = jobs.start_job(
                user=user,
                institution=form.cleaned_data["institution"],
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("imports:job", job.uuid)
    return render(
        request,
        "imports/index.html",
        {"form": form, "jobs": selectors.recent_jobs(institutions)},
    )


@login_required
@require_http_methods(GET_POST)
def job_detail(request: HttpRequest, job_uuid: UUID) -> HttpResponse:
    user = signed_in_user(request)
    job = get_job_for_user(user, job_uuid)
    if request.method == "POST" and request.POST.get("action") == "confirm":
        try:
            jobs.confirm_job(user=user, job=job)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("imports:job", job.uuid)
    preview = None
    form = None
    if job.status in (JobStatus.UPLOADED, JobStatus.ANALYSED, JobStatus.FAILED):
        preview = jobs.preview(job)
        if not preview.error:
            form = OptionsForm(request.POST or None, job=job, columns=preview.columns)
            if form.is_bound and form.is_valid():
                try:
                    jobs.validate_job(
                        user=user,
                        job=job,
                        mapping=form.mapping(),
                        defaults=form.defaults(),
                        source=form.cleaned_data["source"],
                    )
                except ValidationError as exc:
                    apply_service_errors(form, exc)
                else:
                    return redirect("imports:job", job.uuid)
    report = job.result if job.status == JobStatus.DONE else job.analysis
    return render(
        request,
        "imports/job.html",
        {
            "job": job,
            "preview": preview,
            "form": form,
            "report": report or None,
            "unmatched": _unmatched(job.kind, report or {}),
            "problems": (report or {}).get("problems", [])[:PROBLEMS_SHOWN],
            "problems_hidden": max(0, len((report or {}).get("problems", [])) - PROBLEMS_SHOWN),
            "progress": read_progress(job),
            "statuses": JobStatus,
        },
    )


def _unmatched(kind: str, report: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    """The report's unknown values as (what, value, closest spellings), "what" in words."""
    labels: dict[str, Any] = {**importer(kind).fields, "places": _("lugar")}
    return [
        (str(labels.get(what, what)), value, suggestions)
        for what, values in report.get("unmatched", {}).items()
        for value, suggestions in values.items()
    ]


@login_required
@require_GET
def job_progress(request: HttpRequest, job_uuid: UUID) -> HttpResponse:
    """HTMX, polled every second while a step runs: the progress bar, or — when the step is
    over — a redirect to the job page, which then shows the report."""
    job = get_job_for_user(signed_in_user(request), job_uuid)
    if not job.is_running:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("imports:job", args=[job.uuid])
        return response
    return render(
        request, "imports/partials/progress.html", {"job": job, "progress": read_progress(job)}
    )


@login_required
@require_GET
def job_report_csv(request: HttpRequest, job_uuid: UUID) -> HttpResponse:
    """The report as CSV (UTF-8 with BOM, so Excel opens it right): one line per problem, then
    one per row with what it became."""
    job = get_job_for_user(signed_in_user(request), job_uuid)
    stage = request.GET.get("etapa", "validacion")
    report = job.result if stage == "resultado" else job.analysis
    if not report:
        raise Http404("report")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"informe-{stage}-{job.file_name.rsplit('.', 1)[0]}.csv"
    response["Content-Disposition"] = f'attachment; filename="{_safe(name)}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [_("fila"), _("columna"), _("valor"), _("mensaje"), _("problema"), _("resultado")]
    )
    outcomes = {r["row"]: r for r in report.get("results", [])}
    for problem in report.get("problems", []):
        row = problem.get("row")
        writer.writerow(
            [
                row if row is not None else "",
                problem.get("column", ""),
                problem.get("value", ""),
                problem.get("message", ""),
                str(PROBLEM_LABELS.get(problem.get("code", ""), problem.get("code", ""))),
                outcomes.get(row, {}).get("outcome", ""),
            ]
        )
    for result in report.get("results", []):
        writer.writerow(
            [
                result["row"],
                "",
                result.get("target", ""),
                result.get("reason", ""),
                "",
                result["outcome"],
            ]
        )
    return response


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:120]


@login_required
@require_GET
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    """The XLSX template: the columns the import reads, and a sheet of allowed values."""
    user = signed_in_user(request)
    institution = importing_institutions(user).first()
    if institution is None or kind not in ImportKind.values:
        raise Http404("template")
    content = build_template(kind, institution)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="plantilla-{kind}.xlsx"'
    return response


# --- the institution's own spellings -----------------------------------------------------------

SHARED_SHOWN = 300


def _synonym_kind(request: HttpRequest) -> SynonymKind:
    value = request.GET.get("clase") or request.POST.get("kind") or SynonymKind.TYPOLOGY
    try:
        return SynonymKind(value)
    except ValueError as exc:
        raise Http404("synonym kind") from exc


@login_required
@require_http_methods(GET_POST)
def synonyms_page(request: HttpRequest, slug: str) -> HttpResponse:
    """An institution admin's spellings for the import (they win over the shared ones), by
    kind, with the shared table of that kind below for reference."""
    user = signed_in_user(request)
    institution = get_institution_for_member_admin(user, slug)
    kind = _synonym_kind(request)
    form = SynonymForm(
        request.POST if request.POST.get("action") == "add" else None,
        kind=kind,
        institution=institution,
    )
    url = reverse("imports:synonyms", args=[institution.slug]) + f"?clase={kind.value}"
    if request.method == "POST" and request.POST.get("action") == "remove":
        synonym = (
            selectors.synonyms_for(institution, kind)
            .filter(institution=institution, folded=fold(request.POST.get("text", "")))
            .first()
        )
        if synonym is None:
            raise Http404("synonym")
        services.remove_synonym(user=user, synonym=synonym)
        messages.success(request, _("Sinónimo retirado: «%(text)s».") % {"text": synonym.text})
        return redirect(url)
    if form.is_bound and form.is_valid():
        try:
            added = services.add_synonym(
                user=user,
                institution=institution,
                kind=kind,
                text=form.cleaned_data["text"],
                target=form.cleaned_data["target"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Sinónimo guardado: «%(text)s».") % {"text": added.text})
            return redirect(url)
    labels = dict(target_choices(kind, institution))
    rows = selectors.synonyms_for(institution, kind)
    own = [(s, labels.get(s.target, s.target)) for s in rows.filter(institution=institution)]
    shared = rows.filter(institution=None)
    return render(
        request,
        "imports/synonyms.html",
        {
            "institution": institution,
            "kind": kind,
            "kinds": SynonymKind.choices,
            "form": form,
            "own": own,
            "shared": [(s, labels.get(s.target, s.target)) for s in shared[:SHARED_SHOWN]],
            "shared_count": shared.count(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )

"""The two long steps of an import job, run by Celery (``willaq.imports.tasks``): the dry run
and the confirmed import, through the same ``analyse_cases``/``import_cases`` as the command,
with the same ``ImportOptions``: the web and the command cannot disagree on what a file means."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from willaq.imports.choices import ImportKind, JobStatus, SynonymKind
from willaq.imports.models import ImportJob, ImportRun
from willaq.imports.report import ImportReport
from willaq.imports.services.cases import DEFAULTABLE, analyse_cases, import_cases
from willaq.imports.services.common import ImportOptions, OptionsError
from willaq.imports.services.events import EVENT_DEFAULTABLE, analyse_events, import_events
from willaq.imports.services.progress import ProgressFile
from willaq.imports.vocabulary import CASE_FIELDS, EVENT_FIELDS

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Importer:
    """What one kind of import needs: its dry run, its run, its fields and column synonyms."""

    analyse: Callable[..., ImportReport]
    run: Callable[..., ImportReport]
    fields: dict[str, Any]
    column_kind: SynonymKind
    defaultable: tuple[str, ...]


IMPORTERS: dict[str, Importer] = {
    ImportKind.CASES: Importer(
        analyse_cases,
        import_cases,
        CASE_FIELDS,
        SynonymKind.CASE_COLUMN,
        DEFAULTABLE,
    ),
    ImportKind.EVENTS: Importer(
        analyse_events,
        import_events,
        EVENT_FIELDS,
        SynonymKind.EVENT_COLUMN,
        EVENT_DEFAULTABLE,
    ),
}


def importer(kind: str) -> Importer:
    try:
        return IMPORTERS[kind]
    except KeyError as exc:
        raise ValidationError({"kind": _("Esa clase de importación no existe.")}) from exc


def perform_step(job_id: int, step: str) -> ImportJob:
    """Run the dry run (``analyse``) or the import (``run``) of a job, keeping its report.

    The import itself is one transaction (``import_cases``): if it fails nothing is written,
    and the job says so in Spanish; the error's detail goes to the log."""
    job = ImportJob.objects.select_related("institution", "user").get(pk=job_id)
    expected = JobStatus.ANALYSING if step == "analyse" else JobStatus.IMPORTING
    if job.status != expected:
        return job  # a duplicate delivery of the task: the step already ran
    spec = importer(job.kind)
    progress = ProgressFile(job)
    try:
        options = _options(job)
        if step == "analyse":
            report = spec.analyse(job.file.path, options, progress=progress)
        else:
            report = spec.run(job.file.path, options, progress=progress)
    except (OptionsError, PermissionDenied) as exc:
        return _fail(job, str(getattr(exc, "message", "") or exc))
    except Exception:
        logger.exception("import job %s failed in step %s", job.uuid, step)
        return _fail(
            job,
            _(
                "La importación falló por un error interno y no se guardó nada. Avise al "
                "equipo técnico."
            ),
        )
    progress.finish()
    data = report.to_dict()
    if step == "analyse":
        job.analysis = data
        job.status = JobStatus.ANALYSED
    else:
        job.result = data
        job.status = JobStatus.DONE
        job.run = (
            ImportRun.objects.filter(institution=job.institution, user=job.user)
            .order_by("-started_at")
            .first()
            if report.readable
            else None
        )
    job.save()
    return job


def _fail(job: ImportJob, message: str) -> ImportJob:
    job.status = JobStatus.FAILED
    job.error = message
    job.save(update_fields=["status", "error", "updated_at"])
    return job


def _options(job: ImportJob) -> ImportOptions:
    if job.user is None:
        raise PermissionDenied(_("La cuenta que subió el archivo ya no existe."))
    return ImportOptions(
        institution=job.institution,
        user=job.user,
        file_name=job.file_name,
        defaults=dict(job.options.get("defaults") or {}),
        mapping=dict(job.options.get("mapping") or {}),
        source=str(job.options.get("source") or ""),
    )

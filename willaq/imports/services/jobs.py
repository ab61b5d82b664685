"""The import page's steps for a file uploaded on the web: upload, choose the columns and the
defaults, validate (the dry run) and confirm (the import). The two long steps run in Celery
(``willaq.imports.services.steps``); each writes its progress beside the upload, which the page
polls."""

from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent
from willaq.audit.services import record
from willaq.imports.access import can_import, can_use_job
from willaq.imports.choices import JobStatus
from willaq.imports.models import ImportJob
from willaq.imports.reading import ReadError, stream_table
from willaq.imports.recognition import LayoutError, cell_text, find_layout, parse_overrides
from willaq.imports.report import ImportReport
from willaq.imports.services.progress import clear_progress
from willaq.imports.services.steps import importer
from willaq.imports.tasks import analyse_import_job, run_import_job
from willaq.imports.vocabulary import Vocabulary

# The files the import reads (reading.read_table tells them apart by content, not by name).
ACCEPTED_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods")


@transaction.atomic
def start_job(
    *, user: User, institution: Institution, kind: str, upload: "UploadedFile[bytes]"
) -> ImportJob:
    """Keep an uploaded file as a new job (nothing is read yet beyond its size and name)."""
    importer(kind)  # an unknown kind is refused here
    if not can_import(user, institution, kind):
        raise PermissionDenied(_("No puede importar para esta institución."))
    name = Path(upload.name or "").name
    if not name.lower().endswith(ACCEPTED_SUFFIXES):
        raise ValidationError(
            {
                "file": _("Suba un archivo CSV o una hoja de cálculo (%(kinds)s).")
                % {"kinds": ", ".join(ACCEPTED_SUFFIXES)}
            }
        )
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": _("El archivo está vacío.")})
    limit: int = settings.WILLAQ_IMPORT_MAX_BYTES
    if size > limit:
        raise ValidationError(
            {
                "file": _("El archivo pesa %(size)s; el máximo es %(limit)s.")
                % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
            }
        )
    job = ImportJob(
        kind=kind, institution=institution, user=user, file_name=name[:255], size_bytes=size
    )
    job.file.save(name, upload, save=False)
    job.save()
    record(
        AuditEvent.IMPORT_FILE_UPLOADED,
        job,
        acting_user=user,
        institution=institution,
        diff={"file": job.file_name, "size": size, "kind": kind},
    )
    return job


@dataclass
class ColumnPreview:
    header: str
    target: str  # the field the column is read as ("" or "ignore": not imported)
    samples: list[str] = field(default_factory=list)


@dataclass
class Preview:
    columns: list[ColumnPreview] = field(default_factory=list)
    header_row: int = 0
    rows: int = 0
    rows_more: bool = False
    error: str = ""
    notes: list[str] = field(default_factory=list)


SAMPLES = 3


# The mapping step reads the first rows for the samples and counts at most this many.
SAMPLE_ROWS = 50
COUNT_LIMIT = 100_000


def preview(job: ImportJob) -> Preview:
    """The file's columns as the import reads them (with the user's choices so far) and a few
    values of each: what the mapping step shows. A file that cannot be read says why. Rows are
    read as a stream and counted up to ``COUNT_LIMIT`` (``rows_more`` says there are more)."""
    spec = importer(job.kind)
    report = ImportReport(job.kind, job.file_name, dry_run=True)
    try:
        table = stream_table(job.file.path)
        layout = find_layout(
            table.rows,
            Vocabulary(job.institution),
            spec.column_kind,
            parse_overrides(dict(job.options.get("mapping") or {})),
            spec.fields,
            report,
        )
        first = list(islice(layout.data, SAMPLE_ROWS))
        counted = len(first) + sum(1 for _row in islice(layout.data, COUNT_LIMIT - len(first)))
        more = next(layout.data, None) is not None
    except (ReadError, LayoutError) as exc:
        return Preview(error=exc.message)
    columns = []
    for column in layout.columns:
        samples: list[str] = []
        for row in first:
            if len(samples) >= SAMPLES:
                break
            value = row.values[column.index] if column.index < len(row.values) else None
            text = cell_text(value)
            if text:
                samples.append(text[:80])
        columns.append(ColumnPreview(column.header, column.field, samples))
    return Preview(
        columns=columns,
        header_row=layout.header_row,
        rows=counted,
        rows_more=more,
        notes=list(table.notes),
    )


def _check_driver(user: User, job: ImportJob) -> None:
    if not can_use_job(user, job):
        raise PermissionDenied(_("No puede importar para esta institución."))


@transaction.atomic
def validate_job(
    *,
    user: User,
    job: ImportJob,
    mapping: dict[str, str],
    defaults: dict[str, str],
    source: str = "",
) -> ImportJob:
    """Keep the user's column choices and defaults, and start the dry run in Celery."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    _check_driver(user, job)
    if job.status not in (JobStatus.UPLOADED, JobStatus.ANALYSED, JobStatus.FAILED):
        raise ValidationError(
            {"status": _("Esta importación ya está en curso o terminó: no se puede cambiar.")}
        )
    spec = importer(job.kind)
    errors: dict[str, list[str]] = {}
    for column, target in mapping.items():
        if target and target not in spec.fields:
            errors.setdefault("mapping", []).append(
                _("«%(field)s» no es un campo (columna «%(column)s»).")
                % {"field": target, "column": column}
            )
    for name in defaults:
        if name not in spec.defaultable:
            errors.setdefault("defaults", []).append(
                _("No se puede dar un valor por omisión a «%(field)s».") % {"field": name}
            )
    if errors:
        raise ValidationError(errors)
    job.options = {
        "mapping": {k: v for k, v in mapping.items() if v},
        "defaults": {k: v for k, v in defaults.items() if v},
        "source": source.strip(),
    }
    job.status = JobStatus.ANALYSING
    job.analysis = {}
    job.error = ""
    job.save()
    clear_progress(job)
    _enqueue("analyse", job)
    return job


@transaction.atomic
def confirm_job(*, user: User, job: ImportJob) -> ImportJob:
    """Start the confirmed import of a validated file, in Celery."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    _check_driver(user, job)
    if job.status != JobStatus.ANALYSED:
        raise ValidationError({"status": _("Valide el archivo antes de confirmar la importación.")})
    if not job.analysis.get("readable", False):
        raise ValidationError(
            {"status": _("El archivo no se pudo leer: no hay nada que importar.")}
        )
    job.status = JobStatus.IMPORTING
    job.save(update_fields=["status", "updated_at"])
    clear_progress(job)
    _enqueue("run", job)
    return job


def _enqueue(step: str, job: ImportJob) -> None:
    task = analyse_import_job if step == "analyse" else run_import_job
    transaction.on_commit(lambda: task.delay(job.pk))

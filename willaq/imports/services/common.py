"""What the case and event imports share: their options, reading a file into a layout, and the
record of a confirmed run."""

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent
from willaq.audit.services import record
from willaq.imports.choices import ImportKind, SynonymKind
from willaq.imports.models import ImportRun
from willaq.imports.reading import ReadError, read_table, stream_table
from willaq.imports.recognition import Layout, LayoutError, find_layout, parse_overrides
from willaq.imports.report import ImportReport
from willaq.imports.vocabulary import Vocabulary

Progress = Callable[[int, int], None]


class OptionsError(Exception):
    """Options that cannot work (an unknown field in --default or --map): nothing is read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ImportOptions:
    """What the user chose: the same for the dry run and the confirmed run, so a web flow keeps
    only this and the file between the two steps.

    ``defaults`` are values for what the file lacks, by field name (``{"state": "latent",
    "typology": "otros-asuntos", "start_date": "2004-01-01"}``); ``mapping`` reads a column as a
    field (``{"caso": "description"}``); ``source`` names the system the file's ids come from
    (default: the institution's slug). ``as_of`` is the date of the report the file comes from:
    the changes it brings to known cases, and the states of new cases it gives no end date for,
    take effect then (the month-end figures follow it); without it, at the import's moment."""

    institution: Institution
    user: User
    file_name: str = ""
    defaults: dict[str, str] = field(default_factory=dict)
    mapping: dict[str, str] = field(default_factory=dict)
    source: str = ""
    as_of: dt.date | None = None

    @property
    def id_source(self) -> str:
        return (self.source or self.institution.slug).strip()

    def as_json(self) -> dict[str, Any]:
        return {
            "defaults": self.defaults,
            "mapping": self.mapping,
            "source": self.id_source,
            "as_of": self.as_of.isoformat() if self.as_of else None,
        }

    def effective(self) -> dt.datetime | None:
        """When the file's changes take effect: the end of the ``as_of`` day, or None (now)."""
        if self.as_of is None:
            return None
        if self.as_of > timezone.localdate():
            raise OptionsError(_("La fecha del reporte (--as-of) no puede estar en el futuro."))
        return timezone.make_aware(dt.datetime.combine(self.as_of, dt.time(23, 59)))


def parse_pairs(items: list[str], option: str) -> dict[str, str]:
    """``["state=latent"]`` → ``{"state": "latent"}``, or OptionsError."""
    result = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise OptionsError(
                _("%(option)s «%(item)s»: escriba CAMPO=VALOR.") % {"option": option, "item": item}
            )
        result[key.strip()] = value.strip()
    return result


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def open_layout(
    path: Path,
    options: ImportOptions,
    vocabulary: Vocabulary,
    column_kind: SynonymKind,
    fields: dict[str, Any],
    report: ImportReport,
    *,
    stream: bool = False,
) -> Layout | None:
    """The file's layout, or None with the reason in ``report`` (``readable`` False). With
    ``stream`` the rows are read as they are used (a ``ReadError`` may then come later)."""
    try:
        table = read_table(path) if not stream else stream_table(path)
        report.notes.extend(table.notes)
        return find_layout(
            table.rows,
            vocabulary,
            column_kind,
            parse_overrides(options.mapping),
            fields,
            report,
        )
    except (ReadError, LayoutError) as exc:
        report.readable = False
        report.add(None, "", options.file_name or path.name, exc.message, "file")
        return None


def validation_messages(exc: ValidationError) -> list[tuple[str, str]]:
    """(field, message) pairs of a service's ValidationError."""
    if hasattr(exc, "error_dict"):
        return [
            (key, message) for key, messages in exc.message_dict.items() for message in messages
        ]
    return [("", message) for message in exc.messages]


def record_run(
    kind: ImportKind,
    path: Path,
    options: ImportOptions,
    report: ImportReport,
    started: dt.datetime,
) -> ImportRun:
    """Keep the confirmed run and its report; audit it."""
    run = ImportRun.objects.create(
        kind=kind,
        institution=options.institution,
        user=options.user,
        file_name=(options.file_name or path.name)[:255],
        file_sha256=file_digest(path),
        options=options.as_json(),
        rows=report.rows,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        rejected=report.rejected,
        report=report.to_dict(),
        started_at=started,
        finished_at=timezone.now(),
    )
    record(
        AuditEvent.IMPORT_CASES if kind == ImportKind.CASES else AuditEvent.IMPORT_EVENTS,
        run,
        acting_user=options.user,
        institution=options.institution,
        diff={
            "file": run.file_name,
            "sha256": run.file_sha256,
            "rows": run.rows,
            "created": run.created,
            "updated": run.updated,
            "unchanged": run.unchanged,
            "rejected": run.rejected,
        },
    )
    return run

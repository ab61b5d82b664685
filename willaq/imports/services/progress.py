"""The progress of an import job's running step, in a small file beside its upload.

Not in the database: the import writes in one transaction, which on SQLite holds the only write
lock, and a row updated inside it would not be seen by the page before the commit anyway."""

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from willaq.imports.models import ImportJob


def _progress_path(job: ImportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / str(job.uuid) / "progress.json"


class ProgressFile:
    """``progress(done, total)`` for the import services: written at most every 0.2 s
    (atomically: a temporary file renamed), and always at the end."""

    INTERVAL = 0.2

    def __init__(self, job: ImportJob) -> None:
        self.path = _progress_path(job)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.last = 0.0
        self.done = 0
        self.total = 0

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        now = time.monotonic()
        if now - self.last >= self.INTERVAL or done >= total:
            self.last = now
            self._write()

    def finish(self) -> None:
        self.done = self.total
        self._write()

    def _write(self) -> None:
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"done": self.done, "total": self.total}))
        os.replace(temporary, self.path)


@dataclass(frozen=True)
class JobProgress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


def read_progress(job: ImportJob) -> JobProgress:
    try:
        data = json.loads(_progress_path(job).read_text())
        return JobProgress(int(data["done"]), int(data["total"]))
    except (OSError, ValueError, KeyError, TypeError):
        return JobProgress(0, 0)


def clear_progress(job: ImportJob) -> None:
    _progress_path(job).unlink(missing_ok=True)

"""Background work of the import: a confirmed import runs in Celery, so a file of thousands of
rows never holds up a request; its progress is the task's state, for a progress bar."""

from typing import Any

from celery import Task, shared_task

from willaq.accounts.models import Institution, User
from willaq.imports.choices import ImportKind
from willaq.imports.services import ImportOptions, import_cases, import_events

# The task state a running import reports, with meta {"done": rows read, "total": rows}.
PROGRESS_STATE = "PROGRESS"


@shared_task(bind=True)
def run_import(
    self: Task,  # type: ignore[type-arg]
    kind: str,
    path: str,
    institution_id: int,
    user_id: int,
    options: dict[str, Any],
) -> dict[str, Any]:
    """Import ``path`` (already uploaded and analysed) and return the report as a dict.
    ``options`` holds ``file_name``, ``defaults``, ``mapping`` and ``source``, as the dry run
    took them."""
    import_options = ImportOptions(
        institution=Institution.objects.get(pk=institution_id),
        user=User.objects.get(pk=user_id),
        file_name=options.get("file_name", ""),
        defaults=dict(options.get("defaults") or {}),
        mapping=dict(options.get("mapping") or {}),
        source=options.get("source", ""),
    )

    def progress(done: int, total: int) -> None:
        if not self.request.called_directly:
            self.update_state(state=PROGRESS_STATE, meta={"done": done, "total": total})

    run = import_cases if kind == ImportKind.CASES else import_events
    return run(path, import_options, progress=progress).to_dict()

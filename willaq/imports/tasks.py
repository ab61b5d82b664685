"""Background work of the import: the dry run and the import of a file uploaded on the web run
in Celery, so a long file never holds a request (the page polls the progress)."""

from celery import shared_task

from willaq.imports.services.steps import perform_step


@shared_task
def analyse_import_job(job_id: int) -> str:
    return perform_step(job_id, "analyse").status


@shared_task
def run_import_job(job_id: int) -> str:
    return perform_step(job_id, "run").status

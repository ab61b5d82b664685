"""A coordinator imports a spreadsheet in a real browser (Debian's Chromium through Playwright),
with a real Celery worker on the embedded filesystem broker: upload, columns, the dry-run
report, confirm — and the progress bar of each step, polled by HTMX.

The worker is started only once the page shows a step waiting in the queue, so the progress
bar is seen for certain (not only when the machine happens to be slow)."""

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from willaq.accounts.models import Role
from willaq.cases.models import Case
from willaq.imports.choices import JobStatus
from willaq.imports.models import ImportJob
from willaq.imports.services import load_shared_synonyms
from willaq.imports.services.progress import read_progress
from willaq.testing.browser import log_in
from willaq.testing.factories import InstitutionFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = 120
DEPARTMENTS = ("Cusco", "Puno", "Áncash", "Piura", "Loreto", "Junín")
TYPES = ("Socioambiental", "Sociambiental", "Asunto de gobierno local", "Laboral", "Comunal")


def spreadsheet(tmp_path: Path) -> Path:
    lines = [
        "Registro de conflictos (prueba)",
        "",
        "Código;Caso;Región;Tipo;Estado;Inicio",
        *(
            f"B-{n};Conflicto de prueba número {n};{DEPARTMENTS[n % len(DEPARTMENTS)]};"
            f"{TYPES[n % len(TYPES)]};{'Activo' if n % 3 else 'Latente'};{2010 + n % 15}"
            for n in range(ROWS)
        ),
        "Total de casos;120;;;;",
    ]
    path = tmp_path / "registro.csv"
    path.write_bytes("\n".join(lines).encode("cp1252"))  # as an office's Excel saves it
    return path


def test_coordinator_imports_a_spreadsheet_and_follows_the_progress(
    browser_page: Any, live_server: Any, real_worker: Any, tmp_path: Path
) -> None:
    call_command("load_territory", verbosity=0)
    call_command("load_categories", verbosity=0)
    load_shared_synonyms()
    institution = InstitutionFactory(slug="defensoria", name="Defensoría del Pueblo", acronym="DP")
    member(institution, Role.COORDINATOR, email="coord@dp.gob.pe", full_name="Carla Coordinadora")

    page = browser_page
    log_in(page, live_server.url, "coord@dp.gob.pe")

    # The menu (folded at phone width) offers the import page to a coordinator.
    assert page.locator("nav a[href='/importar/']").count() == 1
    page.goto(live_server.url + reverse("imports:index"))
    page.set_input_files("#id_file", str(spreadsheet(tmp_path)))
    page.click("#upload-file")
    # The columns as they will be read, each with its first values.
    page.wait_for_selector("text=Revise cómo se leerá cada columna")
    assert page.locator("select[name=column_1]").input_value() == "name"
    assert page.locator("select[name=column_2]").input_value() == "department"

    page.click("#validate-import")
    bar = page.locator("#import-progress progress")
    bar.wait_for()
    assert "En cola" in page.locator("#import-progress").inner_text()
    with real_worker():
        # HTMX polls the bar; when the dry run ends the page turns into its report.
        page.wait_for_selector("text=Informe de validación", timeout=60_000)
    assert page.locator('[data-count="rows"]').inner_text() == str(ROWS + 1)
    assert page.locator('[data-count="created"]').inner_text() == str(ROWS)
    assert page.locator('[data-count="rejected"]').inner_text() == "1"  # the total row
    assert Case.objects.count() == 0

    page.click("#confirm-import")
    page.locator("#import-progress progress").wait_for()
    assert "Importando" in page.locator("#import-progress").inner_text()
    with real_worker():
        page.wait_for_selector("text=Importación terminada", timeout=60_000)
    assert page.locator('[data-count="created"]').inner_text() == str(ROWS)
    assert Case.objects.filter(institution=institution).count() == ROWS
    job = ImportJob.objects.get()
    assert job.status == JobStatus.DONE
    assert read_progress(job).done == read_progress(job).total == ROWS + 1

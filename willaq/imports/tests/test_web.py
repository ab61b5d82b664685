"""The import page as a coordinator uses it — upload, columns, dry-run report, confirm, result,
CSV report, template — and as everyone else meets it: 403 or 404, never someone else's file."""

import csv
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import Institution, Role, User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.cases.choices import CaseScope, CaseState
from willaq.cases.models import Case, CaseExternalId, Event
from willaq.imports.choices import JobStatus
from willaq.imports.models import ImportJob, ImportRun
from willaq.imports.services.progress import ProgressFile, read_progress
from willaq.imports.tasks import run_import_job
from willaq.testing.factories import member

FILE = (
    "Conflictos registrados - informe de prueba\n"
    "\n"
    "Código,Caso,Departamento,Provincia,Tipo,Estado,Fecha de inicio,Columna rara\n"
    "W-1,Agua de la comunidad Alfa,Cusco,Espinar,Socioambiental,Activo,2019,x\n"
    "W-2,Demarcación Beta,Ayacucho / Huancavelica,,Demarcación territorial,Latente,03/2018,y\n"
    "W-3,Paro de Gamma,Nacional,,Por asuntos de gobierno nacional,Resuelto,15/05/2020,z\n"
    "W-4,Caso sin lugar conocido,Atlantida,,Laboral,Activo,2021,\n"
    "El 63,9% de los conflictos son socioambientales,,,,,,,\n"
)


def upload(
    client: Client, institution: Institution, content: str | bytes, name: str = "casos.csv"
) -> Any:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(
        reverse("imports:index"),
        {
            "kind": "cases",
            "institution": institution.pk,
            "file": SimpleUploadedFile(name, data, content_type="text/csv"),
        },
    )


def column_post(client: Client, job: ImportJob, **extra: str) -> Any:
    """The options form as the page shows it (each column with its recognised field)."""
    page = client.get(reverse("imports:job", args=[job.uuid]))
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(extra)
    data["action"] = "validate"
    return client.post(reverse("imports:job", args=[job.uuid]), data)


@pytest.fixture
def job(coordinator_client: Client, owner_institution: Institution) -> ImportJob:
    response = upload(coordinator_client, owner_institution, FILE)
    assert response.status_code == 302
    return ImportJob.objects.get()


def test_upload_keeps_the_file_and_shows_each_column_with_its_field_and_samples(
    coordinator_client: Client, job: ImportJob, coordinator: User
) -> None:
    assert (job.status, job.file_name, job.user) == (JobStatus.UPLOADED, "casos.csv", coordinator)
    assert Path(job.file.path).read_bytes().startswith(b"Conflictos")
    assert AuditLog.objects.filter(event_type=AuditEvent.IMPORT_FILE_UPLOADED).count() == 1
    page = coordinator_client.get(reverse("imports:job", args=[job.uuid]))
    assert page.status_code == 200
    form = page.context["form"]
    chosen = {b.label: b.value() for b in form.column_fields()}
    assert chosen == {
        "Código": "external_id",
        "Caso": "name",
        "Departamento": "department",
        "Provincia": "province",
        "Tipo": "typology",
        "Estado": "state",
        "Fecha de inicio": "start_date",
        "Columna rara": "ignore",
    }
    assert page.context["preview"].header_row == 3
    html = page.content.decode()
    assert "Agua de la comunidad Alfa" in html  # a sample value under its column
    assert Case.objects.count() == 0


def test_validate_then_confirm_imports_what_the_report_announced(
    coordinator_client: Client, job: ImportJob, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = column_post(coordinator_client, job)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.ANALYSED
    analysis = job.analysis
    assert (analysis["rows"], analysis["created"], analysis["rejected"]) == (5, 3, 2)
    assert Case.objects.count() == 0  # the dry run wrote nothing
    page = coordinator_client.get(reverse("imports:job", args=[job.uuid]))
    html = page.content.decode()
    assert 'data-count="created">3<' in html
    assert "Atlantida" in html  # the unknown place, with its row
    assert "<td>Lugar</td><td>Atlantida</td>" in html  # named in words, not by its key
    assert 'id="confirm-import"' in html

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("imports:job", args=[job.uuid]), {"action": "confirm"}
        )
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert (job.result["created"], job.result["rejected"]) == (3, 2)
    assert job.run == ImportRun.objects.get()
    assert Case.objects.count() == 3
    assert CaseExternalId.objects.filter(external_id__in=["W-1", "W-2", "W-3"]).count() == 3
    states = dict(Case.objects.values_list("name", "state"))
    assert states["Demarcación Beta"] == CaseState.LATENT
    assert Case.objects.get(name="Demarcación Beta").scope == CaseScope.REGIONAL
    assert Case.objects.get(name="Paro de Gamma").scope == CaseScope.NATIONAL
    result = coordinator_client.get(reverse("imports:job", args=[job.uuid])).content.decode()
    assert "Importación terminada" in result
    assert 'data-count="created">3<' in result


def test_a_column_read_otherwise_changes_the_dry_run(
    coordinator_client: Client, job: ImportJob, django_capture_on_commit_callbacks: Any
) -> None:
    """The user reads "Columna rara" as the description: the report shows no unknown column."""
    with django_capture_on_commit_callbacks(execute=True):
        column_post(coordinator_client, job, column_7="description")
    job.refresh_from_db()
    assert job.options["mapping"]["Columna rara"] == "description"
    codes = [p["code"] for p in job.analysis["problems"]]
    assert "unknown_column" not in codes


def test_the_report_downloads_as_csv_one_line_per_problem_and_per_row(
    coordinator_client: Client, job: ImportJob, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        column_post(coordinator_client, job)
    job.refresh_from_db()
    response = coordinator_client.get(reverse("imports:report_csv", args=[job.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["fila", "columna", "valor", "mensaje", "problema", "resultado"]
    assert len(lines) == 1 + len(job.analysis["problems"]) + job.analysis["rows"]
    assert any(line[2] == "Atlantida" for line in lines)


def test_progress_polls_while_running_and_redirects_when_done(
    coordinator_client: Client, job: ImportJob
) -> None:
    job.status = JobStatus.IMPORTING
    job.save()
    progress = ProgressFile(job)
    progress(40, 160)
    assert read_progress(job).percent == 25
    response = coordinator_client.get(reverse("imports:progress", args=[job.uuid]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<progress max="100" value="25"' in html
    assert "40 de 160 filas" in html
    assert 'hx-trigger="every 1s"' in html
    job.status = JobStatus.DONE
    job.save()
    response = coordinator_client.get(reverse("imports:progress", args=[job.uuid]))
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("imports:job", args=[job.uuid])


def test_a_step_that_fails_writes_nothing_and_says_so(
    coordinator_client: Client, job: ImportJob, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        column_post(coordinator_client, job)
    job.refresh_from_db()
    job.user = None  # the account that uploaded it was removed meanwhile
    job.status = JobStatus.IMPORTING
    job.save()
    assert run_import_job(job.pk) == JobStatus.FAILED  # as the Celery worker calls it
    job.refresh_from_db()
    assert "ya no existe" in job.error
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("vacio.csv", b"", "está vacío"),
        ("foto.png", b"\x89PNG....", "Suba un archivo CSV o una hoja de cálculo"),
    ],
)
def test_bad_uploads_are_refused_on_the_form(
    coordinator_client: Client,
    owner_institution: Institution,
    name: str,
    content: bytes,
    message: str,
) -> None:
    response = upload(coordinator_client, owner_institution, content, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_an_upload_over_the_limit_is_refused_with_the_sizes(
    coordinator_client: Client, owner_institution: Institution, settings: Any
) -> None:
    settings.WILLAQ_IMPORT_MAX_BYTES = 100
    response = upload(coordinator_client, owner_institution, FILE)
    assert "el máximo es 100" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_only_the_institutions_coordinators_see_the_page_and_its_files(
    job: ImportJob, analyst_client: Client, outsider_client: Client, anon_client: Client
) -> None:
    urls = [
        reverse("imports:job", args=[job.uuid]),
        reverse("imports:progress", args=[job.uuid]),
        reverse("imports:report_csv", args=[job.uuid]),
    ]
    for url in urls:
        assert analyst_client.get(url).status_code == 404
        assert outsider_client.get(url).status_code == 404
        assert anon_client.get(url).status_code == 302  # to the login page
    assert analyst_client.get(reverse("imports:index")).status_code == 403
    assert (
        outsider_client.post(
            reverse("imports:job", args=[job.uuid]), {"action": "confirm"}
        ).status_code
        == 404
    )


def test_another_institutions_coordinator_neither_sees_nor_uploads_for_it(
    job: ImportJob, other_institution: Institution, owner_institution: Institution
) -> None:
    other = member(other_institution, Role.COORDINATOR)
    client = Client()
    client.force_login(other)
    assert client.get(reverse("imports:job", args=[job.uuid])).status_code == 404
    page = client.get(reverse("imports:index"))
    assert job.file_name not in page.content.decode()
    response = upload(client, owner_institution, FILE)
    assert response.status_code == 200  # the form refuses an institution it does not offer
    assert ImportJob.objects.count() == 1


def test_the_templates_download_for_a_coordinator_only(
    coordinator_client: Client, analyst_client: Client
) -> None:
    for kind, first_sheet in (("cases", "Casos"), ("events", "Eventos")):
        response = coordinator_client.get(reverse("imports:template", args=[kind]))
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="plantilla-{kind}.xlsx"'
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        assert book.sheetnames == [first_sheet, "Valores permitidos", "Columnas"]
    assert coordinator_client.get(reverse("imports:template", args=["otros"])).status_code == 404
    assert analyst_client.get(reverse("imports:template", args=["cases"])).status_code == 404


EVENTS = (
    "ID,Fecha,Tipo de evento,Subtipo,Forma de protesta,Actor 1,Departamento,Provincia,Distrito\n"
    "E-1,12/03/2023,Protestas,Protesta pacífica,Paro,Frente de defensa,Puno,Puno,Puno\n"
    "E-2,13/03/2023,Protestas,Protesta pacífica,Marcha,Frente de defensa,Cusco,Cusco,Cusco\n"
    "E-3,14/03/2023,Protestas,Sin subtipo conocido,,Frente de defensa,Cusco,Cusco,Cusco\n"
)


def test_a_file_of_events_goes_through_the_same_steps(
    coordinator_client: Client,
    owner_institution: Institution,
    django_capture_on_commit_callbacks: Any,
) -> None:
    response = coordinator_client.post(
        reverse("imports:index"),
        {
            "kind": "events",
            "institution": owner_institution.pk,
            "file": SimpleUploadedFile("eventos.csv", EVENTS.encode("utf-8")),
        },
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.kind == "events"
    with django_capture_on_commit_callbacks(execute=True):
        column_post(coordinator_client, job)
    job.refresh_from_db()
    assert (job.analysis["rows"], job.analysis["created"], job.analysis["rejected"]) == (3, 2, 1)
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("imports:job", args=[job.uuid]), {"action": "confirm"})
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Event.objects.filter(institution=owner_institution).count() == 2

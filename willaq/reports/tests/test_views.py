"""The report pages for each persona: anonymous (published only), a member of the owning
institution, a member of another institution; bad input answers a readable page, never a 500."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from willaq.reports import services
from willaq.reports.models import MonthlyReport, ReportStatus

pytestmark = pytest.mark.django_db

MARCH = dt.date(2025, 3, 1)
PAGE = "/reportes/mensual/2025-03/"
PDF = "/reportes/mensual/2025-03.pdf"
UNKNOWN = "Institución desconocida: «no-existe»"


def built(user: Any, institution: Any, capture: Any) -> MonthlyReport:
    with capture(execute=True):
        report = services.request_build(user, MARCH, institution)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    return report


@pytest.fixture
def published_registry(coordinator, march_cases, django_capture_on_commit_callbacks):
    return services.publish(
        coordinator, built(coordinator, None, django_capture_on_commit_callbacks), ""
    )


@pytest.fixture
def institution_draft(analyst, owner_institution, march_cases, django_capture_on_commit_callbacks):
    return built(analyst, owner_institution, django_capture_on_commit_callbacks)


def text(response: Any) -> str:
    return response.content.decode()


def test_anonymous_reads_a_published_report_without_links_to_cases(published_registry):
    response = Client().get(PAGE)
    assert response.status_code == 200
    page = text(response)
    assert 'data-shown-version="1"' in page
    assert 'data-figure="total">3<' in page
    assert "Borrador" not in page
    assert "/casos/" not in page
    assert 'name="action"' not in page  # no build, publish or correct for the public
    pdf = Client().get(PDF)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_anonymous_without_a_published_version_gets_a_readable_404(institution_draft):
    for url in (PAGE, PDF, PAGE + "?institucion=defensoria", PDF + "?institucion=defensoria"):
        response = Client().get(url)
        assert response.status_code == 404, url
        assert "todavía no se ha publicado" in text(response)
    draft_pdf = reverse("reports:report_pdf", args=[institution_draft.uuid])
    assert Client().get(draft_pdf).status_code == 404


def test_member_sees_live_draft_and_the_built_pdf(analyst_client, institution_draft):
    response = analyst_client.get(PAGE + "?institucion=defensoria")
    assert response.status_code == 200
    page = text(response)
    assert "data-draft" in page
    assert "Borrador — no publicado." in page
    assert 'data-figure="active">3<' in page
    assert 'id="draft-pdf"' in page
    assert 'id="publish-report"' not in page  # an analyst does not publish
    pdf = analyst_client.get(PDF + "?institucion=defensoria")
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_other_institution_reads_the_draft_but_neither_builds_nor_publishes_it(
    outsider_client, institution_draft
):
    # The figures hold only public data: any signed-in user reads them (as the JSON API).
    response = outsider_client.get(PAGE + "?institucion=defensoria")
    assert response.status_code == 200
    page = text(response)
    assert "data-draft" in page
    assert 'id="build-report"' not in page
    assert 'id="publish-report"' not in page
    assert 'id="correct-report"' not in page
    before = MonthlyReport.objects.count()
    response = outsider_client.post(
        PAGE + "?institucion=defensoria",
        {"action": "publish", "report": str(institution_draft.uuid)},
    )
    assert response.status_code == 403
    assert "Solo un coordinador publica" in text(response)
    response = outsider_client.post(PAGE + "?institucion=defensoria", {"action": "build"})
    assert response.status_code == 403
    assert MonthlyReport.objects.count() == before
    institution_draft.refresh_from_db()
    assert institution_draft.status == ReportStatus.READY
    # Building its own institution's report (or the registry's) is allowed.
    response = outsider_client.post(PAGE + "?institucion=onds", {"action": "build"})
    assert response.status_code == 302
    assert MonthlyReport.objects.count() == before + 1


def test_coordinator_publishes_from_the_page(coordinator_client, institution_draft):
    response = coordinator_client.get(PAGE + "?institucion=defensoria")
    assert 'id="publish-report"' in text(response)
    response = coordinator_client.post(
        PAGE + "?institucion=defensoria",
        {"action": "publish", "report": str(institution_draft.uuid), "note": "Primera"},
    )
    assert response.status_code == 302
    institution_draft.refresh_from_db()
    assert (institution_draft.status, institution_draft.version) == (ReportStatus.PUBLISHED, 1)
    page = text(Client().get(PAGE + "?institucion=defensoria"))
    assert 'data-shown-version="1"' in page
    assert "Primera" in page


def test_correction_from_the_page_lists_both_versions(
    coordinator_client, published_registry, django_capture_on_commit_callbacks
):
    response = coordinator_client.post(PAGE, {"action": "correct", "report": "x", "note": ""})
    assert response.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            PAGE, {"action": "correct", "report": str(published_registry.uuid), "note": ""}
        )
    assert response.status_code == 302
    assert MonthlyReport.objects.count() == 1  # refused: the note is required
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            PAGE,
            {"action": "correct", "report": str(published_registry.uuid), "note": "Fe de erratas"},
        )
    page = text(Client().get(PAGE))
    assert 'data-shown-version="2"' in page
    assert page.count('data-version="') == 2
    assert "Fe de erratas" in page
    old = text(Client().get(PAGE + "?version=1"))
    assert 'data-shown-version="1"' in old
    assert "Reemplazada por una corrección" in old
    assert (
        Client().get(reverse("reports:report_pdf", args=[published_registry.uuid])).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/reportes/mensual/2025-13/", 400, "Mes no válido"),
        ("/reportes/mensual/marzo/", 400, "Mes no válido"),
        ("/reportes/mensual/2025-3/", 400, "AAAA-MM"),
        ("/reportes/mensual/2099-01/", 404, "aún no ha llegado"),
        ("/reportes/mensual/2099-01.pdf", 404, "aún no ha llegado"),
        ("/reportes/mensual/1990-01/", 404, "el primer caso registrado es de 2025-01"),
        (
            "/reportes/mensual/2025-03/?institucion=no-existe",
            404,
            UNKNOWN,
        ),
        (
            "/reportes/mensual/2025-03.pdf?institucion=no-existe",
            404,
            UNKNOWN,
        ),
        ("/reportes/mensual/2025-03/?version=7", 404, "no tiene una versión publicada"),
        ("/reportes/mensual/2025-03/?version=uno", 404, "no tiene una versión publicada"),
    ],
)
def test_bad_input_is_a_readable_page(published_registry, url, status, message):
    for client in (Client(),):
        response = client.get(url)
        assert response.status_code == status
        assert message in text(response)
        assert "data-problem" in text(response)


def test_no_case_yet_is_a_readable_page(db):
    response = Client().get(PAGE)
    assert response.status_code == 404
    assert "aún no tiene casos aprobados" in text(response)


def test_pdf_without_any_build_starts_one_and_shows_progress(analyst_client, march_cases):
    response = analyst_client.get(PDF + "?institucion=defensoria")
    assert response.status_code == 202
    report = MonthlyReport.objects.get()
    assert report.status == ReportStatus.BUILDING
    page = text(response)
    assert 'id="build-progress"' in page
    assert reverse("reports:build_progress", args=[report.uuid]) in page
    # Asking again does not queue a second build.
    assert analyst_client.get(PDF + "?institucion=defensoria").status_code == 202
    assert MonthlyReport.objects.count() == 1
    progress = analyst_client.get(reverse("reports:build_progress", args=[report.uuid]))
    assert progress.status_code == 200
    assert "En cola" in text(progress)


def test_progress_redirects_when_the_build_is_over(analyst_client, institution_draft):
    url = reverse("reports:build_progress", args=[institution_draft.uuid])
    response = analyst_client.get(url + "?next=pdf")
    assert response.status_code == 204
    assert response["HX-Redirect"] == PDF + "?institucion=defensoria"
    assert Client().get(url).status_code == 403


def test_index_lists_published_versions_and_offers_the_build(
    coordinator_client, published_registry
):
    page = text(Client().get("/reportes/"))
    assert page.count("data-report=") == 1
    assert 'id="build-form"' not in page
    page = text(coordinator_client.get("/reportes/"))
    assert 'id="build-form"' in page
    empty = text(Client().get("/reportes/?mes=2025-04"))
    assert "data-empty" in empty
    assert text(Client().get("/reportes/?mes=2025-03")).count("data-report=") == 1
    assert text(Client().get("/reportes/?institucion=defensoria")).count("data-report=") == 0
    bad = Client().get("/reportes/?mes=abril")
    assert bad.status_code == 200
    assert "Mes no válido" in text(bad)


def test_build_from_the_index(coordinator_client, march_cases):
    response = coordinator_client.post(
        "/reportes/", {"month": "2025-03", "institution": "defensoria"}
    )
    assert response.status_code == 302
    assert response["Location"] == PAGE + "?institucion=defensoria"
    assert MonthlyReport.objects.filter(institution__slug="defensoria").count() == 1
    response = coordinator_client.post("/reportes/", {"month": "2099-01", "institution": ""})
    assert response.status_code == 200
    assert "aún no ha llegado" in text(response)
    assert Client().post("/reportes/", {"month": "2025-03"}).status_code == 403


def test_index_queries_do_not_grow_with_the_reports(
    coordinator, published_registry, django_assert_max_num_queries
):
    for month in range(1, 13):
        MonthlyReport.objects.create(
            month=dt.date(2024, month, 1),
            institution=coordinator.memberships.first().institution,
            version=1,
            status=ReportStatus.PUBLISHED,
            published_by=coordinator,
        )
    client = Client()
    with django_assert_max_num_queries(6):
        response = client.get("/reportes/?institucion=*")
    assert text(response).count("data-report=") == 13

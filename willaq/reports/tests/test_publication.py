"""Build, publish, correct: the services and the Celery task (run eagerly). A published month
never changes silently: later edits (even back-dated into the month) change the live figures,
not the published version's figures or PDF bytes; a correction is version 2 with its note."""

import datetime as dt
import hashlib
import io
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from pypdf import PdfReader

from willaq.accounts.models import Role
from willaq.audit.models import AuditEvent, AuditLog
from willaq.cases import services as case_services
from willaq.reports import services
from willaq.reports.building import compute_figures
from willaq.reports.models import MonthlyReport, ReportStatus
from willaq.reports.tests.conftest import at, registered_case
from willaq.testing.factories import member

pytestmark = pytest.mark.django_db

MARCH = dt.date(2025, 3, 1)
API = "/api/v1/reports/monthly/2025-03"


def build(user: Any, month: dt.date, institution: Any, capture: Any) -> MonthlyReport:
    with capture(execute=True):
        report = services.request_build(user, month, institution)
    report.refresh_from_db()
    return report


def sha(report: MonthlyReport) -> str:
    with report.pdf.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def test_build_stores_figures_and_pdf(
    analyst, owner_institution, march_cases, django_capture_on_commit_callbacks
):
    report = build(analyst, MARCH, owner_institution, django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.READY
    assert report.progress == 100
    assert report.version is None  # a build takes a number only when published
    assert report.figures["total"] == report.figures["active"] == 3
    assert report.figures["month"] == "2025-03"
    # The charts of the 24 months up to March, built with it; the PDF draws them (vl-convert).
    assert len(report.charts) == 6
    assert report.charts[0]["usermeta"] == {"first": "2023-04", "last": "2025-03"}
    march = [row for row in report.charts[0]["data"]["values"] if row["month"] == "2025-03-01"]
    assert sorted((row["serie"], row["count"]) for row in march) == [
        ("Activos", 3),
        ("Latentes", 0),
    ]
    with report.pdf.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "12. Gráficos" in text
    assert "Casos activos y latentes al cierre de cada mes" in text
    events = list(
        AuditLog.objects.filter(target_id=str(report.uuid)).values_list("event_type", flat=True)
    )
    assert sorted(events) == [AuditEvent.REPORT_BUILD_REQUESTED, AuditEvent.REPORT_BUILT]


def test_a_second_request_while_building_reuses_the_build(analyst, owner_institution, march_cases):
    first = services.request_build(analyst, MARCH, owner_institution)  # not run: no commit
    second = services.request_build(analyst, MARCH, owner_institution)
    assert first.pk == second.pk
    assert MonthlyReport.objects.count() == 1


def test_a_build_without_progress_for_an_hour_is_replaced(analyst, owner_institution, march_cases):
    """A worker that died leaves its build "building" for ever: a request an hour later marks
    it failed (with the reason) and starts another, instead of waiting on it."""
    dead = services.request_build(analyst, MARCH, owner_institution)  # not run: no commit
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=50)):
        assert services.request_build(analyst, MARCH, owner_institution).pk == dead.pk
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=70)):
        fresh = services.request_build(analyst, MARCH, owner_institution)
    assert fresh.pk != dead.pk
    dead.refresh_from_db()
    assert dead.status == ReportStatus.FAILED
    assert "se interrumpió" in dead.error
    assert MonthlyReport.objects.filter(status=ReportStatus.BUILDING).count() == 1


def test_failed_build_says_why_and_keeps_nothing(
    analyst,
    owner_institution,
    march_cases,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    # The media folder cannot be written (here: a file stands where the folder should be).
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    settings.MEDIA_ROOT = blocked
    report = build(analyst, MARCH, owner_institution, django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.FAILED
    assert "no se guardó nada" in report.error
    assert report.figures == {}
    assert not report.pdf
    assert AuditLog.objects.filter(event_type=AuditEvent.REPORT_BUILD_FAILED).count() == 1
    assert AuditLog.objects.filter(event_type=AuditEvent.REPORT_BUILT).count() == 0


def test_published_month_is_frozen_and_a_correction_is_version_two(
    analyst,
    coordinator,
    owner_institution,
    march_cases,
    django_capture_on_commit_callbacks,
):
    report = build(analyst, MARCH, owner_institution, django_capture_on_commit_callbacks)
    published = services.publish(coordinator, report, "")
    assert (published.version, published.status) == (1, ReportStatus.PUBLISHED)
    frozen_figures, frozen_pdf = dict(published.figures), sha(published)

    # In June someone records that one case went latent on 12 March (back-dated).
    with time_machine.travel(at(6, 20), tick=False):
        case_services.transition_case(
            user=analyst, case=march_cases[0], name="to_latent", at=at(3, 12)
        )
    live = compute_figures(MARCH, owner_institution)
    assert (live["active"], live["latent"]) == (2, 1)

    published.refresh_from_db()
    assert published.figures == frozen_figures
    assert (published.figures["active"], published.figures["latent"]) == (3, 0)
    assert sha(published) == frozen_pdf
    # The JSON API and the CSV tables serve the published month, frozen, too.
    client = Client()
    client.force_login(analyst)
    api = client.get(API, {"institution": "defensoria"}).json()
    assert (api["active"], api["latent"]) == (3, 0)
    assert api["generated_at"] == frozen_figures["generated_at"]
    assert client.get(API).json()["latent"] == 1  # the registry's month is not published
    # Building again does not touch it; publishing over it is refused.
    draft = build(analyst, MARCH, owner_institution, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="corrección"):
        services.publish(coordinator, draft, "")
    published.refresh_from_db()
    assert sha(published) == frozen_pdf
    assert published.status == ReportStatus.PUBLISHED

    with pytest.raises(ValidationError) as error:
        services.correct(coordinator, published, "   ")
    assert "note" in error.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        correction = services.correct(
            coordinator, published, "Un caso pasó a latente el 12 de marzo (registrado tarde)."
        )
    correction.refresh_from_db()
    published.refresh_from_db()
    assert correction.status == ReportStatus.PUBLISHED
    assert correction.version == 2
    assert correction.note.startswith("Un caso pasó a latente")
    assert (correction.figures["active"], correction.figures["latent"]) == (2, 1)
    assert published.status == ReportStatus.SUPERSEDED
    assert published.figures == frozen_figures
    assert sha(published) == frozen_pdf
    assert sha(correction) != frozen_pdf
    assert client.get(API, {"institution": "defensoria"}).json()["latent"] == 1  # version 2
    assert MonthlyReport.objects.filter(version__isnull=False).count() == 2
    corrected = AuditLog.objects.get(event_type=AuditEvent.REPORT_CORRECTED)
    assert corrected.diff["supersedes"] == str(published.uuid)
    assert corrected.diff["version"] == 2
    # The superseded version cannot be corrected again, nor published.
    with pytest.raises(ValidationError):
        services.correct(coordinator, published, "otra vez")
    with pytest.raises(ValidationError):
        services.publish(coordinator, published, "")


def test_only_coordinators_of_the_institution_publish(
    analyst,
    coordinator,
    outsider,
    other_institution,
    owner_institution,
    march_cases,
    django_capture_on_commit_callbacks,
):
    other_coordinator = member(other_institution, Role.COORDINATOR, email="c@onds.gob.pe")
    report = build(analyst, MARCH, owner_institution, django_capture_on_commit_callbacks)
    for user in (analyst, outsider, other_coordinator):
        with pytest.raises(PermissionDenied):
            services.publish(user, report, "")
    with pytest.raises(PermissionDenied):
        services.request_build(outsider, MARCH, owner_institution)
    # The whole registry's report: a coordinator of any institution publishes it.
    registry = build(outsider, MARCH, None, django_capture_on_commit_callbacks)
    assert registry.figures["total"] == 3
    with pytest.raises(PermissionDenied):
        services.publish(outsider, registry, "")
    assert services.publish(other_coordinator, registry, "").version == 1
    assert services.publish(coordinator, report, "").version == 1  # its own numbering
    assert AuditLog.objects.filter(event_type=AuditEvent.REPORT_PUBLISHED).count() == 2


def test_bad_months_are_refused_in_words(analyst, owner_institution, march_cases):
    with pytest.raises(ValidationError, match="aún no ha llegado"):
        services.request_build(analyst, dt.date(2099, 1, 1), owner_institution)
    with pytest.raises(ValidationError, match="el primer caso registrado es de 2025-01"):
        services.request_build(analyst, dt.date(2024, 12, 1), owner_institution)
    assert MonthlyReport.objects.count() == 0


def test_an_unfinished_month_is_not_published(
    analyst, coordinator, owner_institution, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(5, 20), tick=True):
        registered_case(analyst, coordinator, owner_institution, "Caso de mayo", at(5, 2))
        report = build(
            analyst, dt.date(2025, 5, 1), owner_institution, django_capture_on_commit_callbacks
        )
        assert report.status == ReportStatus.READY
        with pytest.raises(ValidationError, match="aún no termina"):
            services.publish(coordinator, report, "")

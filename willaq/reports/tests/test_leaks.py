"""Two institutions: a published report — page and PDF — never carries a confidential case
field, an event's private fields, a victim's identity, nor a case that is not registered."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.test import Client
from pypdf import PdfReader

from willaq.cases import services as case_services
from willaq.cases.choices import Sex, VictimGroup, VictimOutcome
from willaq.cases.models import Event, Victim
from willaq.cases.services import PlaceInput
from willaq.reports import services
from willaq.reports.tests.conftest import at, registered_case
from willaq.testing.factories import EventFactory

pytestmark = pytest.mark.django_db

SECRETS = (
    "Descripción reservada del caso",
    "Radio clandestina 99",
    "Informante Z",
    "Nota interna del monitor",
    "Juana Pérez Quispe",
    "Borrador oculto de la ONDS",
)


def test_published_report_holds_only_public_data(
    analyst,
    coordinator,
    outsider,
    owner_institution,
    other_institution,
    django_capture_on_commit_callbacks,
):
    case = registered_case(analyst, coordinator, owner_institution, "Caso Río Claro", at(1, 10))
    with time_machine.travel(at(1, 11), tick=False):
        case_services.update_case(
            user=analyst,
            case=case,
            data={"description": SECRETS[0], "confidential_fields": ["description"]},
        )
    with time_machine.travel(at(3, 5), tick=False):
        event = EventFactory(
            case=case,
            event_date=dt.date(2025, 3, 4),
            sources=SECRETS[1],
            reported_by=SECRETS[2],
            notes=SECRETS[3],
        )
        Victim.objects.create(
            event=event,
            full_name=SECRETS[4],
            group=VictimGroup.CIVILIAN,
            outcome=VictimOutcome.INJURED,
            sex=Sex.FEMALE,
        )
        case_services.create_case(
            user=outsider,
            institution=other_institution,
            data={"name": SECRETS[5], "start_date": dt.date(2025, 3, 1), "typology": "laboral"},
            places=[PlaceInput("080101", True)],
        )
    assert Event.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_build(coordinator, dt.date(2025, 3, 1), None)
    report.refresh_from_db()
    assert report.figures["protest_actions"]["total"] == 1
    assert report.figures["injured"]["total"] == 1
    services.publish(coordinator, report, "")

    pages = [
        Client().get("/reportes/mensual/2025-03/").content.decode(),
        Client().get("/reportes/mensual/2025-03/?institucion=onds").content.decode(),
    ]
    outsider_client = Client()
    outsider_client.force_login(outsider)
    pages.append(outsider_client.get("/reportes/mensual/2025-03/").content.decode())
    pdf = b"".join(Client().get("/reportes/mensual/2025-03.pdf").streaming_content)
    pdf_text = re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    )
    assert "Caso Río Claro" in pages[0]
    assert "Caso Río Claro" in pdf_text
    for secret in SECRETS:
        assert secret not in report.figures.__repr__()
        assert secret not in pdf_text
        for page in pages:
            assert secret not in page

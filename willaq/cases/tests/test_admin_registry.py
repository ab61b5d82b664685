"""The Django admin is not a second write path into the registry (issue 5 §1.5): registry rows are
read only there (no add, change, revert or delete), and a staff member of one institution sees
what the pages show them — nothing confidential of another institution."""

from typing import cast

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import Institution, Role, User
from willaq.cases.choices import CaseState
from willaq.cases.models import Case, Event, Evidence
from willaq.testing.factories import CaseFactory, EventFactory, member

pytestmark = pytest.mark.django_db

REGISTRY = ["case", "event", "actor", "newsitem", "evidence"]


@pytest.fixture
def root_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root@willaq.pe", "clave-raiz-larga-1"))
    return client


@pytest.fixture
def case(owner_institution: Institution) -> Case:
    return cast(
        Case,
        CaseFactory(
            institution=owner_institution,
            description="DESCRIPCION-RESERVADA",
            confidential_fields=["description"],
        ),
    )


def test_registry_rows_cannot_be_added_changed_reverted_or_deleted(
    root_client: Client, case: Case
) -> None:
    event = cast(Event, EventFactory(case=case))
    for model in REGISTRY:
        assert root_client.get(reverse(f"admin:cases_{model}_add")).status_code == 403
    change = reverse("admin:cases_case_change", args=[case.pk])
    page = root_client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    posted = root_client.post(change, {"name": "Cambiado en el admin"})
    assert posted.status_code == 403
    assert (
        root_client.post(
            reverse("admin:cases_case_delete", args=[case.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        root_client.post(
            reverse("admin:cases_event_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    # Bulk delete from the list is not offered either.
    listing = root_client.post(
        reverse("admin:cases_case_changelist"),
        {"action": "delete_selected", "_selected_action": [case.pk], "post": "yes"},
    )
    assert listing.status_code in (200, 302)
    history = case.history.order_by("history_id").first()
    assert history is not None
    revert = reverse("admin:cases_case_simple_history", args=[case.pk, history.history_id])
    assert root_client.post(revert, {"name": "Revertido"}).status_code == 403
    case.refresh_from_db()
    assert case.name != "Cambiado en el admin"
    assert Case.objects.filter(pk=case.pk).count() == 1
    assert Event.objects.filter(pk=event.pk).count() == 1


def test_staff_of_another_institution_sees_what_the_pages_show_them(
    case: Case, other_institution: Institution, owner_institution: Institution
) -> None:
    staff = member(other_institution, Role.ANALYST, email="staff@onds.gob.pe")
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=[f"view_{m}" for m in REGISTRY])
    )
    draft = cast(Case, CaseFactory(institution=owner_institution, state=CaseState.DRAFT))
    EventFactory(case=case, notes="NOTA-PRIVADA", sources="FUENTE-PRIVADA")
    client = Client()
    client.force_login(staff)
    listing = client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert case.name in listing
    assert draft.name not in listing
    assert client.get(reverse("admin:cases_case_change", args=[draft.pk])).status_code == 302
    detail = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert detail.status_code == 200
    assert "DESCRIPCION-RESERVADA" not in detail.content.decode()
    event = Event.objects.get(notes="NOTA-PRIVADA")
    event_page = client.get(reverse("admin:cases_event_change", args=[event.pk])).content.decode()
    assert "NOTA-PRIVADA" not in event_page
    assert "FUENTE-PRIVADA" not in event_page
    assert Evidence.objects.count() == 0


def test_staff_of_another_institution_sees_a_caseless_event_without_its_private_fields(
    owner_institution: Institution, other_institution: Institution
) -> None:
    staff = member(other_institution, Role.ANALYST, email="staff@onds.gob.pe")
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(*Permission.objects.filter(codename="view_event"))
    caseless = EventFactory(
        case=None, institution=owner_institution, notes="NOTA-PRIVADA", location="Puente Chao"
    )
    hidden = EventFactory(case=CaseFactory(institution=owner_institution, state=CaseState.DRAFT))
    client = Client()
    client.force_login(staff)
    listing = client.get(reverse("admin:cases_event_changelist"))
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 1
    page = client.get(reverse("admin:cases_event_change", args=[caseless.pk]))
    assert page.status_code == 200
    assert "Puente Chao" in page.content.decode()
    assert "NOTA-PRIVADA" not in page.content.decode()
    assert client.get(reverse("admin:cases_event_change", args=[hidden.pk])).status_code == 302

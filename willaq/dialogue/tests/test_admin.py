"""The admin shows dialogue read-only, with the access rule of the pages: a staff member of an
institution outside the space reads the space and its commitments but none of the confidential
fields; nobody changes anything there."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import Institution, Role, User
from willaq.dialogue.tests.conftest import Roundtable
from willaq.testing.factories import member

MODELS = ("dialoguespace", "dialoguesession", "acta", "commitment")


def _staff(institution: Institution, email: str) -> Client:
    staff: User = member(institution, Role.ANALYST, email=email)
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="dialogue",
            codename__in=[f"{verb}_{m}" for m in MODELS for verb in ("view", "change")],
        )
    )
    client = Client()
    client.force_login(staff)
    return client


@pytest.mark.parametrize(
    ("model", "attr", "secret"),
    [
        ("dialoguespace", "space", "La comunidad desconfía"),
        ("dialoguesession", "session", "Se acordó el mantenimiento"),
    ],
)
def test_outsider_staff_do_not_read_confidential_fields(
    roundtable: Roundtable,
    owner_institution: Institution,
    other_institution: Institution,
    model: str,
    attr: str,
    secret: str,
) -> None:
    obj = getattr(roundtable, attr)
    url = reverse(f"admin:dialogue_{model}_change", args=[obj.pk])
    inside = _staff(owner_institution, "staff@dp.gob.pe").get(url)
    assert inside.status_code == 200
    assert secret in inside.content.decode()
    outside = _staff(other_institution, "staff@onds.gob.pe").get(url)
    assert outside.status_code == 200
    assert secret not in outside.content.decode()


def test_the_admin_changes_nothing(roundtable: Roundtable, owner_institution: Institution) -> None:
    client = _staff(owner_institution, "staff@dp.gob.pe")
    url = reverse("admin:dialogue_commitment_change", args=[roundtable.road.pk])
    response = client.post(url, {"description": "Cambiado", "progress": "99"})
    assert response.status_code == 403
    roundtable.road.refresh_from_db()
    assert roundtable.road.description == "Mantenimiento del corredor vial"
    listing = client.get(reverse("admin:dialogue_commitment_changelist"))
    assert listing.status_code == 200
    assert listing.content.decode().count("/change/") == 3

"""The admin shows complaints read-only, scoped by the pages' rule: staff of the handling
institution read the complainant; staff of another institution do not see the complaint."""

from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import Institution, Role, User
from willaq.complaints.choices import ComplaintKind
from willaq.complaints.services.intake import ComplaintInput, submit_complaint
from willaq.testing.factories import member


def _staff(institution: Institution, email: str) -> Client:
    staff: User = member(institution, Role.ANALYST, email=email)
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="complaints", codename="view_complaint")
    )
    client = Client()
    client.force_login(staff)
    return client


def test_outsider_staff_never_read_the_complainant(
    owner_institution: Institution, other_institution: Institution
) -> None:
    complaint, _new = submit_complaint(
        ComplaintInput(
            institution=owner_institution,
            kind=ComplaintKind.WASTE,
            description="Basura en el río",
            ubigeo_code="020101",
            complainant_name="DENUNCIANTE-SECRETO",
            complainant_contact="+51987650000",
        ),
        client_address="192.0.2.20",
    )
    url = reverse("admin:complaints_complaint_change", args=[complaint.pk])
    listing = reverse("admin:complaints_complaint_changelist")
    inside = _staff(owner_institution, "staff@dp.gob.pe")
    assert "DENUNCIANTE-SECRETO" in inside.get(url).content.decode()
    assert inside.get(listing).content.decode().count("/change/") == 1
    outside = _staff(other_institution, "staff@onds.gob.pe")
    assert "DENUNCIANTE-SECRETO" not in outside.get(url, follow=True).content.decode()
    assert outside.get(listing).content.decode().count("/change/") == 0

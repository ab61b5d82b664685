"""Institution admins manage their members: add (inviting new people), change role, deactivate."""

import re
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import Institution, Membership, Role, User
from willaq.accounts.services import add_member, change_member_role, deactivate_membership
from willaq.audit.models import AuditEvent, AuditLog
from willaq.testing.factories import member

pytestmark = pytest.mark.django_db

BASE = "http://testserver/"


def members_url(slug: str = "defensoria") -> str:
    return reverse("accounts:members", args=[slug])


def membership_of(user: User, institution: Institution, role: str) -> Membership:
    return Membership.objects.get(user=user, institution=institution, role=role)


# --- Access -------------------------------------------------------------------------------


def test_admin_sees_members_and_roles(admin_client: Client, analyst: User, outsider: User) -> None:
    response = admin_client.get(members_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Miembros de Defensoría del Pueblo" in body
    assert analyst.email in body
    assert "Adela Admin" in body
    assert outsider.email not in body


def test_anonymous_is_sent_to_login(anon_client: Client, owner_institution: Institution) -> None:
    response = anon_client.get(members_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    response = anon_client.post(members_url(), {"email": "x@dp.gob.pe", "role": Role.ANALYST})
    assert response.status_code == 302
    assert not User.objects.filter(email="x@dp.gob.pe").exists()


def test_analyst_of_the_institution_is_forbidden(analyst_client: Client, analyst: User) -> None:
    assert analyst_client.get(members_url()).status_code == 403
    response = analyst_client.post(
        members_url(), {"email": "x@dp.gob.pe", "full_name": "X", "role": Role.ADMIN}
    )
    assert response.status_code == 403
    membership = membership_of(analyst, analyst.memberships.get().institution, Role.ANALYST)
    response = analyst_client.post(
        reverse("accounts:member_change_role", args=["defensoria", membership.uuid]),
        {"role": Role.ADMIN},
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.ANALYST
    assert not User.objects.filter(email="x@dp.gob.pe").exists()


def test_coordinator_is_forbidden(coordinator_client: Client) -> None:
    assert coordinator_client.get(members_url()).status_code == 403


def test_admin_of_another_institution_gets_404(
    other_admin_client: Client, outsider_client: Client, analyst: User
) -> None:
    assert other_admin_client.get(members_url()).status_code == 404
    assert outsider_client.get(members_url()).status_code == 404
    membership = analyst.memberships.get()
    response = other_admin_client.post(
        reverse("accounts:member_deactivate", args=["defensoria", membership.uuid])
    )
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.is_active


def test_membership_of_another_institution_is_not_found_via_own_slug(
    admin_client: Client, outsider: User
) -> None:
    # An admin cannot reach another institution's membership by putting it under their own slug.
    membership = outsider.memberships.get()
    response = admin_client.post(
        reverse("accounts:member_deactivate", args=["defensoria", membership.uuid])
    )
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.is_active


def test_unknown_institution_is_404(admin_client: Client) -> None:
    assert admin_client.get(members_url("no-existe")).status_code == 404


# --- Adding members ----------------------------------------------------------------------


def _link_in(text: str) -> str:
    match = re.search(r"http://testserver(/\S+/)", text)
    assert match, text
    return match.group(1)


def test_admin_adds_a_new_person_who_gets_a_password_link(
    admin_client: Client,
    inst_admin: User,
    owner_institution: Institution,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            members_url(),
            {"email": "Nueva@DP.gob.pe", "full_name": "Nora  Nueva", "role": Role.ANALYST},
        )
    assert response.status_code == 302
    assert response["Location"] == members_url()

    person = User.objects.get(email="nueva@dp.gob.pe")
    assert person.full_name == "Nora Nueva"
    assert not person.has_usable_password()
    assert membership_of(person, owner_institution, Role.ANALYST).is_active

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nueva@dp.gob.pe"]
    assert "Defensoría del Pueblo" in message.subject
    html, mimetype = message.alternatives[0]  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    link = _link_in(message.body)
    assert link in html

    # The link lets the new person choose a password and then log in.
    client = Client()
    response = client.get(link, follow=True)
    assert "Elegir una contraseña" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "mi-clave-de-campo-5", "new_password2": "mi-clave-de-campo-5"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("accounts:login"),
        {"username": "nueva@dp.gob.pe", "password": "mi-clave-de-campo-5"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)

    events = AuditLog.objects.filter(institution=owner_institution).order_by("id")
    assert [e.event_type for e in events] == [
        AuditEvent.USER_CREATED,
        AuditEvent.MEMBERSHIP_ADDED,
    ]
    assert all(e.acting_user == inst_admin for e in events)
    assert events[1].diff == {"user": "nueva@dp.gob.pe", "role": "analyst"}


def test_adding_an_existing_user_sends_no_email_and_keeps_their_name(
    admin_client: Client,
    outsider: User,
    owner_institution: Institution,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            members_url(),
            {"email": outsider.email, "full_name": "Otro Nombre", "role": Role.FACILITATOR},
        )
    assert response.status_code == 302
    outsider.refresh_from_db()
    assert outsider.full_name == "Otto Otro"
    assert membership_of(outsider, owner_institution, Role.FACILITATOR).is_active
    assert mail.outbox == []
    assert not AuditLog.objects.filter(event_type=AuditEvent.USER_CREATED).exists()


def test_new_person_needs_a_name(admin_client: Client) -> None:
    response = admin_client.post(members_url(), {"email": "sin@dp.gob.pe", "role": Role.ANALYST})
    assert response.status_code == 400
    assert "Indique el nombre completo." in response.content.decode()
    assert not User.objects.filter(email="sin@dp.gob.pe").exists()


def test_adding_the_same_role_twice_is_refused(admin_client: Client, analyst: User) -> None:
    response = admin_client.post(
        members_url(), {"email": analyst.email, "full_name": "", "role": Role.ANALYST}
    )
    assert response.status_code == 400
    assert "ya es miembro de la institución con ese rol" in response.content.decode()
    assert analyst.memberships.count() == 1


def test_invalid_role_is_refused(admin_client: Client) -> None:
    response = admin_client.post(
        members_url(), {"email": "x@dp.gob.pe", "full_name": "X", "role": "emperor"}
    )
    assert response.status_code == 400
    assert not User.objects.filter(email="x@dp.gob.pe").exists()


def test_re_adding_a_deactivated_membership_reactivates_it(
    inst_admin: User, analyst: User, owner_institution: Institution
) -> None:
    membership = analyst.memberships.get()
    deactivate_membership(user=inst_admin, membership=membership)
    again = add_member(
        user=inst_admin,
        institution=owner_institution,
        email=analyst.email,
        full_name="",
        role=Role.ANALYST,
        base_url=BASE,
    )
    assert again.pk == membership.pk
    assert again.is_active
    assert AuditLog.objects.filter(event_type=AuditEvent.MEMBERSHIP_ADDED).get().diff["reactivated"]


# --- Changing roles and deactivating ------------------------------------------------------


def test_admin_changes_a_role(
    admin_client: Client, inst_admin: User, analyst: User, owner_institution: Institution
) -> None:
    membership = analyst.memberships.get()
    response = admin_client.post(
        reverse("accounts:member_change_role", args=["defensoria", membership.uuid]),
        {"role": Role.COORDINATOR},
    )
    assert response.status_code == 302
    assert response["Location"] == members_url()
    membership.refresh_from_db()
    assert membership.role == Role.COORDINATOR
    log = AuditLog.objects.get(event_type=AuditEvent.MEMBERSHIP_CHANGED)
    assert log.acting_user == inst_admin
    assert log.institution == owner_institution
    assert log.target_id == str(membership.uuid)
    assert log.diff["role"] == ["analyst", "coordinator"]


def test_admin_deactivates_a_membership(
    admin_client: Client, inst_admin: User, analyst: User
) -> None:
    membership = analyst.memberships.get()
    response = admin_client.post(
        reverse("accounts:member_deactivate", args=["defensoria", membership.uuid])
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.is_active
    log = AuditLog.objects.get(event_type=AuditEvent.MEMBERSHIP_REMOVED)
    assert log.acting_user == inst_admin
    assert log.diff == {"user": analyst.email, "role": "analyst"}
    # The page still lists the person, as deactivated; and they lost access.
    body = admin_client.get(members_url()).content.decode()
    assert analyst.email in body
    assert "Desactivada" in body
    analyst_client = Client()
    analyst_client.force_login(analyst)
    assert analyst_client.get(members_url()).status_code == 404


def test_deactivate_is_post_only(admin_client: Client, analyst: User) -> None:
    membership = analyst.memberships.get()
    url = reverse("accounts:member_deactivate", args=["defensoria", membership.uuid])
    assert admin_client.get(url).status_code == 405


def test_last_admin_cannot_remove_or_demote_themselves(
    admin_client: Client, inst_admin: User, owner_institution: Institution
) -> None:
    membership = membership_of(inst_admin, owner_institution, Role.ADMIN)
    response = admin_client.post(
        reverse("accounts:member_deactivate", args=["defensoria", membership.uuid]), follow=True
    )
    assert "No puede quitarse su propio rol de administrador" in response.content.decode()
    response = admin_client.post(
        reverse("accounts:member_change_role", args=["defensoria", membership.uuid]),
        {"role": Role.ANALYST},
        follow=True,
    )
    assert "es el último administrador" in response.content.decode()
    membership.refresh_from_db()
    assert membership.is_active
    assert membership.role == Role.ADMIN
    assert not AuditLog.objects.exists()


def test_an_admin_may_step_down_when_another_admin_remains(
    admin_client: Client, inst_admin: User, owner_institution: Institution
) -> None:
    member(owner_institution, Role.ADMIN, email="admin2@dp.gob.pe")
    membership = membership_of(inst_admin, owner_institution, Role.ADMIN)
    response = admin_client.post(
        reverse("accounts:member_deactivate", args=["defensoria", membership.uuid])
    )
    # No longer an admin: back to the profile, not to a page they can no longer open.
    assert response["Location"] == reverse("accounts:profile")
    membership.refresh_from_db()
    assert not membership.is_active
    assert admin_client.get(members_url()).status_code == 404


def test_changing_to_a_role_held_before_reuses_the_slot(
    inst_admin: User, owner_institution: Institution
) -> None:
    person = member(owner_institution, Role.ANALYST, email="p@dp.gob.pe")
    coordinator = Membership.objects.create(
        user=person, institution=owner_institution, role=Role.COORDINATOR, is_active=False
    )
    analyst_membership = membership_of(person, owner_institution, Role.ANALYST)
    change_member_role(user=inst_admin, membership=analyst_membership, role=Role.COORDINATOR)
    analyst_membership.refresh_from_db()
    assert analyst_membership.role == Role.COORDINATOR
    assert not Membership.objects.filter(pk=coordinator.pk).exists()


def test_changing_to_a_role_already_active_is_refused(
    inst_admin: User, owner_institution: Institution
) -> None:
    person = member(owner_institution, Role.ANALYST, email="p@dp.gob.pe")
    Membership.objects.create(user=person, institution=owner_institution, role=Role.COORDINATOR)
    with pytest.raises(ValidationError):
        change_member_role(
            user=inst_admin,
            membership=membership_of(person, owner_institution, Role.ANALYST),
            role=Role.COORDINATOR,
        )


def test_services_refuse_non_admins(
    analyst: User, outsider: User, owner_institution: Institution
) -> None:
    membership = analyst.memberships.get()
    for user in (analyst, outsider):
        with pytest.raises(PermissionDenied):
            add_member(
                user=user,
                institution=owner_institution,
                email="x@dp.gob.pe",
                full_name="X",
                role=Role.ADMIN,
                base_url=BASE,
            )
        with pytest.raises(PermissionDenied):
            change_member_role(user=user, membership=membership, role=Role.ADMIN)
        with pytest.raises(PermissionDenied):
            deactivate_membership(user=user, membership=membership)
    assert not AuditLog.objects.exists()


def test_superuser_manages_any_institution(owner_institution: Institution, analyst: User) -> None:
    root = User.objects.create_superuser("root@willaq.pe", "clave-raiz-larga-1", full_name="Root")
    client = Client()
    client.force_login(root)
    assert client.get(members_url()).status_code == 200

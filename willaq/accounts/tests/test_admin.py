"""The Django admin: every registered model's pages open, users are added by e-mail, and
membership changes made there are audited."""

from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import ApiToken, Institution, Membership, Role, User
from willaq.accounts.services import create_api_token
from willaq.audit.models import AuditEvent, AuditLog
from willaq.cases.models import Case
from willaq.testing.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root() -> User:
    return User.objects.create_superuser("root@willaq.pe", "clave-raiz-larga-1", full_name="Root")


@pytest.fixture
def root_client(root: User) -> Client:
    client = Client()
    client.force_login(root)
    return client


MODELS = [
    "accounts.user",
    "accounts.institution",
    "accounts.apitoken",
    "audit.auditlog",
    "cases.category",
    "cases.case",
    "cases.event",
    "cases.actor",
    "cases.newsitem",
    "cases.evidence",
]


@pytest.mark.parametrize("label", MODELS)
def test_changelist_opens(root_client: Client, label: str) -> None:
    app, model = label.split(".")
    assert root_client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200


@pytest.fixture
def case(owner_institution: Institution) -> Case:
    return CaseFactory(institution=owner_institution)


def test_changelists_filter_and_search(root_client: Client, analyst: User, case: Case) -> None:
    response = root_client.get(
        reverse("admin:cases_case_changelist"), {"state__exact": "active", "q": case.code}
    )
    assert response.status_code == 200
    assert case.name in response.content.decode()
    response = root_client.get(reverse("admin:cases_case_history", args=[case.pk]))
    assert response.status_code == 200
    response = root_client.get(
        reverse("admin:cases_category_changelist"), {"kind__exact": "typology"}
    )
    assert "Socioambiental" in response.content.decode()
    create_api_token(analyst, "Script")
    response = root_client.get(
        reverse("admin:audit_auditlog_changelist"),
        {"event_type__exact": str(AuditEvent.API_TOKEN_CREATED.value)},
    )
    assert response.status_code == 200
    assert "Token de API creado" in response.content.decode()


def test_non_staff_cannot_open_the_admin(analyst_client: Client, anon_client: Client) -> None:
    url = reverse("admin:accounts_user_changelist")
    assert analyst_client.get(url).status_code == 302
    assert anon_client.get(url).status_code == 302


def test_add_user_with_email(root_client: Client, root: User) -> None:
    assert root_client.get(reverse("admin:accounts_user_add")).status_code == 200
    response = root_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Nuevo@Willaq.pe",
            "full_name": "Nuevo Usuario",
            "usable_password": "true",
            "password1": "una-clave-bastante-larga-3",
            "password2": "una-clave-bastante-larga-3",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="nuevo@willaq.pe")
    assert user.check_password("una-clave-bastante-larga-3")
    assert AuditLog.objects.get(event_type=AuditEvent.USER_CREATED).acting_user == root

    response = root_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "NUEVO@willaq.pe",
            "full_name": "Duplicado",
            "usable_password": "false",
        },
    )
    assert response.status_code == 200
    assert User.objects.filter(email__iexact="nuevo@willaq.pe").count() == 1


def test_user_change_page_opens(root_client: Client, analyst: User) -> None:
    response = root_client.get(reverse("admin:accounts_user_change", args=[analyst.pk]))
    assert response.status_code == 200
    assert analyst.email in response.content.decode()


def _inline_data(institution: Institution, rows: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": institution.slug,
        "name": institution.name,
        "acronym": institution.acronym,
        "kind": institution.kind,
        "is_active": "on",
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(sum(1 for r in rows if r.get("id"))),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"memberships-{i}-{key}"] = value
        data[f"memberships-{i}-institution"] = str(institution.pk)
    return data


def test_membership_inline_changes_are_audited(
    root_client: Client, root: User, analyst: User, outsider: User, owner_institution: Institution
) -> None:
    existing = analyst.memberships.get()
    url = reverse("admin:accounts_institution_change", args=[owner_institution.pk])
    assert root_client.get(url).status_code == 200
    data = _inline_data(
        owner_institution,
        [
            {
                "id": str(existing.pk),
                "user": str(analyst.pk),
                "role": Role.COORDINATOR,
                "is_active": "on",
            },
            {"user": str(outsider.pk), "role": Role.FACILITATOR, "is_active": "on"},
        ],
    )
    response = root_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    existing.refresh_from_db()
    assert existing.role == Role.COORDINATOR
    added = Membership.objects.get(user=outsider, institution=owner_institution)
    changed_log = AuditLog.objects.get(event_type=AuditEvent.MEMBERSHIP_CHANGED)
    assert changed_log.diff["role"] == ["analyst", "coordinator"]
    assert changed_log.acting_user == root
    added_log = AuditLog.objects.get(event_type=AuditEvent.MEMBERSHIP_ADDED)
    assert added_log.target_id == str(added.uuid)

    data = _inline_data(
        owner_institution,
        [
            {
                "id": str(existing.pk),
                "user": str(analyst.pk),
                "role": Role.COORDINATOR,
                "is_active": "on",
                "DELETE": "on",
            },
            {
                "id": str(added.pk),
                "user": str(outsider.pk),
                "role": Role.FACILITATOR,
                "is_active": "on",
            },
        ],
    )
    response = root_client.post(url, data)
    assert response.status_code == 302
    removed = AuditLog.objects.get(event_type=AuditEvent.MEMBERSHIP_REMOVED)
    assert removed.diff["user"] == analyst.email
    assert removed.institution == owner_institution
    assert removed.target_id == str(existing.uuid)


def test_api_tokens_and_audit_are_read_only(root_client: Client, analyst: User) -> None:
    token, raw = create_api_token(analyst, "Script")
    assert admin.site._registry[ApiToken].has_add_permission(None) is False  # type: ignore[arg-type]
    response = root_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert token.token_hash not in body
    assert raw not in body
    response = root_client.post(
        reverse("admin:accounts_apitoken_change", args=[token.pk]), {"name": "Otro"}
    )
    assert response.status_code == 403
    token.refresh_from_db()
    assert token.name == "Script"
    log = AuditLog.objects.get()
    response = root_client.post(
        reverse("admin:audit_auditlog_delete", args=[log.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert AuditLog.objects.filter(pk=log.pk).exists()

"""The admin shows early warning read-only, scoped by the same access functions as the pages
and the API: staff of one institution never see another's pre-alerts, reporters, restricted
alerts or orders."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from willaq.accounts.models import Institution, Role, User
from willaq.earlywarning.choices import AlertCertainty, AlertLevel, AlertUrgency
from willaq.earlywarning.models import Alert
from willaq.testing.factories import PreAlertFactory, ReporterFactory, member

pytestmark = pytest.mark.django_db

MODELS = ("reporter", "prealert", "alert", "deploymentorder")


def _staff(institution: Institution, email: str) -> User:
    staff = member(institution, Role.ANALYST, email=email)
    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="earlywarning", codename__in=[f"view_{m}" for m in MODELS]
        )
    )
    return staff


def _alert(institution: Institution, headline: str, *, public: bool) -> Alert:
    return Alert.objects.create(
        identifier=f"test-{headline}",
        institution=institution,
        sent_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        level=AlertLevel.YELLOW,
        urgency=AlertUrgency.FUTURE,
        certainty=AlertCertainty.POSSIBLE,
        headline=headline,
        description="…",
        area_description="Cusco",
        is_public=public,
    )


def test_staff_see_only_what_the_pages_show_them(
    owner_institution: Institution, other_institution: Institution
) -> None:
    ours = PreAlertFactory.create(institution=owner_institution, description="NUESTRA-PREALERTA")
    theirs = PreAlertFactory.create(institution=other_institution, description="AJENA-PREALERTA")
    ReporterFactory.create(institution=owner_institution, name="REPORTERO-NUESTRO")
    ReporterFactory.create(institution=other_institution, name="REPORTERO-AJENO")
    _alert(other_institution, "ALERTA-AJENA-PUBLICA", public=True)
    hidden = _alert(other_institution, "ALERTA-AJENA-RESTRINGIDA", public=False)
    client = Client()
    client.force_login(_staff(owner_institution, "staff@dp.gob.pe"))

    prealerts = client.get(reverse("admin:earlywarning_prealert_changelist")).content.decode()
    assert prealerts.count(reverse("admin:earlywarning_prealert_change", args=[ours.pk])) == 1
    assert reverse("admin:earlywarning_prealert_change", args=[theirs.pk]) not in prealerts
    reporters = client.get(reverse("admin:earlywarning_reporter_changelist")).content.decode()
    assert "REPORTERO-NUESTRO" in reporters
    assert "REPORTERO-AJENO" not in reporters
    alerts = client.get(reverse("admin:earlywarning_alert_changelist")).content.decode()
    assert "ALERTA-AJENA-PUBLICA" in alerts
    assert "ALERTA-AJENA-RESTRINGIDA" not in alerts
    restricted = client.get(reverse("admin:earlywarning_alert_change", args=[hidden.pk]))
    assert restricted.status_code == 302  # the admin's answer to an object outside the queryset
    page = client.get(reverse("admin:earlywarning_prealert_change", args=[ours.pk]))
    assert page.status_code == 200
    assert "NUESTRA-PREALERTA" in page.content.decode()
    assert b"Save" not in page.content  # read only

"""The reporter network: services (phone in E.164, unique; territory codes; account link) and
pages with the personas."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from willaq.accounts.models import Institution, User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.earlywarning.choices import ReporterLevel
from willaq.earlywarning.models import Reporter
from willaq.earlywarning.services import reporters as services
from willaq.testing.factories import ReporterFactory

pytestmark = pytest.mark.django_db

LIST = "/prealertas/reporteros/"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("987 654 321", "+51987654321"),
        ("+51 987-654-321", "+51987654321"),
        ("0051987654321", "+51987654321"),
        ("51987654321", "+51987654321"),
        ("(01) 411-7700", "+5114117700"),
        ("", ""),
    ],
)
def test_phones_are_kept_in_e164(typed: str, stored: str) -> None:
    assert services.normalize_phone(typed) == stored


def test_a_bad_phone_is_named() -> None:
    with pytest.raises(ValidationError) as error:
        services.normalize_phone("llámame")
    assert "phone" in error.value.message_dict


def _data(institution: Institution, **extra: object) -> services.ReporterData:
    values: dict[str, object] = {
        "name": "Juan  Gobernador",
        "level": ReporterLevel.PROVINCIAL_GOVERNOR,
        "institution": institution,
        "territories": services.parse_territory_codes("080700, 080701"),
        "phone": "984 111 222",
    }
    values.update(extra)
    return services.ReporterData(**values)  # type: ignore[arg-type]


def test_create_and_update_a_reporter(
    coordinator: User, owner_institution: Institution, analyst: User
) -> None:
    reporter = services.create_reporter(coordinator, _data(owner_institution))
    assert reporter.name == "Juan Gobernador"
    assert reporter.phone == "+51984111222"
    assert sorted(reporter.territories.values_list("code", flat=True)) == ["080700", "080701"]
    services.update_reporter(
        coordinator, reporter, _data(owner_institution, account=analyst, is_active=False)
    )
    reporter.refresh_from_db()
    assert reporter.user == analyst
    assert not reporter.is_active
    logs = AuditLog.objects.filter(target_id=str(reporter.uuid)).order_by("id")
    assert [log.event_type for log in logs] == [
        AuditEvent.REPORTER_CREATED,
        AuditEvent.REPORTER_CHANGED,
    ]
    assert logs[1].diff["is_active"] == [True, False]


def test_reporter_rules(
    coordinator: User, analyst: User, owner_institution: Institution, outsider: User
) -> None:
    ReporterFactory.create(institution=owner_institution, phone="+51984111222", name="Otro")
    with pytest.raises(ValidationError) as error:
        services.create_reporter(coordinator, _data(owner_institution))
    assert "Otro" in error.value.message_dict["phone"][0]
    with pytest.raises(ValidationError) as error:
        services.parse_territory_codes("080700 999999 abc")
    assert "999999, abc" in error.value.message_dict["territories"][0]
    with pytest.raises(ValidationError) as error:
        services.create_reporter(coordinator, _data(owner_institution, phone="", account=outsider))
    assert "account" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.create_reporter(analyst, _data(owner_institution, phone="999 000 111"))
    assert Reporter.objects.count() == 1


def test_the_list_with_filters(
    analyst_client: Client, owner_institution: Institution, other_institution: Institution
) -> None:
    ReporterFactory.create(institution=owner_institution, name="Activa de Cusco").territories.set(
        services.parse_territory_codes("080000")
    )
    ReporterFactory.create(
        institution=owner_institution,
        name="Jueza inactiva",
        level=ReporterLevel.JUSTICE_OF_PEACE,
        is_active=False,
    )
    ReporterFactory.create(institution=other_institution, name="De la ONDS")

    def names(query: str = "") -> list[str]:
        response = analyst_client.get(f"{LIST}?{query}")
        assert response.status_code == 200
        return [r.name for r in response.context["page"].object_list]

    assert names() == ["Activa de Cusco", "Jueza inactiva"]
    assert names("active=si") == ["Activa de Cusco"]
    assert names("level=justice_of_peace") == ["Jueza inactiva"]
    assert names("department=080000") == ["Activa de Cusco"]
    # An analyst reads the network but does not change it.
    body = analyst_client.get(LIST).content.decode()
    assert "Nuevo reportero" not in body
    assert analyst_client.get(f"{LIST}nuevo/").status_code == 403


def test_create_and_edit_from_the_pages(
    coordinator_client: Client, owner_institution: Institution
) -> None:
    response = coordinator_client.post(
        f"{LIST}nuevo/",
        {
            "name": "Marta Comisionada",
            "level": "commissioner",
            "institution": owner_institution.pk,
            "territories": "080700; 999999",
            "phone": "984 333 444",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "999999" in response.content.decode()
    assert Reporter.objects.count() == 0
    response = coordinator_client.post(
        f"{LIST}nuevo/",
        {
            "name": "Marta Comisionada",
            "level": "commissioner",
            "institution": owner_institution.pk,
            "territories": "080700",
            "phone": "984 333 444",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    reporter = Reporter.objects.get()
    assert reporter.phone == "+51984333444"
    page = coordinator_client.get(f"{LIST}{reporter.uuid}/editar/")
    assert page.status_code == 200
    assert "080700" in page.content.decode()
    coordinator_client.post(
        f"{LIST}{reporter.uuid}/editar/",
        {
            "name": "Marta Comisionada",
            "level": "commissioner",
            "institution": owner_institution.pk,
            "territories": "080700",
            "email": "marta@dp.gob.pe",
        },
    )
    reporter.refresh_from_db()
    assert reporter.email == "marta@dp.gob.pe"
    assert reporter.phone == ""
    assert not reporter.is_active


def test_the_outsider_gets_404_and_sees_no_one(
    outsider_client: Client, owner_institution: Institution
) -> None:
    reporter = ReporterFactory.create(institution=owner_institution)
    assert outsider_client.get(f"{LIST}{reporter.uuid}/editar/").status_code == 404
    assert outsider_client.post(f"{LIST}{reporter.uuid}/editar/").status_code == 404
    response = outsider_client.get(LIST)
    assert list(response.context["page"].object_list) == []


def test_the_reporter_sees_no_network(reporter_client: Client) -> None:
    assert reporter_client.get(LIST).status_code == 403

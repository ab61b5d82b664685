import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from willaq.accounts.models import Institution, Role, User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.peoples.models import Interpreter, People
from willaq.peoples.selectors import interpreter_gaps
from willaq.peoples.services import (
    InterpreterInput,
    LanguageSkill,
    register_interpreter,
    update_interpreter,
)
from willaq.territory.models import Ubigeo
from willaq.testing.factories import member

AMAZONAS = "010000"
LORETO = "160000"


def _register(user: User, name: str, dept: str, *langs: str, certified: bool = True) -> Interpreter:
    return register_interpreter(
        user,
        InterpreterInput(
            full_name=name,
            department=dept,
            languages=[LanguageSkill(lang) for lang in langs],
            registry_number=f"RNI-{name[:3]}-{dept}" if certified else "",
            certified_on=dt.date(2020, 5, 4) if certified else None,
            phone="987654321",
            email="interprete@example.pe",
        ),
    )


def test_an_interpreter_without_languages_is_refused(analyst: User) -> None:
    with pytest.raises(ValidationError) as raised:
        register_interpreter(
            analyst, InterpreterInput(full_name="Sin Lengua", department=AMAZONAS, languages=[])
        )
    assert "languages" in raised.value.message_dict
    assert "al menos una lengua" in raised.value.message_dict["languages"][0]
    assert Interpreter.objects.count() == 0


def test_register_and_update_write_the_audit_log(analyst: User) -> None:
    interpreter = _register(analyst, "Rosa Tsamajain", AMAZONAS, "awajun")
    assert interpreter.language_links.count() == 1
    update_interpreter(
        analyst,
        interpreter,
        InterpreterInput(
            full_name="Rosa Tsamajain",
            department=AMAZONAS,
            languages=[LanguageSkill("awajun", "Awajún del Nieva"), LanguageSkill("wampis")],
            registry_number=interpreter.registry_number,
            certified_on=interpreter.certified_on,
        ),
    )
    assert interpreter.language_links.count() == 2
    assert AuditLog.objects.filter(event_type=AuditEvent.INTERPRETER_REGISTERED).count() == 1
    assert AuditLog.objects.filter(event_type=AuditEvent.INTERPRETER_CHANGED).count() == 1


def test_only_the_registering_institution_changes_an_interpreter(
    analyst: User, outsider: User
) -> None:
    interpreter = _register(analyst, "Rosa Tsamajain", AMAZONAS, "awajun")
    with pytest.raises(PermissionDenied):
        update_interpreter(
            outsider,
            interpreter,
            InterpreterInput(
                full_name="X", department=AMAZONAS, languages=[LanguageSkill("awajun")]
            ),
        )


def test_a_reporter_may_not_register(owner_institution: Institution) -> None:
    reporter = member(owner_institution, Role.REPORTER, email="rep@dp.gob.pe")
    with pytest.raises(PermissionDenied):
        _register(reporter, "Nadie", AMAZONAS, "awajun")


def test_certified_requires_a_registry_number(analyst: User) -> None:
    with pytest.raises(ValidationError) as raised:
        register_interpreter(
            analyst,
            InterpreterInput(
                full_name="Sin Número",
                department=AMAZONAS,
                languages=[LanguageSkill("awajun")],
                certified_on=dt.date(2021, 1, 1),
            ),
        )
    assert "registry_number" in raised.value.message_dict


def test_gaps_list_the_languages_without_certified_interpreter_in_the_department(
    analyst: User,
) -> None:
    amazonas = Ubigeo.objects.get(code=AMAZONAS)
    gaps, covered = interpreter_gaps(amazonas)
    # Amazonas: Awajún and Wampis peoples → Awajún and Wampis languages, none covered yet.
    assert sorted(row.language.name for row in gaps) == ["Awajún", "Wampis"]
    assert len(covered) == 0
    _register(analyst, "Rosa Tsamajain", AMAZONAS, "awajun")
    _register(analyst, "No Certificado", AMAZONAS, "wampis", certified=False)
    _register(analyst, "En Loreto", LORETO, "wampis")
    gaps, covered = interpreter_gaps(amazonas)
    assert [row.language.name for row in gaps] == ["Wampis"]
    assert gaps[0].certified_elsewhere == 1
    assert [p.name for p in gaps[0].peoples] == ["Wampis"]
    assert [(row.language.name, row.certified_here) for row in covered] == [("Awajún", 1)]


def test_gap_page(analyst: User, analyst_client: Client, anon_client: Client) -> None:
    _register(analyst, "Rosa Tsamajain", AMAZONAS, "awajun")
    for client in (analyst_client, anon_client):
        response = client.get("/pueblos/interpretes/brechas/", {"departamento": AMAZONAS})
        assert response.status_code == 200
        body = response.content.decode()
        gaps_table = body.split('id="gaps"')[1].split("</table>")[0]
        assert "Wampis" in gaps_table
        assert "Awajún" not in gaps_table
    assert (
        anon_client.get("/pueblos/interpretes/brechas/", {"departamento": "999999"}).status_code
        == 200
    )


def test_contact_data_only_for_institution_members(
    analyst: User, analyst_client: Client, outsider_client: Client, anon_client: Client
) -> None:
    _register(analyst, "Rosa Tsamajain", AMAZONAS, "awajun")
    for client, sees in ((analyst_client, True), (outsider_client, True), (anon_client, False)):
        page = client.get("/pueblos/interpretes/")
        assert page.status_code == 200
        assert ("987654321" in page.content.decode()) is sees
        detail = client.get("/pueblos/awajun/")
        assert ("987654321" in detail.content.decode()) is sees
        api = client.get("/api/v1/interpreters")
        assert api.status_code == 200
        items = api.json()["items"]
        assert len(items) == 1
        assert (items[0]["phone"] == "987654321") is sees
        assert (items[0]["email"] != "") is sees


def test_interpreter_pages_for_two_institutions(
    analyst: User, analyst_client: Client, outsider_client: Client, anon_client: Client
) -> None:
    assert analyst_client.get("/pueblos/interpretes/nuevo/").status_code == 200
    assert anon_client.get("/pueblos/interpretes/nuevo/").status_code == 302
    response = analyst_client.post(
        "/pueblos/interpretes/nuevo/",
        {
            "full_name": "Lucía Ahuanari",
            "role": "interpreter",
            "department": LORETO,
            "availability": "available",
            "is_active": "on",
            "language_1": "kukama-kukamiria",
            "variety_1": "",
        },
    )
    assert response.status_code == 302
    interpreter = Interpreter.objects.get()
    edit = f"/pueblos/interpretes/{interpreter.uuid}/editar/"
    assert analyst_client.get(edit).status_code == 200
    assert outsider_client.get(edit).status_code == 403
    assert anon_client.get(edit).status_code == 302
    # The form answers a missing language with the service's message, in Spanish.
    response = analyst_client.post(
        "/pueblos/interpretes/nuevo/",
        {
            "full_name": "Sin Lengua",
            "role": "interpreter",
            "department": LORETO,
            "availability": "available",
        },
    )
    assert response.status_code == 200
    assert "al menos una lengua" in response.content.decode()
    assert Interpreter.objects.count() == 1


def test_interpreter_list_filters(analyst: User, anon_client: Client) -> None:
    _register(analyst, "Rosa Tsamajain", AMAZONAS, "awajun")
    _register(analyst, "Lucía Ahuanari", LORETO, "kukama-kukamiria", certified=False)
    assert anon_client.get("/api/v1/interpreters", {"language": "awajun"}).json()["count"] == 1
    assert anon_client.get("/api/v1/interpreters", {"certified": "false"}).json()["count"] == 1
    assert anon_client.get("/api/v1/interpreters", {"department": LORETO}).json()["count"] == 1
    assert anon_client.get("/api/v1/interpreters", {"q": "lucia"}).json()["count"] == 1
    assert anon_client.get("/api/v1/interpreters", {"department": "x"}).status_code == 422
    assert People.objects.count() == 55

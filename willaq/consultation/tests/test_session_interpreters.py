"""Assigning interpreters to a dialogue session: the page under /consulta-previa/, the fragment
the session page loads, and the rule (whoever manages the dialogue space), with personas of two
institutions and an anonymous visitor."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from willaq.accounts.models import Institution, Role, User
from willaq.audit.models import AuditEvent, AuditLog
from willaq.consultation.models import InterpreterAssignment
from willaq.dialogue.choices import SpaceKind
from willaq.dialogue.models import DialogueSession
from willaq.dialogue.services import sessions, spaces
from willaq.peoples.models import Interpreter
from willaq.peoples.services import InterpreterInput, LanguageSkill, register_interpreter
from willaq.testing.factories import member


@pytest.fixture
def session(analyst: User, owner_institution: Institution) -> DialogueSession:
    with time_machine.travel(dt.datetime(2026, 3, 12, 12, 0, tzinfo=dt.UTC), tick=False):
        space = spaces.convene_space(
            analyst,
            owner_institution,
            spaces.SpaceInput(
                kind=SpaceKind.DEVELOPMENT_TABLE,
                name="Mesa de diálogo del Lote 192",
                start_date=dt.date(2026, 3, 12),
                planned_end_date=dt.date(2026, 12, 31),
            ),
        )
        return sessions.schedule_session(
            analyst,
            space,
            sessions.SessionInput(starts_at=dt.datetime(2026, 4, 2, 15, 0, tzinfo=dt.UTC)),
        )


@pytest.fixture
def interpreter(outsider: User) -> Interpreter:
    """Registered by the other institution: the registry is shared, any space may use it."""
    return register_interpreter(
        outsider,
        InterpreterInput(
            full_name="Mercedes Sandi",
            department="160000",
            languages=[LanguageSkill("achuar"), LanguageSkill("urarina")],
            registry_number="RNI-0042",
            certified_on=dt.date(2021, 6, 1),
        ),
    )


def _url(session: DialogueSession) -> str:
    return f"/consulta-previa/interpretes/asignar-a-sesion/{session.uuid}/"


def _panel(session: DialogueSession) -> str:
    return f"/consulta-previa/interpretes/sesiones/{session.uuid}/"


def test_the_space_manager_assigns_and_sees_the_list(
    analyst_client: Client, session: DialogueSession, interpreter: Interpreter
) -> None:
    page = analyst_client.get(_url(session))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Ningún intérprete asignado a esta sesión." in body
    assert f"{interpreter.uuid}:achuar" in body
    response = analyst_client.post(_url(session), {"skill": f"{interpreter.uuid}:achuar"})
    assert response.status_code == 302
    assert response["Location"] == _url(session)
    response = analyst_client.post(_url(session), {"skill": f"{interpreter.uuid}:urarina"})
    assert response.status_code == 302
    assert InterpreterAssignment.objects.filter(session=session).count() == 2
    body = analyst_client.get(_url(session)).content.decode()
    assert body.count("Mercedes Sandi") >= 2
    assert "RNI-0042" in body
    logs = AuditLog.objects.filter(
        event_type=AuditEvent.CONSULTATION_INTERPRETER_ASSIGNED, target_id=str(session.uuid)
    )
    assert logs.count() == 2
    assert logs.filter(institution_id=session.space.institution_id).count() == 2


def test_a_second_identical_assignment_is_an_error_in_spanish(
    analyst_client: Client, session: DialogueSession, interpreter: Interpreter
) -> None:
    skill = {"skill": f"{interpreter.uuid}:achuar"}
    assert analyst_client.post(_url(session), skill).status_code == 302
    response = analyst_client.post(_url(session), skill)
    assert response.status_code == 422
    assert "Ya está asignado." in response.content.decode()
    response = analyst_client.post(_url(session), {"skill": "not-a-choice"})
    assert response.status_code == 422
    assert "skill" in response.context["form"].errors
    assert InterpreterAssignment.objects.filter(session=session).count() == 1


def test_only_whoever_manages_the_space_assigns(
    outsider_client: Client,
    anon_client: Client,
    owner_institution: Institution,
    session: DialogueSession,
    interpreter: Interpreter,
) -> None:
    skill = {"skill": f"{interpreter.uuid}:achuar"}
    # Another institution's analyst reads the session but does not manage its space.
    assert outsider_client.get(_url(session)).status_code == 403
    assert outsider_client.post(_url(session), skill).status_code == 403
    # A reporter of the convening institution does not manage it either.
    reporter = member(owner_institution, Role.REPORTER, email="rep@dp.gob.pe")
    client = Client()
    client.force_login(reporter)
    assert client.post(_url(session), skill).status_code == 403
    # Anonymous: to the login page.
    for response in (anon_client.get(_url(session)), anon_client.post(_url(session), skill)):
        assert response.status_code == 302
        assert response["Location"].startswith("/cuentas/entrar/")
    assert InterpreterAssignment.objects.count() == 0
    # An unknown session is a 404.
    unknown = "/consulta-previa/interpretes/asignar-a-sesion/00000000-0000-0000-0000-000000000000/"
    assert outsider_client.get(unknown).status_code == 404


def test_a_facilitator_of_the_space_assigns(
    owner_institution: Institution, session: DialogueSession, interpreter: Interpreter
) -> None:
    facilitator = member(owner_institution, Role.FACILITATOR, email="facilita@dp.gob.pe")
    client = Client()
    client.force_login(facilitator)
    response = client.post(_url(session), {"skill": f"{interpreter.uuid}:urarina"})
    assert response.status_code == 302
    assert InterpreterAssignment.objects.filter(session=session).count() == 1


def test_the_session_page_loads_the_panel(
    analyst_client: Client,
    outsider_client: Client,
    anon_client: Client,
    session: DialogueSession,
    interpreter: Interpreter,
) -> None:
    analyst_client.post(_url(session), {"skill": f"{interpreter.uuid}:achuar"})
    page = analyst_client.get(f"/dialogo/sesiones/{session.uuid}/").content.decode()
    assert f'hx-get="{_panel(session)}"' in page
    assert 'hx-trigger="load"' in page
    mine = analyst_client.get(_panel(session)).content.decode()
    assert "Mercedes Sandi" in mine
    assert _url(session) in mine
    theirs = outsider_client.get(_panel(session))
    assert theirs.status_code == 200
    assert "Mercedes Sandi" in theirs.content.decode()
    assert _url(session) not in theirs.content.decode()
    assert "<html" not in theirs.content.decode()
    assert anon_client.get(_panel(session)).status_code == 404

"""The facilitator's pages: the list of spaces, convening and editing a space, its page,
participants, sessions and actas — with the personas of two institutions (the convening
``owner_institution`` and the seated ``debtor_institution``; the ``outsider`` of
``other_institution`` reads the space but none of its confidential fields) and the anonymous
visitor, who is sent to the login page."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from willaq.accounts.models import Institution, Role, User
from willaq.cases.choices import CaseState
from willaq.dialogue.choices import (
    AttendanceStatus,
    ParticipantKind,
    SessionState,
    SpaceKind,
    SpaceState,
)
from willaq.dialogue.models import Acta, DialogueSession, DialogueSpace, Participant
from willaq.dialogue.services import sessions, spaces
from willaq.dialogue.tests.conftest import Roundtable, lima
from willaq.testing.factories import CaseFactory, member

pytestmark = pytest.mark.django_db

# After the roundtable's acta (10 March 2026), before its commitments fall due; the water study
# (due 30 April) is overdue on NOW_LATE.
NOW = dt.datetime(2026, 4, 15, 15, 0, tzinfo=dt.UTC)
NOW_LATE = dt.datetime(2026, 5, 15, 15, 0, tzinfo=dt.UTC)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def facilitator_client(facilitator: User) -> Client:
    client = Client()
    client.force_login(facilitator)
    return client


def _space_url(space: DialogueSpace, name: str = "dialogue:space") -> str:
    return reverse(name, kwargs={"space_uuid": space.uuid})


def _session_url(session: DialogueSession, name: str = "dialogue:session") -> str:
    return reverse(name, kwargs={"session_uuid": session.uuid})


def _second_session(coordinator: User, space: DialogueSpace, held: bool = True) -> DialogueSession:
    session = sessions.schedule_session(
        coordinator, space, sessions.SessionInput(starts_at=lima(2026, 4, 2), place="Tambobamba")
    )
    if held:
        sessions.record_session(
            coordinator,
            session,
            attendance=[
                sessions.AttendanceInput(str(p.uuid), AttendanceStatus.PRESENT)
                for p in space.participants.all()
            ],
            minutes="Segunda reunión: acuerdos sobre el agua.",
            minutes_file=SimpleUploadedFile("ayuda.pdf", PDF, content_type="application/pdf"),
        )
    return session


def _convene_form(institution: Institution, **overrides: str) -> dict[str, str]:
    data = {
        "institution": str(institution.pk),
        "kind": SpaceKind.DIALOGUE_TABLE,
        "name": "Mesa de diálogo de Espinar",
        "description": "Calidad del agua.",
        "start_date": "2026-04-01",
        "planned_end_date": "2026-10-31",
        "internal_notes": "Tensión entre las comunidades.",
    }
    return data | overrides


# --- anonymous visitors and access ------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(
    anon_client: Client, roundtable: Roundtable
) -> None:
    urls = [
        reverse("dialogue:spaces"),
        reverse("dialogue:space_create"),
        _space_url(roundtable.space),
        _session_url(roundtable.session),
        reverse("dialogue:acta", kwargs={"acta_uuid": roundtable.acta.uuid}),
    ]
    for url in urls:
        response = anon_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/cuentas/entrar/")


def test_an_unknown_space_is_404(coordinator_client: Client, roundtable: Roundtable) -> None:
    url = reverse("dialogue:space", kwargs={"space_uuid": "00000000-0000-0000-0000-000000000000"})
    assert coordinator_client.get(url).status_code == 404


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_counts_and_the_convene_button(
    coordinator_client: Client, coordinator: User, roundtable: Roundtable, clock: Any
) -> None:
    clock.move_to(NOW_LATE)
    coordinator_client.force_login(coordinator)  # the earlier session has expired by then
    response = coordinator_client.get(reverse("dialogue:spaces"))
    assert response.status_code == 200
    rows = response.context["spaces"]
    assert len(rows) == 1
    assert rows[0].session_count == 1
    assert rows[0].commitment_count == 3
    assert rows[0].overdue_count == 1  # the water study, due 30 April
    html = response.content.decode()
    assert html.count("Convocar un espacio") == 1
    assert html.count("1 vencido") == 1
    assert "Mesa de desarrollo de Challhuahuacho" in html


def test_a_reporter_sees_no_convene_button(roundtable: Roundtable, owner_institution: Any) -> None:
    client = Client()
    client.force_login(member(owner_institution, Role.REPORTER, email="rep@dp.gob.pe"))
    response = client.get(reverse("dialogue:spaces"))
    assert response.status_code == 200
    assert response.content.decode().count("Convocar un espacio") == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, 2),
        ({"kind": SpaceKind.DEVELOPMENT_TABLE}, 1),
        ({"kind": SpaceKind.WORKING_GROUP}, 0),
        ({"state": SpaceState.IN_SESSION}, 1),
        ({"state": SpaceState.CONVENED}, 1),
        ({"institution": "defensoria"}, 1),
        ({"institution": "onds"}, 1),
        ({"department": "030000"}, 1),
        ({"q": "challhuahuacho"}, 1),
        ({"q": "nada parecido"}, 0),
    ],
)
def test_the_list_filters(
    outsider_client: Client,
    outsider: User,
    other_institution: Institution,
    roundtable: Roundtable,
    query: dict[str, str],
    expected: int,
) -> None:
    spaces.convene_space(
        outsider,
        other_institution,
        spaces.SpaceInput(
            kind=SpaceKind.DIALOGUE_TABLE,
            name="Mesa de Espinar",
            start_date=dt.date(2026, 4, 1),
            planned_end_date=dt.date(2026, 9, 1),
        ),
    )
    response = outsider_client.get(reverse("dialogue:spaces"), query)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == expected
    if expected == 0:
        assert "Ningún espacio coincide con estos filtros." in response.content.decode()


def test_the_list_filters_by_linked_case_code(
    coordinator_client: Client, roundtable: Roundtable
) -> None:
    code = roundtable.case.code
    assert code
    response = coordinator_client.get(reverse("dialogue:spaces"), {"case": code})
    assert response.context["page"].paginator.count == 1
    response = coordinator_client.get(reverse("dialogue:spaces"), {"case": "1999-0001"})
    assert response.context["page"].paginator.count == 0


def test_the_list_shows_an_empty_state(coordinator_client: Client) -> None:
    response = coordinator_client.get(reverse("dialogue:spaces"))
    assert "Aún no hay espacios de diálogo registrados." in response.content.decode()


def test_the_list_takes_the_same_queries_for_two_or_twelve_spaces(
    coordinator_client: Client, coordinator: User, owner_institution: Institution
) -> None:
    def convene(n: int) -> None:
        space = spaces.convene_space(
            coordinator,
            owner_institution,
            spaces.SpaceInput(
                kind=SpaceKind.TECHNICAL_TABLE,
                name=f"Mesa técnica {n}",
                start_date=dt.date(2026, 3, 1),
                planned_end_date=dt.date(2026, 12, 1),
            ),
        )
        sessions.schedule_session(
            coordinator, space, sessions.SessionInput(starts_at=lima(2026, 5, 1))
        )

    def count() -> tuple[int, int]:
        """(all queries, queries of dialogue's tables) of one page of the list."""
        with CaptureQueriesContext(connection) as queries:
            response = coordinator_client.get(reverse("dialogue:spaces"))
        assert response.status_code == 200
        sql = [q["sql"] for q in queries.captured_queries]
        return len(sql), sum(1 for q in sql if "dialogue_" in q)

    for n in range(2):
        convene(n)
    few = count()
    for n in range(2, 12):
        convene(n)
    many = count()
    assert many == few
    # The spaces: the paginator's count and one query for the rows with their three counts
    # (the rest is the session, the user, the filters' choices and the menu of base.html).
    assert few[1] == 2


def test_the_list_paginates(
    coordinator_client: Client, coordinator: User, owner_institution: Any
) -> None:
    for n in range(27):
        spaces.convene_space(
            coordinator,
            owner_institution,
            spaces.SpaceInput(
                kind=SpaceKind.TECHNICAL_TABLE,
                name=f"Mesa {n}",
                start_date=dt.date(2026, 3, 1),
                planned_end_date=dt.date(2026, 12, 1),
            ),
        )
    first = coordinator_client.get(reverse("dialogue:spaces"))
    assert len(first.context["spaces"]) == 25
    second = coordinator_client.get(reverse("dialogue:spaces"), {"page": 2})
    assert len(second.context["spaces"]) == 2
    partial = coordinator_client.get(
        reverse("dialogue:spaces"), {"page": 2}, HTTP_HX_REQUEST="true"
    )
    assert partial.content.decode().count("<html") == 0


# --- convene and edit ---------------------------------------------------------------------------


def test_a_facilitator_convenes_a_space(
    facilitator_client: Client, owner_institution: Institution, roundtable: Roundtable
) -> None:
    assert facilitator_client.get(reverse("dialogue:space_create")).status_code == 200
    form = _convene_form(
        owner_institution,
        cases=roundtable.case.code or "",
        place_department="080000",
        parent=str(roundtable.space.uuid),
    )
    response = facilitator_client.post(reverse("dialogue:space_create"), form)
    space = DialogueSpace.objects.get(name="Mesa de diálogo de Espinar")
    assert response.status_code == 302
    assert response["Location"] == _space_url(space)
    assert space.cases.count() == 1
    assert space.place is not None
    assert space.place.code == "080000"
    assert space.parent == roundtable.space
    assert space.participants.count() == 1  # the convening institution


def test_convening_shows_errors_by_field(
    facilitator_client: Client, owner_institution: Institution
) -> None:
    form = _convene_form(
        owner_institution, planned_end_date="2026-03-01", name="", cases="1999-0001"
    )
    response = facilitator_client.post(reverse("dialogue:space_create"), form)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["name"] == ["Este campo es obligatorio."]
    assert errors["cases"] == ["Casos desconocidos o que no puede ver: 1999-0001."]
    assert DialogueSpace.objects.count() == 0
    # The service's own check (planned end before the start), by field.
    response = facilitator_client.post(
        reverse("dialogue:space_create"),
        _convene_form(owner_institution, planned_end_date="2026-03-01"),
    )
    assert response.context["form"].errors["planned_end_date"] == [
        "La fecha prevista de término no puede ser anterior a la de instalación."
    ]
    assert DialogueSpace.objects.count() == 0


def test_nobody_convenes_for_another_institution(
    outsider_client: Client, owner_institution: Institution
) -> None:
    response = outsider_client.post(
        reverse("dialogue:space_create"), _convene_form(owner_institution)
    )
    assert response.status_code == 200
    assert "institution" in response.context["form"].errors
    assert DialogueSpace.objects.count() == 0


def test_the_team_edits_the_space_and_others_may_not(
    coordinator_client: Client,
    outsider_client: Client,
    debtor_client: Client,
    roundtable: Roundtable,
) -> None:
    url = _space_url(roundtable.space, "dialogue:space_edit")
    assert outsider_client.get(url).status_code == 403
    assert debtor_client.get(url).status_code == 403
    page = coordinator_client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["cases"] == roundtable.case.code
    data = {
        "kind": SpaceKind.DEVELOPMENT_TABLE,
        "name": "Mesa de desarrollo de Challhuahuacho (ampliada)",
        "start_date": "2026-03-02",
        "planned_end_date": "2026-12-31",
        "cases": roundtable.case.code,
        "place_department": "030000",
        "place_province": "030500",
        "place_district": "030506",
    }
    assert outsider_client.post(url, data).status_code == 403
    response = coordinator_client.post(url, data)
    assert response.status_code == 302
    roundtable.space.refresh_from_db()
    assert roundtable.space.name.endswith("(ampliada)")
    # A session outside the new dates: the service refuses, the form says where.
    response = coordinator_client.post(url, data | {"start_date": "2026-03-20"})
    assert response.status_code == 200
    assert response.context["form"].errors["start_date"] == [
        "Hay sesiones fuera de las nuevas fechas del espacio."
    ]


# --- state, publication, calendar secret ------------------------------------------------------


def test_state_changes_with_errors_by_field(
    facilitator_client: Client, outsider_client: Client, roundtable: Roundtable
) -> None:
    url = _space_url(roundtable.space, "dialogue:space_state")
    assert outsider_client.post(url, {"state": SpaceState.SUSPENDED}).status_code == 403
    response = facilitator_client.post(url, {"state": SpaceState.CONCLUDED, "end_date": ""})
    assert response.status_code == 400
    assert response.context["state_form"].errors["end_date"] == ["Indique la fecha de término."]
    response = facilitator_client.post(url, {"state": SpaceState.SUSPENDED})
    assert response.status_code == 302
    roundtable.space.refresh_from_db()
    assert roundtable.space.state == SpaceState.SUSPENDED
    response = facilitator_client.post(
        url, {"state": SpaceState.CONCLUDED, "end_date": "2026-04-10"}
    )
    roundtable.space.refresh_from_db()
    assert roundtable.space.state == SpaceState.CONCLUDED
    assert roundtable.space.end_date == dt.date(2026, 4, 10)


def test_only_coordinators_publish_and_rotate_the_secret(
    coordinator_client: Client,
    facilitator_client: Client,
    outsider_client: Client,
    roundtable: Roundtable,
) -> None:
    publish = _space_url(roundtable.space, "dialogue:space_publish")
    rotate = _space_url(roundtable.space, "dialogue:space_rotate")
    secret = roundtable.space.ical_secret
    for client in (facilitator_client, outsider_client):
        assert client.post(publish, {"is_public": "1"}).status_code == 403
        assert client.post(rotate).status_code == 403
    assert coordinator_client.get(publish).status_code == 405
    assert coordinator_client.post(publish, {"is_public": "1"}).status_code == 302
    assert coordinator_client.post(rotate).status_code == 302
    roundtable.space.refresh_from_db()
    assert roundtable.space.is_public
    assert roundtable.space.ical_secret != secret
    html = coordinator_client.get(_space_url(roundtable.space)).content.decode()
    assert html.count(reverse("dialogue:public_space", args=[roundtable.space.uuid])) == 1
    assert html.count(roundtable.space.ical_secret) == 1


def test_posts_need_the_csrf_token(coordinator: User, roundtable: Roundtable) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    response = client.post(
        _space_url(roundtable.space, "dialogue:space_publish"), {"is_public": "1"}
    )
    assert response.status_code == 403
    roundtable.space.refresh_from_db()
    assert not roundtable.space.is_public


# --- the space's page ---------------------------------------------------------------------------


def test_insiders_read_the_confidential_fields(
    coordinator_client: Client, debtor_client: Client, roundtable: Roundtable
) -> None:
    for client in (coordinator_client, debtor_client):
        response = client.get(_space_url(roundtable.space))
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count("La comunidad desconfía del gerente regional.") == 1
        assert html.count("Gerente de Infraestructura") == 1
        assert html.count(f"/dialogo/ical/espacio/{roundtable.space.ical_secret}.ics") == 1
        assert html.count("http://") + html.count("https://") >= 1
        assert response.context["rollup"].count == 3
        assert len(response.context["participants"]) == 4


def test_an_outsider_reads_the_space_without_confidential_fields(
    outsider_client: Client, roundtable: Roundtable
) -> None:
    response = outsider_client.get(_space_url(roundtable.space))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Mesa de desarrollo de Challhuahuacho") >= 1
    assert html.count("La comunidad desconfía") == 0
    assert html.count("Gerente de Infraestructura") == 0
    assert html.count("Jefe de Relaciones Comunitarias") == 0
    assert html.count(roundtable.space.ical_secret) == 0
    assert html.count("Editar") == 0
    assert len(response.context["participants"]) == 4
    assert all(p.representative is None for p in response.context["participants"])
    # Commitments are shared knowledge: the outsider sees the acta and its clauses.
    assert html.count(reverse("dialogue:commitment", args=[roundtable.road.uuid])) == 1


def test_linked_cases_are_shown_only_to_those_who_see_them(
    coordinator_client: Client,
    outsider_client: Client,
    owner_institution: Institution,
    roundtable: Roundtable,
) -> None:
    draft = CaseFactory(institution=owner_institution, state=CaseState.DRAFT, name="Borrador X")
    roundtable.space.cases.add(draft)
    assert len(coordinator_client.get(_space_url(roundtable.space)).context["cases"]) == 2
    outsider_page = outsider_client.get(_space_url(roundtable.space))
    assert len(outsider_page.context["cases"]) == 1
    assert outsider_page.content.decode().count("Borrador X") == 0


def test_subgroups_and_parent_link_each_other(
    coordinator_client: Client,
    coordinator: User,
    owner_institution: Institution,
    roundtable: Roundtable,
) -> None:
    sub = spaces.convene_space(
        coordinator,
        owner_institution,
        spaces.SpaceInput(
            kind=SpaceKind.TECHNICAL_TABLE,
            name="Mesa técnica del agua",
            start_date=dt.date(2026, 3, 15),
            planned_end_date=dt.date(2026, 8, 1),
            parent=str(roundtable.space.uuid),
        ),
    )
    parent_html = coordinator_client.get(_space_url(roundtable.space)).content.decode()
    assert parent_html.count(_space_url(sub)) == 1
    sub_html = coordinator_client.get(_space_url(sub)).content.decode()
    assert sub_html.count(_space_url(roundtable.space)) >= 1


# --- participants -------------------------------------------------------------------------------


def test_adding_and_removing_participants(
    facilitator_client: Client,
    outsider_client: Client,
    other_institution: Institution,
    roundtable: Roundtable,
) -> None:
    url = _space_url(roundtable.space, "dialogue:participant_add")
    by_name = {
        "kind": ParticipantKind.COMMUNITY,
        "role": "participant",
        "name": "Frente de defensa",
    }
    assert outsider_client.post(url, by_name).status_code == 403
    assert facilitator_client.post(url, by_name).status_code == 302
    by_institution = {
        "kind": ParticipantKind.INSTITUTION,
        "role": "observer",
        "institution": "onds",
    }
    assert facilitator_client.post(url, by_institution).status_code == 302
    assert roundtable.space.participants.count() == 6
    # Nothing named: the error is on the field, in Spanish, and nothing is saved.
    response = facilitator_client.post(url, {"kind": ParticipantKind.OTHER, "role": "participant"})
    assert response.status_code == 400
    assert response.context["participant_form"].errors["name"] == [
        "Indique el nombre del participante."
    ]
    response = facilitator_client.post(
        url, {"kind": ParticipantKind.COMPANY, "role": "participant", "actor": "no-es-un-uuid"}
    )
    assert response.context["participant_form"].errors["actor"] == ["Actor desconocido."]
    assert roundtable.space.participants.count() == 6

    added = Participant.objects.get(name="Frente de defensa")
    remove = reverse("dialogue:participant_remove", args=[added.uuid])
    assert outsider_client.post(remove).status_code == 403
    assert facilitator_client.post(remove).status_code == 302
    # A participant who signed the acta stays.
    facilitator_client.post(reverse("dialogue:participant_remove", args=[roundtable.gore.uuid]))
    assert roundtable.space.participants.count() == 5


# --- sessions -----------------------------------------------------------------------------------


def test_scheduling_a_session(
    facilitator_client: Client, debtor_client: Client, roundtable: Roundtable
) -> None:
    url = _space_url(roundtable.space, "dialogue:session_create")
    assert debtor_client.get(url).status_code == 403
    assert facilitator_client.get(url).status_code == 200
    response = facilitator_client.post(
        url, {"starts_at": "2027-02-01T10:00", "place": "Cusco", "agenda": "Balance"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["starts_at"] == [
        "La sesión debe caer entre el 02/03/2026 y el 31/12/2026, las fechas del espacio."
    ]
    response = facilitator_client.post(
        url, {"starts_at": "2026-05-20T10:00", "place": "Cusco", "agenda": "Balance"}
    )
    session = roundtable.space.sessions.get(number=2)
    assert response.status_code == 302
    assert response["Location"] == _session_url(session)
    html = facilitator_client.get(_space_url(roundtable.space)).content.decode()
    assert html.count(_session_url(session)) == 1
    assert len(facilitator_client.get(_space_url(roundtable.space)).context["upcoming"]) == 1


def test_the_session_page_hides_minutes_from_outsiders(
    coordinator_client: Client,
    debtor_client: Client,
    outsider_client: Client,
    coordinator: User,
    roundtable: Roundtable,
) -> None:
    session = _second_session(coordinator, roundtable.space)
    for client in (coordinator_client, debtor_client):
        html = client.get(_session_url(session)).content.decode()
        assert html.count("Segunda reunión: acuerdos sobre el agua.") == 1
        assert html.count(_session_url(session, "dialogue:minutes")) == 1
        download = client.get(_session_url(session, "dialogue:minutes"))
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF")
    response = outsider_client.get(_session_url(session))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Segunda reunión") == 0
    assert html.count(_session_url(session, "dialogue:minutes")) == 0
    assert len(response.context["rows"]) == 4
    assert outsider_client.get(_session_url(session, "dialogue:minutes")).status_code == 404


def test_recording_a_session(
    facilitator_client: Client, debtor_client: Client, coordinator: User, roundtable: Roundtable
) -> None:
    session = _second_session(coordinator, roundtable.space, held=False)
    url = _session_url(session, "dialogue:session_record")
    assert debtor_client.get(url).status_code == 403
    page = facilitator_client.get(url)
    assert page.status_code == 200
    participants = list(roundtable.space.participants.all())
    data: dict[str, Any] = {
        f"status_{p.uuid.hex}": AttendanceStatus.PRESENT for p in participants
    } | {
        "minutes": "Acta leída.",
        "next_steps": "Visita de campo.",
    }
    data[f"status_{roundtable.company.uuid.hex}"] = AttendanceStatus.REPRESENTED
    response = facilitator_client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Minera Andina S.A.: indique quién lo representó."
    ]
    session.refresh_from_db()
    assert session.state == SessionState.PLANNED
    data[f"represented_by_{roundtable.company.uuid.hex}"] = "Asesor legal"
    data["minutes_file"] = SimpleUploadedFile(
        "ayuda.exe", b"MZ\x90", content_type="application/octet-stream"
    )
    response = facilitator_client.post(url, data)
    assert response.status_code == 200
    assert (
        response.context["form"]
        .errors["minutes_file"][0]
        .startswith("Tipo de archivo no permitido.")
    )
    del data["minutes_file"]
    response = facilitator_client.post(url, data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.state == SessionState.HELD
    assert session.attendance.count() == 4
    assert session.attendance.filter(represented_by="Asesor legal").count() == 1


def test_a_session_not_yet_held_cannot_be_recorded(
    facilitator_client: Client, coordinator: User, roundtable: Roundtable
) -> None:
    session = sessions.schedule_session(
        coordinator, roundtable.space, sessions.SessionInput(starts_at=lima(2026, 6, 1))
    )
    data = {f"status_{p.uuid.hex}": "present" for p in roundtable.space.participants.all()}
    response = facilitator_client.post(_session_url(session, "dialogue:session_record"), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "La sesión aún no se ha realizado: registre la asistencia después."
    ]


def test_cancelling_a_session(
    facilitator_client: Client, outsider_client: Client, coordinator: User, roundtable: Roundtable
) -> None:
    session = sessions.schedule_session(
        coordinator, roundtable.space, sessions.SessionInput(starts_at=lima(2026, 6, 1))
    )
    url = _session_url(session, "dialogue:session_cancel")
    assert outsider_client.post(url, {"reason": "x"}).status_code == 403
    assert facilitator_client.post(url, {"reason": "Paro regional"}).status_code == 302
    session.refresh_from_db()
    assert session.state == SessionState.CANCELLED
    # Cancelling twice says why it cannot.
    response = facilitator_client.post(url, {}, follow=True)
    assert response.content.decode().count("Solo se cancela una sesión programada.") == 1


# --- actas --------------------------------------------------------------------------------------


def test_signing_an_acta(
    facilitator_client: Client, debtor_client: Client, coordinator: User, roundtable: Roundtable
) -> None:
    session = _second_session(coordinator, roundtable.space)
    url = _session_url(session, "dialogue:acta_create")
    assert debtor_client.get(url).status_code == 403
    assert facilitator_client.get(url).status_code == 200
    response = facilitator_client.post(url, {"title": "Acta 2", "signed_on": "2026-03-01"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["signatories"] == ["Este campo es obligatorio."]
    response = facilitator_client.post(
        url,
        {"title": "Acta 2", "signed_on": "2026-03-01", "signatories": [str(roundtable.gore.uuid)]},
    )
    assert response.context["form"].errors["signed_on"] == [
        "El acta no puede firmarse antes de la sesión."
    ]
    response = facilitator_client.post(
        url,
        {
            "title": "Acta de la segunda sesión",
            "signed_on": "2026-04-02",
            "signatories": [str(roundtable.gore.uuid), str(roundtable.community.uuid)],
            "document": SimpleUploadedFile("acta.pdf", PDF, content_type="application/pdf"),
        },
    )
    acta = Acta.objects.get(session=session)
    assert response.status_code == 302
    assert response["Location"] == reverse("dialogue:acta", args=[acta.uuid])
    assert acta.signatories.count() == 2
    # A second visit to the form goes to the acta.
    assert facilitator_client.get(url)["Location"] == reverse("dialogue:acta", args=[acta.uuid])


def test_the_acta_page_and_its_document(
    coordinator_client: Client,
    outsider_client: Client,
    anon_client: Client,
    coordinator: User,
    roundtable: Roundtable,
) -> None:
    session = _second_session(coordinator, roundtable.space)
    acta = sessions.sign_acta(
        coordinator,
        session,
        sessions.ActaInput("Acta 2", dt.date(2026, 4, 2), [str(roundtable.gore.uuid)]),
        document=SimpleUploadedFile("acta.pdf", PDF, content_type="application/pdf"),
    )
    page = coordinator_client.get(reverse("dialogue:acta", args=[roundtable.acta.uuid]))
    assert page.status_code == 200
    html = page.content.decode()
    assert len(page.context["clauses"]) == 3
    assert html.count(reverse("dialogue:commitment_create", args=[roundtable.acta.uuid])) == 1
    assert html.count(reverse("dialogue:commitments_import", args=[roundtable.acta.uuid])) == 1
    outsider_page = outsider_client.get(reverse("dialogue:acta", args=[roundtable.acta.uuid]))
    assert outsider_page.status_code == 200
    assert outsider_page.content.decode().count("Añadir compromiso") == 0
    document = reverse("dialogue:acta_document", args=[acta.uuid])
    download = outsider_client.get(document)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert anon_client.get(document).status_code == 302
    # The roundtable's acta has no document.
    no_doc = reverse("dialogue:acta_document", args=[roundtable.acta.uuid])
    assert coordinator_client.get(no_doc).status_code == 404


def test_the_ground_rules_document_is_uploaded_checked_and_downloaded_through_the_rule(
    coordinator_client: Client,
    outsider_client: Client,
    anon_client: Client,
    roundtable: Roundtable,
) -> None:
    url = _space_url(roundtable.space, "dialogue:space_edit")
    data = {
        "kind": SpaceKind.DEVELOPMENT_TABLE,
        "name": roundtable.space.name,
        "start_date": "2026-03-02",
        "planned_end_date": "2026-12-31",
        "cases": roundtable.case.code,
    }
    fake = SimpleUploadedFile(
        "reglas.pdf", b"#!/bin/sh\nrm -rf /\n", content_type="application/pdf"
    )
    refused = coordinator_client.post(url, data | {"ground_rules_file": fake})
    assert refused.status_code == 200
    assert refused.context["form"].errors["ground_rules_file"] == [
        "El contenido del archivo no corresponde a su extensión."
    ]
    roundtable.space.refresh_from_db()
    assert not roundtable.space.ground_rules_file
    pdf = SimpleUploadedFile("reglas.pdf", b"%PDF-1.4\n%reglas\n", content_type="application/pdf")
    assert coordinator_client.post(url, data | {"ground_rules_file": pdf}).status_code == 302
    roundtable.space.refresh_from_db()
    assert roundtable.space.ground_rules_file
    download = _space_url(roundtable.space, "dialogue:space_ground_rules")
    response = coordinator_client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    # Ground rules are not confidential: another institution reads them; the public does not.
    assert outsider_client.get(download).status_code == 200
    assert anon_client.get(download).status_code == 302

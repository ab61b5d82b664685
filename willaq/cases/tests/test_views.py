"""Dashboard, list and detail pages, for the three personas (owner analyst and coordinator,
an analyst of another institution, an anonymous visitor)."""

import datetime as dt
import re
from typing import Any, cast

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from willaq.accounts.models import Institution, User
from willaq.cases import services
from willaq.cases.choices import CaseState, CategoryKind, Phase, VictimOutcome
from willaq.cases.models import Case
from willaq.testing.factories import CaseFactory, EventFactory, InstitutionFactory, shared_category

pytestmark = pytest.mark.django_db


def new_case(**kwargs: Any) -> Case:
    return cast(Case, CaseFactory(**kwargs))


LIST = reverse("cases:list")
DASHBOARD = reverse("cases:dashboard")


def detail_url(case: Case) -> str:
    return reverse("cases:detail", kwargs={"case_uuid": case.uuid})


def listed_names(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<a href="/casos/[0-9a-f-]{36}/">([^<]+)</a>', html)


# --- anonymous visitors ------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["cases:dashboard", "cases:list", "cases:create"])
def test_anonymous_is_sent_to_login(anon_client: Client, url_name: str) -> None:
    response = anon_client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_anonymous_cannot_open_a_case(anon_client: Client, owner_institution: Institution) -> None:
    case = new_case(institution=owner_institution)
    response = anon_client.get(detail_url(case))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- dashboard ---------------------------------------------------------------------------------


def test_dashboard_counts_link_to_filtered_list(
    analyst_client: Client, owner_institution: Institution
) -> None:
    new_case(institution=owner_institution, state=CaseState.ACTIVE, phase=Phase.CRISIS)
    new_case(institution=owner_institution, state=CaseState.ACTIVE, phase=Phase.CRISIS)
    new_case(institution=owner_institution, state=CaseState.LATENT)
    new_case(institution=owner_institution, state=CaseState.DRAFT)
    response = analyst_client.get(DASHBOARD)
    assert response.status_code == 200
    board = response.context["board"]
    assert board.total == 4
    assert {row.key: row.count for row in board.by_state} == {
        "draft": 1,
        "active": 2,
        "latent": 1,
    }
    assert [(row.key, row.count) for row in board.by_phase] == [("crisis", 2)]
    assert [(row.key, row.count) for row in board.by_typology] == [("socioambiental", 4)]
    # The factory's place is 021801 (Chimbote, Santa, Áncash).
    assert [(row.key, row.label, row.count) for row in board.by_department] == [
        ("020000", "Áncash", 4)
    ]
    html = response.content.decode()
    assert f"{LIST}?state=active&amp;phase=crisis" in html
    # Department rows count single-department cases by their principal place (the ombudsman's
    # way), which the list's department filter (any place) does not: they are not links.
    assert f"{LIST}?department=020000" not in html
    assert f"{LIST}?typology=socioambiental" in html


def test_dashboard_counts_an_institution_typology_as_its_shared_one(
    analyst_client: Client, owner_institution: Institution
) -> None:
    shared = shared_category(CategoryKind.TYPOLOGY, "socioambiental")
    own = shared.__class__.objects.create(
        kind=CategoryKind.TYPOLOGY,
        code="minero-informal",
        name="Minería informal",
        institution=owner_institution,
        maps_to=shared,
    )
    new_case(institution=owner_institution, typology=own)
    new_case(institution=owner_institution)
    board = analyst_client.get(DASHBOARD).context["board"]
    assert [(row.key, row.count) for row in board.by_typology] == [("socioambiental", 2)]
    response = analyst_client.get(LIST, {"typology": "socioambiental"})
    assert response.context["page"].paginator.count == 2


def test_dashboard_of_outsider_leaves_out_other_institutions_drafts(
    outsider_client: Client, owner_institution: Institution
) -> None:
    new_case(institution=owner_institution, state=CaseState.DRAFT)
    new_case(institution=owner_institution, state=CaseState.PROPOSED)
    new_case(institution=owner_institution, state=CaseState.ACTIVE)
    board = outsider_client.get(DASHBOARD).context["board"]
    assert board.total == 1
    assert [row.key for row in board.by_state] == ["active"]


def test_dashboard_empty_state_invites_to_register(analyst_client: Client) -> None:
    response = analyst_client.get(DASHBOARD)
    html = response.content.decode()
    assert "Todavía no hay casos que usted pueda ver." in html
    assert reverse("cases:create") in html


def test_dashboard_lists_latest_events(
    analyst_client: Client, owner_institution: Institution
) -> None:
    case = new_case(institution=owner_institution, name="Caso con paro")
    EventFactory(case=case, event_date=dt.date(2025, 4, 2))
    response = analyst_client.get(DASHBOARD)
    assert [e.case for e in response.context["board"].latest_events] == [case]
    assert "Caso con paro" in response.content.decode()


def test_dashboard_queries_do_not_grow_with_cases(
    analyst_client: Client, owner_institution: Institution
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert analyst_client.get(DASHBOARD).status_code == 200
        return len(queries)

    for _ in range(3):
        EventFactory(case=new_case(institution=owner_institution))
    few = count()
    for _ in range(12):
        EventFactory(case=new_case(institution=owner_institution, state=CaseState.LATENT))
    assert count() == few


# --- list --------------------------------------------------------------------------------------


def test_outsider_does_not_see_owner_drafts_in_the_list(
    analyst_client: Client,
    outsider_client: Client,
    owner_institution: Institution,
) -> None:
    new_case(institution=owner_institution, state=CaseState.DRAFT, name="Borrador interno")
    new_case(institution=owner_institution, state=CaseState.PROPOSED, name="Propuesta interna")
    new_case(institution=owner_institution, state=CaseState.ACTIVE, name="Caso registrado")
    assert sorted(listed_names(analyst_client.get(LIST))) == [
        "Borrador interno",
        "Caso registrado",
        "Propuesta interna",
    ]
    assert listed_names(outsider_client.get(LIST)) == ["Caso registrado"]


def test_list_filters(analyst_client: Client, owner_institution: Institution) -> None:
    other = InstitutionFactory(slug="minem", acronym="MINEM")
    laboral = shared_category(CategoryKind.TYPOLOGY, "laboral")
    new_case(
        institution=owner_institution, name="Crisis en Áncash", phase=Phase.CRISIS, place="021801"
    )
    new_case(
        institution=owner_institution,
        name="Latente en Lima",
        state=CaseState.LATENT,
        place="150101",
    )
    new_case(
        institution=other, name="Laboral de otra institución", typology=laboral, place="150101"
    )

    def names(**params: str) -> list[str]:
        return sorted(listed_names(analyst_client.get(LIST, params)))

    assert names(state="latent") == ["Latente en Lima"]
    assert names(phase="crisis") == ["Crisis en Áncash"]
    assert names(typology="laboral") == ["Laboral de otra institución"]
    assert names(department="150000") == ["Laboral de otra institución", "Latente en Lima"]
    assert names(department="020000") == ["Crisis en Áncash"]
    assert names(institution="minem") == ["Laboral de otra institución"]
    assert names(q="latente") == ["Latente en Lima"]
    # A place's name finds the cases placed there.
    assert names(q="lima") == ["Laboral de otra institución", "Latente en Lima"]
    # An unknown value is ignored rather than emptying the list.
    assert len(names(state="nonsense")) == 3


def test_list_department_filter_matches_any_place(
    analyst: User, analyst_client: Client, owner_institution: Institution
) -> None:
    case = new_case(
        institution=owner_institution, name="Dos regiones", place="021801", created_by=analyst
    )
    services.update_case(
        user=analyst,
        case=case,
        data={},
        places=[services.PlaceInput("021801", True), services.PlaceInput("080101")],
    )
    assert listed_names(analyst_client.get(LIST, {"department": "080000"})) == ["Dos regiones"]


def test_text_search_skips_other_institutions_descriptions(
    analyst_client: Client, outsider_client: Client, owner_institution: Institution
) -> None:
    new_case(
        institution=owner_institution,
        name="Caso del río",
        description="Reunión reservada con el dirigente Quispe",
        confidential_fields=["description"],
    )
    assert listed_names(analyst_client.get(LIST, {"q": "quispe"})) == ["Caso del río"]
    assert listed_names(outsider_client.get(LIST, {"q": "quispe"})) == []
    assert listed_names(outsider_client.get(LIST, {"q": "río"})) == ["Caso del río"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Alfa", "Beta", "Gamma"]),
        ("-name", ["Gamma", "Beta", "Alfa"]),
        ("start_date", ["Beta", "Gamma", "Alfa"]),
        ("-start_date", ["Alfa", "Gamma", "Beta"]),
        ("code", ["Gamma", "Alfa", "Beta"]),
        ("-code", ["Beta", "Alfa", "Gamma"]),
        ("state", ["Beta", "Alfa", "Gamma"]),
        ("-state", ["Gamma", "Alfa", "Beta"]),
    ],
)
def test_list_sort(
    analyst_client: Client, owner_institution: Institution, sort: str, expected: list[str]
) -> None:
    new_case(
        institution=owner_institution, name="Alfa", code="2025-0002", start_date=dt.date(2025, 5, 1)
    )
    new_case(
        institution=owner_institution,
        name="Beta",
        state=CaseState.PRE_CONFLICT,
        code="2025-0003",
        start_date=dt.date(2024, 1, 1),
    )
    new_case(
        institution=owner_institution,
        name="Gamma",
        state=CaseState.LATENT,
        code="2025-0001",
        start_date=dt.date(2025, 1, 1),
    )
    assert listed_names(analyst_client.get(LIST, {"sort": sort})) == expected


def test_list_pagination_keeps_filters(
    analyst_client: Client, owner_institution: Institution
) -> None:
    for i in range(27):
        new_case(institution=owner_institution, name=f"Activo {i:02d}")
    new_case(institution=owner_institution, name="Latente", state=CaseState.LATENT)
    first = analyst_client.get(LIST, {"state": "active", "sort": "name"})
    assert len(listed_names(first)) == 25
    html = first.content.decode()
    assert "Página 1 de 2" in html
    link = re.search(r'href="(\?[^"]*page=2[^"]*)"', html)
    assert link is not None
    query = link.group(1).replace("&amp;", "&")
    assert "state=active" in query
    assert "sort=name" in query
    second = analyst_client.get(LIST + query)
    assert listed_names(second) == ["Activo 25", "Activo 26"]


def test_list_htmx_request_gets_only_the_rows(
    analyst_client: Client, owner_institution: Institution
) -> None:
    new_case(institution=owner_institution, name="Caso parcial")
    response = analyst_client.get(LIST, {"q": "parcial"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "Caso parcial" in html
    assert "HX-Request" in response["Vary"]
    full = analyst_client.get(LIST)
    assert 'hx-get="/casos/"' in full.content.decode()
    assert "<html" in full.content.decode()


def test_list_runs_a_constant_number_of_queries(
    analyst_client: Client, owner_institution: Institution
) -> None:
    other = InstitutionFactory()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = analyst_client.get(LIST, {"sort": "state"})
            assert response.status_code == 200
        return len(queries)

    for i in range(5):
        new_case(institution=owner_institution if i % 2 else other)
    five = count()
    for i in range(45):
        new_case(institution=owner_institution if i % 2 else other, place="150101")
    assert count() == five


def test_empty_list_says_so(analyst_client: Client) -> None:
    html = analyst_client.get(LIST, {"q": "nada"}).content.decode()
    assert "Ningún caso coincide con estos filtros." in html


# --- detail ------------------------------------------------------------------------------------


@pytest.fixture
def confidential_case(analyst: User, owner_institution: Institution) -> Case:
    case = new_case(
        institution=owner_institution,
        name="Caso con datos reservados",
        description="Negociación secreta con la empresa",
        demands="Agua limpia para la comunidad",
        confidential_fields=["description"],
    )
    event = EventFactory(
        case=case, sources="Radio Ejemplo 95.1", reported_by="Monitor Pérez", notes="Nota interna"
    )
    services.record_victim(
        user=analyst,
        event=event,
        data={
            "outcome": VictimOutcome.INJURED,
            "group": "civilian",
            "full_name": "Juana Mamani",
            "age": 34,
        },
    )
    return case


def test_owner_analyst_sees_confidential_fields_sources_and_victims(
    analyst_client: Client, confidential_case: Case
) -> None:
    response = analyst_client.get(detail_url(confidential_case))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Negociación secreta con la empresa" in html
    assert "Radio Ejemplo 95.1" in html
    assert "Monitor Pérez" in html
    assert "Juana Mamani" in html
    assert "Chimbote, Santa, Áncash" in html  # the place, with its full name
    assert response.context["access"].can_edit


def test_outsider_sees_confidential_badge_and_no_sources_or_victim_names(
    outsider_client: Client, confidential_case: Case
) -> None:
    response = outsider_client.get(detail_url(confidential_case))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Negociación secreta" not in html
    assert "Confidencial" in html
    assert "Agua limpia para la comunidad" in html  # not marked confidential
    assert "Radio Ejemplo 95.1" not in html
    assert "Monitor Pérez" not in html
    assert "Juana Mamani" not in html
    assert "Fallecidos: 0 · Heridos: 1" in html
    assert not response.context["access"].can_edit
    assert response.context["transitions"] == []
    assert reverse("cases:edit", kwargs={"case_uuid": confidential_case.uuid}) not in html


def test_outsider_gets_404_for_a_draft(
    outsider_client: Client, owner_institution: Institution
) -> None:
    draft = new_case(institution=owner_institution, state=CaseState.DRAFT)
    assert outsider_client.get(detail_url(draft)).status_code == 404


def test_unknown_case_is_404(analyst_client: Client) -> None:
    url = reverse("cases:detail", kwargs={"case_uuid": "00000000-0000-0000-0000-000000000000"})
    assert analyst_client.get(url).status_code == 404


def test_detail_shows_history_and_transition_buttons(
    analyst: User, coordinator_client: Client, owner_institution: Institution
) -> None:
    case = services.create_case(
        user=analyst,
        institution=owner_institution,
        data={
            "name": "Caso con historia",
            "start_date": dt.date(2025, 1, 5),
            "typology": "socioambiental",
        },
        places=[services.PlaceInput("020101")],
    )
    services.update_case(user=analyst, case=case, data={"name": "Caso con historia nueva"})
    services.transition_case(user=analyst, case=case, name="submit")
    response = coordinator_client.get(detail_url(case))
    html = response.content.decode()
    assert "Caso modificado" in html
    assert f"Propuesto para aprobación por {analyst}" in html
    assert "Caso con historia nueva" in html
    names = [t.name for t in response.context["transitions"]]
    assert names == ["return", "approve", "approve_pre_conflict"]
    assert "Aprobar como activo" in html
    approve = next(t for t in response.context["transitions"] if t.name == "approve")
    assert approve.picks_phase
    assert not approve.needs_reason


def test_detail_shows_only_visible_evidence(
    analyst: User, outsider_client: Client, analyst_client: Client, owner_institution: Institution
) -> None:
    case = new_case(institution=owner_institution)
    for title, confidential in (("Acta pública", False), ("Informe reservado", True)):
        services.add_evidence(
            user=analyst,
            case=case,
            title=title,
            kind="document",
            upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
            is_confidential=confidential,
        )
    outsider_html = outsider_client.get(detail_url(case)).content.decode()
    assert "Acta pública" in outsider_html
    assert "Informe reservado" not in outsider_html
    assert "Informe reservado" in analyst_client.get(detail_url(case)).content.decode()

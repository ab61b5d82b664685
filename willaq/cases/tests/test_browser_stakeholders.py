"""The stakeholder map of a case in a real browser (Debian's Chromium through Playwright) on a
phone (390 × 844), issue 10 §1: an analyst opens the map of a case with four actors and four
relations of different kinds (one already ended), built through the services. The SVG drawn by
static/js/stakeholder-map.js shows one node per actor and one edge per relation in force; an
earlier date drops a relation not yet started; tapping an actor highlights its relations; the
legend shows; nothing scrolls sideways; no CSP violation or console error; on paper the controls
are hidden and the graph and legend stay."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from willaq.accounts.models import Institution, User
from willaq.cases import services
from willaq.cases.choices import ActorRole, Attitude, RelationKind
from willaq.cases.models import Actor, Case
from willaq.testing.browser import log_in, watched_page
from willaq.testing.factories import ActorFactory, CaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LINKED_ON = dt.date(2025, 1, 5)
LATE_START = dt.date(2025, 6, 1)  # the close relation starts here
BEFORE_LATE = dt.date(2025, 5, 15)
TAP = 44  # px, the smallest comfortable touch target


@pytest.fixture
def browser_page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with watched_page(monkeypatch) as page:
        page.set_viewport_size(PHONE)
        yield page


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


def _relate(
    user: User,
    case: Case,
    pair: tuple[Actor, Actor],
    kind: str,
    start: dt.date,
    end: dt.date | None = None,
) -> None:
    services.record_relation(
        user=user,
        case=case,
        data=services.RelationInput(
            source=pair[0], target=pair[1], kind=kind, start_date=start, end_date=end
        ),
    )


@pytest.fixture
def mapped_case(analyst: User, owner_institution: Institution) -> tuple[Case, list[Actor]]:
    """Four actors linked in January 2025 with profiles; a conflict (February), an alliance
    (March), a weak tie that ended in April, and a close relation from June."""
    call_command("load_territory", verbosity=0)
    call_command("load_categories", verbosity=0)
    case = CaseFactory(institution=owner_institution, created_by=analyst)
    profiles = [
        ("Comunidad Campesina de Huancuire", 5, Attitude.OPPOSED),
        ("Empresa Minera del Sur", 4, Attitude.NEUTRAL),
        ("Municipalidad de Challhuahuacho", 3, Attitude.ALLY),
        ("Ministerio de Energía y Minas", 2, ""),
    ]
    actors = []
    for name, influence, attitude in profiles:
        actor = ActorFactory(institution=owner_institution, name=name)
        link = services.link_actor(
            user=analyst, case=case, actor=actor, role=ActorRole.PRIMARY, at=_at(LINKED_ON)
        )
        services.update_stakeholder_profile(
            user=analyst,
            link=link,
            profile=services.ProfileInput(influence=influence, attitude=attitude),
            at=_at(LINKED_ON),
        )
        actors.append(actor)
    community, company, municipality, ministry = actors
    _relate(analyst, case, (community, company), RelationKind.CONFLICT, dt.date(2025, 2, 1))
    _relate(analyst, case, (company, ministry), RelationKind.ALLIANCE, dt.date(2025, 3, 1))
    _relate(
        analyst,
        case,
        (municipality, ministry),
        RelationKind.WEAK,
        dt.date(2025, 2, 1),
        dt.date(2025, 4, 30),
    )
    _relate(analyst, case, (community, municipality), RelationKind.CLOSE, LATE_START)
    return case, actors


def _drawn(page: Any) -> tuple[int, int]:
    """Waits for the script to draw the graph; (nodes, edges) counted in the SVG itself."""
    page.wait_for_selector("#stakeholder-graph[data-drawn] svg.graph-svg")
    return (
        page.locator("#stakeholder-graph .graph-node").count(),
        page.locator("#stakeholder-graph .graph-edge").count(),
    )


# How many actors' names lie wholly inside the drawing.
_LABELS_INSIDE = """(() => {
  const frame = document.querySelector("#stakeholder-graph svg").getBoundingClientRect();
  return [...document.querySelectorAll("#stakeholder-graph .graph-label")].filter((label) => {
    const box = label.getBoundingClientRect();
    return box.left >= frame.left && box.right <= frame.right
      && box.top >= frame.top && box.bottom <= frame.bottom;
  }).length;
})()"""


def _no_horizontal_scroll(page: Any) -> bool:
    return bool(
        page.evaluate(
            """document.documentElement.scrollWidth <= window.innerWidth
            && [...document.querySelectorAll(".table-wrap")].every(
                (box) => box.scrollWidth <= box.clientWidth)"""
        )
    )


def test_an_analyst_reads_the_stakeholder_map_on_a_phone(
    browser_page: Any, live_server: Any, analyst: User, mapped_case: tuple[Case, list[Actor]]
) -> None:
    case, actors = mapped_case
    community = actors[0]
    page = browser_page
    log_in(page, live_server.url, analyst.email)
    page.goto(live_server.url + reverse("cases:stakeholder_map", kwargs={"case_uuid": case.uuid}))

    # Today: four actors, three relations in force (the weak tie ended in April).
    assert _drawn(page) == (4, 3)
    assert page.locator("#stakeholder-graph .graph-edge.rel-weak").count() == 0
    assert page.locator("#stakeholder-graph .graph-edge.rel-close").count() == 1
    graph_box = page.locator("#stakeholder-graph svg").bounding_box()
    assert graph_box["width"] > 300
    assert graph_box["x"] >= 0
    assert graph_box["x"] + graph_box["width"] <= PHONE["width"]
    # The legend: one line per relation kind, one dot per attitude and "not recorded".
    assert page.locator(".graph-legend").is_visible()
    assert page.locator(".graph-legend .legend-line").count() == len(RelationKind.choices)
    assert page.locator(".graph-legend .legend-dot").count() == len(Attitude.choices) + 1
    assert _no_horizontal_scroll(page)
    # Every actor's name is readable (12 px or so) and inside the frame, none cut.
    assert page.evaluate(_LABELS_INSIDE) == 4
    font = page.evaluate(
        """(() => { const svg = document.querySelector("#stakeholder-graph svg");
        const label = svg.querySelector(".graph-label");
        return parseFloat(getComputedStyle(label).fontSize) * svg.clientWidth / 600; })()"""
    )
    assert font >= 11

    # Tapping the community highlights its two relations (conflict and close) and itself.
    node = page.locator(f"#stakeholder-graph .graph-node[data-uuid='{community.uuid}']")
    node.locator("circle:not(.graph-hit)").click()
    assert page.locator("#stakeholder-graph svg.has-focus").count() == 1
    assert page.locator("#stakeholder-graph .graph-edge.is-focus").count() == 2
    assert page.locator("#stakeholder-graph .graph-node.is-focus").count() == 1
    focused = page.locator("#stakeholder-graph .graph-edge.is-focus").first
    dimmed = page.locator("#stakeholder-graph .graph-edge:not(.is-focus)").first
    assert focused.evaluate("(e) => getComputedStyle(e).opacity") == "1"
    assert float(dimmed.evaluate("(e) => getComputedStyle(e).opacity")) < 0.5
    # A second tap on the same actor clears the highlight.
    node.locator("circle:not(.graph-hit)").click()
    assert page.locator("#stakeholder-graph svg.has-focus").count() == 0
    assert page.locator("#stakeholder-graph .graph-edge.is-focus").count() == 0
    # The least influential actor is drawn small, but a finger 20 px off its centre (outside
    # its circle) still reaches it: it has one relation in force, the alliance.
    ministry = page.locator(f"#stakeholder-graph .graph-node[data-uuid='{actors[3].uuid}']")
    drawn = ministry.locator("circle:not(.graph-hit)").bounding_box()
    hit = ministry.locator("circle.graph-hit").bounding_box()
    assert drawn["width"] < TAP <= hit["width"]
    page.mouse.click(hit["x"] + hit["width"] / 2 + 20, hit["y"] + hit["height"] / 2)
    assert page.locator("#stakeholder-graph .graph-node.is-focus").count() == 1
    assert page.locator("#stakeholder-graph .graph-edge.is-focus.rel-alliance").count() == 1
    ministry.locator("circle:not(.graph-hit)").click()

    # Before the close relation started, its edge is gone; the four actors stay.
    page.fill("#id_as_of", BEFORE_LATE.isoformat())
    page.locator(".map-date-form button[type=submit]").click()
    page.wait_for_url(f"**as_of={BEFORE_LATE.isoformat()}")
    assert _drawn(page) == (4, 2)
    assert page.locator("#stakeholder-graph .graph-edge.rel-close").count() == 0
    assert page.locator("#stakeholder-graph .graph-edge.rel-conflict").count() == 1
    assert page.locator("#stakeholder-graph .graph-edge.rel-alliance").count() == 1
    assert page.locator("#relaciones li.in-force").count() == 2
    assert _no_horizontal_scroll(page)

    # On paper: the date form, the help, the new-relation form and the edit buttons are hidden;
    # the graph and its legend are printed.
    page.emulate_media(media="print")
    for hidden in (".map-date-form", "#graph-help", "#nueva-relacion", ".link-actions"):
        assert page.locator(hidden).first.is_hidden(), hidden
    assert page.locator("#stakeholder-graph svg").is_visible()
    assert page.locator(".graph-legend").is_visible()
    page.emulate_media(media="screen")
    assert page.locator(".map-date-form").is_visible()

    assert page.evaluate("window.__violations") == []
    assert page.console_errors == []

"""The demo data set (seed_demo): consistent with the model rules and rich enough to show."""

import datetime as dt
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from willaq.accounts.models import Membership, Role, User
from willaq.cases import demo
from willaq.cases.choices import (
    SUB_EVENT_PARENT,
    CaseState,
    DialogueMechanism,
    InstitutionRole,
    OrganisationType,
    Phase,
    VictimOutcome,
)
from willaq.cases.demo.loader import DATA_DIR, DemoDataError, load
from willaq.cases.history import cases_as_of, end_of_month, places_as_of
from willaq.cases.models import (
    Actor,
    Case,
    CaseActor,
    CasePlace,
    CaseTransition,
    Event,
    NewsItem,
    StakeholderRelation,
    Victim,
)
from willaq.cases.reference import TYPOLOGIES
from willaq.cases.selectors import stakeholder_map
from willaq.territory.models import Level

INVENTED_MARKERS = ("Ficticia", "Ficticio", "Imaginaria", "Imaginarios", "Inventada")


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """Seed once for the module inside a transaction that is rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def cases(seeded: str, db: None) -> list[Case]:
    return list(Case.objects.filter(is_demo=True).prefetch_related("places__ubigeo", "transitions"))


def test_about_sixty_cases_in_every_state(cases: list[Case]) -> None:
    assert 55 <= len(cases) <= 65
    assert {c.state for c in cases} == set(CaseState.values)
    merged = [c for c in cases if c.state == CaseState.MERGED]
    assert len(merged) == 2
    into = [c.merged_into for c in merged if c.merged_into is not None]
    assert [target.state != CaseState.MERGED for target in into] == [True, True]
    # One is merged into a case of another institution.
    assert sorted(
        c.institution_id == t.institution_id for c, t in zip(merged, into, strict=True)
    ) == [
        False,
        True,
    ]


def test_active_cases_cover_every_phase_and_dialogue_form(cases: list[Case]) -> None:
    active = [c for c in cases if c.state == CaseState.ACTIVE]
    assert {c.phase for c in active} == set(Phase.values)
    dialogue = [c for c in active if c.phase == Phase.DIALOGUE]
    assert {c.dialogue_mechanism for c in dialogue} == set(DialogueMechanism.values)
    assert {c.institution_role for c in dialogue} == set(InstitutionRole.values)


def test_every_case_passes_the_model_constraints(cases: list[Case]) -> None:
    for case in cases:
        case.validate_constraints()
        if case.phase:
            assert case.state == CaseState.ACTIVE, case.name
        if case.state == CaseState.ACTIVE:
            assert case.phase, case.name
        if case.phase == Phase.DIALOGUE:
            assert case.dialogue_mechanism, case.name
            assert case.institution_role, case.name
        else:
            assert (case.dialogue_mechanism, case.institution_role) == ("", ""), case.name
        registered = case.state not in (CaseState.DRAFT, CaseState.PROPOSED)
        assert bool(case.code) == registered, case.name
        closed = case.state in (CaseState.RESOLVED, CaseState.WITHDRAWN, CaseState.MERGED)
        assert (case.end_date is not None) == closed, case.name


def test_all_ten_typologies_and_socio_environmental_subtypes(cases: list[Case]) -> None:
    assert {c.typology.code for c in cases} == {code for code, _name in TYPOLOGIES}
    subtypes = {c.subtype.code for c in cases if c.subtype}
    assert {"mineria", "hidrocarburos", "agua", "energia", "forestal"} <= subtypes
    for case in cases:
        if case.subtype:
            assert case.subtype.parent == case.typology


def test_both_institutions_register_cases_and_pcm_classifies_some(cases: list[Case]) -> None:
    per_institution = Counter(c.institution.slug for c in cases)
    assert set(per_institution) == {"defensoria", "onds"}
    classified = [c for c in cases if c.classifications.filter(institution=c.institution)]
    assert 0 < len(classified) < len(cases)
    assert any(c.confidential_fields for c in cases)
    assert all(c.demands and c.causes and c.next_steps for c in cases)


def test_places_are_one_to_three_real_districts_with_one_principal(cases: list[Case]) -> None:
    departments: set[str] = set()
    for case in cases:
        places = list(case.places.all())
        assert 1 <= len(places) <= 3, case.name
        assert sum(p.is_principal for p in places) == 1, case.name
        assert all(p.ubigeo.level == Level.DISTRICT for p in places), case.name
        departments.update(p.ubigeo.code[:2] for p in places)
        assert "{" not in case.name + case.description + case.demands, case.name
    assert len(departments) >= 20


def test_histories_are_spread_over_the_past_and_rebuild_the_present(cases: list[Case]) -> None:
    now = timezone.now()
    transitions = CaseTransition.objects.filter(case__is_demo=True)
    assert not transitions.filter(occurred_at__gt=now).exists()
    years = {t.occurred_at.year for t in transitions}
    assert {now.year - 2, now.year - 1, now.year} <= years
    for case in cases:
        history = list(case.history.order_by("history_date", "history_id"))
        assert history[0].history_type == "+", case.name
        assert all(h.history_date <= now for h in history), case.name
        # The latest snapshot is the present: the as-of-date reconstruction can rely on it.
        latest = history[-1]
        assert (latest.state, latest.phase, latest.code) == (case.state, case.phase, case.code)
        states = [t.to_state for t in case.transitions.all()]
        assert (states[0], states[-1]) == (CaseState.DRAFT, case.state), case.name


def test_past_months_can_be_rebuilt_from_the_history(cases: list[Case]) -> None:
    """A month-end a year ago: the cases then registered, each in its state then, with places."""
    now = timezone.localtime()
    year, month = (now.year - 1, now.month)
    when = end_of_month(year, month)
    rebuilt = [c for c in cases_as_of(when) if c.is_demo]
    then = {c.pk: c for c in rebuilt}
    assert len(rebuilt) == len(then)  # each case once, though its first rows share an instant
    places = places_as_of(when)
    assert 10 <= len(then) < len(cases)
    for case in cases:
        before = [t for t in case.transitions.all() if t.occurred_at <= when]
        if not before:
            assert case.pk not in then, case.name
            continue
        assert then[case.pk].state == before[-1].to_state, case.name
        assert places.get(case.pk), case.name
    approvals = CaseTransition.objects.filter(case__is_demo=True, kind="approved")
    assert len({(t.occurred_at.year, t.occurred_at.month) for t in approvals}) >= 12


def test_events_are_acled_shaped_dated_in_the_past_and_one_to_six_per_case(
    cases: list[Case],
) -> None:
    today = timezone.localdate()
    events = Event.objects.filter(case__is_demo=True).select_related("case")
    assert not events.filter(event_date__gt=today).exists()
    assert all(e.case is not None and e.event_date >= e.case.start_date for e in events)
    assert all(SUB_EVENT_PARENT[e.sub_event_type] == e.event_type for e in events)
    per_case = Counter(e.case_id for e in events)
    assert all(1 <= per_case[c.pk] <= 6 for c in cases)
    sub_types = {e.sub_event_type for e in events}
    assert {"Peaceful protest", "Violent demonstration", "Agreement", "Arrests"} <= sub_types
    forms = {e.protest_form for e in events if e.event_type == "Protests"}
    assert {"march", "strike", "road_blockade"} <= forms
    assert all(e.sources and e.reported_by for e in events)
    # Some events are another institution's own records on a registered case.
    assert any(e.case is not None and e.institution_id != e.case.institution_id for e in events)


def test_fatalities_and_injured_equal_the_recorded_victims(seeded: str, db: None) -> None:
    events = Event.objects.filter(case__is_demo=True).annotate(
        dead=Count("victims", filter=Q(victims__outcome=VictimOutcome.DEAD)),
        hurt=Count("victims", filter=Q(victims__outcome=VictimOutcome.INJURED)),
    )
    assert all(e.fatalities == e.dead and e.injured == e.hurt for e in events)
    assert events.filter(fatalities__gt=0).exists()
    assert Victim.objects.filter(event__case__is_demo=True, outcome=VictimOutcome.INJURED).exists()


def test_actors_play_every_role_and_companies_are_obviously_invented(seeded: str, db: None) -> None:
    actors = Actor.objects.filter(is_demo=True)
    links = Counter(actors.values_list("case_links__role", flat=True))
    assert {"primary", "secondary", "tertiary"} <= set(links)
    kinds = set(actors.values_list("organisation_type", flat=True))
    assert {
        OrganisationType.COMMUNITY,
        OrganisationType.DEFENCE_FRONT,
        OrganisationType.INDIGENOUS_ORG,
        OrganisationType.COMPANY,
        OrganisationType.MINISTRY,
        OrganisationType.REGIONAL_GOVERNMENT,
    } <= kinds
    for company in actors.filter(organisation_type=OrganisationType.COMPANY):
        assert any(marker in company.name for marker in INVENTED_MARKERS), company.name


def test_news_use_invented_outlets_and_example_links(seeded: str, db: None) -> None:
    news = NewsItem.objects.filter(is_demo=True)
    assert news.count() >= 20
    assert all(n.url.startswith("https://example.org/") for n in news)
    assert all(n.outlet in demo.NEWS_OUTLETS for n in news)
    assert all(n.published_on <= timezone.localdate() for n in news)


def test_every_record_is_marked_demo(seeded: str, db: None) -> None:
    assert not Case.objects.filter(is_demo=False).exists()
    assert not Event.objects.filter(case__is_demo=True, is_demo=False).exists()
    assert not Actor.objects.filter(case_links__case__is_demo=True, is_demo=False).exists()
    assert not NewsItem.objects.filter(cases__is_demo=True, is_demo=False).exists()


def test_users_hold_every_role_in_both_institutions(seeded: str, db: None) -> None:
    for institution in demo.INSTITUTIONS:
        roles = set(
            Membership.objects.filter(
                institution__slug=institution.slug, user__email__endswith=".demo"
            ).values_list("role", flat=True)
        )
        assert roles == set(Role.values)


def test_a_second_seed_is_refused_and_the_output_lists_every_login(seeded: str, db: None) -> None:
    assert demo.DEMO_PASSWORD in seeded
    for institution in demo.INSTITUTIONS:
        for role in Role.values:
            assert f"{demo.demo_email(institution.slug, role)} / {demo.DEMO_PASSWORD}" in seeded
    with pytest.raises(CommandError, match="Ya existen datos de demostración"):
        call_command("seed_demo", stdout=StringIO())


def test_seed_is_refused_in_production(settings: Any, db: None) -> None:
    settings.WILLAQ_ENV = "production"
    with pytest.raises(CommandError, match="producción"):
        call_command("seed_demo", stdout=StringIO())


def test_the_same_cases_land_in_the_same_places_on_a_second_seed(
    cases: list[Case],
) -> None:
    def layout() -> list[tuple[str, tuple[str, ...], str]]:
        return sorted(
            (
                c.name,
                tuple(sorted(p.ubigeo.code for p in c.places.all())),
                c.state,
            )
            for c in Case.objects.filter(is_demo=True).prefetch_related("places__ubigeo")
        )

    before = layout()
    with transaction.atomic():
        # Remove the demo cases (and what hangs from them) and seed again.
        NewsItem.objects.filter(is_demo=True).delete()
        # Merged cases first: a case merged into another protects it from deletion.
        Case.objects.filter(is_demo=True, merged_into__isnull=False).delete()
        Case.objects.filter(is_demo=True).delete()
        Actor.objects.filter(is_demo=True).delete()
        call_command("seed_demo", stdout=StringIO())
        assert layout() == before
        transaction.set_rollback(True)
    assert Case.objects.filter(is_demo=True).count() == len(before)


# --- the data files -----------------------------------------------------------------------------


def test_the_data_files_load_into_the_expected_counts() -> None:
    data = load()
    assert len(data.institutions) == 2
    assert len(data.role_mailbox) == len(Role.values)
    assert all(len(i.people) == len(Role.values) for i in data.institutions)
    assert len(data.themes) == 25
    assert len(data.stories) == 21
    assert len(data.cases) == 62
    assert sum(spec.places for spec in data.cases) == 90
    # Every theme and every story is used by some case.
    assert len({spec.theme for spec in data.cases}) == len(data.themes)
    assert len({spec.story for spec in data.cases}) == len(data.stories)
    assert (len(data.common_sites), len(data.agreement_sites), len(data.news_outlets)) == (5, 4, 6)
    assert (len(data.event_sources), len(data.given_names), len(data.surnames)) == (4, 12, 6)
    # The package's public names are the shipped files.
    assert len(demo.CASES) == len(data.cases)
    assert len(demo.THEMES) == len(data.themes)


# (file, text replaced, replacement, the error message's start)
BROKEN_FILES = [
    pytest.param(
        "themes.toml",
        "has_site = true",
        "has_sites = true",
        "themes.toml [mining-water]: dato desconocido «has_sites»",
        id="unknown key",
    ),
    pytest.param(
        "people.toml",
        'acronym = "DP"\n',
        "",
        "people.toml, institución «defensoria», «acronym»: falta este dato",
        id="missing key",
    ),
    pytest.param(
        "cases.toml",
        'story = "active_dialogue"',
        'story = "active_dialog"',
        "cases.toml, caso 1 («Comunidad de {district} y Minera Ficticia Andina por el agua del "
        "río»), «story»: «active_dialog» no es uno de",
        id="unknown story",
    ),
    pytest.param(
        "stories.toml",
        'phase = "escalation"',
        'phase = "escalated"',
        "stories.toml, historia «active_escalation», paso 3, «phase»: «escalated» no es uno de",
        id="unknown phase",
    ),
    pytest.param(
        "themes.toml",
        'sectors = ["minem", "minam", "oefa", "ana"]',
        'sectors = ["minem", "minan"]',
        "themes.toml [mining-water], «sectors»: «minan» no es uno de",
        id="unknown sector code",
    ),
    pytest.param(
        "themes.toml",
        'primary = ["community", "defence-front"]',
        'primary = ["comunity", "defence-front"]',
        "themes.toml [mining-water], «primary»: el actor «comunity» no está en actors.toml",
        id="unknown actor",
    ),
    pytest.param(
        "actors.toml",
        'name = "Ministerio de Energía y Minas"',
        'name = "Ministerio de Energía y Minas de {region}"',
        "actors.toml [minem], «name»: marcador sin valor {region}",
        id="unknown placeholder",
    ),
    pytest.param(
        "cases.toml",
        'name = "Mineros artesanales de {province} y la formalización"',
        'name = "Mineros artesanales de {province} y {company}"',
        "cases.toml, caso 10 («Mineros artesanales de {province} y {company}»), «name»: "
        "marcador sin valor {company}",
        id="company placeholder in a theme without a company",
    ),
    pytest.param(
        "stories.toml",
        '{ action = "return", day = 9, reason = "return" }',
        '{ action = "return", day = 9 }',
        "stories.toml, historia «draft_returned», paso 2, «reason»: «return» necesita un motivo",
        id="transition without its reason",
    ),
    pytest.param(
        "cases.toml",
        'departments = ["08", "03"]',
        'departments = ["08", "03", "04", "05"]',
        "cases.toml, caso 8 («Corredor minero entre {district} y {district2}»), «places»: "
        "entre 4 (uno por departamento) y 3 lugares",
        id="more departments than places",
    ),
    pytest.param(
        "events.toml",
        'female_given_names = ["Rosa",',
        'female_given_names = ["Rossa",',
        "events.toml, «female_given_names»: «Rossa» no es uno de",
        id="female name not among the given names",
    ),
    pytest.param(
        "themes.toml",
        "participativo del agua; atención de salud a la población expuesta; revisión \\\n",
        "participativo del agua; atención de salud a la población expuesta; revisión\n",
        "themes.toml [mining-water], «demands»: salto de línea en el texto",
        id="line break in a text",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "message"), BROKEN_FILES)
def test_a_broken_data_file_is_refused_naming_the_file_and_entry(
    tmp_path: Path, file: str, old: str, new: str, message: str
) -> None:
    shutil.copytree(DATA_DIR, tmp_path, dirs_exist_ok=True)
    path = tmp_path / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DemoDataError, match="^" + re.escape(message)):
        load(tmp_path)


def test_a_file_that_is_not_toml_is_refused_naming_it(tmp_path: Path) -> None:
    shutil.copytree(DATA_DIR, tmp_path, dirs_exist_ok=True)
    (tmp_path / "stories.toml").write_text("[stories\n", encoding="utf-8")
    with pytest.raises(DemoDataError, match=r"^stories\.toml: no es TOML válido"):
        load(tmp_path)


def test_the_same_moment_seeds_the_same_counts(seeded: str, db: None) -> None:
    """A regression net for the data files and the seeder: at a fixed moment, fixed counts."""
    with transaction.atomic():
        NewsItem.objects.filter(is_demo=True).delete()
        # Merged cases first: a case merged into another protects it from deletion.
        Case.objects.filter(is_demo=True, merged_into__isnull=False).delete()
        Case.objects.filter(is_demo=True).delete()
        Event.all_objects.filter(is_demo=True, case__isnull=True).delete()
        Actor.objects.filter(is_demo=True).delete()
        out = StringIO()
        with time_machine.travel(dt.datetime(2026, 12, 1, 15, tzinfo=dt.UTC), tick=False):
            call_command("seed_demo", stdout=out)
        assert "62 casos, 251 eventos, 22 víctimas, 177 actores, 66 noticias" in out.getvalue()
        assert Case.objects.filter(is_demo=True).count() == 62
        assert Case.objects.filter(is_demo=True, state=CaseState.MERGED).count() == 2
        assert CasePlace.objects.filter(case__is_demo=True).count() == 90
        assert CaseTransition.objects.filter(case__is_demo=True).count() == 213
        assert Event.objects.filter(case__is_demo=True).count() == 249
        # Two protests no case covers yet, one of them a strike of three days.
        caseless = Event.objects.filter(is_demo=True, case__isnull=True)
        assert caseless.count() == 2
        assert caseless.filter(end_date__isnull=False).count() == 1
        assert Victim.objects.filter(event__case__is_demo=True).count() == 22
        assert Actor.objects.filter(is_demo=True).count() == 177
        assert CaseActor.objects.filter(case__is_demo=True).count() == 279
        assert NewsItem.objects.filter(is_demo=True).count() == 66
        transaction.set_rollback(True)


def test_stakeholder_maps_change_over_time(seeded: str, db: None) -> None:
    """Issue 10 §6: several demo cases have maps whose relations start, change kind and end."""
    relations = StakeholderRelation.objects.filter(case__is_demo=True)
    cases = set(relations.values_list("case_id", flat=True))
    assert len(cases) >= 4
    assert relations.filter(previous__isnull=False).count() == len(cases)  # a change of kind
    assert relations.filter(end_date__isnull=False).count() >= 2 * len(cases)
    assert relations.values("institution_id").distinct().count() == 2
    case = Case.objects.get(pk=min(cases))
    user = User.objects.filter(is_superuser=False, memberships__institution=case.institution)[0]
    first = relations.filter(case=case).order_by("start_date").first()
    assert first is not None
    early = stakeholder_map(user, case, first.start_date)
    late = stakeholder_map(user, case, timezone.localdate())
    assert len(early.nodes) >= 3
    assert len(early.edges) >= 1
    assert sorted(e.kind for e in early.edges) != sorted(e.kind for e in late.edges)

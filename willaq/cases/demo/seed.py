"""Create the demo data set of willaq/cases/demo/data/ through the case services.

Two institutions with one user per role, about sixty invented cases with back-dated histories
(2024 to today), their places, events, victims, actors and news. Everything is written in one
transaction and marked ``is_demo``; places are picked from the loaded territory with
``random.Random(2026)``, so two runs on the same territory give the same data set.

Never in production: the ``seed_demo`` command, which runs this, refuses when
settings.WILLAQ_ENV is "production".
"""

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from itertools import cycle
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from willaq.accounts.models import Institution, InstitutionKind, Membership, Role, User
from willaq.cases import demo, services
from willaq.cases.access import visible_actors
from willaq.cases.choices import (
    ActorRole,
    ActorTypeCode,
    Attitude,
    CaseState,
    DatePrecision,
    DialogueMechanism,
    EventType,
    InstitutionRole,
    OrganisationType,
    PcmClassification,
    Phase,
    ProtestForm,
    RelationKind,
    SubEventType,
    VictimGroup,
    VictimOutcome,
)
from willaq.cases.models import Actor, Case, Event, StakeholderRelation
from willaq.cases.services import (
    TRANSITIONS,
    PlaceInput,
    add_news,
    change_phase,
    create_actor,
    create_case,
    link_actor,
    merge_case,
    record_event,
    record_victim,
    set_classification,
    transition_case,
)
from willaq.core.text import fold
from willaq.territory.models import Level, Ubigeo

SEED = 2026
SUMMARY_ORDER = ("casos", "eventos", "víctimas", "actores", "noticias", "usuarios")
# ACLED actor names for the sides of an event.
PROTESTERS = "Protesters (Peru)"
RIOTERS = "Rioters (Peru)"
POLICE = "Police Forces of Peru"
GOVERNMENT = "Government of Peru"

PUBLIC_BODIES = frozenset(
    {
        OrganisationType.MINISTRY,
        OrganisationType.REGIONAL_GOVERNMENT,
        OrganisationType.LOCAL_GOVERNMENT,
    }
)


class MissingTerritoryError(Exception):
    """The territory the demo cases are placed in has not been loaded."""


def demo_data_exists() -> bool:
    return Case.objects.filter(is_demo=True).exists()


def demo_logins() -> list[tuple[str, str, str]]:
    """(who, email, password) for every demo login, superuser first."""
    rows = [("Superusuario", demo.SUPERUSER_EMAIL, demo.DEMO_PASSWORD)]
    for institution in demo.INSTITUTIONS:
        for role in demo.ROLE_MAILBOX:
            who = f"{institution.acronym} · {Role(role).label}"
            rows.append((who, demo.demo_email(institution.slug, role), demo.DEMO_PASSWORD))
    return rows


def logins_block() -> str:
    """The demo logins as a framed block, one "email / password" per line."""
    rows = demo_logins()
    width = max(len(who) for who, _email, _password in rows)
    rule = "=" * 78
    lines = [
        rule,
        "  Willaq: accesos de demostración (datos ficticios)",
        f"  Contraseña común: {demo.DEMO_PASSWORD}",
        "-" * 78,
    ]
    lines += [f"  {who:<{width}}  {email} / {password}" for who, email, password in rows]
    lines += [rule]
    return "\n".join(lines)


class _Context(dict[str, str]):
    """Placeholder values; an unknown placeholder stays visible instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass
class CasePlan:
    spec: demo.CaseSpec
    theme: demo.Theme
    places: list[Ubigeo]
    context: _Context
    registered_at: dt.datetime
    start_date: dt.date
    steps: list[tuple[demo.Step, dt.datetime]]

    def fill(self, text: str) -> str:
        return text.format_map(self.context)


class DemoSeeder:
    """Writes the demo data set. ``run`` is one transaction; nothing is left half-written."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.today = timezone.localdate(now)
        self.rng = random.Random(SEED)
        self.institutions: dict[str, Institution] = {}
        self.users: dict[tuple[str, str], User] = {}
        self.actors: dict[tuple[int, str], Actor] = {}
        # Cases seeded so far by their name in cases.toml (a merge names the absorbing case).
        self.cases_by_name: dict[str, Case] = {}
        self.counts: Counter[str] = Counter()
        # Dialogue cases take every (mechanism, role) pair in turn: 4 × 5 = 20 combinations.
        mechanisms, roles = DialogueMechanism.values, InstitutionRole.values
        self.dialogue = cycle(
            [(mechanisms[i % len(mechanisms)], roles[i % len(roles)]) for i in range(20)]
        )
        self.units: dict[str, Ubigeo] = {}
        self.districts: dict[str, list[Ubigeo]] = {}
        self.approved_at: dict[int, dt.datetime | None] = {}

    @transaction.atomic
    def run(self) -> Counter[str]:
        self._load_territory()
        self._create_people()
        plans = [self._plan(spec) for spec in demo.CASES]
        # Oldest first, so public codes follow the order in which cases were approved.
        for plan in sorted(plans, key=lambda p: p.registered_at):
            self._seed_case(plan)
        self._seed_caseless_events()
        self._seed_cross_classifications()
        self._seed_stakeholder_maps()
        return self.counts

    def _seed_stakeholder_maps(self) -> None:
        """Stakeholder maps on six registered cases (issue 10 §6): each actor's profile, and
        relations that start, change kind and end over the months after registration; on
        every other one the national dialogue office records its own view of a pair too."""
        rng = random.Random(SEED + 10)  # its own generator: the rest of the data set is unmoved
        office = next(
            (i for i in self.institutions.values() if i.kind == InstitutionKind.DIALOGUE_OFFICE),
            None,
        )
        attitudes = {
            ActorRole.PRIMARY: (Attitude.OPPOSED, Attitude.NEUTRAL),
            ActorRole.SECONDARY: (Attitude.NEUTRAL, Attitude.ALLY),
            ActorRole.TERTIARY: (Attitude.ALLY, Attitude.NEUTRAL),
        }
        mapped = 0
        for case in self.cases_by_name.values():
            approved = self.approved_at.get(case.pk)
            links = list(case.case_actors.select_related("actor", "institution").order_by("pk"))
            if approved is None or len(links) < 3 or case.merged_into_id is not None:
                continue
            days = (self.today - timezone.localdate(approved)).days
            if days < 120:
                continue
            analyst = self.users[(case.institution.slug, Role.ANALYST)]
            start = timezone.localdate(approved) + dt.timedelta(days=3)
            for link in links:
                services.update_stakeholder_profile(
                    user=analyst,
                    link=link,
                    profile=services.ProfileInput(
                        conflict_role=link.get_role_display(),
                        position=link.position,
                        influence=link.intensity or rng.randint(1, 5),
                        interest_level=rng.randint(2, 5),
                        attitude=rng.choice(attitudes[ActorRole(link.role)]),
                    ),
                    at=timezone.make_aware(dt.datetime.combine(start, dt.time(10))),
                )
            a, b, c = (link.actor for link in links[:3])
            step = days // 4

            tension = self._relate(analyst, case, a, b, RelationKind.TENSION, start)
            services.change_relation_kind(
                user=analyst,
                relation=tension,
                kind=RelationKind.CONFLICT,
                on=start + dt.timedelta(days=step),
            )
            alliance = self._relate(
                analyst, case, b, c, RelationKind.ALLIANCE, start + dt.timedelta(days=step // 2)
            )
            services.end_relation(
                user=analyst, relation=alliance, end_date=start + dt.timedelta(days=2 * step)
            )
            self._relate(
                analyst, case, a, c, RelationKind.WEAK, start + dt.timedelta(days=3 * step)
            )
            if office is not None and mapped % 2 == 0 and case.institution_id != office.pk:
                services.record_relation(
                    user=self.users[(office.slug, Role.ANALYST)],
                    case=case,
                    data=services.RelationInput(
                        source=a,
                        target=c,
                        kind=RelationKind.CLOSE,
                        start_date=start + dt.timedelta(days=step),
                        note="Lectura de la oficina de diálogo (demostración).",
                    ),
                )
                self.counts["relaciones entre actores"] += 1
            mapped += 1
            if mapped == 6:
                break

    def _relate(
        self, user: User, case: Case, source: Actor, target: Actor, kind: str, begin: dt.date
    ) -> StakeholderRelation:
        self.counts["relaciones entre actores"] += 1
        return services.record_relation(
            user=user,
            case=case,
            data=services.RelationInput(
                source=source,
                target=target,
                kind=kind,
                start_date=begin,
                note="Análisis de la institución (demostración).",
            ),
        )

    def _seed_cross_classifications(self) -> None:
        """The national dialogue office classifies three in four of the other institutions'
        registered cases under its own methodology a week after their approval (so both counts
        exist for the same cases), and revises a few of them later (a history to follow)."""
        office = next(
            (i for i in self.institutions.values() if i.kind == InstitutionKind.DIALOGUE_OFFICE),
            None,
        )
        if office is None:
            return
        analyst = self.users[(office.slug, Role.ANALYST)]
        latest = self.now - dt.timedelta(minutes=5)
        by_state = {
            CaseState.PRE_CONFLICT: PcmClassification.DIFFERENCE,
            CaseState.LATENT: PcmClassification.CONTROVERSY,
            CaseState.WITHDRAWN: PcmClassification.DIFFERENCE,
        }
        for n, case in enumerate(self.cases_by_name.values()):
            approved = self.approved_at.get(case.pk)
            if case.institution_id == office.pk or approved is None or n % 4 == 3:
                continue
            case.refresh_from_db()
            first = min(approved + dt.timedelta(days=7), latest)
            value = by_state.get(CaseState(case.state), PcmClassification.SOCIAL_CONFLICT)
            if n % 5 == 0 and value != PcmClassification.CONTROVERSY:
                set_classification(case, office, PcmClassification.CONTROVERSY, analyst, at=first)
                revised = min(first + dt.timedelta(days=60), latest)
                set_classification(case, office, value, analyst, at=revised)
            else:
                set_classification(case, office, value, analyst, at=first)
            self.counts["clasificaciones"] += 1

    def _seed_caseless_events(self) -> None:
        """Two protests no case covers yet (they count in the month's protest actions), one of
        them a strike of three days, recorded by the first institution's analyst."""
        institution = next(iter(self.institutions.values()))
        analyst = self.users[(institution.slug, Role.ANALYST)]
        today = timezone.localdate()
        protests = (
            (
                20,
                2,
                "210101",
                ProtestForm.STRIKE,
                "Frente de Defensa de la Cuenca del Coata",
                "Paro de tres días en Puno contra la contaminación de la cuenca; aún no hay un "
                "caso registrado.",
            ),
            (
                9,
                0,
                "080101",
                ProtestForm.MARCH,
                "Federación de Mototaxistas del Cusco",
                "Marcha de unas 300 personas por el centro del Cusco contra una ordenanza de "
                "tránsito.",
            ),
        )
        for days_ago, length, code, form, organiser, notes in protests:
            start = today - dt.timedelta(days=days_ago)
            record_event(
                user=analyst,
                case=None,
                institution=institution,
                is_demo=True,
                data={
                    "event_date": start,
                    "end_date": start + dt.timedelta(days=length) if length else None,
                    "event_type": EventType.PROTESTS,
                    "sub_event_type": SubEventType.PEACEFUL_PROTEST,
                    "protest_form": form,
                    "actor1": PROTESTERS,
                    "assoc_actor_1": organiser,
                    "inter1": ActorTypeCode.PROTESTERS,
                    "ubigeo_code": code,
                    "sources": "Radio local",
                    "source_scale": "Subnacional",
                    "reported_by": analyst.full_name,
                    "notes": notes,
                },
            )
            self.counts["eventos"] += 1

    # --- people and places -------------------------------------------------------------------

    def _load_territory(self) -> None:
        units = list(Ubigeo.objects.order_by("code"))
        self.units = {u.code: u for u in units}
        for unit in units:
            if unit.level == Level.DISTRICT:
                self.districts.setdefault(unit.code[:2], []).append(unit)
        missing = {d for spec in demo.CASES for d in spec.departments} - set(self.districts)
        if missing:
            raise MissingTerritoryError(
                "Falta el territorio (departamentos "
                + ", ".join(sorted(missing))
                + "): ejecute primero «manage.py load_territory»."
            )

    def _create_people(self) -> None:
        superuser = User.objects.filter(email=demo.SUPERUSER_EMAIL).first()
        if superuser is None:
            User.objects.create_superuser(
                demo.SUPERUSER_EMAIL, demo.DEMO_PASSWORD, full_name=demo.SUPERUSER_NAME
            )
            self.counts["usuarios"] += 1
        for spec in demo.INSTITUTIONS:
            institution, _created = Institution.objects.get_or_create(
                slug=spec.slug,
                defaults={"name": spec.name, "acronym": spec.acronym, "kind": spec.kind},
            )
            self.institutions[spec.slug] = institution
            for role, full_name in spec.people.items():
                email = demo.demo_email(spec.slug, role)
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = User.objects.create_user(email, demo.DEMO_PASSWORD, full_name=full_name)
                    self.counts["usuarios"] += 1
                Membership.objects.get_or_create(
                    user=user, institution=institution, role=role, defaults={"is_active": True}
                )
                self.users[(spec.slug, role)] = user

    def _plan(self, spec: demo.CaseSpec) -> CasePlan:
        """Places, dates and history of one case; consumes the random stream in CASES order."""
        rng = self.rng
        theme = demo.THEMES[spec.theme]
        principal = rng.choice(self.districts[spec.departments[0]])
        places = [principal]
        for index in range(1, spec.places):
            if index < len(spec.departments):
                pool = self.districts[spec.departments[index]]
            else:
                pool = [
                    d
                    for d in self.districts[spec.departments[0]]
                    if d.code[:4] == principal.code[:4]
                ]
            pool = [d for d in pool if d not in places] or [
                d for d in self.districts[spec.departments[0]] if d not in places
            ]
            places.append(rng.choice(pool))
        if len(places) > 1:
            second = places[1]
        else:
            neighbours = [
                d
                for d in self.districts[spec.departments[0]]
                if d.code[:4] == principal.code[:4] and d != principal
            ]
            second = rng.choice(neighbours) if neighbours else principal
        context = _Context(
            district=principal.name,
            district2=second.name,
            province=self.units[principal.code[:4] + "00"].name,
            department=self.units[principal.code[:2] + "0000"].name,
            company=theme.company,
        )
        days_ago = spec.months_ago * 30 + rng.randint(3, 20)
        registered_on = self.today - dt.timedelta(days=days_ago)
        registered_at = timezone.make_aware(
            dt.datetime.combine(registered_on, dt.time(rng.randint(8, 16), rng.randint(0, 59)))
        )
        start_date = registered_on - dt.timedelta(days=rng.randint(0, 45))
        story = demo.STORIES[spec.story]
        last_day = max((step.day for step in story), default=0)
        # A story longer than the case's life is compressed so nothing lands in the future.
        scale = min(1.0, (days_ago - 1) / last_day) if last_day else 1.0
        latest = self.now - dt.timedelta(minutes=5)
        steps = []
        for index, step in enumerate(story):
            when = registered_at + dt.timedelta(days=max(1, int(step.day * scale)), hours=index)
            steps.append((step, min(when, latest)))
        return CasePlan(spec, theme, places, context, registered_at, start_date, steps)

    # --- one case ----------------------------------------------------------------------------

    def _seed_case(self, plan: CasePlan) -> None:
        spec, theme = plan.spec, plan.theme
        institution = self.institutions[spec.institution]
        analyst = self.users[(spec.institution, Role.ANALYST)]
        coordinator = self.users[(spec.institution, Role.COORDINATOR)]
        data: dict[str, Any] = {
            "name": plan.fill(spec.name),
            "description": plan.fill(theme.description),
            "start_date": plan.start_date,
            "typology": theme.typology,
            "subtype": theme.subtype or None,
            "competent_authority": theme.authority,
            "pcm_classification": spec.pcm,
            "demands": plan.fill(theme.demands),
            "causes": plan.fill(theme.causes),
            "triggers": plan.fill(theme.triggers),
            "legislation": theme.legislation,
            "investment": theme.investment,
            "investment_amount": (
                Decimal(theme.investment_amount) if theme.investment_amount else None
            ),
            "strategies": plan.fill(theme.strategies),
            "next_steps": plan.fill(theme.next_steps),
            "sectors": list(theme.sectors),
            "confidential_fields": list(spec.confidential),
        }
        principal = plan.places[0]
        if theme.has_site and principal.latitude is not None and principal.longitude is not None:
            data["latitude"] = round(principal.latitude + self.rng.uniform(-0.05, 0.05), 5)
            data["longitude"] = round(principal.longitude + self.rng.uniform(-0.05, 0.05), 5)
        case = create_case(
            user=analyst,
            institution=institution,
            data=data,
            places=[PlaceInput(p.code, is_principal=i == 0) for i, p in enumerate(plan.places)],
            is_demo=True,
            at=plan.registered_at,
        )
        self.counts["casos"] += 1
        self.cases_by_name[spec.name] = case
        milestones = self._apply_story(plan, case, analyst, coordinator)
        case.refresh_from_db()
        self.approved_at[case.pk] = min(
            (milestones[s] for s in (CaseState.ACTIVE, CaseState.PRE_CONFLICT) if s in milestones),
            default=None,
        )
        self._seed_actors(plan, case, institution, analyst)
        self._seed_events(plan, case, milestones)
        self._seed_news(plan, case, analyst, milestones)

    def _apply_story(
        self, plan: CasePlan, case: Case, analyst: User, coordinator: User
    ) -> dict[str, dt.datetime]:
        """Replay the story through the services; return when each phase or state began."""
        milestones: dict[str, dt.datetime] = {}
        for step, when in plan.steps:
            if step.action == "phase":
                mechanism = role = ""
                if step.phase == Phase.DIALOGUE:
                    mechanism, role = next(self.dialogue)
                change_phase(
                    user=analyst,
                    case=case,
                    phase=step.phase,
                    dialogue_mechanism=mechanism,
                    institution_role=role,
                    at=when,
                )
            elif step.action == demo.MERGE_ACTION:
                case = merge_case(
                    user=coordinator,
                    case=case,
                    into=self.cases_by_name[plan.spec.merge_into],
                    reason=step.reason,
                    at=when,
                )
                milestones[CaseState.MERGED] = when
            else:
                user = coordinator if TRANSITIONS[step.action].needs_approver else analyst
                case = transition_case(
                    user=user,
                    case=case,
                    name=step.action,
                    reason=step.reason,
                    phase=step.phase or Phase.EARLY,
                    at=when,
                )
                milestones[TRANSITIONS[step.action].target] = when
            if step.phase:
                milestones[step.phase] = when
        return milestones

    def _actor(
        self, institution: Institution, user: User, spec: demo.ActorSpec, name: str
    ) -> Actor:
        key = (institution.pk, name)
        actor = self.actors.get(key)
        if actor is None:
            # The same body may already be known from another institution's registered case.
            actor = visible_actors(user).filter(search_name=fold(name), kind=spec.kind).first()
        if actor is None:
            public = spec.organisation_type in PUBLIC_BODIES
            description = (
                "Entidad pública; su participación en este caso es ficticia (dato de demostración)."
                if public
                else "Organización ficticia (dato de demostración)."
            )
            actor = create_actor(
                user=user,
                institution=institution,
                data={
                    "name": name,
                    "kind": spec.kind,
                    "organisation_type": spec.organisation_type,
                    "description": description,
                },
                is_demo=True,
            )
            self.actors[key] = actor
            self.counts["actores"] += 1
        return actor

    def _seed_actors(
        self, plan: CasePlan, case: Case, institution: Institution, analyst: User
    ) -> None:
        theme = plan.theme
        levels = (
            (ActorRole.PRIMARY, theme.primary, (3, 5)),
            (ActorRole.SECONDARY, theme.secondary, (2, 4)),
            (ActorRole.TERTIARY, theme.tertiary, (1, 2)),
        )
        for role, specs, (low, high) in levels:
            for spec in specs:
                name = plan.fill(spec.name)
                actor = self._actor(institution, analyst, spec, name)
                if case.case_actors.filter(actor=actor).exists():
                    continue  # the same body named twice (a theme's company and ministry)
                link_actor(
                    user=analyst,
                    case=case,
                    actor=actor,
                    role=role,
                    position=plan.fill(spec.position),
                    intensity=self.rng.randint(low, high),
                    # In the case from its registration: the stakeholder map of back then.
                    at=min(plan.registered_at, self.now),
                )

    # --- events and victims ------------------------------------------------------------------

    def _activity_window(
        self, plan: CasePlan, case: Case, milestones: dict[str, dt.datetime]
    ) -> tuple[dt.date, dt.date]:
        """The dates between which the case's events and news can fall."""
        last = self.today - dt.timedelta(days=1)
        for state in (CaseState.LATENT, CaseState.RESOLVED, CaseState.WITHDRAWN):
            if case.state == state and state in milestones:
                last = timezone.localdate(milestones[state])
        if case.state == CaseState.WITHDRAWN and CaseState.LATENT in milestones:
            last = timezone.localdate(milestones[CaseState.LATENT])
        first = plan.start_date
        return first, max(first, min(last, self.today - dt.timedelta(days=1)))

    def _random_date(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def _seed_events(self, plan: CasePlan, case: Case, milestones: dict[str, dt.datetime]) -> None:
        first, last = self._activity_window(plan, case, milestones)
        registered = case.state not in (CaseState.DRAFT, CaseState.PROPOSED)
        if not registered:
            count = 1
        elif case.state == CaseState.PRE_CONFLICT or not case.code:
            count = self.rng.randint(1, 2)
        else:
            count = self.rng.randint(2, 6)
        planned: list[tuple[str, dt.date]] = []
        if Phase.CRISIS in milestones:
            crisis_on = timezone.localdate(milestones[Phase.CRISIS])
            violent = self.rng.choice(["violent_demonstration", "excessive_force"])
            planned.append((violent, min(crisis_on, last)))
            if count > 2:
                planned.append(("arrests", min(crisis_on + dt.timedelta(days=1), last)))
        if Phase.DIALOGUE in milestones or case.state == CaseState.RESOLVED:
            since = milestones.get(Phase.DIALOGUE) or milestones[CaseState.RESOLVED]
            agreed = timezone.localdate(since) + dt.timedelta(days=self.rng.randint(10, 60))
            planned.append(("agreement", min(agreed, last)))
        while len(planned) < count:
            kind = "intervention" if self.rng.random() < 0.15 else "protest"
            planned.append((kind, self._random_date(first, last)))
        planned = planned[: max(count, 1)]
        for kind, on in sorted(planned, key=lambda item: item[1]):
            self._record_event(plan, case, case.institution, kind, max(on, first))
        # Another institution adds its own record to some registered cases (at most 6 in all).
        if registered and len(planned) < 6 and self.rng.random() < 0.3:
            other = next(i for i in self.institutions.values() if i != case.institution)
            self._record_event(plan, case, other, "protest", self._random_date(first, last))

    def _record_event(
        self, plan: CasePlan, case: Case, institution: Institution, kind: str, on: dt.date
    ) -> Event:
        rng = self.rng
        slug = institution.slug
        analyst = self.users[(slug, Role.ANALYST)]
        reporter = self.users[(slug, Role.REPORTER)]
        primary = plan.fill(plan.theme.primary[0].name)
        sites = (
            demo.AGREEMENT_SITES if kind == "agreement" else plan.theme.sites + demo.COMMON_SITES
        )
        location = plan.fill(rng.choice(sites))
        source, scale = rng.choice(demo.EVENT_SOURCES)
        data: dict[str, Any] = {
            "event_date": on,
            "date_precision": DatePrecision.DAY if rng.random() < 0.85 else DatePrecision.WEEK,
            "ubigeo_code": rng.choice(plan.places).code,
            "location": location,
            "sources": source,
            "source_scale": scale,
            "reported_by": reporter.full_name,
        }
        data |= self._event_sides(kind, primary, plan, location)
        event = record_event(
            user=analyst, case=case, data=data, institution=institution, is_demo=True
        )
        self.counts["eventos"] += 1
        if kind in ("violent_demonstration", "excessive_force"):
            for _index in range(rng.randint(1, 3)):
                self._record_victim(event, analyst)
        return event

    def _event_sides(
        self, kind: str, primary: str, plan: CasePlan, location: str
    ) -> dict[str, Any]:
        """ACLED type, sub-type, actors and a note for one kind of event."""
        rng = self.rng
        people = rng.choice([40, 80, 150, 300, 500, 1200])
        protesters = {
            "actor1": PROTESTERS,
            "assoc_actor_1": primary,
            "inter1": ActorTypeCode.PROTESTERS,
        }
        police_vs_protesters = {
            "actor1": POLICE,
            "inter1": ActorTypeCode.STATE_FORCES,
            "actor2": PROTESTERS,
            "assoc_actor_2": primary,
            "inter2": ActorTypeCode.PROTESTERS,
        }
        if kind == "protest":
            form = rng.choice(plan.theme.protest_forms)
            notes: dict[str, str] = {
                ProtestForm.MARCH: f"Unas {people} personas convocadas por {primary} marcharon "
                f"por {location} para exigir la atención de sus demandas.",
                ProtestForm.STRIKE: f"{primary} acató un paro de {rng.randint(1, 5)} días; "
                "cerraron comercios y se suspendieron las clases.",
                ProtestForm.ROAD_BLOCKADE: f"Bloqueo de la vía en {location} durante "
                f"{rng.randint(4, 48)} horas con piedras y troncos; vehículos varados.",
                ProtestForm.OCCUPATION: f"Pobladores convocados por {primary} ocuparon "
                f"{location} y exigieron la presencia del Ejecutivo.",
                ProtestForm.HUNGER_STRIKE: f"{rng.randint(3, 12)} dirigentes de {primary} "
                f"iniciaron una huelga de hambre en {location}.",
                ProtestForm.RALLY: f"Plantón de unas {people} personas en {location}.",
            }
            return protesters | {
                "event_type": EventType.PROTESTS,
                "sub_event_type": SubEventType.PEACEFUL_PROTEST,
                "protest_form": form,
                "notes": notes.get(form, f"Acción colectiva de {primary} en {location}."),
            }
        if kind == "intervention":
            return protesters | {
                "event_type": EventType.PROTESTS,
                "sub_event_type": SubEventType.PROTEST_WITH_INTERVENTION,
                "protest_form": ProtestForm.ROAD_BLOCKADE,
                "actor2": POLICE,
                "inter2": ActorTypeCode.STATE_FORCES,
                "notes": f"La policía despejó el bloqueo en {location} tras "
                f"{rng.randint(6, 30)} horas; no se reportaron heridos.",
            }
        if kind == "excessive_force":
            return police_vs_protesters | {
                "event_type": EventType.PROTESTS,
                "sub_event_type": SubEventType.EXCESSIVE_FORCE,
                "protest_form": ProtestForm.ROAD_BLOCKADE,
                "notes": f"La policía dispersó con gases lacrimógenos y perdigones a unas "
                f"{people} personas que bloqueaban la vía en {location}.",
            }
        if kind == "violent_demonstration":
            return {
                "actor1": RIOTERS,
                "assoc_actor_1": primary,
                "inter1": ActorTypeCode.RIOTERS,
                "actor2": POLICE,
                "inter2": ActorTypeCode.STATE_FORCES,
                "event_type": EventType.RIOTS,
                "sub_event_type": SubEventType.VIOLENT_DEMONSTRATION,
                "protest_form": ProtestForm.MARCH,
                "notes": f"Manifestantes se enfrentaron con la policía en {location}; hubo "
                "heridos y daños a la propiedad pública.",
            }
        if kind == "arrests":
            return police_vs_protesters | {
                "event_type": EventType.STRATEGIC_DEVELOPMENTS,
                "sub_event_type": SubEventType.ARRESTS,
                "notes": f"La policía detuvo a {rng.randint(2, 15)} manifestantes tras los "
                "enfrentamientos; quedaron a disposición de la fiscalía.",
            }
        # An agreement signed in the dialogue space.
        return {
            "actor1": GOVERNMENT,
            "inter1": ActorTypeCode.STATE_FORCES,
            "actor2": PROTESTERS,
            "assoc_actor_2": primary,
            "inter2": ActorTypeCode.PROTESTERS,
            "event_type": EventType.STRATEGIC_DEVELOPMENTS,
            "sub_event_type": SubEventType.AGREEMENT,
            "notes": f"Las partes firmaron un acta con {rng.randint(3, 12)} compromisos, "
            "responsables y plazos de cumplimiento.",
        }

    def _record_victim(self, event: Event, analyst: User) -> None:
        rng = self.rng
        given = rng.choice(demo.GIVEN_NAMES)
        first_surname, second_surname = rng.sample(demo.SURNAMES, 2)
        dead = rng.random() < 0.25
        group = VictimGroup.CIVILIAN if dead or rng.random() < 0.8 else VictimGroup.POLICE
        record_victim(
            user=analyst,
            event=event,
            data={
                "outcome": VictimOutcome.DEAD if dead else VictimOutcome.INJURED,
                "group": group,
                "full_name": f"{given} {first_surname} {second_surname}",
                "age": rng.randint(18, 67),
                "sex": "F" if given in demo.FEMALE_GIVEN_NAMES else "M",
                "notes": "Persona ficticia (dato de demostración).",
            },
        )
        self.counts["víctimas"] += 1

    # --- news --------------------------------------------------------------------------------

    def _seed_news(
        self, plan: CasePlan, case: Case, analyst: User, milestones: dict[str, dt.datetime]
    ) -> None:
        rng = self.rng
        first, last = self._activity_window(plan, case, milestones)
        registered = case.state not in (CaseState.DRAFT, CaseState.PROPOSED)
        count = min(
            rng.randint(0, 3) if registered else rng.randint(0, 1), len(plan.theme.headlines)
        )
        for title in rng.sample(plan.theme.headlines, count):
            filled = plan.fill(title)
            self.counts["noticias"] += 1
            add_news(
                user=analyst,
                case=case,
                data={
                    "outlet": rng.choice(demo.NEWS_OUTLETS),
                    "title": filled,
                    "published_on": self._random_date(first, last),
                    "url": f"https://example.org/noticias/{slugify(filled)[:80]}-"
                    f"{self.counts['noticias']}",
                    "region_code": plan.places[0].code[:2] + "0000",
                },
                is_demo=True,
            )

"""Personas and a roundtable for the dialogue tests.

- The **owner institution** (fixture ``owner_institution``) convenes the roundtable; its
  ``coordinator`` and ``analyst`` run it, ``facilitator`` is its dialogue facilitator.
- The **regional government** (``debtor_institution``) sits at the table and owes commitments; its
  ``debtor_analyst`` reports progress.
- The **outsider** (``other_institution``, not seated) reads spaces and commitments but none of the
  confidential fields; the anonymous visitor reads only public spaces.

``roundtable`` builds one space through the services: participants (the regional government, a
mining company actor, a community organisation by name), a held session, a signed acta and three
commitments (one with money).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from willaq.accounts.models import Institution, InstitutionKind, Role, User
from willaq.cases.choices import ActorKind
from willaq.cases.models import Case
from willaq.dialogue.choices import (
    AttendanceStatus,
    FundingSource,
    ParticipantKind,
    SpaceKind,
)
from willaq.dialogue.models import Acta, Commitment, DialogueSession, DialogueSpace, Participant
from willaq.dialogue.services import commitments, sessions, spaces
from willaq.testing.factories import ActorFactory, CaseFactory, InstitutionFactory, member

# The roundtable's calendar: installed on 2 March 2026, first session on 10 March, acta signed then.
START = dt.date(2026, 3, 2)
SESSION_AT = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
SIGNED_ON = dt.date(2026, 3, 10)


@pytest.fixture
def debtor_institution(db: None) -> Institution:
    return InstitutionFactory(
        slug="gore-apurimac",
        name="Gobierno Regional de Apurímac",
        acronym="GORE Apurímac",
        kind=InstitutionKind.REGIONAL_GOVERNMENT,
    )


@pytest.fixture
def debtor_analyst(debtor_institution: Institution) -> User:
    return member(
        debtor_institution, Role.ANALYST, email="analista@goreapurimac.gob.pe", full_name="Diego"
    )


@pytest.fixture
def facilitator(owner_institution: Institution) -> User:
    return member(
        owner_institution, Role.FACILITATOR, email="facilita@dp.gob.pe", full_name="Fabiola"
    )


@pytest.fixture
def debtor_client(debtor_analyst: User) -> Client:
    client = Client()
    client.force_login(debtor_analyst)
    return client


@dataclass
class Roundtable:
    space: DialogueSpace
    case: Case
    gore: Participant
    company: Participant
    community: Participant
    convener: Participant
    session: DialogueSession
    acta: Acta
    road: Commitment  # owed by the regional government, with money
    water: Commitment  # owed by the company
    school: Commitment  # owed by both


@pytest.fixture
def roundtable(
    owner_institution: Institution,
    debtor_institution: Institution,
    coordinator: User,
) -> Roundtable:
    case = CaseFactory(institution=owner_institution, name="Las Bambas — corredor vial")
    company = ActorFactory(
        name="Minera Andina S.A.", kind=ActorKind.ORGANISATION, institution=owner_institution
    )
    with time_machine.travel(dt.datetime(2026, 3, 12, 12, 0, tzinfo=dt.UTC), tick=False):
        space = spaces.convene_space(
            coordinator,
            owner_institution,
            spaces.SpaceInput(
                kind=SpaceKind.DEVELOPMENT_TABLE,
                name="Mesa de desarrollo de Challhuahuacho",
                start_date=START,
                planned_end_date=dt.date(2026, 12, 31),
                description="Inversión social en el corredor minero.",
                internal_notes="La comunidad desconfía del gerente regional.",
                place="030506",
                cases=[str(case.uuid)],
            ),
        )
        gore = spaces.add_participant(
            coordinator,
            space,
            spaces.ParticipantInput(
                kind=ParticipantKind.INSTITUTION,
                institution=debtor_institution.slug,
                representative="Gerente de Infraestructura",
            ),
        )
        company_seat = spaces.add_participant(
            coordinator,
            space,
            spaces.ParticipantInput(
                kind=ParticipantKind.COMPANY,
                actor=str(company.uuid),
                representative="Jefe de Relaciones Comunitarias",
            ),
        )
        community = spaces.add_participant(
            coordinator,
            space,
            spaces.ParticipantInput(
                kind=ParticipantKind.COMMUNITY,
                name="Comunidad Campesina de Fuerabamba",
                representative="Presidente comunal",
            ),
        )
        convener = space.participants.get(institution=owner_institution)
        session = sessions.schedule_session(
            coordinator, space, sessions.SessionInput(starts_at=SESSION_AT, place="Challhuahuacho")
        )
        sessions.record_session(
            coordinator,
            session,
            attendance=[
                sessions.AttendanceInput(str(p.uuid), AttendanceStatus.PRESENT)
                for p in (convener, gore, company_seat, community)
            ],
            minutes="Se acordó el mantenimiento de la vía y el agua.",
        )
        acta = sessions.sign_acta(
            coordinator,
            session,
            sessions.ActaInput(
                title="Acta de la primera sesión",
                signed_on=SIGNED_ON,
                signatories=[str(p.uuid) for p in (convener, gore, company_seat, community)],
            ),
        )
        road = commitments.add_commitment(
            coordinator,
            acta,
            commitments.CommitmentInput(
                description="Mantenimiento del corredor vial",
                due_date=dt.date(2026, 6, 30),
                responsible=[str(gore.uuid)],
                amount=Decimal("1200000"),
                funding_source=FundingSource.STATE,
                weight=Decimal(2),
            ),
        )
        water = commitments.add_commitment(
            coordinator,
            acta,
            commitments.CommitmentInput(
                description="Estudio de calidad del agua",
                due_date=dt.date(2026, 4, 30),
                responsible=[str(company_seat.uuid)],
            ),
        )
        school = commitments.add_commitment(
            coordinator,
            acta,
            commitments.CommitmentInput(
                description="Ampliación de la escuela",
                due_date=dt.date(2026, 9, 30),
                responsible=[str(gore.uuid), str(company_seat.uuid)],
                amount=Decimal("300000"),
                funding_source=FundingSource.MIXED,
            ),
        )
    space.refresh_from_db()
    return Roundtable(
        space, case, gore, company_seat, community, convener, session, acta, road, water, school
    )


def lima(year: int, month: int, day: int, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour))  # noqa: DTZ001 — Lima time

"""A hand-built registry whose October 2025 report is known figure by figure.

Every change goes through the real services with its effective date (``at=``), as an import or
a late report writes it. Two institutions: the ombudsman (DP, ``owner_institution``) and the
national dialogue office (ONDS, ``other_institution``, kind ``dialogue_office``).

The cases, as of the last instant of October 2025 (Lima):

- A (DP, local, Áncash, DP's own typology "Minería informal DP" → socioambiental / minería):
  active since September; in October to latent (3rd), reactivated (10th), to latent (20th):
  latent at month end; reactivated once, active→latent once (distinct cases).
- B (DP, local, Áncash): approved active on the 5th, resolved on the 25th: new and resolved.
- C (DP, regional: Áncash + Cusco, socioambiental / hidrocarburos): pre-conflict since
  September, escalated on the 12th (new), dialogue phase (mediated, mediator) on the 15th.
- D (DP, national, laboral): active since August, crisis phase since September.
- E (DP, local, Lima Metropolitana grouping, gobierno-local): active since July. On 20 November
  its move to latent is recorded with effective date 28 October (``back_date_e``).
- F (DP, local, Cusco): active since June, merged into D on the 8th.
- G (DP, local, Cusco): pre-conflict since September.
- H (DP, local, Cusco, socioambiental without activity): withdrawn on the 2nd, back to active
  on the 9th (early phase).
- I (ONDS, local, Cusco, comunal): active since September.
- J (ONDS): a draft with a protest and a death in October: never counted.
- K (DP): approved in November: absent from October.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from willaq.accounts.models import Institution, Role, User
from willaq.cases import services
from willaq.cases.categories import create_institution_category
from willaq.cases.choices import CategoryKind
from willaq.cases.models import Case, Category, Event
from willaq.cases.services import PlaceInput
from willaq.testing.factories import member

LIMA = ZoneInfo("America/Lima")


def at(month: int, day: int, year: int = 2025, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=LIMA)


ANCASH = [PlaceInput("021801", True)]
CUSCO = [PlaceInput("080101", True)]


def new_case(
    author: User,
    approver: User,
    institution: Institution,
    name: str,
    approve_at: dt.datetime,
    *,
    places: list[PlaceInput],
    typology: str = "socioambiental",
    subtype: str | None = None,
    scope: str | None = None,
    pre_conflict: bool = False,
    **extra: Any,
) -> Case:
    data: dict[str, Any] = {"name": name, "start_date": dt.date(2025, 1, 1), "typology": typology}
    if subtype:
        data["subtype"] = subtype
    if scope:
        data["scope"] = scope
    data.update(extra)
    case = services.create_case(
        user=author,
        institution=institution,
        data=data,
        places=places,
        at=approve_at - dt.timedelta(days=2),
    )
    services.transition_case(
        user=author, case=case, name="submit", at=approve_at - dt.timedelta(days=1)
    )
    services.transition_case(
        user=approver,
        case=case,
        name="approve_pre_conflict" if pre_conflict else "approve",
        at=approve_at,
    )
    case.refresh_from_db()
    return case


def event(
    user: User,
    case: Case | None,
    day: dt.date,
    *,
    event_type: str = "Protests",
    sub_event_type: str = "Peaceful protest",
    protest_form: str = "march",
    ubigeo: str = "021801",
) -> Event:
    return services.record_event(
        user=user,
        case=case,
        data={
            "event_date": day,
            "event_type": event_type,
            "sub_event_type": sub_event_type,
            "protest_form": protest_form,
            "actor1": "Manifestantes",
            "inter1": 6,
            "ubigeo_code": ubigeo,
            "location": "Plaza de Armas",
            "sources": "FUENTE-SECRETA",
            "reported_by": "INFORMANTE-SECRETO",
            "notes": "NOTA-SECRETA",
        },
    )


def victim(user: User, on: Event, outcome: str, group: str) -> None:
    services.record_victim(
        user=user,
        event=on,
        data={"outcome": outcome, "group": group, "full_name": "VICTIMA-NOMBRE"},
    )


@dataclass
class Registry:
    cases: dict[str, Case]
    dp: Institution
    onds: Institution
    analyst: User
    coordinator: User
    onds_analyst: User
    onds_coordinator: User

    def back_date_e(self) -> None:
        """On 20 November, E's move to latent is recorded as of 28 October."""
        with time_machine.travel(at(11, 20), tick=False):
            services.transition_case(
                user=self.analyst, case=self.cases["E"], name="to_latent", at=at(10, 28)
            )


@pytest.fixture
def registry(
    analyst: User,
    coordinator: User,
    inst_admin: User,
    outsider: User,
    owner_institution: Institution,
    other_institution: Institution,
) -> Registry:
    dp, onds = owner_institution, other_institution
    onds_coord = member(onds, Role.COORDINATOR, email="coord@onds.gob.pe")
    own = create_institution_category(
        inst_admin,
        dp,
        kind=CategoryKind.TYPOLOGY,
        name="Minería informal DP",
        maps_to=Category.objects.get(kind="typology", code="socioambiental", institution=None),
    )
    c: dict[str, Case] = {}

    def go(case: Case, name: str, when: dt.datetime, user: User = analyst, **kw: Any) -> None:
        services.transition_case(user=user, case=case, name=name, at=when, **kw)

    c["A"] = new_case(
        analyst, coordinator, dp, "Caso A", at(9, 5), places=ANCASH, typology=own.code,
        subtype="mineria", description="DESCRIPCION-CONFIDENCIAL",
        confidential_fields=["description"],
    )  # fmt: skip
    go(c["A"], "to_latent", at(10, 3))
    go(c["A"], "reactivate", at(10, 10))
    go(c["A"], "to_latent", at(10, 20))
    c["B"] = new_case(analyst, coordinator, dp, "Caso B", at(10, 5), places=ANCASH)
    go(c["B"], "resolve", at(10, 25), reason="Acuerdo cumplido")
    c["C"] = new_case(
        analyst, coordinator, dp, "Caso C", at(9, 10), pre_conflict=True, subtype="hidrocarburos",
        places=[PlaceInput("021801", True), PlaceInput("080101", False)],
    )  # fmt: skip
    go(c["C"], "escalate", at(10, 12))
    services.change_phase(
        user=analyst, case=c["C"], phase="dialogue", dialogue_mechanism="mediated",
        institution_role="mediator", at=at(10, 15),
    )  # fmt: skip
    c["D"] = new_case(
        analyst, coordinator, dp, "Caso D", at(8, 1), places=[], scope="national",
        typology="laboral",
    )  # fmt: skip
    services.change_phase(user=analyst, case=c["D"], phase="crisis", at=at(9, 2))
    c["E"] = new_case(
        analyst, coordinator, dp, "Caso E", at(7, 1), typology="gobierno-local",
        places=[PlaceInput("", True, "lima-metropolitana")],
    )  # fmt: skip
    c["F"] = new_case(analyst, coordinator, dp, "Caso F", at(6, 1), places=CUSCO)
    services.merge_case(user=coordinator, case=c["F"], into=c["D"], reason="Mismo conflicto",
                        at=at(10, 8))  # fmt: skip
    c["G"] = new_case(analyst, coordinator, dp, "Caso G", at(9, 1), places=CUSCO, pre_conflict=True)
    c["H"] = new_case(analyst, coordinator, dp, "Caso H", at(8, 1), places=CUSCO)
    go(c["H"], "withdraw", at(10, 2), reason="Sin información")
    go(c["H"], "reactivate_withdrawn", at(10, 9))
    c["I"] = new_case(
        outsider, onds_coord, onds, "Caso I", at(9, 1), places=CUSCO, typology="comunal"
    )
    c["J"] = services.create_case(
        user=outsider, institution=onds, data={"name": "Caso J borrador",
        "start_date": dt.date(2025, 1, 1), "typology": "laboral"}, places=CUSCO, at=at(10, 1),
    )  # fmt: skip
    c["K"] = new_case(analyst, coordinator, dp, "Caso K", at(11, 3), places=CUSCO)

    # Events of October (and one of September), with their victims.
    e1 = event(analyst, c["A"], dt.date(2025, 10, 4), protest_form="march")
    victim(analyst, e1, "dead", "civilian")
    victim(analyst, e1, "injured", "police")
    victim(analyst, e1, "injured", "police")
    e2 = event(analyst, None, dt.date(2025, 10, 6), protest_form="road_blockade", ubigeo="080101")
    victim(analyst, e2, "injured", "civilian")
    e3 = event(
        analyst, c["D"], dt.date(2025, 10, 7), event_type="Strategic developments",
        sub_event_type="Agreement", protest_form="", ubigeo="150101",
    )  # fmt: skip
    victim(analyst, e3, "dead", "military")
    e4 = event(outsider, c["J"], dt.date(2025, 10, 8), ubigeo="080101")
    victim(outsider, e4, "dead", "civilian")
    e5 = event(analyst, c["A"], dt.date(2025, 10, 11))
    victim(analyst, e5, "dead", "civilian")
    services.remove_record(user=coordinator, item=e5, reason="Duplicado")
    e6 = event(
        outsider, c["I"], dt.date(2025, 10, 15), event_type="Riots",
        sub_event_type="Violent demonstration", protest_form="", ubigeo="080101",
    )  # fmt: skip
    victim(outsider, e6, "injured", "unknown")
    event(analyst, c["H"], dt.date(2025, 9, 30), ubigeo="080101")
    event(outsider, None, dt.date(2025, 10, 20), protest_form="strike", ubigeo="080101")

    # Actors of A: primary and secondary in October, a tertiary linked only in November.
    def actor(name: str) -> Any:
        return services.create_actor(
            user=analyst, institution=dp, data={"name": name, "kind": "organisation"}
        )

    services.link_actor(user=analyst, case=c["A"], actor=actor("Frente de Defensa"),
                        role="primary", at=at(10, 1))  # fmt: skip
    services.link_actor(user=analyst, case=c["A"], actor=actor("Empresa Minera"),
                        role="secondary", at=at(10, 1))  # fmt: skip
    services.link_actor(user=analyst, case=c["A"], actor=actor("Iglesia"), role="tertiary",
                        at=at(11, 2))  # fmt: skip

    # PCM classifications: the national office's and the ombudsman's own.
    def classify(user: User, inst: Institution, key: str, value: str, when: dt.datetime) -> None:
        services.classify_case(
            user=user, case=c[key], institution=inst, classification=value, at=when
        )

    classify(outsider, onds, "A", "difference", at(10, 2))
    classify(outsider, onds, "C", "controversy", at(10, 1))
    classify(outsider, onds, "D", "social_conflict", at(9, 3))
    classify(outsider, onds, "D", "difference", at(11, 10))  # after the month
    classify(outsider, onds, "I", "social_conflict", at(9, 2))
    classify(analyst, dp, "C", "social_conflict", at(10, 16))
    classify(analyst, dp, "H", "controversy", at(10, 10))
    return Registry(c, dp, onds, analyst, coordinator, outsider, onds_coord)


# --- report-output: cases for the build, publication and pages of the report ----------------


def registered_case(
    analyst: User, coordinator: User, institution: Institution, name: str, start: dt.datetime
) -> Case:
    """A case created, proposed and approved (active) at ``start``, through the services."""
    with time_machine.travel(start, tick=False):
        case = services.create_case(
            user=analyst,
            institution=institution,
            data={"name": name, "start_date": start.date(), "typology": "socioambiental"},
            places=[PlaceInput("021801", True)],
        )
        services.transition_case(user=analyst, case=case, name="submit")
        services.transition_case(user=coordinator, case=case, name="approve")
    return case


@pytest.fixture
def march_cases(analyst: User, coordinator: User, owner_institution: Institution) -> list[Case]:
    """Three active cases of the ombudsman since January 2025."""
    return [
        registered_case(analyst, coordinator, owner_institution, f"Caso {n}", at(1, 10))
        for n in range(3)
    ]

"""Every counter of the monthly report on the hand-built registry of ``conftest.py``, where the
right number is known (October 2025)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from willaq.cases import services
from willaq.reports.monthly import compute_month, parse_month
from willaq.reports.tests.conftest import ANCASH, CUSCO, Registry, at, event, new_case

pytestmark = pytest.mark.django_db


def by_code(rows):
    return {row["code"]: row for row in rows}


def counts(rows):
    return {row["code"]: row["count"] for row in rows}


def test_state_counters_follow_the_history_at_month_end(registry: Registry) -> None:
    f = compute_month(2025, 10)
    # Before E's back-dated move is recorded: C, D, E, H, I active; A latent.
    assert (f["total"], f["active"], f["latent"]) == (6, 5, 1)
    registry.back_date_e()
    f = compute_month(2025, 10)
    assert f["month"] == "2025-10"
    assert f["institution"] is None
    assert f["as_of"].startswith("2025-10-31T23:59:59")
    assert (f["total"], f["active"], f["latent"]) == (6, 4, 2)
    assert (f["active_pct"], f["latent_pct"]) == (66.7, 33.3)
    assert f["pre_conflict"] == 1  # G (C escalated in the month)
    # September: A, D, E, F, H active (C, G pre-conflict; I is the other institution's).
    sept = compute_month(2025, 9)
    assert (sept["total"], sept["active"], sept["latent"]) == (6, 6, 0)
    assert sept["pre_conflict"] == 2


def test_transitions_of_the_month_by_effective_date(registry: Registry) -> None:
    registry.back_date_e()
    f = compute_month(2025, 10)
    assert f["new"] == 2  # B approved, C escalated
    assert f["reactivated"] == 1  # A (once, although it went latent twice)
    assert f["active_to_latent"] == 2  # A and E (back-dated into October)
    assert f["resolved"] == 1  # B, approved and resolved in the month
    assert f["withdrawn"] == 1
    assert f["withdrawn_to_active"] == 1  # H
    assert f["merged"] == 1  # F into D
    assert [c["name"] for c in f["lists"]["new"]] == ["Caso B", "Caso C"]
    assert [c["name"] for c in f["lists"]["reactivated"]] == ["Caso A"]
    assert [c["name"] for c in f["lists"]["resolved"]] == ["Caso B"]
    november = compute_month(2025, 11)
    assert november["new"] == 1  # K
    assert november["active_to_latent"] == 0  # E's change belongs to October
    for key in ("new", "reactivated", "active_to_latent", "resolved", "merged", "transitions"):
        assert f["definitions"][key]


def test_by_department_groupings_and_multiregional(registry: Registry) -> None:
    registry.back_date_e()
    rows = by_code(compute_month(2025, 10)["by_department"])
    assert {
        code: (r["kind"], r["total"], r["active"], r["latent"]) for code, r in rows.items()
    } == {
        "020000": ("department", 1, 0, 1),  # A
        "080000": ("department", 2, 2, 0),  # H, I
        "lima-metropolitana": ("grouping", 1, 0, 1),  # E
        "multiregional": ("multiregional", 1, 1, 0),  # C
        "national": ("national", 1, 1, 0),  # D
    }
    assert rows["020000"]["name"] == "Áncash"
    assert sum(r["total"] for r in rows.values()) == 6


def test_typology_shared_and_by_activity(registry: Registry) -> None:
    registry.back_date_e()
    rows = by_code(compute_month(2025, 10)["by_typology"])
    socio = rows["socioambiental"]  # A counts through its institution category
    assert (socio["total"], socio["active"], socio["latent"]) == (3, 2, 1)
    assert {s["code"]: (s["total"], s["active"], s["latent"]) for s in socio["subtypes"]} == {
        "mineria": (1, 0, 1),
        "hidrocarburos": (1, 1, 0),
        "": (1, 1, 0),
    }
    assert (rows["laboral"]["total"], rows["gobierno-local"]["latent"]) == (1, 1)
    assert rows["comunal"]["total"] == 1
    assert rows["laboral"]["subtypes"] == []
    assert sum(r["total"] for r in rows.values()) == 6


def test_phases_and_dialogue(registry: Registry) -> None:
    registry.back_date_e()
    f = compute_month(2025, 10)
    phases = counts(f["by_phase"])
    assert phases == {"early": 2, "escalation": 0, "crisis": 1, "deescalation": 0, "dialogue": 1}
    assert f["in_dialogue"]["total"] == 1
    assert counts(f["in_dialogue"]["by_mechanism"])["mediated"] == 1
    assert sum(counts(f["in_dialogue"]["by_mechanism"]).values()) == 1
    assert counts(f["in_dialogue"]["by_role"])["mediator"] == 1


def test_protest_actions_and_victims(registry: Registry) -> None:
    f = compute_month(2025, 10)
    protests = f["protest_actions"]
    # A's march, DP's caseless blockade, I's riot, ONDS's caseless strike; not J's (a draft),
    # not A's removed event, not D's agreement, not H's September one.
    assert protests["total"] == 4
    assert protests["caseless"] == 2
    assert counts(protests["by_form"]) == {
        "": 1,
        "march": 1,
        "strike": 1,
        "road_blockade": 1,
        "occupation": 0,
        "hunger_strike": 0,
        "rally": 0,
        "other": 0,
    }
    assert counts(protests["by_department"]) == {"080000": 3, "020000": 1}
    # Victims of every event type of the month (D's agreement too), never J's or the removed.
    assert f["deaths"] == {"total": 2, "civilians": 1, "police": 0, "military": 1, "unknown": 0}
    assert f["injured"] == {"total": 4, "civilians": 1, "police": 2, "military": 0, "unknown": 1}


def test_one_institution_report(registry: Registry) -> None:
    registry.back_date_e()
    dp = compute_month(2025, 10, registry.dp)
    assert dp["institution"] == {"slug": "defensoria", "name": "Defensoría del Pueblo"}
    assert (dp["total"], dp["active"], dp["latent"]) == (5, 3, 2)
    assert dp["protest_actions"]["total"] == 2  # A's march and its own caseless blockade
    assert dp["protest_actions"]["caseless"] == 1
    assert dp["injured"]["total"] == 3
    assert dp["deaths"]["total"] == 2
    onds = compute_month(2025, 10, registry.onds)
    assert (onds["total"], onds["active"], onds["new"]) == (1, 1, 0)
    # ONDS's draft J never counts, not even for its own institution.
    assert onds["protest_actions"]["total"] == 2  # I's riot and its caseless strike
    assert onds["deaths"]["total"] == 0
    assert [f["name"] for f in onds["fiches"]] == ["Caso I"]


def test_pcm_counts_and_crosswalk(registry: Registry) -> None:
    registry.back_date_e()
    f = compute_month(2025, 10)
    pcm = f["pcm"]
    assert pcm["institution"] == {"slug": "onds", "name": registry.onds.name}
    # The national office's classifications as of 31 October (D's November change ignored).
    assert counts(pcm["counts"]) == {"difference": 1, "controversy": 1, "social_conflict": 2}
    assert pcm["unclassified"] == 2  # E and H
    cross = {(r["state"], r["classification"]): r["count"] for r in pcm["crosswalk"]}
    assert cross[("active", "controversy")] == 1  # C
    assert cross[("active", "social_conflict")] == 2  # D, I
    assert cross[("active", "")] == 1  # H
    assert cross[("latent", "difference")] == 1  # A
    assert cross[("latent", "")] == 1  # E
    assert sum(cross.values()) == f["total"]
    assert "crosswalk" in f["definitions"]
    # One institution's report counts its own classifications.
    dp = compute_month(2025, 10, registry.dp)["pcm"]
    assert counts(dp["counts"]) == {"difference": 0, "controversy": 1, "social_conflict": 1}
    assert dp["unclassified"] == 3
    assert compute_month(2025, 11)["pcm"]["counts"][0]["count"] == 2  # difference: A and D


def test_fiches(registry: Registry) -> None:
    registry.back_date_e()
    f = compute_month(2025, 10)
    fiches = {fiche["name"]: fiche for fiche in f["fiches"]}
    # Active at month end (C, D, H, I) and new/reactivated/resolved (A, B, C).
    assert sorted(fiches) == ["Caso A", "Caso B", "Caso C", "Caso D", "Caso H", "Caso I"]
    a = fiches["Caso A"]
    assert a["status"] == "reactivated"
    assert a["state"] == "Latente"
    assert a["typology"] == "Socioambiental"
    assert a["subtype"] == "Minería"
    assert a["places"] == ["Chimbote"]
    assert a["actors"] == {
        "primary": ["Frente de Defensa"],
        "secondary": ["Empresa Minera"],
        "tertiary": [],  # linked in November
    }
    assert len(a["facts"]) == 1  # the removed event is not a fact
    assert a["facts"][0]["date"] == "2025-10-04"
    assert "Protesta pacífica" in a["facts"][0]["text"]
    assert fiches["Caso B"]["status"] == "new"
    assert fiches["Caso C"]["status"] == "new"
    assert fiches["Caso C"]["dialogue"] is True
    assert fiches["Caso D"]["dialogue"] is False
    assert fiches["Caso D"]["places"] == []
    assert fiches["Caso H"]["status"] == ""
    assert compute_month(2025, 10, fiches=False)["fiches"] == []


def test_nothing_private_in_the_figures(registry: Registry) -> None:
    text = json.dumps(compute_month(2025, 10), default=str)
    for secret in (
        "DESCRIPCION-CONFIDENCIAL",
        "FUENTE-SECRETA",
        "INFORMANTE-SECRETO",
        "NOTA-SECRETA",
        "VICTIMA-NOMBRE",
        "Caso J",
    ):
        assert secret not in text


def test_queries_do_not_grow_with_cases(
    analyst, coordinator, owner_institution, django_assert_max_num_queries
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            case = new_case(analyst, coordinator, owner_institution, f"Q{i}", at(9, 1),
                            places=ANCASH if i % 2 else CUSCO)  # fmt: skip
            event(analyst, case, at(10, 3).date())

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            compute_month(2025, 10)
        return len(ctx.captured_queries)

    add(2)
    few = queries()
    add(10)
    assert queries() == few
    with django_assert_max_num_queries(16):
        f = compute_month(2025, 10)
    assert f["total"] == 12
    assert len(f["fiches"]) == 12


@pytest.mark.parametrize("text", ["2025-13", "2025-1", "25-10", "octubre", "", "2025-10-01"])
def test_malformed_month(text: str) -> None:
    with pytest.raises(ValidationError):
        parse_month(text)


def test_months_without_report(registry: Registry) -> None:
    with pytest.raises(ValidationError) as future:
        compute_month(2099, 1)
    assert "aún no ha llegado" in str(future.value)
    with pytest.raises(ValidationError) as before:
        compute_month(2025, 5)  # the first approval is F's, in June 2025
    assert "primer caso registrado" in str(before.value)
    compute_month(2025, 6)


def test_no_registered_case_yet(db) -> None:
    with pytest.raises(ValidationError):
        compute_month(2025, 10)


def test_places_of_fiches_as_of_month_end(registry: Registry) -> None:
    fiches = {f["name"]: f for f in compute_month(2025, 10)["fiches"]}
    assert fiches["Caso I"]["places"] == ["Cusco"]
    assert fiches["Caso C"]["places"] == ["Chimbote", "Cusco"]  # the principal first


def test_approved_and_escalated_in_one_month_is_new_once(registry: Registry) -> None:
    case = new_case(
        registry.analyst, registry.coordinator, registry.dp, "Caso L", at(11, 5),
        places=CUSCO, pre_conflict=True,
    )  # fmt: skip
    services.transition_case(user=registry.analyst, case=case, name="escalate", at=at(11, 6))
    november = compute_month(2025, 11)
    assert november["new"] == 2  # K, and L once although approved and escalated
    assert [c["name"] for c in november["lists"]["new"]] == ["Caso K", "Caso L"]
    assert november["pre_conflict"] == 1  # G only: L left pre-conflict within the month

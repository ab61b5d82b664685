"""A hand-built ``MonthlyFigures`` with a distinct number in every counter, for the tests of the
renderers (the page and the PDF) apart from the calculation (``monthly.compute_month``)."""

from typing import cast

from django.utils import timezone

from willaq.accounts.models import Institution
from willaq.cases.history import end_of_month
from willaq.reports.figures import MonthlyFigures


def empty_figures(year: int, month: int, institution: Institution | None) -> MonthlyFigures:
    zero = {"total": 0, "civilians": 0, "police": 0, "military": 0, "unknown": 0}
    return {
        "month": f"{year:04d}-{month:02d}",
        "institution": (
            {"slug": institution.slug, "name": institution.name} if institution else None
        ),
        "as_of": end_of_month(year, month).isoformat(),
        "generated_at": timezone.now().isoformat(),
        "definitions": {},
        "total": 0,
        "active": 0,
        "latent": 0,
        "active_pct": 0.0,
        "latent_pct": 0.0,
        "pre_conflict": 0,
        "new": 0,
        "reactivated": 0,
        "active_to_latent": 0,
        "resolved": 0,
        "withdrawn": 0,
        "withdrawn_to_active": 0,
        "merged": 0,
        "by_department": [],
        "by_typology": [],
        "by_phase": [],
        "in_dialogue": {"total": 0, "by_mechanism": [], "by_role": []},
        "protest_actions": {"total": 0, "caseless": 0, "by_form": [], "by_department": []},
        "deaths": dict(zero),  # type: ignore[typeddict-item]
        "injured": dict(zero),  # type: ignore[typeddict-item]
        "pcm": {"institution": None, "counts": [], "unclassified": 0, "crosswalk": []},
        "lists": {"new": [], "reactivated": [], "resolved": []},
        "fiches": [],
    }


def sample_figures() -> MonthlyFigures:
    """October 2026 with a distinct number in every counter (none repeats another)."""
    figures = _with(
        empty_figures(2026, 10, None),
        definitions={
            "Nuevo": "Caso aprobado en el mes como activo o preconflicto, o preconflicto "
            "que pasó a activo.",
            "Latente": "Caso sin acciones de protesta en los últimos meses.",
        },
        total=213,
        active=151,
        latent=62,
        active_pct=70.9,
        latent_pct=29.1,
        pre_conflict=8,
        new=17,
        reactivated=4,
        active_to_latent=9,
        resolved=6,
        withdrawn=3,
        withdrawn_to_active=2,
        merged=1,
        by_department=[
            {
                "code": "020000",
                "name": "Áncash",
                "kind": "department",
                "total": 23,
                "active": 19,
                "latent": 4,
            },
            {
                "code": "multi",
                "name": "Varios departamentos",
                "kind": "multiregional",
                "total": 11,
                "active": 7,
                "latent": 5,
            },
        ],
        by_typology=[
            {
                "code": "socioambiental",
                "name": "Socioambiental",
                "total": 134,
                "active": 97,
                "latent": 37,
                "subtypes": [
                    {"code": "mineria", "name": "Minería", "total": 88, "active": 64, "latent": 24},
                ],
            },
        ],
        by_phase=[{"code": "dialogue", "name": "Diálogo", "count": 71}],
        in_dialogue={
            "total": 71,
            "by_mechanism": [{"code": "mesa", "name": "Mesa de diálogo", "count": 44}],
            "by_role": [{"code": "mediator", "name": "Mediador", "count": 39}],
        },
        protest_actions={
            "total": 187,
            "caseless": 13,
            "by_form": [{"code": "march", "name": "Marcha", "count": 58}],
            "by_department": [{"code": "210000", "name": "Puno", "count": 36}],
        },
        deaths={"total": 5, "civilians": 4, "police": 1, "military": 0, "unknown": 0},
        injured={"total": 42, "civilians": 31, "police": 10, "military": 1, "unknown": 0},
        pcm={
            "institution": {"slug": "onds", "name": "Oficina Nacional de Diálogo"},
            "counts": [{"code": "social_conflict", "name": "Conflicto social", "count": 77}],
            "unclassified": 136,
            "crosswalk": [{"state": "Activo", "classification": "Conflicto social", "count": 66}],
        },
        lists={
            "new": [
                {
                    "uuid": "8d3f5c52-8f55-4a47-b3c6-6d1c9a0f0a01",
                    "code": "2026-0101",
                    "name": "Caso Laguna Azul",
                    "typology": "Socioambiental",
                    "department": "Cusco",
                }
            ],
            "reactivated": [],
            "resolved": [
                {
                    "uuid": "8d3f5c52-8f55-4a47-b3c6-6d1c9a0f0a02",
                    "code": "2019-0042",
                    "name": "Caso Río Seco",
                    "typology": "Laboral",
                    "department": "Piura",
                }
            ],
        },
        fiches=[
            {
                "uuid": "8d3f5c52-8f55-4a47-b3c6-6d1c9a0f0a01",
                "code": "2026-0101",
                "name": "Caso Laguna Azul",
                "typology": "Socioambiental",
                "subtype": "Minería",
                "state": "Activo",
                "phase": "Escalamiento",
                "status": "new",
                "places": ["Cusco / Espinar"],
                "actors": {
                    "primary": ["Comunidad Huisa"],
                    "secondary": ["Empresa Minera Alfa"],
                    "tertiary": [],
                },
                "facts": [{"date": "2026-10-03", "text": "Paro de 48 horas en Espinar."}],
                "dialogue": False,
            }
        ],
    )
    return figures


def _with(figures: MonthlyFigures, **values: object) -> MonthlyFigures:
    return cast(MonthlyFigures, {**figures, **values})

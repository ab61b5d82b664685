"""Every table of the monthly report as rows, for the CSV downloads (and anyone who wants a grid).

``tables(figures)`` turns the figures of ``willaq.reports.monthly.compute_month`` into named
tables (a header of Spanish column names and rows of plain values); ``csv_bytes`` writes one as
UTF-8 with a byte-order mark, so a spreadsheet opens accents right.
"""

import csv
import io
from typing import Any

from django.utils.translation import gettext as _

from willaq.reports.figures import MonthlyFigures

Table = tuple[list[str], list[list[Any]]]

# The table names, in the order of the report (also the file names: <name>.csv).
TABLE_NAMES = (
    "summary",
    "by_department",
    "by_typology",
    "by_phase",
    "in_dialogue",
    "protest_actions",
    "victims",
    "pcm",
    "crosswalk",
    "new",
    "reactivated",
    "resolved",
    "fiches",
)


def table_titles() -> dict[str, str]:
    return {
        "summary": _("Resumen"),
        "by_department": _("Casos por departamento"),
        "by_typology": _("Casos por tipología"),
        "by_phase": _("Casos activos por fase"),
        "in_dialogue": _("Casos en diálogo"),
        "protest_actions": _("Acciones colectivas de protesta"),
        "victims": _("Fallecidos y heridos"),
        "pcm": _("Clasificación PCM"),
        "crosswalk": _("Cruce Defensoría–PCM"),
        "new": _("Casos nuevos"),
        "reactivated": _("Casos reactivados"),
        "resolved": _("Casos resueltos"),
        "fiches": _("Fichas de los casos"),
    }


def _summary(f: MonthlyFigures) -> Table:
    labels = [
        ("total", _("Casos registrados (activos + latentes)")),
        ("active", _("Activos")),
        ("latent", _("Latentes")),
        ("active_pct", _("Activos (%)")),
        ("latent_pct", _("Latentes (%)")),
        ("pre_conflict", _("Preconflicto")),
        ("new", _("Nuevos")),
        ("reactivated", _("Reactivados")),
        ("active_to_latent", _("De activo a latente")),
        ("resolved", _("Resueltos")),
        ("withdrawn", _("Retirados")),
        ("withdrawn_to_active", _("De retirado a activo")),
        ("merged", _("Fusionados")),
    ]
    rows: list[list[Any]] = [[key, label, f[key]] for key, label in labels]  # type: ignore[literal-required]
    return [_("indicador"), _("descripción"), _("valor")], rows


def _cases(refs: list[Any]) -> Table:
    header = [_("código"), _("nombre"), _("tipología"), _("departamento"), _("uuid")]
    return header, [[r["code"], r["name"], r["typology"], r["department"], r["uuid"]] for r in refs]


def tables(figures: MonthlyFigures) -> dict[str, Table]:
    """Every table of the report: name → (header, rows)."""
    f = figures
    state_header = [_("total"), _("activos"), _("latentes")]
    by_typology: list[list[Any]] = []
    for row in f["by_typology"]:
        by_typology.append(
            [row["code"], row["name"], "", "", row["total"], row["active"], row["latent"]]
        )
        by_typology.extend(
            [
                row["code"],
                row["name"],
                sub["code"],
                sub["name"],
                sub["total"],
                sub["active"],
                sub["latent"],
            ]
            for sub in row["subtypes"]
        )
    dialogue = f["in_dialogue"]
    in_dialogue: list[list[Any]] = [["total", "", _("Casos en diálogo"), dialogue["total"]]]
    in_dialogue += [
        ["mechanism", r["code"], r["name"], r["count"]] for r in dialogue["by_mechanism"]
    ]
    in_dialogue += [["role", r["code"], r["name"], r["count"]] for r in dialogue["by_role"]]
    protest = f["protest_actions"]
    protest_rows: list[list[Any]] = [
        ["total", "", _("Acciones de protesta"), protest["total"]],
        ["caseless", "", _("Sin caso"), protest["caseless"]],
    ]
    protest_rows += [["form", r["code"], r["name"], r["count"]] for r in protest["by_form"]]
    protest_rows += [
        ["department", r["code"], r["name"], r["count"]] for r in protest["by_department"]
    ]
    victims = [
        [outcome, name, v["total"], v["civilians"], v["police"], v["military"], v["unknown"]]
        for outcome, name, v in (
            ("dead", _("Fallecidos"), f["deaths"]),
            ("injured", _("Heridos"), f["injured"]),
        )
    ]
    pcm = f["pcm"]
    pcm_rows: list[list[Any]] = [[r["code"], r["name"], r["count"]] for r in pcm["counts"]]
    pcm_rows.append(["", _("Sin clasificar"), pcm["unclassified"]])
    fiches = [
        [
            fiche["code"],
            fiche["name"],
            fiche["typology"],
            fiche["subtype"],
            fiche["state"],
            fiche["phase"],
            {"new": _("nuevo"), "reactivated": _("reactivado")}.get(fiche["status"], ""),
            "; ".join(fiche["places"]),
            "; ".join(fiche["actors"].get("primary", [])),
            "; ".join(fiche["actors"].get("secondary", [])),
            "; ".join(fiche["actors"].get("tertiary", [])),
            " | ".join(f"{fact['date']}: {fact['text']}" for fact in fiche["facts"]),
            _("sí") if fiche["dialogue"] else _("no"),
            fiche["uuid"],
        ]
        for fiche in f["fiches"]
    ]
    return {
        "summary": _summary(f),
        "by_department": (
            [_("tipo de fila"), _("código"), _("departamento o ámbito"), *state_header],
            [
                [r["kind"], r["code"], r["name"], r["total"], r["active"], r["latent"]]
                for r in f["by_department"]
            ],
        ),
        "by_typology": (
            [
                _("código tipología"),
                _("tipología"),
                _("código actividad"),
                _("actividad"),
                *state_header,
            ],
            by_typology,
        ),
        "by_phase": (
            [_("código"), _("fase"), _("casos activos")],
            [[r["code"], r["name"], r["count"]] for r in f["by_phase"]],
        ),
        "in_dialogue": ([_("desglose"), _("código"), _("nombre"), _("casos")], in_dialogue),
        "protest_actions": ([_("desglose"), _("código"), _("nombre"), _("acciones")], protest_rows),
        "victims": (
            [
                _("resultado"),
                _("nombre"),
                _("total"),
                _("civiles"),
                _("policías"),
                _("militares"),
                _("sin información"),
            ],
            victims,
        ),
        "pcm": ([_("código"), _("clasificación PCM"), _("casos")], pcm_rows),
        "crosswalk": (
            [
                _("estado"),
                _("nombre del estado"),
                _("clasificación PCM"),
                _("nombre de la clasificación"),
                _("casos"),
            ],
            [
                [
                    r["state"],
                    r["state_name"],
                    r["classification"],
                    r["classification_name"],
                    r["count"],
                ]
                for r in pcm["crosswalk"]
            ],
        ),
        "new": _cases(f["lists"]["new"]),
        "reactivated": _cases(f["lists"]["reactivated"]),
        "resolved": _cases(f["lists"]["resolved"]),
        "fiches": (
            [
                _("código"),
                _("nombre"),
                _("tipología"),
                _("actividad"),
                _("estado"),
                _("fase"),
                _("nuevo o reactivado"),
                _("lugares"),
                _("actores primarios"),
                _("actores secundarios"),
                _("actores terciarios"),
                _("hechos del mes"),
                _("en diálogo"),
                _("uuid"),
            ],
            fiches,
        ),
    }


def csv_bytes(table: Table) -> bytes:
    """One table as CSV: UTF-8 with a byte-order mark (Excel reads the accents), comma-separated."""
    header, rows = table
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value: Any) -> Any:
    """A text starting like a formula is written with a leading apostrophe, so a spreadsheet
    shows it rather than runs it (a case name typed as «=HYPERLINK(…)»)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_filename(month: str, name: str, institution_slug: str | None) -> str:
    suffix = f"-{institution_slug}" if institution_slug else ""
    return f"reporte-{month}{suffix}-{name}.csv"

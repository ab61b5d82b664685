"""The shape of a month's figures (domain.md §6): what ``willaq.reports.monthly`` computes and
what the HTML page, the PDF, the CSV tables and ``GET /api/v1/reports/monthly/YYYY-MM`` show.

The JSON answer is this dict as it is (dates as ISO strings). The top-level keys named by the
issue are a contract for other systems: ``month``, ``total``, ``active``, ``latent``, ``new``,
``reactivated``, ``active_to_latent``, ``resolved``, ``withdrawn``, ``merged``, ``by_department``,
``by_typology``, ``by_phase``, ``in_dialogue``, ``protest_actions``, ``deaths``, ``injured``.
Never rename them; add keys instead.
"""

from typing import TypedDict


class InstitutionRef(TypedDict):
    slug: str
    name: str


class CaseRef(TypedDict):
    """A registered case in a list of the report (public fields only)."""

    uuid: str
    code: str
    name: str
    typology: str
    department: str  # the principal place's department name, or the scope's name


class Count(TypedDict):
    """One row of a breakdown: a code (choice value, category code or ubigeo), its name in the
    active language, and the count."""

    code: str
    name: str
    count: int


class StateCounts(TypedDict):
    """Cases in the report (active + latent at month end) of one group."""

    code: str
    name: str
    total: int
    active: int
    latent: int


class DepartmentRow(StateCounts):
    # "department" (a single-department case: its principal place's department), "grouping"
    # (Lima Metropolitana / Lima Provincias when a case is placed there), "multiregional"
    # (regional and multiregional scopes: several departments), "national".
    kind: str


class TypologyRow(StateCounts):
    subtypes: list[StateCounts]  # by activity (socio-environmental), empty for others


class Dialogue(TypedDict):
    total: int  # active cases in the dialogue phase at month end
    by_mechanism: list[Count]
    by_role: list[Count]  # the registering institution's role in the dialogue


class ProtestActions(TypedDict):
    total: int  # protest and riot events dated in the month (caseless events included)
    caseless: int
    by_form: list[Count]  # march, strike, blockade…
    by_department: list[Count]


class Victims(TypedDict):
    total: int
    civilians: int
    police: int
    military: int
    unknown: int


class PcmCounts(TypedDict):
    """Counts under the national office's methodology for the same cases."""

    institution: InstitutionRef | None  # whose classifications are counted
    counts: list[Count]  # difference / controversy / social_conflict
    unclassified: int  # cases in the report without a classification
    # The cross-tabulation of both methodologies over the same cases: ombudsman state × PCM.
    crosswalk: list[dict[str, str | int]]  # {"state", "classification", "count"}


class Fiche(TypedDict):
    uuid: str
    code: str
    name: str
    typology: str
    subtype: str
    state: str
    phase: str
    status: str  # "new", "reactivated" or "" (ongoing)
    places: list[str]
    actors: dict[str, list[str]]  # {"primary": [...], "secondary": [...], "tertiary": [...]}
    facts: list[dict[str, str]]  # {"date": "2026-10-03", "text": "..."}: the month's events
    dialogue: bool


class MonthlyFigures(TypedDict):
    month: str  # "2026-10"
    institution: InstitutionRef | None  # None: every institution
    as_of: str  # ISO end of the month (America/Lima)
    generated_at: str
    definitions: dict[str, str]  # each counter's definition, in words, printed on the report
    total: int
    active: int
    latent: int
    active_pct: float
    latent_pct: float
    pre_conflict: int
    new: int
    reactivated: int
    active_to_latent: int
    resolved: int
    withdrawn: int
    withdrawn_to_active: int
    merged: int
    by_department: list[DepartmentRow]
    by_typology: list[TypologyRow]
    by_phase: list[Count]
    in_dialogue: Dialogue
    protest_actions: ProtestActions
    deaths: Victims
    injured: Victims
    pcm: PcmCounts
    lists: dict[str, list[CaseRef]]  # "new", "reactivated", "resolved"
    fiches: list[Fiche]

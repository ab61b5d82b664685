"""API schemas of the reports: the monthly figures (``willaq.reports.figures``) as documented
JSON. The field names are the contract keys; never rename one."""

from ninja import Field, Schema


class InstitutionRefOut(Schema):
    slug: str
    name: str


class CaseRefOut(Schema):
    uuid: str
    code: str
    name: str
    typology: str
    department: str = Field(description="Departamento del lugar principal, o el ámbito.")


class CountOut(Schema):
    code: str
    name: str
    count: int


class StateCountsOut(Schema):
    code: str
    name: str
    total: int = Field(description="Activos + latentes al cierre del mes.")
    active: int
    latent: int


class DepartmentRowOut(StateCountsOut):
    kind: str = Field(
        description="department, grouping (Lima Metropolitana, Lima Provincias), "
        "multiregional (ámbitos regional y multirregional), national o no_place."
    )


class TypologyRowOut(StateCountsOut):
    subtypes: list[StateCountsOut] = Field(
        description="Por actividad (socioambiental); vacío para las demás."
    )


class DialogueOut(Schema):
    total: int
    by_mechanism: list[CountOut]
    by_role: list[CountOut]


class ProtestActionsOut(Schema):
    total: int
    caseless: int
    by_form: list[CountOut]
    by_department: list[CountOut]


class VictimsOut(Schema):
    total: int
    civilians: int
    police: int
    military: int
    unknown: int


class CrosswalkRowOut(Schema):
    state: str
    state_name: str
    classification: str = Field(description="difference, controversy, social_conflict o vacío.")
    classification_name: str
    count: int


class PcmOut(Schema):
    institution: InstitutionRefOut | None = Field(
        description="La institución cuyas clasificaciones se cuentan."
    )
    counts: list[CountOut]
    unclassified: int
    crosswalk: list[CrosswalkRowOut]


class FactOut(Schema):
    date: str
    text: str


class FicheOut(Schema):
    uuid: str
    code: str
    name: str
    typology: str
    subtype: str
    state: str
    phase: str
    status: str = Field(description="new, reactivated o vacío.")
    places: list[str]
    actors: dict[str, list[str]] = Field(description="primary, secondary, tertiary.")
    facts: list[FactOut]
    dialogue: bool


class MonthlyFiguresOut(Schema):
    """Every figure of the monthly report (domain.md §6), from the history as of the month's
    end; ``definitions`` says each one in words."""

    month: str = Field(description="AAAA-MM.")
    institution: InstitutionRefOut | None = Field(description="Vacío: todo el registro.")
    as_of: str = Field(description="Último instante del mes (America/Lima), ISO 8601.")
    generated_at: str
    definitions: dict[str, str]
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
    by_department: list[DepartmentRowOut]
    by_typology: list[TypologyRowOut]
    by_phase: list[CountOut]
    in_dialogue: DialogueOut
    protest_actions: ProtestActionsOut
    deaths: VictimsOut
    injured: VictimsOut
    pcm: PcmOut
    lists: dict[str, list[CaseRefOut]] = Field(description="new, reactivated, resolved.")
    fiches: list[FicheOut]

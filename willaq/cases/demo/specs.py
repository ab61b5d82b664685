"""The shapes of the demo data set: what loader.py reads the data files into.

Text placeholders filled per case: {district}, {province}, {department} (the principal place),
{district2} (the second place, or the principal one again) and {company} (the theme's company).
"""

from dataclasses import dataclass, field

# The placeholders seed.py fills in a case's texts; {company} only where the theme has one.
PLACE_PLACEHOLDERS = frozenset({"district", "district2", "province", "department"})
PLACEHOLDERS = PLACE_PLACEHOLDERS | {"company"}


@dataclass(frozen=True)
class DemoInstitution:
    slug: str
    name: str
    acronym: str
    kind: str
    # Full names of its demo users, by role; emails are <role word>@<slug>.demo.
    people: dict[str, str]


@dataclass(frozen=True)
class ActorSpec:
    name: str
    organisation_type: str
    position: str
    kind: str = "organisation"


@dataclass(frozen=True)
class Theme:
    """A kind of conflict: what a case of this kind says, who takes part, what happens."""

    typology: str
    subtype: str
    sectors: tuple[str, ...]
    authority: str
    company: str
    description: str
    demands: str
    causes: str
    triggers: str
    legislation: str
    strategies: str
    next_steps: str
    primary: tuple[ActorSpec, ...]
    secondary: tuple[ActorSpec, ...]
    tertiary: tuple[ActorSpec, ...]
    headlines: tuple[str, ...]
    # Where protests happen besides the usual places (plaza, road, municipality).
    sites: tuple[str, ...] = ()
    # Protest forms this kind of conflict favours (ProtestForm values).
    protest_forms: tuple[str, ...] = ("march", "strike", "road_blockade", "rally")
    investment: str = ""
    investment_amount: int | None = None
    # Whether the case gets a point (lat/lon) on the map: a mine, a dam, a spill.
    has_site: bool = False


@dataclass(frozen=True)
class Step:
    """One change in a case's life, ``day`` days after it was registered.

    ``action`` is a workflow transition name (services.TRANSITIONS) or "phase" for a change of
    phase of an active case. ``phase`` is the phase the case enters (the dialogue mechanism and
    the institution's role are chosen by seed.py).
    """

    action: str
    day: int
    phase: str = ""
    reason: str = ""


@dataclass(frozen=True)
class CaseSpec:
    name: str
    theme: str
    # Two-digit INEI department codes; the principal place is in the first one.
    departments: tuple[str, ...]
    institution: str
    story: str
    # How long ago the case was registered (the story unfolds from there).
    months_ago: int
    places: int = 1
    pcm: str = ""
    confidential: tuple[str, ...] = field(default=())
    # The name (as in cases.toml) of the case a "merge" step merges this one into.
    merge_into: str = ""


@dataclass(frozen=True)
class DemoData:
    """The whole data set, as read from willaq/cases/demo/data/."""

    superuser_email: str
    superuser_name: str
    # Role → the mailbox word of its demo login, in the order the logins are listed.
    role_mailbox: dict[str, str]
    institutions: tuple[DemoInstitution, ...]
    themes: dict[str, Theme]
    stories: dict[str, tuple[Step, ...]]
    cases: tuple[CaseSpec, ...]
    # Where a protest happens besides the theme's own sites; where an agreement is signed.
    common_sites: tuple[str, ...]
    agreement_sites: tuple[str, ...]
    news_outlets: tuple[str, ...]
    # (source, source scale) of an event, ACLED-style.
    event_sources: tuple[tuple[str, str], ...]
    given_names: tuple[str, ...]
    # The given names that are a woman's (a victim's recorded sex follows the name).
    female_given_names: tuple[str, ...]
    surnames: tuple[str, ...]

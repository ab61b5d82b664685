"""Read the demo data files (willaq/cases/demo/data/*.toml) into the frozen specs of specs.py.

Everything is checked on the way in, so a typo in a data file is an error that names the file and
the entry instead of a half-seeded database: unknown or missing keys, values that are not one of
the model's choices or category codes, references to themes, stories, actors or reasons that do
not exist, and placeholders the seeder cannot fill.
"""

import re
import tomllib
from collections.abc import Collection, Iterable
from functools import cache
from pathlib import Path
from string import Formatter
from typing import Any

from willaq.accounts.models import InstitutionKind, Role
from willaq.cases.choices import (
    CONFIDENTIAL_CAPABLE_FIELDS,
    ActorKind,
    CompetentAuthority,
    OrganisationType,
    PcmClassification,
    Phase,
    ProtestForm,
)
from willaq.cases.demo.specs import (
    PLACE_PLACEHOLDERS,
    PLACEHOLDERS,
    ActorSpec,
    CaseSpec,
    DemoData,
    DemoInstitution,
    Step,
    Theme,
)
from willaq.cases.reference import SECTORS, SUBTYPES, TYPOLOGIES
from willaq.cases.services import TRANSITIONS

DATA_DIR = Path(__file__).resolve().parent / "data"
PHASE_ACTION = "phase"
MERGE_ACTION = "merge"
DEPARTMENT_CODE = re.compile(r"\d{2}")
MAX_PLACES = 3
SURNAMES_PER_VICTIM = 2


# The default of a key that must be present.
_REQUIRED = object()


class DemoDataError(ValueError):
    """A demo data file is wrong; the message names the file and the entry."""


class Entry:
    """One table of a data file, read key by key; a key left unread is an unknown key."""

    def __init__(self, where: str, table: object) -> None:
        if not isinstance(table, dict):
            raise DemoDataError(f"{where}: se esperaba una tabla, no {_kind(table)}.")
        self.where = where
        self.table: dict[str, Any] = table
        self.seen: set[str] = set()

    def error(self, key: str, problem: str) -> DemoDataError:
        return DemoDataError(f"{self.where}, «{key}»: {problem}")

    def raw(self, key: str, default: object = _REQUIRED) -> object:
        self.seen.add(key)
        if key in self.table:
            return self.table[key]
        if default is _REQUIRED:
            raise self.error(key, "falta este dato.")
        return default

    def text(self, key: str, default: str | None = None) -> str:
        value = self.raw(key, _REQUIRED if default is None else default)
        if not isinstance(value, str):
            raise self.error(key, f"se esperaba un texto, no {_kind(value)}.")
        if "\n" in value:
            # A long text wraps with a backslash at the end of each line, which TOML joins.
            raise self.error(key, "salto de línea en el texto: termine la línea con «\\».")
        return value

    def texts(self, key: str, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
        value = self.raw(key, _REQUIRED if default is None else default)
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise self.error(key, "se esperaba una lista de textos.")
        if any("\n" in v for v in value):
            raise self.error(key, "salto de línea en un texto de la lista.")
        return tuple(value)

    def integer(self, key: str, default: int | None = None, minimum: int = 0) -> int:
        value = self.raw(key, _REQUIRED if default is None else default)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.error(key, f"se esperaba un número entero, no {_kind(value)}.")
        if value < minimum:
            raise self.error(key, f"debe ser al menos {minimum}.")
        return value

    def sub(self, key: str) -> "Entry":
        """``key``'s table (``[key]``), read by the same rules."""
        return Entry(f"{self.where} [{key}]", self.raw(key))

    def rows(self, key: str) -> list[object]:
        """``key``'s array of tables (``[[key]]``), possibly empty."""
        value = self.raw(key, [])
        if not isinstance(value, list):
            raise self.error(key, f"se esperaba una lista de tablas, no {_kind(value)}.")
        return value

    def items(self) -> list[tuple[str, object]]:
        """Every key of a table of named entries (each read by its own Entry), with its value."""
        self.seen.update(self.table)
        return list(self.table.items())

    def optional_integer(self, key: str) -> int | None:
        return self.integer(key) if key in self.table else None

    def flag(self, key: str) -> bool:
        value = self.raw(key, False)
        if not isinstance(value, bool):
            raise self.error(key, f"se esperaba true o false, no {_kind(value)}.")
        return value

    def choice(self, key: str, allowed: Collection[str], default: str | None = None) -> str:
        value = self.text(key, default)
        if value not in allowed:
            raise self.error(key, f"«{value}» no es uno de: {', '.join(sorted(allowed))}.")
        return value

    def choices(
        self, key: str, allowed: Collection[str], default: tuple[str, ...] | None = None
    ) -> tuple[str, ...]:
        values = self.texts(key, default)
        for value in values:
            if value not in allowed:
                raise self.error(key, f"«{value}» no es uno de: {', '.join(sorted(allowed))}.")
        return values

    def filled(self, key: str, text: str, allowed: Collection[str]) -> str:
        """``text`` (read from ``key``) with every placeholder one the seeder fills here."""
        try:
            parsed = Formatter().parse(text)
            names = {name for _literal, name, _spec, _conversion in parsed if name is not None}
        except ValueError as error:
            raise self.error(key, f"llaves mal cerradas en «{text}» ({error}).") from error
        unknown = names - set(allowed)
        if unknown:
            expected = ", ".join("{" + n + "}" for n in sorted(allowed)) or "ninguno"
            raise self.error(
                key,
                "marcador sin valor "
                + ", ".join("{" + n + "}" for n in sorted(unknown))
                + f" (aquí se llenan: {expected}).",
            )
        return text

    def done(self) -> None:
        unknown = sorted(set(self.table) - self.seen)
        if unknown:
            raise DemoDataError(f"{self.where}: dato desconocido «{'», «'.join(unknown)}».")


def _kind(value: object) -> str:
    return {dict: "una tabla", list: "una lista", str: "un texto", bool: "un booleano"}.get(
        type(value), type(value).__name__
    )


def _read(directory: Path, name: str) -> Entry:
    path = directory / name
    try:
        with path.open("rb") as handle:
            return Entry(name, tomllib.load(handle))
    except tomllib.TOMLDecodeError as error:
        raise DemoDataError(f"{name}: no es TOML válido ({error}).") from error
    except OSError as error:
        raise DemoDataError(f"{name}: no se puede leer ({error}).") from error


# --- the files ----------------------------------------------------------------------------------


def _people(directory: Path) -> tuple[str, str, dict[str, str], tuple[DemoInstitution, ...]]:
    file = _read(directory, "people.toml")
    superuser = file.sub("superuser")
    email, name = superuser.text("email"), superuser.text("name")
    superuser.done()
    mailbox = file.sub("role_mailbox")
    role_mailbox = {role: mailbox.text(role) for role in mailbox.table if role in Role.values}
    mailbox.done()
    institutions = []
    for index, table in enumerate(file.rows("institutions")):
        entry = Entry(f"people.toml, institución {index + 1}", table)
        slug = entry.text("slug")
        entry.where = f"people.toml, institución «{slug}»"
        people_entry = entry.sub("people")
        people = {
            role: people_entry.text(role) for role in people_entry.table if role in Role.values
        }
        people_entry.done()
        missing = set(role_mailbox) - set(people)
        if missing:
            raise people_entry.error(", ".join(sorted(missing)), "falta la persona de este rol.")
        institutions.append(
            DemoInstitution(
                slug=slug,
                name=entry.text("name"),
                acronym=entry.text("acronym"),
                kind=entry.choice("kind", InstitutionKind.values),
                people=people,
            )
        )
        entry.done()
    file.done()
    if not institutions:
        raise DemoDataError("people.toml: falta al menos una institución ([[institutions]]).")
    return email, name, role_mailbox, tuple(institutions)


def _actors(directory: Path) -> dict[str, ActorSpec]:
    file = _read(directory, "actors.toml")
    actors = {}
    for key, table in file.items():
        entry = Entry(f"actors.toml [{key}]", table)
        actors[key] = ActorSpec(
            name=entry.filled("name", entry.text("name"), PLACE_PLACEHOLDERS),
            organisation_type=entry.choice("organisation_type", OrganisationType.values),
            position=entry.filled("position", entry.text("position"), PLACE_PLACEHOLDERS),
            kind=entry.choice("kind", ActorKind.values, ActorKind.ORGANISATION),
        )
        entry.done()
    return actors


def _themes(directory: Path, actors: dict[str, ActorSpec]) -> dict[str, Theme]:
    file = _read(directory, "themes.toml")
    subtypes = {code: parent for code, _name, parent in SUBTYPES}
    themes = {}
    for key, table in file.items():
        entry = Entry(f"themes.toml [{key}]", table)
        typology = entry.choice("typology", [code for code, _name in TYPOLOGIES])
        subtype = entry.choice("subtype", [*subtypes, ""])
        if subtype and subtypes[subtype] != typology:
            raise entry.error("subtype", f"«{subtype}» no es un subtipo de «{typology}».")
        company = entry.text("company")
        # {company} is only filled where the theme has a company.
        allowed = PLACEHOLDERS if company else PLACE_PLACEHOLDERS

        def fill(name: str, entry: Entry = entry, allowed: Collection[str] = allowed) -> str:
            return entry.filled(name, entry.text(name), allowed)

        def cast(name: str, entry: Entry = entry) -> tuple[ActorSpec, ...]:
            keys = entry.texts(name)
            for actor in keys:
                if actor not in actors:
                    raise entry.error(name, f"el actor «{actor}» no está en actors.toml.")
            return tuple(actors[actor] for actor in keys)

        themes[key] = Theme(
            typology=typology,
            subtype=subtype,
            sectors=entry.choices("sectors", [code for code, _name in SECTORS]),
            authority=entry.choice("authority", CompetentAuthority.values),
            company=company,
            description=fill("description"),
            demands=fill("demands"),
            causes=fill("causes"),
            triggers=fill("triggers"),
            # Shown as written: no placeholder is filled in these two.
            legislation=entry.filled("legislation", entry.text("legislation"), ()),
            investment=entry.filled("investment", entry.text("investment", ""), ()),
            investment_amount=entry.optional_integer("investment_amount"),
            strategies=fill("strategies"),
            next_steps=fill("next_steps"),
            primary=cast("primary"),
            secondary=cast("secondary"),
            tertiary=cast("tertiary"),
            headlines=tuple(
                entry.filled("headlines", h, allowed) for h in entry.texts("headlines")
            ),
            sites=tuple(entry.filled("sites", s, allowed) for s in entry.texts("sites", ())),
            protest_forms=entry.choices(
                "protest_forms",
                [form for form in ProtestForm.values if form],
                Theme.protest_forms,
            ),
            has_site=entry.flag("has_site"),
        )
        if not themes[key].primary:
            raise entry.error("primary", "hace falta al menos un actor primario.")
        if not themes[key].headlines:
            raise entry.error("headlines", "hace falta al menos un titular.")
        entry.done()
    return themes


def _stories(directory: Path) -> dict[str, tuple[Step, ...]]:
    file = _read(directory, "stories.toml")
    reasons_entry = file.sub("reasons")
    reasons = {key: reasons_entry.text(key) for key in reasons_entry.table}
    reasons_entry.done()
    actions = {*TRANSITIONS, PHASE_ACTION, MERGE_ACTION}
    stories = {}
    for key, steps in file.sub("stories").items():
        if not isinstance(steps, list):
            raise DemoDataError(f"stories.toml [stories], «{key}»: se esperaba una lista de pasos.")
        story = []
        for index, table in enumerate(steps):
            entry = Entry(f"stories.toml, historia «{key}», paso {index + 1}", table)
            action = entry.choice("action", actions)
            phase = entry.choice("phase", ["", *Phase.values], "")
            if action == PHASE_ACTION and not phase:
                raise entry.error("phase", "un cambio de fase necesita la fase.")
            reason = entry.choice("reason", ["", *reasons], "")
            if action in TRANSITIONS and TRANSITIONS[action].needs_reason and not reason:
                raise entry.error("reason", f"«{action}» necesita un motivo.")
            if action == MERGE_ACTION and not reason:
                raise entry.error("reason", "una fusión necesita un motivo.")
            story.append(Step(action, entry.integer("day"), phase, reasons.get(reason, "")))
            entry.done()
        stories[key] = tuple(story)
    file.done()
    return stories


def _cases(
    directory: Path,
    themes: dict[str, Theme],
    stories: dict[str, tuple[Step, ...]],
    institutions: Iterable[str],
) -> tuple[CaseSpec, ...]:
    file = _read(directory, "cases.toml")
    cases: list[CaseSpec] = []
    tables = file.rows("cases")
    if not tables:
        raise DemoDataError("cases.toml: no hay casos ([[cases]]).")
    for index, table in enumerate(tables):
        entry = Entry(f"cases.toml, caso {index + 1}", table)
        name = entry.text("name")
        entry.where = f"cases.toml, caso {index + 1} («{name}»)"
        theme = entry.choice("theme", themes)
        departments = entry.texts("departments")
        if not departments or not all(DEPARTMENT_CODE.fullmatch(d) for d in departments):
            raise entry.error("departments", "se esperaban códigos INEI de dos dígitos.")
        places = entry.integer("places", 1, minimum=1)
        if not len(departments) <= places <= MAX_PLACES:
            raise entry.error(
                "places",
                f"entre {len(departments)} (uno por departamento) y {MAX_PLACES} lugares.",
            )
        allowed = PLACEHOLDERS if themes[theme].company else PLACE_PLACEHOLDERS
        cases.append(
            CaseSpec(
                name=entry.filled("name", name, allowed),
                theme=theme,
                departments=departments,
                institution=entry.choice("institution", list(institutions)),
                story=entry.choice("story", stories),
                months_ago=entry.integer("months_ago"),
                places=places,
                pcm=entry.choice("pcm", ["", *PcmClassification.values], ""),
                confidential=entry.choices("confidential", CONFIDENTIAL_CAPABLE_FIELDS, ()),
                merge_into=_merge_into(entry, cases, stories),
            )
        )
        entry.done()
    file.done()
    return tuple(cases)


def _merge_into(entry: Entry, earlier: list[CaseSpec], stories: dict[str, tuple[Step, ...]]) -> str:
    """The case a "merge" step merges this one into: an earlier case registered before it (so
    it is seeded first), named as in cases.toml."""
    merges = any(step.action == MERGE_ACTION for step in stories[entry.table["story"]])
    target = entry.text("merge_into", "")
    if merges != bool(target):
        raise entry.error("merge_into", "una historia con fusión necesita merge_into, y solo ella.")
    if not target:
        return ""
    months_ago = entry.table.get("months_ago", 0)
    found = [c for c in earlier if c.name == target and c.months_ago > months_ago]
    if not found:
        raise entry.error(
            "merge_into", "debe nombrar un caso anterior de la lista, registrado antes que este."
        )
    return target


def _events(directory: Path) -> dict[str, Any]:
    file = _read(directory, "events.toml")
    sources = []
    for index, table in enumerate(file.rows("event_sources")):
        entry = Entry(f"events.toml, fuente {index + 1}", table)
        sources.append((entry.text("source"), entry.text("scale")))
        entry.done()
    values = {
        "common_sites": tuple(
            file.filled("common_sites", s, PLACE_PLACEHOLDERS) for s in file.texts("common_sites")
        ),
        "agreement_sites": tuple(
            file.filled("agreement_sites", s, PLACE_PLACEHOLDERS)
            for s in file.texts("agreement_sites")
        ),
        "news_outlets": file.texts("news_outlets"),
        "event_sources": tuple(sources),
        "given_names": file.texts("given_names"),
        "female_given_names": file.choices("female_given_names", file.texts("given_names")),
        "surnames": file.texts("surnames"),
    }
    file.done()
    for key, value in values.items():
        if not value:
            raise file.error(key, "la lista está vacía.")
    if len(values["surnames"]) < SURNAMES_PER_VICTIM:
        raise file.error("surnames", f"hacen falta al menos {SURNAMES_PER_VICTIM}.")
    return values


def load(directory: Path = DATA_DIR) -> DemoData:
    """The demo data set in ``directory``; raises DemoDataError naming the file and entry."""
    email, name, role_mailbox, institutions = _people(directory)
    themes = _themes(directory, _actors(directory))
    stories = _stories(directory)
    cases = _cases(directory, themes, stories, [i.slug for i in institutions])
    return DemoData(
        superuser_email=email,
        superuser_name=name,
        role_mailbox=role_mailbox,
        institutions=institutions,
        themes=themes,
        stories=stories,
        cases=cases,
        **_events(directory),
    )


@cache
def demo_data() -> DemoData:
    """The shipped data set, read once per process."""
    return load()

"""Generate a synthetic registry at regional scale, for benchmarks (bench/run.py).

    manage.py generate_registry --cases 20000 --events 2000000 --seed 42

Three invented institutions (marked "sintética"), their analysts and coordinators, and cases in
every state with places, actors, events and victims, each with its back-dated history
(django-simple-history rows for create, submit, approve and every later change, and the
``CaseTransition`` rows the monthly report counts). One case gets exactly ``--big-case-events``
events. The same seed and the same ``--today`` give the same data set.

The rows are written straight to the tables (PostgreSQL COPY, or batched INSERTs elsewhere),
not through the services: this is test data for measuring, never a record of anything. The
command refuses sizes the database's disk cannot hold, and, unless ``--flush`` is given (which
empties every registry table first), a database that already holds cases.
"""

import datetime as dt
import json
import random
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from willaq.accounts.models import Institution, InstitutionKind, Membership, Role, User
from willaq.cases.choices import (
    PROTEST_EVENT_TYPES,
    SUB_EVENT_PARENT,
    ActorKind,
    ActorRole,
    ActorTypeCode,
    CaseState,
    CategoryKind,
    CompetentAuthority,
    DialogueMechanism,
    GeoPrecision,
    InstitutionRole,
    PcmClassification,
    Phase,
    ProtestForm,
    TransitionKind,
    VictimGroup,
    VictimOutcome,
)
from willaq.cases.models import (
    Actor,
    Case,
    CaseActor,
    CaseClassification,
    CaseCodeSequence,
    CasePlace,
    CaseTransition,
    Category,
    Event,
    Victim,
)
from willaq.cases.synthetic_vocabulary import (
    ACTOR_TYPES,
    CAUSES,
    COMPANIES,
    INSTITUTION_WEIGHTS,
    INSTITUTIONS,
    OBJECTS,
    PEOPLE,
    RIVERS,
    SENTENCES,
    STATE_WEIGHTS,
    SUBJECTS,
)
from willaq.core.text import fold
from willaq.territory.models import Level, Ubigeo

# Bytes each row takes on disk with its indexes and its history row(s), measured on PostgreSQL
# 15 at 20,000 cases / 2,000,000 events, rounded up. A case counts its places, actors,
# transitions and about five history rows.
BYTES_PER_CASE = 12_000
BYTES_PER_EVENT = 1_600
HEADROOM = 1.25  # never fill a disk past 80 % of what is free

BATCH = 5_000


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


class TableWriter:
    """Rows for one model's table, written in batches: COPY on PostgreSQL, INSERT elsewhere.

    A row is given as keyword arguments by attribute name; the columns not given take the
    field's default (as its database value).
    """

    def __init__(self, model: type[models.Model], counts: dict[str, int]) -> None:
        self.model = model
        self.table: str = model._meta.db_table
        self.fields = list(model._meta.concrete_fields)
        self.names = [f.attname for f in self.fields]
        self.postgres = connection.vendor == "postgresql"
        self.defaults = [self._default(f) for f in self.fields]
        self.adapters = [self._adapter(f) for f in self.fields]
        self.rows: list[Sequence[Any]] = []
        self.counts = counts
        counts.setdefault(model._meta.label, 0)

    def _default(self, f: models.Field[Any, Any]) -> Any:
        if f.has_default() and not callable(f.default):
            return f.default
        if f.null:
            return None
        if isinstance(f, models.CharField | models.TextField):
            return ""
        if isinstance(f, models.JSONField):
            return []
        return None

    def _adapter(self, f: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
        if isinstance(f, models.JSONField):
            return json.dumps
        if self.postgres:
            return None
        ops = connection.ops
        if isinstance(f, models.UUIDField):
            return lambda v: v.hex
        if isinstance(f, models.DateTimeField):
            return ops.adapt_datetimefield_value
        if isinstance(f, models.DateField):
            return ops.adapt_datefield_value
        if isinstance(f, models.DecimalField):
            return str
        return None

    def add(self, **values: Any) -> None:
        if "history_date" in values:
            # A generated change is recorded when it takes effect.
            values.setdefault("recorded_at", values["history_date"])
        row = []
        for name, default, adapt in zip(self.names, self.defaults, self.adapters, strict=True):
            value = values.get(name, default)
            if adapt is not None and value is not None:
                value = adapt(value)
            row.append(value)
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in self.fields)
        table = connection.ops.quote_name(self.table)
        with connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor  # psycopg 3
                with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (model names)
                cursor.executemany(sql, self.rows)
        self.counts[self.model._meta.label] += len(self.rows)
        self.rows = []


class Ids:
    """Next free primary key per table (the generator gives ids itself, to link rows)."""

    def __init__(self) -> None:
        self._next: dict[str, int] = {}

    def next(self, model: type[models.Model], pk: str = "id") -> int:
        key = model._meta.db_table
        if key not in self._next:
            top = model._default_manager.aggregate(top=models.Max(pk))["top"]
            self._next[key] = (top or 0) + 1
        value = self._next[key]
        self._next[key] = value + 1
        return value


class Command(BaseCommand):
    help = "Genera un registro sintético a escala regional (para medir el rendimiento)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=20_000)
        parser.add_argument("--events", type=int, default=2_000_000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--big-case-events",
            type=int,
            default=2_000,
            help="Eventos del caso más grande (uno solo tiene exactamente este número).",
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="Fecha de referencia (AAAA-MM-DD); por defecto hoy.",
        )
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Vacía antes todas las tablas del registro (casos, eventos, historia…).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "WILLAQ_ENV", "development") == "production":
            raise CommandError("generate_registry no se ejecuta en producción.")
        n_cases: int = options["cases"]
        n_events: int = options["events"]
        big: int = min(options["big_case_events"], n_events)
        if n_cases < 1 or n_events < 0:
            raise CommandError("--cases debe ser al menos 1 y --events no negativo.")
        self._check_disk(n_cases, n_events)
        if not Ubigeo.objects.filter(level=Level.DISTRICT).exists():
            raise CommandError("Falta el territorio: ejecute antes `manage.py load_territory`.")
        if not Category.objects.filter(kind=CategoryKind.TYPOLOGY).exists():
            raise CommandError("Faltan las categorías: ejecute antes `manage.py load_categories`.")
        today = options["today"] or timezone.localdate()
        started = time.monotonic()
        with transaction.atomic():
            if options["flush"]:
                self._flush()
            elif Case.objects.exists():
                raise CommandError(
                    "El registro ya tiene casos: use --flush para vaciarlo antes (borra todo)."
                )
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO off")
            generator = _Generator(
                rng=random.Random(options["seed"]),
                today=today,
                n_cases=n_cases,
                n_events=n_events,
                big=big,
                progress=self._progress,
            )
            counts = generator.run()
            # The rows were written with their own ids: move each table's sequence past them,
            # or the next case saved through the app would collide with a generated id.
            with connection.cursor() as cursor:
                written = apps.get_app_config("cases").get_models()
                for statement in connection.ops.sequence_reset_sql(no_style(), list(written)):
                    cursor.execute(statement)
            # The rows bypassed the models' saves: the map's events summary (reports app) is
            # rebuilt whole, in the same transaction.
            call_command("refresh_map_summary", stdout=self.stdout)
        if connection.vendor == "postgresql":
            # VACUUM as autovacuum would after such a load (outside the transaction): it sets
            # the visibility map, without which PostgreSQL cannot answer from an index alone
            # (index-only scans) and the benchmarks would measure a state no live database
            # stays in.
            # (Inside a caller's transaction, a test's, VACUUM cannot run: statistics only.)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        elapsed = time.monotonic() - started
        for label, count in counts.items():
            self.stdout.write(f"  {label:<28} {count:>12,}")
        self.stdout.write(self.style.SUCCESS(f"Registro sintético generado en {elapsed:.0f} s."))

    def _progress(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def _check_disk(self, n_cases: int, n_events: int) -> None:
        needed = int((n_cases * BYTES_PER_CASE + n_events * BYTES_PER_EVENT) * HEADROOM)
        where = _database_dir()
        free = shutil.disk_usage(where).free
        if needed > free:
            raise CommandError(
                f"No hay espacio: {n_cases:,} casos y {n_events:,} eventos necesitan unos "
                f"{needed / 1e9:,.1f} GB (con margen) y en {where} quedan {free / 1e9:,.1f} GB "
                "libres. Pida menos casos o eventos."
            )

    def _flush(self) -> None:
        tables = [
            m._meta.db_table
            for m in (
                Victim.history.model,
                Victim,
                Event.history.model,
                Event,
                CaseActor.history.model,
                CaseActor,
                Actor.history.model,
                Actor,
                CasePlace.history.model,
                CasePlace,
                CaseClassification.history.model,
                CaseClassification,
                CaseTransition,
            )
        ]
        # Every other table that points at cases (news, evidence, sectors and their history).
        tables.extend(m._meta.db_table for m in (Case.sectors.through, Case.history.model))
        for rel in Case._meta.related_objects:
            table = rel.related_model._meta.db_table
            if table not in tables:
                tables.insert(0, table)
        for m2m in Case._meta.related_objects:
            through = getattr(m2m, "through", None)
            if through is not None and through._meta.db_table not in tables:
                tables.insert(0, through._meta.db_table)
        tables += [Case._meta.db_table, CaseCodeSequence._meta.db_table]
        quoted = [connection.ops.quote_name(t) for t in dict.fromkeys(tables)]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Deferred foreign-key checks of rows written earlier in this transaction
                # must run before a TRUNCATE.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {', '.join(quoted)} RESTART IDENTITY CASCADE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            else:
                for table in quoted:
                    cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (names from the models)


def _database_dir() -> Path:
    if connection.vendor == "postgresql":
        try:
            with connection.cursor() as cursor:
                cursor.execute("SHOW data_directory")
                row = cursor.fetchone()
            if row and Path(row[0]).exists():
                return Path(row[0])
        except DatabaseError:
            # Not allowed to read it (not a superuser): measure the disk we run on instead.
            return Path(settings.BASE_DIR)
        return Path(settings.BASE_DIR)
    name = str(connection.settings_dict["NAME"])
    path = Path(name).parent if name and ":memory:" not in name else Path(tempfile.gettempdir())
    return path if path.exists() else Path(settings.BASE_DIR)


class _Generator:
    """Builds the rows; every random choice comes from one seeded ``random.Random``."""

    def __init__(
        self,
        *,
        rng: random.Random,
        today: dt.date,
        n_cases: int,
        n_events: int,
        big: int,
        progress: Callable[[str], None],
    ) -> None:
        self.rng = rng
        self.today = today
        self.now = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
        self.n_cases = n_cases
        self.n_events = n_events
        self.big = big
        self.progress = progress
        self.counts: dict[str, int] = {}
        self.ids = Ids()

    def writer(self, model: type[models.Model]) -> TableWriter:
        return TableWriter(model, self.counts)

    def moment(self, start: dt.datetime, days: float) -> dt.datetime:
        """A moment up to ``days`` after ``start``, never after now, at a whole second."""
        when = start + dt.timedelta(seconds=self.rng.randint(0, max(1, int(days * 86400))))
        return min(when, self.now).replace(microsecond=0)

    def run(self) -> dict[str, int]:
        self.setup_people()
        self.districts = list(
            Ubigeo.objects.filter(level=Level.DISTRICT)
            .order_by("code")
            .values_list("id", "name", "latitude", "longitude")
        )
        typologies = list(
            Category.objects.filter(kind=CategoryKind.TYPOLOGY, institution__isnull=True)
            .order_by("code")
            .values_list("id", flat=True)
        )
        subtypes: dict[int, list[int | None]] = {}
        for sub_id, parent_id in (
            Category.objects.filter(kind=CategoryKind.SUBTYPE, institution__isnull=True)
            .order_by("code")
            .values_list("id", "parent_id")
        ):
            subtypes.setdefault(parent_id, []).append(sub_id)
        self.typologies = typologies
        self.subtypes = subtypes
        self.codes = dict(CaseCodeSequence.objects.values_list("year", "last_number"))
        cases = self.write_cases()
        self.write_actors(cases)
        self.write_events(cases)
        for year, last in self.codes.items():
            CaseCodeSequence.objects.update_or_create(year=year, defaults={"last_number": last})
        return self.counts

    # --- people -------------------------------------------------------------------------------

    def setup_people(self) -> None:
        """The synthetic institutions, one analyst and one coordinator each (no password)."""
        self.institutions: list[int] = []
        self.analysts: dict[int, int] = {}
        self.coordinators: dict[int, int] = {}
        for slug, name, acronym, kind in INSTITUTIONS:
            institution, _created = Institution.objects.get_or_create(
                slug=slug, defaults={"name": name, "acronym": acronym, "kind": kind}
            )
            self.institutions.append(institution.pk)
            for role, people in (
                (Role.ANALYST, self.analysts),
                (Role.COORDINATOR, self.coordinators),
            ):
                email = f"{role}@{slug}.invalid"
                user = User.objects.filter(email=email).first()
                if user is None:
                    user = User.objects.create_user(email, None, full_name=f"{role} {acronym}")
                Membership.objects.get_or_create(user=user, institution=institution, role=role)
                people[institution.pk] = user.pk

    # --- cases --------------------------------------------------------------------------------

    def write_cases(self) -> list[dict[str, Any]]:
        rng = self.rng
        case_w = self.writer(Case)
        hist_w = self.writer(Case.history.model)
        place_w = self.writer(CasePlace)
        place_hist_w = self.writer(CasePlace.history.model)
        transition_w = self.writer(CaseTransition)
        class_w = self.writer(CaseClassification)
        class_hist_w = self.writer(CaseClassification.history.model)
        # The dialogue office classifies most registered cases under its own methodology.
        dialogue_office = next(
            (
                pk
                for pk, row in zip(self.institutions, INSTITUTIONS, strict=True)
                if row[3] == InstitutionKind.DIALOGUE_OFFICE
            ),
            None,
        )

        def classify(case_id: int, institution_id: int, when: dt.datetime, user: int) -> None:
            row = {
                "id": self.ids.next(CaseClassification),
                "case_id": case_id,
                "institution_id": institution_id,
                "classification": rng.choice(PcmClassification.values),
                "note": "",
                "created_by_id": user,
                "created_at": when,
            }
            class_w.add(**row, updated_at=when)
            class_hist_w.add(
                **{k: v for k, v in row.items() if k != "created_by_id"},
                history_id=self.ids.next(CaseClassification.history.model, "history_id"),
                history_date=when,
                recorded_at=when,
                history_type="+",
                history_user_id=user,
            )

        states = list(STATE_WEIGHTS)
        weights = list(STATE_WEIGHTS.values())
        cases: list[dict[str, Any]] = []
        # Registered cases written so far (not merged): what a merged case may be merged into.
        absorbing: list[int] = []
        started = time.monotonic()
        for i in range(self.n_cases):
            institution = rng.choices(self.institutions, INSTITUTION_WEIGHTS)[0]
            # The first cases take each state in turn, so even a tiny registry has them all.
            final = states[i] if i < len(states) else rng.choices(states, weights)[0]
            if final == CaseState.MERGED and not absorbing:
                final = CaseState.RESOLVED
            start_date = self.today - dt.timedelta(days=rng.randint(30, 3650))
            district = rng.choice(self.districts)
            places = [district] + [
                rng.choice(self.districts) for _ in range(rng.choice((0, 0, 1, 2)))
            ]
            places = list({p[0]: p for p in places}.values())
            typology = rng.choice(self.typologies)
            subtype = rng.choice([*self.subtypes.get(typology, []), None])
            river, company = rng.choice(RIVERS), rng.choice(COMPANIES)
            name = f"{rng.choice(SUBJECTS)} de {district[1]} " + rng.choice(OBJECTS).format(
                company=company, river=river, place=rng.choice(self.districts)[1]
            )
            confidential = rng.choices(
                ([], ["description"], ["demands", "causes"]), (0.85, 0.1, 0.05)
            )[0]
            data: dict[str, Any] = {
                "id": self.ids.next(Case),
                "uuid": _uuid(rng),
                "name": name[:250],
                "description": " ".join(rng.sample(SENTENCES, 3)),
                "demands": " ".join(rng.sample(SENTENCES, 2)),
                "causes": " ".join(rng.sample(CAUSES, 2)),
                "institution_id": institution,
                "start_date": start_date,
                "typology_id": typology,
                "subtype_id": subtype,
                "competent_authority": rng.choice(CompetentAuthority.values),
                "latitude": district[2],
                "longitude": district[3],
                "confidential_fields": confidential,
                "created_by_id": self.analysts[institution],
                "state": CaseState.DRAFT,
                "phase": "",
                "code": None,
                "approved_at": None,
                "end_date": None,
                "dialogue_mechanism": "",
                "institution_role": "",
            }
            created = self.moment(dt.datetime.combine(start_date, dt.time(13), tzinfo=dt.UTC), 20)
            data["created_at"] = created
            into = rng.choice(absorbing) if final == CaseState.MERGED else None
            steps = self.timeline(data, final, created, into)
            history_type = "+"
            for when, user, transition, changes in steps:
                data.update(changes)
                data["updated_at"] = when
                hist_w.add(
                    **data,
                    history_id=self.ids.next(Case.history.model, "history_id"),
                    history_date=when,
                    history_type=history_type,
                    history_user_id=user,
                )
                history_type = "~"
                if transition is not None:
                    kind, from_state = transition
                    transition_w.add(
                        id=self.ids.next(CaseTransition),
                        case_id=data["id"],
                        kind=kind,
                        from_state=from_state,
                        to_state=data["state"],
                        reason=""
                        if kind
                        in (
                            TransitionKind.CREATED,
                            TransitionKind.SUBMITTED,
                            TransitionKind.APPROVED,
                        )
                        else "Motivo sintético.",
                        occurred_at=when,
                        recorded_at=when,
                        by_id=user,
                    )
            case_w.add(**data)
            if rng.random() < 0.6:
                classify(data["id"], institution, created, data["created_by_id"])
            if (
                data["code"] is not None
                and dialogue_office not in (None, institution)
                and rng.random() < 0.5
            ):
                assert dialogue_office is not None
                classify(data["id"], dialogue_office, steps[-1][0], self.analysts[dialogue_office])
            if data["code"] is not None and data["state"] != CaseState.MERGED:
                absorbing.append(data["id"])
            for n, place in enumerate(places):
                place_id = self.ids.next(CasePlace)
                row = {
                    "id": place_id,
                    "case_id": data["id"],
                    "ubigeo_id": place[0],
                    "is_principal": n == 0,
                }
                place_w.add(**row)
                place_hist_w.add(
                    **row,
                    history_id=self.ids.next(CasePlace.history.model, "history_id"),
                    history_date=created,
                    history_type="+",
                    history_user_id=data["created_by_id"],
                )
            cases.append(
                {
                    "id": data["id"],
                    "institution_id": institution,
                    "registered": data["code"] is not None,
                    "start_date": start_date,
                    "places": [p[0] for p in places],
                    "district": district,
                }
            )
            if (i + 1) % max(1, self.n_cases // 10) == 0:
                self.progress(
                    f"casos: {i + 1:,} / {self.n_cases:,} ({time.monotonic() - started:.0f} s)"
                )
        for w in (case_w, hist_w, place_w, place_hist_w, transition_w, class_w, class_hist_w):
            w.flush()
        return cases

    def timeline(
        self, data: dict[str, Any], final: CaseState, created: dt.datetime, into: int | None = None
    ) -> list[tuple[dt.datetime, int, tuple[str, str] | None, dict[str, Any]]]:
        """The case's saves, oldest first: (when, who, (transition kind, from state), changes).

        A merged case (``final`` merged) is absorbed into the registered case ``into``."""
        rng = self.rng
        institution = data["institution_id"]
        analyst, coordinator = self.analysts[institution], self.coordinators[institution]
        steps: list[tuple[dt.datetime, int, tuple[str, str] | None, dict[str, Any]]] = [
            (created, analyst, (TransitionKind.CREATED, ""), {})
        ]
        if final == CaseState.DRAFT:
            return steps
        # One case in ten is created, proposed and approved in one instant (a coordinator
        # registering a case on the spot): the history rows share their history_date.
        same_instant = rng.random() < 0.1
        when = created if same_instant else self.moment(created, 5)
        steps.append(
            (
                when,
                analyst,
                (TransitionKind.SUBMITTED, CaseState.DRAFT),
                {"state": CaseState.PROPOSED},
            )
        )
        if final == CaseState.PROPOSED:
            return steps
        when = when if same_instant else self.moment(when, 15)
        year = when.year
        self.codes[year] = self.codes.get(year, 0) + 1
        approved = {
            "code": f"{year}-{self.codes[year]:04d}",
            "approved_at": when,
        }
        if final == CaseState.PRE_CONFLICT:
            approved["state"] = CaseState.PRE_CONFLICT
        else:
            approved |= {"state": CaseState.ACTIVE, "phase": Phase.EARLY}
        steps.append((when, coordinator, (TransitionKind.APPROVED, CaseState.PROPOSED), approved))
        if final == CaseState.PRE_CONFLICT:
            return steps
        # Phase changes while active.
        for _ in range(rng.choice((0, 1, 1, 2))):
            when = self.moment(when, 120)
            phase = rng.choice(Phase.values)
            change: dict[str, Any] = {
                "phase": phase,
                "dialogue_mechanism": "",
                "institution_role": "",
            }
            if phase == Phase.DIALOGUE:
                change |= {
                    "dialogue_mechanism": rng.choice(DialogueMechanism.values),
                    "institution_role": rng.choice(InstitutionRole.values),
                }
            steps.append((when, analyst, None, change))
        inactive = {"phase": "", "dialogue_mechanism": "", "institution_role": ""}
        if final in (CaseState.LATENT, CaseState.RESOLVED) or (
            final == CaseState.ACTIVE and rng.random() < 0.2
        ):
            when = self.moment(when, 200)
            steps.append(
                (
                    when,
                    analyst,
                    (TransitionKind.TO_LATENT, CaseState.ACTIVE),
                    inactive | {"state": CaseState.LATENT},
                )
            )
            if final == CaseState.ACTIVE:
                when = self.moment(when, 200)
                steps.append(
                    (
                        when,
                        analyst,
                        (TransitionKind.REACTIVATED, CaseState.LATENT),
                        {"state": CaseState.ACTIVE, "phase": Phase.ESCALATION},
                    )
                )
        if final == CaseState.MERGED:
            when = self.moment(when, 300)
            previous = steps[-1][3].get("state", CaseState.ACTIVE)
            merged = inactive | {
                "state": CaseState.MERGED,
                "merged_into_id": into,
                "end_date": max(when.date(), data["start_date"]),
            }
            steps.append((when, coordinator, (TransitionKind.MERGED, previous), merged))
        if final in (CaseState.RESOLVED, CaseState.WITHDRAWN):
            when = self.moment(when, 300)
            kind = (
                TransitionKind.RESOLVED if final == CaseState.RESOLVED else TransitionKind.WITHDRAWN
            )
            previous = steps[-1][3].get("state", CaseState.ACTIVE)
            ended = inactive | {"state": final, "end_date": max(when.date(), data["start_date"])}
            steps.append((when, coordinator, (kind, previous), ended))
        return steps

    # --- actors -------------------------------------------------------------------------------

    def write_actors(self, cases: list[dict[str, Any]]) -> None:
        rng = self.rng
        actor_w, actor_hist_w = self.writer(Actor), self.writer(Actor.history.model)
        link_w, link_hist_w = self.writer(CaseActor), self.writer(CaseActor.history.model)
        n_actors = max(10, len(cases) // 3)
        actors: list[int] = []
        created = dt.datetime.combine(
            self.today - dt.timedelta(days=3650), dt.time(9), tzinfo=dt.UTC
        )
        for _ in range(n_actors):
            institution = rng.choices(self.institutions, INSTITUTION_WEIGHTS)[0]
            if rng.random() < 0.2:
                kind, org, name = (
                    ActorKind.PERSON,
                    "",
                    rng.choice(PEOPLE) + f" {rng.randint(1, 999)}",
                )
            else:
                org, pattern = rng.choice(ACTOR_TYPES)
                kind = ActorKind.ORGANISATION
                name = pattern.format(
                    place=rng.choice(self.districts)[1], company=rng.choice(COMPANIES)
                )
            actor_id = self.ids.next(Actor)
            row: dict[str, Any] = {
                "id": actor_id,
                "uuid": _uuid(rng),
                "name": name[:250],
                "search_name": fold(name[:250]),
                "kind": kind,
                "organisation_type": org,
                "institution_id": institution,
                "created_at": created,
                "updated_at": created,
            }
            actor_w.add(**row)
            actor_hist_w.add(
                **row,
                history_id=self.ids.next(Actor.history.model, "history_id"),
                history_date=created,
                history_type="+",
                history_user_id=self.analysts[institution],
            )
            actors.append(actor_id)
        for w in (actor_w, actor_hist_w):
            w.flush()
        for case in cases:
            linked = rng.sample(actors, min(len(actors), rng.randint(1, 3)))
            when = dt.datetime.combine(case["start_date"], dt.time(15), tzinfo=dt.UTC)
            when = min(when, self.now)
            for n, actor in enumerate(linked):
                row = {
                    "id": self.ids.next(CaseActor),
                    "case_id": case["id"],
                    "actor_id": actor,
                    "institution_id": case["institution_id"],
                    "role": ActorRole.PRIMARY if n == 0 else rng.choice(ActorRole.values),
                    "position": rng.choice(SENTENCES),
                    "intensity": rng.randint(1, 5),
                    "created_at": when,
                    "updated_at": when,
                }
                link_w.add(**row)
                link_hist_w.add(
                    **row,
                    history_id=self.ids.next(CaseActor.history.model, "history_id"),
                    history_date=when,
                    history_type="+",
                    history_user_id=self.analysts[case["institution_id"]],
                )
        for w in (link_w, link_hist_w):
            w.flush()

    # --- events -------------------------------------------------------------------------------

    def event_counts(self, cases: list[dict[str, Any]]) -> list[int]:
        """Events per case: one registered case gets exactly ``big``, the rest share the
        remainder unevenly (a few busy cases, many quiet ones)."""
        rng = self.rng
        counts = [0] * len(cases)
        registered = [i for i, c in enumerate(cases) if c["registered"]] or [0]
        big_index = registered[0]
        counts[big_index] = self.big
        rest = self.n_events - self.big
        others = [i for i in range(len(cases)) if i != big_index]
        if not others:
            counts[big_index] += rest
            return counts
        weights = [rng.paretovariate(1.5) for _ in others]
        total = sum(weights)
        # Keep every other case below the big one, so exactly one case has ``big`` events.
        cap = max(self.big - 1, 1)
        given = 0
        for i, w in zip(others, weights, strict=True):
            counts[i] = min(cap, int(rest * w / total))
            given += counts[i]
        n = 0
        while given < rest:
            i = others[n % len(others)]
            if counts[i] < cap or len(others) * cap < rest:
                counts[i] += 1
                given += 1
            n += 1
        return counts

    def write_events(self, cases: list[dict[str, Any]]) -> None:
        rng = self.rng
        event_w, event_hist_w = self.writer(Event), self.writer(Event.history.model)
        victim_w, victim_hist_w = self.writer(Victim), self.writer(Victim.history.model)
        sub_events = list(SUB_EVENT_PARENT.items())
        counts = self.event_counts(cases)
        written = 0
        step = max(1, self.n_events // 20)
        started = time.monotonic()
        for case, count in zip(cases, counts, strict=True):
            span = max(1, (self.today - case["start_date"]).days)
            for _ in range(count):
                if case["registered"] and rng.random() < 0.15:
                    institution = rng.choice(self.institutions)
                else:
                    institution = case["institution_id"]
                event_date = case["start_date"] + dt.timedelta(days=rng.randint(0, span))
                created = self.moment(
                    dt.datetime.combine(event_date, dt.time(18), tzinfo=dt.UTC), 3
                )
                sub_event, event_type = rng.choice(sub_events)
                victims = rng.choice((1, 2, 3)) if rng.random() < 0.02 else 0
                outcomes = [rng.choice(VictimOutcome.values) for _ in range(victims)]
                row = {
                    "id": self.ids.next(Event),
                    "uuid": _uuid(rng),
                    "case_id": case["id"],
                    "institution_id": institution,
                    "event_date": event_date,
                    "event_type": event_type,
                    "sub_event_type": sub_event,
                    "protest_form": rng.choice(ProtestForm.values)
                    if event_type in PROTEST_EVENT_TYPES
                    else "",
                    "actor1": rng.choice(SUBJECTS),
                    "inter1": rng.choice(ActorTypeCode.values),
                    "ubigeo_id": rng.choice(case["places"]),
                    "location": case["district"][1],
                    "latitude": case["district"][2],
                    "longitude": case["district"][3],
                    "geo_precision": rng.choice(GeoPrecision.values),
                    "sources": "Nota de prensa sintética",
                    "reported_by": rng.choice(PEOPLE),
                    "notes": rng.choice(SENTENCES),
                    "fatalities": outcomes.count(VictimOutcome.DEAD),
                    "injured": outcomes.count(VictimOutcome.INJURED),
                    "created_by_id": self.analysts[institution],
                    "created_at": created,
                    "updated_at": created,
                }
                event_w.add(**row)
                event_hist_w.add(
                    **row,
                    history_id=self.ids.next(Event.history.model, "history_id"),
                    history_date=created,
                    history_type="+",
                    history_user_id=row["created_by_id"],
                )
                for outcome in outcomes:
                    victim = {
                        "id": self.ids.next(Victim),
                        "uuid": _uuid(rng),
                        "event_id": row["id"],
                        "outcome": outcome,
                        "group": rng.choice(VictimGroup.values),
                        "full_name": rng.choice(PEOPLE),
                        "age": rng.randint(16, 80),
                        "created_at": created,
                        "updated_at": created,
                    }
                    victim_w.add(**victim)
                    victim_hist_w.add(
                        **victim,
                        history_id=self.ids.next(Victim.history.model, "history_id"),
                        history_date=created,
                        history_type="+",
                        history_user_id=row["created_by_id"],
                    )
                written += 1
                if written % step == 0:
                    self.progress(
                        f"eventos: {written:,} / {self.n_events:,} "
                        f"({time.monotonic() - started:.0f} s)"
                    )
        for w in (event_w, event_hist_w, victim_w, victim_hist_w):
            w.flush()

"""Demo data of dialogue (``manage.py seed_dialogue_demo``), on top of the case demo.

Eight spaces of every kind (a technical table under a roundtable, a working group under a
development table), convened by the demo's two institutions and linked to their demo cases; 30
sessions, 6 signed actas and 80 commitments in every state, with money (state, company, mixed,
other) and evidence (verified and not); three spaces are public.

Everything goes through the services (so audit records and history exist), as the demo logins
of the convening institutions: the coordinator runs the space and reports progress, the
facilitator verifies evidence (nobody verifies what they added). Dates are explicit and
relative to today, so whenever the demo is loaded some commitments are overdue and some fall
due within a week. The content is invented.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from django.utils import timezone

from willaq.accounts.models import Institution, Role, User
from willaq.cases.choices import CaseState
from willaq.cases.demo import demo_email
from willaq.cases.models import Case
from willaq.dialogue import clock
from willaq.dialogue.choices import (
    AttendanceStatus,
    CommitmentState,
    FundingSource,
    ParticipantKind,
    SpaceKind,
    SpaceState,
)
from willaq.dialogue.models import (
    Acta,
    Commitment,
    CommitmentEvidence,
    DialogueSession,
    DialogueSpace,
    Participant,
)
from willaq.dialogue.services import commitments, sessions, spaces

INSTITUTIONS = ("defensoria", "onds")

# A minimal PDF: the evidence files of the demo (checked by content like any upload).
DEMO_PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass(frozen=True)
class SpaceSpec:
    key: str
    kind: SpaceKind
    name: str
    institution: str  # slug of the convening institution
    started_days_ago: int
    planned_days_ahead: int  # the planned end, from today (negative: already past)
    held: int  # sessions that took place
    planned: int  # sessions still to come
    commitments: int  # clauses of its acta (0: no acta)
    company: str
    community: str
    case_index: int  # which of the institution's registered demo cases it follows
    parent: str = ""
    public: bool = False
    final_state: str = ""  # suspended or concluded at the end
    cancel_one: bool = False  # one planned session is cancelled


SPACES: tuple[SpaceSpec, ...] = (
    SpaceSpec(
        "roundtable",
        SpaceKind.DIALOGUE_TABLE,
        "Mesa de diálogo por el agua del río Ficticio",
        "defensoria",
        300,
        200,
        held=5,
        planned=1,
        commitments=18,
        company="Minera Ficticia Andina S.A.",
        community="Comunidad Campesina de Huaylla (ficticia)",
        case_index=0,
        public=True,
    ),
    SpaceSpec(
        "technical",
        SpaceKind.TECHNICAL_TABLE,
        "Mesa técnica de monitoreo ambiental participativo",
        "defensoria",
        260,
        150,
        held=3,
        planned=1,
        commitments=10,
        company="Minera Ficticia Andina S.A.",
        community="Comité de monitoreo de Huaylla (ficticio)",
        case_index=0,
        parent="roundtable",
        public=True,
    ),
    SpaceSpec(
        "development",
        SpaceKind.DEVELOPMENT_TABLE,
        "Mesa de desarrollo del corredor minero Inventado",
        "onds",
        400,
        300,
        held=4,
        planned=1,
        commitments=16,
        company="Minera Imaginaria Cordillera S.A.A.",
        community="Frente de Defensa de Inventado",
        case_index=0,
        public=True,
    ),
    SpaceSpec(
        "commission",
        SpaceKind.HIGH_LEVEL_COMMISSION,
        "Comisión de alto nivel para la remediación de la cuenca Imaginaria",
        "onds",
        200,
        160,
        held=3,
        planned=0,
        commitments=12,
        company="Petrolera Ficticia del Oriente S.A.",
        community="Federación de Comunidades Nativas Inventadas",
        case_index=1,
    ),
    SpaceSpec(
        "working_group",
        SpaceKind.WORKING_GROUP,
        "Grupo de trabajo de empleo local",
        "onds",
        150,
        120,
        held=2,
        planned=1,
        commitments=0,
        company="Minera Imaginaria Cordillera S.A.A.",
        community="Asociación de Transportistas de Inventado",
        case_index=0,
        parent="development",
    ),
    SpaceSpec(
        "reasentamiento",
        SpaceKind.DIALOGUE_TABLE,
        "Mesa de diálogo sobre el reasentamiento del anexo Ficticio",
        "onds",
        120,
        240,
        held=2,
        planned=1,
        commitments=12,
        company="Minera Ficticia Andina S.A.",
        community="Anexo Ficticio Alto",
        case_index=2,
    ),
    SpaceSpec(
        "tierras",
        SpaceKind.DEVELOPMENT_TABLE,
        "Mesa de desarrollo del convenio de tierras (concluida)",
        "defensoria",
        500,
        -5,
        held=3,
        planned=0,
        commitments=12,
        company="Agroindustrial Imaginaria S.A.C.",
        community="Comunidad Campesina de Llacta Inventada",
        case_index=1,
        final_state=SpaceState.CONCLUDED,
    ),
    SpaceSpec(
        "formalizacion",
        SpaceKind.TECHNICAL_TABLE,
        "Mesa técnica de formalización minera (suspendida)",
        "defensoria",
        90,
        180,
        held=1,
        planned=2,
        commitments=0,
        company="Cooperativa Minera Inventada",
        community="Asociación de Mineros Artesanales Ficticios",
        case_index=2,
        final_state=SpaceState.SUSPENDED,
        cancel_one=True,
    ),
)

# What becomes of the n-th commitment (cycled): covers every state, overdue, due within a week.
SCENARIOS = (
    "overdue_pending",
    "soon_pending",
    "in_progress",
    "fulfilled",
    "pending_future",
    "overdue_in_progress",
    "partly_fulfilled",
    "not_fulfilled",
    "soon_in_progress",
    "in_progress_unverified",
)

CLAUSES = (
    "Instalar una planta de tratamiento de agua potable para {community}",
    "Realizar un monitoreo participativo de la calidad del agua del río",
    "Mantener el camino vecinal hasta el centro poblado",
    "Ampliar la posta de salud con un módulo de atención materna",
    "Contratar mano de obra local no calificada en las obras",
    "Publicar el informe de fiscalización ambiental",
    "Financiar el expediente técnico del canal de riego",
    "Capacitar a los comuneros en vigilancia ambiental",
    "Construir aulas prefabricadas para la institución educativa",
    "Revisar el convenio de uso de tierras con la comunidad",
    "Electrificar los caseríos del ámbito de influencia",
    "Instalar una mesa de empleo con la municipalidad distrital",
)

FUNDING = (FundingSource.STATE, FundingSource.COMPANY, FundingSource.MIXED, FundingSource.OTHER)


def _lima(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _user(institution: Institution, role: str) -> User:
    return User.objects.get(email=demo_email(institution.slug, role))


def _registered_cases(institution: Institution) -> QuerySet[Case]:
    return Case.objects.filter(
        is_demo=True, institution=institution, state__in=[CaseState.ACTIVE, CaseState.LATENT]
    ).order_by("id")


def _case_and_place(institution: Institution, index: int) -> tuple[Case | None, str]:
    cases = list(_registered_cases(institution)[: index + 1])
    if not cases:
        return None, ""
    case = cases[min(index, len(cases) - 1)]
    principal = case.places.order_by("-is_principal", "id").select_related("ubigeo").first()
    return case, principal.ubigeo.code if principal else ""


def _session_days(spec: SpaceSpec, today: dt.date) -> tuple[list[dt.date], list[dt.date]]:
    """The days of the held sessions (spread from a week after installation to a week, or for
    a concluded space a month, ago) and of the planned ones (weekly from next week)."""
    first = today - dt.timedelta(days=spec.started_days_ago - 7)
    last = today - dt.timedelta(days=30 if spec.final_state == SpaceState.CONCLUDED else 7)
    step = (last - first).days // max(spec.held - 1, 1)
    held = [first + dt.timedelta(days=step * n) for n in range(spec.held)]
    planned = [today + dt.timedelta(days=7 * (n + 1)) for n in range(spec.planned)]
    return held, planned


@dataclass
class Seeded:
    space: DialogueSpace
    debtors: list[Participant]
    acta: Acta | None


def seed_space(
    spec: SpaceSpec,
    institutions: dict[str, Institution],
    parents: dict[str, DialogueSpace],
    today: dt.date,
    counts: Counter[str],
) -> Seeded:
    institution = institutions[spec.institution]
    coordinator = _user(institution, Role.COORDINATOR)
    facilitator = _user(institution, Role.FACILITATOR)
    case, place = _case_and_place(institution, spec.case_index)
    space = spaces.convene_space(
        coordinator,
        institution,
        spaces.SpaceInput(
            kind=spec.kind,
            name=spec.name,
            start_date=today - dt.timedelta(days=spec.started_days_ago),
            planned_end_date=today + dt.timedelta(days=spec.planned_days_ahead),
            description=(
                "Espacio de demostración: seguimiento de los acuerdos entre el Estado, la empresa "
                "y la comunidad."
            ),
            ground_rules="Las decisiones se toman por consenso; las actas se publican.",
            internal_notes="Nota interna de demostración: la dirigencia pide reserva.",
            place=place,
            parent=str(parents[spec.parent].uuid) if spec.parent else "",
            cases=[str(case.uuid)] if case else [],
            facilitators=[facilitator.pk],
        ),
    )
    counts["espacios"] += 1
    other = institutions[next(s for s in INSTITUTIONS if s != spec.institution)]
    seated = spaces.add_participant(
        coordinator,
        space,
        spaces.ParticipantInput(
            kind=ParticipantKind.INSTITUTION,
            institution=other.slug,
            representative="Jefe de la oficina desconcentrada (demo)",
        ),
    )
    company = spaces.add_participant(
        coordinator,
        space,
        spaces.ParticipantInput(
            kind=ParticipantKind.COMPANY,
            name=spec.company,
            representative="Gerente de relaciones comunitarias (demo)",
        ),
    )
    community = spaces.add_participant(
        coordinator,
        space,
        spaces.ParticipantInput(
            kind=ParticipantKind.COMMUNITY,
            name=spec.community,
            representative="Presidente de la directiva (demo)",
        ),
    )
    convener = space.participants.get(institution=institution)
    everyone = [convener, seated, company, community]
    held_days, planned_days = _session_days(spec, today)
    acta: Acta | None = None
    for number, day in enumerate(held_days):
        session = sessions.schedule_session(
            coordinator,
            space,
            sessions.SessionInput(
                starts_at=_lima(day),
                ends_at=_lima(day, 13),
                place=f"Local comunal de {spec.community}",
                agenda="Informe de avances; compromisos pendientes; próximos pasos.",
            ),
        )
        sessions.record_session(
            coordinator,
            session,
            attendance=[
                sessions.AttendanceInput(
                    str(p.uuid),
                    AttendanceStatus.ABSENT
                    if p == company and number % 3 == 2
                    else AttendanceStatus.PRESENT,
                )
                for p in everyone
            ],
            minutes="Ayuda memoria de demostración: se revisó el avance de los acuerdos.",
            next_steps="Verificar en campo los avances informados.",
        )
        counts["sesiones"] += 1
        # The acta is signed at the first session (at least six weeks ago: room for overdue).
        if number == 0 and spec.commitments:
            acta = sessions.sign_acta(
                coordinator,
                session,
                sessions.ActaInput(
                    title=f"Acta de acuerdos — {spec.name}",
                    signed_on=day,
                    signatories=[str(p.uuid) for p in everyone],
                ),
            )
            counts["actas"] += 1
    for number, day in enumerate(planned_days):
        session = sessions.schedule_session(
            coordinator,
            space,
            sessions.SessionInput(starts_at=_lima(day), place="Auditorio de la municipalidad"),
        )
        counts["sesiones"] += 1
        if spec.cancel_one and number == 0:
            sessions.cancel_session(coordinator, session, "Suspendida a pedido de las partes.")
    return Seeded(space, [seated, company, community, convener], acta)


def _evidence(
    user: User, commitment: Commitment, n: int, amount: Decimal | None, *, as_file: bool
) -> CommitmentEvidence:
    return commitments.add_evidence(
        user,
        commitment,
        commitments.EvidenceInput(
            description=f"Informe de avance n.º {n} (demo)",
            url="" if as_file else f"https://example.org/willaq-demo/evidencia-{n}",
            amount_executed=amount,
            file=SimpleUploadedFile(f"informe-{n}.pdf", DEMO_PDF) if as_file else None,
        ),
    )


def seed_commitments(
    seeded: Seeded, spec: SpaceSpec, start: int, today: dt.date, counts: Counter[str]
) -> None:
    """The clauses of the space's acta; ``start`` numbers them across the demo (scenarios)."""
    acta = seeded.acta
    if acta is None:
        return
    institution = seeded.space.institution
    coordinator = _user(institution, Role.COORDINATOR)
    facilitator = _user(institution, Role.FACILITATOR)
    days = dt.timedelta
    for n in range(spec.commitments):
        i = start + n
        scenario = SCENARIOS[i % len(SCENARIOS)]
        debtors = seeded.debtors
        responsible = [debtors[i % len(debtors)]]
        if i % 5 == 0:  # shared between the seated institution and the company
            responsible = [debtors[0], debtors[1]]
        has_money = i % 3 == 0 or scenario in ("fulfilled", "partly_fulfilled")
        amount = Decimal(50_000 * (1 + i % 9)) if has_money else None
        due = {
            "overdue_pending": today - days(5 + i % 20),
            "overdue_in_progress": today - days(2 + i % 15),
            "not_fulfilled": today - days(10 + i % 20),
            "soon_pending": today + days(1 + i % 6),
            "soon_in_progress": today + days(i % 7),
            "fulfilled": today - days(i % 25),
            "partly_fulfilled": today - days(1 + i % 10),
            "in_progress": today + days(30 + i),
            "pending_future": today + days(60 + i),
            "in_progress_unverified": today + days(90 + i),
        }[scenario]
        commitment = commitments.add_commitment(
            coordinator,
            acta,
            commitments.CommitmentInput(
                description=CLAUSES[i % len(CLAUSES)].format(community=spec.community),
                due_date=max(due, acta.signed_on),
                responsible=[str(p.uuid) for p in responsible],
                amount=amount,
                funding_source=FUNDING[i % len(FUNDING)] if amount else "",
                weight=Decimal(2) if i % 7 == 0 else None,
                internal_notes="Nota interna de demostración." if i % 4 == 0 else "",
            ),
        )
        counts["compromisos"] += 1
        progress = 20 + (i * 7) % 60
        if scenario in ("in_progress", "overdue_in_progress", "soon_in_progress"):
            _progress(coordinator, commitment, CommitmentState.IN_PROGRESS, progress)
        elif scenario == "in_progress_unverified":
            _evidence(coordinator, commitment, i, None, as_file=False)
            counts["evidencias"] += 1
            _progress(coordinator, commitment, CommitmentState.IN_PROGRESS, progress)
        elif scenario == "fulfilled":
            evidence = _evidence(coordinator, commitment, i, amount, as_file=i % 2 == 0)
            commitments.verify_evidence(facilitator, evidence)
            counts["evidencias"] += 1
            _progress(coordinator, commitment, CommitmentState.FULFILLED, 100)
        elif scenario == "partly_fulfilled":
            half = (amount / 2).quantize(Decimal("0.01")) if amount else None
            evidence = _evidence(coordinator, commitment, i, half, as_file=True)
            commitments.verify_evidence(facilitator, evidence)
            counts["evidencias"] += 1
            _progress(coordinator, commitment, CommitmentState.PARTLY_FULFILLED, 60)
        elif scenario == "not_fulfilled":
            _progress(coordinator, commitment, CommitmentState.NOT_FULFILLED, 10)


def _progress(user: User, commitment: Commitment, state: str, progress: int) -> None:
    commitments.report_progress(
        user,
        commitment,
        commitments.ProgressInput(state, progress, note="Avance informado en sesión (demo)."),
    )


def finish_space(seeded: Seeded, spec: SpaceSpec, today: dt.date) -> None:
    """Publish, suspend or conclude, as the spec says."""
    coordinator = _user(seeded.space.institution, Role.COORDINATOR)
    if spec.public:
        spaces.set_space_public(coordinator, seeded.space, True)
    if spec.final_state == SpaceState.SUSPENDED:
        spaces.change_space_state(coordinator, seeded.space, SpaceState.SUSPENDED)
    elif spec.final_state == SpaceState.CONCLUDED:
        spaces.change_space_state(
            coordinator, seeded.space, SpaceState.CONCLUDED, end_date=today - dt.timedelta(days=20)
        )


def seed(institutions: dict[str, Institution], counts: Counter[str]) -> list[DialogueSpace]:
    """The whole dialogue demo; every record made is marked ``is_demo``."""
    today = clock.today()
    made: dict[str, DialogueSpace] = {}
    start = 0
    for spec in SPACES:
        seeded = seed_space(spec, institutions, made, today, counts)
        seed_commitments(seeded, spec, start, today, counts)
        start += spec.commitments
        finish_space(seeded, spec, today)
        made[spec.key] = seeded.space
    ids = [s.pk for s in made.values()]
    DialogueSpace.objects.filter(pk__in=ids).update(is_demo=True)
    DialogueSession.objects.filter(space__in=ids).update(is_demo=True)
    Acta.objects.filter(session__space__in=ids).update(is_demo=True)
    Commitment.objects.filter(space__in=ids).update(is_demo=True)
    CommitmentEvidence.objects.filter(commitment__space__in=ids).update(is_demo=True)
    return list(made.values())

"""Prior consultation's demo data, on top of the case demo: organisations and authorities of
some peoples, interpreters in several languages, and three consultation processes at different
stages, one linked to a demo case. Everything is invented ("Ficticia", "(demo)"); peoples,
languages and places are the real registry. Written through the services, as a user would."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from willaq.accounts.models import Institution, Role, User
from willaq.cases.choices import CaseState
from willaq.cases.demo import demo_email
from willaq.cases.models import Case
from willaq.consultation.choices import STAGE_ORDER
from willaq.consultation.models import ConsultationProcess
from willaq.consultation.services.agreements import (
    AgreementInput,
    add_agreement,
    assign_interpreter,
    follow_agreement,
)
from willaq.consultation.services.processes import (
    ProcessInput,
    StageInput,
    open_process,
    record_stage,
    update_stage,
)
from willaq.peoples.models import Interpreter, Language
from willaq.peoples.services import (
    AuthorityInput,
    InterpreterInput,
    LanguageSkill,
    OrganisationInput,
    register_authority,
    register_interpreter,
    register_organisation,
)

DEMO_MARK = "(demo)"
INSTITUTIONS = ("defensoria", "onds")


@dataclass(frozen=True)
class InterpreterSpec:
    name: str
    department: str
    languages: tuple[tuple[str, str], ...]
    certified: bool = True


INTERPRETERS = (
    InterpreterSpec("Rosa Tsamajain Yampis (demo)", "010000", (("awajun", "Awajún del Nieva"),)),
    InterpreterSpec("Elmer Shimpukat Wampis (demo)", "160000", (("wampis", ""), ("awajun", ""))),
    InterpreterSpec("Luz Marina Huamán Quispe (demo)", "050000", (("quechua", "Quechua Chanka"),)),
    InterpreterSpec("Teodoro Sánchez Mori (demo)", "250000", (("shipibo-konibo", ""),)),
    InterpreterSpec("Nancy Chimanca Rodríguez (demo)", "120000", (("ashaninka", ""),)),
    InterpreterSpec("Julio Ahuanari Tapullima (demo)", "160000", (("kukama-kukamiria", ""),)),
    InterpreterSpec("Mercedes Sandi Pitiur (demo)", "160000", (("achuar", ""),), False),
)


def _user(institution: Institution) -> User:
    return User.objects.get(email=demo_email(institution.slug, Role.ANALYST))


def _case_in(institution: Institution, department: str) -> Case | None:
    cases = Case.objects.filter(
        is_demo=True, institution=institution, state__in=[CaseState.ACTIVE, CaseState.LATENT]
    ).order_by("id")
    return cases.filter(places__ubigeo__department_code=department).first() or cases.first()


def seed_registry(institutions: dict[str, Institution], counts: Counter[str]) -> None:
    user = _user(institutions["defensoria"])
    today = timezone.localdate()
    for index, spec in enumerate(INTERPRETERS):
        register_interpreter(
            user,
            InterpreterInput(
                full_name=spec.name,
                department=spec.department,
                languages=[LanguageSkill(slug, variety) for slug, variety in spec.languages],
                registry_number=f"RNI-DEMO-{index + 1:03d}" if spec.certified else "",
                certified_on=today - dt.timedelta(days=400 + 90 * index)
                if spec.certified
                else None,
                phone=f"+5198700{index:04d}",
                email=f"interprete{index + 1}@ejemplo.demo",
            ),
        )
        counts["intérpretes"] += 1
    federation = register_organisation(
        user,
        OrganisationInput(
            name="Federación Ficticia de Comunidades Awajún y Wampis (demo)",
            acronym="FEFICAW",
            level="regional",
            peoples=["awajun", "wampis"],
            ubigeo="010000",
            contact_name="Secretaría de la federación",
            phone="+51041000111",
        ),
    )
    register_organisation(
        user,
        OrganisationInput(
            name="Organización Imaginaria de Pueblos del Corrientes (demo)",
            acronym="OIPC",
            level="local",
            peoples=["achuar", "kichwa"],
            ubigeo="160000",
            email="oipc@ejemplo.demo",
        ),
    )
    register_organisation(
        user,
        OrganisationInput(
            name="Central Inventada de Comunidades Campesinas Quechuas (demo)",
            acronym="CICCQ",
            level="regional",
            peoples=["quechuas"],
            ubigeo="080000",
        ),
    )
    counts["organizaciones"] += 3
    for people, name, position, org in (
        ("awajun", "Apu Santiago Kayap Jempekit (demo)", "Apu", str(federation.uuid)),
        ("wampis", "Pamuk Shuar Nunink (demo)", "Pamuk del Gobierno Territorial", ""),
        ("quechuas", "Valentina Ccori Huillca (demo)", "Presidenta comunal", ""),
        ("achuar", "Apu Héctor Sandi Chumpi (demo)", "Apu", ""),
    ):
        register_authority(
            user,
            AuthorityInput(
                people=people,
                full_name=name,
                position=position,
                term_start=today - dt.timedelta(days=300),
                term_end=today + dt.timedelta(days=430),
                organisation=org,
                phone="+51987111222",
            ),
        )
        counts["autoridades"] += 1


def _through(user: User, process: ConsultationProcess, stages: int, start: dt.date) -> None:
    for index, stage in enumerate(STAGE_ORDER[:stages]):
        started = start + dt.timedelta(days=30 * index)
        last = index == stages - 1
        record_stage(
            user,
            process,
            StageInput(
                stage=stage,
                started_on=started,
                ended_on=None if last else started + dt.timedelta(days=20),
                attendees=None if index < 3 else 40 + 7 * index,
                attendance="" if index < 3 else "Representantes de las comunidades y federaciones",
                summary="",
            ),
        )


def seed_processes(institutions: dict[str, Institution], counts: Counter[str]) -> None:
    today = timezone.localdate()
    onds, dp = institutions["onds"], institutions["defensoria"]
    onds_user, dp_user = _user(onds), _user(dp)

    case = _case_in(dp, "160000")
    oil = open_process(
        onds_user,
        ProcessInput(
            title=f"Lote petrolero Ficticio 300 {DEMO_MARK}",
            measure_kind="administrative",
            measure_type="hydrocarbon_lot",
            measure_description="Decreto supremo que aprobaría la suscripción del contrato de "
            "licencia para la exploración y explotación del lote.",
            peoples=["achuar", "kichwa", "kukama-kukamiria"],
            localities=["160000"],
            cases=[str(case.uuid)] if case else [],
            internal_notes="Coordinar con la Defensoría la presencia de observadores.",
        ),
        institution=onds,
    )
    _through(onds_user, oil, 6, today - dt.timedelta(days=200))
    dialogue = oil.stages.get(stage="dialogue")
    interpreter = Interpreter.objects.get(full_name__startswith="Julio Ahuanari")
    assign_interpreter(
        onds_user, interpreter, Language.objects.get(slug="kukama-kukamiria"), stage=dialogue
    )
    for description, responsible, due, state in (
        ("Monitoreo ambiental participativo con las comunidades", "OEFA", -20, "pending"),
        ("Fondo social para proyectos de las comunidades", "Operador del lote", 60, "in_progress"),
        ("Remediación de sitios impactados previos", "Ministerio de Energía", -90, "fulfilled"),
    ):
        agreement = add_agreement(
            onds_user,
            oil,
            AgreementInput(description, responsible, today + dt.timedelta(days=due)),
        )
        if state != "pending":
            follow_agreement(onds_user, agreement, state)
        counts["acuerdos"] += 1
    counts["procesos"] += 1

    mine = open_process(
        onds_user,
        ProcessInput(
            title=f"Proyecto minero Imaginario Ccori {DEMO_MARK}",
            measure_kind="administrative",
            measure_type="mining_concession",
            peoples=["quechuas"],
            localities=["080000", "030000"],
        ),
        institution=onds,
    )
    _through(onds_user, mine, 3, today - dt.timedelta(days=70))
    counts["procesos"] += 1

    regulation = open_process(
        dp_user,
        ProcessInput(
            title=f"Reglamento Ficticio de gestión forestal comunal {DEMO_MARK}",
            measure_kind="legislative",
            measure_type="regulation",
            peoples=["awajun", "wampis", "ashaninka", "shipibo-konibo"],
            localities=["010000", "120000", "250000"],
        ),
        institution=dp,
    )
    _through(dp_user, regulation, 7, today - dt.timedelta(days=400))
    decision = regulation.stages.get(stage="decision")
    from_date = decision.started_on
    # The decision, once ended, closes the process.
    update_stage(
        dp_user,
        decision,
        StageInput(stage="decision", started_on=from_date, ended_on=from_date),
    )
    counts["procesos"] += 1

"""Demo data of complaints (``manage.py seed_complaints_demo``), on top of the case demo: the
environmental agency (slug ``settings.WILLAQ_COMPLAINTS_DEFAULT_INSTITUTION``) with an analyst
and a coordinator, and complaints in every state, some overdue, one routed to the ombudsman,
one joined to a demo case. Everything goes through the services. The content is invented."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from willaq.accounts.models import Institution, InstitutionKind, Membership, Role, User
from willaq.cases.access import visible_cases
from willaq.cases.demo import DEMO_PASSWORD, demo_email
from willaq.complaints.choices import ComplaintKind, ComplaintState
from willaq.complaints.models import Complaint
from willaq.complaints.services import handling
from willaq.complaints.services.intake import ComplaintInput, submit_complaint
from willaq.territory.models import Ubigeo

AGENCY_NAME = "Organismo de Evaluación y Fiscalización Ambiental"
AGENCY_ACRONYM = "OEFA"


@dataclass(frozen=True)
class ComplaintSpec:
    kind: ComplaintKind
    text: str
    district: str  # ubigeo
    days_ago: int
    state: ComplaintState
    anonymous: bool = False
    routed: bool = False


SPECS: tuple[ComplaintSpec, ...] = (
    ComplaintSpec(
        ComplaintKind.DISCHARGE,
        "Un desagüe descarga agua espumosa y gris al río desde la Empresa Ficticia de Curtidos.",
        "080101",
        1,
        ComplaintState.RECEIVED,
    ),
    ComplaintSpec(
        ComplaintKind.EMISSIONS,
        "Humo negro sale de noche por la chimenea de la Ladrillera Imaginaria; los niños tosen.",
        "150132",
        3,
        ComplaintState.RECEIVED,
        anonymous=True,
    ),
    ComplaintSpec(
        ComplaintKind.WASTE,
        "Botan basura y restos de animales en la quebrada junto al camino a la comunidad.",
        "030101",
        60,
        ComplaintState.RECEIVED,
    ),
    ComplaintSpec(
        ComplaintKind.LOGGING,
        "Tala de árboles en la ladera y quema de la madera, desde hace dos semanas.",
        "250101",
        20,
        ComplaintState.ADMITTED,
    ),
    ComplaintSpec(
        ComplaintKind.SPILL,
        "Manchas de petróleo en la orilla de la quebrada cerca del oleoducto, olor fuerte.",
        "160101",
        55,
        ComplaintState.ADMITTED,
    ),
    ComplaintSpec(
        ComplaintKind.MINING,
        "Relaves de la Minera Inventada se filtran al canal de riego de la comunidad.",
        "040101",
        35,
        ComplaintState.INSPECTED,
    ),
    ComplaintSpec(
        ComplaintKind.NOISE,
        "Ruido de maquinaria toda la noche en la obra de la Constructora Ficticia.",
        "130101",
        25,
        ComplaintState.ANSWERED,
    ),
    ComplaintSpec(
        ComplaintKind.OTHER,
        "Un vecino cría cerdos en el patio y hay mal olor.",
        "150101",
        15,
        ComplaintState.DISMISSED,
        anonymous=True,
    ),
    ComplaintSpec(
        ComplaintKind.DISCHARGE,
        "Aguas servidas del camal municipal corren a la acequia del barrio.",
        "210101",
        70,
        ComplaintState.CLOSED,
    ),
    ComplaintSpec(
        ComplaintKind.WASTE,
        "Un botadero informal crece al lado del colegio y atrae perros y moscas.",
        "080108",
        8,
        ComplaintState.RECEIVED,
        routed=True,
    ),
)

NAMES = ("Juana Quispe (demo)", "Pedro Mamani (demo)", "Lucía Huamán (demo)")


def seed_agency(counts: Counter[str]) -> tuple[Institution, User, User]:
    agency, created = Institution.objects.get_or_create(
        slug=settings.WILLAQ_COMPLAINTS_DEFAULT_INSTITUTION,
        defaults={"name": AGENCY_NAME, "acronym": AGENCY_ACRONYM, "kind": InstitutionKind.AGENCY},
    )
    counts["instituciones"] += int(created)
    people: list[User] = []
    for role, name in (
        (Role.ANALYST, "Elena Evaluadora (demo)"),
        (Role.COORDINATOR, "Félix Fiscalizador (demo)"),
    ):
        email = demo_email(agency.slug, role)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
            counts["usuarios"] += 1
        Membership.objects.get_or_create(
            user=user, institution=agency, role=role, defaults={"is_active": True}
        )
        people.append(user)
    return agency, people[0], people[1]


def seed_complaints(
    agency: Institution, analyst: User, now: dt.datetime, counts: Counter[str]
) -> list[Complaint]:
    ombudsman = Institution.objects.filter(slug="defensoria").first()
    demo_case = visible_cases(analyst).order_by("id").first()
    made: list[Complaint] = []
    for index, spec in enumerate(SPECS):
        ubigeo = Ubigeo.objects.filter(code=spec.district).first()
        complaint, created = submit_complaint(
            ComplaintInput(
                institution=agency,
                kind=spec.kind,
                description=spec.text,
                ubigeo_code=ubigeo.code if ubigeo else "",
                latitude=None if ubigeo else -12.05,
                longitude=None if ubigeo else -77.04,
                location="",
                occurred_on=(now - dt.timedelta(days=spec.days_ago + 2)).date(),
                is_anonymous=spec.anonymous,
                complainant_name="" if spec.anonymous else NAMES[index % len(NAMES)],
                complainant_contact="" if spec.anonymous else f"+519840{index:05d}",
            ),
            client_address="demo",
            now=now - dt.timedelta(days=spec.days_ago),
            is_demo=True,
        )
        if not created:
            continue
        counts["denuncias"] += 1
        _advance(complaint, spec, analyst, ombudsman)
        made.append(complaint)
    if demo_case is not None and made:
        handling.link_case(analyst, made[3], case=demo_case)
    return made


def _advance(
    complaint: Complaint, spec: ComplaintSpec, analyst: User, ombudsman: Institution | None
) -> None:
    if spec.routed and ombudsman is not None:
        handling.route(
            analyst,
            complaint,
            to=ombudsman,
            reason="Botadero municipal: compete a la municipalidad; la Defensoría lo sigue.",
        )
        return
    if spec.state == ComplaintState.RECEIVED:
        return
    if spec.state == ComplaintState.DISMISSED:
        handling.triage(
            analyst,
            complaint,
            admit=False,
            public_answer="La crianza de animales en una vivienda no es competencia del OEFA: "
            "acuda a su municipalidad distrital.",
        )
        return
    handling.triage(analyst, complaint, admit=True, note="Admitida: hay indicios suficientes.")
    if spec.state == ComplaintState.ADMITTED:
        return
    inspected = timezone.localtime(complaint.received_at).date() + dt.timedelta(days=5)
    handling.record_inspection(
        analyst,
        complaint,
        inspected_on=inspected,
        findings="Se constató la situación denunciada y se tomaron muestras.",
    )
    if spec.state == ComplaintState.INSPECTED:
        return
    handling.answer(
        analyst,
        complaint,
        public_answer="Se inspeccionó el lugar, se tomaron muestras y se inició un procedimiento "
        "de fiscalización. Gracias por su denuncia.",
    )
    if spec.state == ComplaintState.CLOSED:
        handling.close(analyst, complaint)

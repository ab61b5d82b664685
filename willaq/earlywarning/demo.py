"""Demo data of early warning (``manage.py seed_earlywarning_demo``), on top of the case demo.

- the reporter network: in each demo institution a reporter at every level, spread over the
  departments of the demo cases, the demo reporter account among them, some reachable only by SMS;
- pre-alerts from each channel (web form, ODK Collect, SMS, API) in every review state, each with
  the raw payload its channel sends;
- alerts: public and restricted, one update and one cancellation;
- deployment orders on time, due soon and overdue.

Everything is made through the services (audit records, notifications), back-dated with
time-machine-free explicit moments where the services accept them. The content is invented.
"""

import datetime as dt
import json
import uuid
from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet

from willaq.accounts.models import Institution, Role, User
from willaq.cases.choices import ActorTypeCode, CaseState, EventType, SubEventType
from willaq.cases.demo import demo_email
from willaq.cases.models import Case, Category, Event
from willaq.earlywarning.choices import (
    AlertCertainty,
    AlertLevel,
    AlertUrgency,
    Channel,
    OrderState,
    ReporterLevel,
)
from willaq.earlywarning.models import Alert, DeploymentOrder, PreAlert, Reporter
from willaq.earlywarning.openrosa.submission import Sender, receive_submission
from willaq.earlywarning.openrosa.xlsform import prealert_xform
from willaq.earlywarning.services import alerts, response, triage
from willaq.earlywarning.services.intake import receive_prealert
from willaq.earlywarning.services.sms import IncomingSms, receive_sms
from willaq.territory.models import Ubigeo


@dataclass(frozen=True)
class ReporterSpec:
    name: str
    level: ReporterLevel
    territory: tuple[str, ...]
    phone: str
    email: str = ""


# Per institution slug: one reporter at every level (the first is the demo reporter account).
NETWORK: dict[str, tuple[ReporterSpec, ...]] = {
    "defensoria": (
        ReporterSpec(
            "Rosa Reportera (demo)", ReporterLevel.FIELD_OFFICER, ("080000",), "+51984000101"
        ),
        ReporterSpec(
            "Hilario Quispe Mamani",
            ReporterLevel.REGIONAL_GOVERNOR,
            ("210000",),
            "+51984000102",
            "hquispe@example.pe",
        ),
        ReporterSpec(
            "Yolanda Ccahuana Huillca",
            ReporterLevel.PROVINCIAL_GOVERNOR,
            ("080700",),
            "+51984000103",
        ),
        ReporterSpec(
            "Teodoro Huamán Condori",
            ReporterLevel.DISTRICT_GOVERNOR,
            ("080701", "080702"),
            "+51984000104",
        ),
        ReporterSpec(
            "Marina Apaza Choque", ReporterLevel.JUSTICE_OF_PEACE, ("030500",), "+51984000105"
        ),
        ReporterSpec(
            "Julián Tarazona Rímac",
            ReporterLevel.COMMISSIONER,
            ("020000",),
            "+51984000106",
            "jtarazona@example.pe",
        ),
        ReporterSpec("Elena Saavedra Ruiz", ReporterLevel.VOLUNTEER, ("200000",), "+51984000107"),
        ReporterSpec(
            "Wilber Ancco Soncco",
            ReporterLevel.REGIONAL_STAFF,
            ("030000",),
            "+51984000108",
            "wancco@example.pe",
        ),
        ReporterSpec("Nelly Chávez Torres", ReporterLevel.LOCAL_STAFF, ("060100",), "+51984000109"),
    ),
    "onds": (
        ReporterSpec(
            "Raúl Reportero (demo)", ReporterLevel.FIELD_OFFICER, ("030000",), "+51984000201"
        ),
        ReporterSpec(
            "Pedro Sangama Tapullima", ReporterLevel.REGIONAL_GOVERNOR, ("160000",), "+51984000202"
        ),
        ReporterSpec(
            "Gloria Inga Paredes",
            ReporterLevel.PROVINCIAL_GOVERNOR,
            ("120100",),
            "+51984000203",
            "ginga@example.pe",
        ),
        ReporterSpec(
            "Santos Ayala Ñaupari", ReporterLevel.DISTRICT_GOVERNOR, ("120101",), "+51984000204"
        ),
        ReporterSpec(
            "Fortunata Vilca Mendoza", ReporterLevel.JUSTICE_OF_PEACE, ("040000",), "+51984000205"
        ),
        ReporterSpec(
            "Ángel Rojas Cárdenas", ReporterLevel.COMMISSIONER, ("060000",), "+51984000206"
        ),
        ReporterSpec("Lucía Pacaya Ahuanari", ReporterLevel.VOLUNTEER, ("160100",), "+51984000207"),
        ReporterSpec(
            "Moisés Laura Ticona",
            ReporterLevel.REGIONAL_STAFF,
            ("210000",),
            "+51984000208",
            "mlaura@example.pe",
        ),
        ReporterSpec(
            "Carmen Huertas Villar", ReporterLevel.LOCAL_STAFF, ("020100",), "+51984000209"
        ),
    ),
}


def _reporter_account(institution: Institution) -> User | None:
    membership = (
        institution.memberships.filter(role=Role.REPORTER, is_active=True)
        .select_related("user")
        .order_by("id")
        .first()
    )
    return membership.user if membership else None


def seed_network(
    institutions: dict[str, Institution], counts: Counter[str]
) -> dict[str, list[Reporter]]:
    """The reporter network of each demo institution."""
    network: dict[str, list[Reporter]] = {}
    for slug, specs in NETWORK.items():
        institution = institutions[slug]
        account = _reporter_account(institution)
        reporters = []
        for index, spec in enumerate(specs):
            reporter = Reporter.objects.create(
                institution=institution,
                user=account if index == 0 else None,
                name=spec.name,
                level=spec.level,
                phone=spec.phone,
                email=spec.email or (account.email if index == 0 and account else ""),
                is_demo=True,
            )
            reporter.territories.set(Ubigeo.objects.filter(code__in=spec.territory))
            reporters.append(reporter)
            counts["reporteros"] += 1
        network[slug] = reporters
    return network


# --- pre-alerts --------------------------------------------------------------------------------

# What the analysts do with a demo pre-alert.
RECEIVED, IN_REVIEW, HAS_ISSUES, TO_EVENT, TO_CASE, REJECTED, DUPLICATE = (
    "received",
    "in_review",
    "has_issues",
    "to_event",
    "to_case",
    "rejected",
    "duplicate",
)


@dataclass(frozen=True)
class PreAlertSpec:
    institution: str
    reporter: int  # index in NETWORK[institution]
    channel: Channel
    hours_ago: float
    place: str  # ubigeo code (or, for SMS, the text's place)
    description: str
    outcome: str
    urgency: str = "medium"
    actors: str = ""
    demands: str = ""
    measures: str = ""
    measures_in_days: int | None = None
    sms_text: str = ""


PREALERTS: tuple[PreAlertSpec, ...] = (
    # The ombudsman's network (Cusco, Apurímac, Puno, Áncash, Piura).
    PreAlertSpec(
        "defensoria",
        0,
        Channel.WEB,
        2,
        "080701",
        "Asamblea comunal acordó bloquear el corredor minero si no llega la comisión.",
        RECEIVED,
        "high",
        "Frente de Defensa de Chumbivilcas; empresa minera",
        "Instalación de una mesa de diálogo",
        "Paro indefinido",
        3,
    ),
    PreAlertSpec(
        "defensoria",
        3,
        Channel.SMS,
        5,
        "Velille",
        "",
        RECEIVED,
        "high",
        sms_text="ALERTA Velille ALTA comuneros anuncian bloqueo de la via el lunes",
    ),
    PreAlertSpec(
        "defensoria",
        2,
        Channel.SMS,
        9,
        "",
        "",
        RECEIVED,
        sms_text="hay problemas en la comunidad gente molesta por el agua",
    ),
    PreAlertSpec(
        "defensoria",
        0,
        Channel.ODK,
        20,
        "080702",
        "Rondas campesinas retienen a dos trabajadores de una contratista.",
        IN_REVIEW,
        "critical",
        "Rondas campesinas de Capacmarca; contratista vial",
        "Liberación condicionada al pago de jornales atrasados",
    ),
    PreAlertSpec(
        "defensoria",
        1,
        Channel.API,
        30,
        "210100",
        "Gremios agrarios convocan a marcha regional por el precio de la papa.",
        HAS_ISSUES,
        "medium",
        "Federación Agraria Departamental",
        "Precio de refugio para la papa",
        "Marcha regional",
        5,
    ),
    PreAlertSpec(
        "defensoria",
        4,
        Channel.WEB,
        50,
        "030501",
        "Enfrentamiento verbal entre comuneros y personal de la mina por el uso de un "
        "camino; la policía llegó al mediodía.",
        TO_EVENT,
        "high",
        "Comunidad campesina; personal de la minera",
    ),
    PreAlertSpec(
        "defensoria",
        5,
        Channel.ODK,
        70,
        "020101",
        "Vecinos se oponen a la ampliación del relleno sanitario y toman el local municipal.",
        TO_CASE,
        "high",
        "Junta vecinal; municipalidad provincial",
        "Reubicación del relleno sanitario",
        "Toma de local",
        0,
    ),
    PreAlertSpec(
        "defensoria",
        6,
        Channel.SMS,
        80,
        "Sullana",
        "",
        REJECTED,
        sms_text="ALERTA Sullana BAJA fiesta patronal con mucha gente",
    ),
    PreAlertSpec(
        "defensoria",
        3,
        Channel.WEB,
        4,
        "080701",
        "El corredor minero será bloqueado desde el lunes, dice la asamblea.",
        DUPLICATE,
        "high",
    ),
    # The national office's network (Apurímac, Loreto, Junín, Arequipa, Cajamarca).
    PreAlertSpec(
        "onds",
        0,
        Channel.WEB,
        1,
        "030601",
        "Transportistas anuncian paro por el mal estado de la carretera.",
        RECEIVED,
        "medium",
        "Asociación de transportistas",
        "Mantenimiento de la vía",
        "Paro de 48 horas",
        6,
    ),
    PreAlertSpec(
        "onds",
        1,
        Channel.API,
        12,
        "160101",
        "Federación indígena denuncia derrame de crudo en una quebrada.",
        IN_REVIEW,
        "critical",
        "Federación de comunidades nativas; empresa petrolera",
        "Remediación y atención de salud",
        "Toma de estación",
        2,
    ),
    PreAlertSpec(
        "onds",
        3,
        Channel.SMS,
        26,
        "Huancayo",
        "",
        HAS_ISSUES,
        sms_text="ALERTA Huancayo MEDIA comerciantes protestan",
    ),
    PreAlertSpec(
        "onds",
        4,
        Channel.ODK,
        40,
        "040101",
        "Agricultores del valle bloquean la vía en rechazo al proyecto minero.",
        TO_EVENT,
        "high",
        "Junta de usuarios de riego",
        "Cancelación del proyecto",
    ),
    PreAlertSpec(
        "onds",
        5,
        Channel.API,
        60,
        "060101",
        "Rondas campesinas exigen consulta antes de la exploración en la cabecera de cuenca.",
        TO_CASE,
        "medium",
        "Rondas campesinas; empresa minera",
        "Consulta a las comunidades",
    ),
    PreAlertSpec(
        "onds",
        6,
        Channel.WEB,
        90,
        "160101",
        "Prueba de envío desde la capacitación de reporteros.",
        REJECTED,
        "low",
    ),
)


def _odk_instance(spec: PreAlertSpec, instance_id: str, when: dt.datetime) -> bytes:
    form = prealert_xform()
    district = Ubigeo.objects.get(code=spec.place)
    measures_date = (
        (when.date() + dt.timedelta(days=spec.measures_in_days)).isoformat()
        if spec.measures_in_days is not None
        else ""
    )
    return (
        f'<?xml version=\'1.0\' ?><data id="{form.form_id}" version="{form.version}" '
        'xmlns:orx="http://openrosa.org/xforms">'
        f"<modo_lugar>territorio</modo_lugar><departamento>{district.department_code}"
        f"</departamento><provincia>{district.province_code}</provincia>"
        f"<distrito>{district.code}</distrito><ubicacion/><localidad/>"
        f"<fecha_hecho>{when.date().isoformat()}</fecha_hecho>"
        f"<descripcion>{spec.description}</descripcion><actores>{spec.actors}</actores>"
        f"<demandas>{spec.demands}</demandas><medidas>{spec.measures}</medidas>"
        f"<fecha_medidas>{measures_date}</fecha_medidas><urgencia>{spec.urgency}</urgencia>"
        "<foto1/><foto2/><foto3/><foto4/><foto5/>"
        f"<meta><instanceID>{instance_id}</instanceID></meta></data>"
    ).encode()


def _form_data(spec: PreAlertSpec, when: dt.datetime) -> dict[str, str]:
    measures_date = (
        (when.date() + dt.timedelta(days=spec.measures_in_days)).isoformat()
        if spec.measures_in_days is not None
        else ""
    )
    return {
        "ubigeo": spec.place,
        "occurred_on": when.date().isoformat(),
        "description": spec.description,
        "actors": spec.actors,
        "demands": spec.demands,
        "measures": spec.measures,
        "measures_date": measures_date,
        "urgency": spec.urgency,
    }


def _receive(spec: PreAlertSpec, reporter: Reporter, index: int, now: dt.datetime) -> PreAlert:
    """The pre-alert as its channel delivers it (the channel's own code, its raw payload)."""
    when = now - dt.timedelta(hours=spec.hours_ago)
    client_id = (
        f"demo-{index:03d}-{uuid.uuid5(uuid.NAMESPACE_URL, spec.description + spec.sms_text)}"
    )
    account = reporter.user
    if spec.channel == Channel.SMS:
        fields = {
            "from": reporter.phone,
            "text": spec.sms_text,
            "sent_at": when.isoformat(timespec="seconds"),
            "message_id": client_id,
        }
        outcome = receive_sms(
            IncomingSms(
                sender=reporter.phone,
                text=spec.sms_text,
                sent_at=fields["sent_at"],
                message_id=client_id,
                raw_payload="&".join(f"{k}={v}" for k, v in fields.items()),
            )
        )
        prealert = outcome.prealert
    elif spec.channel == Channel.ODK and account is not None:
        instance_id = f"uuid:{uuid.uuid5(uuid.NAMESPACE_OID, client_id)}"
        outcome_odk = receive_submission(
            Sender(user=account, institution=reporter.institution, reporter=reporter),
            _odk_instance(spec, instance_id, when),
            [],
        )
        prealert = outcome_odk.prealert
    else:
        data = _form_data(spec, when)
        prealert, _created = receive_prealert(
            channel=spec.channel,
            client_id=client_id,
            institution=reporter.institution,
            data=data,
            raw_payload=json.dumps(data, ensure_ascii=False),
            raw_content_type="application/json",
            submitted_by=account,
            reporter=reporter,
            sender=account.email if account else reporter.phone,
            received_at=when,
            is_demo=True,
        )
    assert prealert is not None, spec
    PreAlert.objects.filter(pk=prealert.pk).update(received_at=when, is_demo=True)
    prealert.refresh_from_db()
    return prealert


def _users(institution: Institution) -> dict[str, User]:
    return {
        role: User.objects.get(email=demo_email(institution.slug, role))
        for role in (Role.ANALYST, Role.COORDINATOR)
    }


def _registered_cases(institution: Institution) -> QuerySet[Case]:
    return Case.objects.filter(
        is_demo=True, institution=institution, state__in=[CaseState.ACTIVE, CaseState.LATENT]
    ).order_by("id")


def _case_near(institution: Institution, place: Ubigeo) -> Case:
    near = _registered_cases(institution).filter(
        places__ubigeo__department_code=place.department_code
    )
    case = near.first() or _registered_cases(institution).first()
    assert case is not None, "la demo de casos no tiene casos activos"
    return case


def _review(
    spec: PreAlertSpec, prealert: PreAlert, people: dict[str, User], original: PreAlert | None
) -> None:
    analyst = people[Role.ANALYST]
    if spec.outcome == RECEIVED:
        return
    if spec.outcome == DUPLICATE and original is not None:
        triage.mark_duplicate(analyst, [prealert], original)
        return
    if spec.outcome == REJECTED:
        triage.reject(analyst, [prealert], "No describe un conflicto social: se archiva.")
        return
    triage.claim(analyst, prealert)
    if spec.outcome == IN_REVIEW:
        return
    if not prealert.is_structured or spec.outcome == HAS_ISSUES:
        triage.set_state(
            analyst,
            prealert,
            "has_issues",
            note="Indique el distrito exacto, cuántas personas participan y desde cuándo.",
        )
        triage.release(analyst, prealert)
        return
    assert prealert.ubigeo is not None
    event = triage.EventData(
        event_type=EventType.PROTESTS,
        sub_event_type=SubEventType.PEACEFUL_PROTEST,
        actor1="Protesters (Peru)",
        inter1=ActorTypeCode.PROTESTERS,
    )
    if spec.outcome == TO_EVENT:
        triage.validate(
            analyst,
            prealert,
            case=_case_near(prealert.institution, prealert.ubigeo),
            event_data=event,
        )
    elif spec.outcome == TO_CASE:
        typology = (
            Category.objects.filter(kind="typology", institution__isnull=True)
            .order_by("id")
            .first()
        )
        assert typology is not None
        triage.validate(
            analyst,
            prealert,
            new_case_data=triage.NewCaseData(
                name=spec.description[:120].rstrip("."), typology=typology.pk
            ),
            event_data=event,
        )
    # What the review made belongs to the demo as well (marked so, as every demo record).
    prealert.refresh_from_db()
    if prealert.case_id and spec.outcome == TO_CASE:
        Case.objects.filter(pk=prealert.case_id).update(is_demo=True)
    if prealert.event_id:
        Event.objects.filter(pk=prealert.event_id).update(is_demo=True)


def seed_prealerts(
    institutions: dict[str, Institution],
    network: dict[str, list[Reporter]],
    now: dt.datetime,
    counts: Counter[str],
) -> None:
    """Every channel, every review state, in both institutions' queues."""
    first_by_place: dict[str, PreAlert] = {}
    for index, spec in enumerate(PREALERTS):
        institution = institutions[spec.institution]
        prealert = _receive(spec, network[spec.institution][spec.reporter], index, now)
        original = first_by_place.get(f"{spec.institution}:{spec.place}")
        first_by_place.setdefault(f"{spec.institution}:{spec.place}", prealert)
        _review(spec, prealert, _users(institution), original)
        counts["prealertas"] += 1


# --- deployment orders -------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderSpec:
    ordering: str
    responsible: str
    team: str
    place: str
    hours_ago: float
    # (state, hours after the order) reached so far.
    steps: tuple[tuple[OrderState, float], ...]
    instructions: str


ORDERS: tuple[OrderSpec, ...] = (
    OrderSpec(
        "defensoria",
        "defensoria",
        "Equipo de la oficina defensorial de Cusco",
        "080701",
        70,
        ((OrderState.DEPLOYED, 6), (OrderState.ON_SITE, 20), (OrderState.CLOSED, 40)),
        "Verificar la situación en el corredor minero y reunirse con el frente de defensa.",
    ),
    OrderSpec(
        "defensoria",
        "onds",
        "Comisionados de la ONDS en Apurímac",
        "030501",
        30,
        ((OrderState.DEPLOYED, 4), (OrderState.ON_SITE, 12)),
        "Acompañar la reunión entre la comunidad y la empresa.",
    ),
    OrderSpec(
        "onds",
        "onds",
        "Equipo de prevención de Loreto",
        "160101",
        40,
        ((OrderState.DEPLOYED, 10),),
        "Constatar el derrame y coordinar con la autoridad ambiental.",
    ),
    OrderSpec(
        "onds",
        "defensoria",
        "Oficina defensorial de Arequipa",
        "040101",
        60,
        (),
        "Supervisar el respeto de los derechos durante el bloqueo.",
    ),
    OrderSpec(
        "defensoria",
        "defensoria",
        "Equipo de la oficina defensorial de Puno",
        "210100",
        3,
        (),
        "Tomar contacto con los gremios antes de la marcha.",
    ),
)


def seed_orders(
    institutions: dict[str, Institution], now: dt.datetime, counts: Counter[str]
) -> None:
    """Orders closed on time, on site, due soon, overdue and just issued; then the clock runs."""
    for spec in ORDERS:
        ordering = institutions[spec.ordering]
        responsible = institutions[spec.responsible]
        coordinator = _users(ordering)[Role.COORDINATOR]
        analyst = _users(responsible)[Role.ANALYST]
        ordered_at = now - dt.timedelta(hours=spec.hours_ago)
        order = response.order_response(
            coordinator,
            ordering_institution=ordering,
            institution=responsible,
            team=spec.team,
            team_members=[analyst],
            ubigeo=Ubigeo.objects.get(code=spec.place),
            instructions=spec.instructions,
        )
        DeploymentOrder.objects.filter(pk=order.pk).update(ordered_at=ordered_at, is_demo=True)
        order.refresh_from_db()
        for state, hours in spec.steps:
            response.advance(
                analyst,
                order,
                state,
                at=ordered_at + dt.timedelta(hours=hours),
                report="Equipo en la zona; se instaló un espacio de diálogo y se levantó el "
                "bloqueo."
                if state == OrderState.CLOSED
                else "",
            )
        counts["órdenes de despliegue"] += 1
    response.run_response_clock(now)


# --- alerts ------------------------------------------------------------------------------------


def seed_alerts(
    institutions: dict[str, Institution], now: dt.datetime, counts: Counter[str]
) -> None:
    """Public and restricted alerts, one from validated pre-alerts, one from a case, one
    updated and one cancelled; the first deployment orders answer them."""
    dp, onds = institutions["defensoria"], institutions["onds"]
    dp_coordinator = _users(dp)[Role.COORDINATOR]
    onds_coordinator = _users(onds)[Role.COORDINATOR]
    validated = PreAlert.objects.filter(
        institution=dp, state="validated", ubigeo__isnull=False
    ).order_by("received_at")
    source = validated.first()
    assert source is not None
    assert source.ubigeo is not None
    first = alerts.issue_alert(
        dp_coordinator,
        dp,
        alerts.AlertInput(
            level=AlertLevel.ORANGE,
            urgency=AlertUrgency.EXPECTED,
            certainty=AlertCertainty.LIKELY,
            headline="Riesgo de enfrentamiento por el uso de un camino comunal",
            description=(
                "Comuneros y personal de la minera discuten el paso por un camino comunal; "
                "se anuncia un bloqueo para los próximos días."
            ),
            instruction="Evitar el tránsito por la zona; las entidades convocadas acuden a "
            "la reunión del jueves.",
            area_units=[source.ubigeo.code],
            recipients=[onds.slug],
            is_public=True,
        ),
        prealerts=[source],
    )
    counts["alertas"] += 1
    alerts.update_alert(
        dp_coordinator,
        first,
        alerts.AlertInput(
            level=AlertLevel.RED,
            urgency=AlertUrgency.IMMEDIATE,
            certainty=AlertCertainty.OBSERVED,
            headline="Bloqueo en curso del camino comunal",
            description="El bloqueo comenzó esta mañana; hay unas 200 personas en la vía.",
            instruction="Equipos de diálogo en camino; evitar la zona.",
            area_units=[source.ubigeo.code],
            recipients=[onds.slug],
            is_public=True,
        ),
    )
    counts["alertas"] += 1
    case = _registered_cases(onds).first()
    assert case is not None
    place = case.places.order_by("-is_principal", "id").first()
    assert place is not None
    restricted = alerts.issue_alert(
        onds_coordinator,
        onds,
        alerts.AlertInput(
            level=AlertLevel.YELLOW,
            urgency=AlertUrgency.FUTURE,
            certainty=AlertCertainty.POSSIBLE,
            headline="Posible paro regional por incumplimiento de acuerdos",
            description="Los gremios evalúan un paro si no se instala la mesa técnica.",
            area_units=[place.ubigeo.department_code],
            recipients=[dp.slug],
            is_public=False,
        ),
        case=case,
    )
    counts["alertas"] += 1
    loreto = alerts.issue_alert(
        onds_coordinator,
        onds,
        alerts.AlertInput(
            level=AlertLevel.YELLOW,
            urgency=AlertUrgency.EXPECTED,
            certainty=AlertCertainty.POSSIBLE,
            headline="Anuncio de toma de una estación petrolera",
            description="Federaciones indígenas anuncian la toma de una estación.",
            area_units=["160101"],
            latitude=-3.75,
            longitude=-73.25,
            radius_km=15,
            is_public=False,
        ),
    )
    alerts.cancel_alert(
        onds_coordinator, loreto, "Se instaló la mesa de diálogo y la medida fue suspendida."
    )
    counts["alertas"] += 2
    # The orders of the same places answer these alerts.
    DeploymentOrder.objects.filter(is_demo=True, ubigeo=source.ubigeo).update(alert=first)
    DeploymentOrder.objects.filter(is_demo=True, ubigeo__code="160101").update(alert=loreto)
    Alert.objects.filter(pk__in=[first.pk, restricted.pk, loreto.pk]).update(is_demo=True)
    Alert.objects.filter(references__isnull=False).update(is_demo=True)

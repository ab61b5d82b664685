"""Fixed vocabularies of the case registry (domain.md §2–3). Extensible lists live in Category."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    DRAFT = "draft", _("Borrador")
    PROPOSED = "proposed", _("Propuesto")
    PRE_CONFLICT = "pre_conflict", _("Preconflicto")
    ACTIVE = "active", _("Activo")
    LATENT = "latent", _("Latente")
    RESOLVED = "resolved", _("Resuelto")
    WITHDRAWN = "withdrawn", _("Retirado")
    # Absorbed into another case (``Case.merged_into``): counted once, under the other case.
    MERGED = "merged", _("Fusionado")


# States that belong to the shared registry (a coordinator approved them, they have a code).
REGISTERED_STATES = (
    CaseState.PRE_CONFLICT,
    CaseState.ACTIVE,
    CaseState.LATENT,
    CaseState.RESOLVED,
    CaseState.WITHDRAWN,
    CaseState.MERGED,
)


class CaseScope(models.TextChoices):
    """How far a case reaches (domain.md §2). The monthly report counts single-department
    cases (local) apart from multi-region ones (the other three)."""

    LOCAL = "local", _("Local (un departamento)")
    REGIONAL = "regional", _("Regional (varios departamentos)")
    MULTIREGIONAL = "multiregional", _("Multirregional")
    NATIONAL = "national", _("Nacional")


# Scopes whose places may be left empty ("Nacional", "Multirregional" name no department).
PLACELESS_SCOPES = (CaseScope.MULTIREGIONAL, CaseScope.NATIONAL)


class StartDatePrecision(models.TextChoices):
    """How much of a case's start date is known. With ``before`` the date is a bound: the case
    started on or before it (it was already in the first report that lists it)."""

    DAY = "day", _("Día exacto")
    MONTH = "month", _("Solo el mes")
    YEAR = "year", _("Solo el año")
    BEFORE = "before", _("Desconocida, anterior a la fecha")


class Phase(models.TextChoices):
    EARLY = "early", _("Temprana")
    ESCALATION = "escalation", _("Escalamiento")
    CRISIS = "crisis", _("Crisis")
    DEESCALATION = "deescalation", _("Desescalamiento")
    DIALOGUE = "dialogue", _("Diálogo")


class DialogueMechanism(models.TextChoices):
    DIRECT = "direct", _("Negociación directa")
    MEDIATED = "mediated", _("Negociación mediada")
    HIGH_LEVEL = "high_level", _("Comisión de alto nivel")
    PREPARATORY = "preparatory", _("Reuniones preparatorias")


class InstitutionRole(models.TextChoices):
    INTERMEDIARY = "intermediary", _("Intermediador")
    PROMOTER = "promoter", _("Promotor")
    OBSERVER = "observer", _("Observador")
    MEDIATOR = "mediator", _("Mediador")
    PARTICIPANT = "participant", _("Participante")


class CompetentAuthority(models.TextChoices):
    NATIONAL = "national", _("Gobierno nacional")
    REGIONAL = "regional", _("Gobierno regional")
    LOCAL = "local", _("Gobierno local")
    LEGISLATIVE = "legislative", _("Poder Legislativo")
    JUDICIAL = "judicial", _("Poder Judicial")
    OTHER = "other", _("Otros organismos")


class PcmClassification(models.TextChoices):
    """The national dialogue office's (PCM/ONDS) own classification, kept beside the typology."""

    DIFFERENCE = "difference", _("Diferencia")
    CONTROVERSY = "controversy", _("Controversia")
    SOCIAL_CONFLICT = "social_conflict", _("Conflicto social")


class TransitionKind(models.TextChoices):
    """Each kind is one counter of the monthly report."""

    CREATED = "created", _("Creación")
    SUBMITTED = "submitted", _("Propuesto para aprobación")
    RETURNED = "returned", _("Devuelto a borrador")
    APPROVED = "approved", _("Aprobado (nuevo)")
    ESCALATED = "escalated", _("Preconflicto pasa a activo")
    TO_LATENT = "to_latent", _("Activo pasa a latente")
    REACTIVATED = "reactivated", _("Reactivado (latente a activo)")
    WITHDRAWN_REACTIVATED = "withdrawn_reactivated", _("Retirado pasa a activo")
    RESOLVED = "resolved", _("Resuelto")
    WITHDRAWN = "withdrawn", _("Retirado")
    MERGED = "merged", _("Fusionado en otro caso")


class ActorRole(models.TextChoices):
    PRIMARY = "primary", _("Primario")
    SECONDARY = "secondary", _("Secundario")
    TERTIARY = "tertiary", _("Terciario")


class Attitude(models.TextChoices):
    """An actor's attitude towards the solution sought (stakeholder map, domain.md §3)."""

    ALLY = "ally", _("Aliado")
    NEUTRAL = "neutral", _("Neutral")
    OPPOSED = "opposed", _("Opositor")


class RelationKind(models.TextChoices):
    """How two actors of a case relate (stakeholder map, domain.md §3), strongest tie first."""

    ALLIANCE = "alliance", _("Alianza")
    CLOSE = "close", _("Vínculo cercano")
    WEAK = "weak", _("Vínculo débil")
    TENSION = "tension", _("Tensión")
    CONFLICT = "conflict", _("Conflicto")


class ActorKind(models.TextChoices):
    PERSON = "person", _("Persona")
    ORGANISATION = "organisation", _("Organización")


class OrganisationType(models.TextChoices):
    COMMUNITY = "community", _("Comunidad campesina o nativa")
    DEFENCE_FRONT = "defence_front", _("Frente de defensa")
    INDIGENOUS_ORG = "indigenous_org", _("Organización indígena")
    UNION = "union", _("Sindicato o gremio")
    COMPANY = "company", _("Empresa")
    MINISTRY = "ministry", _("Ministerio u organismo nacional")
    REGIONAL_GOVERNMENT = "regional_government", _("Gobierno regional")
    LOCAL_GOVERNMENT = "local_government", _("Gobierno local")
    CHURCH = "church", _("Iglesia")
    NGO = "ngo", _("ONG")
    SOCIAL_ORG = "social_org", _("Organización social")
    OTHER = "other", _("Otro")


class EventType(models.TextChoices):
    """ACLED event types (the stored value is ACLED's own English label)."""

    PROTESTS = "Protests", _("Protestas")
    RIOTS = "Riots", _("Disturbios")
    VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians", _("Violencia contra civiles")
    STRATEGIC_DEVELOPMENTS = "Strategic developments", _("Hechos estratégicos")
    BATTLES = "Battles", _("Enfrentamientos armados")
    EXPLOSIONS = "Explosions/Remote violence", _("Explosiones o violencia a distancia")


class SubEventType(models.TextChoices):
    """ACLED sub-event types; SUB_EVENT_PARENT maps each to its event type."""

    PEACEFUL_PROTEST = "Peaceful protest", _("Protesta pacífica")
    PROTEST_WITH_INTERVENTION = "Protest with intervention", _("Protesta con intervención")
    EXCESSIVE_FORCE = (
        "Excessive force against protesters",
        _("Uso excesivo de la fuerza contra manifestantes"),
    )
    VIOLENT_DEMONSTRATION = "Violent demonstration", _("Manifestación violenta")
    MOB_VIOLENCE = "Mob violence", _("Violencia de turba")
    ATTACK = "Attack", _("Ataque")
    ABDUCTION = "Abduction/forced disappearance", _("Secuestro o desaparición forzada")
    SEXUAL_VIOLENCE = "Sexual violence", _("Violencia sexual")
    AGREEMENT = "Agreement", _("Acuerdo")
    ARRESTS = "Arrests", _("Detenciones")
    CHANGE_TO_GROUP = "Change to group/activity", _("Cambio en el grupo o actividad")
    DISRUPTED_WEAPONS = "Disrupted weapons use", _("Uso de armas frustrado")
    HEADQUARTERS = "Headquarters or base established", _("Establecimiento de sede o base")
    LOOTING = "Looting/property destruction", _("Saqueo o destrucción de propiedad")
    NON_VIOLENT_TRANSFER = (
        "Non-violent transfer of territory",
        _("Transferencia no violenta de territorio"),
    )
    OTHER = "Other", _("Otro")
    ARMED_CLASH = "Armed clash", _("Choque armado")
    GOVERNMENT_REGAINS = "Government regains territory", _("El gobierno recupera territorio")
    NON_STATE_TAKEOVER = (
        "Non-state actor overtakes territory",
        _("Actor no estatal toma territorio"),
    )
    REMOTE_EXPLOSIVE = "Remote explosive/landmine/IED", _("Explosivo a distancia o mina")
    GRENADE = "Grenade", _("Granada")
    SHELLING = "Shelling/artillery/missile attack", _("Bombardeo o ataque de artillería")


SUB_EVENT_PARENT: dict[str, str] = {
    SubEventType.PEACEFUL_PROTEST: EventType.PROTESTS,
    SubEventType.PROTEST_WITH_INTERVENTION: EventType.PROTESTS,
    SubEventType.EXCESSIVE_FORCE: EventType.PROTESTS,
    SubEventType.VIOLENT_DEMONSTRATION: EventType.RIOTS,
    SubEventType.MOB_VIOLENCE: EventType.RIOTS,
    SubEventType.ATTACK: EventType.VIOLENCE_AGAINST_CIVILIANS,
    SubEventType.ABDUCTION: EventType.VIOLENCE_AGAINST_CIVILIANS,
    SubEventType.SEXUAL_VIOLENCE: EventType.VIOLENCE_AGAINST_CIVILIANS,
    SubEventType.AGREEMENT: EventType.STRATEGIC_DEVELOPMENTS,
    SubEventType.ARRESTS: EventType.STRATEGIC_DEVELOPMENTS,
    SubEventType.CHANGE_TO_GROUP: EventType.STRATEGIC_DEVELOPMENTS,
    SubEventType.DISRUPTED_WEAPONS: EventType.STRATEGIC_DEVELOPMENTS,
    SubEventType.HEADQUARTERS: EventType.STRATEGIC_DEVELOPMENTS,
    SubEventType.LOOTING: EventType.STRATEGIC_DEVELOPMENTS,
    SubEventType.NON_VIOLENT_TRANSFER: EventType.STRATEGIC_DEVELOPMENTS,
    SubEventType.OTHER: EventType.STRATEGIC_DEVELOPMENTS,
    SubEventType.ARMED_CLASH: EventType.BATTLES,
    SubEventType.GOVERNMENT_REGAINS: EventType.BATTLES,
    SubEventType.NON_STATE_TAKEOVER: EventType.BATTLES,
    SubEventType.REMOTE_EXPLOSIVE: EventType.EXPLOSIONS,
    SubEventType.GRENADE: EventType.EXPLOSIONS,
    SubEventType.SHELLING: EventType.EXPLOSIONS,
}


# Event types whose events may carry a protest form (collective protest actions).
PROTEST_EVENT_TYPES = (EventType.PROTESTS, EventType.RIOTS)


class ProtestForm(models.TextChoices):
    """The ombudsman's forms of collective protest action (counted monthly)."""

    NONE = "", _("No es una acción de protesta")
    MARCH = "march", _("Marcha o movilización")
    STRIKE = "strike", _("Paro o huelga")
    ROAD_BLOCKADE = "road_blockade", _("Bloqueo de vías")
    OCCUPATION = "occupation", _("Toma de local o instalaciones")
    HUNGER_STRIKE = "hunger_strike", _("Huelga de hambre")
    RALLY = "rally", _("Plantón o vigilia")
    OTHER = "other", _("Otra acción colectiva")


class ActorTypeCode(models.IntegerChoices):
    """ACLED 'inter' codes for actor1/actor2."""

    STATE_FORCES = 1, _("Fuerzas del Estado")
    REBEL_GROUPS = 2, _("Grupos rebeldes")
    POLITICAL_MILITIAS = 3, _("Milicias políticas")
    IDENTITY_MILITIAS = 4, _("Milicias identitarias")
    RIOTERS = 5, _("Amotinados")
    PROTESTERS = 6, _("Manifestantes")
    CIVILIANS = 7, _("Civiles")
    EXTERNAL_FORCES = 8, _("Otras fuerzas")


class DatePrecision(models.IntegerChoices):
    """ACLED time_precision."""

    DAY = 1, _("Día exacto")
    WEEK = 2, _("Semana")
    MONTH = 3, _("Mes")


class GeoPrecision(models.IntegerChoices):
    """ACLED geo_precision."""

    EXACT = 1, _("Lugar exacto")
    NEAR = 2, _("Cerca de / distrito")
    REGION = 3, _("Provincia o región")


class VictimOutcome(models.TextChoices):
    DEAD = "dead", _("Fallecido")
    INJURED = "injured", _("Herido")


class VictimGroup(models.TextChoices):
    CIVILIAN = "civilian", _("Civil")
    POLICE = "police", _("Policía")
    MILITARY = "military", _("Militar")
    UNKNOWN = "unknown", _("Sin información")


class Sex(models.TextChoices):
    FEMALE = "F", _("Mujer")
    MALE = "M", _("Hombre")
    UNKNOWN = "", _("Sin información")


class EvidenceKind(models.TextChoices):
    DOCUMENT = "document", _("Documento")
    PHOTO = "photo", _("Fotografía")
    STUDY = "study", _("Estudio")
    OTHER = "other", _("Otro")


class CategoryKind(models.TextChoices):
    TYPOLOGY = "typology", _("Tipología")
    SUBTYPE = "subtype", _("Subtipo")
    SECTOR = "sector", _("Sector del Estado")


# Case fields an institution may mark confidential: other institutions see "Confidencial".
CONFIDENTIAL_CAPABLE_FIELDS: tuple[str, ...] = (
    "description",
    "demands",
    "causes",
    "triggers",
    "legislation",
    "investment",
    "strategies",
    "next_steps",
)

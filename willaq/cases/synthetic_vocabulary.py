"""Invented words for the synthetic registry of ``manage.py generate_registry``.

Institutions, shares of states, and the vocabulary of names, texts and actors the generator
combines. Every name is marked as invented (Ficticia, Sintética, Inventado…).
"""

from willaq.accounts.models import InstitutionKind
from willaq.cases.choices import CaseState, OrganisationType

INSTITUTIONS = (
    ("sintetica-defensoria", "Defensoría Sintética del Pueblo", "DSP", InstitutionKind.OMBUDSMAN),
    (
        "sintetica-dialogo",
        "Oficina Sintética de Diálogo",
        "OSD",
        InstitutionKind.DIALOGUE_OFFICE,
    ),
    (
        "sintetica-region",
        "Gobierno Regional Sintético",
        "GRS",
        InstitutionKind.REGIONAL_GOVERNMENT,
    ),
)
# Share of the cases each institution registers.
INSTITUTION_WEIGHTS = (0.6, 0.3, 0.1)
# Final states and their share (roughly the ombudsman's monthly report).
STATE_WEIGHTS = {
    CaseState.DRAFT: 0.04,
    CaseState.PROPOSED: 0.03,
    CaseState.PRE_CONFLICT: 0.05,
    CaseState.ACTIVE: 0.45,
    CaseState.LATENT: 0.18,
    CaseState.RESOLVED: 0.18,
    CaseState.WITHDRAWN: 0.07,
    CaseState.MERGED: 0.02,
}

SUBJECTS = (
    "Comunidad campesina",
    "Frente de defensa",
    "Rondas campesinas",
    "Pobladores",
    "Comunidad nativa",
    "Asociación de agricultores",
    "Federación de mineros artesanales",
    "Sindicato de trabajadores",
    "Junta de usuarios de riego",
    "Transportistas",
)
OBJECTS = (
    "contra la empresa minera {company}",
    "por la contaminación del río {river}",
    "por el proyecto de irrigación {river}",
    "contra la municipalidad de {place}",
    "por la minería informal en {place}",
    "por los límites con {place}",
    "por el agua de la laguna {river}",
    "por la carretera a {place}",
    "por el lote petrolero {company}",
    "por la hidroeléctrica {river}",
)
COMPANIES = (
    "Andina Ficticia",
    "Cerro Imaginario",
    "Minera Sintética",
    "Cobre del Sur Inventado",
    "Oro Azul Ficticio",
    "Petrolera Amazónica Inventada",
    "Energía Ñawi Sintética",
    "Metales Ilusorios",
)
RIVERS = ("Chillón", "Mantaro", "Llaucano", "Ñaña", "Chumbao", "Coata", "Huallaga", "Vilcanota")
SENTENCES = (
    "Los pobladores denuncian la contaminación del agua por relaves de la minería.",
    "La comunidad exige la consulta previa antes de la ampliación del proyecto.",
    "Se reclama la remediación ambiental y la compensación por los cultivos dañados.",
    "Las autoridades locales piden la instalación de una mesa de diálogo en la región.",
    "El frente de defensa anuncia un paro indefinido y el bloqueo de la vía.",
    "Existe una disputa por los límites territoriales entre dos distritos vecinos.",
    "Los trabajadores demandan el pago de utilidades y mejores condiciones laborales.",
    "Se cuestiona la adjudicación del lote petrolero sin participación ciudadana.",
    "La población pide el cierre de la planta de tratamiento por los malos olores.",
    "Los agricultores reclaman la distribución del agua de riego en época de estiaje.",
    "La empresa sostiene que cumple con el estudio de impacto ambiental aprobado.",
    "Se denuncia la minería ilegal en la cuenca alta y la deforestación de la zona.",
)
CAUSES = (
    "Afectación de fuentes de agua.",
    "Incumplimiento de compromisos de responsabilidad social.",
    "Falta de consulta previa.",
    "Demarcación territorial pendiente.",
    "Uso del canon minero.",
    "Contaminación del suelo y del aire.",
)
PEOPLE = (
    "Juana Quispe Ficticia",
    "Mario Huamán Inventado",
    "Rosa Mamani Sintética",
    "Luis Condori Ficticio",
    "Elena Ccahuana Imaginaria",
    "Pedro Ñahui Inventado",
)
ACTOR_TYPES = (
    (OrganisationType.COMMUNITY, "Comunidad campesina de {place}"),
    (OrganisationType.DEFENCE_FRONT, "Frente de defensa de los intereses de {place}"),
    (OrganisationType.COMPANY, "Compañía {company} de {place}"),
    (OrganisationType.LOCAL_GOVERNMENT, "Municipalidad distrital de {place}"),
    (OrganisationType.UNION, "Sindicato unificado de {place}"),
    (OrganisationType.SOCIAL_ORG, "Asociación de vivienda de {place}"),
)

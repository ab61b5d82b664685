"""The demo data set, as data: logins, themes, case histories and the sixty demo cases.

Everything here is invented. Companies and organisations carry "Ficticia", "Imaginaria" or
"Inventada" in their names so nobody mistakes them for real ones; places are real INEI districts
(picked by ``seed_demo`` from the loaded territory), because a map of invented places would show
nothing. ``seed_demo`` turns this into records through the case services.

Text placeholders filled per case: {district}, {province}, {department} (the principal place),
{district2} (the second place, or the principal one again) and {company} (the theme's company).
"""

from dataclasses import dataclass, field

from willaq.accounts.models import InstitutionKind, Role
from willaq.cases.choices import (
    ActorKind,
    CompetentAuthority,
    OrganisationType,
    PcmClassification,
    Phase,
)

# One shared password for every demo login; printed by `make run`. Never used in production:
# setup_willaq and seed_demo refuse to create demo data when WILLAQ_ENV is "production".
DEMO_PASSWORD = "demo-willaq-2026"  # noqa: S105


@dataclass(frozen=True)
class DemoInstitution:
    slug: str
    name: str
    acronym: str
    kind: str
    # Full names of its demo users, by role; emails are <role word>@<slug>.demo.
    people: dict[str, str]


ROLE_MAILBOX: dict[str, str] = {
    Role.REPORTER: "reportero",
    Role.ANALYST: "analista",
    Role.COORDINATOR: "coordinador",
    Role.FACILITATOR: "facilitador",
    Role.ADMIN: "admin",
}

INSTITUTIONS: tuple[DemoInstitution, ...] = (
    DemoInstitution(
        slug="defensoria",
        name="Defensoría del Pueblo",
        acronym="DP",
        kind=InstitutionKind.OMBUDSMAN,
        people={
            Role.REPORTER: "Rosa Reportera (demo)",
            Role.ANALYST: "Ana Analista (demo)",
            Role.COORDINATOR: "Carlos Coordinador (demo)",
            Role.FACILITATOR: "Fiorella Facilitadora (demo)",
            Role.ADMIN: "Adela Administradora (demo)",
        },
    ),
    DemoInstitution(
        slug="onds",
        name="Oficina Nacional de Diálogo y Sostenibilidad",
        acronym="ONDS",
        kind=InstitutionKind.DIALOGUE_OFFICE,
        people={
            Role.REPORTER: "Raúl Reportero (demo)",
            Role.ANALYST: "Andrea Analista (demo)",
            Role.COORDINATOR: "Cecilia Coordinadora (demo)",
            Role.FACILITATOR: "Félix Facilitador (demo)",
            Role.ADMIN: "Alberto Administrador (demo)",
        },
    ),
)

SUPERUSER_EMAIL = "admin@willaq.demo"
SUPERUSER_NAME = "Administración de Willaq (demo)"


def demo_email(institution_slug: str, role: str) -> str:
    return f"{ROLE_MAILBOX[role]}@{institution_slug}.demo"


# --- actors and themes ------------------------------------------------------------------------


@dataclass(frozen=True)
class ActorSpec:
    name: str
    organisation_type: str
    position: str
    kind: str = ActorKind.ORGANISATION


def _org(name: str, organisation_type: str, position: str) -> ActorSpec:
    return ActorSpec(name=name, organisation_type=organisation_type, position=position)


MINEM = _org(
    "Ministerio de Energía y Minas",
    OrganisationType.MINISTRY,
    "Evalúa los instrumentos de gestión ambiental y convoca a las mesas de trabajo.",
)
MINAM = _org(
    "Ministerio del Ambiente",
    OrganisationType.MINISTRY,
    "Coordina la vigilancia ambiental con el organismo de fiscalización.",
)
MIDAGRI = _org(
    "Ministerio de Desarrollo Agrario y Riego",
    OrganisationType.MINISTRY,
    "Ofrece programas de apoyo a la producción y revisa las demandas agrarias.",
)
MININTER = _org(
    "Ministerio del Interior",
    OrganisationType.MINISTRY,
    "Garantiza el orden público y el libre tránsito.",
)
REGIONAL_GOVERNMENT = _org(
    "Gobierno Regional de {department}",
    OrganisationType.REGIONAL_GOVERNMENT,
    "Participa en las reuniones y ofrece acompañamiento técnico.",
)
PROVINCIAL_MUNICIPALITY = _org(
    "Municipalidad Provincial de {province}",
    OrganisationType.LOCAL_GOVERNMENT,
    "Pide ser incluida en los espacios de diálogo.",
)
DISTRICT_MUNICIPALITY = _org(
    "Municipalidad Distrital de {district}",
    OrganisationType.LOCAL_GOVERNMENT,
    "Respalda las demandas de la población y solicita presupuesto.",
)
COMMUNITY = _org(
    "Comunidad Campesina de {district}",
    OrganisationType.COMMUNITY,
    "Exige la atención de sus demandas y la presencia del Ejecutivo en el territorio.",
)
DEFENCE_FRONT = _org(
    "Frente de Defensa de los Intereses de {province}",
    OrganisationType.DEFENCE_FRONT,
    "Convoca las medidas de fuerza y exige la instalación de una mesa de diálogo.",
)
INDIGENOUS_FEDERATION = _org(
    "Federación Nativa Ficticia de la Cuenca de {district}",
    OrganisationType.INDIGENOUS_ORG,
    "Defiende el territorio de las comunidades nativas afiliadas y exige consulta previa.",
)
PARISH = _org(
    "Parroquia Ficticia de San Martín de Porres de {district}",
    OrganisationType.CHURCH,
    "Ofrece sus buenos oficios para acercar a las partes.",
)
NGO = _org(
    "Asociación Civil Ficticia Tierra y Derechos",
    OrganisationType.NGO,
    "Brinda asesoría legal y técnica a las organizaciones locales.",
)


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


def _company(name: str, position: str) -> ActorSpec:
    return _org(name, OrganisationType.COMPANY, position)


THEMES: dict[str, Theme] = {
    "mining-water": Theme(
        typology="socioambiental",
        subtype="mineria",
        sectors=("minem", "minam", "oefa", "ana"),
        authority=CompetentAuthority.NATIONAL,
        company="Minera Ficticia Andina S.A.C.",
        description=(
            "La Comunidad Campesina de {district} denuncia que las operaciones de {company} "
            "afectan la calidad y la cantidad del agua de los manantiales y del río que abastece "
            "a los anexos de {district} y {district2}."
        ),
        demands=(
            "Monitoreo ambiental participativo del agua; atención de salud a la población "
            "expuesta; revisión del estudio de impacto ambiental; compensación por los daños."
        ),
        causes=(
            "Desconfianza en los monitoreos de la empresa; antecedentes de derrames de relaves; "
            "ausencia de un espacio permanente de información."
        ),
        triggers=(
            "Muerte de truchas y ganado en la parte baja del río, reportada por los comuneros."
        ),
        legislation="Ley N.º 28611, Ley General del Ambiente; Ley N.º 29338, Ley de Recursos "
        "Hídricos.",
        strategies=(
            "Promover un monitoreo participativo con el organismo de fiscalización ambiental y la "
            "autoridad del agua; acercar a las partes antes de la medida de fuerza anunciada."
        ),
        next_steps=(
            "Presentación de resultados del monitoreo en asamblea comunal; reunión de "
            "seguimiento con el ministerio del sector."
        ),
        primary=(COMMUNITY, DEFENCE_FRONT),
        secondary=(
            _company(
                "Minera Ficticia Andina S.A.C.",
                "Sostiene que cumple los límites máximos permisibles y ofrece un monitoreo "
                "conjunto.",
            ),
            MINEM,
            MINAM,
        ),
        tertiary=(DISTRICT_MUNICIPALITY, NGO),
        headlines=(
            "Comuneros de {district} denuncian contaminación del río y anuncian paro",
            "Monitoreo participativo del agua en {district}: resultados se conocerán en un mes",
            "{company} responde a denuncias de la comunidad de {district}",
        ),
        sites=("Campamento de {company}", "Bocamina de {company}"),
        protest_forms=("road_blockade", "strike", "march", "occupation"),
        investment="Operación en producción con inversión anunciada de US$ 850 millones "
        "(cifra ficticia).",
        investment_amount=850_000_000,
        has_site=True,
    ),
    "mining-expansion": Theme(
        typology="socioambiental",
        subtype="mineria",
        sectors=("minem", "minam", "mincul", "pcm"),
        authority=CompetentAuthority.NATIONAL,
        company="Compañía Minera Imaginaria Cordillera S.A.",
        description=(
            "Las comunidades de {district} se oponen a la ampliación del tajo de {company}, que "
            "requiere terrenos comunales y el traslado de familias del anexo más cercano."
        ),
        demands=(
            "Renegociación del convenio de uso de tierras; reasentamiento con vivienda y trabajo; "
            "consulta previa; fondo de desarrollo comunal."
        ),
        causes=(
            "Convenio de uso de tierras firmado hace veinte años con montos hoy considerados "
            "injustos; expectativas de empleo local no cumplidas."
        ),
        triggers="Ingreso de maquinaria de la empresa a terrenos en litigio.",
        legislation="Ley N.º 29785, Ley del derecho a la consulta previa; Ley N.º 24656, Ley "
        "General de Comunidades Campesinas.",
        strategies=(
            "Instalar una mesa de diálogo con la empresa, el ministerio y la comunidad; "
            "acompañar la negociación del convenio."
        ),
        next_steps="Sesión de la mesa de diálogo sobre el componente de reasentamiento.",
        primary=(COMMUNITY,),
        secondary=(
            _company(
                "Compañía Minera Imaginaria Cordillera S.A.",
                "Ofrece un plan de reasentamiento y un fondo social condicionados a la ampliación.",
            ),
            MINEM,
            REGIONAL_GOVERNMENT,
        ),
        tertiary=(PARISH, PROVINCIAL_MUNICIPALITY),
        headlines=(
            "Comunidad de {district} rechaza la ampliación del tajo minero",
            "Se instala mesa de diálogo por la ampliación minera en {province}",
        ),
        sites=("Tajo de {company}", "Acceso al campamento de {company}"),
        protest_forms=("occupation", "road_blockade", "march"),
        investment="Ampliación con inversión estimada de US$ 1 200 millones (cifra ficticia).",
        investment_amount=1_200_000_000,
        has_site=True,
    ),
    "mining-corridor": Theme(
        typology="socioambiental",
        subtype="mineria",
        sectors=("mtc", "minem", "minsa"),
        authority=CompetentAuthority.NATIONAL,
        company="Transportes Ficticios Interandinos S.A.C.",
        description=(
            "Pobladores de {district} y {district2} reclaman por el polvo, el ruido y los "
            "accidentes que causa el paso diario de camiones de mineral por la vía que cruza "
            "sus centros poblados."
        ),
        demands=(
            "Asfaltado de la vía; límite de velocidad y horarios de tránsito; atención de salud; "
            "indemnización por viviendas dañadas."
        ),
        causes="La vía vecinal se convirtió en corredor de transporte de mineral sin estudios.",
        triggers="Atropello de un escolar por un camión de mineral.",
        legislation="Reglamento Nacional de Tránsito; normas de clasificación de la red vial.",
        strategies="Articular al ministerio de transportes y a la empresa para un plan de vía.",
        next_steps="Inspección conjunta del tramo crítico y propuesta de horarios de tránsito.",
        primary=(COMMUNITY, DEFENCE_FRONT),
        secondary=(
            _company(
                "Transportes Ficticios Interandinos S.A.C.",
                "Se compromete a regar la vía y a capacitar a sus conductores.",
            ),
            _org(
                "Ministerio de Transportes y Comunicaciones",
                OrganisationType.MINISTRY,
                "Evalúa la reclasificación y el mejoramiento de la vía.",
            ),
        ),
        tertiary=(DISTRICT_MUNICIPALITY,),
        headlines=(
            "Bloquean corredor minero en {district} por el polvo y los accidentes",
            "Transportistas y comuneros de {district} acuerdan horarios de tránsito",
        ),
        sites=("Corredor minero a la altura de {district2}",),
        protest_forms=("road_blockade", "strike"),
    ),
    "informal-mining": Theme(
        typology="socioambiental",
        subtype="mineria",
        sectors=("minem", "minam", "mininter"),
        authority=CompetentAuthority.NATIONAL,
        company="",
        description=(
            "Mineros artesanales de {province} exigen la ampliación del plazo de formalización y "
            "rechazan las interdicciones en las riberas de {district}."
        ),
        demands="Ampliación del registro de formalización; suspensión de interdicciones; "
        "asistencia técnica.",
        causes="Vencimiento de plazos de formalización; dependencia económica de la actividad.",
        triggers="Operativo de interdicción con destrucción de equipos.",
        legislation="Decreto Legislativo N.º 1293 y normas del proceso de formalización minera.",
        strategies="Separar las demandas de formalización de las de seguridad; espacio técnico "
        "con el ministerio.",
        next_steps="Reunión técnica sobre los requisitos de formalización.",
        primary=(
            _org(
                "Asociación de Mineros Artesanales Ficticios de {province}",
                OrganisationType.UNION,
                "Pide ampliar el plazo de formalización y detener las interdicciones.",
            ),
        ),
        secondary=(MINEM, MININTER),
        tertiary=(REGIONAL_GOVERNMENT, NGO),
        headlines=(
            "Mineros artesanales de {province} marchan hacia la capital regional",
            "Interdicción en {district} deja equipos destruidos y protesta de mineros",
        ),
        sites=("Ribera del río en {district}",),
        protest_forms=("march", "strike", "road_blockade"),
    ),
    "oil-spill": Theme(
        typology="socioambiental",
        subtype="hidrocarburos",
        sectors=("minem", "minam", "oefa", "minsa", "mincul"),
        authority=CompetentAuthority.NATIONAL,
        company="Petrolera Imaginaria del Oriente S.A.",
        description=(
            "Las comunidades nativas de {district} exigen la remediación de un derrame de petróleo "
            "del ducto de {company} que alcanzó quebradas y cochas de las que se abastecen."
        ),
        demands=(
            "Remediación integral; agua segura y atención de salud; indemnización; participación "
            "de monitores indígenas en la vigilancia del ducto."
        ),
        causes="Ducto antiguo sin mantenimiento suficiente; derrames anteriores sin remediar.",
        triggers="Nuevo derrame detectado por monitores comunitarios.",
        legislation="Ley N.º 26221, Ley Orgánica de Hidrocarburos; Ley N.º 29785, Ley del derecho "
        "a la consulta previa.",
        strategies="Declaratoria de emergencia ambiental; mesa con presencia del Ejecutivo en la "
        "zona.",
        next_steps="Verificación de la limpieza y entrega de agua en las comunidades afectadas.",
        primary=(INDIGENOUS_FEDERATION,),
        secondary=(
            _company(
                "Petrolera Imaginaria del Oriente S.A.",
                "Atribuye el derrame a un corte de terceros y ofrece limpieza y víveres.",
            ),
            MINEM,
            MINAM,
        ),
        tertiary=(REGIONAL_GOVERNMENT, NGO),
        headlines=(
            "Derrame de petróleo en {district}: comunidades piden emergencia ambiental",
            "Indígenas de {district} toman estación del ducto de {company}",
            "Ejecutivo llega a {district} para instalar mesa por derrame",
        ),
        sites=("Estación de bombeo de {company}", "Río a la altura de {district}"),
        protest_forms=("occupation", "road_blockade", "strike"),
        has_site=True,
    ),
    "gas-royalties": Theme(
        typology="socioambiental",
        subtype="hidrocarburos",
        sectors=("minem", "mef", "gobierno-regional"),
        authority=CompetentAuthority.NATIONAL,
        company="Gas Ficticio del Sur S.A.C.",
        description=(
            "Organizaciones de {department} exigen que el gas extraído por {company} abastezca a "
            "la región con tarifas accesibles y que el canon se invierta en obras locales."
        ),
        demands="Masificación del gas en la región; revisión de la distribución del canon.",
        causes="Percepción de que los beneficios del gas no llegan a la región productora.",
        triggers="Anuncio de exportación de nuevos lotes sin compromiso regional.",
        legislation="Ley N.º 26221, Ley Orgánica de Hidrocarburos; Ley N.º 27506, Ley de Canon.",
        strategies="Mesa técnica con el ministerio y el gobierno regional.",
        next_steps="Presentación del cronograma de conexiones domiciliarias.",
        primary=(DEFENCE_FRONT,),
        secondary=(
            _company(
                "Gas Ficticio del Sur S.A.C.",
                "Señala que la distribución del gas es competencia del Estado.",
            ),
            MINEM,
            REGIONAL_GOVERNMENT,
        ),
        tertiary=(PROVINCIAL_MUNICIPALITY,),
        headlines=(
            "Paro regional en {department} por el gas: «primero para los de aquí»",
            "Ministerio presenta plan de conexiones de gas para {province}",
        ),
        protest_forms=("strike", "march"),
    ),
    "hydro-dam": Theme(
        typology="socioambiental",
        subtype="energia",
        sectors=("minem", "ana", "midagri"),
        authority=CompetentAuthority.NATIONAL,
        company="Hidroeléctrica Inventada del Sur S.A.C.",
        description=(
            "Agricultores de {district} rechazan el proyecto de central de {company}, que "
            "desviaría el caudal del río del que dependen sus canales de riego."
        ),
        demands="Caudal ecológico garantizado; nulidad de la licencia de agua; estudio "
        "independiente.",
        causes="Temor a perder el agua de riego; información insuficiente sobre el proyecto.",
        triggers="Inicio de obras de la bocatoma.",
        legislation="Decreto Ley N.º 25844, Ley de Concesiones Eléctricas; Ley N.º 29338, Ley de "
        "Recursos Hídricos.",
        strategies="Audiencia informativa con la autoridad del agua; revisión del caudal.",
        next_steps="Visita técnica a la bocatoma con los usuarios de riego.",
        primary=(
            _org(
                "Junta de Usuarios de Riego Ficticia de {district}",
                OrganisationType.SOCIAL_ORG,
                "Exige garantías escritas sobre el caudal de riego.",
            ),
            COMMUNITY,
        ),
        secondary=(
            _company(
                "Hidroeléctrica Inventada del Sur S.A.C.",
                "Afirma que el proyecto respeta el caudal ecológico aprobado.",
            ),
            MINEM,
        ),
        tertiary=(DISTRICT_MUNICIPALITY,),
        headlines=(
            "Regantes de {district} se oponen a hidroeléctrica",
            "Autoridad del agua revisará caudal del río en {district}",
        ),
        sites=("Bocatoma de la central de {company}",),
        investment="Central de 60 MW con inversión estimada de US$ 140 millones (cifra ficticia).",
        investment_amount=140_000_000,
        has_site=True,
    ),
    "power-line": Theme(
        typology="socioambiental",
        subtype="energia",
        sectors=("minem",),
        authority=CompetentAuthority.NATIONAL,
        company="Transmisora Ficticia Nacional S.A.",
        description=(
            "Familias de {district} y {district2} se oponen al paso de una línea de transmisión de "
            "{company} por sus terrenos y cerca de sus viviendas."
        ),
        demands="Cambio de trazo; pago justo por servidumbre; estudios de salud.",
        causes="Negociación individual de servidumbres; información insuficiente.",
        triggers="Instalación de torres sin acuerdo con los propietarios.",
        legislation="Decreto Ley N.º 25844, Ley de Concesiones Eléctricas.",
        strategies="Mesa técnica sobre el trazo y los montos de servidumbre.",
        next_steps="Evaluación de un trazo alternativo por la empresa.",
        primary=(COMMUNITY,),
        secondary=(
            _company(
                "Transmisora Ficticia Nacional S.A.",
                "Propone revisar el trazo en dos tramos y mejorar las compensaciones.",
            ),
            MINEM,
        ),
        tertiary=(DISTRICT_MUNICIPALITY,),
        headlines=("Pobladores de {district} impiden instalación de torres de alta tensión",),
        protest_forms=("rally", "road_blockade"),
    ),
    "logging": Theme(
        typology="socioambiental",
        subtype="forestal",
        sectors=("midagri", "minam", "mininter", "mincul"),
        authority=CompetentAuthority.REGIONAL,
        company="Forestal Imaginaria Amazónica E.I.R.L.",
        description=(
            "Comunidades nativas de {district} denuncian la tala ilegal en su territorio y "
            "amenazas contra sus guardianes forestales; acusan a {company} de comprar la madera."
        ),
        demands="Titulación del territorio comunal; control forestal; protección de defensores.",
        causes="Territorio sin titular; débil presencia de la autoridad forestal.",
        triggers="Amenazas contra un guardián forestal de la comunidad.",
        legislation="Ley N.º 29763, Ley Forestal y de Fauna Silvestre.",
        strategies="Articular a la autoridad forestal regional, la policía y la fiscalía.",
        next_steps="Patrullaje conjunto y avance del expediente de titulación.",
        primary=(INDIGENOUS_FEDERATION,),
        secondary=(
            _company(
                "Forestal Imaginaria Amazónica E.I.R.L.",
                "Niega comprar madera de origen ilegal.",
            ),
            REGIONAL_GOVERNMENT,
        ),
        tertiary=(NGO, MININTER),
        headlines=(
            "Guardianes forestales de {district} denuncian amenazas",
            "Comunidades de {district} exigen titulación y control de la tala",
        ),
        protest_forms=("march", "rally"),
    ),
    "agro-water": Theme(
        typology="socioambiental",
        subtype="agroindustrial",
        sectors=("midagri", "ana", "mtpe"),
        authority=CompetentAuthority.NATIONAL,
        company="Agroexportadora Ficticia del Pacífico S.A.C.",
        description=(
            "Pequeños agricultores de {district} acusan a {company} de sobreexplotar el acuífero "
            "con pozos que secan sus pozos artesanales."
        ),
        demands="Veda de nuevos pozos; fiscalización de licencias; proyecto de agua para la "
        "pequeña agricultura.",
        causes="Acuífero en sobreexplotación; licencias otorgadas sin balance hídrico.",
        triggers="Perforación de un nuevo pozo de la empresa.",
        legislation="Ley N.º 29338, Ley de Recursos Hídricos.",
        strategies="Fiscalización de la autoridad del agua; espacio de diálogo sobre el acuífero.",
        next_steps="Entrega del inventario de pozos a la junta de usuarios.",
        primary=(
            _org(
                "Asociación de Pequeños Agricultores Ficticia de {district}",
                OrganisationType.SOCIAL_ORG,
                "Pide la veda de nuevos pozos y la fiscalización de la empresa.",
            ),
        ),
        secondary=(
            _company(
                "Agroexportadora Ficticia del Pacífico S.A.C.",
                "Afirma que sus pozos tienen licencia vigente.",
            ),
            MIDAGRI,
        ),
        tertiary=(DISTRICT_MUNICIPALITY,),
        headlines=("Agricultores de {district} denuncian que el agua subterránea se agota",),
        sites=("Fundo de {company}",),
        protest_forms=("march", "road_blockade"),
    ),
    "landfill": Theme(
        typology="socioambiental",
        subtype="residuos-saneamiento",
        sectors=("minam", "mvcs", "minsa", "gobierno-local"),
        authority=CompetentAuthority.LOCAL,
        company="",
        description=(
            "Vecinos de {district} exigen el cierre del botadero de residuos de la Municipalidad "
            "Provincial de {province}, que contamina el aire y un canal de regadío."
        ),
        demands="Cierre y recuperación del botadero; relleno sanitario con estudios; "
        "atención de salud.",
        causes="La provincia no tiene relleno sanitario; el botadero creció sin control.",
        triggers="Incendio en el botadero que cubrió de humo el centro poblado.",
        legislation="Decreto Legislativo N.º 1278, Ley de Gestión Integral de Residuos Sólidos.",
        strategies="Supervisión del organismo ambiental; plan de cierre con el municipio.",
        next_steps="Presentación del plan de cierre por la municipalidad provincial.",
        primary=(
            _org(
                "Junta Vecinal Ficticia de {district}",
                OrganisationType.SOCIAL_ORG,
                "Exige el cierre inmediato del botadero.",
            ),
        ),
        secondary=(PROVINCIAL_MUNICIPALITY, MINAM),
        tertiary=(DISTRICT_MUNICIPALITY,),
        headlines=("Vecinos de {district} bloquean acceso al botadero municipal",),
        sites=("Acceso al botadero de {province}",),
        protest_forms=("road_blockade", "rally"),
    ),
    "water-transfer": Theme(
        typology="socioambiental",
        subtype="agua",
        sectors=("midagri", "ana", "gobierno-regional"),
        authority=CompetentAuthority.REGIONAL,
        company="",
        description=(
            "Usuarios de agua de {district} se oponen al proyecto del Gobierno Regional de "
            "{department} que trasvasaría agua de su cuenca hacia {district2}."
        ),
        demands="Suspensión del trasvase hasta contar con un balance hídrico; obras de "
        "compensación para la cuenca cedente.",
        causes="Disputa histórica por el agua entre dos cuencas; escasez creciente.",
        triggers="Licitación de la obra del trasvase.",
        legislation="Ley N.º 29338, Ley de Recursos Hídricos.",
        strategies="Mesa técnica del agua con ambas cuencas y la autoridad del agua.",
        next_steps="Estudio de balance hídrico con veedores de ambas cuencas.",
        primary=(DEFENCE_FRONT, COMMUNITY),
        secondary=(REGIONAL_GOVERNMENT,),
        tertiary=(PROVINCIAL_MUNICIPALITY, PARISH),
        headlines=(
            "Paro en {province} contra el trasvase de agua",
            "Gobierno regional y usuarios de {district} instalan mesa técnica del agua",
        ),
        protest_forms=("strike", "march", "road_blockade"),
    ),
    "fishmeal": Theme(
        typology="socioambiental",
        subtype="otros-socioambiental",
        sectors=("produce", "minam", "oefa"),
        authority=CompetentAuthority.NATIONAL,
        company="Pesquera Inventada del Norte S.A.",
        description=(
            "Vecinos y pescadores artesanales de {district} denuncian malos olores y vertimientos "
            "al mar de la planta de harina de pescado de {company}."
        ),
        demands="Fiscalización de la planta; emisario submarino; reubicación a largo plazo.",
        causes="Planta cercana a zona urbana; tecnología antigua.",
        triggers="Mortandad de peces en la bahía.",
        legislation="Ley N.º 28611, Ley General del Ambiente.",
        strategies="Supervisión ambiental y mesa con el ministerio de la producción.",
        next_steps="Entrega del informe de supervisión a los vecinos.",
        primary=(
            _org(
                "Gremio de Pescadores Artesanales Ficticio de {district}",
                OrganisationType.UNION,
                "Denuncia la pérdida de la pesca en la bahía.",
            ),
        ),
        secondary=(
            _company(
                "Pesquera Inventada del Norte S.A.",
                "Anuncia inversiones en tratamiento de efluentes.",
            ),
            _org(
                "Ministerio de la Producción",
                OrganisationType.MINISTRY,
                "Coordina la supervisión de la planta.",
            ),
        ),
        tertiary=(DISTRICT_MUNICIPALITY,),
        headlines=("Mortandad de peces en {district}: pescadores culpan a planta harinera",),
        sites=("Planta de {company}",),
        protest_forms=("march", "rally"),
        has_site=True,
    ),
    "local-government": Theme(
        typology="gobierno-local",
        subtype="",
        sectors=("gobierno-local",),
        authority=CompetentAuthority.LOCAL,
        company="",
        description=(
            "Pobladores de {district} cuestionan la gestión del alcalde distrital por obras "
            "paralizadas y presuntas irregularidades en el uso del presupuesto."
        ),
        demands="Rendición de cuentas; auditoría de las obras; reanudación del sistema de agua.",
        causes="Obras paralizadas por años; falta de transparencia.",
        triggers="Abandono de la obra de agua potable por el contratista.",
        legislation="Ley N.º 27972, Ley Orgánica de Municipalidades.",
        strategies="Promover una audiencia pública de rendición de cuentas.",
        next_steps="Audiencia pública con presencia del órgano de control.",
        primary=(
            _org(
                "Comité de Lucha Ficticio de {district}",
                OrganisationType.SOCIAL_ORG,
                "Exige la rendición de cuentas del alcalde.",
            ),
        ),
        secondary=(DISTRICT_MUNICIPALITY,),
        tertiary=(PROVINCIAL_MUNICIPALITY,),
        headlines=("Toman local municipal de {district} y exigen rendición de cuentas",),
        sites=("Local de la Municipalidad Distrital de {district}",),
        protest_forms=("occupation", "march", "strike"),
    ),
    "regional-works": Theme(
        typology="gobierno-regional",
        subtype="",
        sectors=("gobierno-regional", "minsa", "mtc"),
        authority=CompetentAuthority.REGIONAL,
        company="Contratista Ficticia de Obras Públicas S.A.C.",
        description=(
            "La población de {province} exige al Gobierno Regional de {department} concluir el "
            "hospital provincial, paralizado por la resolución del contrato con {company}."
        ),
        demands="Reinicio de la obra con financiamiento asegurado; atención en el hospital "
        "antiguo mientras tanto.",
        causes="Contratos resueltos y arbitrajes; cambios de gestión.",
        triggers="Anuncio de un nuevo expediente técnico que retrasaría la obra dos años.",
        legislation="Ley N.º 27867, Ley Orgánica de Gobiernos Regionales.",
        strategies="Mesa de trabajo con el gobierno regional y el ministerio de salud.",
        next_steps="Presentación del cronograma de reinicio de obra.",
        primary=(DEFENCE_FRONT,),
        secondary=(REGIONAL_GOVERNMENT,),
        tertiary=(
            _company(
                "Contratista Ficticia de Obras Públicas S.A.C.",
                "Reclama pagos pendientes en un arbitraje.",
            ),
        ),
        headlines=("Paro en {province} por hospital inconcluso",),
        sites=("Obra del hospital de {province}",),
        protest_forms=("strike", "march", "road_blockade"),
    ),
    "national-agrarian": Theme(
        typology="gobierno-nacional",
        subtype="",
        sectors=("midagri", "mef", "pcm"),
        authority=CompetentAuthority.NATIONAL,
        company="",
        description=(
            "Productores agrarios de {department} exigen al Gobierno nacional precios de refugio, "
            "fertilizantes subsidiados y la reprogramación de sus deudas."
        ),
        demands="Declaratoria de emergencia agraria; compras estatales; reprogramación de deudas.",
        causes="Caída de precios en chacra; alza del costo de fertilizantes.",
        triggers="Fracaso de la campaña de compras estatales.",
        legislation="Normas de emergencia agraria.",
        strategies="Mesa con el ministerio del sector y el de economía.",
        next_steps="Publicación de las medidas de apoyo acordadas.",
        primary=(
            _org(
                "Federación Agraria Ficticia de {department}",
                OrganisationType.UNION,
                "Convoca el paro agrario indefinido.",
            ),
        ),
        secondary=(MIDAGRI,),
        tertiary=(REGIONAL_GOVERNMENT,),
        headlines=("Paro agrario en {department}: bloquean carreteras",),
        protest_forms=("strike", "road_blockade", "march"),
    ),
    "national-road": Theme(
        typology="gobierno-nacional",
        subtype="",
        sectors=("mtc", "mef"),
        authority=CompetentAuthority.NATIONAL,
        company="",
        description=(
            "Organizaciones de {province} exigen al Gobierno nacional el asfaltado de la carretera "
            "que une {district} con {district2}, comprometido hace años."
        ),
        demands="Financiamiento y cronograma del asfaltado.",
        causes="Compromisos incumplidos de gobiernos anteriores.",
        triggers="Exclusión del proyecto del presupuesto anual.",
        legislation="Ley de Presupuesto del Sector Público.",
        strategies="Mesa de trabajo con el ministerio de transportes.",
        next_steps="Entrega del expediente técnico actualizado.",
        primary=(DEFENCE_FRONT,),
        secondary=(
            _org(
                "Ministerio de Transportes y Comunicaciones",
                OrganisationType.MINISTRY,
                "Ofrece priorizar el proyecto en el siguiente presupuesto.",
            ),
        ),
        tertiary=(PROVINCIAL_MUNICIPALITY, REGIONAL_GOVERNMENT),
        headlines=("{province} acata paro por el asfaltado de su carretera",),
        protest_forms=("strike", "road_blockade"),
    ),
    "communal-land": Theme(
        typology="comunal",
        subtype="",
        sectors=("midagri",),
        authority=CompetentAuthority.REGIONAL,
        company="",
        description=(
            "Las comunidades campesinas de {district} y {district2} disputan la posesión de "
            "pastizales en el límite de sus territorios."
        ),
        demands="Saneamiento de linderos; retiro de cercos; garantías para el pastoreo.",
        causes="Títulos superpuestos y linderos sin señalizar.",
        triggers="Enfrentamiento entre pastores de ambas comunidades.",
        legislation="Ley N.º 24656, Ley General de Comunidades Campesinas.",
        strategies="Mesa de diálogo intercomunal con la dirección regional agraria.",
        next_steps="Inspección de linderos con ambas directivas.",
        primary=(
            COMMUNITY,
            _org(
                "Comunidad Campesina de {district2}",
                OrganisationType.COMMUNITY,
                "Reivindica los pastizales según su título de 1970.",
            ),
        ),
        secondary=(REGIONAL_GOVERNMENT,),
        tertiary=(PARISH,),
        headlines=("Enfrentamiento entre comunidades de {district} y {district2}",),
        protest_forms=("march", "rally"),
    ),
    "coca": Theme(
        typology="cultivo-ilegal-coca",
        subtype="",
        sectors=("mininter", "midagri", "pcm"),
        authority=CompetentAuthority.NATIONAL,
        company="",
        description=(
            "Productores de hoja de coca de {district} rechazan la erradicación y exigen "
            "desarrollo alternativo antes de cualquier intervención."
        ),
        demands="Suspensión de la erradicación; empadronamiento; proyectos productivos.",
        causes="Dependencia económica del cultivo; programas alternativos insuficientes.",
        triggers="Llegada de brigadas de erradicación.",
        legislation="Decreto Ley N.º 22095.",
        strategies="Espacio de diálogo sobre desarrollo alternativo.",
        next_steps="Presentación de proyectos productivos a las bases.",
        primary=(
            _org(
                "Federación de Productores Agropecuarios Ficticia del Valle de {district}",
                OrganisationType.UNION,
                "Rechaza la erradicación sin alternativas.",
            ),
        ),
        secondary=(MININTER,),
        tertiary=(MIDAGRI, DISTRICT_MUNICIPALITY),
        headlines=("Cocaleros de {district} anuncian paro contra la erradicación",),
        protest_forms=("strike", "road_blockade", "march"),
    ),
    "boundary": Theme(
        typology="demarcacion-territorial",
        subtype="",
        sectors=("pcm", "gobierno-regional"),
        authority=CompetentAuthority.NATIONAL,
        company="",
        description=(
            "Autoridades y población de {district} y {district2} disputan el límite entre ambas "
            "jurisdicciones y los centros poblados que quedan en la zona en controversia."
        ),
        demands="Saneamiento del límite por ley; servicios para los centros poblados en disputa.",
        causes="Límites imprecisos desde la creación de los distritos.",
        triggers="Instalación de un letrero de límite por una de las municipalidades.",
        legislation="Ley N.º 27795, Ley de Demarcación y Organización Territorial.",
        strategies="Acompañar el proceso de saneamiento de límites.",
        next_steps="Reunión técnica con ambas municipalidades.",
        primary=(DISTRICT_MUNICIPALITY,),
        secondary=(
            _org(
                "Municipalidad Distrital de {district2}",
                OrganisationType.LOCAL_GOVERNMENT,
                "Reivindica los centros poblados en disputa.",
            ),
            REGIONAL_GOVERNMENT,
        ),
        tertiary=(COMMUNITY,),
        headlines=("Disputa de límites entre {district} y {district2} se agrava",),
        protest_forms=("march", "rally"),
    ),
    "election": Theme(
        typology="electoral",
        subtype="",
        sectors=("pcm",),
        authority=CompetentAuthority.OTHER,
        company="",
        description=(
            "Simpatizantes de una agrupación local de {district} desconocen el resultado de la "
            "elección municipal y denuncian votos golondrinos."
        ),
        demands="Nulidad de la elección; revisión del padrón electoral.",
        causes="Resultado estrecho; denuncias de cambio de domicilio de electores.",
        triggers="Proclamación de resultados por el jurado electoral.",
        legislation="Ley N.º 26864, Ley de Elecciones Municipales.",
        strategies="Orientar hacia los canales de la justicia electoral; prevenir violencia.",
        next_steps="Seguimiento de la resolución del jurado electoral.",
        primary=(
            _org(
                "Movimiento Regional Ficticio Nuevo Amanecer",
                OrganisationType.SOCIAL_ORG,
                "Pide la nulidad de la elección.",
            ),
        ),
        secondary=(DISTRICT_MUNICIPALITY,),
        tertiary=(
            _org(
                "Jurado Electoral Especial de {province}",
                OrganisationType.OTHER,
                "Resuelve los pedidos de nulidad.",
            ),
        ),
        headlines=("Protesta en {district} contra resultados electorales",),
        protest_forms=("rally", "march", "occupation"),
    ),
    "mine-workers": Theme(
        typology="laboral",
        subtype="",
        sectors=("mtpe", "minem"),
        authority=CompetentAuthority.NATIONAL,
        company="Servicios Mineros Imaginarios S.A.C.",
        description=(
            "Trabajadores de la contratista {company} en {district} exigen el pago de utilidades, "
            "mejores condiciones de seguridad y estabilidad laboral."
        ),
        demands="Pago de utilidades; cumplimiento del pliego de reclamos; seguridad en el trabajo.",
        causes="Tercerización; accidentes de trabajo recientes.",
        triggers="Despido de dirigentes sindicales.",
        legislation="Texto Único Ordenado de la Ley de Relaciones Colectivas de Trabajo.",
        strategies="Promover la negociación colectiva ante la autoridad de trabajo.",
        next_steps="Reunión extraproceso en el ministerio de trabajo.",
        primary=(
            _org(
                "Sindicato Ficticio de Trabajadores Mineros de {province}",
                OrganisationType.UNION,
                "Convoca huelga indefinida.",
            ),
        ),
        secondary=(
            _company(
                "Servicios Mineros Imaginarios S.A.C.",
                "Sostiene que los despidos se ajustan a la ley.",
            ),
            _org(
                "Ministerio de Trabajo y Promoción del Empleo",
                OrganisationType.MINISTRY,
                "Convoca a reuniones extraproceso.",
            ),
        ),
        tertiary=(MINEM,),
        headlines=("Huelga de trabajadores mineros en {district} cumple una semana",),
        protest_forms=("strike", "march", "hunger_strike"),
    ),
    "health-workers": Theme(
        typology="laboral",
        subtype="",
        sectors=("minsa", "mef", "gobierno-regional"),
        authority=CompetentAuthority.REGIONAL,
        company="",
        description=(
            "Trabajadores de salud de {department} exigen el nombramiento de personal contratado "
            "y el pago de deudas laborales del gobierno regional."
        ),
        demands="Nombramiento; pago de deudas; abastecimiento de medicinas.",
        causes="Años de contratos temporales; deudas acumuladas.",
        triggers="Publicación de una lista de nombramiento incompleta.",
        legislation="Ley del Servicio Civil y normas de nombramiento del sector salud.",
        strategies="Mesa con la dirección regional de salud y el ministerio.",
        next_steps="Publicación del cronograma de pagos.",
        primary=(
            _org(
                "Sindicato Regional Ficticio de Trabajadores de Salud de {department}",
                OrganisationType.UNION,
                "Mantiene la huelga hasta el nombramiento.",
            ),
        ),
        secondary=(REGIONAL_GOVERNMENT,),
        tertiary=(
            _org(
                "Ministerio de Salud",
                OrganisationType.MINISTRY,
                "Evalúa la transferencia de recursos.",
            ),
        ),
        headlines=("Trabajadores de salud de {department} inician huelga de hambre",),
        protest_forms=("strike", "hunger_strike", "rally"),
    ),
    "university": Theme(
        typology="otros-asuntos",
        subtype="",
        sectors=("minedu",),
        authority=CompetentAuthority.OTHER,
        company="",
        description=(
            "Estudiantes de una universidad pública con sede en {province} toman el campus y "
            "exigen la renuncia de las autoridades y mejoras en el comedor universitario."
        ),
        demands="Elecciones universitarias; comedor e internado; transparencia presupuestal.",
        causes="Crisis institucional prolongada.",
        triggers="Cierre del comedor universitario.",
        legislation="Ley N.º 30220, Ley Universitaria.",
        strategies="Diálogo entre estudiantes y autoridades con la superintendencia.",
        next_steps="Reunión con el consejo universitario.",
        primary=(
            _org(
                "Federación Universitaria Ficticia de {province}",
                OrganisationType.SOCIAL_ORG,
                "Mantiene la toma del campus.",
            ),
        ),
        secondary=(
            _org(
                "Universidad Nacional Imaginaria de {department}",
                OrganisationType.OTHER,
                "Pide la entrega del campus para reiniciar clases.",
            ),
        ),
        tertiary=(
            _org(
                "Ministerio de Educación",
                OrganisationType.MINISTRY,
                "Ofrece recursos para el comedor.",
            ),
        ),
        headlines=("Estudiantes toman universidad en {province}",),
        sites=("Campus universitario de {province}",),
        protest_forms=("occupation", "march"),
    ),
    "transport-fares": Theme(
        typology="otros-asuntos",
        subtype="",
        sectors=("mtc", "gobierno-local"),
        authority=CompetentAuthority.LOCAL,
        company="Empresa de Transporte Urbano Ficticio S.A.",
        description=(
            "Transportistas y usuarios de {province} protestan contra el nuevo reglamento de "
            "rutas y el alza de pasajes de {company}."
        ),
        demands="Revisión del reglamento de rutas; congelamiento de tarifas.",
        causes="Reordenamiento del transporte sin participación de los gremios.",
        triggers="Aprobación de la ordenanza de rutas.",
        legislation="Ley N.º 27181, Ley General de Transporte y Tránsito Terrestre.",
        strategies="Mesa técnica de transporte con la municipalidad provincial.",
        next_steps="Revisión de la ordenanza en comisión de regidores.",
        primary=(
            _org(
                "Gremio de Transportistas Ficticio de {province}",
                OrganisationType.UNION,
                "Rechaza el reglamento de rutas.",
            ),
        ),
        secondary=(PROVINCIAL_MUNICIPALITY,),
        tertiary=(
            _company(
                "Empresa de Transporte Urbano Ficticio S.A.",
                "Explica el alza por el precio del combustible.",
            ),
        ),
        headlines=("Paro de transportistas paraliza {province}",),
        protest_forms=("strike", "road_blockade"),
    ),
}


# --- case histories ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One change in a case's life, ``day`` days after it was registered.

    ``action`` is a workflow transition name (services.TRANSITIONS) or "phase" for a change of
    phase of an active case. ``phase`` is the phase the case enters (the dialogue mechanism and
    the institution's role are chosen by seed_demo).
    """

    action: str
    day: int
    phase: str = ""
    reason: str = ""


RETURN_REASON = "Falta identificar a los actores primarios y precisar el lugar de los hechos."
RESOLVE_REASON = (
    "Las partes firmaron un acta de acuerdos y el seguimiento verificó su cumplimiento."
)
RESOLVE_PRE_REASON = "La autoridad atendió la demanda antes de que escalara."
WITHDRAW_REASON = "Sin actividad registrada por más de un año; sale del reporte mensual."

A, P = "approve", "phase"
STORIES: dict[str, tuple[Step, ...]] = {
    "draft": (),
    "draft_returned": (Step("submit", 4), Step("return", 9, reason=RETURN_REASON)),
    "proposed": (Step("submit", 3),),
    "pre_conflict": (Step("submit", 2), Step("approve_pre_conflict", 6)),
    "active_early": (Step("submit", 2), Step(A, 5, Phase.EARLY)),
    "active_escalation": (
        Step("submit", 2),
        Step(A, 6, Phase.EARLY),
        Step(P, 50, Phase.ESCALATION),
    ),
    "active_crisis": (
        Step("submit", 1),
        Step(A, 3, Phase.ESCALATION),
        Step(P, 40, Phase.CRISIS),
    ),
    "active_deescalation": (
        Step("submit", 2),
        Step(A, 5, Phase.EARLY),
        Step(P, 45, Phase.ESCALATION),
        Step(P, 80, Phase.CRISIS),
        Step(P, 110, Phase.DEESCALATION),
    ),
    "active_dialogue": (
        Step("submit", 2),
        Step(A, 6, Phase.EARLY),
        Step(P, 60, Phase.ESCALATION),
        Step(P, 95, Phase.DIALOGUE),
    ),
    "dialogue_after_crisis": (
        Step("submit", 1),
        Step(A, 4, Phase.ESCALATION),
        Step(P, 30, Phase.CRISIS),
        Step(P, 45, Phase.DEESCALATION),
        Step(P, 70, Phase.DIALOGUE),
    ),
    "escalated_pre_conflict": (
        Step("submit", 2),
        Step("approve_pre_conflict", 7),
        Step("escalate", 120, Phase.ESCALATION),
        Step(P, 150, Phase.CRISIS),
    ),
    "reactivated": (
        Step("submit", 2),
        Step(A, 6, Phase.EARLY),
        Step("to_latent", 160),
        Step("reactivate", 420, Phase.ESCALATION),
        Step(P, 450, Phase.DIALOGUE),
    ),
    "latent": (
        Step("submit", 2),
        Step(A, 6, Phase.EARLY),
        Step(P, 40, Phase.ESCALATION),
        Step("to_latent", 200),
    ),
    "latent_after_dialogue": (
        Step("submit", 2),
        Step(A, 5, Phase.ESCALATION),
        Step(P, 60, Phase.DIALOGUE),
        Step("to_latent", 260),
    ),
    "resolved_after_dialogue": (
        Step("submit", 2),
        Step(A, 6, Phase.ESCALATION),
        Step(P, 40, Phase.DIALOGUE),
        Step("resolve", 300, reason=RESOLVE_REASON),
    ),
    "resolved_after_crisis": (
        Step("submit", 1),
        Step(A, 3, Phase.ESCALATION),
        Step(P, 20, Phase.CRISIS),
        Step(P, 35, Phase.DIALOGUE),
        Step("to_latent", 200),
        Step("resolve", 420, reason=RESOLVE_REASON),
    ),
    "resolved_pre_conflict": (
        Step("submit", 2),
        Step("approve_pre_conflict", 5),
        Step("resolve", 110, reason=RESOLVE_PRE_REASON),
    ),
    "withdrawn": (
        Step("submit", 2),
        Step(A, 6, Phase.EARLY),
        Step("to_latent", 150),
        Step("withdraw", 560, reason=WITHDRAW_REASON),
    ),
    "withdrawn_pre_conflict": (
        Step("submit", 2),
        Step("approve_pre_conflict", 8),
        Step("withdraw", 420, reason=WITHDRAW_REASON),
    ),
    "withdrawn_reactivated": (
        Step("submit", 2),
        Step(A, 5, Phase.EARLY),
        Step("to_latent", 120),
        Step("withdraw", 500, reason=WITHDRAW_REASON),
        Step("reactivate_withdrawn", 640, Phase.ESCALATION),
        Step(P, 680, Phase.DIALOGUE),
    ),
}


# --- the cases --------------------------------------------------------------------------------


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


DP, ONDS = "defensoria", "onds"
DIFF = PcmClassification.DIFFERENCE
CONTROV = PcmClassification.CONTROVERSY
SOCIAL = PcmClassification.SOCIAL_CONFLICT
SECRET = ("strategies", "next_steps")

# One row per case: name, theme, departments, institution, story, months ago, places,
# PCM classification, confidential fields. A table, so the whole set reads at a glance.
# fmt: off
CASES: tuple[CaseSpec, ...] = (
    # Socio-environmental: mining.
    CaseSpec("Comunidad de {district} y Minera Ficticia Andina por el agua del río", "mining-water",
             ("08",), DP, "active_dialogue", 30, 2, SOCIAL, SECRET),
    CaseSpec("Contaminación de manantiales en {district}", "mining-water",
             ("06",), DP, "active_crisis", 6, 2, SOCIAL),
    CaseSpec("Relaves de Minera Ficticia Andina en la cuenca de {district}", "mining-water",
             ("04",), ONDS, "latent", 28, 1, CONTROV),
    CaseSpec("Monitoreo ambiental en {district}", "mining-water",
             ("21",), DP, "resolved_after_dialogue", 26, 1),
    CaseSpec("Ampliación del tajo de Minera Imaginaria Cordillera en {district}",
             "mining-expansion", ("02",), DP, "dialogue_after_crisis", 20, 2, SOCIAL, SECRET),
    CaseSpec("Reasentamiento del anexo de {district}", "mining-expansion",
             ("03",), ONDS, "reactivated", 33, 1, SOCIAL),
    CaseSpec("Convenio de tierras de la comunidad de {district}", "mining-expansion",
             ("13",), DP, "proposed", 1, 1),
    CaseSpec("Corredor minero entre {district} y {district2}", "mining-corridor",
             ("08", "03"), DP, "active_deescalation", 14, 3, SOCIAL),
    CaseSpec("Tránsito de camiones de mineral en {district}", "mining-corridor",
             ("03",), ONDS, "active_escalation", 8, 2, CONTROV),
    CaseSpec("Mineros artesanales de {province} y la formalización", "informal-mining",
             ("17",), DP, "active_crisis", 5, 2),
    CaseSpec("Interdicción minera en {district}", "informal-mining",
             ("04",), ONDS, "withdrawn", 30, 1, DIFF),
    CaseSpec("Formalización minera en {province}", "informal-mining",
             ("21",), DP, "draft", 0, 1),
    # Socio-environmental: hydrocarbons.
    CaseSpec("Derrame de petróleo en la cuenca de {district}", "oil-spill",
             ("16",), DP, "dialogue_after_crisis", 18, 3, SOCIAL, SECRET),
    CaseSpec("Remediación de sitios impactados en {district}", "oil-spill",
             ("16",), ONDS, "latent_after_dialogue", 32, 2, CONTROV),
    CaseSpec("Toma de estación del ducto en {district}", "oil-spill",
             ("01",), DP, "active_crisis", 3, 1, SOCIAL),
    CaseSpec("Derrame en quebradas de {district}", "oil-spill",
             ("25",), DP, "resolved_after_crisis", 31, 2),
    CaseSpec("Masificación del gas en {department}", "gas-royalties",
             ("08",), ONDS, "active_dialogue", 16, 2, CONTROV),
    CaseSpec("Canon gasífero para {province}", "gas-royalties",
             ("05",), DP, "pre_conflict", 4, 1),
    # Socio-environmental: energy.
    CaseSpec("Central hidroeléctrica en el río de {district}", "hydro-dam",
             ("10",), DP, "active_escalation", 9, 1, CONTROV),
    CaseSpec("Licencia de agua para hidroeléctrica en {district}", "hydro-dam",
             ("12",), ONDS, "resolved_pre_conflict", 20, 1, DIFF),
    CaseSpec("Bocatoma de Hidroeléctrica Inventada en {district}", "hydro-dam",
             ("22",), DP, "withdrawn_reactivated", 34, 1),
    CaseSpec("Línea de transmisión entre {district} y {district2}", "power-line",
             ("09",), DP, "active_early", 2, 2),
    CaseSpec("Servidumbres eléctricas en {district}", "power-line",
             ("15",), ONDS, "pre_conflict", 7, 1, DIFF),
    # Socio-environmental: forestry, agro-industry, waste, water, other.
    CaseSpec("Tala ilegal en el territorio comunal de {district}", "logging",
             ("17",), DP, "active_early", 4, 2, "", ("causes",)),
    CaseSpec("Guardianes forestales de {district}", "logging",
             ("25",), DP, "active_dialogue", 12, 1, SOCIAL),
    CaseSpec("Titulación de comunidades nativas de {district}", "logging",
             ("16",), ONDS, "latent", 25, 1, CONTROV),
    CaseSpec("Pozos de Agroexportadora Ficticia en {district}", "agro-water",
             ("11",), DP, "active_escalation", 10, 2),
    CaseSpec("Acuífero de {district}", "agro-water",
             ("20",), ONDS, "latent_after_dialogue", 27, 1, CONTROV),
    CaseSpec("Botadero municipal de {province}", "landfill",
             ("14",), DP, "active_deescalation", 11, 1),
    CaseSpec("Relleno sanitario de {province}", "landfill",
             ("10",), DP, "resolved_pre_conflict", 22, 1),
    CaseSpec("Trasvase de agua de {district} hacia {district2}", "water-transfer",
             ("23", "18"), DP, "active_dialogue", 24, 2, SOCIAL, SECRET),
    CaseSpec("Represa en la cuenca alta de {district}", "water-transfer",
             ("06",), ONDS, "escalated_pre_conflict", 13, 2, CONTROV),
    CaseSpec("Uso del agua entre {district} y {district2}", "water-transfer",
             ("18", "23"), DP, "withdrawn_pre_conflict", 29, 2),
    CaseSpec("Planta harinera en la bahía de {district}", "fishmeal",
             ("02",), DP, "latent", 23, 1),
    CaseSpec("Vertimientos pesqueros en {district}", "fishmeal",
             ("20",), ONDS, "active_early", 3, 1, DIFF),
    # Local, regional and national government.
    CaseSpec("Gestión municipal de {district}", "local-government",
             ("05",), DP, "active_escalation", 7, 1),
    CaseSpec("Obra de agua potable paralizada en {district}", "local-government",
             ("12",), DP, "resolved_after_dialogue", 21, 1),
    CaseSpec("Rendición de cuentas en {district}", "local-government",
             ("19",), DP, "proposed", 0, 1),
    CaseSpec("Hospital provincial de {province}", "regional-works",
             ("20",), DP, "active_dialogue", 15, 1, SOCIAL),
    CaseSpec("Hospital inconcluso de {province}", "regional-works",
             ("24",), ONDS, "withdrawn", 33, 1, DIFF),
    CaseSpec("Obras regionales en {province}", "regional-works",
             ("09",), DP, "draft_returned", 1, 1),
    CaseSpec("Paro agrario en {department}", "national-agrarian",
             ("21", "05", "09"), DP, "active_deescalation", 8, 3, SOCIAL),
    CaseSpec("Productores de papa de {department}", "national-agrarian",
             ("12",), ONDS, "resolved_after_crisis", 30, 2, SOCIAL),
    CaseSpec("Carretera {district}–{district2}", "national-road",
             ("01",), DP, "latent", 20, 2),
    CaseSpec("Asfaltado de la vía a {district}", "national-road",
             ("22",), ONDS, "proposed", 1, 1),
    # Communal, coca, boundaries, electoral.
    CaseSpec("Comunidades de {district} y {district2} por pastizales", "communal-land",
             ("09",), DP, "active_crisis", 4, 2),
    CaseSpec("Linderos entre las comunidades de {district} y {district2}", "communal-land",
             ("05",), DP, "latent", 19, 2),
    CaseSpec("Tierras comunales de {district}", "communal-land",
             ("21",), ONDS, "draft", 0, 2),
    CaseSpec("Erradicación de coca en el valle de {district}", "coca",
             ("10",), DP, "active_escalation", 6, 2, SOCIAL),
    CaseSpec("Desarrollo alternativo en {district}", "coca",
             ("05",), ONDS, "latent", 24, 1, CONTROV),
    CaseSpec("Cocaleros de {province}", "coca",
             ("08",), DP, "pre_conflict", 2, 1),
    CaseSpec("Límite entre {district} y {district2}", "boundary",
             ("03", "05"), DP, "active_early", 5, 2),
    CaseSpec("Demarcación entre {district} y {district2}", "boundary",
             ("13", "06"), ONDS, "latent", 26, 2, DIFF),
    CaseSpec("Resultados electorales en {district}", "election",
             ("19",), DP, "resolved_pre_conflict", 25, 1),
    CaseSpec("Elección municipal de {district}", "election",
             ("07",), DP, "withdrawn_pre_conflict", 31, 1),
    # Labour and other matters.
    CaseSpec("Trabajadores de Servicios Mineros Imaginarios en {district}", "mine-workers",
             ("19",), DP, "active_dialogue", 9, 1, CONTROV),
    CaseSpec("Huelga minera en {province}", "mine-workers",
             ("18",), ONDS, "resolved_after_dialogue", 23, 1, CONTROV),
    CaseSpec("Trabajadores de salud de {department}", "health-workers",
             ("14",), DP, "active_dialogue", 5, 1),
    CaseSpec("Estudiantes de la universidad de {province}", "university",
             ("15",), DP, "active_early", 1, 1, "", ("causes",)),
    CaseSpec("Transporte urbano en {province}", "transport-fares",
             ("07",), ONDS, "latent", 17, 1, DIFF),
)
# fmt: on

# --- events, news, victims --------------------------------------------------------------------

# Where a protest happens, besides the theme's own sites.
COMMON_SITES: tuple[str, ...] = (
    "Plaza de Armas de {district}",
    "Carretera de acceso a {district}",
    "Puente principal de {district}",
    "Frente a la Municipalidad Provincial de {province}",
    "Local comunal de {district2}",
)

# Where an agreement is signed.
AGREEMENT_SITES: tuple[str, ...] = (
    "Local comunal de {district}",
    "Auditorio de la Municipalidad Provincial de {province}",
    "Sede de la Prefectura de {province}",
    "Salón parroquial de {district}",
)

# Invented media: the outlets do not exist and every link points to example.org.
NEWS_OUTLETS: tuple[str, ...] = (
    "Diario El Observador Andino (ficticio)",
    "Radio Voz del Valle (ficticia)",
    "Noticias del Sur Imaginario",
    "La Crónica Regional Inventada",
    "Agencia Ficticia de Noticias del Perú",
    "Canal 9 Imaginario",
)

# Field sources for events (ACLED "source" and "source_scale").
EVENT_SOURCES: tuple[tuple[str, str], ...] = (
    ("Radio Voz del Valle (ficticia); monitor de campo", "Subnacional"),
    ("Diario El Observador Andino (ficticio)", "Regional"),
    ("Reporte de la oficina regional; llamada telefónica de un dirigente", "Local"),
    ("Agencia Ficticia de Noticias del Perú; redes sociales de la organización", "Nacional"),
)

# Invented names for victims; any likeness to a real person is coincidental.
GIVEN_NAMES: tuple[str, ...] = (
    "Juan",
    "Rosa",
    "Pedro",
    "Marcelina",
    "Teófilo",
    "Yeni",
    "Hilario",
    "Maribel",
    "Wilber",
    "Nilda",
    "Edwin",
    "Justina",
)
SURNAMES: tuple[str, ...] = (
    "Ficticio",
    "Inventado",
    "Imaginario",
    "Supuesto",
    "Ejemplar",
    "Modelo",
)

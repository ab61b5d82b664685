"""The shared categories every installation starts with (domain.md §2).

Typologies are the ombudsman's ten; socio-environmental subtypes are the activities its reports use;
sectors are the State sectors that take part in conflicts. Codes are stable slugs: the API and the
open data use them, so never rename one.
"""

TYPOLOGIES: list[tuple[str, str]] = [
    ("gobierno-local", "Asuntos de gobierno local"),
    ("gobierno-regional", "Asuntos de gobierno regional"),
    ("gobierno-nacional", "Asuntos de gobierno nacional"),
    ("comunal", "Comunal"),
    ("cultivo-ilegal-coca", "Cultivo ilegal de coca"),
    ("demarcacion-territorial", "Demarcación territorial"),
    ("electoral", "Electoral"),
    ("laboral", "Laboral"),
    ("socioambiental", "Socioambiental"),
    ("otros-asuntos", "Otros asuntos"),
]

# (code, name, parent typology code)
SUBTYPES: list[tuple[str, str, str]] = [
    ("mineria", "Minería", "socioambiental"),
    ("hidrocarburos", "Hidrocarburos", "socioambiental"),
    ("energia", "Energía", "socioambiental"),
    ("forestal", "Forestal", "socioambiental"),
    ("agroindustrial", "Agroindustrial", "socioambiental"),
    ("residuos-saneamiento", "Residuos y saneamiento", "socioambiental"),
    ("agua", "Agua", "socioambiental"),
    ("otros-socioambiental", "Otros (socioambiental)", "socioambiental"),
]

SECTORS: list[tuple[str, str]] = [
    ("pcm", "Presidencia del Consejo de Ministros"),
    ("minem", "Energía y Minas"),
    ("minam", "Ambiente"),
    ("midagri", "Desarrollo Agrario y Riego"),
    ("mincul", "Cultura"),
    ("mininter", "Interior"),
    ("mtc", "Transportes y Comunicaciones"),
    ("mvcs", "Vivienda, Construcción y Saneamiento"),
    ("minsa", "Salud"),
    ("minedu", "Educación"),
    ("mtpe", "Trabajo y Promoción del Empleo"),
    ("produce", "Producción"),
    ("mef", "Economía y Finanzas"),
    ("ana", "Autoridad Nacional del Agua"),
    ("oefa", "Organismo de Evaluación y Fiscalización Ambiental"),
    ("gobierno-regional", "Gobierno regional"),
    ("gobierno-local", "Gobierno local"),
]

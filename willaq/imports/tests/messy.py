"""A messy registry built for the tests, in the style of the ombudsman's published lists and of
the spreadsheets offices keep: titles above the header, section headings, a statistics
sentence, a total row, places in every form, many spellings of the types, rows without type or
date, a repeated row. Every row is invented.

``EXPECTED`` gives, per row of data, what the import must make of it; the tests assert the
counts exactly.
"""

import csv
import io

HEADER = [
    "N°",
    "Código",
    "Caso",
    "Región",
    "Provincia",
    "Distrito",
    "Tipología",
    "Estado",
    "Fecha de inicio",
    "Descripción",
    "Actores",
    "Observaciones",
]

TITLES = [
    ["DEFENSORÍA DEL PUEBLO — REPORTE DE CONFLICTOS SOCIALES"],
    ["Casos registrados, versión de trabajo de la oficina"],
    [],
]

# (N°, code, name, department, province, district, type, state, start, description, actors,
#  remarks) — and the outcome expected.
ROWS: list[tuple[list[str], str]] = [
    (["CONFLICTOS ACTIVOS"], "not_a_case"),
    (
        [
            "1",
            "DP-001",
            "Comunidad de Fuerabamba y empresa minera",
            "Apurímac",
            "Cotabambas",
            "Challhuahuacho",
            "Socioambiental",
            "Activo",
            "2015",
            "Reubicación y vía de transporte.",
            "Comunidad campesina; empresa minera",
            "",
        ],
        "created",
    ),
    (
        [
            "2",
            "DP-002",
            "Pobladores de Espinar y la minería",
            "CUSCO",
            "espinar",
            "Coporaque",
            "Sociambiental",
            "Activos",
            "31/03/2012",
            "Calidad del agua del río.",
            "",
            "",
        ],
        "created",
    ),
    (
        [
            "3",
            "DP-003",
            "Frente de defensa de Caylloma",
            "Arequipa",
            "Caylloma",
            "Coporaque",
            "Socio ambiental",
            "",
            "dic-2016",
            "Uso del agua del canal.",
            "",
            "revisar",
        ],
        "created",
    ),
    (
        [
            "4",
            "DP-004",
            "Comuneros de Huallanca",
            "Áncash",
            "",
            "Huallanca",
            "Minería",
            "Activo",
            "2018",
            "Pasivos ambientales.",
            "",
            "",
        ],
        "rejected",
    ),  # two Huallancas in Áncash
    (
        [
            "5",
            "DP-005",
            "Límite entre Ayacucho y Huancavelica",
            "Ayacucho / Huancavelica",
            "",
            "",
            "Demarcaciónterritorial",
            "Activo",
            "2010",
            "Disputa de límites.",
            "",
            "",
        ],
        "created",
    ),
    (
        [
            "6",
            "DP-006",
            "Transportistas de Lima",
            "Lima Metropolitana",
            "",
            "",
            "Asunto de gobierno local",
            "Activo",
            "2020-05-04",
            "Rutas y tarifas.",
            "",
            "",
        ],
        "created",
    ),
    (
        [
            "7",
            "DP-007",
            "Agricultores del norte chico",
            "Lima Provincias",
            "",
            "",
            "Por asuntos de gobierno regional",
            "Activo",
            "2019",
            "Riego.",
            "",
            "",
        ],
        "created",
    ),
    (
        [
            "8",
            "DP-008",
            "Paro agrario",
            "Nacional",
            "",
            "",
            "Por asuntos de gobierno nacional",
            "Activo",
            "2021",
            "Precios de fertilizantes.",
            "",
            "",
        ],
        "created",
    ),
    (
        [
            "9",
            "DP-009",
            "Productores cocaleros",
            "Multirregional",
            "",
            "",
            "Cultivo ilegal de hoja de coca",
            "Activo",
            "2014",
            "Erradicación.",
            "",
            "",
        ],
        "created",
    ),
    (
        [
            "10",
            "DP-010",
            "Trabajadores de la siderúrgica",
            "Ica",
            "Nasca",
            "Marcona",
            "Laboral",
            "activo",
            "15/06/2017",
            "Pliego de reclamos.",
            "",
            "",
        ],
        "created",
    ),
    (
        [
            "11",
            "DP-011",
            "Elecciones municipales en Yauli",
            "Junín",
            "Jauja",
            "Yauli",
            "ELECTORAL",
            "Activo",
            "2022",
            "Resultados cuestionados.",
            "",
            "",
        ],
        "created",
    ),
    (
        [
            "12",
            "DP-012",
            "Comuneros de Yauli",
            "Huancavelica",
            "",
            "Yauli",
            "Comunal",
            "Activo",
            "2011",
            "Linderos.",
            "",
            "",
        ],
        "created",
    ),
    (
        [
            "13",
            "DP-013",
            "Estudiantes universitarios de Huamanga",
            "Ayacucho",
            "Huamanga",
            "No detalla",
            "Universitario",
            "Activo",
            "2009",
            "Gobierno universitario.",
            "",
            "",
        ],
        "created",
    ),
    (
        [
            "14",
            "DP-014",
            "Vecinos del mercado de Puno",
            "Puno",
            "Puno",
            "",
            "",
            "Activo",
            "2013",
            "Reubicación del mercado.",
            "",
            "",
        ],
        "created",
    ),  # no type: --default typology
    (
        [
            "15",
            "DP-015",
            "Rondas campesinas",
            "Cajamarca",
            "Chota",
            "",
            "Asuntos de gobiern local",
            "Activo",
            "2016",
            "Elección de autoridades.",
            "",
            "",
        ],
        "rejected",
    ),  # typo in the type
    (
        [
            "16",
            "DP-016",
            "Mineros artesanales",
            "Ayacuchoo",
            "",
            "",
            "Minería informal",
            "Activo",
            "2017",
            "Formalización.",
            "",
            "",
        ],
        "rejected",
    ),  # unknown department
    (
        [
            "17",
            "DP-017",
            "Caso con fecha futura",
            "Piura",
            "",
            "",
            "Laboral",
            "Activo",
            "2099-01-01",
            "Fecha mal escrita.",
            "",
            "",
        ],
        "rejected",
    ),
    (
        [
            "18",
            "DP-018",
            "Conflicto sin lugar",
            "",
            "",
            "",
            "Comunal",
            "Activo",
            "2012",
            "El lugar no se registró.",
            "",
            "",
        ],
        "created",
    ),  # flagged for review
    (
        [
            "19",
            "DP-019",
            "",
            "",
            "",
            "",
            "Gobierno local",
            "Activo",
            "2018",
            "Pobladores del distrito exigen la destitución del alcalde por presuntas "
            "irregularidades en obras. Hubo un paro.",
            "",
            "",
        ],
        "created",
    ),  # name from description
    (
        [
            "1",
            "DP-001",
            "Comunidad de Fuerabamba y empresa minera",
            "Apurímac",
            "Cotabambas",
            "Challhuahuacho",
            "Socioambiental",
            "Activo",
            "2015",
            "Reubicación y vía de transporte.",
            "",
            "",
        ],
        "rejected",
    ),  # repeated row
    (["El 63,9% de los conflictos activos corresponde a casos socioambientales."], "not_a_case"),
    (["CONFLICTOS LATENTES"], "not_a_case"),
    (
        [
            "20",
            "DP-020",
            "Comunidades de Hualgayoc",
            "Cajamarca",
            "Hualgayoc",
            "Bambamarca",
            "Socioambiental - Minería",
            "",
            "2004",
            "Pasivos mineros.",
            "",
            "",
        ],
        "created",
    ),
    (
        [
            "21",
            "DP-021",
            "Regantes de Candarave",
            "Tacna",
            "Candarave",
            "",
            "Agua",
            "Latente",
            "ene-2008",
            "Trasvase de agua.",
            "",
            "",
        ],
        "created",
    ),
    (
        [
            "22",
            "DP-022",
            "Pescadores del norte",
            "Piura y Tumbes",
            "",
            "",
            "Asuntos de gobierno nacional",
            "Resuelto",
            "2006",
            "Veda.",
            "",
            "",
        ],
        "created",
    ),
    (
        [
            "23",
            "DP-023",
            "Comunidades nativas del Marañón",
            "Loreto",
            "",
            "",
            "Hidrocarburos",
            "Retirado",
            "43000",
            "Derrames.",
            "",
            "",
        ],
        "created",
    ),  # an Excel serial as text
    (
        [
            "24",
            "DP-024",
            "Fecha imposible",
            "Tacna",
            "",
            "",
            "Laboral",
            "Activo",
            "31/02/2015",
            "Fecha mal escrita.",
            "",
            "",
        ],
        "rejected",
    ),
    (
        [
            "25",
            "DP-025",
            "Agricultores de Huaral",
            "Lima",
            "Huaral",
            "",
            "Agroindustrial",
            "Activo",
            "",
            "Sin fecha en el archivo.",
            "",
            "",
        ],
        "created",
    ),  # --default start_date
    (["TOTAL", "", "", "", "", "", "", "", "", "", "", "25"], "not_a_case"),
]

# The defaults the test (and the README's example) passes.
DEFAULTS = ["typology=otros-asuntos", "start_date=2004-01-01"]


def expected(outcome: str) -> int:
    if outcome == "rejected":
        return sum(1 for _row, o in ROWS if o in ("rejected", "not_a_case"))
    return sum(1 for _row, o in ROWS if o == outcome)


def messy_csv(encoding: str = "cp1252", delimiter: str = ";") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for title in TITLES:
        writer.writerow(title)
    writer.writerow(HEADER)
    for values, _outcome in ROWS:
        writer.writerow(values)
    return buffer.getvalue().encode(encoding)

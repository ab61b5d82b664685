"""Regenerates ``prealerta.xlsx``, the XLSForm that ODK Collect and KoboCollect fill in.

The XLSForm is shipped in the project (the OpenRosa server converts it with pyxform at first
use); this script is its reviewable source: every question, choice list and setting is written
here, and the place choices (department → province → district, kept inside the form so it works
offline on the phone) come from the territory data the app loads (``data/territory/ubigeo``).

Run after changing it, and raise ``FORM_VERSION``::

    .venv/bin/python -m willaq.earlywarning.xlsforms.build_xlsform

A test checks that the shipped file is what this script writes.
"""

import os
from pathlib import Path
from typing import Any

FORM_ID = "willaq_prealerta"
# Raise it (AAAAMMDDnn) whenever the form changes: Collect downloads the form again, and the
# server accepts submissions of this version and of ACCEPTED_VERSIONS in openrosa/xlsform.py.
FORM_VERSION = "2025061001"
FORM_TITLE = "Prealerta de conflicto social"
XLSFORM_PATH = Path(__file__).resolve().parent / "prealerta.xlsx"
MAX_PHOTOS = 5
# Collect shrinks each photo to at most this many pixels on its longer side, so five photos
# stay well within the server's 5 MB per photo.
PHOTO_MAX_PIXELS = "1600"

SURVEY_COLUMNS = (
    "type",
    "name",
    "label",
    "hint",
    "required",
    "required_message",
    "relevant",
    "constraint",
    "constraint_message",
    "choice_filter",
    "appearance",
    "default",
    "parameters",
)
CHOICES_COLUMNS = ("list_name", "name", "label", "departamento", "provincia")
SETTINGS_COLUMNS = ("form_title", "form_id", "version", "instance_name", "style")

URGENCY_CHOICES = (
    ("low", "Baja"),
    ("medium", "Media"),
    ("high", "Alta"),
    ("critical", "Crítica"),
)
PLACE_MODES = (
    ("territorio", "Elegir departamento, provincia y distrito"),
    ("gps", "Usar la ubicación del teléfono"),
)


def _question(**cells: str) -> dict[str, str]:
    unknown = set(cells) - set(SURVEY_COLUMNS)
    if unknown:
        raise ValueError(f"unknown survey columns: {sorted(unknown)}")
    return cells


def survey_rows() -> list[dict[str, str]]:
    rows = [
        _question(
            type="select_one modo_lugar",
            name="modo_lugar",
            label="¿Cómo indica el lugar?",
            required="yes",
            required_message="Elija cómo indica el lugar.",
            default="territorio",
        ),
        _question(
            type="select_one departamento",
            name="departamento",
            label="Departamento",
            required="yes",
            required_message="Elija el departamento.",
            relevant="${modo_lugar} = 'territorio'",
            appearance="minimal",
        ),
        _question(
            type="select_one provincia",
            name="provincia",
            label="Provincia",
            hint="Si no la sabe, déjela en blanco.",
            relevant="${modo_lugar} = 'territorio' and ${departamento} != ''",
            choice_filter="departamento = ${departamento}",
            appearance="minimal",
        ),
        _question(
            type="select_one distrito",
            name="distrito",
            label="Distrito",
            hint="Si no lo sabe, déjelo en blanco.",
            relevant="${modo_lugar} = 'territorio' and ${provincia} != ''",
            choice_filter="provincia = ${provincia}",
            appearance="minimal",
        ),
        _question(
            type="geopoint",
            name="ubicacion",
            label="Ubicación del teléfono",
            hint="Espere a que la precisión sea buena antes de guardar.",
            required="yes",
            required_message="Capture la ubicación del teléfono.",
            relevant="${modo_lugar} = 'gps'",
        ),
        _question(
            type="text",
            name="localidad",
            label="Localidad, comunidad o centro poblado",
            constraint="string-length(.) <= 200",
            constraint_message="Como máximo 200 caracteres.",
        ),
        _question(
            type="date",
            name="fecha_hecho",
            label="¿Cuándo ocurrió?",
            required="yes",
            required_message="Indique la fecha.",
            constraint=". <= today()",
            constraint_message="La fecha del hecho no puede ser futura.",
            default="today()",
        ),
        _question(
            type="text",
            name="descripcion",
            label="¿Qué pasó?",
            hint="Cuente lo que vio o supo: quiénes, cuántos, dónde, desde cuándo.",
            required="yes",
            required_message="Cuente qué pasó.",
            constraint="string-length(.) <= 5000",
            constraint_message="Como máximo 5000 caracteres.",
            appearance="multiline",
        ),
        _question(
            type="text",
            name="actores",
            label="Actores",
            hint="Organizaciones, comunidades, empresas o autoridades involucradas.",
            constraint="string-length(.) <= 2000",
            constraint_message="Como máximo 2000 caracteres.",
            appearance="multiline",
        ),
        _question(
            type="text",
            name="demandas",
            label="Demandas",
            hint="Qué piden o reclaman.",
            constraint="string-length(.) <= 2000",
            constraint_message="Como máximo 2000 caracteres.",
            appearance="multiline",
        ),
        _question(
            type="text",
            name="medidas",
            label="Medidas de protesta anunciadas",
            hint="Paro, bloqueo de vías, marcha… Déjelo en blanco si no anunciaron ninguna.",
            constraint="string-length(.) <= 2000",
            constraint_message="Como máximo 2000 caracteres.",
            appearance="multiline",
        ),
        _question(
            type="date",
            name="fecha_medidas",
            label="¿Para cuándo anunciaron las medidas?",
            relevant="${medidas} != ''",
        ),
        _question(
            type="select_one urgencia",
            name="urgencia",
            label="Urgencia",
            required="yes",
            required_message="Indique la urgencia.",
            default="medium",
        ),
    ]
    rows.extend(
        _question(
            type="image",
            name=f"foto{number}",
            label=f"Foto {number} (opcional)",
            relevant="" if number == 1 else f"${{foto{number - 1}}} != ''",
            parameters=f"max-pixels={PHOTO_MAX_PIXELS}",
        )
        for number in range(1, MAX_PHOTOS + 1)
    )
    return rows


def choice_rows() -> list[dict[str, str]]:
    """The choice lists; the place lists are read from ``data/territory/ubigeo``."""
    # Imported here, not at the top: the territory loader reads Django's settings, which this
    # script sets up first when run from the command line.
    from willaq.territory.management.commands.load_territory import DEFAULT_DIR, read_units
    from willaq.territory.models import Level

    rows: list[dict[str, str]] = [
        {"list_name": "modo_lugar", "name": name, "label": label} for name, label in PLACE_MODES
    ]
    rows += [
        {"list_name": "urgencia", "name": name, "label": label} for name, label in URGENCY_CHOICES
    ]
    units, _skipped = read_units(DEFAULT_DIR)
    for unit in units:
        if unit.level == Level.DEPARTMENT:
            rows.append({"list_name": "departamento", "name": unit.code, "label": unit.name})
        elif unit.level == Level.PROVINCE:
            rows.append(
                {
                    "list_name": "provincia",
                    "name": unit.code,
                    "label": unit.name,
                    "departamento": unit.department_code,
                }
            )
        elif unit.level == Level.DISTRICT:
            rows.append(
                {
                    "list_name": "distrito",
                    "name": unit.code,
                    "label": unit.name,
                    "provincia": unit.province_code,
                }
            )
    return rows


def settings_rows() -> list[dict[str, str]]:
    return [
        {
            "form_title": FORM_TITLE,
            "form_id": FORM_ID,
            "version": FORM_VERSION,
            "instance_name": "concat('Prealerta ', ${fecha_hecho})",
            "style": "pages",
        }
    ]


def sheets() -> dict[str, tuple[tuple[str, ...], list[dict[str, str]]]]:
    """Each sheet's header and rows, as the workbook holds them."""
    return {
        "survey": (SURVEY_COLUMNS, survey_rows()),
        "choices": (CHOICES_COLUMNS, choice_rows()),
        "settings": (SETTINGS_COLUMNS, settings_rows()),
    }


def build_workbook() -> Any:
    """The XLSForm as an openpyxl workbook."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (columns, rows) in sheets().items():
        sheet = workbook.create_sheet(title)
        sheet.append(list(columns))
        for row in rows:
            sheet.append([row.get(column) or None for column in columns])
    return workbook


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    build_workbook().save(XLSFORM_PATH)
    print(f"{XLSFORM_PATH} escrito (versión {FORM_VERSION}).")


if __name__ == "__main__":
    main()

"""python manage.py import_cases FILE --institution SLUG [--dry-run] [--default FIELD=VALUE ...]
[--map COLUMN=FIELD ...] [--report FILE.json] [--user EMAIL] [--source SLUG]
[--as-of DATE]"""

from willaq.imports.management.summary import ImportCommand
from willaq.imports.services import analyse_cases, import_cases


class Command(ImportCommand):
    help = (
        "Importa casos de una hoja de cálculo (CSV, XLSX, XLS, ODS). Con --dry-run valida todo "
        "sin escribir nada. Cada fila queda creada, actualizada, sin cambios o rechazada con "
        "su motivo."
    )
    analyse = analyse_cases
    run = import_cases
    noun = "casos"
    default_example = "state, typology, start_date"
    map_example = "caso=description"
    takes_as_of = True

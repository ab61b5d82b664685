"""python manage.py import_events FILE --institution SLUG [--dry-run] [--default FIELD=VALUE ...]
[--map COLUMN=FIELD ...] [--report FILE.json] [--user EMAIL] [--source SLUG]"""

from willaq.imports.management.summary import ImportCommand
from willaq.imports.services import analyse_events, import_events


class Command(ImportCommand):
    help = (
        "Importa eventos de una hoja de cálculo (CSV, XLSX, XLS, ODS). Con --dry-run valida todo "
        "sin escribir nada. Cada fila queda creada, actualizada, sin cambios o rechazada con "
        "su motivo."
    )
    analyse = analyse_events
    run = import_events
    noun = "eventos"
    default_example = "event_type, sub_event_type, inter1"
    map_example = "codigo=case"

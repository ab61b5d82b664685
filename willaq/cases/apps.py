from django.apps import AppConfig
from django.db.backends.signals import connection_created

from willaq.cases.dbfunctions import register_sqlite_functions


class CasesConfig(AppConfig):
    name = "willaq.cases"
    label = "cases"

    def ready(self) -> None:
        connection_created.connect(register_sqlite_functions, dispatch_uid="willaq_sqlite_fold")

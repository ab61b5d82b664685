from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "willaq.cases"
    label = "cases"

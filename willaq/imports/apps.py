from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "willaq.imports"
    label = "imports"

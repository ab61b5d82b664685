from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "willaq.core"
    label = "core"

from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "willaq.territory"
    label = "territory"

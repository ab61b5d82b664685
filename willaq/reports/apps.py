from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "willaq.reports"
    label = "reports"

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "willaq.audit"
    label = "audit"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EarlyWarningConfig(AppConfig):
    name = "willaq.earlywarning"
    label = "earlywarning"
    verbose_name = _("Alerta temprana y respuesta")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeoplesConfig(AppConfig):
    name = "willaq.peoples"
    label = "peoples"
    verbose_name = _("Pueblos indígenas, lenguas e intérpretes")

"""Celery application.

In production the broker is Redis (``CELERY_BROKER_URL=redis://...``). The embedded default is
kombu's filesystem transport under ``var/celery/``, so ``make run`` needs no extra server.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("willaq")
app.config_from_object("django.conf:settings", namespace="CELERY")

app.autodiscover_tasks()

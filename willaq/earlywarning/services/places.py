"""Ubigeo units by code for the intake, from memory: the territory is reference data loaded once
(``manage.py load_territory``, which matches units by code and keeps their ids), read on every
pre-alert of every channel.

Each process keeps the units it has looked up (at most the ~2,100 units of the table; an unknown
code is never kept, so guessing codes cannot grow it) for :data:`TTL_SECONDS`; a unit saved or
deleted through the ORM, and a flush or migration (``post_migrate``), empty it at once in that
process, and the TTL bounds how long another process can read a renamed unit. Every call returns
a fresh instance, so a caller may not change what another reads.
"""

import threading
import time
from typing import Any

from django.db.models.signals import post_delete, post_migrate, post_save

from willaq.territory.models import Ubigeo

TTL_SECONDS = 600.0

_FIELDS = tuple(field.attname for field in Ubigeo._meta.concrete_fields)
_lock = threading.Lock()
_units: dict[str, tuple[float, tuple[Any, ...]]] = {}


def unit_by_code(code: str) -> Ubigeo | None:
    """The unit whose INEI code is ``code`` (six digits), or None; no query when known."""
    if len(code) != 6 or not code.isdigit():
        return None
    now = time.monotonic()
    entry = _units.get(code)
    if entry is None or entry[0] < now:
        values = Ubigeo.objects.filter(code=code).values_list(*_FIELDS).first()
        if values is None:
            return None
        entry = (now + TTL_SECONDS, tuple(values))
        with _lock:
            _units[code] = entry
    return Ubigeo.from_db("default", list(_FIELDS), entry[1])


def forget_units(**kwargs: Any) -> None:
    with _lock:
        _units.clear()


post_save.connect(forget_units, sender=Ubigeo, dispatch_uid="earlywarning-places-save")
post_delete.connect(forget_units, sender=Ubigeo, dispatch_uid="earlywarning-places-delete")
post_migrate.connect(forget_units, dispatch_uid="earlywarning-places-migrate")

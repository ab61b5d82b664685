"""The web server's heap and Python's garbage collector.

A worker holds some 250,000 long-lived objects once it has served its first request (Django's
apps, URL resolvers, templates, API schemas, the territory). Python's cyclic garbage collector
walks all of them at each full collection, which comes every few hundred requests of a busy map
and stops that request for 100–200 ms (measured: the street-level map answered in 60 ms, and
in 200 ms once every thirty requests). ``gc.freeze()`` moves the objects that exist at that
moment into a permanent generation that collections skip; objects created later are collected
as before, and reference counting still frees anything, frozen or not, that nothing refers to.

``freeze_after_first_request`` freezes once, when the process has finished its first request
(so that what the first request builds and keeps is frozen too): ``config/wsgi.py`` calls it
for every server process (gunicorn's workers, ``runserver``); the benchmarks that serve
requests in their own process call it as the server does.
"""

import gc
from typing import Any

from django.core.signals import request_finished


def _freeze(sender: Any, **kwargs: Any) -> None:
    request_finished.disconnect(_freeze, dispatch_uid="willaq-heap-freeze")
    gc.collect()
    gc.freeze()


def freeze_after_first_request() -> None:
    request_finished.connect(_freeze, dispatch_uid="willaq-heap-freeze", weak=False)

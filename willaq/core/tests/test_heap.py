"""The server's processes freeze their long-lived objects once, after their first request."""

import gc
from collections.abc import Iterator

import pytest
from django.core.signals import request_finished
from django.test import Client

from willaq.core.heap import _freeze, freeze_after_first_request


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    request_finished.disconnect(_freeze, dispatch_uid="willaq-heap-freeze")
    gc.unfreeze()


@pytest.mark.django_db
def test_the_first_request_freezes_the_heap_and_later_ones_do_not(unfrozen: None) -> None:
    freeze_after_first_request()
    assert gc.get_freeze_count() == 0
    client = Client()
    assert client.get("/health/").status_code == 200
    frozen = gc.get_freeze_count()
    assert frozen > 10_000  # Django's apps, URL resolvers, templates: everything loaded so far
    gc.unfreeze()
    assert client.get("/health/").status_code == 200
    assert gc.get_freeze_count() == 0  # the receiver was disconnected after the first time


def test_the_server_entry_point_arms_the_freeze(unfrozen: None) -> None:
    import config.wsgi  # noqa: F401  (the module gunicorn and runserver load)

    assert request_finished.has_listeners()
    receivers = [r for r in request_finished.receivers if r[0][0] == "willaq-heap-freeze"]
    assert len(receivers) == 1

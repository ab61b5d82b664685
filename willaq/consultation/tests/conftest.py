"""The registry's reference data for the peoples' and consultation's tests: loaded once per
session (outside the tests' transactions), reloaded if a transactional test flushed it."""

from typing import Any

import pytest

from willaq.peoples.loader import load_peoples
from willaq.peoples.models import People


@pytest.fixture(scope="session")
def _peoples_loaded(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        load_peoples()


@pytest.fixture(autouse=True)
def peoples_registry(_peoples_loaded: None, db: None) -> None:
    if People.objects.count() != 55:
        load_peoples()

from typing import Any

import pytest

from willaq.imports.services import load_shared_synonyms


@pytest.fixture(autouse=True)
def _synonyms(db: Any) -> None:
    """The shared synonym tables, as `setup_willaq` loads them."""
    load_shared_synonyms()

"""Every test here reads the peoples registry (loaded once per session by the root conftest)."""

import pytest


@pytest.fixture(autouse=True)
def _registry(peoples_registry: None) -> None:
    """Reload the registry if a transactional test flushed it."""

"""SQL functions the case registry's queries use, given to SQLite on each new connection.

PostgreSQL gets the same functions from migrations (``cases.0003``); SQLite has no stored
functions, so each connection registers them from Python here.
"""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from willaq.core.text import fold


def _fold_or_none(value: Any) -> str | None:
    return None if value is None else fold(str(value))


def register_sqlite_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """connection_created receiver: ``willaq_fold(text)`` is ``willaq.core.text.fold``."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("willaq_fold", 1, _fold_or_none, deterministic=True)

"""The store: ``Store`` (the SQLite implementation) and the names callers import with it.

:class:`bot.record.postgres.PostgresStore` is the other implementation (the optional
``postgres`` extra); :func:`bot.desk.open_store` alone picks one from the settings.

Features are typed against the interfaces in :mod:`bot.record.protocols`; the rows they
get back are in :mod:`bot.record.records`; SQLite itself (schema, migrations, queries)
is in :mod:`bot.record.sqlite`. Open a database with ``async with Store.open(path)``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.record.protocols import DigestRecord, EditorialReads, EditorialRecord, RecordStore
from bot.record.records import (
    CLEAR,
    DigestRun,
    DigestRunState,
    DigestSnapshot,
    DigestSubscription,
    Feedback,
    Note,
    RulingChange,
    StoreError,
)
from bot.record.sqlite import SQLiteStore
from bot.record.sqlite.migrations import MIGRATIONS, Migration, schema_version

log = logging.getLogger(__name__)

Store = SQLiteStore

if TYPE_CHECKING:  # mypy checks here that both databases implement every interface
    from bot.record.postgres import PostgresStore

    _implements: type[RecordStore] = SQLiteStore
    _implements_too: type[RecordStore] = PostgresStore

__all__ = [
    "CLEAR",
    "MIGRATIONS",
    "DigestRecord",
    "DigestRun",
    "DigestRunState",
    "DigestSnapshot",
    "DigestSubscription",
    "EditorialReads",
    "EditorialRecord",
    "Feedback",
    "Migration",
    "Note",
    "RecordStore",
    "RulingChange",
    "Store",
    "StoreError",
    "schema_version",
]

"""The SQLite store: the one implementation of :class:`bot.record.protocols.RecordStore`.

``migrations`` holds the schema, ``connection`` opening and transactions, ``editorial``
and ``digest`` each feature's queries. :class:`SQLiteStore` puts them together.
"""

from __future__ import annotations

import logging

from bot.record.sqlite.alerts import AlertQueries
from bot.record.sqlite.digest import DigestQueries
from bot.record.sqlite.drafts import DraftQueries
from bot.record.sqlite.editorial import EditorialQueries
from bot.record.sqlite.stories import StoryQueries

log = logging.getLogger(__name__)


class SQLiteStore(EditorialQueries, DigestQueries, DraftQueries, StoryQueries, AlertQueries):
    """An open SQLite database. Use ``async with SQLiteStore.open(path) as store``."""


__all__ = ["SQLiteStore"]

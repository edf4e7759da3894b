"""The PostgreSQL store: a second implementation of :class:`bot.record.protocols.RecordStore`.

For several processes (or hosts) sharing one record. ``migrations`` holds the schema,
``connection`` the pool, opening and transactions, ``editorial``, ``digest`` and
``drafts`` (ingest) each feature's queries, ``notify`` what tells the other processes
(LISTEN/NOTIFY, digest claims). :class:`PostgresStore` puts them together. Needs the
``postgres`` extra (asyncpg): ``pip install 'factdesk[postgres]'``.
"""

from __future__ import annotations

import logging

from bot.record.postgres.alerts import AlertQueries
from bot.record.postgres.digest import DigestQueries
from bot.record.postgres.drafts import DraftQueries
from bot.record.postgres.editorial import EditorialQueries
from bot.record.postgres.notify import NotifyQueries
from bot.record.postgres.stories import StoryQueries

log = logging.getLogger(__name__)


class PostgresStore(
    EditorialQueries, DigestQueries, DraftQueries, StoryQueries, AlertQueries, NotifyQueries
):
    """An open PostgreSQL database. Use ``async with PostgresStore.open(url) as store``."""


__all__ = ["PostgresStore"]

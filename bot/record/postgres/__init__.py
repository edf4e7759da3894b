"""The PostgreSQL store: a second implementation of :class:`bot.record.protocols.RecordStore`.

For several processes (or hosts) sharing one record. ``migrations`` holds the schema,
``connection`` the pool, opening and transactions, ``editorial`` and ``digest`` each
feature's queries. :class:`PostgresStore` puts them together. Needs the ``postgres``
extra (asyncpg): ``pip install 'factdesk[postgres]'``.
"""

from __future__ import annotations

import logging

from bot.record.postgres.digest import DigestQueries
from bot.record.postgres.editorial import EditorialQueries

log = logging.getLogger(__name__)


class PostgresStore(EditorialQueries, DigestQueries):
    """An open PostgreSQL database. Use ``async with PostgresStore.open(url) as store``."""


__all__ = ["PostgresStore"]

"""One PostgreSQL connection pool: opening, running the migrations, transactions.

PostgreSQL through asyncpg and its pool. :meth:`PostgresConnection.open` applies the
pending migrations at start-up in one transaction, under an advisory lock so that two
processes starting at once migrate once. A database written by a newer Factdesk (a
schema version above the last migration) is refused with a one-line :class:`StoreError`,
never touched. The query classes (editorial, digest) build on this.

Ids are handed out by sequences at insert time, not at commit, so two transactions can
commit out of id order. The rulings cursor and the editorial marker rely on "a higher id
came later", so writers to ``rulings`` and ``notes`` take the table's SHARE ROW EXCLUSIVE
lock first (:meth:`PostgresConnection._write`): writers queue, readers never wait, and
id order is commit order, as with SQLite's single writer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, Self
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.record.postgres import migrations
from bot.record.records import ScopedStore, StoreError

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 10.0
POOL_MAX_SIZE = 10
# pg_advisory_xact_lock(MIGRATION_LOCK, 0): one migrating process at a time.
MIGRATION_LOCK = 0x46616374  # "Fact"
# Tables whose id order must be commit order (see the module docstring).
ORDERED_TABLES = frozenset({"rulings", "notes"})

# What a failed connect raises: refused or unknown host (OSError), time-out, a bad URL
# (asyncpg's ClientConfigurationError is a ValueError), or the server saying no.
CONNECT_ERRORS = (OSError, asyncio.TimeoutError, ValueError, asyncpg.PostgresError,
                  asyncpg.InterfaceError)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime) -> dt.datetime:
    """A moment as stored: in UTC, to the microsecond (naive means UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def redact(url: str) -> str:
    """``url`` without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + host))


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


class PostgresConnection(ScopedStore):
    """An open database. Use ``async with <class>.open(url) as store``."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        url: str,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self._pool = pool
        self.url = url
        self.location = redact(url)  # what messages name: the URL without its password
        self._clock = clock

    # -- opening -------------------------------------------------------------------

    @classmethod
    @asynccontextmanager
    async def open(
        cls,
        url: str,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
        max_size: int = POOL_MAX_SIZE,
    ) -> AsyncIterator[Self]:
        """Connect to ``url`` (a pool of up to ``max_size``) and bring its schema up to date."""
        migrations.check_migrations()
        try:
            pool = await asyncpg.create_pool(
                url, min_size=1, max_size=max_size, timeout=CONNECT_TIMEOUT_S
            )
        except CONNECT_ERRORS as exc:
            raise StoreError(f"{redact(url)}: cannot connect to the database: {one_line(exc)}"
                             ) from exc
        try:
            store = cls(pool, url, clock=clock)
            await store._migrate()
            yield store
        finally:
            await pool.close()

    @staticmethod
    async def has_schema(url: str) -> bool:
        """Whether the database at ``url`` has been set up by Factdesk (no write is made)."""
        try:
            conn = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_S)
        except CONNECT_ERRORS as exc:
            raise StoreError(f"{redact(url)}: cannot connect to the database: {one_line(exc)}"
                             ) from exc
        try:
            return await conn.fetchval("SELECT to_regclass($1) IS NOT NULL",
                                       migrations.VERSION_TABLE) is True
        finally:
            await conn.close()

    async def user_version(self) -> int:
        """The schema version (0 for a database Factdesk never set up)."""
        async with self._pool.acquire() as conn:
            return await _schema_version(conn)

    async def integrity_check(self) -> str:
        """``"ok"`` when every table and the audit log's guard are there, else what is not."""
        missing = [
            t for t in migrations.TABLES
            if await self._fetchval("SELECT to_regclass($1) IS NULL", t)
        ]
        guards = await self._fetchval(
            "SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass('rulings')"
            " AND tgname LIKE 'rulings_append_only%'"
        ) if "rulings" not in missing else 0
        if guards != 2:
            missing.append("the rulings append-only triggers")
        return "ok" if not missing else "missing: " + ", ".join(missing)

    async def _migrate(self) -> None:
        target = migrations.schema_version()
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1, 0)", MIGRATION_LOCK)
            await conn.execute(
                f"CREATE TABLE IF NOT EXISTS {migrations.VERSION_TABLE} ("
                " only_row BOOLEAN PRIMARY KEY DEFAULT true CHECK (only_row),"
                " version INTEGER NOT NULL)"
            )
            current = await _schema_version(conn)
            if current > target:
                raise StoreError(
                    f"{self.location}: database schema version {current} is newer than this "
                    f"Factdesk supports ({target}); upgrade Factdesk or use another database"
                )
            for migration in migrations.MIGRATIONS[current:]:
                log.info("%s: migrating to schema %d (%s)", self.location, migration.version,
                         migration.name)
                try:
                    async with conn.transaction():  # a savepoint: name the failing one
                        await conn.execute(migration.sql)
                except asyncpg.PostgresError as exc:
                    raise StoreError(
                        f"{self.location}: migration {migration.version} ({migration.name}) "
                        f"failed, database left at schema {current}: {one_line(exc)}"
                    ) from exc
            if target > current:
                await conn.execute(
                    f"INSERT INTO {migrations.VERSION_TABLE} (version) VALUES ($1)"
                    " ON CONFLICT (only_row) DO UPDATE SET version = excluded.version",
                    target,
                )

    # -- transactions and reads ----------------------------------------------------

    @asynccontextmanager
    async def _write(self, ordered: str | None = None) -> AsyncIterator[asyncpg.Connection]:
        """One write transaction on a pooled connection.

        ``ordered``: a table in :data:`ORDERED_TABLES` whose writers queue (see the module
        docstring); the lock is held until commit.
        """
        async with self._pool.acquire() as conn, conn.transaction():
            if ordered is not None:
                if ordered not in ORDERED_TABLES:
                    raise ValueError(f"{ordered} is not an ordered table")
                await conn.execute(f"LOCK TABLE {ordered} IN SHARE ROW EXCLUSIVE MODE")
            yield conn

    async def _fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        async with self._pool.acquire() as conn:
            return list(await conn.fetch(sql, *args))

    async def _fetchrow(self, sql: str, *args: Any) -> asyncpg.Record | None:
        async with self._pool.acquire() as conn:
            return await conn.fetchrow(sql, *args)

    async def _fetchval(self, sql: str, *args: Any) -> Any:
        async with self._pool.acquire() as conn:
            return await conn.fetchval(sql, *args)

    def _now(self) -> dt.datetime:
        """The clock's time, as stored."""
        return as_utc(self._clock())


async def _schema_version(conn: asyncpg.Connection) -> int:
    if await conn.fetchval("SELECT to_regclass($1) IS NULL", migrations.VERSION_TABLE):
        return 0
    value = await conn.fetchval(f"SELECT version FROM {migrations.VERSION_TABLE}")
    return int(value or 0)

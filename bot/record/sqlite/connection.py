"""One SQLite connection: opening, PRAGMAs, running the migrations, transactions.

SQLite through aiosqlite, in WAL mode with foreign keys on. :meth:`SQLiteConnection.open`
applies the pending migrations at start-up, in one transaction. A database written by
a newer Factdesk (``user_version`` above the last migration) is refused with a one-line
:class:`StoreError`, never touched. The query classes (editorial, digest) build on this.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Self

import aiosqlite

from bot.record.records import StoreError
from bot.record.sqlite import migrations

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def to_text(value: dt.datetime) -> str:
    """A moment as stored: ISO 8601 in UTC, to the microsecond (naive means UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def from_text(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


async def fetchone(
    conn: aiosqlite.Connection, sql: str, params: tuple = ()
) -> sqlite3.Row | None:
    async with conn.execute(sql, params) as cur:
        return await cur.fetchone()


class SQLiteConnection:
    """An open database. Use ``async with <class>.open(path) as store``."""

    def __init__(
        self,
        conn: aiosqlite.Connection,
        path: Path,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self._conn = conn
        self.path = path
        self._clock = clock
        # One connection runs one transaction at a time; other coroutines wait here.
        self._write_lock = asyncio.Lock()

    # -- opening -------------------------------------------------------------------

    @classmethod
    @asynccontextmanager
    async def open(
        cls,
        path: Path | str,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> AsyncIterator[Self]:
        """Open (creating if needed) the database at ``path`` and bring its schema up to date."""
        migrations.check_migrations()
        path = Path(path)
        if path.parent and not path.parent.exists():
            raise StoreError(f"{path}: cannot create the database: {path.parent} does not exist")
        try:
            conn = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"{path}: cannot open the database: {exc}") from exc
        try:
            try:
                await cls._configure(conn, path)
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{path}: not a usable Factdesk database: {exc}") from exc
            store = cls(conn, path, clock=clock)
            await store._migrate()
            yield store
        finally:
            await conn.close()

    @staticmethod
    async def _configure(conn: aiosqlite.Connection, path: Path) -> None:
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        async with conn.execute("PRAGMA journal_mode = WAL") as cur:
            row = await cur.fetchone()
        mode = row[0] if row else None
        if mode != "wal" and str(path) != ":memory:":
            log.warning("%s: journal_mode is %s, not wal", path, mode)
        await conn.execute("PRAGMA foreign_keys = ON")
        # WAL + NORMAL: a committed transaction survives a killed process (not power loss).
        await conn.execute("PRAGMA synchronous = NORMAL")

    async def user_version(self) -> int:
        async with self._conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def integrity_check(self) -> str:
        row = await self._fetchone("PRAGMA integrity_check")
        return str(row[0]) if row else "no answer"

    async def _migrate(self) -> None:
        target = migrations.schema_version()
        async with self._write() as conn:
            current = await self.user_version()
            if current > target:
                raise StoreError(
                    f"{self.path}: database schema version {current} is newer than this "
                    f"Factdesk supports ({target}); upgrade Factdesk or use another database"
                )
            for migration in migrations.MIGRATIONS[current:]:
                log.info(
                    "%s: migrating to schema %d (%s)", self.path, migration.version,
                    migration.name,
                )
                try:
                    for statement in migrations.split_sql(migration.sql):
                        await conn.execute(statement)
                except sqlite3.Error as exc:
                    raise StoreError(
                        f"{self.path}: migration {migration.version} ({migration.name}) "
                        f"failed, database left at schema {current}: {exc}"
                    ) from exc
                await conn.execute(f"PRAGMA user_version = {migration.version:d}")

    # -- transactions and reads ----------------------------------------------------

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction, taken with BEGIN IMMEDIATE (other writers wait)."""
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            else:
                await self._conn.execute("COMMIT")

    async def _fetchall(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        async with self._conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def _fetchone(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        async with self._conn.execute(sql, params) as cur:
            return await cur.fetchone()

    def _now(self) -> str:
        """The clock's time, as stored."""
        return to_text(self._clock())

"""The two databases the store tests run on: SQLite (always) and PostgreSQL (given a server).

A :class:`Backend` opens stores on one fresh database per test and reaches that database
raw, outside the store (to try what the schema refuses, or to build an old or a future
one). PostgreSQL runs when ``TEST_POSTGRES_URL`` names a server whose user may
create databases (``.ci/run`` starts one); each test gets a database of its own, dropped
after. Without it the PostgreSQL tests are skipped with the reason, unless
``TEST_POSTGRES_REQUIRED=1`` (set by ``.ci/run``) makes that a failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

import bot.record.sqlite.migrations as sqlite_migrations
from bot.record.store import Store

log = logging.getLogger(__name__)

URL_ENV = "TEST_POSTGRES_URL"
REQUIRE_ENV = "TEST_POSTGRES_REQUIRED"


def open_target(target: str | Path, **kw: Any) -> Any:
    """``Store.open`` for a path, ``PostgresStore.open`` for a postgresql:// URL."""
    if str(target).startswith(("postgresql://", "postgres://")):
        from bot.record.postgres import PostgresStore

        return PostgresStore.open(str(target), **kw)
    return Store.open(Path(target), **kw)


def postgres_unavailable() -> str | None:
    """Why the PostgreSQL tests cannot run here, or None when they can."""
    url = os.environ.get(URL_ENV, "").strip()
    if not url:
        return f"{URL_ENV} is not set: no PostgreSQL server to test on (.ci/run starts one)"
    try:
        import asyncpg
    except ModuleNotFoundError:
        return "asyncpg is not installed (pip install -e '.[postgres]')"

    async def probe() -> None:
        conn = await asyncpg.connect(url, timeout=5)
        await conn.close()

    try:
        asyncio.run(probe())
    except Exception as exc:  # any reason the server cannot be used is a reason to skip
        return f"{URL_ENV}: cannot connect: {' '.join(str(exc).split())}"
    return None


def skip_or_fail_without_postgres(reason: str | None) -> None:
    if reason is None:
        return
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{REQUIRE_ENV}=1 but {reason}")
    pytest.skip(reason)


class Backend:
    """One database for one test, reached through the store and raw."""

    name: str
    migrations: ModuleType
    errors: tuple[type[BaseException], ...]  # what the database raises when it refuses
    target: str  # a path or a URL: what a store (or a writer process) opens
    store_class: type  # the store class opened on it (tests patch a method of it)

    def open(self, **kw: Any) -> Any:
        return open_target(self.target, **kw)

    async def execute(self, sql: str) -> None:
        raise NotImplementedError

    async def fetchval(self, sql: str) -> Any:
        raise NotImplementedError

    async def tables(self) -> set[str]:
        raise NotImplementedError

    async def make_future(self, version: int) -> None:
        """Make this database look written by a newer Factdesk (schema ``version``)."""
        raise NotImplementedError


class SQLiteBackend(Backend):
    name = "sqlite"
    migrations = sqlite_migrations
    store_class = Store
    errors = (sqlite3.IntegrityError,)

    def __init__(self, folder: Path) -> None:
        self.target = str(folder / f"db-{uuid.uuid4().hex[:8]}.sqlite3")

    async def execute(self, sql: str) -> None:
        with contextlib.closing(sqlite3.connect(self.target)) as conn, conn:
            conn.execute(sql)

    async def fetchval(self, sql: str) -> Any:
        with contextlib.closing(sqlite3.connect(self.target)) as conn:
            return conn.execute(sql).fetchone()[0]

    async def tables(self) -> set[str]:
        with contextlib.closing(sqlite3.connect(self.target)) as conn:
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            return {r[0] for r in rows} - {"sqlite_sequence"}

    async def make_future(self, version: int) -> None:
        await self.execute("CREATE TABLE future (x)")
        await self.execute(f"PRAGMA user_version = {version:d}")


class PostgresBackend(Backend):
    name = "postgres"

    def __init__(self, admin_url: str) -> None:
        import asyncpg

        import bot.record.postgres.migrations as postgres_migrations
        from bot.record.postgres import PostgresStore

        self.migrations = postgres_migrations
        self.store_class = PostgresStore
        self.errors = (asyncpg.PostgresError,)
        self._asyncpg = asyncpg
        self.admin_url = admin_url
        self.database = f"factdesk_t_{uuid.uuid4().hex[:12]}"
        parts = urlsplit(admin_url)
        self.target = urlunsplit(parts._replace(path="/" + self.database))

    async def create(self) -> None:
        conn = await self._asyncpg.connect(self.admin_url)
        try:
            await conn.execute(f'CREATE DATABASE "{self.database}"')
        finally:
            await conn.close()

    async def drop(self) -> None:
        conn = await self._asyncpg.connect(self.admin_url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        finally:
            await conn.close()

    async def execute(self, sql: str) -> None:
        conn = await self._asyncpg.connect(self.target)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    async def fetchval(self, sql: str) -> Any:
        conn = await self._asyncpg.connect(self.target)
        try:
            return await conn.fetchval(sql)
        finally:
            await conn.close()

    async def tables(self) -> set[str]:
        conn = await self._asyncpg.connect(self.target)
        try:
            rows = await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            )
            return {r[0] for r in rows}
        finally:
            await conn.close()

    async def make_future(self, version: int) -> None:
        await self.execute("CREATE TABLE future (x integer)")
        await self.execute(
            f"CREATE TABLE {self.migrations.VERSION_TABLE} (only_row BOOLEAN PRIMARY KEY"
            f" DEFAULT true CHECK (only_row), version INTEGER NOT NULL);"
            f" INSERT INTO {self.migrations.VERSION_TABLE} (version) VALUES ({version:d})"
        )


@contextlib.asynccontextmanager
async def backend_for(name: str, folder: Path) -> AsyncIterator[Backend]:
    """A fresh database of kind ``name`` ("sqlite" or "postgres"), removed afterwards."""
    if name == "sqlite":
        yield SQLiteBackend(folder)
        return
    backend = PostgresBackend(os.environ[URL_ENV].strip())
    await backend.create()
    try:
        yield backend
    finally:
        await backend.drop()

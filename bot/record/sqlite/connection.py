"""One SQLite connection: opening, PRAGMAs, running the migrations, transactions.

SQLite through aiosqlite, in WAL mode with foreign keys on. :meth:`SQLiteConnection.open`
applies the pending migrations at start-up, in one transaction. A database written by
a newer Factdesk (``user_version`` above the last migration) is refused with a one-line
:class:`StoreError`, never touched. The query classes (editorial, digest) build on this.

What the store refuses, each as one :class:`StoreError` line naming the file:

- a path that is a directory, a missing file when ``create`` is false;
- a write to a database opened read-only (``readonly=True``, or a file or folder the
  bot's user cannot write: it is then opened read-only, and reads still work);
- a write after the file was deleted or replaced while open (the ``(st_dev, st_ino)``
  seen at open is checked before each write transaction): the write would go to an
  unlinked file and be lost;
- a write that waited more than ``busy_timeout_ms`` (default 2 s, well under Discord's 3 s)
  for another writer: "the database is busy; try again".
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import sqlite3
import stat
import urllib.parse
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Self

import aiosqlite

from bot.record.records import ScopedStore, StoreError
from bot.record.sqlite import migrations

log = logging.getLogger(__name__)

# How long a write waits for another writer before it is refused (interactive: Discord
# allows 3 s for a first response).
BUSY_TIMEOUT_MS = 2_000
# Opening (the WAL switch, migrations) is start-up, not an interaction: two processes
# starting on a new file wait for each other's migration this long before giving up.
STARTUP_BUSY_TIMEOUT_MS = 30_000


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


class SQLiteConnection(ScopedStore):
    """An open database. Use ``async with <class>.open(path) as store``."""

    def __init__(
        self,
        conn: aiosqlite.Connection,
        path: Path,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
        read_only: str | None = None,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    ) -> None:
        self._conn = conn
        self.path = path
        self._clock = clock
        # Why writes are refused ("opened for reading", "file mode 0444"...); None: writable.
        self.read_only = read_only
        self._busy_timeout_ms = busy_timeout_ms
        self._identity = file_identity(path)
        self._digest_claims: set[int] = set()  # subscriptions whose digest runs now
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
        create: bool = True,
        readonly: bool = False,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    ) -> AsyncIterator[Self]:
        """Open the database at ``path`` and bring its schema up to date.

        ``create``: create it when missing (else StoreError). ``readonly``: never write
        (no WAL switch, no migration transaction); a database older than this Factdesk
        is migrated first when its file can be written. A file or folder the process
        cannot write is opened read-only too, and any write is refused in one line.
        """
        migrations.check_migrations()
        path = Path(path)
        check_path(path, create=create and not readonly)
        reason = "opened for reading" if readonly else unwritable(path)
        if reason is not None and path.exists():
            if readonly and unwritable(path) is None and await _schema_behind(path):
                async with cls.open(path, clock=clock, create=False):
                    pass  # migrated; now opened read-only below
            conn = await _connect(path, read_only=True)
        else:
            reason = None
            conn = await _connect(path, read_only=False)
        startup_ms = max(busy_timeout_ms, STARTUP_BUSY_TIMEOUT_MS)
        try:
            try:
                await cls._configure(conn, path, wal=reason is None, busy_ms=startup_ms)
            except sqlite3.DatabaseError as exc:
                raise StoreError(f"{path}: not a usable Factdesk database: {exc}") from exc
            store = cls(conn, path, clock=clock, read_only=reason, busy_timeout_ms=startup_ms)
            if reason is None:
                await store._migrate()
            store._busy_timeout_ms = busy_timeout_ms  # from here on, interactive writes
            await store._set_busy_timeout(busy_timeout_ms)
            if reason is not None:
                await store._check_schema_readable()
                log.info("%s: opened read-only (%s)", path, reason)
            yield store
        finally:
            await conn.close()

    @staticmethod
    async def _configure(
        conn: aiosqlite.Connection, path: Path, *, wal: bool = True, busy_ms: int = BUSY_TIMEOUT_MS
    ) -> None:
        await conn.execute(f"PRAGMA busy_timeout = {int(busy_ms):d}")
        if not wal:  # read-only: nothing may be written, not even the journal mode
            await conn.execute("PRAGMA query_only = ON")
            await fetchone(conn, "PRAGMA user_version")  # reads the header: fails if not a db
            return
        row = await _switch_to_wal(conn, busy_ms / 1000)
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

    def _newer_schema(self, current: int, target: int) -> StoreError:
        return StoreError(
            f"{self.path}: database schema version {current} is newer than this "
            f"Factdesk supports ({target}); upgrade Factdesk or use another database"
        )

    async def _check_schema_readable(self) -> None:
        """A read-only database must already be at this Factdesk's schema."""
        target = migrations.schema_version()
        current = await self.user_version()
        if current > target:
            raise self._newer_schema(current, target)
        if current < target:
            raise StoreError(
                f"{self.path}: database schema version {current} is older than this "
                f"Factdesk's ({target}) and it is read-only ({self.read_only}): "
                "open it once with write access to migrate it"
            )

    async def _migrate(self) -> None:
        target = migrations.schema_version()
        current = await self.user_version()
        if current > target:
            raise self._newer_schema(current, target)
        if current == target:
            return  # nothing to do: no write transaction (another writer may hold the lock)
        try:
            async with self._write() as conn:
                current = await self.user_version()
                if current > target:
                    raise self._newer_schema(current, target)
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
        except sqlite3.IntegrityError as exc:  # at commit: a deferred foreign key (migration 6)
            raise StoreError(
                f"{self.path}: migrating to schema {target} failed at commit, database left "
                f"at schema {current}: {exc}"
            ) from exc

    # -- transactions and reads ----------------------------------------------------

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction, taken with BEGIN IMMEDIATE (other writers wait).

        Refused with StoreError, nothing written: a read-only database, a file deleted or
        replaced since it was opened, or another writer holding it past the busy timeout.
        """
        if self.read_only is not None:
            raise self._refused(f"the database is read-only ({self.read_only}); nothing was "
                                "written")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._busy_timeout_ms / 1000
        try:
            await asyncio.wait_for(self._write_lock.acquire(), self._busy_timeout_ms / 1000)
        except TimeoutError:
            raise self._busy() from None
        try:
            self._check_identity()
            waited = self._busy_timeout_ms - int((deadline - loop.time()) * 1000)
            if waited > 50:  # what is left of the wait, for SQLite's own lock
                await self._set_busy_timeout(max(self._busy_timeout_ms - waited, 1))
            try:
                await self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise self._sqlite_refusal(exc) from exc
            finally:
                if waited > 50:
                    await self._set_busy_timeout(self._busy_timeout_ms)
            try:
                yield self._conn
            except BaseException as exc:
                await self._conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError):
                    raise self._sqlite_refusal(exc) from exc
                raise
            else:
                try:
                    await self._conn.execute("COMMIT")
                except sqlite3.OperationalError as exc:
                    await self._conn.execute("ROLLBACK")
                    raise self._sqlite_refusal(exc) from exc
                except sqlite3.IntegrityError:  # a deferred foreign key refused the commit;
                    await self._conn.execute("ROLLBACK")  # SQLite keeps the transaction open
                    raise
        finally:
            self._write_lock.release()

    async def _set_busy_timeout(self, ms: int) -> None:
        await self._conn.execute(f"PRAGMA busy_timeout = {int(ms):d}")

    def _check_identity(self) -> None:
        """The file at ``path`` is still the one opened; else the write would be lost."""
        if self._identity is None:
            return
        now = file_identity(self.path)
        if now is None:
            raise self._refused("the database file was deleted while open; nothing was "
                                "written (restore it, or restart to open a new one)")
        if now != self._identity:
            raise self._refused("the database file was replaced while open; nothing was "
                                "written (restart to open the new file)")

    def _busy(self) -> StoreError:
        return self._refused(
            f"the database is busy; try again (another writer held it over "
            f"{self._busy_timeout_ms / 1000:g} s)"
        )

    def _sqlite_refusal(self, exc: sqlite3.OperationalError) -> StoreError:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return self._busy()
        if "readonly" in text or "read-only" in text:
            return self._refused(f"the database is read-only ({text}); nothing was written")
        return self._refused(f"the write failed: {text}")

    def _refused(self, what: str) -> StoreError:
        """A refused write: one line naming the file, logged."""
        error = StoreError(f"{self.path}: {what}")
        log.error("%s", error)
        return error

    async def _fetchall(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        async with self._conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def _fetchone(self, sql: str, params: tuple | dict = ()) -> sqlite3.Row | None:
        async with self._conn.execute(sql, params) as cur:
            return await cur.fetchone()

    def _now(self) -> str:
        """The clock's time, as stored."""
        return to_text(self._clock())


# -- the file under the connection ------------------------------------------------------


def file_identity(path: Path) -> tuple[int, int] | None:
    """(st_dev, st_ino) of the file at ``path``, None when there is none (or ":memory:")."""
    if str(path) == ":memory:":
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def check_path(path: Path, *, create: bool) -> None:
    """A path that can hold a database: not a directory, its folder there; StoreError else."""
    if str(path) == ":memory:":
        return
    shown = str(path) if str(path) not in ("", ".") else repr(str(path))
    if path.is_dir():
        raise StoreError(f"{shown}: is a directory, not a database file")
    if path.exists():
        if not stat.S_ISREG(path.stat().st_mode):
            raise StoreError(f"{shown}: not a regular file, not a database")
        return
    if not create:
        raise StoreError(f"{shown}: no database there")
    if not path.parent.is_dir():
        raise StoreError(f"{shown}: cannot create the database: {path.parent} does not exist")


def unwritable(path: Path) -> str | None:
    """Why the process cannot write the database at ``path`` (None: it can)."""
    if str(path) == ":memory:":
        return None
    folder = path.parent
    if path.exists() and not os.access(path, os.W_OK):
        return f"file mode {stat.S_IMODE(path.stat().st_mode):04o}"
    # WAL writes need the -wal and -shm files beside it: the folder, unless both are there.
    sidecars = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    if not os.access(folder, os.W_OK | os.X_OK) and not all(
        p.exists() and os.access(p, os.W_OK) for p in sidecars
    ):
        return f"folder {folder} is not writable"
    return None


async def _connect(path: Path, *, read_only: bool) -> aiosqlite.Connection:
    """An aiosqlite connection; StoreError (one line) when SQLite cannot open the file."""
    if read_only and str(path) != ":memory:":
        query = "mode=ro"
        if not os.access(path.parent, os.W_OK) and not Path(f"{path}-wal").exists():
            # No writer can exist (no folder to put a -wal in): read without the -shm.
            query += "&immutable=1"
        target: str | Path = f"file:{urllib.parse.quote(str(path.absolute()))}?{query}"
    else:
        target = path
    conn = aiosqlite.connect(target, isolation_level=None, uri=read_only)
    try:
        return await conn
    except sqlite3.Error as exc:
        # aiosqlite's worker thread hands its last result to this loop: let it finish
        # before the loop may close, or it prints a traceback of its own.
        thread = getattr(conn, "_thread", None)
        if thread is not None:
            await asyncio.to_thread(thread.join, 5)
        raise StoreError(f"{path}: cannot open the database: {exc}") from exc


async def _schema_behind(path: Path) -> bool:
    """True when the database at ``path`` is at an older schema than this Factdesk's."""
    conn = await _connect(path, read_only=True)
    try:
        row = await fetchone(conn, "PRAGMA user_version")
    except sqlite3.DatabaseError:
        return False  # the read-only open says what is wrong
    finally:
        await conn.close()
    return row is not None and int(row[0]) < migrations.schema_version()


async def _switch_to_wal(conn: aiosqlite.Connection, wait_s: float) -> Any:
    """``PRAGMA journal_mode = WAL``, retried while another process starting on the same
    new file holds it: SQLite answers "database is locked" at once there (two
    connections upgrading their locks), without waiting in the busy handler."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    delay = 0.02
    while True:
        try:
            async with conn.execute("PRAGMA journal_mode = WAL") as cur:
                return await cur.fetchone()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or loop.time() + delay > deadline:
                raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.5)

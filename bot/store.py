"""The database: the one module that holds SQL.

SQLite through aiosqlite, in WAL mode with foreign keys on. The schema is versioned:
``MIGRATIONS`` is an ordered list, migration N brings a database from ``user_version``
N-1 to N, and :meth:`Store.open` applies the pending ones at start-up, each in its own
transaction. A database written by a newer Factdesk (``user_version`` above the last
migration) is refused with a one-line :class:`StoreError`, never touched.

Sections below: migrations, the Store (connection, transactions), editorial queries
(rulings audit log, notes, feedback), then the digest section (added by the digest
feature). Keep each feature's queries in its own section.

Editorial model: ``rulings`` is an append-only audit log (triggers refuse UPDATE and
DELETE). A claim's current ruling is its latest row; a ``clear`` row returns it to its
derived status. Each row records the editorial status it replaced (``previous``, NULL for
"the derived status"), computed inside the same write transaction, so concurrent writers
produce a history whose rows chain: row n's ``previous`` is row n-1's ``status``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import aiosqlite
from pydantic import BaseModel, ConfigDict

from bot.answers import EditorialRuling
from bot.errors import FactdeskError
from bot.status import EDITORIAL_STATUSES, EvidenceStatus

log = logging.getLogger(__name__)

CLEAR = "clear"
BUSY_TIMEOUT_MS = 10_000


class StoreError(FactdeskError):
    """The database cannot be used as is (newer schema, not a database, cannot open)."""


# --------------------------------------------------------------------------------------
# Migrations. Append only: never edit a migration that has shipped, add a new one.
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Migration:
    version: int  # the user_version this migration brings the database to
    name: str
    sql: str  # one or more statements; no BEGIN/COMMIT (the runner wraps it)


_EDITORIAL_VALUES = ", ".join(f"'{s.value}'" for s in sorted(EDITORIAL_STATUSES))

MIGRATIONS: list[Migration] = [
    Migration(
        1,
        "editorial: rulings audit log, notes, feedback",
        f"""
        CREATE TABLE rulings (
            id        INTEGER PRIMARY KEY AUTOINCREMENT,
            claim_id  TEXT    NOT NULL CHECK (length(claim_id) > 0),
            status    TEXT    NOT NULL CHECK (status IN ({_EDITORIAL_VALUES}, '{CLEAR}')),
            previous  TEXT             CHECK (previous IS NULL
                                              OR previous IN ({_EDITORIAL_VALUES})),
            reason    TEXT    NOT NULL DEFAULT '',
            by_name   TEXT    NOT NULL CHECK (length(by_name) > 0),
            by_id     INTEGER,
            at        TEXT    NOT NULL
        );
        CREATE INDEX rulings_by_claim ON rulings (claim_id, id);
        CREATE TRIGGER rulings_append_only_update BEFORE UPDATE ON rulings
        BEGIN SELECT RAISE(ABORT, 'rulings is an append-only audit log'); END;
        CREATE TRIGGER rulings_append_only_delete BEFORE DELETE ON rulings
        BEGIN SELECT RAISE(ABORT, 'rulings is an append-only audit log'); END;

        CREATE TABLE notes (
            id        INTEGER PRIMARY KEY AUTOINCREMENT,
            claim_id  TEXT    NOT NULL CHECK (length(claim_id) > 0),
            text      TEXT    NOT NULL CHECK (length(text) > 0),
            by_name   TEXT    NOT NULL CHECK (length(by_name) > 0),
            by_id     INTEGER,
            at        TEXT    NOT NULL
        );
        CREATE INDEX notes_by_claim ON notes (claim_id, id);

        CREATE TABLE feedback (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            kind       TEXT    NOT NULL DEFAULT 'wrong_match',
            command    TEXT    NOT NULL,
            query      TEXT    NOT NULL,
            claim_id   TEXT,
            user_id    INTEGER,
            user_name  TEXT    NOT NULL DEFAULT '',
            guild_id   INTEGER,
            channel_id INTEGER,
            comment    TEXT    NOT NULL DEFAULT '',
            at         TEXT    NOT NULL
        );
        CREATE INDEX feedback_by_time ON feedback (id DESC);
        """,
    ),
]


def schema_version() -> int:
    """The user_version this build of Factdesk writes."""
    return MIGRATIONS[-1].version if MIGRATIONS else 0


def _check_migrations() -> None:
    for expected, migration in enumerate(MIGRATIONS, start=1):
        if migration.version != expected:
            raise AssertionError(f"MIGRATIONS[{expected - 1}] has version {migration.version}")


# --------------------------------------------------------------------------------------
# Records returned by the editorial queries (plain pydantic: the CLI prints --json).
# --------------------------------------------------------------------------------------


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RulingChange(_Record):
    """One row of a claim's audit trail: who, when, from, to, reason."""

    id: int
    claim_id: str
    status: EvidenceStatus | Literal["clear"]  # "clear": back to the derived status
    previous: EvidenceStatus | None  # None: it was on its derived status
    reason: str
    by: str
    by_id: int | None
    at: dt.datetime

    def as_ruling(self) -> EditorialRuling | None:
        if self.status == CLEAR:
            return None
        return EditorialRuling(status=self.status, by=self.by, at=self.at, reason=self.reason)


class Note(_Record):
    id: int
    claim_id: str
    text: str
    by: str
    by_id: int | None
    at: dt.datetime


class Feedback(_Record):
    """A "Wrong match" report (or another kind of feedback) from a user."""

    id: int
    kind: str
    command: str
    query: str
    claim_id: str | None
    user_id: int | None
    user_name: str
    guild_id: int | None
    channel_id: int | None
    comment: str
    at: dt.datetime


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _ts(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _parse_ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


# --------------------------------------------------------------------------------------
# The Store: connection, PRAGMAs, migrations, transactions.
# --------------------------------------------------------------------------------------


class Store:
    """An open database. Use ``async with Store.open(path) as store``."""

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
    ) -> AsyncIterator[Store]:
        """Open (creating if needed) the database at ``path`` and bring its schema up to date."""
        _check_migrations()
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

    async def _migrate(self) -> None:
        target = schema_version()
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                current = await self.user_version()
                if current > target:
                    raise StoreError(
                        f"{self.path}: database schema version {current} is newer than this "
                        f"Factdesk supports ({target}); upgrade Factdesk or use another database"
                    )
                for migration in MIGRATIONS[current:]:
                    log.info(
                        "%s: migrating to schema %d (%s)", self.path, migration.version,
                        migration.name,
                    )
                    try:
                        for statement in _split_sql(migration.sql):
                            await self._conn.execute(statement)
                    except sqlite3.Error as exc:
                        raise StoreError(
                            f"{self.path}: migration {migration.version} ({migration.name}) "
                            f"failed, database left at schema {current}: {exc}"
                        ) from exc
                    await self._conn.execute(f"PRAGMA user_version = {migration.version:d}")
                await self._conn.execute("COMMIT")
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise

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

    async def integrity_check(self) -> str:
        row = await self._fetchone("PRAGMA integrity_check")
        return str(row[0]) if row else "no answer"

    # ==================================================================================
    # Editorial: rulings audit log, notes, feedback
    # ==================================================================================

    async def set_status(
        self,
        claim_id: str,
        status: EvidenceStatus | str,
        *,
        reason: str,
        by: str,
        by_id: int | None = None,
    ) -> RulingChange:
        """Append a status change; ``status`` is an editorial status or ``"clear"``."""
        value = _editorial_value(status)
        reason = reason.strip()
        by = by.strip()
        if not by:
            raise StoreError("status: who made the change (--by) is empty")
        if value != CLEAR and not reason:
            raise StoreError("status: the reason is empty")
        async with self._write() as conn:
            row = await _fetchone(
                conn,
                "SELECT status FROM rulings WHERE claim_id = ? ORDER BY id DESC LIMIT 1",
                (claim_id,),
            )
            previous = None if row is None or row[0] == CLEAR else row[0]
            at = self._clock()
            cur = await conn.execute(
                "INSERT INTO rulings (claim_id, status, previous, reason, by_name, by_id, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (claim_id, value, previous, reason, by, by_id, _ts(at)),
            )
            row_id = cur.lastrowid
        return RulingChange(
            id=int(row_id or 0), claim_id=claim_id, status=value, previous=previous,
            reason=reason, by=by, by_id=by_id, at=_parse_ts(_ts(at)),
        )

    async def history(self, claim_id: str) -> list[RulingChange]:
        rows = await self._fetchall(
            "SELECT id, claim_id, status, previous, reason, by_name, by_id, at"
            " FROM rulings WHERE claim_id = ? ORDER BY id",
            (claim_id,),
        )
        return [_ruling_change(r) for r in rows]

    async def current_rulings(self) -> dict[str, EditorialRuling]:
        """Every claim's standing ruling (claims whose latest row is ``clear`` are absent)."""
        rows = await self._fetchall(
            "SELECT r.id, r.claim_id, r.status, r.previous, r.reason, r.by_name, r.by_id, r.at"
            " FROM rulings r JOIN (SELECT claim_id, max(id) AS last FROM rulings"
            " GROUP BY claim_id) l ON r.id = l.last ORDER BY r.claim_id"
        )
        out: dict[str, EditorialRuling] = {}
        for row in rows:
            ruling = _ruling_change(row).as_ruling()
            if ruling is not None:
                out[row[1]] = ruling
        return out

    async def ruling(self, claim_id: str) -> EditorialRuling | None:
        row = await self._fetchone(
            "SELECT id, claim_id, status, previous, reason, by_name, by_id, at"
            " FROM rulings WHERE claim_id = ? ORDER BY id DESC LIMIT 1",
            (claim_id,),
        )
        return None if row is None else _ruling_change(row).as_ruling()

    async def add_note(
        self, claim_id: str, text: str, *, by: str, by_id: int | None = None
    ) -> Note:
        text = text.strip()
        by = by.strip()
        if not text:
            raise StoreError("note: the text is empty")
        if not by:
            raise StoreError("note: who wrote it (--by) is empty")
        at = self._clock()
        async with self._write() as conn:
            cur = await conn.execute(
                "INSERT INTO notes (claim_id, text, by_name, by_id, at) VALUES (?, ?, ?, ?, ?)",
                (claim_id, text, by, by_id, _ts(at)),
            )
            row_id = cur.lastrowid
        return Note(
            id=int(row_id or 0), claim_id=claim_id, text=text, by=by, by_id=by_id,
            at=_parse_ts(_ts(at)),
        )

    async def notes(self, claim_id: str) -> list[Note]:
        rows = await self._fetchall(
            "SELECT id, claim_id, text, by_name, by_id, at FROM notes"
            " WHERE claim_id = ? ORDER BY id",
            (claim_id,),
        )
        return [_note(r) for r in rows]

    async def all_notes(self) -> dict[str, list[Note]]:
        rows = await self._fetchall(
            "SELECT id, claim_id, text, by_name, by_id, at FROM notes ORDER BY claim_id, id"
        )
        out: dict[str, list[Note]] = {}
        for row in rows:
            out.setdefault(row[1], []).append(_note(row))
        return out

    async def editorial_claim_ids(self) -> set[str]:
        """Every claim id that has a ruling row or a note (for the orphan report)."""
        rows = await self._fetchall(
            "SELECT claim_id FROM rulings UNION SELECT claim_id FROM notes"
        )
        return {r[0] for r in rows}

    async def add_feedback(
        self,
        *,
        command: str,
        query: str,
        claim_id: str | None = None,
        kind: str = "wrong_match",
        user_id: int | None = None,
        user_name: str = "",
        guild_id: int | None = None,
        channel_id: int | None = None,
        comment: str = "",
    ) -> Feedback:
        at = self._clock()
        async with self._write() as conn:
            cur = await conn.execute(
                "INSERT INTO feedback (kind, command, query, claim_id, user_id, user_name,"
                " guild_id, channel_id, comment, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, command, query, claim_id, user_id, user_name, guild_id, channel_id,
                 comment, _ts(at)),
            )
            row_id = cur.lastrowid
        return Feedback(
            id=int(row_id or 0), kind=kind, command=command, query=query, claim_id=claim_id,
            user_id=user_id, user_name=user_name, guild_id=guild_id, channel_id=channel_id,
            comment=comment, at=_parse_ts(_ts(at)),
        )

    async def latest_feedback(self, limit: int = 20) -> list[Feedback]:
        """The newest feedback first."""
        rows = await self._fetchall(
            "SELECT id, kind, command, query, claim_id, user_id, user_name, guild_id,"
            " channel_id, comment, at FROM feedback ORDER BY id DESC LIMIT ?",
            (max(0, int(limit)),),
        )
        return [_feedback(r) for r in rows]

    # ==================================================================================
    # Digest (migration 2): subscriptions, digest runs — added by the digest feature.
    # ==================================================================================


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def _editorial_value(status: EvidenceStatus | str) -> str:
    value = str(getattr(status, "value", status)).strip().lower()
    if value == CLEAR:
        return CLEAR
    try:
        parsed = EvidenceStatus(value)
    except ValueError:
        parsed = None
    if parsed is None or parsed not in EDITORIAL_STATUSES:
        allowed = ", ".join(sorted(s.value for s in EDITORIAL_STATUSES))
        raise StoreError(f"status: {value!r} is not an editorial status ({allowed}, or clear)")
    return parsed.value


async def _fetchone(
    conn: aiosqlite.Connection, sql: str, params: tuple = ()
) -> sqlite3.Row | None:
    async with conn.execute(sql, params) as cur:
        return await cur.fetchone()


def _ruling_change(row: sqlite3.Row) -> RulingChange:
    return RulingChange(
        id=row[0], claim_id=row[1], status=row[2], previous=row[3], reason=row[4],
        by=row[5], by_id=row[6], at=_parse_ts(row[7]),
    )


def _note(row: sqlite3.Row) -> Note:
    return Note(
        id=row[0], claim_id=row[1], text=row[2], by=row[3], by_id=row[4], at=_parse_ts(row[5])
    )


def _feedback(row: sqlite3.Row) -> Feedback:
    return Feedback(
        id=row[0], kind=row[1], command=row[2], query=row[3], claim_id=row[4], user_id=row[5],
        user_name=row[6], guild_id=row[7], channel_id=row[8], comment=row[9],
        at=_parse_ts(row[10]),
    )


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (triggers keep their inner ``;``)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements

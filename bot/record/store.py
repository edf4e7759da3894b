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
import hashlib
import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import aiosqlite
from pydantic import BaseModel, ConfigDict

from bot.answers.models import EditorialRuling
from bot.claimset.status import EDITORIAL_STATUSES, EvidenceStatus
from bot.errors import FactdeskError

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
    Migration(
        2,
        "digest: snapshots, subscriptions, runs (exactly once), sent messages",
        """
        -- The claim set as a digest run saw it: every record's content hash (the item
        -- set, shared by snapshots with the same content) and the rulings cursor.
        CREATE TABLE digest_snapshots (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            claimset      TEXT    NOT NULL,
            items_hash    TEXT    NOT NULL,
            ruling_cursor INTEGER NOT NULL DEFAULT 0,
            taken_at      TEXT    NOT NULL
        );
        CREATE TABLE digest_snapshot_items (
            items_hash TEXT NOT NULL,
            record     TEXT NOT NULL,
            hash       TEXT NOT NULL,
            PRIMARY KEY (items_hash, record)
        ) WITHOUT ROWID;

        CREATE TABLE digest_subscriptions (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            guild_id        INTEGER,
            channel_id      INTEGER NOT NULL UNIQUE CHECK (channel_id > 0),
            time            TEXT    NOT NULL,
            timezone        TEXT    NOT NULL,
            post_when_empty INTEGER NOT NULL CHECK (post_when_empty IN (0, 1)),
            active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            active_from     TEXT    NOT NULL,
            baseline_snapshot_id INTEGER NOT NULL REFERENCES digest_snapshots (id),
            created_by      TEXT    NOT NULL,
            created_at      TEXT    NOT NULL,
            updated_at      TEXT    NOT NULL
        );

        -- One row per subscription and period, written before anything is sent.
        CREATE TABLE digest_runs (
            id                INTEGER PRIMARY KEY AUTOINCREMENT,
            subscription_id   INTEGER NOT NULL REFERENCES digest_subscriptions (id),
            period            TEXT    NOT NULL,
            state             TEXT    NOT NULL CHECK (state IN
                                ('sending', 'sent', 'skipped', 'failed', 'abandoned')),
            payload           TEXT    NOT NULL,
            snapshot_id       INTEGER NOT NULL REFERENCES digest_snapshots (id),
            since_snapshot_id INTEGER NOT NULL REFERENCES digest_snapshots (id),
            attempts          INTEGER NOT NULL DEFAULT 0,
            last_error        TEXT    NOT NULL DEFAULT '',
            started_at        TEXT    NOT NULL,
            finished_at       TEXT,
            message_id        INTEGER,
            UNIQUE (subscription_id, period)
        );
        CREATE TABLE digest_messages (
            run_id     INTEGER NOT NULL REFERENCES digest_runs (id),
            part       INTEGER NOT NULL CHECK (part >= 0),
            nonce      TEXT    NOT NULL,
            message_id INTEGER NOT NULL,
            sent_at    TEXT    NOT NULL,
            PRIMARY KEY (run_id, part)
        );
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

    async def editorial_marker(self) -> tuple[int, int]:
        """The newest ruling and note ids: changes when anyone (any process) writes."""
        row = await self._fetchone(
            "SELECT (SELECT coalesce(max(id), 0) FROM rulings),"
            " (SELECT coalesce(max(id), 0) FROM notes)"
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)

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
    #
    # Exactly once: a run row (subscription, period) is inserted in state 'sending',
    # with the message contents fixed, *before* anything is sent; UNIQUE(subscription,
    # period) means a period can only ever be begun once. Each sent part is recorded
    # with its message id right after Discord answers; the run becomes 'sent' when all
    # parts are. Completing a run moves the subscription's baseline to the run's
    # snapshot, so the next digest covers what changed after it.

    async def digest_ruling_cursor(self) -> int:
        """The id of the latest rulings row (0 when none): status changes after it are new."""
        row = await self._fetchone("SELECT coalesce(max(id), 0) FROM rulings")
        return int(row[0]) if row else 0

    async def digest_take_snapshot(
        self, hashes: Mapping[str, str], *, claimset: str, ruling_cursor: int
    ) -> int:
        async with self._write() as conn:
            return await self._digest_insert_snapshot(conn, hashes, claimset, ruling_cursor)

    async def _digest_insert_snapshot(
        self,
        conn: aiosqlite.Connection,
        hashes: Mapping[str, str],
        claimset: str,
        ruling_cursor: int,
    ) -> int:
        items = sorted(hashes.items())
        items_hash = hashlib.sha256(
            "\n".join(f"{k}\t{v}" for k, v in items).encode()
        ).hexdigest()
        if await _fetchone(
            conn, "SELECT 1 FROM digest_snapshot_items WHERE items_hash = ? LIMIT 1",
            (items_hash,),
        ) is None:
            await conn.executemany(
                "INSERT INTO digest_snapshot_items (items_hash, record, hash) VALUES (?, ?, ?)",
                [(items_hash, k, v) for k, v in items],
            )
        cur = await conn.execute(
            "INSERT INTO digest_snapshots (claimset, items_hash, ruling_cursor, taken_at)"
            " VALUES (?, ?, ?, ?)",
            (claimset, items_hash, int(ruling_cursor), _ts(self._clock())),
        )
        return int(cur.lastrowid or 0)

    async def digest_snapshot(self, snapshot_id: int) -> DigestSnapshot | None:
        row = await self._fetchone(
            "SELECT id, claimset, items_hash, ruling_cursor, taken_at FROM digest_snapshots"
            " WHERE id = ?",
            (snapshot_id,),
        )
        if row is None:
            return None
        items = await self._fetchall(
            "SELECT record, hash FROM digest_snapshot_items WHERE items_hash = ?", (row[2],)
        )
        return DigestSnapshot(
            id=row[0], claimset=row[1], ruling_cursor=row[3], taken_at=_parse_ts(row[4]),
            hashes={r[0]: r[1] for r in items},
        )

    async def digest_subscribe(
        self,
        *,
        channel_id: int,
        guild_id: int | None,
        time: str,
        timezone: str,
        post_when_empty: bool,
        by: str,
        hashes: Mapping[str, str],
        claimset: str,
    ) -> DigestSubscription:
        """Subscribe a channel, or change its time, zone or empty-post rule.

        A new (or re-activated) subscription starts from a snapshot of the claim set now.
        Periods whose time had passed when it was (re)subscribed are not owed.
        """
        if channel_id <= 0:
            raise StoreError(f"digest: channel id {channel_id} is not a channel")
        now = _ts(self._clock())
        async with self._write() as conn:
            row = await _fetchone(
                conn, "SELECT id, active FROM digest_subscriptions WHERE channel_id = ?",
                (channel_id,),
            )
            if row is not None and row[1]:
                await conn.execute(
                    "UPDATE digest_subscriptions SET guild_id = coalesce(?, guild_id),"
                    " time = ?, timezone = ?, post_when_empty = ?, active_from = ?,"
                    " created_by = ?, updated_at = ? WHERE id = ?",
                    (guild_id, time, timezone, int(post_when_empty), now, by, now, row[0]),
                )
                sub_id = int(row[0])
            else:
                cursor = int((await _fetchone(
                    conn, "SELECT coalesce(max(id), 0) FROM rulings"))[0])  # type: ignore[index]
                snapshot = await self._digest_insert_snapshot(conn, hashes, claimset, cursor)
                if row is not None:
                    await conn.execute(
                        "UPDATE digest_subscriptions SET guild_id = coalesce(?, guild_id),"
                        " time = ?, timezone = ?, post_when_empty = ?, active = 1,"
                        " active_from = ?, baseline_snapshot_id = ?, created_by = ?,"
                        " updated_at = ? WHERE id = ?",
                        (guild_id, time, timezone, int(post_when_empty), now, snapshot, by,
                         now, row[0]),
                    )
                    sub_id = int(row[0])
                else:
                    cur = await conn.execute(
                        "INSERT INTO digest_subscriptions (guild_id, channel_id, time, timezone,"
                        " post_when_empty, active, active_from, baseline_snapshot_id,"
                        " created_by, created_at, updated_at)"
                        " VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)",
                        (guild_id, channel_id, time, timezone, int(post_when_empty), now,
                         snapshot, by, now, now),
                    )
                    sub_id = int(cur.lastrowid or 0)
        sub = await self.digest_subscription(sub_id)
        assert sub is not None
        return sub

    async def digest_unsubscribe(
        self, *, guild_id: int | None, channel_id: int | None = None
    ) -> list[DigestSubscription]:
        """Deactivate the guild's subscriptions, or one channel's. Runs are kept.

        With a channel, its subscription is found by the channel alone (channel ids are
        unique, and one set from config.toml may not know its guild)."""
        if channel_id is not None:
            subs = [s for s in await self.digest_subscriptions() if s.channel_id == channel_id]
        else:
            subs = await self.digest_subscriptions(guild_id=guild_id)
        if not subs:
            return []
        now = _ts(self._clock())
        async with self._write() as conn:
            await conn.executemany(
                "UPDATE digest_subscriptions SET active = 0, updated_at = ? WHERE id = ?",
                [(now, s.id) for s in subs],
            )
        return subs

    async def digest_subscriptions(
        self, *, guild_id: int | None = None, include_inactive: bool = False
    ) -> list[DigestSubscription]:
        sql = f"SELECT {_SUBSCRIPTION_COLUMNS} FROM digest_subscriptions WHERE 1"
        params: list[object] = []
        if not include_inactive:
            sql += " AND active = 1"
        if guild_id is not None:
            sql += " AND guild_id = ?"
            params.append(guild_id)
        rows = await self._fetchall(sql + " ORDER BY id", tuple(params))
        return [_subscription(r) for r in rows]

    async def digest_subscription(self, subscription_id: int) -> DigestSubscription | None:
        row = await self._fetchone(
            f"SELECT {_SUBSCRIPTION_COLUMNS} FROM digest_subscriptions WHERE id = ?",
            (subscription_id,),
        )
        return None if row is None else _subscription(row)

    async def digest_latest_run(self, subscription_id: int) -> DigestRun | None:
        """The run of the latest period begun for the subscription (any state)."""
        row = await self._fetchone(
            f"SELECT {_RUN_COLUMNS} FROM digest_runs WHERE subscription_id = ?"
            " ORDER BY period DESC LIMIT 1",
            (subscription_id,),
        )
        return None if row is None else await self._digest_run(row)

    async def digest_runs(self, subscription_id: int) -> list[DigestRun]:
        rows = await self._fetchall(
            f"SELECT {_RUN_COLUMNS} FROM digest_runs WHERE subscription_id = ? ORDER BY period",
            (subscription_id,),
        )
        return [await self._digest_run(r) for r in rows]

    async def digest_get_run(self, run_id: int) -> DigestRun | None:
        row = await self._fetchone(
            f"SELECT {_RUN_COLUMNS} FROM digest_runs WHERE id = ?", (run_id,)
        )
        return None if row is None else await self._digest_run(row)

    async def _digest_run(self, row: sqlite3.Row) -> DigestRun:
        parts = await self._fetchall(
            "SELECT part, message_id FROM digest_messages WHERE run_id = ? ORDER BY part",
            (row[0],),
        )
        return _run(row, {int(p[0]): int(p[1]) for p in parts})

    async def digest_begin_run(
        self,
        *,
        subscription_id: int,
        period: dt.date,
        payload: Sequence[str],
        since_snapshot_id: int,
        hashes: Mapping[str, str],
        claimset: str,
        ruling_cursor: int,
        skipped: bool = False,
    ) -> DigestRun | None:
        """Record a run before sending it; None when the period was already begun.

        ``skipped``: nothing to post (an empty digest, post_when_empty off): the run is
        recorded as done and the baseline moves on, in the same transaction.
        """
        now = _ts(self._clock())
        async with self._write() as conn:
            if await _fetchone(
                conn, "SELECT 1 FROM digest_runs WHERE subscription_id = ? AND period = ?",
                (subscription_id, period.isoformat()),
            ) is not None:
                return None
            snapshot = await self._digest_insert_snapshot(conn, hashes, claimset, ruling_cursor)
            cur = await conn.execute(
                "INSERT INTO digest_runs (subscription_id, period, state, payload, snapshot_id,"
                " since_snapshot_id, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (subscription_id, period.isoformat(), "skipped" if skipped else "sending",
                 json.dumps(list(payload)), snapshot, since_snapshot_id, now,
                 now if skipped else None),
            )
            run_id = int(cur.lastrowid or 0)
            if skipped:
                await conn.execute(
                    "UPDATE digest_subscriptions SET baseline_snapshot_id = ? WHERE id = ?",
                    (snapshot, subscription_id),
                )
        return await self.digest_get_run(run_id)

    async def digest_attempt(self, run_id: int) -> int:
        """Count one more delivery attempt (before sending); returns the count."""
        async with self._write() as conn:
            await conn.execute(
                "UPDATE digest_runs SET attempts = attempts + 1 WHERE id = ?", (run_id,)
            )
            row = await _fetchone(conn, "SELECT attempts FROM digest_runs WHERE id = ?",
                                  (run_id,))
        return int(row[0]) if row else 0

    async def digest_record_message(
        self, run_id: int, part: int, *, nonce: str, message_id: int
    ) -> None:
        """Record one sent part, right after Discord answered with its message id."""
        async with self._write() as conn:
            await conn.execute(
                "INSERT INTO digest_messages (run_id, part, nonce, message_id, sent_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id, part) DO NOTHING",
                (run_id, part, nonce, message_id, _ts(self._clock())),
            )

    async def digest_finish_run(self, run_id: int) -> None:
        """Mark a run sent and move its subscription's baseline to the run's snapshot."""
        async with self._write() as conn:
            await conn.execute(
                "UPDATE digest_runs SET state = 'sent', finished_at = ?, message_id ="
                " (SELECT message_id FROM digest_messages WHERE run_id = ? ORDER BY part"
                " LIMIT 1) WHERE id = ? AND state = 'sending'",
                (_ts(self._clock()), run_id, run_id),
            )
            await conn.execute(
                "UPDATE digest_subscriptions SET baseline_snapshot_id ="
                " (SELECT snapshot_id FROM digest_runs WHERE id = ?)"
                " WHERE id = (SELECT subscription_id FROM digest_runs WHERE id = ?)",
                (run_id, run_id),
            )

    async def digest_stop_run(
        self, run_id: int, *, state: Literal["failed", "abandoned"], error: str
    ) -> None:
        """Stop retrying a run: 'failed' (too many errors) or 'abandoned' (a newer period)."""
        async with self._write() as conn:
            await conn.execute(
                "UPDATE digest_runs SET state = ?, last_error = ?, finished_at = ?"
                " WHERE id = ? AND state = 'sending'",
                (state, error[:500], _ts(self._clock()), run_id),
            )

    async def digest_note_error(self, run_id: int, error: str) -> None:
        async with self._write() as conn:
            await conn.execute(
                "UPDATE digest_runs SET last_error = ? WHERE id = ?", (error[:500], run_id)
            )

    async def digest_status_changes(
        self, *, after: int, upto: int | None = None
    ) -> list[RulingChange]:
        """Audit-trail rows with ``after < id <= upto``, oldest first."""
        sql = (
            "SELECT id, claim_id, status, previous, reason, by_name, by_id, at"
            " FROM rulings WHERE id > ?"
        )
        params: tuple = (after,)
        if upto is not None:
            sql += " AND id <= ?"
            params = (after, upto)
        rows = await self._fetchall(sql + " ORDER BY id", params)
        return [_ruling_change(r) for r in rows]


# --------------------------------------------------------------------------------------
# Digest records (migration 2)
# --------------------------------------------------------------------------------------

DigestRunState = Literal["sending", "sent", "skipped", "failed", "abandoned"]


class DigestSnapshot(_Record):
    id: int
    claimset: str
    ruling_cursor: int  # rulings rows with a higher id came after the snapshot
    taken_at: dt.datetime
    hashes: dict[str, str]  # "claim:<id>" -> content hash


class DigestSubscription(_Record):
    id: int
    guild_id: int | None
    channel_id: int
    time: str  # "08:00", local
    timezone: str  # IANA name
    post_when_empty: bool
    active: bool
    active_from: dt.datetime  # periods due before this are not owed
    baseline_snapshot_id: int  # what the next digest is measured against
    created_by: str  # who set it last: an editor's name, or "config.toml"
    created_at: dt.datetime
    updated_at: dt.datetime


class DigestRun(_Record):
    id: int
    subscription_id: int
    period: dt.date  # the local date the digest is for
    state: DigestRunState
    payload: list[str]  # the message contents, fixed before the first send
    snapshot_id: int
    since_snapshot_id: int
    attempts: int
    last_error: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    message_id: int | None  # the first message, once sent
    messages: dict[int, int]  # part -> message id, for the parts already sent


_SUBSCRIPTION_COLUMNS = (
    "id, guild_id, channel_id, time, timezone, post_when_empty, active, active_from,"
    " baseline_snapshot_id, created_by, created_at, updated_at"
)
_RUN_COLUMNS = (
    "id, subscription_id, period, state, payload, snapshot_id, since_snapshot_id, attempts,"
    " last_error, started_at, finished_at, message_id"
)


def _subscription(row: sqlite3.Row) -> DigestSubscription:
    return DigestSubscription(
        id=row[0], guild_id=row[1], channel_id=row[2], time=row[3], timezone=row[4],
        post_when_empty=bool(row[5]), active=bool(row[6]), active_from=_parse_ts(row[7]),
        baseline_snapshot_id=row[8], created_by=row[9], created_at=_parse_ts(row[10]),
        updated_at=_parse_ts(row[11]),
    )


def _run(row: sqlite3.Row, messages: dict[int, int]) -> DigestRun:
    return DigestRun(
        id=row[0], subscription_id=row[1], period=dt.date.fromisoformat(row[2]), state=row[3],
        payload=json.loads(row[4]), snapshot_id=row[5], since_snapshot_id=row[6],
        attempts=row[7], last_error=row[8], started_at=_parse_ts(row[9]),
        finished_at=_parse_ts(row[10]) if row[10] else None, message_id=row[11],
        messages=messages,
    )


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

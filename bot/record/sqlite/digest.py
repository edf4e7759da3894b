"""The digest's record in SQLite: snapshots, subscriptions, runs and sent messages (migration 2).

Exactly once: a run row (subscription, period) is inserted in state 'sending', with the
message contents fixed, *before* anything is sent; UNIQUE(subscription, period) means a
period can only ever be begun once. Each sent part is recorded with its message id right
after Discord answers; the run becomes 'sent' when all parts are. Completing a run moves
the subscription's baseline to the run's snapshot, so the next digest covers what changed
after it. Snapshots share their item rows by content hash.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Literal

import aiosqlite

from bot.record.records import (
    DigestRun,
    DigestSnapshot,
    DigestSubscription,
    RulingChange,
    StoreError,
    items_hash,
)
from bot.record.sqlite.connection import SQLiteConnection, fetchone, from_text
from bot.record.sqlite.editorial import RULING_COLUMNS, in_scope, ruling_change

log = logging.getLogger(__name__)

_SUBSCRIPTION_COLUMNS = (
    "id, guild_id, channel_id, time, timezone, post_when_empty, active, active_from,"
    " baseline_snapshot_id, created_by, created_at, updated_at, story"
)
_RUN_COLUMNS = (
    "id, subscription_id, period, state, payload, snapshot_id, since_snapshot_id, attempts,"
    " last_error, started_at, finished_at, message_id"
)


def _subscription(row: sqlite3.Row) -> DigestSubscription:
    return DigestSubscription(
        id=row[0], guild_id=row[1], channel_id=row[2], time=row[3], timezone=row[4],
        post_when_empty=bool(row[5]), active=bool(row[6]), active_from=from_text(row[7]),
        baseline_snapshot_id=row[8], created_by=row[9], created_at=from_text(row[10]),
        updated_at=from_text(row[11]), story=row[12],
    )


def _run(row: sqlite3.Row, messages: dict[int, int]) -> DigestRun:
    return DigestRun(
        id=row[0], subscription_id=row[1], period=dt.date.fromisoformat(row[2]), state=row[3],
        payload=json.loads(row[4]), snapshot_id=row[5], since_snapshot_id=row[6],
        attempts=row[7], last_error=row[8], started_at=from_text(row[9]),
        finished_at=from_text(row[10]) if row[10] else None, message_id=row[11],
        messages=messages,
    )


async def _latest_ruling_id(conn: aiosqlite.Connection) -> int:
    row = await fetchone(conn, "SELECT coalesce(max(id), 0) FROM rulings")
    return int(row[0]) if row else 0


class DigestQueries(SQLiteConnection):
    """:class:`bot.record.protocols.DigestRecord` over one SQLite connection."""

    # -- snapshots ---------------------------------------------------------------------

    async def digest_ruling_cursor(self) -> int:
        """The id of the latest rulings row (0 when none): status changes after it are new."""
        return await _latest_ruling_id(self._conn)

    async def digest_status_changes(
        self, *, after: int, upto: int | None = None
    ) -> list[RulingChange]:
        """Audit-trail rows of the scope with ``after < id <= upto``, oldest first."""
        where, params = in_scope(self.scope)
        sql = f"SELECT {RULING_COLUMNS} FROM rulings WHERE {where} AND id > ?"
        params = (*params, after)
        if upto is not None:
            sql += " AND id <= ?"
            params = (*params, upto)
        rows = await self._fetchall(sql + " ORDER BY id", params)
        return [ruling_change(r) for r in rows]

    async def digest_take_snapshot(
        self, hashes: Mapping[str, str], *, claimset: str, ruling_cursor: int
    ) -> int:
        async with self._write() as conn:
            return await self._insert_snapshot(conn, hashes, claimset, ruling_cursor)

    async def _insert_snapshot(
        self,
        conn: aiosqlite.Connection,
        hashes: Mapping[str, str],
        claimset: str,
        ruling_cursor: int,
    ) -> int:
        name, items = items_hash(hashes)
        if await fetchone(
            conn, "SELECT 1 FROM digest_snapshot_items WHERE items_hash = ? LIMIT 1",
            (name,),
        ) is None:
            await conn.executemany(
                "INSERT INTO digest_snapshot_items (items_hash, record, hash) VALUES (?, ?, ?)",
                [(name, k, v) for k, v in items],
            )
        cur = await conn.execute(
            "INSERT INTO digest_snapshots (claimset, items_hash, ruling_cursor, taken_at)"
            " VALUES (?, ?, ?, ?)",
            (claimset, name, int(ruling_cursor), self._now()),
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
            id=row[0], claimset=row[1], ruling_cursor=row[3], taken_at=from_text(row[4]),
            hashes={r[0]: r[1] for r in items},
        )

    # -- subscriptions -----------------------------------------------------------------

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
        now = self._now()
        async with self._write() as conn:
            row = await fetchone(
                conn, "SELECT id, active, story FROM digest_subscriptions WHERE channel_id = ?",
                (channel_id,),
            )
            # Another story's subscription starts again, from a snapshot of this story.
            if row is not None and row[1] and row[2] == self.scope.story:
                await conn.execute(
                    "UPDATE digest_subscriptions SET guild_id = coalesce(?, guild_id),"
                    " time = ?, timezone = ?, post_when_empty = ?, active_from = ?,"
                    " created_by = ?, updated_at = ? WHERE id = ?",
                    (guild_id, time, timezone, int(post_when_empty), now, by, now, row[0]),
                )
                sub_id = int(row[0])
            else:
                cursor = await _latest_ruling_id(conn)
                snapshot = await self._insert_snapshot(conn, hashes, claimset, cursor)
                if row is not None:
                    await conn.execute(
                        "UPDATE digest_subscriptions SET guild_id = coalesce(?, guild_id),"
                        " time = ?, timezone = ?, post_when_empty = ?, active = 1,"
                        " active_from = ?, baseline_snapshot_id = ?, created_by = ?,"
                        " updated_at = ?, story = ? WHERE id = ?",
                        (guild_id, time, timezone, int(post_when_empty), now, snapshot, by,
                         now, self.scope.story, row[0]),
                    )
                    sub_id = int(row[0])
                else:
                    cur = await conn.execute(
                        "INSERT INTO digest_subscriptions (guild_id, channel_id, time, timezone,"
                        " post_when_empty, active, active_from, baseline_snapshot_id,"
                        " created_by, created_at, updated_at, story)"
                        " VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)",
                        (guild_id, channel_id, time, timezone, int(post_when_empty), now,
                         snapshot, by, now, now, self.scope.story),
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
        now = self._now()
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

    # -- runs --------------------------------------------------------------------------

    async def digest_latest_run(self, subscription_id: int) -> DigestRun | None:
        """The run of the latest period begun for the subscription (any state)."""
        row = await self._fetchone(
            f"SELECT {_RUN_COLUMNS} FROM digest_runs WHERE subscription_id = ?"
            " ORDER BY period DESC LIMIT 1",
            (subscription_id,),
        )
        return None if row is None else await self._with_messages(row)

    async def digest_runs(self, subscription_id: int) -> list[DigestRun]:
        rows = await self._fetchall(
            f"SELECT {_RUN_COLUMNS} FROM digest_runs WHERE subscription_id = ? ORDER BY period",
            (subscription_id,),
        )
        return [await self._with_messages(r) for r in rows]

    async def digest_get_run(self, run_id: int) -> DigestRun | None:
        row = await self._fetchone(
            f"SELECT {_RUN_COLUMNS} FROM digest_runs WHERE id = ?", (run_id,)
        )
        return None if row is None else await self._with_messages(row)

    async def _with_messages(self, row: sqlite3.Row) -> DigestRun:
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
        now = self._now()
        async with self._write() as conn:
            if await fetchone(
                conn, "SELECT 1 FROM digest_runs WHERE subscription_id = ? AND period = ?",
                (subscription_id, period.isoformat()),
            ) is not None:
                return None
            snapshot = await self._insert_snapshot(conn, hashes, claimset, ruling_cursor)
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
            row = await fetchone(conn, "SELECT attempts FROM digest_runs WHERE id = ?",
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
                (run_id, part, nonce, message_id, self._now()),
            )

    async def digest_finish_run(self, run_id: int) -> None:
        """Mark a run sent and move its subscription's baseline to the run's snapshot."""
        async with self._write() as conn:
            await conn.execute(
                "UPDATE digest_runs SET state = 'sent', finished_at = ?, message_id ="
                " (SELECT message_id FROM digest_messages WHERE run_id = ? ORDER BY part"
                " LIMIT 1) WHERE id = ? AND state = 'sending'",
                (self._now(), run_id, run_id),
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
                (state, error[:500], self._now(), run_id),
            )

    async def digest_note_error(self, run_id: int, error: str) -> None:
        async with self._write() as conn:
            await conn.execute(
                "UPDATE digest_runs SET last_error = ? WHERE id = ?", (error[:500], run_id)
            )

    @asynccontextmanager
    async def digest_claim(self, subscription_id: int) -> AsyncIterator[bool]:
        """True while this store runs the subscription's digest; False: it already does.

        Within this process only: a SQLite record is one bot process's (several
        processes share a PostgreSQL record, whose claim holds across them)."""
        if subscription_id in self._digest_claims:
            yield False
            return
        self._digest_claims.add(subscription_id)
        try:
            yield True
        finally:
            self._digest_claims.discard(subscription_id)

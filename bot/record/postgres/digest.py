"""The digest's record in PostgreSQL: snapshots, subscriptions, runs, sent messages (migration 2).

Exactly once, as in SQLite: a run row (subscription, period) is inserted in state
'sending', its message contents fixed, *before* anything is sent, and UNIQUE(subscription,
period) means a period is begun once. Across processes, beginning a run first locks the
subscription's row (``FOR UPDATE``), so two processes racing for one period queue there
and the second finds the first's run. Each sent part is recorded with its message id;
finishing a run moves the subscription's baseline to the run's snapshot. Snapshots share
their item rows by content hash.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Literal

import asyncpg

from bot.record.postgres.connection import PostgresConnection
from bot.record.postgres.editorial import RULING_COLUMNS, in_scope, ruling_change
from bot.record.records import (
    DigestRun,
    DigestSnapshot,
    DigestSubscription,
    RulingChange,
    StoreError,
    items_hash,
)

log = logging.getLogger(__name__)

_SUBSCRIPTION_COLUMNS = (
    "id, guild_id, channel_id, time, timezone, post_when_empty, active, active_from,"
    " baseline_snapshot_id, created_by, created_at, updated_at, story"
)
_RUN_COLUMNS = (
    "id, subscription_id, period, state, payload, snapshot_id, since_snapshot_id, attempts,"
    " last_error, started_at, finished_at, message_id"
)


def _subscription(row: asyncpg.Record) -> DigestSubscription:
    return DigestSubscription(**dict(row.items()))


def _run(row: asyncpg.Record, messages: dict[int, int]) -> DigestRun:
    return DigestRun(**dict(row.items()), messages=messages)


async def _latest_ruling_id(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval("SELECT coalesce(max(id), 0) FROM rulings"))


class DigestQueries(PostgresConnection):
    """:class:`bot.record.protocols.DigestRecord` over a PostgreSQL pool."""

    # -- snapshots ---------------------------------------------------------------------

    async def digest_ruling_cursor(self) -> int:
        """The id of the latest rulings row (0 when none): status changes after it are new."""
        return int(await self._fetchval("SELECT coalesce(max(id), 0) FROM rulings"))

    async def digest_status_changes(
        self, *, after: int, upto: int | None = None
    ) -> list[RulingChange]:
        """Audit-trail rows of the scope with ``after < id <= upto``, oldest first."""
        where, params = in_scope(self.scope, 3)
        rows = await self._fetch(
            f"SELECT {RULING_COLUMNS} FROM rulings WHERE id > $1"
            f" AND ($2::bigint IS NULL OR id <= $2) AND {where} ORDER BY id",
            after, upto, *params,
        )
        return [ruling_change(r) for r in rows]

    async def digest_take_snapshot(
        self, hashes: Mapping[str, str], *, claimset: str, ruling_cursor: int
    ) -> int:
        async with self._write() as conn:
            return await self._insert_snapshot(conn, hashes, claimset, ruling_cursor)

    async def _insert_snapshot(
        self,
        conn: asyncpg.Connection,
        hashes: Mapping[str, str],
        claimset: str,
        ruling_cursor: int,
    ) -> int:
        name, items = items_hash(hashes)
        if await conn.fetchval(
            "SELECT 1 FROM digest_snapshot_items WHERE items_hash = $1 LIMIT 1", name
        ) is None:
            await conn.executemany(
                "INSERT INTO digest_snapshot_items (items_hash, record, hash)"
                " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                [(name, k, v) for k, v in items],
            )
        return int(await conn.fetchval(
            "INSERT INTO digest_snapshots (claimset, items_hash, ruling_cursor, taken_at)"
            " VALUES ($1, $2, $3, $4) RETURNING id",
            claimset, name, int(ruling_cursor), self._now(),
        ))

    async def digest_snapshot(self, snapshot_id: int) -> DigestSnapshot | None:
        row = await self._fetchrow(
            "SELECT id, claimset, items_hash, ruling_cursor, taken_at FROM digest_snapshots"
            " WHERE id = $1",
            snapshot_id,
        )
        if row is None:
            return None
        items = await self._fetch(
            "SELECT record, hash FROM digest_snapshot_items WHERE items_hash = $1",
            row["items_hash"],
        )
        return DigestSnapshot(
            id=row["id"], claimset=row["claimset"], ruling_cursor=row["ruling_cursor"],
            taken_at=row["taken_at"], hashes={r["record"]: r["hash"] for r in items},
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
        Periods whose time had passed when it was (re)subscribed are not owed. Two
        processes subscribing one new channel at once: the second's insert meets the
        first's row (UNIQUE channel_id) and is retried as an update of it.
        """
        if channel_id <= 0:
            raise StoreError(f"digest: channel id {channel_id} is not a channel")
        settings = (guild_id, time, timezone, post_when_empty, by)
        try:
            sub_id = await self._subscribe_once(channel_id, settings, hashes, claimset)
        except asyncpg.UniqueViolationError:
            sub_id = await self._subscribe_once(channel_id, settings, hashes, claimset)
        sub = await self.digest_subscription(sub_id)
        assert sub is not None
        return sub

    async def _subscribe_once(
        self,
        channel_id: int,
        settings: tuple[int | None, str, str, bool, str],
        hashes: Mapping[str, str],
        claimset: str,
    ) -> int:
        """One try of :meth:`digest_subscribe`, in one transaction; the subscription's id."""
        guild_id, time, timezone, post_when_empty, by = settings
        now = self._now()
        async with self._write() as conn:
            row = await conn.fetchrow(
                "SELECT id, active, story FROM digest_subscriptions WHERE channel_id = $1"
                " FOR UPDATE",
                channel_id,
            )
            # Another story's subscription starts again, from a snapshot of this story.
            if row is not None and row["active"] and row["story"] == self.scope.story:
                await conn.execute(
                    "UPDATE digest_subscriptions SET guild_id = coalesce($1, guild_id),"
                    " time = $2, timezone = $3, post_when_empty = $4, active_from = $5,"
                    " created_by = $6, updated_at = $5 WHERE id = $7",
                    guild_id, time, timezone, post_when_empty, now, by, row["id"],
                )
                return int(row["id"])
            cursor = await _latest_ruling_id(conn)
            snapshot = await self._insert_snapshot(conn, hashes, claimset, cursor)
            if row is not None:
                await conn.execute(
                    "UPDATE digest_subscriptions SET guild_id = coalesce($1, guild_id),"
                    " time = $2, timezone = $3, post_when_empty = $4, active = true,"
                    " active_from = $5, baseline_snapshot_id = $6, created_by = $7,"
                    " updated_at = $5, story = $9 WHERE id = $8",
                    guild_id, time, timezone, post_when_empty, now, snapshot, by, row["id"],
                    self.scope.story,
                )
                return int(row["id"])
            return int(await conn.fetchval(
                "INSERT INTO digest_subscriptions (guild_id, channel_id, time, timezone,"
                " post_when_empty, active, active_from, baseline_snapshot_id, created_by,"
                " created_at, updated_at, story)"
                " VALUES ($1, $2, $3, $4, $5, true, $6, $7, $8, $6, $6, $9) RETURNING id",
                guild_id, channel_id, time, timezone, post_when_empty, now, snapshot, by,
                self.scope.story,
            ))

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
        async with self._write() as conn:
            await conn.execute(
                "UPDATE digest_subscriptions SET active = false, updated_at = $1"
                " WHERE id = ANY($2::bigint[])",
                self._now(), [s.id for s in subs],
            )
        return subs

    async def digest_subscriptions(
        self, *, guild_id: int | None = None, include_inactive: bool = False
    ) -> list[DigestSubscription]:
        rows = await self._fetch(
            f"SELECT {_SUBSCRIPTION_COLUMNS} FROM digest_subscriptions"
            " WHERE ($1 OR active) AND ($2::bigint IS NULL OR guild_id = $2) ORDER BY id",
            include_inactive, guild_id,
        )
        return [_subscription(r) for r in rows]

    async def digest_subscription(self, subscription_id: int) -> DigestSubscription | None:
        row = await self._fetchrow(
            f"SELECT {_SUBSCRIPTION_COLUMNS} FROM digest_subscriptions WHERE id = $1",
            subscription_id,
        )
        return None if row is None else _subscription(row)

    # -- runs --------------------------------------------------------------------------

    async def digest_latest_run(self, subscription_id: int) -> DigestRun | None:
        """The run of the latest period begun for the subscription (any state)."""
        row = await self._fetchrow(
            f"SELECT {_RUN_COLUMNS} FROM digest_runs WHERE subscription_id = $1"
            " ORDER BY period DESC LIMIT 1",
            subscription_id,
        )
        return None if row is None else await self._with_messages(row)

    async def digest_runs(self, subscription_id: int) -> list[DigestRun]:
        rows = await self._fetch(
            f"SELECT {_RUN_COLUMNS} FROM digest_runs WHERE subscription_id = $1 ORDER BY period",
            subscription_id,
        )
        return [await self._with_messages(r) for r in rows]

    async def digest_get_run(self, run_id: int) -> DigestRun | None:
        row = await self._fetchrow(f"SELECT {_RUN_COLUMNS} FROM digest_runs WHERE id = $1",
                                   run_id)
        return None if row is None else await self._with_messages(row)

    async def _with_messages(self, row: asyncpg.Record) -> DigestRun:
        parts = await self._fetch(
            "SELECT part, message_id FROM digest_messages WHERE run_id = $1 ORDER BY part",
            row["id"],
        )
        return _run(row, {int(p["part"]): int(p["message_id"]) for p in parts})

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
            # Racing processes queue on the subscription's row; the later one then sees
            # the earlier one's run (READ COMMITTED reads after the lock is granted).
            await conn.execute(
                "SELECT 1 FROM digest_subscriptions WHERE id = $1 FOR UPDATE", subscription_id
            )
            if await conn.fetchval(
                "SELECT 1 FROM digest_runs WHERE subscription_id = $1 AND period = $2",
                subscription_id, period,
            ) is not None:
                return None
            snapshot = await self._insert_snapshot(conn, hashes, claimset, ruling_cursor)
            run_id = await conn.fetchval(
                "INSERT INTO digest_runs (subscription_id, period, state, payload, snapshot_id,"
                " since_snapshot_id, started_at, finished_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                subscription_id, period, "skipped" if skipped else "sending", list(payload),
                snapshot, since_snapshot_id, now, now if skipped else None,
            )
            if skipped:
                await conn.execute(
                    "UPDATE digest_subscriptions SET baseline_snapshot_id = $1 WHERE id = $2",
                    snapshot, subscription_id,
                )
        return await self.digest_get_run(int(run_id))

    async def digest_attempt(self, run_id: int) -> int:
        """Count one more delivery attempt (before sending); returns the count."""
        async with self._write() as conn:
            attempts = await conn.fetchval(
                "UPDATE digest_runs SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts",
                run_id,
            )
        return int(attempts or 0)

    async def digest_record_message(
        self, run_id: int, part: int, *, nonce: str, message_id: int
    ) -> None:
        """Record one sent part, right after Discord answered with its message id."""
        async with self._write() as conn:
            await conn.execute(
                "INSERT INTO digest_messages (run_id, part, nonce, message_id, sent_at)"
                " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (run_id, part) DO NOTHING",
                run_id, part, nonce, message_id, self._now(),
            )

    async def digest_finish_run(self, run_id: int) -> None:
        """Mark a run sent and move its subscription's baseline to the run's snapshot."""
        async with self._write() as conn:
            await conn.execute(
                "UPDATE digest_runs SET state = 'sent', finished_at = $1, message_id ="
                " (SELECT message_id FROM digest_messages WHERE run_id = $2 ORDER BY part"
                " LIMIT 1) WHERE id = $2 AND state = 'sending'",
                self._now(), run_id,
            )
            await conn.execute(
                "UPDATE digest_subscriptions s SET baseline_snapshot_id = r.snapshot_id"
                " FROM digest_runs r WHERE r.id = $1 AND s.id = r.subscription_id",
                run_id,
            )

    async def digest_stop_run(
        self, run_id: int, *, state: Literal["failed", "abandoned"], error: str
    ) -> None:
        """Stop retrying a run: 'failed' (too many errors) or 'abandoned' (a newer period)."""
        async with self._write() as conn:
            await conn.execute(
                "UPDATE digest_runs SET state = $1, last_error = $2, finished_at = $3"
                " WHERE id = $4 AND state = 'sending'",
                state, error[:500], self._now(), run_id,
            )

    async def digest_note_error(self, run_id: int, error: str) -> None:
        async with self._write() as conn:
            await conn.execute(
                "UPDATE digest_runs SET last_error = $1 WHERE id = $2", error[:500], run_id
            )

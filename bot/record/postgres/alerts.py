"""Verdict-change alerts in PostgreSQL (migration 5): one row per alert and digest channel,
written with its content before it is sent. Mirrors :mod:`bot.record.sqlite.alerts`."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import asyncpg

from bot.record.postgres.connection import PostgresConnection
from bot.record.records import IngestAlert

log = logging.getLogger(__name__)

_COLUMNS = (
    "id, key, guild_id, channel_id, content, state, attempts, last_error, created_at,"
    " sent_at, message_id"
)


def _alert(row: asyncpg.Record) -> IngestAlert:
    return IngestAlert(**dict(row.items()))


class AlertQueries(PostgresConnection):
    """:class:`bot.record.protocols.AlertRecord` over a PostgreSQL pool."""

    async def add_alerts(
        self, key: str, content: str, channels: Sequence[tuple[int | None, int]]
    ) -> list[IngestAlert]:
        at = self._now()
        out: list[IngestAlert] = []
        async with self._write() as conn:
            for guild_id, channel_id in channels:
                row = await conn.fetchrow(
                    "INSERT INTO ingest_alerts (key, guild_id, channel_id, content, created_at)"
                    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key, channel_id) DO NOTHING"
                    f" RETURNING {_COLUMNS}",
                    key, guild_id, channel_id, content, at,
                )
                if row is not None:
                    out.append(_alert(row))
        return out

    async def pending_alerts(self) -> list[IngestAlert]:
        rows = await self._fetch(
            f"SELECT {_COLUMNS} FROM ingest_alerts WHERE state = 'pending' ORDER BY id"
        )
        return [_alert(r) for r in rows]

    async def alert_attempt(self, alert_id: int) -> int:
        async with self._write() as conn:
            value = await conn.fetchval(
                "UPDATE ingest_alerts SET attempts = attempts + 1 WHERE id = $1"
                " RETURNING attempts",
                alert_id,
            )
        return int(value or 0)

    async def finish_alert(
        self, alert_id: int, *, message_id: int | None, error: str = ""
    ) -> None:
        state = "sent" if message_id is not None else "failed"
        async with self._write() as conn:
            await conn.execute(
                "UPDATE ingest_alerts SET state = $1, message_id = $2, sent_at = $3,"
                " last_error = CASE WHEN $4 = '' THEN last_error ELSE $4 END WHERE id = $5",
                state, message_id, self._now(), error, alert_id,
            )

    async def note_alert_error(self, alert_id: int, error: str) -> None:
        async with self._write() as conn:
            await conn.execute(
                "UPDATE ingest_alerts SET last_error = $1 WHERE id = $2", error, alert_id
            )

"""Verdict-change alerts in SQLite (migration 5): one row per alert and digest channel,
written with its content before it is sent (:class:`bot.record.protocols.AlertRecord`)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence

from bot.record.records import IngestAlert
from bot.record.sqlite.connection import SQLiteConnection, from_text

log = logging.getLogger(__name__)

_COLUMNS = (
    "id, key, guild_id, channel_id, content, state, attempts, last_error, created_at,"
    " sent_at, message_id"
)


def _alert(row: sqlite3.Row) -> IngestAlert:
    return IngestAlert(
        id=row[0],
        key=row[1],
        guild_id=row[2],
        channel_id=row[3],
        content=row[4],
        state=row[5],
        attempts=row[6],
        last_error=row[7],
        created_at=from_text(row[8]),
        sent_at=from_text(row[9]) if row[9] else None,
        message_id=row[10],
    )


class AlertQueries(SQLiteConnection):
    """:class:`bot.record.protocols.AlertRecord` over one SQLite connection."""

    async def add_alerts(
        self, key: str, content: str, channels: Sequence[tuple[int | None, int]]
    ) -> list[IngestAlert]:
        at = self._now()
        ids: list[int] = []
        async with self._write() as conn:
            for guild_id, channel_id in channels:
                cur = await conn.execute(
                    "INSERT INTO ingest_alerts (key, guild_id, channel_id, content, created_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (key, channel_id) DO NOTHING",
                    (key, guild_id, channel_id, content, at),
                )
                if cur.rowcount:
                    ids.append(int(cur.lastrowid or 0))
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        rows = await self._fetchall(
            f"SELECT {_COLUMNS} FROM ingest_alerts WHERE id IN ({marks}) ORDER BY id", tuple(ids)
        )
        return [_alert(r) for r in rows]

    async def pending_alerts(self) -> list[IngestAlert]:
        rows = await self._fetchall(
            f"SELECT {_COLUMNS} FROM ingest_alerts WHERE state = 'pending' ORDER BY id"
        )
        return [_alert(r) for r in rows]

    async def alert_attempt(self, alert_id: int) -> int:
        async with self._write() as conn:
            await conn.execute(
                "UPDATE ingest_alerts SET attempts = attempts + 1 WHERE id = ?", (alert_id,)
            )
            cur = await conn.execute("SELECT attempts FROM ingest_alerts WHERE id = ?", (alert_id,))
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def finish_alert(
        self, alert_id: int, *, message_id: int | None, error: str = ""
    ) -> None:
        state = "sent" if message_id is not None else "failed"
        async with self._write() as conn:
            await conn.execute(
                "UPDATE ingest_alerts SET state = ?, message_id = ?, sent_at = ?,"
                " last_error = CASE WHEN ? = '' THEN last_error ELSE ? END WHERE id = ?",
                (state, message_id, self._now(), error, error, alert_id),
            )

    async def note_alert_error(self, alert_id: int, error: str) -> None:
        async with self._write() as conn:
            await conn.execute(
                "UPDATE ingest_alerts SET last_error = ? WHERE id = ?", (error, alert_id)
            )

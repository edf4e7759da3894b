"""Which story a server or a channel answers from, in PostgreSQL (migration 4).

One row per server (``channel_id`` 0) or channel; setting it again replaces the row
(this is a setting, not an audit log: who set it last and when are kept on the row).
"""

from __future__ import annotations

import logging

from bot.record.postgres.connection import PostgresConnection
from bot.record.records import StoryDefault, checked_story_default

log = logging.getLogger(__name__)

_COLUMNS = "guild_id, channel_id, story, set_by, set_at"


class StoryQueries(PostgresConnection):
    """:class:`bot.record.protocols.StoryRecord` over a PostgreSQL pool."""

    async def story_defaults(self, guild_id: int) -> list[StoryDefault]:
        rows = await self._fetch(
            f"SELECT {_COLUMNS} FROM story_defaults WHERE guild_id = $1 ORDER BY channel_id",
            guild_id,
        )
        return [StoryDefault(**dict(r.items())) for r in rows]

    async def set_story_default(
        self, guild_id: int, channel_id: int, story: str, *, by: str
    ) -> StoryDefault:
        story, by = checked_story_default(guild_id, channel_id, story, by)
        async with self._write() as conn:
            row = await conn.fetchrow(
                f"INSERT INTO story_defaults ({_COLUMNS}) VALUES ($1, $2, $3, $4, $5)"
                " ON CONFLICT (guild_id, channel_id) DO UPDATE SET story = excluded.story,"
                f" set_by = excluded.set_by, set_at = excluded.set_at RETURNING {_COLUMNS}",
                guild_id, channel_id, story, by, self._now(),
            )
        assert row is not None
        return StoryDefault(**dict(row.items()))

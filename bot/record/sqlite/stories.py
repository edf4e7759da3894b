"""Which story a server or a channel answers from, in SQLite (migration 4).

One row per server (``channel_id`` 0) or channel; setting it again replaces the row
(this is a setting, not an audit log: who set it last and when are kept on the row).
"""

from __future__ import annotations

import logging

from bot.record.records import StoryDefault, checked_story_default
from bot.record.sqlite.connection import SQLiteConnection, from_text

log = logging.getLogger(__name__)

_COLUMNS = "guild_id, channel_id, story, set_by, set_at"


class StoryQueries(SQLiteConnection):
    """:class:`bot.record.protocols.StoryRecord` over one SQLite connection."""

    async def story_defaults(self, guild_id: int) -> list[StoryDefault]:
        rows = await self._fetchall(
            f"SELECT {_COLUMNS} FROM story_defaults WHERE guild_id = ? ORDER BY channel_id",
            (guild_id,),
        )
        return [
            StoryDefault(guild_id=r[0], channel_id=r[1], story=r[2], set_by=r[3],
                         set_at=from_text(r[4]))
            for r in rows
        ]

    async def set_story_default(
        self, guild_id: int, channel_id: int, story: str, *, by: str
    ) -> StoryDefault:
        story, by = checked_story_default(guild_id, channel_id, story, by)
        at = self._now()
        async with self._write() as conn:
            await conn.execute(
                f"INSERT INTO story_defaults ({_COLUMNS})"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, channel_id) DO UPDATE SET"
                " story = excluded.story, set_by = excluded.set_by, set_at = excluded.set_at",
                (guild_id, channel_id, story, by, at),
            )
        return StoryDefault(guild_id=guild_id, channel_id=channel_id, story=story, set_by=by,
                            set_at=from_text(at))

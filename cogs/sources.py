"""/source: the claims one article (outlet or seed file) reports."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from cogs.utils.base import FactdeskCog, cooldown
from cogs.utils.transformers import STORY_HELP, SourceQuery, StoryChoice
from cogs.utils.views import send_answer

log = logging.getLogger(__name__)


class Sources(FactdeskCog):
    @app_commands.command(name="source", description="Claims reported by one source")
    @app_commands.describe(
        source="An outlet, a source id (000) or a seed file name",
        limit="How many claims to show (1-25, default 25)",
        story=STORY_HELP,
    )
    @app_commands.guild_only()
    @cooldown
    async def source(
        self,
        interaction: discord.Interaction,
        source: app_commands.Transform[str, SourceQuery],
        limit: app_commands.Range[int, 1, 25] = 25,
        story: app_commands.Transform[str, StoryChoice] | None = None,
    ) -> None:
        desk = await self.desk_for(interaction, story)
        answer = desk.engine.source(source, limit=limit)
        await send_answer(interaction, answer, command="source", query=source, desk=desk)


async def setup(bot) -> None:
    await bot.add_cog(Sources(bot))

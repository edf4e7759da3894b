"""/speaker: everything one person or body is reported to have said."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from cogs.utils.base import FactdeskCog, cooldown
from cogs.utils.transformers import STORY_HELP, SpeakerQuery, StoryChoice
from cogs.utils.views import send_answer

log = logging.getLogger(__name__)


class Speakers(FactdeskCog):
    @app_commands.command(name="speaker", description="Claims by one speaker (any spelling)")
    @app_commands.describe(
        speaker="A name in any spelling the sources use",
        limit="How many claims to show (1-25, default 25)",
        story=STORY_HELP,
    )
    @app_commands.guild_only()
    @cooldown
    async def speaker(
        self,
        interaction: discord.Interaction,
        speaker: app_commands.Transform[str, SpeakerQuery],
        limit: app_commands.Range[int, 1, 25] = 25,
        story: app_commands.Transform[str, StoryChoice] | None = None,
    ) -> None:
        desk = await self.desk_for(interaction, story)
        answer = desk.engine.speaker(speaker, limit=limit)
        await send_answer(interaction, answer, command="speaker", query=speaker, desk=desk)


async def setup(bot) -> None:
    await bot.add_cog(Speakers(bot))

"""/claim: sourced statements matching a query, quoted with outlet, date and relay."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from cogs.utils.base import FactdeskCog, cooldown
from cogs.utils.transformers import (
    STORY_HELP,
    ClaimQuery,
    StatusQuery,
    StoryChoice,
    ViaQuery,
)
from cogs.utils.views import send_answer

log = logging.getLogger(__name__)


class Claims(FactdeskCog):
    @app_commands.command(name="claim", description="Who said what: claims matching your words")
    @app_commands.describe(
        query="Words from the claim, a speaker or a topic (typos are fine)",
        limit="How many claims to show (1-25, default 5)",
        via="Only claims resting on this relay or outlet (Reuters, TASS, ...)",
        status="Only claims with this evidence status (disputed, no evidence, ...)",
        story=STORY_HELP,
    )
    @app_commands.guild_only()
    @cooldown
    async def claim(
        self,
        interaction: discord.Interaction,
        query: app_commands.Transform[str, ClaimQuery],
        limit: app_commands.Range[int, 1, 25] = 5,
        via: app_commands.Transform[str, ViaQuery] | None = None,
        status: app_commands.Transform[str, StatusQuery] | None = None,
        story: app_commands.Transform[str, StoryChoice] | None = None,
    ) -> None:
        desk = await self.desk_for(interaction, story)
        answer = desk.engine.claim(query, limit=limit, via=via, status=status)
        await send_answer(interaction, answer, command="claim", query=query, desk=desk)


async def setup(bot) -> None:
    await bot.add_cog(Claims(bot))

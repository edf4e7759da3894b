"""/evidence: how well one claim is backed, by how many independent origins."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from cogs.utils.base import FactdeskCog, cooldown
from cogs.utils.transformers import STORY_HELP, ClaimQuery, StoryChoice
from cogs.utils.views import send_answer

log = logging.getLogger(__name__)


class Evidence(FactdeskCog):
    @app_commands.command(name="evidence", description="Evidence status of one claim")
    @app_commands.describe(claim="The claim: pick one, or type words from it", story=STORY_HELP)
    @app_commands.guild_only()
    @cooldown
    async def evidence(
        self,
        interaction: discord.Interaction,
        claim: app_commands.Transform[str, ClaimQuery],
        story: app_commands.Transform[str, StoryChoice] | None = None,
    ) -> None:
        desk = await self.desk_for(interaction, story)
        answer = desk.engine.evidence(claim)
        await send_answer(interaction, answer, command="evidence", query=claim, desk=desk)


async def setup(bot) -> None:
    await bot.add_cog(Evidence(bot))

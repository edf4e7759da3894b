"""/figures: every number the sources give for one quantity, side by side, with a verdict."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from cogs.utils.base import FactdeskCog, cooldown
from cogs.utils.transformers import TopicQuery
from cogs.utils.views import send_answer

log = logging.getLogger(__name__)


class Figures(FactdeskCog):
    @app_commands.command(name="figures", description="Conflicting figures for one quantity")
    @app_commands.describe(topic="What is counted: deaths, arrests, injured, troops...")
    @app_commands.guild_only()
    @cooldown
    async def figures(
        self,
        interaction: discord.Interaction,
        topic: app_commands.Transform[str, TopicQuery],
    ) -> None:
        answer = self.engine.figures(topic)
        await send_answer(interaction, answer, command="figures", query=topic)


async def setup(bot) -> None:
    await bot.add_cog(Figures(bot))

"""/figures: every number the sources give for one quantity, side by side, with a verdict.

The answer's chart (:mod:`bot.rendering.chart`, PNG) goes with it as an attachment: the
interaction is deferred first, since drawing (and matplotlib's first import) may take
longer than Discord's 3 s; a chart that fails to draw is logged and left out.
"""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands

from bot.answers.models import FiguresAnswer
from cogs.utils.base import FactdeskCog, cooldown
from cogs.utils.transformers import TopicQuery
from cogs.utils.views import Upload, answers_privately, send_answer

log = logging.getLogger(__name__)


async def chart_upload(answer: FiguresAnswer) -> Upload | None:
    """The answer's chart as an upload, drawn off the event loop; None when it fails."""
    from bot.rendering.chart import chart_filename, render_png

    try:
        data = await asyncio.to_thread(render_png, answer)
    except Exception:
        log.exception("could not draw the chart for /figures %r", answer.query)
        return None
    return Upload(chart_filename(answer), data)


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
        upload = None
        if answer.figures:
            await interaction.response.defer(ephemeral=answers_privately(interaction),
                                             thinking=True)
            upload = await chart_upload(answer)
        await send_answer(interaction, answer, command="figures", query=topic, upload=upload)


async def setup(bot) -> None:
    await bot.add_cog(Figures(bot))

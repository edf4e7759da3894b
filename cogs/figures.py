"""/figures: every number the sources give for one quantity, side by side, with a verdict.

The answer's chart (:mod:`bot.rendering.chart`, PNG) goes with it as an attachment: the
interaction is deferred first, since drawing (and matplotlib's first import) may take
longer than Discord's 3 s; a chart that fails to draw is logged and left out.

Charts are drawn one at a time in a worker thread (drawing holds the GIL: several at
once would starve the event loop that answers every other interaction), and the PNG
of an answer is kept (:class:`ChartCache`): a desk asking for the same table again, or
a burst of reporters asking at once, costs one drawing.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict

import discord
from discord import app_commands

from bot.answers.models import FiguresAnswer
from cogs.utils.base import FactdeskCog, cooldown
from cogs.utils.transformers import STORY_HELP, StoryChoice, TopicQuery
from cogs.utils.views import Upload, answers_privately, send_answer

log = logging.getLogger(__name__)


CHARTS_KEPT = 64  # distinct answers whose PNG is kept (a few MB at most)


class ChartCache:
    """PNG bytes by answer: drawn once, one drawing at a time, concurrent askers share it."""

    def __init__(self, size: int = CHARTS_KEPT) -> None:
        self.size = size
        self._done: OrderedDict[str, bytes] = OrderedDict()
        self._drawing: dict[str, asyncio.Future[bytes]] = {}
        self._one_at_a_time = asyncio.Semaphore(1)

    @staticmethod
    def key(answer: FiguresAnswer) -> str:
        return hashlib.blake2b(answer.model_dump_json().encode(), digest_size=16).hexdigest()

    async def png(self, answer: FiguresAnswer) -> bytes:
        key = self.key(answer)
        if key in self._done:
            self._done.move_to_end(key)
            return self._done[key]
        pending = self._drawing.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._drawing[key] = future
        try:
            async with self._one_at_a_time:
                data = await asyncio.to_thread(_draw, answer)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it, nobody logs it twice
            raise
        finally:
            self._drawing.pop(key, None)
        future.set_result(data)
        self._done[key] = data
        while len(self._done) > self.size:
            self._done.popitem(last=False)
        return data


def _draw(answer: FiguresAnswer) -> bytes:
    from bot.rendering.chart import render_png

    return render_png(answer)


async def chart_upload(answer: FiguresAnswer, charts: ChartCache) -> Upload | None:
    """The answer's chart as an upload, drawn off the event loop; None when it fails."""
    from bot.rendering.chart import chart_filename

    try:
        data = await charts.png(answer)
    except Exception:
        log.exception("could not draw the chart for /figures %r", answer.query)
        return None
    return Upload(chart_filename(answer), data)


class Figures(FactdeskCog):
    def __init__(self, bot) -> None:  # type: ignore[no-untyped-def]
        super().__init__(bot)
        self.charts = ChartCache()

    @app_commands.command(name="figures", description="Conflicting figures for one quantity")
    @app_commands.describe(topic="What is counted: deaths, arrests, injured, troops...",
                           story=STORY_HELP)
    @app_commands.guild_only()
    @cooldown
    async def figures(
        self,
        interaction: discord.Interaction,
        topic: app_commands.Transform[str, TopicQuery],
        story: app_commands.Transform[str, StoryChoice] | None = None,
    ) -> None:
        desk = await self.desk_for(interaction, story)
        answer = desk.engine.figures(topic)
        upload = None
        if answer.figures:
            await interaction.response.defer(ephemeral=answers_privately(interaction),
                                             thinking=True)
            upload = await chart_upload(answer, self.charts)
        await send_answer(interaction, answer, command="figures", query=topic, upload=upload,
                          desk=desk)


async def setup(bot) -> None:
    await bot.add_cog(Figures(bot))

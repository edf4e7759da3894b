"""/story list and /story use: which stories the bot answers from, and each server's choice.

``/story list`` (everyone) shows every story: its id, title and size when loaded, and the
one this channel answers from. ``/story use`` (editors, :func:`cogs.utils.checks.editor_only`)
makes a story the server's default, or this channel's; the choice is kept in the store
(:class:`bot.record.protocols.StoryRecord`), so every bot process sharing the database
answers from it. Every answering command also takes a ``story`` option for one question.
"""

from __future__ import annotations

import logging
from typing import Literal

import discord
from discord import app_commands

from bot.desk.stories import StoryList
from cogs.utils.base import FactdeskCog, user_name
from cogs.utils.checks import editor_only
from cogs.utils.rendering import text_embed
from cogs.utils.transformers import StoryChoice

log = logging.getLogger(__name__)


def listing_text(listing: StoryList) -> str:
    """One line per story; ``→`` marks the one this channel answers from."""
    lines = []
    for info in listing.stories:
        state = (f"{info.claims} claims, version {info.version}" if info.loaded
                 else "cannot be loaded" if info.error else "loads when first asked for")
        mark = "→ " if info.default else "   "
        lines.append(f"{mark}{info.id}: {info.title} ({state})")
    return "\n".join(lines)


class Stories(FactdeskCog):
    """The /story group."""

    story = app_commands.Group(
        name="story", description="The stories (claim sets) Factdesk answers from",
        guild_only=True,
    )

    @story.command(name="list", description="Every story, and the one this channel uses")
    async def story_list(self, interaction: discord.Interaction) -> None:
        stories = self.desk.stories
        assert stories is not None
        listing = await stories.listing(interaction.guild_id, interaction.channel_id)
        await interaction.response.send_message(
            embed=text_embed("Stories", listing_text(listing)),
            ephemeral=self.bot.settings.discord.ephemeral,
        )

    @story.command(name="use", description="Editors: the story this server or channel answers from")
    @app_commands.describe(
        story="the story (pick from the list)",
        scope="server: every channel without its own; channel: this channel only",
    )
    @editor_only()
    async def story_use(
        self,
        interaction: discord.Interaction,
        story: app_commands.Transform[str, StoryChoice],
        scope: Literal["server", "channel"] = "server",
    ) -> None:
        stories = self.desk.stories
        assert stories is not None and interaction.guild_id is not None
        # The write may wait on a locked database: answer Discord first.
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = interaction.channel_id if scope == "channel" else None
        engine = await stories.engine(story)  # a story that cannot be loaded is not chosen
        chosen = await stories.set_default(
            interaction.guild_id, channel, story, by=user_name(interaction.user)
        )
        where = "this channel" if channel else "this server"
        log.info("story %s for guild %s channel %s by %s", chosen.story, interaction.guild_id,
                 channel or "-", interaction.user.id)
        await interaction.followup.send(
            embed=text_embed(
                "Story", f"{where.capitalize()} now answers from {chosen.story}: "
                f"{stories.title(chosen.story)} ({len(engine.claimset.claims)} claims)."),
            ephemeral=True,
        )


async def setup(bot) -> None:
    await bot.add_cog(Stories(bot))

"""/factdesk: about (version, counts, uptime), sync (owners), feedback and reload (editors)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.rendering.editorial import render_feedback
from cogs.utils.base import FactdeskCog, story_label
from cogs.utils.checks import editor_only, owner_only
from cogs.utils.rendering import about_page, text_embed
from cogs.utils.transformers import STORY_HELP, StoryChoice

log = logging.getLogger(__name__)

RELOADED_COLOUR = 0x2ECC71
NOT_RELOADED_COLOUR = 0xE74C3C


@app_commands.guild_only()
class About(
    FactdeskCog,
    commands.GroupCog,
    group_name="factdesk",
    group_description="Factdesk itself: what it answers from, and keeping its commands in sync.",
):
    """/factdesk: the one cog that owns the group and every subcommand in it."""

    @app_commands.command(name="about", description="Claim-set version, counts and uptime")
    @app_commands.describe(story=STORY_HELP)
    async def about(
        self, interaction: discord.Interaction,
        story: app_commands.Transform[str, StoryChoice] | None = None,
    ) -> None:
        desk = await self.desk_for(interaction, story)
        claimset = desk.engine.claimset
        label = story_label(desk)
        page = about_page(
            title=claimset.manifest.title,
            version=claimset.version + (f" ({label})" if label else ""),
            counts=claimset.counts(),
            uptime=dt.datetime.now(dt.UTC) - self.bot.started_at,
            latency_ms=self.bot.latency * 1000,
        )
        await interaction.response.send_message(
            embeds=page.embeds, ephemeral=self.bot.settings.discord.ephemeral
        )

    @app_commands.command(name="sync", description="Owners only: publish the slash commands")
    @app_commands.describe(scope="guild: this server now (copies global commands); global: all")
    @owner_only()
    async def sync(
        self, interaction: discord.Interaction, scope: Literal["guild", "global"] = "guild"
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        tree = self.bot.tree
        if scope == "guild":
            assert interaction.guild is not None
            tree.copy_global_to(guild=interaction.guild)
            synced = await tree.sync(guild=interaction.guild)
            where = "this server"
        else:
            synced = await tree.sync()
            where = "every server (global; may take up to an hour to show)"
        log.info("synced %d commands to %s by %s", len(synced), scope, interaction.user.id)
        await interaction.followup.send(
            f"Synced {len(synced)} commands to {where}.", ephemeral=True
        )

    @app_commands.command(
        name="feedback", description="Editors: the latest “Wrong match” reports"
    )
    @app_commands.describe(limit="how many (newest first)", story=STORY_HELP)
    @editor_only()
    async def feedback(
        self, interaction: discord.Interaction, limit: app_commands.Range[int, 1, 25] = 10,
        story: app_commands.Transform[str, StoryChoice] | None = None,
    ) -> None:
        desk = await self.desk_for(interaction, story)
        answer = await desk.require_editorial().feedback(limit)
        await interaction.response.send_message(
            embed=text_embed("Wrong-match feedback", render_feedback(answer)), ephemeral=True
        )

    @app_commands.command(
        name="reload", description="Editors: reload the claim set (a broken set keeps the old one)"
    )
    @app_commands.describe(story=STORY_HELP)
    @editor_only()
    async def reload(
        self, interaction: discord.Interaction,
        story: app_commands.Transform[str, StoryChoice] | None = None,
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        stories = self.desk.stories
        chosen = None if stories is None else await stories.resolve(
            interaction.guild_id, interaction.channel_id, story)
        announce = True
        if stories is not None and chosen is not None and stories.loaded(chosen) is None:
            # Not loaded (idle, or broken): load it now, or say why it cannot be.
            report = await stories.reload(chosen)
            label = f"story {chosen}" if len(stories.ids) > 1 else None
            announce = False  # nothing changed for the processes that have it loaded
        else:
            desk = await self.desk_for(interaction, chosen)
            report = await desk.reload()
            label = story_label(desk)
        colour = RELOADED_COLOUR if report.ok else NOT_RELOADED_COLOUR
        text = (f"{label.capitalize()}: " if label else "") + report.text()
        if report.ok and announce and await desk.announce_reload():
            text += "\nThe other bot processes on this database were asked to reload too."
        await interaction.followup.send(
            embed=text_embed("Claim set reload", text, colour), ephemeral=True
        )
        log.info("reload by %s: ok=%s", interaction.user.id, report.ok)


async def setup(bot) -> None:
    await bot.add_cog(About(bot))

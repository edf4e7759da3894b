"""/factdesk about (claim-set version, counts, uptime) and owner-only /factdesk sync."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from cogs.utils.base import FactdeskCog
from cogs.utils.rendering import about_page
from cogs.utils.tree import NotOwner

log = logging.getLogger(__name__)


async def _owner_only(interaction: discord.Interaction) -> bool:
    if await interaction.client.is_factdesk_owner(interaction.user):  # type: ignore[attr-defined]
        return True
    raise NotOwner()


@app_commands.guild_only()
class About(FactdeskCog, commands.GroupCog, group_name="factdesk"):
    """Factdesk itself: what it answers from, and keeping its commands in sync."""

    @app_commands.command(name="about", description="Claim-set version, counts and uptime")
    async def about(self, interaction: discord.Interaction) -> None:
        claimset = self.engine.claimset
        page = about_page(
            title=claimset.manifest.title,
            version=claimset.version,
            counts=claimset.counts(),
            uptime=dt.datetime.now(dt.UTC) - self.bot.started_at,
            latency_ms=self.bot.latency * 1000,
        )
        await interaction.response.send_message(
            embeds=page.embeds, ephemeral=self.bot.settings.discord.ephemeral
        )

    @app_commands.command(name="sync", description="Owners only: publish the slash commands")
    @app_commands.describe(scope="guild: this server now (copies global commands); global: all")
    @app_commands.check(_owner_only)
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


async def setup(bot) -> None:
    await bot.add_cog(About(bot))

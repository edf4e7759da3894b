"""The base of every Factdesk cog: server-only, and only in the configured servers."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.errors import FactdeskError
from cogs.utils.tree import GuildNotEnabled, on_tree_error

if TYPE_CHECKING:
    from bot.answers.engine import Factdesk
    from bot.client import FactdeskBot
    from bot.desk import Desk

log = logging.getLogger(__name__)

# Five commands per user per 10 s: enough for a desk, not enough for a runaway script.
COOLDOWN_RATE = 5
COOLDOWN_PER = 10.0
NOT_LOADED = "The claim set is not loaded; ask an owner to check the bot."


# Keyed by bot too: the mapping lives on the command class, shared by every bot in a process.
cooldown = app_commands.checks.cooldown(
    COOLDOWN_RATE, COOLDOWN_PER, key=lambda i: (id(i.client), i.user.id)
)


def user_name(user: discord.abc.User) -> str:
    """The name an editor goes by in the records: the display name, else the user name."""
    return getattr(user, "global_name", None) or user.name


async def interaction_desk(interaction: discord.Interaction, story: str | None = None) -> Desk:
    """The desk an interaction is answered from: the story asked for, else the channel's,
    else the server's, else the first story, with that server's record."""
    desk: Desk | None = getattr(interaction.client, "desk", None)
    if desk is None:
        raise FactdeskError(NOT_LOADED)
    if desk.stories is None:
        return desk
    guild = interaction.guild_id or 0
    chosen = await desk.stories.resolve(guild, interaction.channel_id, story)
    return await desk.stories.desk(chosen, guild)


def story_label(desk: Desk) -> str | None:
    """"story ID" when the bot has more than one story (answers then say which), else None."""
    if desk.stories is None or len(desk.stories.ids) < 2:
        return None
    return f"story {desk.scope.story}"


class FactdeskCog(commands.Cog):
    def __init__(self, bot: FactdeskBot) -> None:
        self.bot = bot
        bot.tree.error(on_tree_error)  # bot/ never imports cogs: the handler is injected here

    @property
    def desk(self) -> Desk:
        """The bot's services (engine, editorial record, digest subscriptions, reload)."""
        if self.bot.desk is None:
            raise FactdeskError(NOT_LOADED)
        return self.bot.desk

    @property
    def engine(self) -> Factdesk:
        """The bot's current engine (read at each call: a reload swaps it)."""
        if self.bot.engine is None:
            raise FactdeskError(NOT_LOADED)
        return self.bot.engine

    async def desk_for(self, interaction: discord.Interaction, story: str | None = None) -> Desk:
        """The desk of this interaction's story and server (:func:`interaction_desk`)."""
        return await interaction_desk(interaction, story)

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction.guild_id is None:
            raise app_commands.NoPrivateMessage()
        allowed = self.bot.settings.discord.guild_ids
        if allowed and interaction.guild_id not in allowed:
            raise GuildNotEnabled()
        return True

"""The command tree's error handler (injected by the cogs) and the reply helper it uses.

Known errors become a short ephemeral reply; anything else is logged with
``log.exception`` and the user gets one line saying it was logged. Replies go
through :func:`reply_ephemeral`, which knows whether the interaction was answered.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.errors import FactdeskError
from cogs.utils.checks import NotOwner
from cogs.utils.escape import escape

log = logging.getLogger(__name__)

UNEXPECTED = "Something went wrong on our side; it has been logged for the desk."


class GuildNotEnabled(app_commands.CheckFailure):
    """The server is not in settings.discord.guild_ids."""

    def __init__(self) -> None:
        super().__init__("Factdesk is not enabled on this server.")


async def reply_ephemeral(interaction: discord.Interaction, text: str) -> None:
    """Send ``text`` only to the user: a response, or a followup when already answered."""
    text = text[:2000]
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except Exception as exc:  # Discord refused, or the connection is gone (shutting down)
        log.warning("could not send an error reply to interaction %s: %s: %s",
                    interaction.id, type(exc).__name__, exc)


def user_message(error: Exception) -> str | None:
    """The short reply for a known error, or None when the error is unexpected."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, app_commands.TransformerError) and isinstance(
        error.__cause__, FactdeskError
    ):
        error = error.__cause__
    if isinstance(error, FactdeskError):  # its one line may echo what the user typed
        text = str(error).splitlines()[0] if str(error) else "That query cannot be answered."
        return escape(text)
    if isinstance(error, app_commands.TransformerError):
        value = escape(" ".join(str(error.value).split())[:100])
        return f"“{value}” is not a valid value for this option."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works only in a server, not in direct messages."
    if isinstance(error, app_commands.MissingPermissions | app_commands.MissingAnyRole):
        return "You do not have the permissions this command needs."
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(error.missing_permissions)
        return f"I am missing permissions here: {missing}."
    if isinstance(error, NotOwner | GuildNotEnabled):
        return str(error)
    if isinstance(error, app_commands.CheckFailure):
        return "You cannot use this command here."
    if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        return "This command is out of date; an owner should run /factdesk sync."
    return None


async def on_tree_error(
    interaction: discord.Interaction, error: app_commands.AppCommandError, /
) -> None:
    """The tree-wide error handler, installed on the bot's tree by every Factdesk cog."""
    message = user_message(error)
    command = interaction.command.qualified_name if interaction.command else "?"
    if message is None:
        log.exception(
            "unexpected error in /%s (guild %s, user %s)",
            command,
            interaction.guild_id,
            interaction.user.id if interaction.user else "?",
            exc_info=error,
        )
        message = UNEXPECTED
    else:
        log.info("/%s refused: %s", command, type(error).__name__)
    await reply_ephemeral(interaction, message)

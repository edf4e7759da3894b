"""Editors' commands: /status set|history and /note add, and the watch on the record.

Writing commands are for members holding a role in ``[discord] editor_role_ids``
(:func:`cogs.utils.checks.editor_only`); anyone else is refused with an ephemeral
message and nothing is written. ``/status history`` is open to everyone (the audit trail
is the desk's transparency). Everything goes through the desk's
:class:`bot.record.editorial.EditorialDesk`, the same core the CLI uses; a loop rereads
the record when another process (the CLI) wrote to it.
"""

from __future__ import annotations

import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.claimset.status import style
from bot.record.editorial import MAX_NOTE, MAX_REASON, EditorialDesk
from bot.record.store import CLEAR
from bot.rendering.editorial import render_change, render_note
from cogs.utils.base import FactdeskCog, user_name
from cogs.utils.checks import editor_only
from cogs.utils.rendering import NEUTRAL_COLOUR, history_text, text_embed
from cogs.utils.transformers import STORY_HELP, ClaimQuery, StoryChoice

log = logging.getLogger(__name__)

# How often the bot looks for rulings and notes written by another process (the CLI).
EXTERNAL_CHECK_SECONDS = 5.0
# On a store that announces changes (PostgreSQL: bot.desk.changes rereads at once), the
# poll is only the fallback for a lost listening connection.
FALLBACK_CHECK_SECONDS = 30.0
StatusChoice = Literal["in_review", "confirmed", "misleading", "false", "clear"]


class Editorial(FactdeskCog):
    """Editorial status and notes, and the watch for rulings another process wrote."""

    status = app_commands.Group(
        name="status", description="Editorial status of a claim", guild_only=True
    )
    note = app_commands.Group(name="note", description="Editors' notes on claims", guild_only=True)

    # -- life cycle ----------------------------------------------------------------------

    async def cog_load(self) -> None:
        if self.bot.desk is not None and self.bot.desk.editorial is not None:
            if self.bot.desk.change_feed is not None:
                self.watch_store.change_interval(seconds=FALLBACK_CHECK_SECONDS)
            self.watch_store.start()

    async def cog_unload(self) -> None:
        self.watch_store.cancel()

    @tasks.loop(seconds=EXTERNAL_CHECK_SECONDS)
    async def watch_store(self) -> None:
        """Pick up rulings and notes another process wrote (python -m bot status set)."""
        try:
            await self.sync_editorial()
        except Exception:  # keep looking next time; never let the loop die
            log.exception("editorial store check failed; trying again later")

    async def sync_editorial(self) -> bool:
        if self.bot.desk is None:
            return False
        changed = await self.bot.desk.sync_editorial()
        if changed:
            log.info("editorial records changed outside the bot; cache reread")
        return changed

    async def _editorial(
        self, interaction: discord.Interaction, story: str | None
    ) -> EditorialDesk:
        """The record of the story and this server (raises NoDatabase when there is none)."""
        return (await self.desk_for(interaction, story)).require_editorial()

    def _ephemeral(self) -> bool:
        return self.bot.settings.discord.ephemeral

    async def _defer(self, interaction: discord.Interaction) -> None:
        """Answer Discord before a write: the database may be locked for longer than 3 s."""
        await interaction.response.defer(ephemeral=self._ephemeral(), thinking=True)

    # -- /status -------------------------------------------------------------------------

    @status.command(name="set", description="Editors: set a claim's status, with a reason")
    @app_commands.describe(
        claim="the claim (pick from the list)",
        status="in_review, confirmed, misleading, false; clear returns to the derived status",
        reason="why (kept in the audit trail)",
        story=STORY_HELP,
    )
    @editor_only()
    async def status_set(
        self,
        interaction: discord.Interaction,
        claim: app_commands.Transform[str, ClaimQuery],
        status: StatusChoice,
        reason: app_commands.Range[str, 1, MAX_REASON],
        story: app_commands.Transform[str, StoryChoice] | None = None,
    ) -> None:
        editorial = await self._editorial(interaction, story)
        await self._defer(interaction)
        result = await editorial.set_status(
            claim, status, reason, by=user_name(interaction.user), by_id=interaction.user.id
        )
        colour = (
            style(result.derived_status).colour
            if status == CLEAR
            else style(result.change.status).colour
        )
        await interaction.followup.send(
            embed=text_embed(f"Status: {result.claim_id}", render_change(result), colour),
            ephemeral=self._ephemeral(),
        )

    @status.command(name="history", description="The audit trail of a claim's editorial status")
    @app_commands.describe(claim="the claim (pick from the list)", story=STORY_HELP)
    async def status_history(
        self,
        interaction: discord.Interaction,
        claim: app_commands.Transform[str, ClaimQuery],
        story: app_commands.Transform[str, StoryChoice] | None = None,
    ) -> None:
        history = await (await self._editorial(interaction, story)).history(claim)
        colour = style(history.editorial.status).colour if history.editorial else NEUTRAL_COLOUR
        await interaction.response.send_message(
            embed=text_embed(f"History: {history.claim_id}", history_text(history), colour),
            ephemeral=self._ephemeral(),
        )

    # -- /note ---------------------------------------------------------------------------

    @note.command(name="add", description="Editors: add a note to a claim (shown in /evidence)")
    @app_commands.describe(claim="the claim (pick from the list)", text="the note",
                           story=STORY_HELP)
    @editor_only()
    async def note_add(
        self,
        interaction: discord.Interaction,
        claim: app_commands.Transform[str, ClaimQuery],
        text: app_commands.Range[str, 1, MAX_NOTE],
        story: app_commands.Transform[str, StoryChoice] | None = None,
    ) -> None:
        editorial = await self._editorial(interaction, story)
        await self._defer(interaction)
        note = await editorial.add_note(
            claim, text, by=user_name(interaction.user), by_id=interaction.user.id
        )
        await interaction.followup.send(
            embed=text_embed(f"Note: {note.claim_id}", render_note(note)),
            ephemeral=self._ephemeral(),
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Editorial(bot))  # type: ignore[arg-type]

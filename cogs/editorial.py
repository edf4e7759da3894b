"""Editors' commands: /status set|history, /note add, /factdesk feedback|reload.

Writing commands are for members holding a role in ``[discord] editor_role_ids``;
anyone else is refused with an ephemeral message and nothing is written.
``/status history`` is open to everyone (the audit trail is the desk's transparency).
``feedback`` and ``reload`` are attached to the ``/factdesk`` group that cogs.about
owns (when it is loaded; otherwise they live under ``/desk``). Everything goes through
:class:`bot.record.editorial.EditorialDesk` and :meth:`bot.desk.Desk.reload`, the same core
the CLI uses.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.claimset.status import style
from bot.errors import FactdeskError
from bot.record.editorial import MAX_NOTE, MAX_REASON, EditorialDesk
from bot.record.store import CLEAR
from bot.rendering.editorial import (
    render_change,
    render_feedback,
    render_history,
    render_note,
)
from cogs.utils.base import FactdeskCog
from cogs.utils.transformers import ClaimQuery

if TYPE_CHECKING:
    from bot.client import FactdeskBot

log = logging.getLogger(__name__)

DESCRIPTION_MAX = 4096
NEUTRAL = 0x607D8B
# How often the bot looks for rulings and notes written by another process (the CLI).
EXTERNAL_CHECK_SECONDS = 5.0
HISTORY_SHOWN = 15  # at most this many newest changes in /status history
StatusChoice = Literal["in_review", "confirmed", "misleading", "false", "clear"]


class NotEditor(app_commands.CheckFailure, FactdeskError):
    """The member has none of the editor roles: refused, nothing written."""

    def __init__(self, configured: bool) -> None:
        super().__init__(
            "Only editors can do this (a role listed in editor_role_ids); nothing was changed."
            if configured
            else "No editor roles are configured ([discord] editor_role_ids); nothing was changed."
        )


class NoDatabase(FactdeskError):
    def __init__(self) -> None:
        super().__init__("The editorial database is not open on this bot; nothing was changed.")


def member_role_ids(user: discord.abc.User) -> set[int]:
    """The member's role ids, from the interaction payload (works for uncached guilds)."""
    ids: set[int] = set(getattr(user, "_roles", ()) or ())
    ids |= {role.id for role in getattr(user, "roles", ()) or ()}
    return ids


def is_editor(user: discord.abc.User, editor_role_ids: list[int]) -> bool:
    return bool(editor_role_ids) and bool(member_role_ids(user) & set(editor_role_ids))


def _require_editor(interaction: discord.Interaction) -> None:
    roles = interaction.client.settings.discord.editor_role_ids  # type: ignore[attr-defined]
    if not is_editor(interaction.user, roles):
        log.info("editor-only command refused for user %s", interaction.user.id)
        raise NotEditor(bool(roles))


async def editor_only(interaction: discord.Interaction) -> bool:
    _require_editor(interaction)
    return True


def _who(user: discord.abc.User) -> str:
    return getattr(user, "global_name", None) or user.name


def _embed(title: str, text: str, colour: int = NEUTRAL) -> discord.Embed:
    if len(text) > DESCRIPTION_MAX:
        text = text[: DESCRIPTION_MAX - 1] + "…"
    return discord.Embed(title=title[:256], description=text, colour=colour)


def _history_text(history: Any) -> str:
    """The newest changes that fit one embed description (the older ones are on the CLI)."""
    for limit in range(HISTORY_SHOWN, 0, -1):
        text = render_history(history, limit)
        if len(text) <= DESCRIPTION_MAX:
            return text
    return render_history(history, 1)


class Editorial(FactdeskCog):
    """Editorial status, notes, feedback and reload."""

    status = app_commands.Group(
        name="status", description="Editorial status of a claim", guild_only=True
    )
    note = app_commands.Group(name="note", description="Editors' notes on claims", guild_only=True)

    def __init__(self, bot: FactdeskBot) -> None:
        super().__init__(bot)
        self.desk: EditorialDesk | None = None
        self._attached: list[tuple[app_commands.Group, str]] = []
        self._own_group: app_commands.Group | None = None

    # -- life cycle ----------------------------------------------------------------------

    def _claimset(self) -> Any:
        """The claim set the bot answers from now (it changes on reload)."""
        engine = self.bot.engine
        if engine is None:
            raise RuntimeError("the bot has no answer engine yet")
        return engine.claimset

    async def cog_load(self) -> None:
        if self.bot.desk is not None and self.bot.desk.editorial is not None:
            self.desk = self.bot.desk.editorial
            self.watch_store.start()
        self._attach_factdesk_commands()

    async def cog_unload(self) -> None:
        self.watch_store.cancel()
        for group, name in self._attached:
            group.remove_command(name)
        if self._own_group is not None:
            self.bot.tree.remove_command(self._own_group.name)

    def _attach_factdesk_commands(self) -> None:
        commands_: list[app_commands.Command[Any, ..., Any]] = [
            app_commands.Command(
                name="feedback",
                description="Editors: the latest “Wrong match” reports",
                callback=factdesk_feedback,
            ),
            app_commands.Command(
                name="reload",
                description="Editors: reload the claim set (a broken set keeps the old one)",
                callback=factdesk_reload,
            ),
        ]
        group = self.bot.tree.get_command("factdesk")
        if not isinstance(group, app_commands.Group):
            group = app_commands.Group(
                name="desk", description="Editors' desk tools", guild_only=True
            )
            self.bot.tree.add_command(group)
            self._own_group = group
            log.warning("/factdesk is not loaded: feedback and reload are under /desk")
        for command in commands_:
            group.add_command(command)
            self._attached.append((group, command.name))

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

    def _desk(self) -> EditorialDesk:
        if self.desk is None:
            raise NoDatabase()
        return self.desk

    def _ephemeral(self) -> bool:
        return self.bot.settings.discord.ephemeral

    # -- /status -------------------------------------------------------------------------

    @status.command(name="set", description="Editors: set a claim's status, with a reason")
    @app_commands.describe(
        claim="the claim (pick from the list)",
        status="in_review, confirmed, misleading, false; clear returns to the derived status",
        reason="why (kept in the audit trail)",
    )
    @app_commands.check(editor_only)
    async def status_set(
        self,
        interaction: discord.Interaction,
        claim: app_commands.Transform[str, ClaimQuery],
        status: StatusChoice,
        reason: app_commands.Range[str, 1, MAX_REASON],
    ) -> None:
        result = await self._desk().set_status(
            claim, status, reason, by=_who(interaction.user), by_id=interaction.user.id
        )
        colour = (
            style(result.derived_status).colour
            if status == CLEAR
            else style(result.change.status).colour
        )
        await interaction.response.send_message(
            embed=_embed(f"Status: {result.claim_id}", render_change(result), colour),
            ephemeral=self._ephemeral(),
        )

    @status.command(name="history", description="The audit trail of a claim's editorial status")
    @app_commands.describe(claim="the claim (pick from the list)")
    async def status_history(
        self,
        interaction: discord.Interaction,
        claim: app_commands.Transform[str, ClaimQuery],
    ) -> None:
        history = await self._desk().history(claim)
        colour = style(history.editorial.status).colour if history.editorial else NEUTRAL
        await interaction.response.send_message(
            embed=_embed(f"History: {history.claim_id}", _history_text(history), colour),
            ephemeral=self._ephemeral(),
        )

    # -- /note ---------------------------------------------------------------------------

    @note.command(name="add", description="Editors: add a note to a claim (shown in /evidence)")
    @app_commands.describe(claim="the claim (pick from the list)", text="the note")
    @app_commands.check(editor_only)
    async def note_add(
        self,
        interaction: discord.Interaction,
        claim: app_commands.Transform[str, ClaimQuery],
        text: app_commands.Range[str, 1, MAX_NOTE],
    ) -> None:
        note = await self._desk().add_note(
            claim, text, by=_who(interaction.user), by_id=interaction.user.id
        )
        await interaction.response.send_message(
            embed=_embed(f"Note: {note.claim_id}", render_note(note)),
            ephemeral=self._ephemeral(),
        )

    # -- /factdesk feedback | reload -----------------------------------------------------

    async def feedback(self, interaction: discord.Interaction, limit: int) -> None:
        _require_editor(interaction)
        answer = await self._desk().feedback(limit)
        await interaction.response.send_message(
            embed=_embed("Wrong-match feedback", render_feedback(answer)), ephemeral=True
        )

    async def reload(self, interaction: discord.Interaction) -> None:
        _require_editor(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await self.reload_now()
        colour = 0x2ECC71 if report.ok else 0xE74C3C
        await interaction.followup.send(
            embed=_embed("Claim set reload", report.text(), colour), ephemeral=True
        )
        log.info("reload by %s: ok=%s", interaction.user.id, report.ok)

    async def reload_now(self) -> Any:
        """Reload the configured claim set into the desk; returns the report."""
        if self.bot.desk is None:
            raise NoDatabase()
        return await self.bot.desk.reload()


def _cog(interaction: discord.Interaction) -> Editorial:
    cog = interaction.client.get_cog("Editorial")  # type: ignore[attr-defined]
    if not isinstance(cog, Editorial):
        raise NoDatabase()
    return cog


# Plain functions (not methods): these commands join another cog's /factdesk group.
@app_commands.describe(limit="how many (newest first)")
async def factdesk_feedback(
    interaction: discord.Interaction, limit: app_commands.Range[int, 1, 25] = 10
) -> None:
    await _cog(interaction).feedback(interaction, limit)


async def factdesk_reload(interaction: discord.Interaction) -> None:
    await _cog(interaction).reload(interaction)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Editorial(bot))  # type: ignore[arg-type]

"""Who may run a command: the editor check and the owner check, shared by every cog.

Each check raises a named :class:`discord.app_commands.CheckFailure`, so the tree's
error handler (:mod:`cogs.utils.tree`) answers with one ephemeral line and nothing is
written. Use them as decorators (``@editor_only()``, ``@owner_only()``), or call
:func:`require_editor` inside a callback that must check at a later point.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.errors import FactdeskError

log = logging.getLogger(__name__)

T = TypeVar("T")


class NotEditor(app_commands.CheckFailure, FactdeskError):
    """The member has none of the editor roles: refused, nothing written."""

    def __init__(self, configured: bool) -> None:
        super().__init__(
            "Only editors can do this (a role listed in editor_role_ids); nothing was changed."
            if configured
            else "No editor roles are configured ([discord] editor_role_ids); nothing was changed."
        )


class NotOwner(app_commands.CheckFailure):
    """Raised by the owner-only check."""

    def __init__(self) -> None:
        super().__init__("Only the bot's owners can use this command.")


def member_role_ids(user: discord.abc.User) -> set[int]:
    """The member's role ids, from the interaction payload (works for uncached guilds)."""
    ids: set[int] = set(getattr(user, "_roles", ()) or ())
    ids |= {role.id for role in getattr(user, "roles", ()) or ()}
    return ids


def is_editor(user: discord.abc.User, editor_role_ids: list[int]) -> bool:
    """True when ``user`` holds one of ``editor_role_ids`` (none configured: nobody does)."""
    return bool(editor_role_ids) and bool(member_role_ids(user) & set(editor_role_ids))


def editor_refusal(interaction: discord.Interaction) -> NotEditor | None:
    """:class:`NotEditor` when the user holds no role in ``editor_role_ids``, else None."""
    roles = interaction.client.settings.discord.editor_role_ids  # type: ignore[attr-defined]
    return None if is_editor(interaction.user, roles) else NotEditor(bool(roles))


def require_editor(interaction: discord.Interaction) -> None:
    """Raise :class:`NotEditor` unless the user holds a role in ``editor_role_ids``."""
    refusal = editor_refusal(interaction)
    if refusal is not None:
        log.info("editor-only command refused for user %s", interaction.user.id)
        raise refusal


async def _editor_predicate(interaction: discord.Interaction) -> bool:
    require_editor(interaction)
    return True


async def _owner_predicate(interaction: discord.Interaction) -> bool:
    if await interaction.client.is_factdesk_owner(interaction.user):  # type: ignore[attr-defined]
        return True
    raise NotOwner()


def editor_only() -> Callable[[T], T]:
    """Decorator: only members holding a role in ``[discord] editor_role_ids``."""
    check: Callable[[Any], Any] = app_commands.check(_editor_predicate)
    return check


def owner_only() -> Callable[[T], T]:
    """Decorator: only the bot's owners (``[discord] owner_ids``, else the application's)."""
    check: Callable[[Any], Any] = app_commands.check(_owner_predicate)
    return check

"""The Discord bot: the one module in bot/ that imports discord.

``FactdeskBot`` holds the answer engine (swap ``bot.engine`` to reload), the settings
and the store; ``setup_hook`` loads the explicit tuple ``EXTENSIONS`` and logs any
that fail. The command tree is never synced here: an owner runs ``/factdesk sync`` or
``python -m bot sync``.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

import discord
import yarl
from discord.ext import commands

from cogs.tree import FactdeskTree

if TYPE_CHECKING:
    from bot.engine import Factdesk
    from bot.settings import DiscordSettings, Settings

log = logging.getLogger(__name__)

EXTENSIONS: tuple[str, ...] = (
    "cogs.claims",
    "cogs.evidence",
    "cogs.figures",
    "cogs.speakers",
    "cogs.sources",
    "cogs.about",
    "cogs.digest",
)


def intents() -> discord.Intents:
    """Only what a slash-command bot needs: guilds (no message content, no members)."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    return wanted


def apply_endpoints(settings: DiscordSettings) -> None:
    """Point discord.py's REST routes and gateway at the configured URLs.

    ``Route.BASE`` serves every REST call, webhooks (interaction followups) included.
    ``_set_api_version`` must never be called after this: it would overwrite BASE.
    """
    discord.http.Route.BASE = settings.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)
    log.info("REST base %s, gateway %s", settings.api_base, settings.gateway_url)


class FactdeskBot(commands.Bot):
    def __init__(
        self,
        settings: Settings,
        engine: Factdesk | None,
        *,
        store: Any = None,
        extensions: tuple[str, ...] = EXTENSIONS,
        **options: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            tree_cls=FactdeskTree,
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.settings = settings
        self.engine = engine
        self.store = store
        self.extensions_to_load = extensions
        self.failed_extensions: dict[str, BaseException] = {}
        self.started_at = dt.datetime.now(dt.UTC)

    async def setup_hook(self) -> None:
        for name in self.extensions_to_load:
            try:
                await self.load_extension(name)
            except Exception as exc:
                self.failed_extensions[name] = exc
                log.exception("failed to load extension %s", name)
        log.info(
            "loaded %d extensions, %d commands",
            len(self.extensions),
            len(self.tree.get_commands()),
        )

    async def on_ready(self) -> None:
        user = self.user
        log.info("ready as %s (%s) in %d guilds", user, user.id if user else "?", len(self.guilds))

    async def is_factdesk_owner(self, user: discord.abc.User) -> bool:
        """settings.discord.owner_ids, else the application's owner or team."""
        if user.id in self.settings.discord.owner_ids:
            return True
        return await self.is_owner(user)

    async def record_feedback(
        self, user: discord.abc.User, query: str, command: str, match_id: str | None
    ) -> None:
        """A "Wrong match" press: the query and what it matched, for the desk to review."""
        log.info(
            "feedback: wrong match for /%s %r -> %s (user %s)", command, query, match_id, user.id
        )

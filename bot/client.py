"""The Discord bot: the one module in bot/ that imports discord.

``FactdeskBot`` holds the answer engine (swap ``bot.engine`` to reload), the settings
and the store; ``setup_hook`` loads the explicit tuple ``EXTENSIONS`` and logs any
that fail. The command tree is never synced here: an owner runs ``/factdesk sync`` or
``python -m bot sync``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord
import yarl
from discord.ext import commands

from bot.errors import FactdeskError
from cogs.utils.tree import FactdeskTree

if TYPE_CHECKING:
    from bot.answers.engine import Factdesk
    from bot.settings import DiscordSettings, Settings

log = logging.getLogger(__name__)

EXTENSIONS: tuple[str, ...] = (
    "cogs.claims",
    "cogs.evidence",
    "cogs.figures",
    "cogs.speakers",
    "cogs.sources",
    "cogs.factdesk",
    "cogs.digest",
    "cogs.editorial",
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
        self.editorial: Any = None  # the EditorialCache the engine reads, when a store is open
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
        if self.store is not None:  # stored for /factdesk feedback (cogs.editorial)
            await self.store.add_feedback(
                command=command, query=query, claim_id=match_id, user_id=user.id,
                user_name=getattr(user, "global_name", None) or user.name,
            )


# -- running ---------------------------------------------------------------------------


def setup_logging() -> None:
    """discord.py's logging set-up, called once by the entry point."""
    discord.utils.setup_logging()


def _claimset_signature(root: Path) -> tuple[tuple[str, int, int], ...]:
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in {".toml", ".txt"})
    out = []
    for p in files:
        try:
            st = p.stat()
        except OSError:
            continue
        out.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(out)


async def watch_claimset(
    bot: FactdeskBot,
    path: Path,
    make_engine: Callable[[Any], Factdesk],
    interval: float = 2.0,
) -> None:
    """Reload the claim set when its files change; a broken edit keeps the old engine.

    The same core as /factdesk reload (bot.reload): every problem and any orphans logged.
    """
    from bot.desk.reload import reload_bot

    root = path if path.is_dir() else path.parent
    seen = _claimset_signature(root)
    while True:
        await asyncio.sleep(interval)
        now = _claimset_signature(root)
        if now == seen:
            continue
        seen = now
        ids = await bot.store.editorial_claim_ids() if bot.store is not None else set()
        report = await reload_bot(bot, path, make_engine, ids)
        (log.info if report.ok else log.error)("watch: %s", report.text())


async def serve(settings: Settings, claimset: Any, *, watch: bool = False) -> int:
    """Open the store, build the bot and run it until SIGTERM/SIGINT or a fatal error."""
    from bot.answers.engine import Factdesk
    from bot.record.editorial import EditorialCache
    from bot.record.store import Store

    assert settings.token is not None
    apply_endpoints(settings.discord)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    async with Store.open(settings.database.path) as store:
        editorial = await EditorialCache.load(store)

        def make_engine(cs: Any) -> Factdesk:
            return Factdesk(cs, editorial=editorial)

        async with FactdeskBot(settings, make_engine(claimset), store=store) as bot:
            bot.editorial = editorial
            tasks = {
                asyncio.create_task(bot.start(settings.token.get_secret_value()), name="bot"),
                asyncio.create_task(stop.wait(), name="stop"),
            }
            if watch:
                tasks.add(
                    asyncio.create_task(
                        watch_claimset(bot, settings.claimset.path, make_engine), name="watch"
                    )
                )
            done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            log.info("shutting down")
            await bot.close()
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            for task in done:
                if task.get_name() == "bot" and task.exception() is not None:
                    exc = task.exception()
                    raise _one_line_error(exc, settings, connected=bot.ws is not None) from exc
    return 0


def _one_line_error(
    exc: BaseException | None, settings: Settings, *, connected: bool = True
) -> FactdeskError:
    """What stopped the bot, as one line for the terminal (the traceback goes to the log)."""
    log.debug("the bot stopped on an error", exc_info=exc)
    if isinstance(exc, FactdeskError):
        return exc
    if not connected and isinstance(exc, AttributeError):
        # discord.py 2.7 retries a failed first gateway connection by reading
        # ``self.ws.sequence`` while ``ws`` is still None: the gateway was never reached.
        return FactdeskError(f"cannot reach Discord's gateway at {settings.discord.gateway_url}")
    if isinstance(exc, discord.LoginFailure):
        return FactdeskError("Discord rejected the token in DISCORD_TOKEN")
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return FactdeskError("Discord refused the gateway intents the bot asked for")
    if isinstance(exc, discord.HTTPException):
        return FactdeskError(f"Discord answered {exc.status} at {settings.discord.api_base}")
    if isinstance(exc, discord.GatewayNotFound | discord.ConnectionClosed | OSError):
        return FactdeskError(
            f"cannot reach Discord ({settings.discord.api_base}, "
            f"{settings.discord.gateway_url}): {exc}"
        )
    return FactdeskError(f"the bot stopped: {type(exc).__name__}: {exc}")


# -- syncing -----------------------------------------------------------------------------


def sync_payload(bot: FactdeskBot, guild_id: int | None = None) -> list[dict[str, Any]]:
    """The body ``tree.sync(guild=...)`` would PUT, built the same way (no translator)."""
    guild = discord.Object(guild_id) if guild_id is not None else None
    if guild is not None:
        bot.tree.copy_global_to(guild=guild)
    return [command.to_dict(bot.tree) for command in bot.tree._get_all_commands(guild=guild)]


def sync_route(guild_id: int | None, application_id: int | str = "{application_id}") -> str:
    if guild_id is None:
        return f"PUT /applications/{application_id}/commands"
    return f"PUT /applications/{application_id}/guilds/{guild_id}/commands"


async def dry_run_payload(settings: Settings, guild_id: int | None) -> list[dict[str, Any]]:
    """The sync body from a bot with every extension loaded and no connection."""
    async with FactdeskBot(settings, None) as bot:
        await bot.setup_hook()
        if bot.failed_extensions:
            names = ", ".join(f"{n} ({e})" for n, e in bot.failed_extensions.items())
            raise FactdeskError(f"extensions failed to load: {names}")
        return sync_payload(bot, guild_id)


async def sync_commands(settings: Settings, guild_id: int | None) -> tuple[str, int]:
    """Log in with the token and publish the commands; returns (route, how many)."""
    assert settings.token is not None
    apply_endpoints(settings.discord)
    async with FactdeskBot(settings, None) as bot:
        try:
            await bot.login(settings.token.get_secret_value())
            if bot.failed_extensions:
                raise FactdeskError(
                    f"extensions failed to load: {', '.join(bot.failed_extensions)}"
                )
            guild = discord.Object(guild_id) if guild_id is not None else None
            if guild is not None:
                bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
        except FactdeskError:
            raise
        except Exception as exc:
            raise _one_line_error(exc, settings) from exc
        return sync_route(guild_id, bot.application_id or "?"), len(synced)

"""The Discord bot: the one module in bot/ that imports discord.

``FactdeskBot`` holds the settings and the :class:`bot.desk.Desk` (engine, store,
editorial record; ``desk.reload`` swaps the engine); ``setup_hook`` loads the explicit
tuple ``EXTENSIONS`` and logs any that fail. The tree's error handler is installed by
the cogs (``cogs.utils``): nothing here imports them. The command tree is never synced
here: an owner runs ``/factdesk sync`` or ``python -m bot sync``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
from typing import TYPE_CHECKING, Any

import discord
import yarl
from discord.ext import commands

from bot.errors import FactdeskError

if TYPE_CHECKING:
    from bot.answers.engine import Factdesk
    from bot.desk import Desk
    from bot.record.protocols import RecordStore
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
    "cogs.stories",
    "cogs.ingest",
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
        desk: Desk | None,
        *,
        extensions: tuple[str, ...] = EXTENSIONS,
        **options: Any,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )
        self.settings = settings
        self.desk = desk
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

    @property
    def engine(self) -> Factdesk | None:
        """The desk's current engine (read at each call: a reload swaps it)."""
        return self.desk.engine if self.desk is not None else None

    @property
    def store(self) -> RecordStore | None:
        return self.desk.store if self.desk is not None else None

    async def on_ready(self) -> None:
        user = self.user
        log.info("ready as %s (%s) in %d guilds", user, user.id if user else "?", len(self.guilds))

    def owns_guild(self, guild_id: int) -> bool:
        """Whether this process's shards hold the guild (always, for an unsharded bot).

        Discord routes a guild to shard ``(guild_id >> 22) % shard_count``
        (discord.py's ``AutoShardedClient._get_websocket``, ``Guild.shard_id``).
        """
        count = self.shard_count
        mine = getattr(self, "shard_ids", None)  # AutoShardedClient's; None = every shard
        if not count or mine is None:
            return True
        return (guild_id >> 22) % count in mine

    def owns_channel(self, channel_id: int, guild_id: int | None) -> bool:
        """Whether this process posts in the channel: its guild is on one of our shards
        (a channel whose guild is not known: when one of our shards holds it)."""
        if guild_id is not None:
            return self.owns_guild(guild_id)
        return self.shard_count is None or self.get_channel(channel_id) is not None

    async def is_factdesk_owner(self, user: discord.abc.User) -> bool:
        """settings.discord.owner_ids, else the application's owner or team."""
        if user.id in self.settings.discord.owner_ids:
            return True
        return await self.is_owner(user)

    async def record_feedback(
        self, user: discord.abc.User, query: str, command: str, match_id: str | None, *,
        desk: Desk | None = None, channel_id: int | None = None,
    ) -> None:
        """A "Wrong match" press: the query and what it matched, for the desk to review,
        in the record of the answer's story and server (``desk``; default the bot's)."""
        log.info(
            "feedback: wrong match for /%s %r -> %s (user %s)", command, query, match_id, user.id
        )
        desk = desk or self.desk
        if desk is not None and desk.editorial is not None:  # /factdesk feedback
            await desk.editorial.record_feedback(
                command=command, query=query, claim_id=match_id, user_id=user.id,
                user_name=getattr(user, "global_name", None) or user.name,
                channel_id=channel_id,
            )


class ShardedFactdeskBot(FactdeskBot, commands.AutoShardedBot):
    """The same bot as discord.py's AutoShardedBot: the shards in ``[discord] shard_ids`` of
    ``shard_count`` (or, with ``autoshard``, as many as Discord recommends)."""


def make_bot(settings: Settings, desk: Desk | None, **options: Any) -> FactdeskBot:
    """The bot the settings ask for: sharded when ``[discord]`` names shards, else plain."""
    conf = settings.discord
    if not conf.shard_count and not conf.autoshard:
        return FactdeskBot(settings, desk, **options)
    log.info("sharded: %s of %s", conf.shard_ids or "every shard",
             conf.shard_count or "as many as Discord recommends")
    return ShardedFactdeskBot(
        settings, desk, shard_count=conf.shard_count or None,
        shard_ids=conf.shard_ids or None, **options,
    )


# -- running ---------------------------------------------------------------------------


def setup_logging() -> None:
    """discord.py's logging set-up, called once by the entry point."""
    discord.utils.setup_logging()


async def serve(
    settings: Settings, claimset: Any, *, watch: bool = False, db_must_exist: bool = False,
    story: str | None = None,
) -> int:
    """Open the desk, build the bot and run it until SIGTERM/SIGINT or a fatal error."""
    from bot.desk import open_desk
    from bot.desk.changes import follow_changes
    from bot.desk.watch import watch_claimset

    assert settings.token is not None
    apply_endpoints(settings.discord)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    async with (
        open_desk(settings, claimset=claimset, db_must_exist=db_must_exist, story=story) as desk,
        make_bot(settings, desk) as bot,
    ):
        tasks = {
            asyncio.create_task(bot.start(settings.token.get_secret_value()), name="bot"),
            asyncio.create_task(stop.wait(), name="stop"),
        }
        if watch:
            tasks.add(asyncio.create_task(watch_claimset(desk), name="watch"))
        if desk.change_feed is not None:  # other processes' rulings and reloads, at once
            tasks.add(asyncio.create_task(follow_changes(desk, desk.change_feed),
                                          name="changes"))
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        log.info("shutting down")
        await drain_answers(DRAIN_SECONDS)
        await bot.close()
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        failure = _why_stopped(done, stopped=stop.is_set())
        if failure is not None:
            raise _one_line_error(failure, settings, connected=bot.ws is not None) from failure
    return 0


class TaskEnded(FactdeskError):
    """A task that runs for the bot's whole life ended on its own."""


def _why_stopped(done: set[asyncio.Task[Any]], *, stopped: bool) -> BaseException | None:
    """What ended the bot's run other than SIGTERM/SIGINT: a task's error, or a task that
    should run for as long as the bot (the bot, the watcher) returning; None: a clean stop."""
    for task in sorted(done, key=lambda t: t.get_name()):
        if task.get_name() == "stop" or task.cancelled():
            continue
        exc = task.exception()
        if exc is not None:
            log.debug("%s task failed", task.get_name(), exc_info=exc)
            return exc
        if not stopped:
            log.error("%s task ended on its own", task.get_name())
            return TaskEnded(f"the {task.get_name()} task ended on its own")
    return None


DRAIN_SECONDS = 10.0
# discord.py runs each slash command and each button press in a task of these names
# (app_commands/tree.py, ui/view.py): the answers in flight when a shutdown starts.
_ANSWER_TASKS = ("CommandTree-invoker", "discord-ui-view-dispatch-")


def answers_in_flight() -> list[asyncio.Task[Any]]:
    current = asyncio.current_task()
    return [
        task for task in asyncio.all_tasks()
        if task is not current and not task.done() and task.get_name().startswith(_ANSWER_TASKS)
    ]


async def drain_answers(timeout: float) -> int:
    """Let the answers in flight finish (up to ``timeout`` s) before the session closes,
    so SIGTERM during a deploy does not cut a reporter's answer off. Returns how many
    were still running after the wait."""
    tasks = answers_in_flight()
    if not tasks:
        return 0
    log.info("waiting up to %.0f s for %d answers in flight", timeout, len(tasks))
    _, still = await asyncio.wait(tasks, timeout=timeout)
    if still:
        log.warning("%d answers still running after %.0f s: closing anyway", len(still), timeout)
    return len(still)


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

"""The desk: every service built in one place (settings -> store -> editorial -> engine -> reload).

The Discord bot, each CLI command, the console and the tests get their services from
:func:`open_desk`, so they answer from the same engine with the same editorial record
and never disagree:

- the claim set, from ``settings.claimset`` (with its verified cache when configured);
- the store, chosen here and nowhere else (:func:`open_store`): PostgreSQL when
  ``settings.database.url`` is set, else the SQLite file ``settings.database.path``,
  opened for writing (created when missing, unless ``db_must_exist``), or for reading
  only, read-only, when the file exists (answers read rulings and notes; they never
  create a database or its tables); ``db_must_exist`` refuses a missing file in one line
  (a mistyped ``--db`` must not answer from an empty record);
- the editorial record (:class:`bot.record.editorial.EditorialDesk`) over that store,
  whose cache the engine reads, so a ruling shows in the next answer;
- the answer engine (:class:`bot.answers.engine.Factdesk`), swapped as a whole by
  :meth:`Desk.reload` (a broken claim set keeps the last good one);
- the digest: its subscriptions (:class:`bot.record.digest_subscriptions.DigestSubscriptions`)
  over the store, and :meth:`Desk.digest_runner`, which builds the runner that posts due
  digests from what only a face knows (how to render and send a message, the clock);
- the stories (:class:`bot.desk.stories.Stories`, ``desk.stories``): a desk serves one
  story for one server (its :class:`bot.record.records.Scope`: ``desk.scope``);
  ``await desk.stories.desk(story, guild)`` gives the desk of another story or server,
  each with its own record. :func:`open_desk` gives the desk-wide desk of one story (the
  first, or ``story``), loaded at once; the other stories load when first asked for.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answers.engine import Factdesk
from bot.claimset.loader import load_claimset
from bot.claimset.model import ClaimSet
from bot.desk.reload import ReloadReport, reload_engine
from bot.errors import FactdeskError
from bot.record.digest_runner import DigestRunner, FindSentFn, OwnsFn, RenderFn, SendFn
from bot.record.digest_subscriptions import DigestSubscriptions
from bot.record.editorial import EditorialCache, EditorialDesk
from bot.record.protocols import RELOAD_CHANNEL, ChangeFeed, DigestRecord, RecordStore
from bot.record.records import DEFAULT_SCOPE, NO_GUILD, DigestSubscription, Scope, StoreError
from bot.record.store import Store
from bot.settings import DatabaseSettings, Settings, StorySettings

if TYPE_CHECKING:  # imported when used: asyncpg is the optional "postgres" extra
    from bot.desk.stories import Stories
    from bot.record.postgres import PostgresStore

log = logging.getLogger(__name__)


class NoDatabase(FactdeskError):
    """An editorial command with no database open."""

    def __init__(self, path: Path | None = None) -> None:
        where = f"no database at {path} yet" if path is not None else "the bot has no database"
        super().__init__(f"Editorial records are not available: {where}.")


class StoreMode(Enum):
    """How :func:`open_desk` treats the database."""

    WRITE = "write"  # open it, creating and migrating it when needed (the bot, editors)
    IF_EXISTS = "if_exists"  # open it read-only, only when it exists (answers, digest, export)
    NONE = "none"  # no database (validate, sync)


@dataclass(slots=True)
class Desk:
    """The services one face works with, for one story and one server (``scope``);
    ``engine`` is swapped as a whole on reload."""

    settings: Settings
    engine: Factdesk
    store: RecordStore | None = None  # the store's view of this desk's scope
    editorial: EditorialDesk | None = None
    subscriptions: DigestSubscriptions | None = None  # None without a database
    # Names this process in what it announces to the others sharing its database.
    process_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    scope: Scope = DEFAULT_SCOPE
    stories: Stories | None = None  # every story, and the desks of their scopes

    @property
    def claimset(self) -> ClaimSet:
        return self.engine.claimset

    @property
    def story(self) -> StorySettings:
        """The story this desk answers from."""
        return self.settings.story(self.scope.story if self.stories is not None else None)

    def make_engine(self, claimset: ClaimSet) -> Factdesk:
        """An engine over ``claimset`` reading this desk's editorial record."""
        return self.make_engine_from(Factdesk(claimset))

    def make_engine_from(self, engine: Factdesk) -> Factdesk:
        """The story's engine reading this desk's editorial record."""
        cache = self.editorial.cache if self.editorial is not None else None
        return engine.with_editorial(cache)

    def require_editorial(self) -> EditorialDesk:
        if self.editorial is None:
            raise NoDatabase(self.settings.database.path)
        return self.editorial

    def digest_runner(
        self,
        send: SendFn,
        *,
        render: RenderFn,
        find_sent: FindSentFn | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        owns: OwnsFn | None = None,
    ) -> DigestRunner:
        """The runner that posts due digests from this desk's store and current engine.

        The face gives what only it knows: how a message is rendered and sent, how a
        sent one is found again, the clock, and which subscriptions are this process's
        (its shards' guilds). Raises NoDatabase without a store.
        """
        if self.store is None:
            raise NoDatabase()
        return DigestRunner(
            self.store,
            lambda: self.engine,  # read at each run: a reload swaps it
            send,
            render=render,
            find_sent=find_sent,
            clock=clock or _utcnow,
            owns=owns,
            scope_of=self._subscription_scope if self.stories is not None else None,
        )

    async def _subscription_scope(self, sub: DigestSubscription) -> tuple[DigestRecord, Factdesk]:
        """The record and engine a subscription's digest is built from: its story's, for
        its server."""
        assert self.stories is not None
        desk = await self.stories.desk(sub.story, sub.guild_id or NO_GUILD)
        assert desk.store is not None
        return desk.store, desk.engine

    async def editorial_claim_ids(self) -> set[str]:
        if self.store is None:
            return set()
        return await self.store.editorial_claim_ids()

    async def sync_editorial(self) -> bool:
        """Reread rulings and notes another process wrote, in every scope open (this one
        alone for a desk built without stories); True when something changed."""
        if self.stories is not None:
            return await self.stories.sync_editorial()
        return await self.sync_own_editorial()

    async def sync_own_editorial(self) -> bool:
        """Reread this scope's rulings and notes when another writer changed the record."""
        if self.editorial is None:
            return False
        return await self.editorial.cache.refresh_if_changed(self.editorial.store)

    @property
    def change_feed(self) -> ChangeFeed | None:
        """The store, when processes sharing it tell each other what changed (PostgreSQL)."""
        return self.store if isinstance(self.store, ChangeFeed) else None

    async def announce_reload(self) -> bool:
        """Ask every other process on this database to reload its claim set (after a
        reload here); False when there is no one to tell (a SQLite record)."""
        feed = self.change_feed
        if feed is None:
            return False
        await feed.announce(RELOAD_CHANNEL, f"{self.process_id} {self.scope.story}")
        return True

    async def reload(self, path: Path | None = None) -> ReloadReport:
        """Validate the story's claim set at ``path`` (default: the configured one) and swap
        it in (for every server of the story).

        The load runs in a worker thread; on any problem the running engine stays.
        """
        ids = await self.editorial_claim_ids()
        if self.stories is not None:
            return await self.stories.reload(self.scope.story, path, ids)
        target = path or self.settings.claimset.path
        engine, report = await asyncio.to_thread(
            reload_engine, target, self.engine, self.make_engine, ids
        )
        if report.ok and engine is not None:
            self.engine = engine
        return report


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def load_configured_claimset(settings: Settings, story: str | None = None) -> ClaimSet:
    """The claim set of the story (None: the first) ``settings`` name. Raises
    UnknownStory, ClaimSetUnreadable or ClaimSetInvalid."""
    return load_claimset(settings.story(story).path, cache_dir=settings.claimset.cache_dir)


@asynccontextmanager
async def open_desk(
    settings: Settings,
    *,
    claimset: ClaimSet | None = None,
    store: StoreMode = StoreMode.WRITE,
    db_must_exist: bool = False,
    story: str | None = None,
    guild: int = NO_GUILD,
) -> AsyncIterator[Desk]:
    """Build the desk of ``story`` (None: the first) for ``guild`` (0: the desk-wide
    record) from ``settings``; the store is closed on exit. ``desk.stories`` reaches the
    other stories and servers over the same store.

    ``claimset`` skips loading (the caller already holds the story's validated set).
    ``db_must_exist``: a database path with no file is an error (StoreError), never a
    new empty database nor answers without the record.
    """
    from bot.desk.stories import Stories

    chosen = settings.story(story)
    cs = claimset if claimset is not None else load_configured_claimset(settings, chosen.id)
    async with open_store(settings.database, store, must_exist=db_must_exist) as opened:
        process_id = uuid.uuid4().hex

        async def open_scope(scope: Scope, engine: Factdesk) -> Desk:
            return await _scope_desk(settings, opened, stories, scope, engine, process_id)

        stories = Stories(settings, opened, open_scope=open_scope)
        stories.put(chosen.id, Factdesk(cs))
        stories.pinned.add(chosen.id)
        desk = await stories.desk(chosen.id, guild)
        stories.pinned_scopes.add(desk.scope)
        yield desk


async def _scope_desk(
    settings: Settings,
    store: RecordStore | None,
    stories: Stories,
    scope: Scope,
    engine: Factdesk,
    process_id: str,
) -> Desk:
    """The desk of one scope: the story's engine over the scope's record."""
    if store is None:
        return Desk(settings, engine, scope=scope, stories=stories, process_id=process_id)
    view = store.scoped(scope)
    desk = Desk(settings, engine, store=view, scope=scope, stories=stories,
                process_id=process_id)
    cache = await EditorialCache.load(view)
    desk.editorial = EditorialDesk(view, cache, lambda: desk.claimset)
    desk.subscriptions = DigestSubscriptions(view, lambda: desk.engine)
    desk.engine = desk.make_engine_from(engine)
    return desk


@asynccontextmanager
async def open_store(
    database: DatabaseSettings, mode: StoreMode = StoreMode.WRITE, *, must_exist: bool = False
) -> AsyncIterator[RecordStore | None]:
    """The store the settings name, or None (``mode`` NONE, or IF_EXISTS and none yet).

    PostgreSQL when ``database.url`` is set (several processes, one record), else the
    SQLite file at ``database.path`` (the embedded default: ``make demo``, one desk).
    ``must_exist``: a SQLite path with no file is a StoreError (a PostgreSQL database
    always has to exist: the server refuses to connect to a missing one).
    """
    if mode is StoreMode.NONE:
        yield None
        return
    if database.url is not None:
        async with _open_postgres(database.url, mode) as pg:
            yield pg
        return
    db_path = database.path
    if must_exist and not db_path.exists():
        raise StoreError(
            f"{db_path}: no database there (a mistyped path?); a command that writes "
            "creates one with --create-db"
        )
    if mode is StoreMode.IF_EXISTS and not db_path.exists():
        yield None
        return
    async with Store.open(db_path, readonly=mode is StoreMode.IF_EXISTS) as sqlite:
        yield sqlite


@asynccontextmanager
async def _open_postgres(url: str, mode: StoreMode) -> AsyncIterator[RecordStore | None]:
    """The PostgreSQL store at ``url``; None for IF_EXISTS when Factdesk never set it up."""
    postgres = _postgres_store()
    if mode is StoreMode.IF_EXISTS and not await postgres.has_schema(url):
        yield None
        return
    async with postgres.open(url) as pg:
        yield pg


def _postgres_store() -> type[PostgresStore]:
    """The PostgreSQL store class; a one-line StoreError when asyncpg is not installed."""
    try:
        from bot.record.postgres import PostgresStore
    except ModuleNotFoundError as exc:
        raise StoreError(
            f"database.url: PostgreSQL needs {exc.name}: pip install 'factdesk[postgres]'"
        ) from None
    return PostgresStore

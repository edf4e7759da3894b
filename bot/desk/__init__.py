"""The desk: every service built in one place (settings -> store -> editorial -> engine -> reload).

The Discord bot, each CLI command, the console and the tests get their services from
:func:`open_desk`, so they answer from the same engine with the same editorial record
and never disagree:

- the claim set, from ``settings.claimset`` (with its verified cache when configured);
- the store (``settings.database.path``), opened for writing (created when missing,
  unless ``db_must_exist``), or for reading only, read-only, when the file exists (answers
  read rulings and notes; they never create a database); ``db_must_exist`` refuses a
  missing file in one line (a mistyped ``--db`` must not answer from an empty record);
- the editorial record (:class:`bot.record.editorial.EditorialDesk`) over that store,
  whose cache the engine reads, so a ruling shows in the next answer;
- the answer engine (:class:`bot.answers.engine.Factdesk`), swapped as a whole by
  :meth:`Desk.reload` (a broken claim set keeps the last good one);
- the digest: its subscriptions (:class:`bot.record.digest_subscriptions.DigestSubscriptions`)
  over the store, and :meth:`Desk.digest_runner`, which builds the runner that posts due
  digests from what only a face knows (how to render and send a message, the clock).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from bot.answers.engine import Factdesk
from bot.claimset.loader import load_claimset
from bot.claimset.model import ClaimSet
from bot.desk.reload import ReloadReport, reload_engine
from bot.errors import FactdeskError
from bot.record.digest_runner import DigestRunner, FindSentFn, RenderFn, SendFn
from bot.record.digest_subscriptions import DigestSubscriptions
from bot.record.editorial import EditorialCache, EditorialDesk
from bot.record.store import Store, StoreError
from bot.settings import Settings

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
    """The services one face works with; ``engine`` is swapped as a whole on reload."""

    settings: Settings
    engine: Factdesk
    store: Store | None = None
    editorial: EditorialDesk | None = None
    subscriptions: DigestSubscriptions | None = None  # None without a database

    @property
    def claimset(self) -> ClaimSet:
        return self.engine.claimset

    def make_engine(self, claimset: ClaimSet) -> Factdesk:
        """An engine over ``claimset`` reading this desk's editorial record."""
        cache = self.editorial.cache if self.editorial is not None else None
        return Factdesk(claimset, editorial=cache)

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
    ) -> DigestRunner:
        """The runner that posts due digests from this desk's store and current engine.

        The face gives what only it knows: how a message is rendered and sent, how a
        sent one is found again, and the clock. Raises NoDatabase without a store.
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
        )

    async def editorial_claim_ids(self) -> set[str]:
        if self.store is None:
            return set()
        return await self.store.editorial_claim_ids()

    async def sync_editorial(self) -> bool:
        """Reread rulings and notes another process wrote; True when something changed."""
        if self.editorial is None:
            return False
        return await self.editorial.cache.refresh_if_changed(self.editorial.store)

    async def reload(self, path: Path | None = None) -> ReloadReport:
        """Validate the claim set at ``path`` (default: the configured one) and swap it in.

        The load runs in a worker thread; on any problem the running engine stays.
        """
        target = path or self.settings.claimset.path
        ids = await self.editorial_claim_ids()
        engine, report = await asyncio.to_thread(
            reload_engine, target, self.engine, self.make_engine, ids
        )
        if report.ok and engine is not None:
            self.engine = engine
        return report


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def load_configured_claimset(settings: Settings) -> ClaimSet:
    """The claim set ``settings`` names. Raises ClaimSetUnreadable or ClaimSetInvalid."""
    return load_claimset(settings.claimset.path, cache_dir=settings.claimset.cache_dir)


@asynccontextmanager
async def open_desk(
    settings: Settings,
    *,
    claimset: ClaimSet | None = None,
    store: StoreMode = StoreMode.WRITE,
    db_must_exist: bool = False,
) -> AsyncIterator[Desk]:
    """Build the desk from ``settings``; the store is closed on exit.

    ``claimset`` skips loading (the caller already holds a validated set).
    ``db_must_exist``: a database path with no file is an error (StoreError), never a
    new empty database nor answers without the record.
    """
    cs = claimset if claimset is not None else load_configured_claimset(settings)
    db_path = settings.database.path
    if store is not StoreMode.NONE and db_must_exist and not db_path.exists():
        raise StoreError(
            f"{db_path}: no database there (a mistyped path?); a command that writes "
            "creates one with --create-db"
        )
    if store is StoreMode.NONE or (store is StoreMode.IF_EXISTS and not db_path.exists()):
        yield Desk(settings, Factdesk(cs))
        return
    async with Store.open(db_path, readonly=store is StoreMode.IF_EXISTS) as opened:
        desk = Desk(settings, Factdesk(cs), store=opened)
        cache = await EditorialCache.load(opened)
        desk.editorial = EditorialDesk(opened, cache, lambda: desk.claimset)
        desk.subscriptions = DigestSubscriptions(opened, lambda: desk.engine)
        desk.engine = desk.make_engine(cs)
        yield desk

"""Stories: the claim sets one bot answers from, each with its own record per server.

A story is an id, a title and a claim set (``[[stories]]`` in config.toml; none given:
one story, ``default``, from ``[claimset] path``). :class:`Stories` holds them for one
open store:

- each story's engine is loaded on the first question that needs it (in a worker
  thread), validated and reloaded on its own: a story that cannot be loaded answers one
  line ("story X could not be loaded: ...") while the others keep answering, and a
  reload that fails keeps the story's last good set;
- :meth:`Stories.desk` gives the :class:`bot.desk.Desk` of one (story, server) scope: the
  story's engine reading that scope's editorial record, the store view of that scope
  (:meth:`bot.record.protocols.RecordStore.scoped`), its digest subscriptions. Every
  face asks through it, so one server never sees another's record;
- a story not asked for in ``[claimset] idle_unload_minutes`` is unloaded (its engine and
  its scopes' caches are freed, logged at INFO with its id); the next question loads it
  again. The story the desk opened with stays loaded. A server's record of a story not
  asked for that long is closed too (its cache freed; reopened on the next question);
- which story a server, or one of its channels, answers from (``/story use``) is kept
  in the store (:class:`bot.record.protocols.StoryRecord`): a story asked for by name,
  else the channel's, else the server's, else the first story.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from bot.answers.engine import Factdesk
from bot.claimset.loader import load_claimset
from bot.desk.reload import ReloadReport, reload_engine
from bot.errors import FactdeskError
from bot.formatting import one_line
from bot.record.records import NO_GUILD, Scope, StoryDefault
from bot.settings import Settings, StorySettings

if TYPE_CHECKING:
    from bot.desk import Desk
    from bot.record.protocols import RecordStore

log = logging.getLogger(__name__)

# A story that failed to load is tried again after this long (or on an explicit reload).
RETRY_SECONDS = 60.0
# A server's story choices are read from the store at most this often (autocomplete asks
# on every keystroke); this process's own /story use is seen at once.
DEFAULTS_SECONDS = 30.0


class StoryUnavailable(FactdeskError):
    """A story whose claim set cannot be loaded (the others still answer)."""


class StoryInfo(BaseModel):
    """One line of ``/story list`` and ``python -m bot stories``."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str
    path: str
    loaded: bool
    claims: int | None = None  # when loaded
    version: str | None = None
    error: str | None = None  # why it cannot be loaded, when it was tried and failed
    default: bool = False  # the server's (or channel's) story, or the first one


class StoryList(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stories: list[StoryInfo]


class Stories:
    """The stories of one bot over one store (None: no database), and their scopes' desks."""

    def __init__(
        self,
        settings: Settings,
        store: RecordStore | None,
        *,
        open_scope: Callable[[Scope, Factdesk], object],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.store = store
        self._open_scope = open_scope  # (scope, base engine) -> awaitable Desk
        self._clock = clock
        self._by_id = {s.id: s for s in settings.story_list()}
        self.default_id = settings.story_list()[0].id
        self.pinned: set[str] = set()  # never unloaded (the desk's own story)
        self.pinned_scopes: set[Scope] = set()  # never closed (the desk's own scope)
        self._engines: dict[str, Factdesk] = {}  # base engines: no editorial record
        self._failed: dict[str, tuple[float, str]] = {}  # id -> (when, why)
        self._asked: dict[str, float] = {}
        self._scope_asked: dict[Scope, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._desks: dict[Scope, Desk] = {}
        self._defaults: dict[int, tuple[float, dict[int, StoryDefault]]] = {}  # by guild

    # -- the registry ------------------------------------------------------------------

    @property
    def ids(self) -> list[str]:
        return list(self._by_id)

    def get(self, story_id: str | None = None) -> StorySettings:
        """The story ``story_id`` (None: the first); UnknownStory listing the known ids."""
        return self.settings.story(story_id)

    def title(self, story_id: str) -> str:
        """The story's title: as configured, else its claim set's (when loaded), else its id."""
        story = self.get(story_id)
        engine = self._engines.get(story.id)
        return story.title or (engine.claimset.manifest.title if engine else "") or story.id

    def loaded(self, story_id: str) -> Factdesk | None:
        return self._engines.get(story_id)

    # -- loading -----------------------------------------------------------------------

    def put(self, story_id: str, engine: Factdesk) -> None:
        """Serve ``engine`` (no editorial record) for the story: a set loaded by the caller."""
        self._engines[self.get(story_id).id] = engine
        self._failed.pop(story_id, None)
        self._asked[story_id] = self._clock()

    async def engine(self, story_id: str | None = None) -> Factdesk:
        """The story's engine, loaded on first use; StoryUnavailable when it cannot be."""
        story = self.get(story_id)
        self._asked[story.id] = self._clock()
        engine = self._engines.get(story.id)
        if engine is not None:
            return engine
        async with self._locks.setdefault(story.id, asyncio.Lock()):
            engine = self._engines.get(story.id)
            if engine is not None:
                return engine
            failed = self._failed.get(story.id)
            if failed is not None and self._clock() - failed[0] < RETRY_SECONDS:
                raise StoryUnavailable(f"story {story.id} could not be loaded: {failed[1]}")
            try:
                engine = await asyncio.to_thread(self._load, story.path)
            except FactdeskError as exc:
                why = one_line(str(exc), 300)
                self._failed[story.id] = (self._clock(), why)
                log.error("story %s could not be loaded from %s: %s", story.id, story.path, exc)
                raise StoryUnavailable(f"story {story.id} could not be loaded: {why}") from exc
            self._engines[story.id] = engine
            self._failed.pop(story.id, None)
            log.info("story %s loaded from %s (%d claims)", story.id, story.path,
                     len(engine.claimset.claims))
            return engine

    def _load(self, path: Path) -> Factdesk:
        return Factdesk(load_claimset(path, cache_dir=self.settings.claimset.cache_dir))

    async def reload(
        self, story_id: str, path: Path | None = None, editorial_ids: set[str] | None = None
    ) -> ReloadReport:
        """Validate the story's claim set (at ``path``, default its own) and swap it in for
        every scope of the story; on any problem the story keeps serving its last set."""
        story = self.get(story_id)
        target = path or story.path
        current = self._engines.get(story.id)
        engine, report = await asyncio.to_thread(
            reload_engine, target, current, Factdesk, editorial_ids or ()
        )
        if report.ok and engine is not None:
            self._engines[story.id] = engine
            self._failed.pop(story.id, None)
            for scope, desk in list(self._desks.items()):
                if scope.story == story.id:
                    desk.engine = desk.make_engine_from(engine)
        return report

    # -- scopes --------------------------------------------------------------------------

    async def desk(self, story_id: str | None = None, guild: int = NO_GUILD) -> Desk:
        """The desk of ``story_id`` (None: the first story) for ``guild`` (0: desk-wide)."""
        self.unload_idle()
        engine = await self.engine(story_id)
        scope = Scope(self.get(story_id).id, guild)
        desk = self._desks.get(scope)
        if desk is None:
            desk = await self._open_scope(scope, engine)  # type: ignore[misc]
            assert desk is not None
            self._desks[scope] = desk
        self._scope_asked[scope] = self._clock()
        return desk

    def desks(self) -> list[Desk]:
        """The scopes' desks open now."""
        return list(self._desks.values())

    async def sync_editorial(self) -> bool:
        """Reread every open scope's record that another process changed."""
        changed = False
        for desk in self.desks():
            changed = await desk.sync_own_editorial() or changed
        self.unload_idle()
        return changed

    def unload_idle(self) -> list[str]:
        """Unload the stories not asked for in ``idle_unload_minutes``; their ids."""
        minutes = self.settings.claimset.idle_unload_minutes
        if not minutes:
            return []
        now = self._clock()
        gone = [sid for sid in list(self._engines) if sid not in self.pinned
                and now - self._asked.get(sid, now) >= minutes * 60]
        for sid in gone:
            del self._engines[sid]
            for scope in [s for s in self._desks if s.story == sid]:
                del self._desks[scope]
            log.info("story %s unloaded: not asked for in %d minutes (the next question "
                     "loads it again)", sid, minutes)
        for scope in [s for s in self._desks if s not in self.pinned_scopes
                      and now - self._scope_asked.get(s, now) >= minutes * 60]:
            del self._desks[scope]
            log.debug("%s: record closed (not asked for in %d minutes)", scope, minutes)
        return gone

    # -- which story a server answers from ------------------------------------------------

    async def resolve(
        self, guild: int | None, channel: int | None = None, asked: str | None = None
    ) -> str:
        """The story to answer from: ``asked`` (UnknownStory when it names none), else the
        channel's, else the server's, else the first story."""
        if asked is not None and asked.strip():
            return self.get(asked).id
        for default in await self._defaults_for(guild, channel):
            if default.story in self._by_id:
                return default.story
            log.warning("server %s: the story %r set by %s is not configured; using %s",
                        default.guild_id, default.story, default.set_by, self.default_id)
        return self.default_id

    async def _defaults_for(self, guild: int | None, channel: int | None) -> list[StoryDefault]:
        """The channel's default, then the server's (those that are set)."""
        if not guild or self.store is None or len(self._by_id) == 1:
            return []
        read = self._defaults.get(guild)
        if read is None or self._clock() - read[0] >= DEFAULTS_SECONDS:
            found = {d.channel_id: d for d in await self.store.story_defaults(guild)}
            read = self._defaults[guild] = (self._clock(), found)
        return [read[1][c] for c in (channel or 0, 0) if c in read[1]]

    async def set_default(
        self, guild: int, channel: int | None, story_id: str, *, by: str
    ) -> StoryDefault:
        """Make ``story_id`` the server's story (``channel`` None) or the channel's."""
        story = self.get(story_id)
        if self.store is None:
            from bot.desk import NoDatabase

            raise NoDatabase()
        chosen = await self.store.set_story_default(guild, channel or 0, story.id, by=by)
        self._defaults.pop(guild, None)
        return chosen

    async def listing(
        self, guild: int | None = None, channel: int | None = None, *, load: bool = False
    ) -> StoryList:
        """Every story with what is known of it; ``load``: load each first (the CLI)."""
        current = await self.resolve(guild, channel)
        out: list[StoryInfo] = []
        for story in self._by_id.values():
            error = None
            if load:
                try:
                    await self.engine(story.id)
                except StoryUnavailable as exc:
                    error = str(exc)
            engine = self._engines.get(story.id)
            failed = self._failed.get(story.id)
            out.append(StoryInfo(
                id=story.id, title=self.title(story.id), path=str(story.path),
                loaded=engine is not None,
                claims=len(engine.claimset.claims) if engine else None,
                version=engine.claimset.version if engine else None,
                error=error or (failed[1] if failed and engine is None else None),
                default=story.id == current,
            ))
        return StoryList(stories=out)

    def text(self, listing: StoryList) -> str:
        """The listing as plain text, one story a line."""
        lines = []
        for info in listing.stories:
            mark = "*" if info.default else " "
            state = (f"{info.claims} claims, version {info.version}" if info.loaded
                     else f"not loaded: {info.error}" if info.error else "not loaded")
            lines.append(f"{mark} {info.id}: {info.title} ({state}) {info.path}")
        return "\n".join(lines)

"""What other processes changed, at once: rulings and notes, and claim-set reloads.

On a store through which processes tell each other (:class:`bot.record.protocols.ChangeFeed`:
PostgreSQL's LISTEN/NOTIFY), :func:`follow_changes` rereads the editorial cache when
any process writes a ruling or a note (``factdesk_editorial``), and reloads the claim set
when another process's ``/factdesk reload`` asks it to (``factdesk_reload``, announced
by :meth:`bot.desk.Desk.announce_reload`). Notifications are coalesced: a burst of
rulings is one reread. After a lost connection the cache is reread once (a ruling may
have gone unheard); the bot's slow poll (``cogs.editorial``) stays as the fallback.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.desk import Desk
from bot.record.protocols import EDITORIAL_CHANNEL, RELOAD_CHANNEL, ChangeFeed

log = logging.getLogger(__name__)


async def follow_changes(desk: Desk, feed: ChangeFeed) -> None:
    """Apply what other processes announce on ``feed`` to ``desk``, until cancelled."""
    editorial, reload = asyncio.Event(), asyncio.Event()
    stories: set[str | None] = set()  # the stories to reload (None: the desk's own)

    def reload_asked(payload: str) -> None:
        sender, _, story = payload.partition(" ")  # "process story" (story: since stories)
        if sender != desk.process_id:  # our own announcement: already reloaded
            stories.add(story.strip() or None)
            reload.set()

    handlers = {EDITORIAL_CHANNEL: lambda _claim: editorial.set(), RELOAD_CHANNEL: reload_asked}
    async with asyncio.TaskGroup() as group:
        group.create_task(feed.listen(handlers, on_connect=editorial.set))
        group.create_task(_each_time(editorial, lambda: _reread_editorial(desk)))
        group.create_task(_each_time(reload, lambda: _reload(desk, stories)))


async def _each_time(event: asyncio.Event, action: Callable[[], Awaitable[None]]) -> None:
    """Run ``action`` once per burst of ``event``; a failure is logged and waited out."""
    while True:
        await event.wait()
        event.clear()
        try:
            await action()
        except Exception:
            log.exception("applying a change announced by another process failed")


async def _reread_editorial(desk: Desk) -> None:
    if await desk.sync_editorial():
        log.info("editorial records changed in another process (notified); cache reread")


async def _reload(desk: Desk, stories: set[str | None]) -> None:
    """Reload the stories asked for that this process has loaded (the others load fresh
    when first asked for)."""
    asked = set(stories)
    stories.clear()
    for story in sorted(asked, key=str):
        if desk.stories is not None and story is not None:
            if desk.stories.loaded(story) is None:
                continue
            report = await desk.stories.reload(story)
        else:
            report = await desk.reload()
        (log.info if report.ok else log.error)(
            "reload asked by another process: %s (story %s)", report.text(),
            story or desk.scope.story)

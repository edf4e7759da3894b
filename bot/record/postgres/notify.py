"""Telling the other processes what changed: PostgreSQL's LISTEN/NOTIFY, and digest claims.

A write that others must see at once (a ruling, a note) sends ``NOTIFY`` in its own
transaction, so the notification goes out on commit and never for a rolled-back write.
:func:`listen` holds one connection of its own (outside the pool: a pooled connection is
reset with ``UNLISTEN *`` when released) and calls a handler per channel for each
notification; a lost connection is reopened with backoff, and ``on_connect`` runs after
each (re)connection so the caller can reread what it may have missed. Notifications are
a fast path: the caller keeps a slow poll for when the listener is down.

A digest claim is a session advisory lock on a pooled connection, taken with
``pg_try_advisory_lock`` (never waits) and held while a process runs that subscription's
digest: a second process gets False and leaves it. The server releases the lock when the
holder's connection ends, so a process killed mid-send frees it at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager

import asyncpg

from bot.record.postgres.connection import (
    CONNECT_ERRORS,
    CONNECT_TIMEOUT_S,
    PostgresConnection,
    one_line,
)

log = logging.getLogger(__name__)

# pg_try_advisory_lock(DIGEST_LOCK, subscription): one process runs a digest at a time.
DIGEST_LOCK = 0x44696700  # "Dig"
LISTENER_NAME = "factdesk-listener"  # its application_name in pg_stat_activity
PING_SECONDS = 30.0  # how often an idle listener checks that its connection still works
FIRST_RETRY = 1.0
MAX_RETRY = 60.0


class NotifyQueries(PostgresConnection):
    """Notifications and digest claims over the store's pool (see the module docstring)."""

    async def announce(self, channel: str, payload: str = "") -> None:
        """NOTIFY ``channel``: every process listening on it is told ``payload``."""
        async with self._pool.acquire() as conn:
            await conn.execute("SELECT pg_notify($1, $2)", channel, payload)

    async def listen(
        self,
        handlers: Mapping[str, Callable[[str], object]],
        *,
        on_connect: Callable[[], object] | None = None,
        first_retry: float = FIRST_RETRY,
        max_retry: float = MAX_RETRY,
    ) -> None:
        """Call ``handlers[channel](payload)`` for every notification, until cancelled."""
        delay = first_retry
        while True:
            try:
                await self._listen_once(handlers, on_connect)
                delay = first_retry  # it had worked: the next failure starts the backoff again
            except (*CONNECT_ERRORS, asyncpg.ConnectionDoesNotExistError) as exc:
                log.warning("%s: listening for changes failed: %s; retrying in %g s (a poll "
                            "covers the gap)", self.location, one_line(exc), delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, max_retry)

    async def _listen_once(
        self, handlers: Mapping[str, Callable[[str], object]],
        on_connect: Callable[[], object] | None,
    ) -> None:
        """One connection's life: LISTEN, deliver, return when the connection is lost."""
        conn = await asyncpg.connect(self.url, timeout=CONNECT_TIMEOUT_S,
                                     server_settings={"application_name": LISTENER_NAME})
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _conn: lost.set())
        try:
            for channel, handler in handlers.items():
                await conn.add_listener(channel, _deliver(handler))
            log.info("%s: listening for changes (%s)", self.location, ", ".join(handlers))
            if on_connect is not None:
                on_connect()
            while not lost.is_set():
                try:
                    await asyncio.wait_for(lost.wait(), PING_SECONDS)
                except TimeoutError:
                    await conn.fetchval("SELECT 1", timeout=CONNECT_TIMEOUT_S)
            log.warning("%s: the listening connection was lost; reconnecting", self.location)
        finally:
            with contextlib.suppress(Exception):
                await conn.close(timeout=2)

    @asynccontextmanager
    async def digest_claim(self, subscription_id: int) -> AsyncIterator[bool]:
        """True while this process holds the subscription's digest; False: another does."""
        async with self._pool.acquire() as conn:
            key = (DIGEST_LOCK, subscription_id & 0x7FFFFFFF)
            held = bool(await conn.fetchval("SELECT pg_try_advisory_lock($1, $2)", *key))
            try:
                yield held
            finally:
                if held:
                    await conn.execute("SELECT pg_advisory_unlock($1, $2)", *key)


def _deliver(handler: Callable[[str], object]) -> Callable[..., None]:
    """asyncpg's listener signature (connection, pid, channel, payload) -> handler(payload)."""

    def callback(_conn: object, _pid: int, _channel: str, payload: str) -> None:
        try:
            handler(payload)
        except Exception:
            log.exception("a change handler failed")

    return callback

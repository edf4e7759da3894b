"""Several processes on one record: digest claims, and changes announced to the others.

Claims run on both stores (on SQLite within one process); what crosses processes (a
claim held by another pool, LISTEN/NOTIFY) on a real PostgreSQL, each "process" a store
with its own pool.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from bot.record.postgres.notify import DIGEST_LOCK, LISTENER_NAME
from bot.record.protocols import EDITORIAL_CHANNEL, ChangeFeed, RecordStore
from bot.record.records import StoreError
from tests.store_backends import Backend

CLAIM = "some-claim"


async def test_a_digest_claim_is_held_once_at_a_time(backend: Backend) -> None:
    async with backend.open() as store:
        async with store.digest_claim(1) as first:
            assert first
            async with store.digest_claim(1) as second, store.digest_claim(2) as other:
                assert not second and other
        async with store.digest_claim(1) as again:
            assert again


async def test_a_claim_holds_across_processes_and_ends_with_its_holder(
    postgres: Backend,
) -> None:
    async with postgres.open() as a, postgres.open() as b:
        async with a.digest_claim(7) as held:
            assert held
            async with b.digest_claim(7) as taken:
                assert not taken
        async with b.digest_claim(7) as taken:
            assert taken
        # A process killed while holding it: its connection ends, the server frees the lock.
        holder = await asyncpg.connect(postgres.target)
        assert await holder.fetchval("SELECT pg_try_advisory_lock($1, $2)", DIGEST_LOCK, 7)
        async with b.digest_claim(7) as taken:
            assert not taken
        holder.terminate()  # no unlock, no goodbye: as SIGKILL leaves it
        async with asyncio.timeout(10):
            while True:
                async with b.digest_claim(7) as taken:
                    if taken:
                        break
                await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def listening(store: Any, **kw: Any) -> AsyncIterator[tuple[asyncio.Queue[str], list[int]]]:
    """Run ``store.listen`` on the editorial channel: (the payloads heard, connections made)."""
    heard: asyncio.Queue[str] = asyncio.Queue()
    connects: list[int] = []
    task = asyncio.create_task(store.listen(
        {EDITORIAL_CHANNEL: heard.put_nowait}, on_connect=lambda: connects.append(1), **kw))
    try:
        async with asyncio.timeout(10):
            while not connects:
                await asyncio.sleep(0.01)
        yield heard, connects
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_rulings_and_notes_are_announced_to_other_processes_on_commit(
    postgres: Backend,
) -> None:
    async with postgres.open() as writer, postgres.open() as reader:
        assert isinstance(reader, ChangeFeed) and isinstance(reader, RecordStore)
        async with listening(reader) as (heard, _):
            await writer.set_status(CLAIM, "confirmed", reason="checked", by="Vera")
            assert await asyncio.wait_for(heard.get(), 5) == CLAIM
            await writer.add_note("other-claim", "see the wire", by="Vera")
            assert await asyncio.wait_for(heard.get(), 5) == "other-claim"
            with pytest.raises(StoreError):  # a refused write announces nothing
                await writer.set_status(CLAIM, "not-a-status", reason="x", by="Vera")
            await writer.announce(EDITORIAL_CHANNEL, "marker")
            assert await asyncio.wait_for(heard.get(), 5) == "marker"


async def test_a_lost_listening_connection_is_reopened(postgres: Backend) -> None:
    async with (postgres.open() as writer, postgres.open() as reader,
                listening(reader, first_retry=0.05) as (heard, connects)):
        killed = await postgres.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            f" WHERE application_name = '{LISTENER_NAME}'"
        )
        assert killed == 1
        async with asyncio.timeout(10):
            while len(connects) < 2:
                await asyncio.sleep(0.02)
        await writer.set_status(CLAIM, "in_review", reason="again", by="Vera")
        assert await asyncio.wait_for(heard.get(), 5) == CLAIM

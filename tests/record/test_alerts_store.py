"""Verdict-change alerts in the store (:class:`bot.record.protocols.AlertRecord`) on each
backend: one row per key and channel however often it is added, attempts counted, sent or
failed for good, kept across opening; and AlertSender giving up after its attempts."""

from __future__ import annotations

from bot.record.ingest_alerts import AlertSender
from bot.record.protocols import AlertRecord
from tests.store_backends import Backend


async def test_an_alert_is_kept_once_per_key_and_channel(backend: Backend) -> None:
    async with backend.open() as store:
        assert isinstance(store, AlertRecord)
        made = await store.add_alerts("d1:f1", "{}", [(9, 111), (None, 222)])
        assert [(a.guild_id, a.channel_id, a.state) for a in made] == [
            (9, 111, "pending"), (None, 222, "pending")]
        assert await store.add_alerts("d1:f1", "changed", [(9, 111), (9, 333)]) == [
            a for a in await store.pending_alerts() if a.channel_id == 333]
        first, second, third = await store.pending_alerts()
        assert (first.content, third.content) == ("{}", "changed")
        assert await store.alert_attempt(first.id) == 1
        assert await store.alert_attempt(first.id) == 2
        await store.note_alert_error(second.id, "HTTP 503")
        await store.finish_alert(first.id, message_id=42)
        await store.finish_alert(third.id, message_id=None, error="gave up")
    async with backend.open() as store:  # kept across opening
        [left] = await store.pending_alerts()
        assert left.id == second.id and left.last_error == "HTTP 503"


async def test_the_sender_gives_up_after_its_attempts(backend: Backend) -> None:
    async with backend.open() as store:
        await store.add_alerts("d2:f9", "{}", [(None, 5)])
        tries: list[str] = []

        async def send(channel_id: int, content: str, nonce: str) -> int:
            tries.append(nonce)
            raise ConnectionError("Discord is down")

        sender = AlertSender(store, send, render=lambda a: "alert", max_attempts=2)
        for _ in range(3):
            assert await sender.deliver() == []
        assert len(tries) == 2 and len(set(tries)) == 1  # the same nonce each time
        assert await store.pending_alerts() == []

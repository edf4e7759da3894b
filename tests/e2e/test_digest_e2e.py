"""The digest end to end: the real FactdeskBot and digest cog against the fake Discord.

An editor subscribes the desk channel with ``/digest subscribe``; an editor's ruling
comes in; the cog's clock is moved to the next 08:00 in Paris and its loop made to tick
fast; exactly one well-formed post appears in the subscribed channel, sent with the
run's nonce and ``enforce_nonce``, and more ticks add nothing. The bot runs in this
process (not the subprocess harness) because the test drives the cog's clock.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route
from yarl import URL

from bot.client import FactdeskBot
from bot.record.digest_runner import digest_nonce
from bot.record.schedule import Schedule
from bot.settings import Settings
from cogs.utils.limits import message_problems
from tests.digest_support import Clock
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.in_process import running

APPLICATION_COMMAND = 2
SUB_COMMAND, STRING, CHANNEL = 1, 3, 7


@asynccontextmanager
async def running_bot(
    fake: FakeDiscord, db: Path, digest: dict[str, Any]
) -> AsyncIterator[FactdeskBot]:

    settings = Settings.model_validate({
        "discord": {"guild_ids": [int(fake.guild_id)],
                    "editor_role_ids": [int(fake.editor_role_id)],
                    "api_base": fake.api_base, "gateway_url": fake.gateway_url},
        "digest": digest,
        "database": {"path": db},
    })
    async with running(fake, settings, ("cogs.digest",)) as bot:
        yield bot


@pytest.fixture(autouse=True)
def _endpoints(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Route, "BASE", fake.api_base)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", URL(fake.gateway_url))


@pytest.fixture
async def desk(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[FactdeskBot]:
    digest = {"time": "08:00", "timezone": "Europe/Paris"}
    async with running_bot(fake, tmp_path / "factdesk.sqlite3", digest) as bot:
        yield bot


async def digest_command(fake: FakeDiscord, sub: str, options: list[dict[str, Any]],
                         *, editor: bool) -> Any:
    """/digest <sub> with options; a channel option carries Discord's resolved data."""
    data: dict[str, Any] = {
        "id": fake._command_id("digest"), "name": "digest", "type": 1,
        "options": [{"name": sub, "type": SUB_COMMAND, "options": options}],
    }
    if any(o["type"] == CHANNEL for o in options):
        data["resolved"] = {"channels": {fake.channel_id: dict(
            fake.channel(), permissions="2248473465835073")}}
    roles = [fake.editor_role_id] if editor else []
    payload = fake._interaction(APPLICATION_COMMAND, data, user=None, roles=roles, message=None)
    sent = await fake._send_interaction(payload)
    await fake.wait_answered(sent)

    def final() -> bool:  # a deferred ("thinking", flag 128) answer is final once followed up
        message = fake.response_message(sent)
        return bool(sent.followups) or (message is not None and not message["flags"] & 128)

    await fake.wait_for(final)
    return sent


async def until(predicate: Any, timeout: float = 15.0) -> None:
    """Poll a condition the fake cannot signal (the cog's loop count)."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


def count_ticks(runner: Any) -> list[int]:
    """Count the runner's ticks (the loop's body), from now on."""
    ticks = [0]
    tick = runner.tick

    async def counted() -> Any:
        result = await tick()
        ticks[0] += 1
        return result

    runner.tick = counted
    return ticks


def reply_text(fake: FakeDiscord, sent: Any) -> str:
    message = fake.response_message(sent) or fake.messages[sent.followups[0]]
    return message.get("content") or ""


async def test_subscribe_let_the_time_pass_and_see_exactly_one_post(
    fake: FakeDiscord, desk: FactdeskBot
) -> None:
    cog = desk.get_cog("DigestCog")
    assert cog is not None
    channel_option = {"name": "channel", "type": CHANNEL, "value": fake.channel_id}

    refused = await digest_command(fake, "subscribe", [channel_option], editor=False)
    assert "Only editors" in reply_text(fake, refused)
    bad_zone = await digest_command(fake, "subscribe", [
        channel_option, {"name": "timezone", "type": STRING, "value": "Mars/Olympus"}
    ], editor=True)
    assert "not a known IANA time zone" in reply_text(fake, bad_zone)
    assert await desk.store.digest_subscriptions() == []

    sent = await digest_command(fake, "subscribe", [
        channel_option,
        {"name": "time", "type": STRING, "value": "08:00"},
        {"name": "timezone", "type": STRING, "value": "Europe/Paris"},
    ], editor=True)
    text = reply_text(fake, sent)
    assert "Digest subscribed" in text and "08:00 Europe/Paris" in text, text
    assert sent.callback["data"]["flags"] & 64  # ephemeral
    (sub,) = await desk.store.digest_subscriptions()
    assert sub.channel_id == int(fake.channel_id)

    # Something happens on the desk: an editor rules on a claim.
    claim_id = next(iter(desk.engine.claimset.claims))
    await desk.store.set_status(claim_id, "in_review", reason="checking the video",
                                by="Vera (desk)")

    # Anyone may preview it, privately: the same content, not posted in the channel.
    preview = await digest_command(fake, "preview", [], editor=False)
    # Deferred ("thinking"), then the first part replaces the loading message.
    await fake.wait_for(lambda: not fake.response_message(preview)["flags"] & 128)
    shown = fake.response_message(preview)
    assert shown["flags"] & 64 and "Vera (desk)" in shown["content"]
    assert message_problems({"content": shown["content"]}) == []
    assert fake.channel_messages == []

    # Let the time pass: the next 08:00 in Paris, with the loop ticking fast.
    schedule = Schedule.parse("08:00", "Europe/Paris")
    period, fire_at = schedule.next_fire(dt.datetime.now(dt.UTC))
    clock = Clock(fire_at - dt.timedelta(minutes=2))
    cog.clock = clock
    ticks = count_ticks(cog.runner)
    # Takes effect at once, even while the loop sleeps its first minute.
    cog.check_due.change_interval(seconds=0.05)
    await until(lambda: ticks[0] >= 3)
    assert fake.channel_messages == []  # not yet: two minutes early
    clock.advance(minutes=2, seconds=30)
    await fake.wait_for(lambda: fake.channel_messages, timeout=15)
    done = ticks[0]
    await until(lambda: ticks[0] >= done + 10)

    assert len(fake.channel_messages) == 1  # exactly one post, however many ticks
    post = fake.messages[fake.channel_messages[0]]
    assert post["channel_id"] == fake.channel_id
    assert message_problems({"content": post["content"]}) == []
    assert "Factdesk digest" in post["content"]
    assert "Vera (desk)" in post["content"] and f"`/claim query:{claim_id}`" in post["content"]
    assert f"{period.day} {period:%b %Y} (Europe/Paris)" in post["content"]
    (request,) = [r for r in fake.requests
                  if r.method == "POST" and r.template == "/channels/{channel_id}/messages"]
    assert request.body["nonce"] == digest_nonce(sub.id, period, 0)
    assert request.body["enforce_nonce"] is True
    assert request.body["allowed_mentions"]["parse"] == []
    (run,) = await desk.store.digest_runs(sub.id)
    assert run.state == "sent" and run.message_id == int(post["id"])


async def test_the_config_channel_is_subscribed_at_start_until_an_editor_unsubscribes(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    db = tmp_path / "factdesk.sqlite3"
    config = {"channel_id": int(fake.channel_id), "time": "18:30",
              "timezone": "America/New_York", "post_when_empty": False}
    async with running_bot(fake, db, config) as bot:
        store = bot.store
        async with asyncio.timeout(15):  # the loop's start-up subscribes it
            while not (subs := await store.digest_subscriptions()):
                await asyncio.sleep(0.02)
        (sub,) = subs
        assert (sub.channel_id, sub.time, sub.timezone, sub.post_when_empty, sub.created_by) == (
            int(fake.channel_id), "18:30", "America/New_York", False, "config.toml"
        )
        assert sub.guild_id == int(fake.guild_id)
        sent = await digest_command(fake, "unsubscribe", [], editor=True)
        assert "Digest unsubscribed" in reply_text(fake, sent)
    # Restarted with the same config: the editor's decision stands.
    async with running_bot(fake, db, config) as bot:
        cog = bot.get_cog("DigestCog")
        assert await cog.ensure_config_subscription() is not None
        assert await bot.store.digest_subscriptions() == []


async def test_subscribing_a_channel_the_bot_cannot_post_in_is_refused(
    fake: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = fake.channel
    deny_send = {"id": fake.application_id, "type": 1, "allow": "0", "deny": str(0x800)}
    monkeypatch.setattr(fake, "channel", lambda: dict(plain(), permission_overwrites=[deny_send]))
    async with running_bot(fake, tmp_path / "factdesk.sqlite3", {}) as bot:
        channel_option = {"name": "channel", "type": CHANNEL, "value": fake.channel_id}
        sent = await digest_command(fake, "subscribe", [channel_option], editor=True)
        assert "missing Send Messages" in reply_text(fake, sent)
        assert await bot.store.digest_subscriptions() == []

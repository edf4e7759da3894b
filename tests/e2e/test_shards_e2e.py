"""Two bot processes, one shard each, one PostgreSQL: the real ``python -m bot run``.

Process "first" runs the shard holding the fake's first guild, "other" the shard of a
second guild (shard_ids [0] and [1] of shard_count 2). A ruling made through one is
heard by the other at once (LISTEN/NOTIFY) and stays that server's own; a desk-wide
ruling (the CLI's) shows in both servers' answers at once; a reload through one reaches
the other;
a digest subscription is posted once across both, by the process whose shard holds its
guild, also when that process is SIGKILLed mid-send and restarted. Skipped, with the
reason, without a PostgreSQL server (``.ci/run`` starts one and requires it).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.e2e.bot_process import BotProcess, bot_command_missing
from tests.e2e.fake_discord import FakeDiscord, FakeGuild, SentInteraction, shard_of
from tests.store_backends import Backend, open_target

APPLICATION_COMMAND = 2
SUB_COMMAND, STRING, CHANNEL = 1, 3, 7
CLAIM = "ms-others-claim-foreign-interference"


async def command(fake: FakeDiscord, guild: FakeGuild, name: str, sub: str | None,
                  options: list[dict[str, Any]], *, editor: bool = True,
                  user: dict[str, Any] | None = None) -> SentInteraction:
    """``/name [sub] options`` in ``guild``, by an editor (``user``: default the fake's);
    waits for the final reply."""
    opts = [{"name": sub, "type": SUB_COMMAND, "options": options}] if sub else options
    data: dict[str, Any] = {"id": fake._command_id(name), "name": name, "type": 1,
                            "options": opts}
    if any(o["type"] == CHANNEL for o in options):
        data["resolved"] = {"channels": {guild.channel_id: dict(
            fake.channel_of(guild), permissions="2248473465835073")}}
    roles = [guild.editor_role_id] if editor else []
    sent = await fake._send_interaction(fake._interaction(
        APPLICATION_COMMAND, data, user=user, roles=roles, message=None, guild_id=guild.id))
    await fake.wait_answered(sent)
    await fake.wait_for(lambda: sent.followups or not (
        (fake.response_message(sent) or {}).get("flags", 0) & 128))
    return sent


def shown(fake: FakeDiscord, sent: SentInteraction) -> str:
    message = fake.messages[sent.followups[-1]] if sent.followups else (
        fake.response_message(sent) or {})
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f['name']} {f['value']}" for f in embed.get("fields") or []]
    return "\n".join(parts)


def string(name: str, value: str) -> dict[str, Any]:
    return {"name": name, "type": STRING, "value": value}


class Shards:
    """The two processes: ``by_guild[guild id]`` is the one whose shard holds the guild."""

    def __init__(self, fake: FakeDiscord, postgres: Backend, tmp_path: Path) -> None:
        self.fake, self.url, self.tmp_path = fake, postgres.target, tmp_path
        first_shard = shard_of(fake.guild_id, 2)
        self.first = fake.guilds[fake.guild_id]
        self.other = fake.add_guild(shard=1 - first_shard, shard_count=2)
        self.shard = {self.first.id: first_shard, self.other.id: 1 - first_shard}
        self.procs: dict[str, BotProcess] = {}

    def process(self, guild: FakeGuild) -> BotProcess:
        shard = self.shard[guild.id]
        return BotProcess(self.fake, self.tmp_path / f"shard{shard}", database_url=self.url,
                          shards=([shard], 2))

    async def start(self, *guilds: FakeGuild) -> None:
        for guild in guilds:
            self.procs[guild.id] = self.process(guild)
            await self.procs[guild.id].start()
        for guild in guilds:
            await self.procs[guild.id].wait_ready(timeout=60)

    async def stop(self, *guilds: FakeGuild) -> None:
        for guild in guilds:
            proc = self.procs[guild.id]
            if not proc.exited:
                assert await proc.stop() == 0, proc.tail()
            assert "Traceback" not in proc.output, proc.tail()


async def test_two_processes_one_shard_each_share_rulings_reloads_and_digests(
    fake: FakeDiscord, postgres: Backend, tmp_path: Path
) -> None:
    missing = bot_command_missing()
    assert missing is None, missing
    shards = Shards(fake, postgres, tmp_path)
    first, other = shards.first, shards.other
    await shards.start(first, other)
    try:
        a, b = shards.procs[first.id], shards.procs[other.id]
        assert sorted(tuple(i["shard"]) for i in fake.identifies) == [(0, 2), (1, 2)]
        await b.wait_log("listening for changes")

        # A ruling through the first process...
        sent = await command(fake, first, "status", "set", [
            string("claim", CLAIM), string("status", "false"),
            string("reason", "No Chinese statement is cited")])
        assert "false" in shown(fake, sent).lower(), shown(fake, sent)
        # ...is heard by the other at once (its fallback poll is 30 s away), and stays the
        # first server's record: the other server does not see it.
        notified = "editorial records changed in another process (notified)"
        await b.wait_log(notified, timeout=5)
        answer = await command(fake, other, "claim", None, [string("query", CLAIM)],
                               editor=False)
        assert "No Chinese statement is cited" not in shown(fake, answer), shown(fake, answer)
        # A desk-wide ruling (the CLI's, from a third process) reaches both at once.
        async with open_target(postgres.target) as cli:
            await cli.set_status(CLAIM, "misleading", reason="Desk-wide: no statement",
                                 by="cli")
        await b.wait_until(lambda: b.output.count(notified) >= 2, "a second notification")
        answer = await command(fake, other, "claim", None, [string("query", CLAIM)],
                               editor=False)
        assert "Desk-wide: no statement" in shown(fake, answer), shown(fake, answer)

        # A reload through the first reaches the other.
        sent = await command(fake, first, "factdesk", "reload", [])
        assert "asked to reload too" in shown(fake, sent), shown(fake, sent)
        await b.wait_log("reload asked by another process: Claim set reloaded", timeout=10)
        assert "reload asked by another process" not in a.output

        # A digest for the other guild's channel, subscribed through its process.
        sent = await command(fake, other, "digest", "subscribe", [
            {"name": "channel", "type": CHANNEL, "value": other.channel_id},
            string("time", "00:00"), string("timezone", "UTC")])
        assert "Digest subscribed" in shown(fake, sent), shown(fake, sent)
        # Subscribed two days ago: today's digest is due at the next tick (at start-up).
        await postgres.execute(
            "UPDATE digest_subscriptions SET active_from = now() - interval '2 days'")
        fake.hold_posts = asyncio.Event()  # the post is made, its answer held
    finally:
        await shards.stop(first, other)

    await shards.start(first, other)
    try:
        a, b = shards.procs[first.id], shards.procs[other.id]
        await fake.wait_for(lambda: fake.held_posts, timeout=30)
        assert await b.kill() == -9  # killed mid-send: Discord has the message, we do not
        fake.hold_posts.set()
        await a.wait_log("is posted by the process whose shard holds its guild")
        await shards.start(other)  # restarted: it resumes the run, and posts nothing new
        b = shards.procs[other.id]
        await b.wait_log("posted in 1 message(s)", timeout=30)
        posts = [m for m in fake.channel_messages
                 if fake.messages[m]["channel_id"] == other.channel_id]
        assert posts == fake.held_posts and len(posts) == 1
        assert fake.channel_messages == posts  # nothing in the first guild's channel
        runs = await postgres.fetchval(
            "SELECT json_agg(json_build_array(state, attempts, message_id::text))"
            " FROM digest_runs")
        assert runs == f'[["sent", 2, "{posts[0]}"]]', runs
        assert "already in the channel" in b.output
    finally:
        await shards.stop(first, other)

"""The fake Discord proved with an unmodified discord.py client.

A tiny ``commands.Bot`` with a few slash commands connects through ``Route.BASE`` and
``DiscordWebSocket.DEFAULT_GATEWAY`` pointed at the fake: READY, command sync,
interactions answered (message, defer + followup, edit, buttons, a modal and its
submit), an attachment option read from the fake's CDN, files uploaded with
each of them and to a channel, heartbeats, a drop and a resume, and the fake's checks
catching what Discord would refuse.
"""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands
from discord.ext import commands
from discord.gateway import DiscordWebSocket
from discord.http import Route
from yarl import URL

from tests.e2e.conftest import assert_clean
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.spec_check import embeds_total, message_problems, valid_command_name


class Pager(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=30)
        self.page = 1

    @discord.ui.button(label="Next", custom_id="pager:next")
    async def next_page(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        self.page += 1
        await interaction.response.edit_message(content=f"page {self.page}", view=self)


class NoteModal(discord.ui.Modal, title="A note"):
    text: discord.ui.TextInput[NoteModal] = discord.ui.TextInput(
        label="Note", style=discord.TextStyle.paragraph, max_length=4000)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        await interaction.response.send_message(f"noted: {self.text.value}")


PNG = b"\x89PNG\r\n\x1a\n" + b"not really a picture"


def _file(name: str, data: bytes = PNG) -> discord.File:
    return discord.File(io.BytesIO(data), filename=name)


def build_bot() -> commands.Bot:
    bot = commands.Bot(
        command_prefix=commands.when_mentioned,
        intents=discord.Intents.default(),
        allowed_mentions=discord.AllowedMentions.none(),
        guild_ready_timeout=0.05,
    )
    bot.ready_event = asyncio.Event()  # type: ignore[attr-defined]
    bot.late_delay = 0.0  # type: ignore[attr-defined]
    bot.refused_event = asyncio.Event()  # type: ignore[attr-defined]

    @bot.event
    async def on_ready() -> None:
        bot.ready_event.set()  # type: ignore[attr-defined]

    @bot.tree.command(description="Echo a word back")
    @app_commands.describe(word="what to echo")
    async def echo(interaction: discord.Interaction, word: str) -> None:
        await interaction.response.send_message(f"echo: {word}", ephemeral=True)

    @echo.autocomplete("word")
    async def echo_complete(_: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        words = ["alpha", "beta", "gamma"]
        return [app_commands.Choice(name=w, value=w) for w in words if current in w]

    @bot.tree.command(description="Defer, then answer in a followup")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await asyncio.sleep(bot.late_delay)  # type: ignore[attr-defined]
        await interaction.followup.send("done slowly")

    @bot.tree.command(description="Answer, then edit the answer")
    async def edit(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("first")
        await interaction.edit_original_response(content="second")

    @bot.tree.command(description="A page with a Next button")
    async def pages(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("page 1", view=Pager())

    @bot.tree.command(description="Answer with a file, shown in the embed")
    async def upload(interaction: discord.Interaction) -> None:
        embed = discord.Embed(title="chart").set_image(url="attachment://chart.png")
        await interaction.response.send_message(embed=embed, file=_file("chart.png"),
                                                view=Pager())

    @bot.tree.command(description="Defer, then send a file in the followup")
    async def upload_later(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        embed = discord.Embed(title="chart").set_image(url="attachment://chart.png")
        await interaction.followup.send(embed=embed, file=_file("chart.png"), ephemeral=True)
        await interaction.followup.send("and one more", file=_file("more.txt", b"text"))

    @bot.tree.command(description="Post to the channel")
    async def post(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message("posting", ephemeral=True)
        assert interaction.channel is not None
        await interaction.channel.send(text)  # type: ignore[union-attr]

    @bot.tree.command(description="Pings everyone: the fake must refuse it")
    async def ping_all(interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message(
                "@everyone", allowed_mentions=discord.AllowedMentions(everyone=True)
            )
        except discord.HTTPException as exc:
            bot.refused = exc  # type: ignore[attr-defined]
            bot.refused_event.set()  # type: ignore[attr-defined]

    @bot.tree.command(description="Read an attached file back")
    async def readback(interaction: discord.Interaction, file: discord.Attachment) -> None:
        data = await file.read()
        await interaction.response.send_message(
            f"{file.filename} ({file.content_type}): {len(data)} bytes, {data[:12].decode()}")

    @bot.tree.command(description="Open a modal and answer what was typed")
    async def note(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(NoteModal())

    @bot.tree.command(description="Answers too late")
    async def late(interaction: discord.Interaction) -> None:
        await asyncio.sleep(bot.late_delay)  # type: ignore[attr-defined]
        try:
            await interaction.response.send_message("too late")
        except discord.HTTPException as exc:
            bot.refused = exc  # type: ignore[attr-defined]
            bot.refused_event.set()  # type: ignore[attr-defined]

    return bot


@pytest.fixture
async def bot(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[commands.Bot]:
    monkeypatch.setattr(Route, "BASE", fake.api_base)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", URL(fake.gateway_url))
    client = build_bot()
    task = asyncio.create_task(client.start(fake.token))
    try:
        await asyncio.wait_for(client.ready_event.wait(), 15)  # type: ignore[attr-defined]
        yield client
    finally:
        await client.close()
        await asyncio.wait_for(task, 10)


async def test_ready_with_the_fake(fake: FakeDiscord, bot: commands.Bot) -> None:
    assert bot.user is not None and str(bot.user.id) == fake.application_id
    assert [str(g.id) for g in bot.guilds] == [fake.guild_id]
    guild = bot.guilds[0]
    assert guild.get_channel(int(fake.channel_id)) is not None
    assert len(fake.identifies) == 1
    assert fake.identifies[0]["intents"] == discord.Intents.default().value
    templates = [r.template for r in fake.requests]
    assert templates[:2] == ["/users/@me", "/oauth2/applications/@me"]
    assert all(r.status == 200 for r in fake.requests)


async def test_heartbeats_are_acked(monkeypatch: pytest.MonkeyPatch) -> None:
    async with FakeDiscord(heartbeat_interval_ms=100) as fake:
        monkeypatch.setattr(Route, "BASE", fake.api_base)
        monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", URL(fake.gateway_url))
        client = build_bot()
        task = asyncio.create_task(client.start(fake.token))
        try:
            await fake.wait_for(lambda: fake.heartbeats >= 4)
            # discord.py measures latency from our acks; an unacked beat would drop it
            assert client.latency < 1.0
            assert client.ws is not None and client.ws.open
            assert len(fake.identifies) == 1 and fake.resumes == []
        finally:
            await client.close()
            await asyncio.wait_for(task, 10)
        assert_clean(fake)


async def test_guild_sync_payload_is_checked(fake: FakeDiscord, bot: commands.Bot) -> None:
    guild = discord.Object(int(fake.guild_id))
    bot.tree.copy_global_to(guild=guild)
    synced = await bot.tree.sync(guild=guild)
    names = sorted(c["name"] for c in fake.guild_commands[fake.guild_id])
    assert names == sorted(c.name for c in synced) == sorted(
        ["echo", "slow", "edit", "pages", "upload", "upload_later", "post", "ping_all",
         "readback", "note", "late"]
    )
    put = [r for r in fake.requests if r.method == "PUT"]
    assert put[0].template == "/applications/{application_id}/guilds/{guild_id}/commands"
    echo = next(c for c in put[0].body if c["name"] == "echo")
    assert echo["options"][0]["autocomplete"] is True
    await bot.tree.sync()
    assert sorted(c["name"] for c in fake.global_commands) == names


async def test_slash_command_answered(fake: FakeDiscord, bot: commands.Bot) -> None:
    sent = await fake.slash("echo", [{"name": "word", "type": 3, "value": "hello"}])
    await fake.wait_answered(sent)
    assert sent.callback is not None and sent.callback["type"] == 4
    assert sent.callback["data"]["flags"] == 64  # ephemeral
    assert sent.callback["data"]["allowed_mentions"] == {"parse": []}
    message = fake.response_message(sent)
    assert message is not None and message["content"] == "echo: hello"
    assert sent.first_response_at is not None
    assert sent.first_response_at - sent.sent_at < 3.0


async def test_autocomplete(fake: FakeDiscord, bot: commands.Bot) -> None:
    sent = await fake.autocomplete("echo", "word", "mm")
    await fake.wait_answered(sent)
    assert sent.callback == {"type": 8, "data": {"choices": [{"name": "gamma",
                                                              "value": "gamma"}]}}


async def test_defer_then_followup(fake: FakeDiscord, bot: commands.Bot) -> None:
    sent = await fake.slash("slow")
    await fake.wait_for(lambda: (m := fake.response_message(sent)) and m["content"])
    assert sent.callback == {"type": 5, "data": {"flags": 0}} or sent.callback["type"] == 5
    assert fake.response_message(sent)["content"] == "done slowly"  # type: ignore[index]


async def test_edit_original(fake: FakeDiscord, bot: commands.Bot) -> None:
    sent = await fake.slash("edit")
    await fake.wait_for(lambda: any(r.method == "PATCH" for r in fake.requests))
    patch = next(r for r in fake.requests if r.method == "PATCH")
    assert patch.template == "/webhooks/{webhook_id}/{webhook_token}/messages/@original"
    assert fake.response_message(sent)["content"] == "second"  # type: ignore[index]


async def test_button_click_edits_the_message(fake: FakeDiscord, bot: commands.Bot) -> None:
    sent = await fake.slash("pages")
    await fake.wait_answered(sent)
    message_id = sent.original_message_id
    assert message_id is not None
    [button] = fake.buttons(message_id)
    assert button["label"] == "Next"
    click = await fake.click(message_id, button["custom_id"])
    await fake.wait_answered(click)
    assert click.callback is not None and click.callback["type"] == 7
    assert fake.messages[message_id]["content"] == "page 2"


async def test_an_attachment_option_is_read_from_the_cdn(
    fake: FakeDiscord, bot: commands.Bot
) -> None:
    file = fake.attachment("article.txt", b"Twelve held, police say.")
    sent = await fake.slash("readback", attachments={"file": file})
    await fake.wait_answered(sent)
    assert fake.response_message(sent)["content"] == (  # type: ignore[index]
        "article.txt (text/plain; charset=utf-8): 24 bytes, Twelve held,")


async def test_a_modal_is_opened_and_submitted(fake: FakeDiscord, bot: commands.Bot) -> None:
    sent = await fake.slash("note")
    await fake.wait_answered(sent)
    assert sent.callback is not None and sent.callback["type"] == 9
    [box] = fake.modal_inputs(sent)
    assert box["label"] == "Note" and box["style"] == 2 and box["max_length"] == 4000
    submitted = await fake.submit_modal(sent, {"Note": "line one\nline two"})
    await fake.wait_answered(submitted)
    assert submitted.type == 5
    assert fake.response_message(submitted)["content"] == (  # type: ignore[index]
        "noted: line one\nline two")


async def test_post_to_channel(fake: FakeDiscord, bot: commands.Bot) -> None:
    sent = await fake.slash("post", [{"name": "text", "type": 3, "value": "for the desk"}])
    await fake.wait_for(lambda: fake.channel_messages)
    message = fake.messages[fake.channel_messages[0]]
    assert message["content"] == "for the desk"
    assert message["allowed_mentions"] == {"parse": []}
    assert sent.answered


async def test_drop_then_resume_and_answer(fake: FakeDiscord, bot: commands.Bot) -> None:
    resumed = asyncio.Event()

    async def on_resumed() -> None:
        resumed.set()

    bot.add_listener(on_resumed)
    await fake.drop()
    # dispatched while the bot is away: replayed when it resumes
    missed = await fake.slash("echo", [{"name": "word", "type": 3, "value": "missed"}])
    await fake.wait_for(lambda: fake.resumes and fake.connected)
    await asyncio.wait_for(resumed.wait(), 10)
    await fake.wait_answered(missed)
    assert fake.response_message(missed)["content"] == "echo: missed"  # type: ignore[index]
    assert len(fake.identifies) == 1  # resumed, not re-identified
    sent = await fake.slash("echo", [{"name": "word", "type": 3, "value": "after"}])
    await fake.wait_answered(sent)
    assert fake.response_message(sent)["content"] == "echo: after"  # type: ignore[index]


async def test_drop_unresumable_reidentifies(fake: FakeDiscord, bot: commands.Bot) -> None:
    await fake.drop(resumable=False)
    await fake.wait_identified(2)
    await fake.wait_for(lambda: fake.connected)
    sent = await fake.slash("echo", [{"name": "word", "type": 3, "value": "again"}])
    await fake.wait_answered(sent)
    assert fake.response_message(sent)["content"] == "echo: again"  # type: ignore[index]


async def test_a_ping_is_refused_with_the_reason(fake: FakeDiscord, bot: commands.Bot) -> None:
    sent = await fake.slash("ping_all")
    await asyncio.wait_for(bot.refused_event.wait(), 10)  # type: ignore[attr-defined]
    refused: discord.HTTPException = bot.refused  # type: ignore[attr-defined]
    assert refused.status == 400
    assert "must be [] (nothing may ping)" in refused.text
    assert len(fake.violations) == 1 and "parse is ['everyone']" in fake.violations[0]
    assert sent.callback is None  # refused, so not answered
    fake.violations.clear()
    fake.interactions.clear()


async def test_a_late_first_response_is_a_violation(fake: FakeDiscord, bot: commands.Bot) -> None:
    fake.first_response_limit = 0.05
    bot.late_delay = 0.2  # type: ignore[attr-defined]
    await fake.slash("late")
    await asyncio.wait_for(bot.refused_event.wait(), 10)  # type: ignore[attr-defined]
    assert bot.refused.code == 10062  # type: ignore[attr-defined]  # Unknown interaction
    assert "first response after" in fake.violations[0]
    fake.violations.clear()
    fake.interactions.clear()


async def _raw(fake: FakeDiscord, method: str, path: str, body: Any) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session, session.request(
        method, fake.api_base + path, data=json.dumps(body),
        headers={"Authorization": f"Bot {fake.token}", "Content-Type": "application/json"},
    ) as response:
        return response.status, await response.json()


async def test_bad_command_payloads_get_400(fake: FakeDiscord) -> None:
    app = fake.application_id
    status, body = await _raw(fake, "PUT", f"/applications/{app}/commands",
                              [{"name": "Claim", "description": "upper case", "type": 1}])
    assert status == 400 and "'Claim' does not match" in body["message"]
    status, body = await _raw(fake, "PUT", f"/applications/{app}/commands",
                              [{"name": "claim", "description": "d" * 101, "type": 1}])
    assert status == 400 and "0/description: maxLength 100" in body["message"]
    status, body = await _raw(fake, "PUT", f"/applications/{app}/commands",
                              [{"name": "claim", "description": "ok", "type": 1}])
    assert status == 200 and body[0]["name"] == "claim"
    assert len(fake.violations) == 2
    fake.violations.clear()


async def test_unknown_route_is_a_violation(fake: FakeDiscord) -> None:
    status, _ = await _raw(fake, "POST", "/nowhere/at/all", {})
    assert status == 404
    assert fake.violations == ["POST /api/v10/nowhere/at/all: no such route in the Discord spec"]
    fake.violations.clear()


def test_house_rules_the_spec_cannot_say() -> None:
    assert valid_command_name("claim") and valid_command_name("année-2024")
    assert valid_command_name("l'état")
    for bad in ("Claim", "two words", "", "x" * 33, "emoji🙂"):
        assert not valid_command_name(bad), bad
    embeds = [{"title": "t" * 256, "description": "d" * 4096},
              {"fields": [{"name": "n" * 256, "value": "v" * 1024}] * 2}]
    assert embeds_total(embeds) == 256 + 4096 + 2 * (256 + 1024)
    total = embeds_total(embeds)
    assert message_problems({"embeds": embeds, "allowed_mentions": {"parse": []}}) == [
        f"embeds total {total} characters, over the 6000 limit"
    ]
    assert message_problems({"content": "x", "allowed_mentions": {"parse": []}}) == []
    assert message_problems({"content": "x"}) == [
        "allowed_mentions missing: every message must set parse [] (nothing may ping)"
    ]
    both = message_problems(
        {"allowed_mentions": {"parse": ["users"], "users": ["1"]}}, require_no_ping=False
    )
    assert both == ["allowed_mentions: parse contains 'users' and an explicit users list"]


async def test_close_is_seen_as_the_bots_own(fake: FakeDiscord, bot: commands.Bot) -> None:
    await bot.close()
    await fake.wait_for(lambda: not fake.connected)
    conn = fake.last_connection
    # a close frame, not a dead socket; discord.py sends 1000, or 4000 when its reader
    # sees the closing first (a race inside discord.py)
    assert conn is not None and conn.closed_by_client and conn.close_code in (1000, 4000)


async def test_channel_send_with_nonce_and_history(fake: FakeDiscord, bot: commands.Bot) -> None:
    channel = bot.get_channel(int(fake.channel_id))
    assert isinstance(channel, discord.TextChannel)
    first = await channel.send("digest part 1", nonce="fd1.20220110.0")
    again = await channel.send("digest part 1", nonce="fd1.20220110.0")  # a retry
    other = await channel.send("digest part 2", nonce="fd1.20220110.1")
    assert again.id == first.id != other.id
    assert len(fake.channel_messages) == 2
    newest_first = [m.content async for m in channel.history(limit=10)]
    assert newest_first == ["digest part 2", "digest part 1"]
    after = [m.id async for m in channel.history(after=discord.Object(first.id))]
    assert after == [other.id]
    fetched = await channel.fetch_message(other.id)
    assert fetched.content == "digest part 2"


async def test_a_file_with_the_response_is_an_attachment(fake: FakeDiscord,
                                                         bot: commands.Bot) -> None:
    sent = await fake.slash("upload")
    await fake.wait_answered(sent)
    callback = next(r for r in fake.requests if r.template and r.template.endswith("/callback"))
    assert callback.multipart and [f.field for f in callback.files] == ["files[0]"]
    assert callback.body["data"]["attachments"] == [{"id": 0, "filename": "chart.png"}]
    message = fake.response_message(sent)
    assert message is not None
    [attachment] = message["attachments"]
    assert attachment["filename"] == "chart.png" and attachment["size"] == len(PNG)
    assert message["embeds"][0]["image"]["url"] == attachment["url"]  # attachment:// resolved
    assert fake.attachment_bytes(message, "chart.png") == PNG
    async with aiohttp.ClientSession() as session, session.get(attachment["url"]) as got:
        assert got.status == 200 and await got.read() == PNG  # the CDN, on loopback
    # a page change that leaves attachments alone keeps the file
    click = await fake.click(message["id"], fake.buttons(message["id"])[0]["custom_id"])
    await fake.wait_answered(click)
    assert fake.messages[message["id"]]["attachments"] == [attachment]


async def test_files_with_followups(fake: FakeDiscord, bot: commands.Bot) -> None:
    sent = await fake.slash("upload_later")
    await fake.wait_for(lambda: len(sent.followups) == 1)
    first = fake.response_message(sent)  # the followup replaced "thinking..."
    assert first is not None and not first["flags"] & 128
    assert fake.attachment_bytes(first, "chart.png") == PNG
    second = fake.messages[sent.followups[0]]
    assert second["content"] == "and one more"
    assert fake.attachment_bytes(second, "more.txt") == b"text"


async def test_a_file_to_the_channel(fake: FakeDiscord, bot: commands.Bot) -> None:
    channel = bot.get_channel(int(fake.channel_id))
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("the digest", file=_file("digest.png"))
    assert [a.filename for a in sent.attachments] == ["digest.png"]
    assert await sent.attachments[0].read() == PNG  # discord.py fetches it from the fake
    edited = await sent.edit(content="the digest, edited", attachments=[])
    assert edited.attachments == []
    assert fake.messages[str(sent.id)]["attachments"] == []


async def _multipart(fake: FakeDiscord, path: str, payload: dict[str, Any],
                     files: dict[str, tuple[str, bytes]]) -> tuple[int, Any]:
    form = aiohttp.FormData(default_to_multipart=True)
    form.add_field("payload_json", json.dumps(payload))
    for field, (name, data) in files.items():
        form.add_field(field, data, filename=name, content_type="application/octet-stream")
    async with aiohttp.ClientSession() as session, session.post(
        fake.api_base + path, data=form, headers={"Authorization": f"Bot {fake.token}"},
    ) as response:
        return response.status, await response.json()


async def test_uploads_that_do_not_match_their_payload_get_400(fake: FakeDiscord) -> None:
    path = f"/channels/{fake.channel_id}/messages"
    ok = {"content": "x", "allowed_mentions": {"parse": []},
          "attachments": [{"id": 0, "filename": "a.png"}]}
    status, _ = await _multipart(fake, path, ok, {"files[0]": ("a.png", PNG)})
    assert status == 200 and fake.violations == []
    cases = {
        "has no attachments entry with id 0": (dict(ok, attachments=[]),
                                               {"files[0]": ("a.png", PNG)}),
        "names 'b.png', its file is 'a.png'": (
            dict(ok, attachments=[{"id": 0, "filename": "b.png"}]),
            {"files[0]": ("a.png", PNG)}),
        "neither an uploaded file nor an attachment": (ok, {}),
        "embed points at attachment://c.png": (
            dict(ok, embeds=[{"image": {"url": "attachment://c.png"}}]),
            {"files[0]": ("a.png", PNG)}),
        "form part 'upload' is neither payload_json nor files[n]": (
            ok, {"files[0]": ("a.png", PNG), "upload": ("a.png", PNG)}),
        "embeds/0/title: maxLength": (dict(ok, embeds=[{"title": "t" * 300}]),
                                      {"files[0]": ("a.png", PNG)}),
        "over the 10485760 limit": (ok, {"files[0]": ("a.png", b"x" * (10 * 1024 * 1024 + 1))}),
    }
    for reason, (payload, files) in cases.items():
        status, body = await _multipart(fake, path, payload, files)
        assert status == 400 and reason in body["message"], (reason, body)
    assert len(fake.violations) == len(cases)
    fake.violations.clear()


class ShardedEcho(commands.AutoShardedBot):
    """A plain AutoShardedBot answering /echo, telling which shard got each interaction."""

    def __init__(self, **shards: Any) -> None:
        super().__init__(command_prefix=commands.when_mentioned,
                         intents=discord.Intents.default(),
                         allowed_mentions=discord.AllowedMentions.none(),
                         guild_ready_timeout=0.05, **shards)
        self.ready_event = asyncio.Event()
        self.seen: list[tuple[int, int | None]] = []  # (guild id, shard id)

        @self.tree.command(description="Echo a word back")
        async def echo(interaction: discord.Interaction, word: str) -> None:
            guild = interaction.guild
            self.seen.append((interaction.guild_id or 0, guild.shard_id if guild else None))
            await interaction.response.send_message(f"echo: {word}", ephemeral=True)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None  # discord.py waits 5 s between IDENTIFYs; one fake needs no pause

    async def on_ready(self) -> None:
        self.ready_event.set()


async def _started(client: ShardedEcho, fake: FakeDiscord) -> asyncio.Task[None]:
    task = asyncio.create_task(client.start(fake.token))
    await asyncio.wait_for(client.ready_event.wait(), 15)
    return task


async def test_shards_get_their_guilds_and_their_guilds_interactions(
    fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Route, "BASE", fake.api_base)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", URL(fake.gateway_url))
    guild0 = fake.guilds[fake.guild_id]
    # The first guild is on shard 0 or 1 of 2; the other one is on the other shard.
    first = (int(fake.guild_id) >> 22) % 2
    other = fake.add_guild(shard=1 - first, shard_count=2)
    assert (int(other.id) >> 22) % 2 == 1 - first
    word = {"name": "word", "type": 3, "value": "hi"}

    # One process, every shard: AutoShardedBot asks GET /gateway/bot how many.
    fake.recommended_shards = 2
    auto = ShardedEcho()
    task = await _started(auto, fake)
    try:
        assert auto.shard_count == 2 and sorted(auto.shards) == [0, 1]
        assert {g.id: g.shard_id for g in auto.guilds} == {
            int(guild0.id): first, int(other.id): 1 - first}
        assert [(r.method, r.template) for r in fake.requests if "gateway" in r.path] == [
            ("GET", "/gateway/bot")]
        assert sorted(tuple(i["shard"]) for i in fake.identifies) == [(0, 2), (1, 2)]
        sent = await fake.slash("echo", [word], guild_id=other.id)
        await fake.wait_answered(sent)
        assert auto.seen == [(int(other.id), 1 - first)]
    finally:
        await auto.close()
        await asyncio.wait_for(task, 10)

    # Two processes, one shard each (shard_ids, shard_count): no GET /gateway/bot.
    before = len(fake.requests)
    zero, one = ShardedEcho(shard_ids=[0], shard_count=2), ShardedEcho(shard_ids=[1], shard_count=2)
    tasks = [await _started(zero, fake), await _started(one, fake)]
    try:
        by_shard = {0: zero, 1: one}
        assert [g.id for g in by_shard[first].guilds] == [int(guild0.id)]
        assert [g.id for g in by_shard[1 - first].guilds] == [int(other.id)]
        assert by_shard[first].get_channel(int(guild0.channel_id)) is not None
        assert by_shard[first].get_channel(int(other.channel_id)) is None
        for guild in (guild0, other):
            await fake.wait_answered(await fake.slash("echo", [word], guild_id=guild.id))
        assert by_shard[first].seen == [(int(guild0.id), first)]
        assert by_shard[1 - first].seen == [(int(other.id), 1 - first)]
        assert not any(r.template == "/gateway/bot" for r in fake.requests[before:])
    finally:
        for client in (zero, one):
            await client.close()
        await asyncio.wait_for(asyncio.gather(*tasks), 10)


async def test_an_identify_with_a_bad_shard_is_closed_4010(fake: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as session, session.ws_connect(fake.gateway_url) as ws:
        hello = await ws.receive_json()
        assert hello["op"] == 10
        await ws.send_json({"op": 2, "d": {"token": fake.token, "intents": 1,
                                           "properties": {}, "shard": [2, 2]}})
        closed = await ws.receive()
        assert closed.type == aiohttp.WSMsgType.CLOSE and closed.data == 4010
    assert fake.violations == ["gateway: IDENTIFY with an invalid shard [2, 2]"]
    fake.violations.clear()

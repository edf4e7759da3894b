"""/ingest with two stories and two servers: the real FactdeskBot against the fake Discord.

The bot follows two stories, alpha (the first) and beta, each its own copy of the seed set.
An editor of the first server ingests an article into beta (``story:beta``) and accepts it
all: beta answers the new figures and claims, alpha does not and its files are untouched;
the draft and its decisions are beta's record in that server (not alpha's, not the other
server's); the verdict-change alert goes to that server's digest channel subscribed to beta
and not to the other server's (an alert names the editor and the draft: one server never
sees another's record; tests/desk/test_ingest_scopes.py keeps another story's channel
out). A channel whose story is beta
(``/story use scope:channel``) ingests into beta without the option.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.client import FactdeskBot
from bot.desk import Desk
from bot.paths import SEEDS_DIR
from bot.record.records import Scope
from bot.settings import DatabaseSettings, Settings
from tests.e2e.fake_discord import FakeDiscord, FakeGuild
from tests.e2e.in_process import point_at, running
from tests.e2e.test_ingest_e2e import (
    STRING,
    files_of,
    last_message,
    press,
    settled,
    text_of,
)
from tests.e2e.test_shards_e2e import command, string
from tests.e2e.test_stories_e2e import shown
from tests.story_sets import needs_practice_pack, practice_article

EXTENSIONS = ("cogs.claims", "cogs.figures", "cogs.ingest", "cogs.stories")
pytestmark = needs_practice_pack


@pytest.fixture(autouse=True)
def _endpoints(fake: FakeDiscord, monkeypatch: pytest.MonkeyPatch) -> None:
    point_at(fake, monkeypatch)


@asynccontextmanager
async def two_story_bot(
    fake: FakeDiscord, tmp_path: Path, other: FakeGuild
) -> AsyncIterator[FactdeskBot]:
    """The bot on stories alpha and beta (two copies of the seed set in ``tmp_path``), its
    SQLite database there, both servers enabled with their editor roles."""
    stories = []
    for name in ("alpha", "beta"):
        shutil.copytree(SEEDS_DIR, tmp_path / name)
        stories.append({"id": name, "title": f"The {name} desk", "path": tmp_path / name})
    first = fake.guilds[fake.guild_id]
    settings = Settings.model_validate({
        "claimset": {"path": tmp_path / "alpha"},
        "stories": stories,
        "discord": {"guild_ids": [int(first.id), int(other.id)],
                    "editor_role_ids": [int(first.editor_role_id), int(other.editor_role_id)],
                    "api_base": fake.api_base, "gateway_url": fake.gateway_url},
    })
    settings = settings.model_copy(
        update={"database": DatabaseSettings(path=tmp_path / "factdesk.sqlite3")})
    async with running(fake, settings, EXTENSIONS, guild=int(first.id)) as bot:
        yield bot


async def desk_of(bot: FactdeskBot, story: str, guild: str) -> Desk:
    assert bot.desk is not None and bot.desk.stories is not None
    return await bot.desk.stories.desk(story, int(guild))


async def scope_drafts(bot: FactdeskBot, story: str, guild: str) -> list[Any]:
    """The drafts a (story, server) record holds, read through the store's scoped view."""
    assert bot.desk is not None and bot.desk.store is not None
    return await bot.desk.store.scoped(Scope(story, int(guild))).drafts()  # type: ignore[attr-defined]


async def ask(fake: FakeDiscord, command_name: str, option: str, value: str,
              story: str | None = None) -> str:
    options = [{"name": option, "type": STRING, "value": value}]
    if story is not None:
        options.append({"name": "story", "type": STRING, "value": story})
    reader = fake.new_user("reader")  # a new reader each time: no command cooldown
    sent = await settled(fake, await fake.slash(command_name, options, user=reader))
    return text_of(last_message(fake, sent))


def alerts_in(fake: FakeDiscord, guild: FakeGuild) -> list[dict[str, Any]]:
    return [fake.messages[i] for i in fake.channel_messages
            if fake.messages[i].get("channel_id") == guild.channel_id
            and "Verdict change" in (fake.messages[i].get("content") or "")]


async def test_ingest_into_the_story_asked_for_answers_and_alerts_only_there(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    first = fake.guilds[fake.guild_id]
    other = fake.add_guild()  # before the bot starts: it is in both servers
    async with two_story_bot(fake, tmp_path, other) as bot:
        # Both servers' channels take beta's digest.
        for story, guild in (("beta", first), ("beta", other)):
            desk = await desk_of(bot, story, guild.id)
            assert desk.subscriptions is not None
            sub = await desk.subscriptions.subscribe(
                channel_id=int(guild.channel_id), guild_id=int(guild.id), time="08:00",
                timezone="UTC", post_when_empty=False, by="Ed")
            assert sub.story == story
        alpha_files = files_of(tmp_path / "alpha")
        beta_files = files_of(tmp_path / "beta")
        for story in ("alpha", "beta"):
            assert "225" not in await ask(fake, "figures", "topic", "deaths", story)

        # An editor of the first server (whose story is alpha) ingests into beta.
        file = fake.attachment("108_update.txt", practice_article("108"))
        sent = await settled(fake, await fake.slash("ingest", [
            {"name": "published", "type": STRING, "value": "2022-01-16"},
            {"name": "story", "type": STRING, "value": "beta"}],
            roles=[fake.editor_role_id], attachments={"file": file}))
        review = last_message(fake, sent)
        assert "Review of 108" in text_of(review), text_of(review)
        (draft,) = await scope_drafts(bot, "beta", first.id)
        assert draft.name == "108_update.txt"
        assert await scope_drafts(bot, "alpha", first.id) == []
        assert await scope_drafts(bot, "beta", other.id) == []  # another server's record
        assert await scope_drafts(bot, "beta", "0") == []  # not the desk-wide one either

        await press(fake, review, "Accept all")
        done = text_of(fake.messages[review["id"]])
        assert "reloaded" in done and "Verdict changed on" in done, done
        assert "Alerting 1 digest channel(s)" in done, done

        # Beta answers the accepted figures and claims; alpha, asked for or by default, not.
        assert "225" in await ask(fake, "figures", "topic", "deaths", "beta")
        found = await ask(fake, "claim", "query", "Shalabayev", "beta")
        assert "Shalabayev" in found and "No claim matches" not in found, found
        for story in ("alpha", None):
            assert "225" not in await ask(fake, "figures", "topic", "deaths", story)
            missing = await ask(fake, "claim", "query", "Shalabayev", story)
            assert "No claim matches" in missing and "story alpha" in missing, missing
        # Only beta's files were written.
        assert files_of(tmp_path / "alpha") == alpha_files
        assert files_of(tmp_path / "beta") != beta_files
        beta = await desk_of(bot, "beta", first.id)
        alpha = await desk_of(bot, "alpha", first.id)
        assert len(alpha.claimset.sources) < len(beta.claimset.sources)

        # The decisions are in beta's record of the first server, by the editor who pressed.
        store = beta.store
        assert store is not None
        decisions = await store.draft_decisions(draft.id)  # type: ignore[attr-defined]
        assert decisions and {d.decision for d in decisions} == {"accepted"}
        assert {d.by for d in decisions} == {"reporter"}
        assert "source" in {d.item for d in decisions}

        # One alert, in this server's channel subscribed to beta; none in the other server's.
        await fake.wait_for(lambda: alerts_in(fake, first))
        assert len(alerts_in(fake, first)) == 1
        assert "Verdict change — Deaths" in alerts_in(fake, first)[0]["content"]
        assert alerts_in(fake, other) == []
        assert await store.pending_alerts() == []  # type: ignore[attr-defined]


async def test_a_channel_on_another_story_ingests_into_it_without_the_option(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    first = fake.guilds[fake.guild_id]
    other = fake.add_guild()
    async with two_story_bot(fake, tmp_path, other) as bot:
        sent = await command(fake, first, "story", "use", [
            string("story", "beta"), string("scope", "channel")])
        assert "This channel now answers from beta" in shown(fake, sent)
        alpha_files = files_of(tmp_path / "alpha")
        beta_files = files_of(tmp_path / "beta")

        file = fake.attachment("108_update.txt", practice_article("108"))
        sent = await settled(fake, await fake.slash("ingest", [
            {"name": "published", "type": STRING, "value": "2022-01-16"}],
            roles=[fake.editor_role_id], attachments={"file": file}))
        review = last_message(fake, sent)
        assert "Review of 108" in text_of(review), text_of(review)
        assert len(await scope_drafts(bot, "beta", first.id)) == 1
        assert await scope_drafts(bot, "alpha", first.id) == []

        await press(fake, review, "Accept all")
        assert "reloaded" in text_of(fake.messages[review["id"]])
        assert files_of(tmp_path / "alpha") == alpha_files
        assert files_of(tmp_path / "beta") != beta_files
        # The channel answers from beta (its story); alpha, asked for, has none of it.
        assert "225" in await ask(fake, "figures", "topic", "deaths")
        assert "225" not in await ask(fake, "figures", "topic", "deaths", "alpha")


async def test_accepts_of_one_story_from_two_servers_run_one_at_a_time(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    first = fake.guilds[fake.guild_id]
    other = fake.add_guild()
    async with two_story_bot(fake, tmp_path, other) as bot:
        reviews = {}
        for guild, n, day in ((first, "108", "2022-01-16"), (other, "103", "2022-01-11")):
            sent = await settled(fake, await fake.slash("ingest", [
                {"name": "published", "type": STRING, "value": day},
                {"name": "story", "type": STRING, "value": "beta"}],
                roles=[guild.editor_role_id], guild_id=guild.id,
                attachments={"file": fake.attachment(f"{n}.txt", practice_article(n))}))
            reviews[guild.id] = last_message(fake, sent)["id"]
        assert len(await scope_drafts(bot, "beta", first.id)) == 1
        assert len(await scope_drafts(bot, "beta", other.id)) == 1
        cog = bot.get_cog("IngestCog")
        beta_files = files_of(tmp_path / "beta")
        review = reviews[other.id]
        before = fake.messages[review].get("edited_timestamp")
        # An accept of beta under way in the first server (the test holds its lock): the
        # other server's accept into beta answers at once, then waits for it.
        async with cog._writing["beta"]:  # type: ignore[union-attr]
            click = await fake.click_label(review, "Accept all",
                                           roles=[other.editor_role_id])
            await fake.wait_answered(click)
            await asyncio.sleep(1.0)
            assert files_of(tmp_path / "beta") == beta_files
            assert fake.messages[review].get("edited_timestamp") == before
        await fake.wait_for(lambda: fake.messages[review].get("edited_timestamp") != before)
        assert "reloaded" in text_of(fake.messages[review])
        assert files_of(tmp_path / "beta") != beta_files

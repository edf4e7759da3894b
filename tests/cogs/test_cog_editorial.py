"""The editors' Discord commands, through the real command tree with real Interactions.

Discord's REST API is the recording stub on loopback (tests/discord_harness.py); the
database is a real SQLite file; the claim set is a real copy of seeds/.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import discord
import pytest
import yarl

from bot.client import FactdeskBot
from bot.desk import open_desk
from bot.paths import SEEDS_DIR
from bot.record.store import Store
from bot.settings import ClaimsetSettings, DatabaseSettings, DiscordSettings, Settings
from tests.discord_harness import (
    EPHEMERAL,
    GUILD_ID,
    OTHER_USER_ID,
    USER_ID,
    Recorded,
    RecordingDiscord,
    _user,
    button_id,
    command_payload,
    component_payload,
    invoke,
)

EDITOR_ROLE = 780000000000000001
OTHER_ROLE = 780000000000000002
CLAIM = "ms-others-claim-foreign-interference"


@asynccontextmanager
async def desk_bot(
    tmp_path: Path, extensions: tuple[str, ...] = ("cogs.factdesk", "cogs.editorial")
) -> AsyncIterator[tuple[FactdeskBot, RecordingDiscord, Path]]:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    async with RecordingDiscord() as rest:
        settings = Settings(
            claimset=ClaimsetSettings(path=seeds),
            database=DatabaseSettings(path=tmp_path / "desk.sqlite3"),
            discord=DiscordSettings(api_base=rest.api_base, editor_role_ids=[EDITOR_ROLE]),
        )
        discord.http.Route.BASE = rest.api_base
        try:
            # The bot's own desk is the server's (the store as these tests read it).
            async with open_desk(settings, guild=GUILD_ID) as desk, FactdeskBot(
                settings, desk, extensions=extensions,
            ) as bot:
                await bot.login("test-token")
                assert not bot.failed_extensions, bot.failed_extensions
                yield bot, rest, seeds
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway or yarl.URL(
                "wss://gateway.discord.gg"
            )


def reply(rest: RecordingDiscord, n: int = -1) -> tuple[str, bool]:
    """The text of the n-th reply (callback or followup) and whether it was ephemeral."""
    replies = [r for r in rest.requests if r.path.endswith("/callback")
               or (r.method == "POST" and r.path.startswith("/webhooks"))]
    body = replies[n].body
    data = body.get("data", body) if "type" in body else body
    embeds = data.get("embeds") or []
    text = (data.get("content") or "") + "".join(
        (e.get("title") or "") + "\n" + (e.get("description") or "") for e in embeds
    )
    return text, bool((data.get("flags") or 0) & EPHEMERAL)


def status_set(claim: str, status: str, reason: str, **kw: Any) -> dict[str, Any]:
    return command_payload("status", {"claim": claim, "status": status, "reason": reason},
                           sub="set", **kw)


async def test_non_editor_is_refused_ephemerally_and_nothing_is_written(tmp_path: Path):
    async with desk_bot(tmp_path) as (bot, rest, _):
        for payload in (
            status_set(CLAIM, "false", "no basis", roles=[OTHER_ROLE]),
            status_set(CLAIM, "false", "no basis"),
            command_payload("note", {"claim": CLAIM, "text": "hello"}, sub="add"),
            command_payload("factdesk", {}, sub="feedback", roles=[OTHER_ROLE]),
            command_payload("factdesk", {}, sub="reload", roles=[OTHER_ROLE]),
        ):
            await invoke(bot, payload)
            text, ephemeral = reply(rest)
            assert ephemeral and "Only editors" in text, text
        assert await bot.store.editorial_claim_ids() == set()
        assert bot.desk.editorial.cache.ruling(CLAIM) is None


async def test_editor_sets_status_and_everyone_sees_history(tmp_path: Path):
    async with desk_bot(tmp_path) as (bot, rest, _):
        await invoke(bot, status_set(CLAIM, "false", "No Chinese statement", roles=[EDITOR_ROLE]))
        text, _ = reply(rest)
        assert "False" in text and "No Chinese statement" in text
        answer = bot.engine.claim_by_id(CLAIM)
        assert answer.status == "false" and answer.derived_status == "single_source"
        assert answer.editorial.by == "user1" and answer.editorial.reason == "No Chinese statement"
        [change] = await bot.store.history(CLAIM)
        assert change.by_id == USER_ID

        await invoke(bot, command_payload("status", {"claim": CLAIM}, sub="history",
                                          user_id=OTHER_USER_ID))
        text, _ = reply(rest)
        assert "derived → ❌ False" in text and "Single source" in text

        await invoke(bot, status_set(CLAIM, "clear", "back", roles=[EDITOR_ROLE]))
        assert bot.engine.editorial.ruling(CLAIM) is None


async def test_unknown_claim_gets_a_suggestion_and_writes_nothing(tmp_path: Path):
    async with desk_bot(tmp_path) as (bot, rest, _):
        await invoke(bot, status_set(CLAIM[:-2], "false", "x", roles=[EDITOR_ROLE]))
        text, ephemeral = reply(rest)
        assert ephemeral and f"did you mean {CLAIM}" in text
        assert await bot.store.editorial_claim_ids() == set()


async def test_two_editors_at_once_both_land_in_order(tmp_path: Path):
    async with desk_bot(tmp_path) as (bot, _rest, _):
        await asyncio.gather(
            *(invoke(bot, status_set(CLAIM, s, f"ann {n}", roles=[EDITOR_ROLE]))
              for n, s in enumerate(["in_review", "false", "misleading"])),
            *(invoke(bot, status_set(CLAIM, s, f"bob {n}", roles=[EDITOR_ROLE],
                                     user_id=OTHER_USER_ID))
              for n, s in enumerate(["confirmed", "clear", "false"])),
        )
        history = await bot.store.history(CLAIM)
        assert len(history) == 6
        previous = None
        for change in history:
            assert change.previous == previous
            previous = None if change.status == "clear" else change.status
        for who in (USER_ID, OTHER_USER_ID):
            mine = [int(c.reason.split()[1]) for c in history if c.by_id == who]
            assert mine == [0, 1, 2]


async def test_notes_and_wrong_match_feedback(tmp_path: Path):
    async with desk_bot(tmp_path) as (bot, rest, _):
        await invoke(bot, command_payload("note", {"claim": CLAIM, "text": "See AFP"},
                                          sub="add", roles=[EDITOR_ROLE]))
        [note] = bot.engine.evidence(CLAIM).notes
        assert note.startswith("See AFP — user1, ")
        user = discord.User(state=bot._connection, data=_user(USER_ID, "reader"))
        await bot.record_feedback(user, "jihadists", "claim", CLAIM)
        await invoke(bot, command_payload("factdesk", {"limit": 5}, sub="feedback",
                                          roles=[EDITOR_ROLE]))
        text, ephemeral = reply(rest)
        assert ephemeral and "jihadists" in text and CLAIM in text and "reader" in text


async def test_reload_keeps_the_last_good_set_and_reports_the_problem(tmp_path: Path):
    async with desk_bot(tmp_path) as (bot, rest, seeds):
        first = bot.engine
        claims = seeds / "claims" / "evidence.toml"
        good = claims.read_text(encoding="utf-8")
        claims.write_text(good.replace('status = "single_source"', 'status = "sure"', 1),
                          encoding="utf-8")
        await invoke(bot, command_payload("factdesk", {}, sub="reload", roles=[EDITOR_ROLE]))
        text, ephemeral = reply(rest)
        assert ephemeral and "NOT reloaded" in text
        assert "evidence.toml:" in text and CLAIM in text and "evidence.status" in text
        assert bot.engine is first and CLAIM in bot.engine.claimset.claims
        assert bot.engine.claim_by_id(CLAIM).derived_status == "single_source"  # still answers

        start = good.index("[[claims]]")
        claims.write_text(good[:start] + good[good.index("[[claims]]", start + 1):],
                          encoding="utf-8")
        await bot.store.set_status(CLAIM, "false", reason="r", by="ann")
        await invoke(bot, command_payload("factdesk", {}, sub="reload", roles=[EDITOR_ROLE]))
        text, _ = reply(rest)
        assert "reloaded" in text and "Orphans" in text and CLAIM in text
        assert bot.engine is not first and CLAIM not in bot.engine.claimset.claims
        assert bot.engine.editorial is first.editorial
        assert len(await bot.store.history(CLAIM)) == 1  # kept, never deleted


@pytest.mark.parametrize("roles", [[EDITOR_ROLE], [OTHER_ROLE, EDITOR_ROLE]])
def test_is_editor_reads_roles_from_the_payload(roles):
    from cogs.utils.checks import is_editor

    class Member:  # a Member of an uncached guild: role ids only, no Role objects
        _roles = roles

    assert is_editor(Member(), [EDITOR_ROLE])  # type: ignore[arg-type]
    assert not is_editor(Member(), [])  # type: ignore[arg-type]


async def test_the_bot_picks_up_rulings_written_by_the_cli(tmp_path: Path):
    async with desk_bot(tmp_path) as (bot, _rest, _):
        cog = bot.get_cog("Editorial")
        assert cog.watch_store.is_running()
        async with Store.open(bot.store.path) as cli:
            await cli.set_status(CLAIM, "confirmed", reason="from the CLI", by="ann")
        assert await cog.sync_editorial()
        assert bot.engine.claim_by_id(CLAIM).status == "confirmed"


async def test_a_long_history_shows_the_newest_changes_within_one_embed(tmp_path: Path):
    async with desk_bot(tmp_path) as (bot, rest, _):
        for n in range(40):
            await bot.store.set_status(CLAIM, ("false", "confirmed")[n % 2],
                                       reason=f"change {n} " + "x" * 400, by="ann")
        await invoke(bot, command_payload("status", {"claim": CLAIM}, sub="history"))
        text, _ = reply(rest)
        assert "change 39 " in text and "change 0 " not in text
        assert "earlier changes" in text
        body = rest.callbacks()[-1].body["data"]["embeds"][0]
        assert len(body["description"]) <= 4096


HOSTILE = "[a](https://u.example)[b](https://v.example) @everyone <@&1> **x**\n# head"


def _named(payload: dict[str, Any], name: str) -> dict[str, Any]:
    payload["member"]["user"]["global_name"] = name
    return payload


async def test_user_text_in_editorial_replies_renders_as_written(tmp_path: Path):
    """Reasons, notes, display names and wrong-match queries reach Discord escaped."""
    from cogs.utils.escape import unescape
    from tests.cogs.test_escape import live

    async with desk_bot(tmp_path) as (bot, rest, _):
        await invoke(bot, _named(status_set(CLAIM, "false", HOSTILE, roles=[EDITOR_ROLE]),
                                 HOSTILE))
        await invoke(bot, _named(command_payload("note", {"claim": CLAIM, "text": HOSTILE},
                                                 sub="add", roles=[EDITOR_ROLE]), HOSTILE))
        await invoke(bot, command_payload("status", {"claim": CLAIM}, sub="history"))
        user = discord.User(state=bot._connection, data=_user(USER_ID, HOSTILE))
        await bot.record_feedback(user, HOSTILE, "claim", CLAIM)
        await invoke(bot, command_payload("factdesk", {"limit": 5}, sub="feedback",
                                          roles=[EDITOR_ROLE]))
        replies = [r.body.get("data") or {} for r in rest.callbacks()] + [
            r.body for r in rest.calls("POST", "/webhooks")]
        embeds = {e["title"].split(":")[0]: e for data in replies for e in data.get("embeds") or []}
        assert set(embeds) == {"Status", "Note", "History", "Wrong-match feedback"}, replies
        for embed in embeds.values():
            assert live(embed["description"]) == [], embed["description"]
            shown = unescape(embed["description"])
            # names and reasons are kept on one line; the feedback list quotes the query
            assert any(form in shown for form in (
                HOSTILE, " ".join(HOSTILE.split()), repr(HOSTILE))), shown


async def _first_response_while_locked(
    bot: FactdeskBot, rest: RecordingDiscord, db: Path, deliver: Any
) -> Recorded:
    """Deliver an interaction while another connection holds the write lock; the bot's
    first request must come at once (a deferral), the write only after the lock goes."""
    lock = sqlite3.connect(db, isolation_level=None)
    try:
        lock.execute("BEGIN IMMEDIATE")  # a writer elsewhere: the store's write waits
        before = len(rest.requests)
        task = asyncio.ensure_future(deliver())
        await rest.wait_for(before + 1, timeout=1.5)  # well within Discord's 3 s
        first = rest.requests[before]
        # nothing else yet: the write is still waiting for the lock (released below, well
        # inside the store's 2 s wait, so the write then succeeds)
        assert len(rest.requests) == before + 1, rest.requests[before:]
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    await asyncio.wait_for(task, 15)
    await rest.wait_for(before + 2, timeout=15)  # then the answer, as a followup
    return first


async def test_writes_are_deferred_before_waiting_on_a_locked_database(tmp_path: Path):
    db = tmp_path / "desk.sqlite3"
    extensions = ("cogs.factdesk", "cogs.editorial", "cogs.claims")
    async with desk_bot(tmp_path, extensions) as (bot, rest, _):
        for payload in (
            status_set(CLAIM, "false", "locked out", roles=[EDITOR_ROLE]),
            command_payload("note", {"claim": CLAIM, "text": "locked"}, sub="add",
                            roles=[EDITOR_ROLE]),
        ):
            first = await _first_response_while_locked(
                bot, rest, db, lambda payload=payload: invoke(bot, payload))
            assert first.path.endswith("/callback") and first.body["type"] == 5, first
            text, _ = reply(rest)
            assert "locked" in text
        assert (await bot.store.history(CLAIM))[-1].reason == "locked out"

        await invoke(bot, command_payload("claim", {"query": "jihadists"}))
        message = rest.messages[max(rest.messages)]
        click = component_payload(message, button_id(message, "Wrong match"))

        async def deliver() -> None:
            bot._connection.parse_interaction_create(click)
            await rest.wait_for(len(rest.requests) + 1, timeout=15)

        first = await _first_response_while_locked(bot, rest, db, deliver)
        assert first.path.endswith("/callback") and first.body["type"] == 5, first
        await asyncio.sleep(0.2)
        assert len(await bot.store.latest_feedback(5)) == 1

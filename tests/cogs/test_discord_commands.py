"""Slash commands through the real command tree, real discord.Interaction objects.

The bot is the real FactdeskBot with the real engine on the seed claim set; the only
fake is Discord's REST API (tests/discord_harness.py, an aiohttp stub on 127.0.0.1),
which records what the bot sends. Expected answers come from the engine itself, so
these tests check the Discord side: what is sent, to whom, and how it looks.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from bot.claimset.loader import load_claimset
from cogs.utils import views
from cogs.utils.limits import choices_problems, message_problems
from cogs.utils.tree import UNEXPECTED
from tests.discord_harness import (
    EPHEMERAL,
    GUILD_ID,
    OTHER_USER_ID,
    OWNER_ID,
    USER_ID,
    button_id,
    button_labels,
    command_payload,
    component_payload,
    invoke,
    press,
    running_bot,
)


@pytest.fixture(scope="module")
def claimset():
    return load_claimset()


@pytest.fixture
def engine(claimset):
    from bot.answers.engine import Factdesk

    return Factdesk(claimset)


def only_callback(rest, since: int = 0) -> dict[str, Any]:
    callbacks = [r for r in rest.requests[since:] if r.path.endswith("/callback")]
    assert len(callbacks) == 1, [r.path for r in rest.requests[since:]]
    body = callbacks[0].body
    assert message_problems(body) == [], message_problems(body)
    return body


def only_answer(rest, since: int = 0) -> dict[str, Any]:
    """The one answer, as ``only_callback`` gives it: a callback's message, or, after a
    deferred callback (type 5), the followup that replaced it (its files under "files")."""
    body = only_callback(rest, since)
    if body["type"] != 5:
        return body
    followups = [r for r in rest.requests[since:]
                 if r.method == "POST" and r.path.startswith("/webhooks/")]
    assert len(followups) == 1, [r.path for r in rest.requests[since:]]
    assert message_problems(followups[0].body) == [], message_problems(followups[0].body)
    flags = (body.get("data") or {}).get("flags") or 0
    return {"type": 5, "flags": flags, "data": followups[0].body,
            "files": followups[0].files}


def footers(body: dict[str, Any]) -> list[str]:
    return [e["footer"]["text"] for e in body["data"].get("embeds", [])]


async def test_claim_answers_ephemeral_with_buttons(engine) -> None:
    expected = engine.claim("Tokayev", limit=3)
    assert expected.results, "the seed claim set has claims about Tokayev"
    async with running_bot(engine) as (bot, rest):
        await invoke(bot, command_payload("claim", {"query": "Tokayev", "limit": 3}))
        body = only_callback(rest)
    assert body["type"] == 4
    data = body["data"]
    assert data["flags"] & EPHEMERAL
    assert data["allowed_mentions"] == {"parse": []}
    first = expected.results[0]
    assert footers(body)[0].startswith(f"claim {first.id} ")
    assert engine.claimset.version in footers(body)[0]
    labels = button_labels(data)
    assert "Post to channel" in labels and "Wrong match" in labels
    if len(expected.results) > 1:
        assert labels["◀ Previous"] is True and labels["Next ▶"] is False


async def test_public_answers_when_ephemeral_is_off(engine) -> None:
    async with running_bot(engine, ephemeral=False) as (bot, rest):
        await invoke(bot, command_payload("figures", {"topic": "deaths"}))
        body = only_answer(rest)
    assert not body["flags"] & EPHEMERAL
    assert not (body["data"].get("flags") or 0) & EPHEMERAL
    assert "Post to channel" not in button_labels(body["data"])
    expected = engine.figures("deaths")
    assert footers(body)[0].startswith(f"topic {expected.topic} · claim set")


@pytest.mark.parametrize(
    ("command", "option"),
    [("claim", "query"), ("evidence", "claim"), ("figures", "topic"), ("speaker", "speaker"),
     ("source", "source")],
)
async def test_every_command_answers_and_fits(engine, command: str, option: str) -> None:
    query = {"claim": "jihadists", "evidence": "jihadists", "figures": "killed",
             "speaker": "Antonov", "source": "Reuters"}[command]
    async with running_bot(engine) as (bot, rest):
        await invoke(bot, command_payload(command, {option: query}))
        body = only_answer(rest)
    # /figures defers (its chart takes time to draw), then answers in a followup
    assert body["type"] == (5 if command == "figures" else 4) and body["data"]["embeds"]


async def test_blank_query_gets_a_short_ephemeral_error(engine) -> None:
    async with running_bot(engine) as (bot, rest):
        await invoke(bot, command_payload("claim", {"query": "   "}))
        body = only_callback(rest)
    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["content"] == "The claim to look up is empty: type a few words."
    assert "embeds" not in body["data"] or not body["data"]["embeds"]


async def test_direct_messages_are_refused(engine) -> None:
    async with running_bot(engine) as (bot, rest):
        await invoke(bot, command_payload("claim", {"query": "Tokayev"}, guild=False))
        body = only_callback(rest)
    assert body["data"]["content"].startswith("This command works only in a server")


async def test_servers_outside_guild_ids_are_refused(engine) -> None:
    async with running_bot(engine, guild_ids=[GUILD_ID + 1]) as (bot, rest):
        await invoke(bot, command_payload("figures", {"topic": "deaths"}))
        body = only_callback(rest)
    assert body["data"]["content"] == "Factdesk is not enabled on this server."


async def test_cooldown_after_five_quick_commands(engine) -> None:
    async with running_bot(engine) as (bot, rest):
        for _ in range(6):
            await invoke(bot, command_payload("figures", {"topic": "deaths"}))
        bodies = [r.body for r in rest.callbacks()]
        answers = [r.body for r in rest.calls("POST", "/webhooks/")]
    assert len(bodies) == 6
    assert [b["type"] for b in bodies[:5]] == [5] * 5 and len(answers) == 5
    assert all(a.get("embeds") for a in answers)
    assert bodies[5]["data"]["content"].startswith("Slow down: try again in")


async def test_unexpected_errors_are_logged_and_answered(
    engine, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("index on fire")

    engine.figures = broken  # type: ignore[method-assign]
    async with running_bot(engine) as (bot, rest):
        with caplog.at_level(logging.ERROR):
            await invoke(bot, command_payload("figures", {"topic": "deaths"}))
        body = only_callback(rest)
    assert body["data"]["content"] == UNEXPECTED
    assert "unexpected error in /figures" in caplog.text
    assert "index on fire" in caplog.text


async def test_about_shows_version_counts_uptime(engine) -> None:
    async with running_bot(engine) as (bot, rest):
        await invoke(bot, command_payload("factdesk", {}, sub="about"))
        body = only_callback(rest)
    fields = {f["name"]: f["value"] for f in body["data"]["embeds"][0]["fields"]}
    assert fields["Claim set version"] == engine.claimset.version
    assert fields["Claims"] == str(len(engine.claimset.claims))
    assert fields["Figures"] == str(len(engine.claimset.figures))
    assert "Uptime" in fields


async def test_sync_is_owner_only(engine) -> None:
    async with running_bot(engine) as (bot, rest):
        await invoke(bot, command_payload("factdesk", {}, sub="sync"))
        refused = only_callback(rest)
        assert refused["data"]["content"] == "Only the bot's owners can use this command."
        assert not rest.calls("PUT")

        start = len(rest.requests)
        await invoke(bot, command_payload("factdesk", {}, sub="sync", user_id=OWNER_ID))
        puts = rest.calls("PUT")
        assert [p.path for p in puts] == [
            f"/applications/{bot.application_id}/guilds/{GUILD_ID}/commands"
        ]
        assert {c["name"] for c in puts[0].body} >= {"claim", "figures", "factdesk"}
        defer = only_callback(rest, start)
        assert defer["type"] == 5 and defer["data"]["flags"] & EPHEMERAL
        followup = rest.calls("POST", "/webhooks/")[-1].body
        assert followup["content"].startswith(f"Synced {len(puts[0].body)} commands to this server")


async def test_settings_owner_ids_may_sync_globally(engine) -> None:
    async with running_bot(engine, owner_ids=[USER_ID]) as (bot, rest):
        await invoke(bot, command_payload("factdesk", {"scope": "global"}, sub="sync"))
    assert [p.path for p in rest.calls("PUT")] == [f"/applications/{bot.application_id}/commands"]


# -- the answer view --------------------------------------------------------------------


async def test_pages_turn_only_for_the_asker(engine) -> None:
    name = max(
        engine.claimset.speakers.values(),
        key=lambda s: sum(c.speaker == s.id for c in engine.claimset.claims.values()),
    ).name
    expected = engine.speaker(name)
    assert len(expected.results) > 1
    async with running_bot(engine) as (bot, rest):
        await invoke(bot, command_payload("speaker", {"speaker": name}))
        sent = rest.callbacks()[0]
        message = rest.messages[max(rest.messages)]
        assert footers(sent.body)[0].startswith(f"claim {expected.results[0].id} ")

        # Someone else presses Next: refused, the page does not move.
        other = await press(
            bot, rest, component_payload(message, button_id(message, "Next ▶"),
                                         user_id=OTHER_USER_ID)
        )
        assert other[0].body["type"] == 4
        assert other[0].body["data"]["content"] == views.NOT_YOURS
        assert other[0].body["data"]["flags"] & EPHEMERAL

        turned = await press(bot, rest, component_payload(message, button_id(message, "Next ▶")))
        update = turned[0].body
        assert update["type"] == 7  # UPDATE_MESSAGE: the same message, next page
        assert message_problems(update) == []
        assert update["data"]["embeds"][0]["footer"]["text"].startswith(
            f"claim {expected.results[1].id} "
        )
        labels = button_labels(update["data"])
        assert labels["◀ Previous"] is False
        assert "2/" in next(label for label in labels if "/" in label and label[0].isdigit())


async def test_post_to_channel_posts_the_same_answer_publicly(engine) -> None:
    async with running_bot(engine) as (bot, rest):
        await invoke(bot, command_payload("evidence", {"claim": "jihadists"}))
        private = rest.callbacks()[0].body["data"]
        message = rest.messages[max(rest.messages)]
        sent = await press(
            bot, rest, component_payload(message, button_id(message, "Post to channel")), expect=2
        )
        post = sent[0].body
        assert post["type"] == 4
        assert not (post["data"].get("flags") or 0) & EPHEMERAL
        assert post["data"]["embeds"] == private["embeds"]
        assert post["data"]["content"].endswith(f"Shared by <@{USER_ID}>")
        assert post["data"]["allowed_mentions"] == {"parse": []}
        assert "Post to channel" not in button_labels(post["data"])
        edit = [r for r in sent if r.method == "PATCH"]
        assert edit and button_labels(edit[0].body)["Post to channel"] is True


async def test_wrong_match_records_the_query_and_the_match(engine) -> None:
    recorded: list[tuple[Any, ...]] = []
    async with running_bot(engine) as (bot, rest):

        async def record(user: Any, query: str, command: str, match_id: str | None,
                         **where: Any) -> None:
            recorded.append((user.id, query, command, match_id))
            assert where["desk"] is bot.desk  # the answer's story and server

        bot.record_feedback = record  # type: ignore[method-assign]
        await invoke(bot, command_payload("claim", {"query": "Tokayev"}))
        first = engine.claim("Tokayev").results[0].id
        message = rest.messages[max(rest.messages)]
        sent = await press(
            bot, rest, component_payload(message, button_id(message, "Wrong match")), expect=2
        )
    assert recorded == [(USER_ID, "Tokayev", "claim", first)]
    # deferred (ephemeral, thinking) before the write, then thanked in a followup
    assert sent[0].body["type"] == 5 and sent[0].body["data"]["flags"] & EPHEMERAL
    assert sent[1].path.startswith("/webhooks") and sent[1].body["content"] == views.FEEDBACK_THANKS


async def test_buttons_are_disabled_on_timeout(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "VIEW_TIMEOUT", 0.2)
    async with running_bot(engine) as (bot, rest):
        await invoke(bot, command_payload("claim", {"query": "Tokayev", "limit": 5}))
        await rest.wait_for(len(rest.requests) + 1, timeout=5)
        await asyncio.sleep(0.1)
        edits = rest.calls("PATCH", "/messages/@original")
    assert edits, "the answer is edited when the view times out"
    labels = button_labels(edits[-1].body)
    assert labels and all(labels.values())


# -- autocomplete -----------------------------------------------------------------------


async def autocomplete(bot, rest, command: str, option: str, text: str) -> list[dict]:
    start = len(rest.requests)
    await invoke(bot, command_payload(command, {option: text}, focused=option))
    body = only_callback(rest, start)
    assert body["type"] == 8
    choices = body["data"]["choices"]
    assert choices_problems(choices) == []
    return choices


@pytest.mark.parametrize(
    ("command", "option"),
    [("claim", "query"), ("evidence", "claim"), ("figures", "topic"), ("speaker", "speaker"),
     ("source", "source")],
)
async def test_autocomplete_defaults_on_empty_input(engine, command: str, option: str) -> None:
    async with running_bot(engine) as (bot, rest):
        choices = await autocomplete(bot, rest, command, option, "")
    assert 1 <= len(choices) <= 25


async def test_autocomplete_forgives_typos(engine, claimset) -> None:
    tokayev = next(s for s in claimset.speakers.values() if "Tokayev" in " ".join(s.spellings))
    deaths = claimset.topics["deaths"]
    async with running_bot(engine) as (bot, rest):
        speakers = await autocomplete(bot, rest, "speaker", "speaker", "Tokaev")
        topics = await autocomplete(bot, rest, "figures", "topic", "deahts")
        long = await autocomplete(bot, rest, "claim", "query", "x" * 300)
    assert any(tokayev.id == c["value"] or tokayev.name in c["name"] for c in speakers[:3])
    assert any(deaths.id == c["value"] or deaths.label in c["name"] for c in topics[:3])
    assert len(long) <= 25


async def test_figures_attach_their_chart_shown_in_the_first_page(engine) -> None:
    async with running_bot(engine) as (bot, rest):
        await invoke(bot, command_payload("figures", {"topic": "deaths"}))
        body = only_answer(rest)
    assert body["type"] == 5 and body["flags"] & EPHEMERAL  # deferred, privately
    name, png = body["files"]["files[0]"]
    assert name == "figures-deaths.png" and png.startswith(b"\x89PNG\r\n\x1a\n")
    assert body["data"]["attachments"] == [{"id": 0, "filename": name}]
    assert body["data"]["embeds"][0]["image"]["url"] == f"attachment://{name}"


async def test_figures_answer_without_a_chart_when_drawing_fails(
    engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.rendering import chart

    def broken(*args: Any) -> bytes:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(chart, "render_png", broken)
    async with running_bot(engine) as (bot, rest):
        with caplog.at_level(logging.ERROR):
            await invoke(bot, command_payload("figures", {"topic": "deaths"}))
        body = only_answer(rest)
    assert body["files"] == {} and body["data"]["embeds"]
    assert "image" not in body["data"]["embeds"][0]
    assert "could not draw the chart" in caplog.text


async def test_a_topic_without_figures_is_answered_at_once_without_a_chart(engine) -> None:
    async with running_bot(engine) as (bot, rest):
        await invoke(bot, command_payload("figures", {"topic": "evidence"}))
        body = only_answer(rest)
    assert body["type"] == 4 and "files" not in body

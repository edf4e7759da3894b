"""The real bot (``python -m bot run``) against the fake Discord: what a desk does with it.

One bot process serves this module (start-up is paid once); the tests that stop or
disturb the bot (SIGTERM, a gateway drop) start their own. Every request the bot
sends is checked by the fake (spec schema and house rules); a test fails when one of
its requests broke a rule or one of its interactions went unanswered in 3 s.

Expected answers come from the core itself (``bot.answers.engine.Factdesk`` over the seed
claim set), so the test checks that Discord users see what the engine says: the right
claim, its sources (files and outlets), the figures' numbers.
"""

from __future__ import annotations

import asyncio
import functools
import io
import json
import logging
import re
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.e2e.bot_process import REPO, BotProcess, bot_command_missing
from tests.e2e.conftest import assert_clean
from tests.e2e.fake_discord import EPHEMERAL, FakeDiscord, SentInteraction

log = logging.getLogger(__name__)

pytestmark = pytest.mark.asyncio(loop_scope="module")

STRING, SUBCOMMAND = 3, 1


@dataclass
class Desk:
    fake: FakeDiscord
    bot: BotProcess
    engine: Any  # bot.engine.Factdesk over the same claim set


def _skip_unless_runnable() -> None:
    reason = bot_command_missing()
    if reason:
        pytest.skip(f"the bot is not runnable yet: {reason}")


def _engine() -> Any:
    from bot.answers.engine import Factdesk
    from bot.claimset.loader import load_claimset

    return Factdesk(load_claimset(REPO / "seeds" / "claimset.toml"))


async def _start(fake: FakeDiscord, workdir: Path) -> BotProcess:
    bot = BotProcess(fake, workdir)
    await bot.start()
    await bot.wait_ready()
    return bot


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def desk(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Desk]:
    _skip_unless_runnable()
    async with FakeDiscord() as fake:
        bot = await _start(fake, tmp_path_factory.mktemp("desk"))
        try:
            yield Desk(fake, bot, _engine())
        finally:
            code = await bot.stop()
        assert code == 0, bot.tail()
        assert "Traceback" not in bot.output, bot.output  # nothing logged as unexpected
        # every request the bot sent in this module: a spec route, checked, accepted
        refused = [(r.method, r.path, r.status, r.violations) for r in fake.requests
                   if r.template is None or r.status >= 400 or r.violations]
        assert fake.requests and not refused, refused
        log.info("the bot sent %d requests, answered %d interactions: all passed the checks",
                 len(fake.requests), len(fake.interactions))


@pytest.fixture
def checked(desk: Desk, request: pytest.FixtureRequest) -> Iterator[Desk]:
    """The shared desk, used by a reporter of this test's own (the bot's per-user
    cooldown stays per test); at teardown, this test's requests all passed the checks."""
    since, old = len(desk.fake.violations), frozenset(desk.fake.interactions)
    desk.fake.user = desk.fake.new_user(request.node.name.removeprefix("test_"))
    yield desk
    assert_clean(desk.fake, since, old=old)


# -- helpers ----------------------------------------------------------------------------


@functools.cache
def dry_run_payload() -> list[dict[str, Any]]:
    """What ``python -m bot sync --dry-run --json`` says it would send."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sync", "--dry-run", "--json"], cwd=REPO,
        capture_output=True, text=True, timeout=60, check=True,
    )
    data = json.loads(result.stdout)
    return data if isinstance(data, list) else data.get("commands", data)


def text_of(message: dict[str, Any]) -> str:
    """Everything a user reads in a message: content and every part of every embed."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [(embed.get("author") or {}).get("name") or ""]
        for f in embed.get("fields") or []:
            parts += [f.get("name") or "", f.get("value") or ""]
        parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(parts)


def plain(text: str) -> str:
    """Markdown escapes undone, for comparing with the claim set's own words."""
    return re.sub(r"\\(.)", r"\1", text)


def first_string_option(fake: FakeDiscord, command: str) -> str:
    definition = fake.command(command) or next(
        (c for c in dry_run_payload() if c["name"] == command), None
    )
    assert definition is not None, f"/{command} is not a command of the bot"
    for option in definition.get("options") or []:
        if option.get("type") == STRING:
            return option["name"]
    raise AssertionError(f"/{command} has no string option: {definition}")


BIND_VIEW_S = 0.5


async def ask(desk: Desk, command: str, query: str) -> tuple[SentInteraction, dict[str, Any]]:
    """Run ``/command <first string option>:query``; the answer message once it is final."""
    fake = desk.fake
    option = first_string_option(fake, command)
    sent = await fake.slash(command, [{"name": option, "type": STRING, "value": query}])
    await fake.wait_answered(sent)

    def final() -> dict[str, Any] | None:
        message = fake.response_message(sent)
        # a deferred answer is final once the loading flag (128) is gone
        if message is not None and not message.get("flags", 0) & 128:
            return message
        return None

    message = await fake.wait_for(final)
    if message.get("components"):
        # The fake marks a deferred answer final when its followup arrives, before the HTTP
        # response reaches discord.py, which only then binds the view to the message: a
        # click in between is a component no view owns (ignored). No user is that fast; a
        # test that clicks at once is (answers kept by the engine and the chart cache
        # made the window reachable).
        await asyncio.sleep(BIND_VIEW_S)
    return sent, message


async def all_pages(desk: Desk, sent: SentInteraction) -> list[str]:
    """The text of every page of an answer, stepping with the Next button."""
    fake = desk.fake
    message = fake.response_message(sent)
    assert message is not None
    pages = [text_of(message)]
    while any(b.get("label", "").startswith("Next") and not b.get("disabled")
              for b in fake.buttons(message["id"])):
        label = next(b["label"] for b in fake.buttons(message["id"])
                     if b.get("label", "").startswith("Next"))
        click = await fake.click_label(message["id"], label)
        await fake.wait_answered(click)
        pages.append(text_of(fake.messages[message["id"]]))
        assert len(pages) < 30, "paging does not end"
    return pages


# -- scenarios -----------------------------------------------------------------------


async def test_start_up_to_ready(checked: Desk) -> None:
    fake, bot = checked.fake, checked.bot
    assert [r.template for r in fake.requests[:2]] == ["/users/@me", "/oauth2/applications/@me"]
    assert len(fake.identifies) == 1
    identify = fake.identifies[0]
    assert identify["token"] == fake.token
    assert identify["intents"] & (1 << 0), "the guilds intent is needed"
    assert fake.connected and fake.heartbeats >= 1
    # never sync the command tree on boot
    assert not any(r.method == "PUT" for r in fake.requests)
    assert "Traceback" not in bot.output


async def test_sync_is_for_owners_only(checked: Desk) -> None:
    fake = checked.fake
    puts_before = sum(r.method == "PUT" for r in fake.requests)
    sent = await fake.slash("factdesk", [{"name": "sync", "type": SUBCOMMAND, "options": []}],
                            user=fake.user, guild_command=False)
    await fake.wait_answered(sent)
    assert sent.callback is not None and sent.callback["type"] == 4
    assert sent.callback["data"]["flags"] & EPHEMERAL
    assert "owner" in sent.callback["data"]["content"].lower()
    assert sum(r.method == "PUT" for r in fake.requests) == puts_before


async def test_sync_to_the_guild(checked: Desk) -> None:
    fake = checked.fake
    expected = dry_run_payload()
    sent = await fake.slash(
        "factdesk", [{"name": "sync", "type": SUBCOMMAND, "options": []}],
        user=fake.owner, guild_command=False,
    )
    await fake.wait_answered(sent)
    await fake.wait_for(lambda: fake.guild_commands.get(fake.guild_id))
    put = [r for r in fake.requests if r.method == "PUT"]
    assert put[-1].template == "/applications/{application_id}/guilds/{guild_id}/commands"
    assert put[-1].status == 200
    names = {c["name"] for c in fake.guild_commands[fake.guild_id]}
    assert {"claim", "figures", "evidence", "speaker", "source", "factdesk"} <= names
    assert names == {c["name"] for c in expected}


async def test_claim_answers_with_its_sources(checked: Desk) -> None:
    engine = checked.engine
    query = "jihadists"
    expected = engine.claim(query)
    assert expected.results, "the seed story has claims about jihadists"
    _, message = await ask(checked, "claim", query)
    assert message["flags"] & EPHEMERAL
    text = plain(text_of(message))
    top = expected.results[0]
    assert top.statement in text
    assert top.speaker.name in text
    assert top.sources
    for ref in top.sources:  # every report of it: the outlet (else the file), the words
        assert (ref.outlet or ref.file) in text, ref
        assert ref.source_id in text, ref
        assert " ".join(ref.quote.split())[:40] in " ".join(text.split()), ref.quote
async def test_figures_show_every_number(checked: Desk) -> None:
    engine = checked.engine
    expected = engine.figures("death toll")
    assert expected.topic == "deaths" and expected.figures
    sent, _ = await ask(checked, "figures", "death toll")
    text = plain("\n".join(await all_pages(checked, sent)))
    assert expected.topic_label in text
    for row in expected.figures:  # every figure, in its own words and its number
        assert row.words in text, row.id
        if row.low is not None:
            assert f"{row.low:g}" in text, row.id
    assert "167" in text  # 000: "At least 167 people are believed to have been killed"
    assert expected.envelope is not None and f"{expected.envelope.low:g}" in text


async def test_figures_attach_their_chart(checked: Desk) -> None:
    from PIL import Image  # installed with matplotlib

    fake = checked.fake
    sent, message = await ask(checked, "figures", "death toll")
    assert sent.callback is not None and sent.callback["type"] == 5  # deferred: it draws
    [attachment] = message["attachments"]
    assert attachment["filename"] == "figures-deaths.png"
    assert message["embeds"][0]["image"]["url"] == attachment["url"]  # page 1 shows it
    png = fake.attachment_bytes(message, "figures-deaths.png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) == attachment["size"]
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        width, height = image.size
        image.load()  # decodes every pixel: a truncated file fails here
    assert width == 800 and 400 <= height <= 1400, image.size
    # the scopes are drawn: one panel per group, so the picture grows with them
    groups = checked.engine.figures("death toll").groups
    assert len(groups) == 3 and height > 3 * 150
    # shared to the channel, the chart goes with it
    click = await fake.click_label(message["id"], "Post to channel")
    await fake.wait_answered(click)
    posted = fake.response_message(click)
    assert posted is not None
    assert fake.attachment_bytes(posted, "figures-deaths.png") == png


async def test_figures_lead_with_the_verdict_and_relate_pairs_on_request(checked: Desk) -> None:
    fake = checked.fake
    expected = checked.engine.figures("death toll")
    sent, message = await ask(checked, "figures", "death toll")
    first = plain(text_of(message))
    assert 1 <= len(expected.verdict) <= 8
    for line in expected.verdict:  # the whole verdict on the first page
        assert line[:150] in " ".join(first.split()), line
    assert "How the figures relate" not in plain("\n".join(await all_pages(checked, sent)))
    click = await fake.click_label(message["id"], "Relations")
    await fake.wait_answered(click)

    def relations() -> dict[str, Any] | None:  # the deferred reply, once it is final
        shown = fake.response_message(click)
        return shown if shown is not None and not shown.get("flags", 0) & 128 else None

    reply = await fake.wait_for(relations)
    assert reply["flags"] & EPHEMERAL  # shown only to whoever asked
    assert "How the figures relate" in plain(text_of(reply))


async def test_evidence(checked: Desk) -> None:
    engine = checked.engine
    expected = engine.evidence("jihadists")
    assert expected.claim is not None and expected.origins
    _, message = await ask(checked, "evidence", "jihadists")
    text = plain(text_of(message))
    assert expected.claim.statement in text
    assert len(expected.origins) == expected.independent_origins
    for origin in expected.origins:  # relays collapsed: the independent origins, named
        assert origin in text, origin
    for ref in expected.basis:
        assert " ".join(ref.quote.split())[:40] in " ".join(text.split()), ref.quote


async def test_speaker(checked: Desk) -> None:
    engine = checked.engine
    expected = engine.speaker("Antonov")
    assert expected.results
    sent, _ = await ask(checked, "speaker", "Antonov")
    text = plain("\n".join(await all_pages(checked, sent)))
    assert "Anatoly Antonov" in text
    for claim in expected.results:
        assert claim.statement[:50] in text, claim.id


async def test_source(checked: Desk) -> None:
    engine = checked.engine
    expected = engine.source("Morning Star")
    assert expected.results
    sent, _ = await ask(checked, "source", "Morning Star")
    text = plain("\n".join(await all_pages(checked, sent)))
    assert "Morning Star" in text
    assert expected.results[0].statement[:50] in text


async def test_autocomplete_with_a_typo(checked: Desk) -> None:
    fake, engine = checked.fake, checked.engine
    option = first_string_option(fake, "speaker")
    sent = await fake.autocomplete("speaker", option, "antnov")
    await fake.wait_answered(sent)
    assert sent.callback is not None and sent.callback["type"] == 8
    choices = sent.callback["data"]["choices"]
    assert 1 <= len(choices) <= 25
    assert any("Antonov" in c["name"] for c in choices)
    from cogs.utils.transformers import choices as safe_choices

    expected = safe_choices(engine.complete("speaker", "antnov", 25))
    assert [c["value"] for c in choices] == [c.value for c in expected]


async def test_paging_with_the_buttons(checked: Desk) -> None:
    fake = checked.fake
    _, message = await ask(checked, "speaker", "Antonov")
    labels = [b["label"] for b in fake.buttons(message["id"])]
    assert any(label.startswith("Next") for label in labels), labels
    first = text_of(message)
    next_label = next(label for label in labels if label.startswith("Next"))
    click = await fake.click_label(message["id"], next_label)
    await fake.wait_answered(click)
    assert click.callback is not None and click.callback["type"] == 7  # update message
    second = text_of(fake.messages[message["id"]])
    assert second != first
    counter = [b["label"] for b in fake.buttons(message["id"]) if re.match(r"\d+/\d+", b["label"])]
    assert counter and counter[0].startswith("2/")
    back = await fake.click_label(message["id"], "◀ Previous")
    await fake.wait_answered(back)
    assert text_of(fake.messages[message["id"]]) == first
    # someone else's click is refused, privately
    other = await fake.click_label(message["id"], next_label, user=fake.owner)
    await fake.wait_answered(other)
    assert other.callback is not None and other.callback["type"] == 4
    assert other.callback["data"]["flags"] & EPHEMERAL
    assert text_of(fake.messages[message["id"]]) == first


async def test_post_to_channel(checked: Desk) -> None:
    fake = checked.fake
    _, message = await ask(checked, "claim", "jihadists")
    click = await fake.click_label(message["id"], "Post to channel")
    await fake.wait_answered(click)
    posted = fake.response_message(click)
    assert posted is not None and posted["id"] != message["id"]
    assert not posted["flags"] & EPHEMERAL  # everyone in the channel sees it
    assert posted["embeds"] == message["embeds"]  # the page the reporter was looking at
    # "Shared by" names the reporter; allowed_mentions keeps it from pinging
    assert posted["content"] == f"{message['content']}\nShared by <@{fake.user['id']}>"
    assert posted["allowed_mentions"] == {"parse": []} or posted["allowed_mentions"]["parse"] == []
    await fake.wait_for(lambda: any(
        b.get("label") == "Post to channel" and b.get("disabled")
        for b in fake.buttons(message["id"])))


async def _five_quick_clicks(desk: Desk, message: dict[str, Any], label: str,
                             ) -> list[dict[str, Any]]:
    """Click ``label`` five times before any answer lands; each click's final message."""
    fake = desk.fake
    custom_id = next(b["custom_id"] for b in fake.buttons(message["id"]) if b["label"] == label)
    clicks = [await fake.click(message["id"], custom_id) for _ in range(5)]
    for click in clicks:
        await fake.wait_answered(click)

    def settled() -> list[dict[str, Any]] | None:
        shown = [fake.response_message(c) for c in clicks]
        if all(m is not None and not m.get("flags", 0) & 128 for m in shown):
            return shown  # type: ignore[return-value]
        return None

    return await fake.wait_for(settled)


async def test_five_quick_clicks_post_once_and_report_once(checked: Desk) -> None:
    import sqlite3

    from cogs.utils.views import ALREADY_POSTED, ALREADY_REPORTED, FEEDBACK_THANKS

    _, message = await ask(checked, "claim", "jihadists")
    posted = await _five_quick_clicks(checked, message, "Post to channel")
    public = [m for m in posted if not m["flags"] & EPHEMERAL]
    assert len(public) == 1 and public[0]["embeds"] == message["embeds"]
    assert sorted(m["content"] for m in posted if m["flags"] & EPHEMERAL) == [ALREADY_POSTED] * 4

    def rows() -> int:
        with sqlite3.connect(checked.bot.database) as db:
            return db.execute("SELECT count(*) FROM feedback").fetchone()[0]

    before = rows()
    reported = await _five_quick_clicks(checked, message, "Wrong match")
    assert all(m["flags"] & EPHEMERAL for m in reported)
    assert sorted(m["content"] for m in reported) == sorted(
        [FEEDBACK_THANKS] + [ALREADY_REPORTED] * 4)
    assert rows() == before + 1


async def test_at_everyone_pings_no_one(checked: Desk) -> None:
    sent, message = await ask(checked, "claim", "@everyone jihadists <@&123> <@456>")
    body = sent.callback
    assert body is not None
    data = body.get("data") or {}
    mentions = data.get("allowed_mentions") or message.get("allowed_mentions")
    assert mentions is not None and mentions["parse"] == []
    # and the text itself is made inert, so even a copy-paste pings no one
    assert "@everyone" not in text_of(message)


async def test_a_bad_option_gets_an_ephemeral_error(checked: Desk) -> None:
    _, message = await ask(checked, "claim", "   ")
    assert message["flags"] & EPHEMERAL
    text = text_of(message).strip()
    assert text and "\n" not in text and "Traceback" not in text
    assert not message["embeds"] or len(message["embeds"]) == 1


async def test_a_runaway_user_is_slowed_down(checked: Desk) -> None:
    from cogs.utils.base import COOLDOWN_RATE

    answers = [(await ask(checked, "claim", "jihadists"))[1] for _ in range(COOLDOWN_RATE + 1)]
    assert all(m["embeds"] for m in answers[:COOLDOWN_RATE])
    refused = answers[-1]
    assert refused["flags"] & EPHEMERAL and not refused["embeds"]
    assert refused["content"].startswith("Slow down") and "\n" not in refused["content"]


# -- tests with a bot of their own -------------------------------------------------------


async def test_gateway_drop_then_the_bot_still_answers(tmp_path: Path) -> None:
    _skip_unless_runnable()
    async with FakeDiscord() as fake:
        bot = await _start(fake, tmp_path)
        option = first_string_option(fake, "claim")
        try:
            await fake.drop()  # close 4000: Discord's "unknown error", resumable
            # asked while the bot is away: Discord keeps it and replays it on RESUME
            missed = await fake.slash("claim", [{"name": option, "type": STRING,
                                                 "value": "jihadists"}])
            await fake.wait_for(lambda: fake.resumes and fake.connected)
            await fake.wait_answered(missed)
            engine = _engine()
            message = fake.response_message(missed)
            assert message is not None
            assert engine.claim("jihadists").results[0].statement in plain(text_of(message))
            assert len(fake.identifies) == 1, "resumed, not a new session"
            after = await fake.slash("claim", [{"name": option, "type": STRING,
                                                "value": "death toll"}])
            await fake.wait_answered(after)
            message = fake.response_message(after)
            assert message is not None
            assert engine.claim("death toll").results[0].statement in plain(text_of(message))
        finally:
            code = await bot.stop()
        assert code == 0, bot.tail()
        assert_clean(fake)


async def test_clean_shutdown_on_sigterm(tmp_path: Path) -> None:
    _skip_unless_runnable()
    async with FakeDiscord() as fake:
        bot = await _start(fake, tmp_path)
        code = await bot.stop()
        assert code == 0, bot.tail()
        assert "Traceback" not in bot.output
        await fake.wait_for(lambda: not fake.connected)
        conn = fake.last_connection
        assert conn is not None and conn.closed_by_client, "the bot died without closing"
        assert bot.database.exists()
        assert_clean(fake)


async def test_sigterm_lets_answers_in_flight_finish(tmp_path: Path) -> None:
    """A deploy's SIGTERM while /figures is drawing its chart: the answer still arrives."""
    _skip_unless_runnable()
    async with FakeDiscord() as fake:
        bot = await _start(fake, tmp_path)
        try:
            topics = ["death toll", "arrests", "injured", "troops"]
            sent = [await fake.slash("figures", [{"name": "topic", "type": STRING, "value": t}])
                    for t in topics]
            await fake.wait_for(lambda: all(s.answered for s in sent))  # deferred
        finally:
            code = await bot.stop()
        assert code == 0, bot.tail()
        assert "Traceback" not in bot.output, bot.output
        for s in sent:  # each deferred answer was completed before the bot went
            message = fake.response_message(s)
            assert message is not None and message.get("embeds"), fake.describe(s)
        assert_clean(fake)

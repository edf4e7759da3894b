"""Two servers, two stories, one bot: the real ``python -m bot run`` against the fake Discord.

The config names two stories (two copies of the mini claim set, so one claim id exists in
both). Each server's editor picks its story with ``/story use``; a ruling made in one
server shows there, and never in the other server, whichever story that one asks for.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.e2e.bot_process import BotProcess, bot_command_missing
from tests.e2e.fake_discord import FakeDiscord, FakeGuild, SentInteraction
from tests.e2e.test_shards_e2e import command, string
from tests.e2e.test_shards_e2e import shown as body_text

MINI = Path(__file__).resolve().parents[1] / "data" / "mini"
CLAIM = "fighters-crossed"  # in both stories
AUTOCOMPLETE = 8  # the callback type of autocomplete choices


def shown(fake: FakeDiscord, sent: SentInteraction) -> str:
    """What a user reads in the reply, footers too (they name the story)."""
    message = fake.messages[sent.followups[-1]] if sent.followups else (
        fake.response_message(sent) or {})
    footers = [(e.get("footer") or {}).get("text") or "" for e in message.get("embeds") or []]
    return "\n".join([body_text(fake, sent), *footers])


def stories_config(bot: BotProcess, tmp_path: Path) -> None:
    """Two stories appended to the bot's config: alpha (the first) and beta."""
    blocks = []
    for name in ("alpha", "beta"):
        shutil.copytree(MINI, tmp_path / name)
        blocks.append(f'[[stories]]\nid = "{name}"\ntitle = "The {name} desk"\n'
                      f'path = "{(tmp_path / name).as_posix()}"\n')
    with bot.config.open("a", encoding="utf-8") as fh:
        fh.write("\n" + "\n".join(blocks))


async def status_of(fake: FakeDiscord, guild: FakeGuild, *story: str) -> str:
    """What /claim shows of the claim in ``guild`` (with the story option when given)."""
    options = [string("query", "fighters crossed")] + [string("story", s) for s in story]
    reader = fake.new_user("reader")  # a new reader each time: no command cooldown
    return shown(fake, await command(fake, guild, "claim", None, options, editor=False,
                                     user=reader))


async def test_two_servers_with_two_stories_see_only_their_own_record(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    missing = bot_command_missing()
    assert missing is None, missing
    first = fake.guilds[fake.guild_id]
    other = fake.add_guild()
    bot = BotProcess(fake, tmp_path / "bot")
    stories_config(bot, tmp_path)
    await bot.start()
    try:
        await bot.wait_ready(timeout=60)
        # Only editors choose; each server its own story.
        refused = await command(fake, other, "story", "use", [string("story", "beta")],
                                editor=False)
        assert "Only editors" in shown(fake, refused)
        sent = await command(fake, other, "story", "use", [string("story", "beta")])
        assert "This server now answers from beta: The beta desk" in shown(fake, sent)
        listing = shown(fake, await command(fake, other, "story", "list", [], editor=False))
        assert "→ beta: The beta desk" in listing and "alpha: The alpha desk" in listing
        listing = shown(fake, await command(fake, first, "story", "list", [], editor=False))
        assert "→ alpha: The alpha desk" in listing

        # The story option offers both stories.
        typed = await fake.autocomplete("claim", "story", "", guild_id=other.id,
                                        others=[string("query", "fighters")])
        await fake.wait_answered(typed)
        assert typed.callback is not None and typed.callback["type"] == AUTOCOMPLETE
        assert [c["value"] for c in typed.callback["data"]["choices"]] == ["alpha", "beta"]

        # A ruling in the first server's story (alpha)...
        sent = await command(fake, first, "status", "set", [
            string("claim", CLAIM), string("status", "false"), string("reason", "made up")])
        assert "made up" in shown(fake, sent)
        mine = await status_of(fake, first)
        assert "False" in mine and "story alpha" in mine
        # ...is not in the other server, neither in its story nor when it asks for alpha.
        theirs = await status_of(fake, other)
        assert "False" not in theirs and "story beta" in theirs
        theirs = await status_of(fake, other, "alpha")
        assert "False" not in theirs and "story alpha" in theirs
        # The other server's own ruling in beta stays in its record.
        await command(fake, other, "status", "set", [
            string("claim", CLAIM), string("status", "confirmed"), string("reason", "seen")])
        assert "Confirmed" in await status_of(fake, other)
        assert "Confirmed" not in await status_of(fake, first, "beta")
        assert "False" in await status_of(fake, first)
        history = shown(fake, await command(fake, other, "status", "history",
                                            [string("claim", CLAIM)], editor=False))
        assert "seen" in history and "made up" not in history

        # A channel can answer from another story than its server.
        sent = await command(fake, first, "story", "use", [
            string("story", "beta"), string("scope", "channel")])
        assert "This channel now answers from beta" in shown(fake, sent)
        mine = await status_of(fake, first)
        assert "story beta" in mine and "Confirmed" not in mine and "False" not in mine

        # An unknown story is one line, and nothing breaks.
        bad = await command(fake, first, "claim", None, [
            string("query", "fighters"), string("story", "gamma")], editor=False)
        assert "unknown story 'gamma'" in shown(fake, bad)
    finally:
        assert await bot.stop() == 0, bot.tail()
    assert "Traceback" not in bot.output, bot.tail()
    assert "story beta loaded" in bot.output

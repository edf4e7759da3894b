"""Ingest with several stories and servers (bot.desk.ingest over bot.desk.stories): a
verdict-change alert reaches only the digest channels of the story and server that
accepted, a digest lists only its own story's and server's accepts, and an accept and a
reject of the same item never both land."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.desk import Desk, open_desk
from bot.desk.ingest import IngestDesk
from bot.settings import Settings
from tests.story_sets import needs_practice_pack, practice_article

ROOT = Path(__file__).resolve().parents[2]
pytestmark = needs_practice_pack


@asynccontextmanager
async def two_stories(tmp_path: Path) -> AsyncIterator[Desk]:
    """The desk as ``python -m bot run`` opens it (desk-wide, first story) over two stories,
    each a copy of the seed set."""
    for name in ("a", "b"):
        shutil.copytree(ROOT / "seeds", tmp_path / name)
    settings = Settings.model_validate({
        "stories": [{"id": "alpha", "path": tmp_path / "a"},
                    {"id": "beta", "path": tmp_path / "b"}],
        "database": {"path": str(tmp_path / "record.sqlite3")},
    })
    async with open_desk(settings) as desk:
        yield desk


async def _subscribe(desk: Desk, channel_id: int) -> None:
    assert desk.subscriptions is not None
    await desk.subscriptions.subscribe(
        channel_id=channel_id, guild_id=desk.scope.guild, time="08:00", timezone="UTC",
        post_when_empty=True, by="Ed",
    )


async def test_an_alert_goes_only_to_the_accepting_story_and_server(tmp_path: Path) -> None:
    async with two_stories(tmp_path) as desk:
        assert desk.stories is not None
        alpha9 = await desk.stories.desk("alpha", 9)
        await _subscribe(alpha9, 111)
        await _subscribe(await desk.stories.desk("alpha", 10), 222)  # same story, other server
        await _subscribe(await desk.stories.desk("beta", 9), 333)  # same server, other story
        service = IngestDesk(alpha9)
        draft = await service.ingest(practice_article("108"), name="108.txt", by="Ed")
        flagged = [f.id for f in draft.figures if f.verdict and f.topic]
        assert flagged, "the practice article changes no verdict of the seed set"
        done = await service.accept(draft.draft, flagged, everything=False, by="Ann")
        assert done.alerts, "a verdict change recorded no alert"
        assert {a.channel_id for a in done.alerts} == {111}


async def test_a_digest_lists_only_its_own_story_and_servers_accepts(tmp_path: Path) -> None:
    async with two_stories(tmp_path) as desk:
        assert desk.stories is not None
        beta9 = await desk.stories.desk("beta", 9)
        await _subscribe(beta9, 111)
        assert beta9.subscriptions is not None
        subscription = await beta9.subscriptions.for_channel(111)
        assert subscription is not None
        own = IngestDesk(beta9)
        mine = await own.ingest(practice_article("103"), name="server9.txt", by="Ed")
        await own.accept(mine.draft, [], everything=True, by="Ann")
        other = IngestDesk(desk)  # desk-wide, story alpha
        theirs = await other.ingest(practice_article("108"), name="alpha-desk.txt", by="Ed")
        await other.accept(theirs.draft, [], everything=True, by="Mallory")

        async def send(channel_id: int, content: str, nonce: str) -> int:
            return 1

        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1, hours=1)
        runner = desk.digest_runner(send, render=lambda answer, full: ["x"], clock=lambda: later)
        answer, *_ = await runner.build(subscription)
        assert [(a.name, a.by) for a in answer.accepted] == [("server9.txt", "Ann")]


async def test_an_item_is_never_both_accepted_and_rejected(tmp_path: Path) -> None:
    async with two_stories(tmp_path) as desk:
        service = IngestDesk(desk)
        draft = await service.ingest(practice_article("108"), name="108.txt", by="Ed")
        item = next(f.id for f in draft.figures if f.topic)
        await asyncio.gather(
            service.accept(draft.draft, [], everything=True, by="Ann"),
            service.reject(draft.draft, [item], everything=False, by="Bo"),
            return_exceptions=True,
        )
        assert desk.store is not None
        decisions = {
            d.decision for d in await desk.store.draft_decisions(draft.draft) if d.item == item
        }
        assert len(decisions) == 1, f"{item} was {sorted(decisions)}"

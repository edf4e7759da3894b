"""Ingest over the desk (bot.desk.ingest), the path the CLI and /ingest share, on each store
backend: bad input stores nothing; accepting in several goes writes, reloads and audits; a
correction is checked before anything is written; a draft the set outgrew is refused with
the files untouched; a verdict change records one alert per digest channel, posted once."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.claimset.loader import load_claimset
from bot.desk import Desk, open_desk
from bot.desk.ingest import IngestDesk, changes_from_json
from bot.ingest.editing import ItemEdit
from bot.ingest.reading import IngestError
from bot.record.ingest_alerts import AlertSender, alert_nonce
from bot.settings import Settings
from tests.store_backends import Backend, PostgresBackend
from tests.story_sets import needs_practice_pack, practice_article

ROOT = Path(__file__).resolve().parents[2]
pytestmark = needs_practice_pack


@asynccontextmanager
async def desk_on(backend: Backend, tmp_path: Path) -> AsyncIterator[tuple[Desk, Path]]:
    root = tmp_path / "set"
    if not root.exists():
        shutil.copytree(ROOT / "seeds", root)
    database = (
        {"url": backend.target}
        if isinstance(backend, PostgresBackend)
        else {"path": str(backend.target)}
    )
    settings = Settings.model_validate({"claimset": {"path": root}, "database": database})
    async with open_desk(settings) as desk:
        yield desk, root


def _files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".backups" not in p.parts}


@pytest.mark.parametrize(
    ("data", "says"),
    [(b"", "empty"), (b"\x00\x01binary", "binary"), (b"caf\xe9", "not UTF-8"),
     (b"a" * 1_000_001, "1 MB")],
)
async def test_bad_input_is_one_line_and_nothing_is_stored(
    backend: Backend, tmp_path: Path, data: bytes, says: str
) -> None:
    async with desk_on(backend, tmp_path) as (desk, _):
        service = IngestDesk(desk)
        with pytest.raises(IngestError, match=says) as refused:
            await service.ingest(data, name="paste.txt", by="Ed")
        assert "\n" not in str(refused.value) and "paste.txt" in str(refused.value)
        assert await service.store.drafts() == []


async def test_accept_in_two_goes_reloads_and_audits(backend: Backend, tmp_path: Path) -> None:
    async with desk_on(backend, tmp_path) as (desk, root):
        service = IngestDesk(desk)
        draft = await service.ingest(practice_article("103"), name="103.txt", by="Ed")
        with pytest.raises(IngestError, match="already ingested"):
            await service.ingest(practice_article("103"), name="again.txt", by="Ed")
        figure = next(f for f in draft.figures if f.topic)
        first = await service.accept(draft.draft, [figure.id], everything=False, by="Ann")
        assert first.reload.ok and "source" in first.written.items
        assert figure.id in desk.claimset.figures  # the desk answers from the new set
        assert draft.source.id in desk.claimset.sources
        with pytest.raises(IngestError, match="already accepted by Ann"):
            await service.accept(draft.draft, [figure.id], everything=False, by="Bo")
        rest = await service.accept(draft.draft, [], everything=True, by="Bo")
        assert rest.reload.ok and "source" not in rest.written.items
        load_claimset(root)  # the files on disk validate
        review = await service.review(draft.draft)
        by = {d.item: d.by for d in review.decisions}
        assert by[figure.id] == "Ann" and by["source"] == "Ann"
        assert all(by[i] == "Bo" for i in rest.written.items)
        assert review.open_items == list(rest.written.skipped)  # left for an edit


async def test_nothing_is_written_once_the_source_is_rejected(
    backend: Backend, tmp_path: Path
) -> None:
    async with desk_on(backend, tmp_path) as (desk, root):
        service = IngestDesk(desk)
        draft = await service.ingest(practice_article("106"), name="106.txt", by="Ed")
        await service.reject(draft.draft, ["source"], everything=False, by="Ann")
        before = _files(root)
        for items, everything in (([draft.claims[0].id], False), ([], True)):
            with pytest.raises(IngestError, match="source was rejected by Ann"):
                await service.accept(draft.draft, items, everything=everything, by="Bo")
        assert _files(root) == before


async def test_a_bad_correction_writes_nothing(backend: Backend, tmp_path: Path) -> None:
    async with desk_on(backend, tmp_path) as (desk, root):
        service = IngestDesk(desk)
        draft = await service.ingest(practice_article("103"), name="103.txt", by="Ed")
        figure = next(f for f in draft.figures if f.topic)
        claim = draft.claims[0]
        before = _files(root)
        version = desk.claimset.version
        for item, edit, says in [
            (figure.id, ItemEdit(number="many"), "states no number"),
            (figure.id, ItemEdit(topic="weather"), "not in the set"),
            (figure.id, ItemEdit(statement="x"), "no statement"),
            (claim.id, ItemEdit(scope="all"), "no scope"),
            (claim.id, ItemEdit(), "nothing to correct"),
        ]:
            with pytest.raises(IngestError, match=says) as refused:
                await service.accept(draft.draft, [item], everything=False, by="Ed",
                                     edits={item: edit})
            assert "\n" not in str(refused.value) and item in str(refused.value)
        assert _files(root) == before and desk.claimset.version == version
        assert (await service.review(draft.draft)).decisions == []
        done = await service.accept(
            draft.draft, [claim.id], everything=False, by="Ed",
            edits={claim.id: ItemEdit(statement="A corrected statement of the claim.")},
        )
        assert desk.claimset.claims[claim.id].statement == "A corrected statement of the claim."
        assert "corrected in review by Ed" in (root / done.written.files[-1]).read_text()


async def test_a_draft_the_set_outgrew_is_one_line(backend: Backend, tmp_path: Path) -> None:
    async with desk_on(backend, tmp_path) as (desk, root):
        service = IngestDesk(desk)
        first = await service.ingest(practice_article("101"), name="101.txt", by="Ed")
        second = await service.ingest(practice_article("102"), name="102.txt", by="Ed")
        assert first.source.id == second.source.id  # both drafted against the same set
        await service.accept(first.draft, [], everything=True, by="Ed")
        before, version = _files(root), desk.claimset.version
        with pytest.raises(IngestError, match="no longer applies") as refused:
            await service.accept(second.draft, [], everything=True, by="Ed")
        assert "\n" not in str(refused.value)
        assert _files(root) == before and desk.claimset.version == version
        assert (await service.review(second.draft)).decisions == []


async def test_a_verdict_change_is_alerted_once_per_channel(
    backend: Backend, tmp_path: Path
) -> None:
    async with desk_on(backend, tmp_path) as (desk, _):
        assert desk.subscriptions is not None
        for channel in (111, 222):
            await desk.subscriptions.subscribe(
                channel_id=channel, guild_id=9, time="08:00", timezone="UTC",
                post_when_empty=False, by="Ed",
            )
        service = IngestDesk(desk)
        draft = await service.ingest(practice_article("108"), name="108.txt", by="Ed")
        flagged = [f for f in draft.figures if f.verdict and f.topic]
        assert flagged, "the 225 toll is a new latest count"
        target = flagged[0]
        before = desk.engine.figures(target.topic).verdict
        done = await service.accept(draft.draft, [target.id], everything=False, by="Ann")
        assert desk.engine.figures(target.topic).verdict != before
        assert [c.topic for c in done.changes] == [target.topic]
        assert sorted(a.channel_id for a in done.alerts) == [111, 222]
        (change,) = changes_from_json(done.alerts[0].content)
        assert change.by == "Ann" and change.figures == [target.id] and change.after

        posted: list[tuple[int, str]] = []
        crash = {"once": True}

        async def send(channel_id: int, content: str, nonce: str) -> int:
            posted.append((channel_id, nonce))
            if crash.pop("once", False):  # Discord created it, the answer never came
                raise ConnectionError("connection lost")
            return 1000 + len(posted)

        async def find_sent(channel_id: int, content: str, after: object) -> int | None:
            found = [i for i, (c, _) in enumerate(posted) if c == channel_id]
            return 1000 + found[0] + 1 if found else None

        sender = AlertSender(desk.store, send, render=lambda a: a.content,  # type: ignore[arg-type]
                             find_sent=find_sent)
        assert len(await sender.deliver()) == 1  # the first send crashed: still pending
        again = await sender.deliver()  # after a restart: found in the channel, not resent
        assert len(again) == 1 and len(posted) == 2
        assert {n for _, n in posted} == {alert_nonce(a.id) for a in done.alerts}
        assert await sender.deliver() == [] and await desk.store.pending_alerts() == []
        # The same figure cannot be accepted again, so no second alert can be recorded.
        key = done.alerts[0].key
        assert await desk.store.add_alerts(key, "again", [(9, 111), (9, 222)]) == []


async def test_the_digest_lists_what_was_accepted_since_the_last_one(
    backend: Backend, tmp_path: Path
) -> None:
    import datetime as dt

    from bot.rendering.digest import render_digest_text

    async with desk_on(backend, tmp_path) as (desk, _):
        assert desk.subscriptions is not None
        sub = await desk.subscriptions.subscribe(
            channel_id=111, guild_id=9, time="08:00", timezone="UTC",
            post_when_empty=True, by="Ed",
        )
        service = IngestDesk(desk)
        draft = await service.ingest(practice_article("103"), name="103.txt", by="Ed")
        figure = next(f for f in draft.figures if f.topic)
        await service.accept(draft.draft, [figure.id], everything=False, by="Ann")
        await service.accept(draft.draft, [draft.claims[0].id], everything=False, by="Bo")

        posted: list[str] = []

        async def send(channel_id: int, content: str, nonce: str) -> int:
            posted.append(content)
            return len(posted)

        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1, hours=1)
        runner = desk.digest_runner(send, render=lambda answer, footer: [
            render_digest_text(answer)], clock=lambda: later)
        answer, *_ = await runner.build(sub)
        got = {(a.by, tuple(a.items), a.source) for a in answer.accepted}
        assert got == {("Ann", ("source", figure.id), draft.source.id),
                       ("Bo", (draft.claims[0].id,), draft.source.id)}
        assert answer.counts.accepted_items == 3 and not answer.nothing_new
        text = render_digest_text(answer)
        assert "Accepted from articles: 3 items" in text and "103.txt" in text
        assert f"/source source:{draft.source.id}" in text
        assert [o.state for o in await runner.tick()] == ["sent"] and posted
        sub = await desk.store.digest_subscription(sub.id)  # its baseline moved
        answer, *_ = await runner.build(sub)
        assert answer.accepted == []  # listed once: the next digest starts after it


async def test_a_corrected_topic_is_judged_for_the_verdict_again(
    backend: Backend, tmp_path: Path
) -> None:
    async with desk_on(backend, tmp_path) as (desk, _):
        assert desk.subscriptions is not None
        await desk.subscriptions.subscribe(
            channel_id=111, guild_id=9, time="08:00", timezone="UTC",
            post_when_empty=False, by="Ed",
        )
        service = IngestDesk(desk)
        draft = await service.ingest(practice_article("108"), name="108.txt", by="Ed")
        loose = next(f for f in draft.figures if f.topic is None and f.as_of and f.unit == "people")
        assert loose.verdict is None  # no topic: nothing to judge when drafted
        before = desk.engine.figures("arrests").verdict
        done = await service.accept(
            draft.draft, [loose.id], everything=False, by="Ann",
            edits={loose.id: ItemEdit(topic="detained")},  # a synonym of arrests
        )
        assert desk.claimset.figures[loose.id].topic == "arrests"
        assert desk.engine.figures("arrests").verdict != before
        assert [c.topic for c in done.changes] == ["arrests"] and len(done.alerts) == 1

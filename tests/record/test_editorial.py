"""EditorialDesk and EditorialCache: validated writes, the cache refreshed after each, on
SQLite and on PostgreSQL (``backend``, tests/store_backends.py)."""

from __future__ import annotations

import pytest

from bot.claimset.status import EvidenceStatus
from bot.record.editorial import EditorialCache, EditorialDesk, EditorialError
from tests.editorial_support import tiny_claimset
from tests.store_backends import Backend


@pytest.fixture
async def desk(backend: Backend):
    claimset = tiny_claimset()
    async with backend.open() as store:
        yield await EditorialDesk.open(store, lambda: claimset)


async def test_set_status_is_visible_in_the_cache_at_once(desk: EditorialDesk):
    assert desk.cache.ruling("jihadists-claim") is None
    result = await desk.set_status("jihadists-claim", "FALSE", "  no  evidence ", by="ann")
    assert result.derived_status == EvidenceStatus.SINGLE_SOURCE
    ruling = desk.cache.ruling("jihadists-claim")
    assert ruling is not None and ruling.status == EvidenceStatus.FALSE
    assert ruling.reason == "no evidence" and ruling.by == "ann"
    await desk.set_status("jihadists-claim", "clear", "", by="bob")
    assert desk.cache.ruling("jihadists-claim") is None


async def test_notes_show_text_author_and_time(desk: EditorialDesk):
    await desk.add_note("troops-withdraw", "AFP says otherwise", by="ann")
    [line] = desk.cache.notes("troops-withdraw")
    assert line.startswith("AFP says otherwise — ann, ") and line.endswith(" UTC")
    assert desk.cache.notes("jihadists-claim") == []


@pytest.mark.parametrize(
    ("claim", "status", "reason", "match"),
    [
        ("jihadist-claim", "false", "r", "did you mean jihadists-claim"),
        ("nothing-like-it-at-all", "false", "r", "not in the claim set"),
        ("jihadists-claim", "corroborated", "r", "not one of"),
        ("jihadists-claim", "false", "   ", "reason is required"),
        ("jihadists-claim", "false", "x" * 501, "at most 500"),
    ],
)
async def test_refused_writes_write_nothing(desk: EditorialDesk, claim, status, reason, match):
    with pytest.raises(EditorialError, match=match) as err:
        await desk.set_status(claim, status, reason, by="ann")
    assert "\n" not in str(err.value)
    assert await desk.store.editorial_claim_ids() == set()
    assert desk.cache.claim_ids() == set()


async def test_history_of_a_claim_and_of_an_orphan(backend: Backend):
    old = tiny_claimset()
    current = {"set": old}
    async with backend.open() as store:
        desk = await EditorialDesk.open(store, lambda: current["set"])
        await desk.set_status("troops-withdraw", "in_review", "checking", by="ann")
        await desk.set_status("troops-withdraw", "confirmed", "two origins", by="bob")
        history = await desk.history("troops-withdraw")
        assert [c.status for c in history.changes] == ["in_review", "confirmed"]
        assert history.editorial is not None and history.editorial.by == "bob"
        assert not history.orphan and history.derived_status == "single_source"
        # The claim leaves the set: its records stay, reported as an orphan.
        current["set"] = tiny_claimset(("jihadists-claim",))
        history = await desk.history("troops-withdraw")
        assert history.orphan and history.statement is None and len(history.changes) == 2
        assert await desk.orphans() == ["troops-withdraw"]
        with pytest.raises(EditorialError):
            await desk.history("never-seen")


async def test_cache_loads_what_another_connection_wrote(backend: Backend):
    async with backend.open() as store:
        await store.set_status("a", "misleading", reason="context", by="ann")
        await store.add_note("a", "n1", by="ann")
    async with backend.open() as store:
        cache = await EditorialCache.load(store)
        ruling = cache.ruling("a")
        assert ruling is not None and ruling.status == EvidenceStatus.MISLEADING
        assert len(cache.notes("a")) == 1


async def test_engine_answers_show_ruling_beside_derived_status_and_notes(backend: Backend):
    from bot.answers.engine import Factdesk
    from bot.claimset.loader import load_claimset

    claimset = load_claimset()
    claim_id = "ms-others-claim-foreign-interference"
    async with backend.open() as store:
        desk = await EditorialDesk.open(store, lambda: claimset)
        engine = Factdesk(claimset, editorial=desk.cache)
        answer = engine.claim_by_id(claim_id)
        assert answer is not None and answer.editorial is None
        assert answer.status == answer.derived_status == EvidenceStatus.SINGLE_SOURCE

        await desk.set_status(claim_id, "misleading", "no Chinese statement", by="ann")
        await desk.add_note(claim_id, "Check the Lavrov readout", by="bob")
        answer = engine.claim_by_id(claim_id)
        assert answer is not None
        assert answer.status == EvidenceStatus.MISLEADING
        assert answer.derived_status == EvidenceStatus.SINGLE_SOURCE
        assert answer.editorial is not None and answer.editorial.by == "ann"
        evidence = engine.evidence(claim_id)
        assert any(n.startswith("Check the Lavrov readout — bob") for n in evidence.notes)

        await desk.set_status(claim_id, "clear", "", by="ann")
        answer = engine.claim_by_id(claim_id)
        assert answer is not None and answer.editorial is None
        assert answer.status == EvidenceStatus.SINGLE_SOURCE


async def test_writes_from_another_process_reach_the_cache(backend: Backend):
    """The bot's cache and the CLI are two connections: the bot must see the CLI's work."""
    claimset = tiny_claimset()
    async with backend.open() as bot_store, backend.open() as cli_store:
        desk = await EditorialDesk.open(bot_store, lambda: claimset)
        assert not await desk.cache.refresh_if_changed(bot_store)
        await cli_store.set_status("troops-withdraw", "false", reason="cli", by="ann")
        assert desk.cache.ruling("troops-withdraw") is None
        assert await desk.cache.refresh_if_changed(bot_store)
        assert desk.cache.ruling("troops-withdraw").reason == "cli"
        # A write by the bot while the CLI also wrote: the bot reads everything again.
        await cli_store.add_note("troops-withdraw", "from the cli", by="ann")
        await cli_store.set_status("troops-withdraw", "clear", reason="", by="ann")
        await desk.set_status("jihadists-claim", "confirmed", "bot", by="bob")
        assert desk.cache.ruling("troops-withdraw") is None
        assert desk.cache.notes("troops-withdraw")[0].startswith("from the cli")
        assert desk.cache.ruling("jihadists-claim").reason == "bot"
        assert not await desk.cache.refresh_if_changed(bot_store)

"""The ingest drafts store (:class:`bot.record.protocols.DraftRecord`) on each backend: ids,
the same text refused, decisions and state in one transaction, oldest first; and, on
PostgreSQL, that writers adding drafts at once never share an id."""

from __future__ import annotations

import asyncio

import pytest

from bot.record.protocols import DraftRecord
from bot.record.records import StoreError
from tests.store_backends import Backend


async def _add(store, n: int, *, by: str = "ann"):
    return await store.add_draft(
        text_sha256=f"sha{n}", claimset="seeds", name=f"a{n}.txt", payload=f'{{"n": {n}}}', by=by
    )


async def test_the_store_keeps_drafts(backend: Backend):
    async with backend.open() as store:
        assert isinstance(store, DraftRecord)


async def test_drafts_get_ids_in_order_and_the_same_text_is_refused(backend: Backend):
    async with backend.open() as store:
        first = await _add(store, 1)
        second = await _add(store, 2, by="")
        assert (first.id, second.id) == ("d1", "d2")
        assert first.state == "open" and first.created_by == "ann" and second.created_by == ""
        with pytest.raises(StoreError) as refused:
            await _add(store, 1)
        assert str(refused.value) == "this text was already ingested as draft d1"
        assert await store.draft("d1") == first
        assert await store.draft("d9") is None
        assert [d.id for d in await store.drafts()] == ["d1", "d2"]
    async with backend.open() as store:  # kept across opening
        assert (await _add(store, 3)).id == "d3"
        assert await store.drafts() == [first, second, await store.draft("d3")]


async def test_decisions_are_appended_with_the_state(backend: Backend):
    async with backend.open() as store:
        await _add(store, 1)
        with pytest.raises(StoreError, match="who decides"):
            await store.decide_draft("d1", accepted=["source"], rejected=[], by=" ",
                                     state="partial")
        assert await store.draft_decisions("d1") == []
        made = await store.decide_draft(
            "d1", accepted=["source", "c1"], rejected=["f1"], by=" Ed ", state="partial"
        )
        assert [(d.item, d.decision, d.by) for d in made] == [
            ("source", "accepted", "Ed"), ("c1", "accepted", "Ed"), ("f1", "rejected", "Ed")
        ]
        assert (await store.draft("d1")).state == "partial"
        later = await store.decide_draft("d1", accepted=[], rejected=["f2"], by="Jo",
                                         state="accepted")
        assert await store.draft_decisions("d1") == made + later
        assert [d.id for d in made + later] == sorted(d.id for d in made + later)
        assert (await store.draft("d1")).state == "accepted"
        assert await store.draft_decisions("d2") == []


async def test_a_failed_decision_changes_nothing(backend: Backend):
    async with backend.open() as store:
        await _add(store, 1)
        with pytest.raises(backend.errors):  # the schema refuses the state: nothing is kept
            await store.decide_draft("d1", accepted=["source"], rejected=[], by="Ed",
                                     state="bogus")
        assert await store.draft_decisions("d1") == []
        assert (await store.draft("d1")).state == "open"


async def test_postgres_concurrent_add_draft_calls_get_distinct_ids(postgres: Backend):
    # Two stores (two processes' pools) and several connections each, all adding at once.
    async with postgres.open() as one, postgres.open() as two:
        rows = await asyncio.gather(
            *(_add(one if n % 2 else two, n) for n in range(1, 21))
        )
        assert sorted(r.id for r in rows) == sorted(f"d{n}" for n in range(1, 21))
        assert len({r.id for r in await one.drafts()}) == 20
        # The same text from two writers at once: one draft, and one refusal naming it.
        results = await asyncio.gather(_add(one, 99), _add(two, 99), return_exceptions=True)
        kept = [r for r in results if not isinstance(r, BaseException)]
        refused = [r for r in results if isinstance(r, BaseException)]
        assert len(kept) == 1 and kept[0].id == "d21"
        assert len(refused) == 1 and isinstance(refused[0], StoreError)
        assert str(refused[0]) == "this text was already ingested as draft d21"

"""Every record belongs to a story and a server (migration 4), on SQLite and on PostgreSQL
(``backend``, tests/store_backends.py): a server sees its own rows of a story and the
desk-wide ones (guild 0), never another server's nor another story's."""

from __future__ import annotations

import pytest

from bot.record.records import DEFAULT_SCOPE, Scope, StoreError
from tests.record.draft_support import draft_of
from tests.store_backends import Backend

KZ_A = Scope("kz", 111)
KZ_B = Scope("kz", 222)
KZ_DESK = Scope("kz", 0)
OTHER_A = Scope("other", 111)
HASHES = {"claim:a": "1"}


@pytest.fixture
async def store(backend: Backend):
    async with backend.open() as s:
        yield s


async def test_a_ruling_in_one_server_is_not_seen_in_another_nor_in_another_story(store):
    a, b, other = store.scoped(KZ_A), store.scoped(KZ_B), store.scoped(OTHER_A)
    await a.set_status("c1", "false", reason="fabricated", by="ann")
    await a.add_note("c1", "seen by A only", by="ann")
    assert (await a.ruling("c1")).status.value == "false"
    assert set(await a.current_rulings()) == {"c1"}
    for view in (b, other, store):
        assert await view.ruling("c1") is None
        assert await view.current_rulings() == {}
        assert await view.history("c1") == []
        assert await view.notes("c1") == []
        assert await view.all_notes() == {}
        assert await view.editorial_claim_ids() == set()
    assert await a.editorial_claim_ids() == {"c1"}
    # B's own ruling starts its own chain: nothing of A's is its "previous".
    change = await b.set_status("c1", "confirmed", reason="checked", by="bob")
    assert change.previous is None
    assert [c.status.value for c in await a.history("c1")] == ["false"]


async def test_the_desk_wide_record_is_seen_by_every_server_of_its_story(store):
    desk = store.scoped(KZ_DESK)
    await desk.set_status("c1", "in_review", reason="checking", by="cli")
    await desk.add_note("c1", "desk note", by="cli")
    a, b = store.scoped(KZ_A), store.scoped(KZ_B)
    for view in (a, b):
        assert (await view.ruling("c1")).status.value == "in_review"
        assert [n.text for n in await view.notes("c1")] == ["desk note"]
    assert await store.scoped(OTHER_A).ruling("c1") is None
    # A server's clear returns the claim to its derived status there, not elsewhere.
    cleared = await a.set_status("c1", "clear", reason="", by="ann")
    assert cleared.previous is not None and cleared.previous.value == "in_review"
    assert await a.ruling("c1") is None
    assert (await b.ruling("c1")).status.value == "in_review"
    assert (await desk.ruling("c1")).status.value == "in_review"
    assert [c.status for c in await desk.history("c1")] == ["in_review"]


async def test_the_store_as_opened_is_the_default_story_desk_wide(store):
    assert store.scope == DEFAULT_SCOPE
    await store.set_status("c1", "false", reason="r", by="ann")
    assert (await store.scoped(Scope(DEFAULT_SCOPE.story, 5)).ruling("c1")) is not None
    assert (await store.scoped(KZ_DESK).ruling("c1")) is None


async def test_feedback_belongs_to_its_server_and_story(store):
    a = store.scoped(KZ_A)
    row = await a.add_feedback(command="claim", query="coup", claim_id="c1")
    assert row.guild_id == KZ_A.guild
    assert [f.query for f in await a.latest_feedback()] == ["coup"]
    for view in (store.scoped(KZ_B), store.scoped(OTHER_A), store):
        assert await view.latest_feedback() == []


async def test_drafts_belong_to_their_scope(store):
    a, b = store.scoped(KZ_A), store.scoped(KZ_B)
    draft = await draft_of(a)
    assert [d.id for d in await a.drafts()] == [draft.id]
    assert await a.draft(draft.id) is not None
    assert await b.drafts() == [] and await b.draft(draft.id) is None


async def test_the_same_text_in_two_servers_of_a_story_is_two_drafts(store):
    a, b = store.scoped(KZ_A), store.scoped(KZ_B)
    first, second = await draft_of(a), await draft_of(b)
    assert first.id != second.id
    assert [d.id for d in await a.drafts()] == [first.id]
    assert [d.id for d in await b.drafts()] == [second.id]
    assert await a.draft(second.id) is None and await b.draft(first.id) is None


async def test_the_same_text_in_two_stories_is_two_drafts(store):
    a, other = store.scoped(KZ_A), store.scoped(OTHER_A)
    first, second = await draft_of(a), await draft_of(other)
    assert first.id != second.id
    assert [d.id for d in await a.drafts()] == [first.id]
    assert [d.id for d in await other.drafts()] == [second.id]


async def test_the_same_text_twice_in_one_scope_is_refused_naming_the_earlier_draft(store):
    a, b, other = store.scoped(KZ_A), store.scoped(KZ_B), store.scoped(OTHER_A)
    await draft_of(b)  # other scopes' drafts of the text are neither refused nor named
    await draft_of(other)
    first = await draft_of(a)
    with pytest.raises(StoreError) as err:
        await draft_of(a)
    assert str(err.value) == f"this text was already ingested as draft {first.id}"
    assert [d.id for d in await a.drafts()] == [first.id]
    # The story's desk-wide draft is one every server of it sees: refused there, named.
    desk = await draft_of(store.scoped(KZ_DESK), "t2")
    with pytest.raises(StoreError) as err:
        await draft_of(a, "t2")
    assert str(err.value) == f"this text was already ingested as draft {desk.id}"


async def test_the_schema_keeps_one_draft_of_a_text_per_story_and_server(store, backend):
    await draft_of(store.scoped(KZ_A))
    row = ("INSERT INTO drafts (id, text_sha256, claimset, payload, created_at, story, guild_id)"
           " VALUES ('{id}', 't1', 'kz@1', '{{}}', '2026-01-10T00:00:00+00:00', '{story}',"
           " {guild})")
    await backend.execute(row.format(id="x1", story="kz", guild=222))
    await backend.execute(row.format(id="x2", story="other", guild=111))
    with pytest.raises(backend.errors):
        await backend.execute(row.format(id="x3", story="kz", guild=111))


async def test_digest_status_changes_are_the_subscriptions_scope(store):
    a, b = store.scoped(KZ_A), store.scoped(KZ_B)
    await a.set_status("c1", "false", reason="r", by="ann")
    await b.set_status("c2", "confirmed", reason="r", by="bob")
    await store.scoped(KZ_DESK).set_status("c3", "in_review", reason="r", by="cli")
    assert [c.claim_id for c in await a.digest_status_changes(after=0)] == ["c1", "c3"]
    assert [c.claim_id for c in await b.digest_status_changes(after=0)] == ["c2", "c3"]
    sub = await a.digest_subscribe(
        channel_id=10, guild_id=KZ_A.guild, time="08:00", timezone="UTC",
        post_when_empty=True, by="ed", hashes=HASHES, claimset="kz@1",
    )
    assert sub.story == "kz"
    # The channel moved to another story: it starts again from that story's snapshot.
    moved = await store.scoped(OTHER_A).digest_subscribe(
        channel_id=10, guild_id=KZ_A.guild, time="08:00", timezone="UTC",
        post_when_empty=True, by="ed", hashes={"claim:z": "9"}, claimset="other@1",
    )
    assert moved.id == sub.id and moved.story == "other"
    assert moved.baseline_snapshot_id != sub.baseline_snapshot_id
    assert (await store.digest_snapshot(moved.baseline_snapshot_id)).hashes == {"claim:z": "9"}


async def test_story_defaults_per_server_and_channel(store):
    assert await store.story_defaults(111) == []
    await store.set_story_default(111, 0, "kz", by="ann")
    await store.set_story_default(111, 42, "other", by="ann")
    again = await store.set_story_default(111, 0, "other", by="bob")
    assert (again.story, again.set_by) == ("other", "bob")
    got = {(d.channel_id, d.story) for d in await store.story_defaults(111)}
    assert got == {(0, "other"), (42, "other")}
    assert await store.story_defaults(222) == []
    with pytest.raises(StoreError):
        await store.set_story_default(0, 0, "kz", by="ann")
    with pytest.raises(StoreError):
        await store.set_story_default(111, 0, " ", by="ann")

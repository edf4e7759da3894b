"""The store's digest section (migration 2): subscriptions, runs, snapshots, on SQLite and
on PostgreSQL (``backend``, tests/store_backends.py)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.record.digest import record_hashes
from bot.record.digest_subscriptions import CONFIG_AUTHOR, DigestSubscriptions
from bot.record.store import Store, StoreError
from bot.settings import DigestSettings
from tests.digest_support import Clock, engine_for, mini
from tests.store_backends import Backend

T0 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
HASHES = {"claim:a": "1", "claim:b": "2"}


@pytest.fixture
async def store(backend: Backend):
    async with backend.open(clock=Clock(T0)) as s:
        yield s


async def subscribe(store: Store, channel: int = 10, **kw):
    args = dict(channel_id=channel, guild_id=1, time="08:00", timezone="UTC",
                post_when_empty=True, by="ed", hashes=HASHES, claimset="x@1")
    args.update(kw)
    return await store.digest_subscribe(**args)


async def test_subscribe_again_updates_and_keeps_the_baseline(store):
    first = await subscribe(store)
    again = await subscribe(store, time="09:30", timezone="Europe/Paris", hashes={"claim:a": "9"})
    assert again.id == first.id and (again.time, again.timezone) == ("09:30", "Europe/Paris")
    assert again.baseline_snapshot_id == first.baseline_snapshot_id
    # Whoever set it last owns it: a config.toml value no longer overrides an editor's.
    assert (first.created_by, (await subscribe(store, by="Vera")).created_by) == ("ed", "Vera")
    snap = await store.digest_snapshot(first.baseline_snapshot_id)
    assert snap.hashes == HASHES


async def test_unsubscribe_then_resubscribe_reuses_the_row_with_a_fresh_baseline(store):
    sub = await subscribe(store, 10)
    await subscribe(store, 11)
    assert [s.channel_id for s in await store.digest_unsubscribe(guild_id=1, channel_id=10)] == [10]
    assert [s.channel_id for s in await store.digest_subscriptions()] == [11]
    back = await subscribe(store, 10, hashes={"claim:z": "0"})
    assert back.id == sub.id and back.active
    assert (await store.digest_snapshot(back.baseline_snapshot_id)).hashes == {"claim:z": "0"}
    gone = await store.digest_unsubscribe(guild_id=1)
    assert {s.channel_id for s in gone} == {10, 11}
    assert await store.digest_unsubscribe(guild_id=1) == []


async def test_a_period_can_only_be_begun_once_and_finishing_moves_the_baseline(store):
    sub = await subscribe(store)
    args = dict(subscription_id=sub.id, period=dt.date(2026, 11, 24), payload=["hello"],
                since_snapshot_id=sub.baseline_snapshot_id, hashes={"claim:a": "new"},
                claimset="x@1", ruling_cursor=0)
    run = await store.digest_begin_run(**args)
    assert run.state == "sending" and run.payload == ["hello"] and run.messages == {}
    assert await store.digest_begin_run(**args) is None
    await store.digest_record_message(run.id, 0, nonce="n0", message_id=77)
    await store.digest_record_message(run.id, 0, nonce="n0", message_id=78)  # kept: first wins
    await store.digest_finish_run(run.id)
    done = await store.digest_latest_run(sub.id)
    assert (done.state, done.message_id, done.messages) == ("sent", 77, {0: 77})
    after = await store.digest_subscription(sub.id)
    assert after.baseline_snapshot_id == run.snapshot_id != sub.baseline_snapshot_id


async def test_two_stores_racing_for_one_period_begin_it_once(store, backend: Backend):
    """Two stores (two processes' pools) begin the same period at once: one run, one None."""
    sub = await subscribe(store)
    async with backend.open(clock=Clock(T0)) as other:

        async def begin(on: Store, period: dt.date):
            return await on.digest_begin_run(
                subscription_id=sub.id, period=period, payload=["p"],
                since_snapshot_id=sub.baseline_snapshot_id, hashes=HASHES, claimset="x@1",
                ruling_cursor=0,
            )

        for day in range(1, 11):
            period = dt.date(2026, 12, day)
            runs = await asyncio.gather(begin(store, period), begin(other, period))
            assert sum(run is not None for run in runs) == 1, period
    assert len(await store.digest_runs(sub.id)) == 10


async def test_the_schema_refuses_bad_states_and_duplicate_channels(store, backend: Backend):
    await subscribe(store)
    payload, true, moment = (
        ("'[]'", "1", "'x'") if backend.name == "sqlite" else ("'{}'", "true", "now()")
    )
    with pytest.raises(backend.errors):
        await backend.execute(
            "INSERT INTO digest_runs (subscription_id, period, state, payload, snapshot_id,"
            f" since_snapshot_id, started_at) VALUES (1, '2026-01-01', 'maybe', {payload}, 1, 1,"
            f" {moment})"
        )
    with pytest.raises(backend.errors):
        await backend.execute(
            "INSERT INTO digest_subscriptions (channel_id, time, timezone, post_when_empty,"
            " active_from, baseline_snapshot_id, created_by, created_at, updated_at)"
            f" VALUES (10, '08:00', 'UTC', {true}, {moment}, 1, 'ed', {moment}, {moment})"
        )


async def test_status_changes_are_read_between_cursors(store):
    await store.set_status("a", "in_review", reason="checking", by="Ann")
    cursor = await store.digest_ruling_cursor()
    await store.set_status("a", "confirmed", reason="two origins", by="Ben")
    await store.set_status("b", "false", reason="debunked", by="Cy")
    rows = await store.digest_status_changes(after=cursor)
    assert [(r.claim_id, r.by, str(r.previous)) for r in rows] == [
        ("a", "Ben", "in_review"), ("b", "Cy", "None")
    ]
    assert await store.digest_status_changes(after=cursor, upto=cursor) == []


async def test_a_channel_id_of_zero_is_refused(store):
    with pytest.raises(StoreError, match="channel id 0"):
        await subscribe(store, 0)


# -- bot.record.digest_subscriptions: what the faces call instead of the store --------


def subscriptions(store: Store, claimset=None) -> DigestSubscriptions:
    cs = claimset or mini()
    return DigestSubscriptions(store, lambda: engine_for(cs))


async def test_subscribing_through_the_service_snapshots_the_served_claim_set(store):
    cs = mini()
    sub = await subscriptions(store, cs).subscribe(
        channel_id=10, guild_id=1, time="08:00", timezone="UTC", post_when_empty=True, by="ed"
    )
    snap = await store.digest_snapshot(sub.baseline_snapshot_id)
    assert snap.hashes == record_hashes(cs)
    assert snap.claimset == f"{cs.manifest.id}@{cs.version}"


async def test_lookups_and_unsubscribe_through_the_service(store):
    service = subscriptions(store)
    await subscribe(store, 10, guild_id=1)
    await subscribe(store, 11, guild_id=1)
    await subscribe(store, 12, guild_id=2)
    assert (await service.for_preview(1, 11)).channel_id == 11
    assert (await service.for_preview(1, 99)).channel_id == 10  # the guild's first
    assert await service.for_preview(3, 10) is None
    assert [s.channel_id for s in await service.unsubscribe(guild_id=1, channel_id=10)] == [10]
    assert [s.channel_id for s in await service.active()] == [11, 12]
    assert (await service.for_channel(10)).active is False
    assert await service.for_channel(99) is None


async def test_the_config_channel_is_subscribed_until_an_editor_takes_it_over(backend: Backend):
    clock = Clock(T0)
    async with backend.open(clock=clock) as store:
        await _config_subscription_steps(store, clock)


async def _config_subscription_steps(store: Store, clock: Clock) -> None:
    service = subscriptions(store)
    conf = DigestSettings(channel_id=10, time="08:00", timezone="UTC")
    assert await service.ensure_from_config(DigestSettings(), guild_id=1) is None
    first = await service.ensure_from_config(conf, guild_id=1)
    assert (first.created_by, first.time) == (CONFIG_AUTHOR, "08:00")
    clock.advance(hours=1)
    assert await service.ensure_from_config(conf, guild_id=1) == first  # unchanged: no write
    moved = await service.ensure_from_config(conf.model_copy(update={"time": dt.time(9)}), 1)
    assert (moved.id, moved.time) == (first.id, "09:00")
    await subscribe(store, 10, by="Vera", time="07:00")
    assert (await service.ensure_from_config(conf, guild_id=1)).created_by == "Vera"
    await service.unsubscribe(guild_id=None, channel_id=10)
    assert (await service.ensure_from_config(conf, guild_id=1)).active is False

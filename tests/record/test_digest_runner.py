"""bot.record.digest_runner: on time in real zones, exactly once through crashes and downtime.

A real SQLite file (reopened after each simulated crash), a controllable clock, and a
fake channel that keeps Discord's nonce rule; the runner is the real one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.record.digest import record_hashes
from bot.record.digest_runner import DigestRunner, digest_nonce
from cogs.utils.digest_rendering import render_digest_messages
from tests.digest_support import (
    Clock,
    Crash,
    FakeChannels,
    engine_for,
    mini,
    new_claim,
    with_claims,
)
from tests.store_backends import Backend, open_target

PARIS, NEW_YORK = 111, 222  # channel ids


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


class Desk:
    """One 'process': a store opened on the database file, and a runner over it."""

    def __init__(self, path: str, clock: Clock, channels: FakeChannels, claimset=None,
                 *, history: bool = True):
        self.path, self.clock, self.channels = path, clock, channels
        self.history = history
        self.claimset = claimset or mini()

    async def __aenter__(self) -> Desk:
        self._cm = open_target(self.path, clock=self.clock)
        self.store = await self._cm.__aenter__()
        self.runner = DigestRunner(
            self.store, lambda: engine_for(self.claimset), self.channels.send,
            render=render_digest_messages, clock=self.clock,
            find_sent=self.channels.find_sent if self.history else None,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        await self._cm.__aexit__(*exc)

    async def subscribe(self, channel_id: int, time: str, zone: str, *, empty: bool = True):
        return await self.store.digest_subscribe(
            channel_id=channel_id, guild_id=1, time=time, timezone=zone,
            post_when_empty=empty, by="editor", hashes=record_hashes(self.claimset),
            claimset="mini@1",
        )


async def killed_after_send(db: str, channels: FakeChannels) -> None:
    """Subscribe Paris at 08:00, then run the 23 Nov digest in a 'process' that dies right
    after Discord created its message (before it was recorded)."""
    clock = channels.clock
    async with Desk(db, clock, channels) as desk:
        await desk.subscribe(PARIS, "08:00", "Europe/Paris")
    clock.now = utc(2026, 11, 23, 7, 0)
    channels.crash_after_send = 1
    with pytest.raises(Crash):
        async with Desk(db, clock, channels) as desk:
            await desk.runner.tick()


@pytest.fixture
def db(backend: Backend) -> str:
    """The database every 'process' of a test opens: on SQLite, then on PostgreSQL."""
    return backend.target


async def test_fires_at_local_time_in_two_zones_across_the_dst_change(db):
    # Paris leaves summer time on 25 Oct 2026, New York on 1 Nov 2026.
    clock = Clock(utc(2026, 10, 23, 0, 0))
    channels = FakeChannels(clock)
    async with Desk(db, clock, channels) as desk:
        await desk.subscribe(PARIS, "08:00", "Europe/Paris")
        await desk.subscribe(NEW_YORK, "07:30", "America/New_York")
        while clock.now < utc(2026, 11, 4, 0, 0):
            await desk.runner.tick()
            clock.advance(minutes=5)
    for channel, zone, hhmm, days in ((PARIS, "Europe/Paris", "08:00", 12),
                                      (NEW_YORK, "America/New_York", "07:30", 12)):
        posts = channels.in_channel(channel)
        local = [m.at.astimezone(ZoneInfo(zone)) for m in posts]
        assert len(posts) == days  # one a day, never twice
        assert {t.strftime("%H:%M") for t in local} == {hhmm}
        assert len({t.date() for t in local}) == days
    paris_utc = {m.at.date(): m.at.hour for m in channels.in_channel(PARIS)}
    assert paris_utc[dt.date(2026, 10, 24)] == 6 and paris_utc[dt.date(2026, 10, 25)] == 7
    ny_utc = {m.at.date(): m.at.hour for m in channels.in_channel(NEW_YORK)}
    assert ny_utc[dt.date(2026, 10, 31)] == 11 and ny_utc[dt.date(2026, 11, 1)] == 12


async def test_a_crash_between_send_and_record_does_not_post_twice(db):
    clock = Clock(utc(2026, 11, 22, 12, 0))
    channels = FakeChannels(clock)
    async with Desk(db, clock, channels) as desk:
        await desk.subscribe(PARIS, "08:00", "Europe/Paris")
    clock.now = utc(2026, 11, 23, 7, 0)  # 08:00 in Paris
    channels.crash_after_send = 1
    with pytest.raises(Crash):
        async with Desk(db, clock, channels) as desk:
            await desk.runner.tick()
    assert len(channels.messages) == 1  # Discord has it; our record does not
    clock.advance(seconds=40)  # restarted within the nonce window; no history reading
    async with Desk(db, clock, channels, history=False) as desk:
        (outcome,) = await desk.runner.tick()
        assert outcome.state == "sent"
        assert await desk.runner.tick() == []
        run = await desk.store.digest_latest_run(1)
    assert len(channels.in_channel(PARIS)) == 1
    assert channels.requests == 2  # the retry reused the nonce and got the same message
    assert run.state == "sent" and run.message_id == channels.messages[0].id


async def test_after_the_nonce_expired_the_history_check_prevents_a_repost(db):
    clock = Clock(utc(2026, 11, 22, 12, 0))
    channels = FakeChannels(clock)
    await killed_after_send(db, channels)
    clock.advance(hours=2)  # long down: Discord forgot the nonce
    async with Desk(db, clock, channels) as desk:
        (outcome,) = await desk.runner.tick()
    assert outcome.state == "sent"
    assert len(channels.messages) == 1 and channels.requests == 1  # found, not resent


@pytest.mark.parametrize("crash_at", ["after_begin", "after_record"])
async def test_crashes_at_the_other_steps_resume_once(db, backend, monkeypatch, crash_at):
    Store = backend.store_class  # the class whose method the crash is patched into
    clock = Clock(utc(2026, 11, 22, 12, 0))
    channels = FakeChannels(clock)
    async with Desk(db, clock, channels) as desk:
        await desk.subscribe(PARIS, "08:00", "Europe/Paris")
    clock.now = utc(2026, 11, 23, 7, 1)
    target = "digest_begin_run" if crash_at == "after_begin" else "digest_record_message"
    original = getattr(Store, target)

    async def then_crash(self, *args, **kwargs):
        await original(self, *args, **kwargs)
        raise Crash(f"killed after {target}")

    monkeypatch.setattr(Store, target, then_crash)
    with pytest.raises(Crash):
        async with Desk(db, clock, channels) as desk:
            await desk.runner.tick()
    monkeypatch.setattr(Store, target, original)
    clock.advance(minutes=1)
    async with Desk(db, clock, channels) as desk:
        (outcome,) = await desk.runner.tick()
        assert await desk.runner.tick() == []
    assert outcome.state == "sent"
    assert len(channels.messages) == 1
    assert channels.requests == 1


async def test_downtime_across_the_scheduled_time_posts_exactly_one_catch_up(db):
    clock = Clock(utc(2026, 11, 19, 12, 0))
    channels = FakeChannels(clock)
    async with Desk(db, clock, channels) as desk:
        await desk.subscribe(PARIS, "08:00", "Europe/Paris")
        clock.now = utc(2026, 11, 20, 7, 0)
        await desk.runner.tick()  # the 20th, on time
    assert len(channels.messages) == 1
    clock.now = utc(2026, 11, 23, 15, 0)  # down across the 21st, 22nd and 23rd
    async with Desk(db, clock, channels) as desk:
        for _ in range(5):
            await desk.runner.tick()
            clock.advance(minutes=1)
        periods = [r.period for r in await desk.store.digest_runs(1)]
    assert len(channels.messages) == 2
    assert periods == [dt.date(2026, 11, 20), dt.date(2026, 11, 23)]
    assert channels.messages[1].nonce == digest_nonce(1, dt.date(2026, 11, 23), 0)
    assert "nothing new since 20 Nov 2026 08:00" in channels.messages[1].content


async def test_an_unfinished_run_overtaken_by_a_newer_period_is_abandoned(
    db, backend, monkeypatch
):
    Store = backend.store_class  # the class whose method the crash is patched into
    clock = Clock(utc(2026, 11, 21, 12, 0))
    channels = FakeChannels(clock)
    async with Desk(db, clock, channels) as desk:
        await desk.subscribe(PARIS, "08:00", "Europe/Paris")
    clock.now = utc(2026, 11, 22, 7, 0)
    original = Store.digest_begin_run

    async def then_crash(self, *args, **kwargs):
        await original(self, *args, **kwargs)
        raise Crash("killed before sending")

    monkeypatch.setattr(Store, "digest_begin_run", then_crash)
    with pytest.raises(Crash):
        async with Desk(db, clock, channels) as desk:
            await desk.runner.tick()
    monkeypatch.setattr(Store, "digest_begin_run", original)
    clock.now = utc(2026, 11, 24, 9, 0)  # back two days later
    async with Desk(db, clock, channels) as desk:
        await desk.runner.tick()
        await desk.runner.tick()
        runs = {r.period: r.state for r in await desk.store.digest_runs(1)}
    assert runs == {dt.date(2026, 11, 22): "abandoned", dt.date(2026, 11, 24): "sent"}
    assert len(channels.messages) == 1


async def test_two_processes_ticking_at_once_post_once(db):
    clock = Clock(utc(2026, 11, 22, 12, 0))
    channels = FakeChannels(clock)
    async with Desk(db, clock, channels) as desk:
        await desk.subscribe(PARIS, "08:00", "Europe/Paris")
    clock.now = utc(2026, 11, 23, 7, 0)
    async with Desk(db, clock, channels) as a, Desk(db, clock, channels) as b:
        await asyncio.gather(a.runner.tick(), b.runner.tick(), a.runner.tick())
    assert len(channels.messages) == 1


async def test_the_next_digest_shows_what_changed_and_who_changed_a_status(db):
    clock = Clock(utc(2026, 11, 22, 12, 0))
    channels = FakeChannels(clock)
    async with Desk(db, clock, channels) as desk:
        await desk.subscribe(PARIS, "08:00", "Europe/Paris", empty=False)
        clock.now = utc(2026, 11, 23, 7, 0)
        assert [o.state for o in await desk.runner.tick()] == ["skipped"]  # nothing new
        assert channels.messages == []
        # During the day: a claim revised, one added, an editor's ruling.
        revised = desk.claimset.claims["toll-167"].model_copy(
            update={"statement": "At least 167 people died, officials said."}
        )
        desk.claimset = with_claims(desk.claimset, revised, new_claim("arrests-more", "More."))
        clock.advance(hours=3)
        await desk.store.set_status("fighters-crossed", "misleading", reason="no proof shown",
                                    by="Vera (desk)")
        clock.now = utc(2026, 11, 24, 7, 0)
        (outcome,) = await desk.runner.tick()
        clock.now = utc(2026, 11, 25, 7, 0)
        (third,) = await desk.runner.tick()
    assert outcome.state == "sent" and third.state == "skipped"
    (post,) = channels.messages
    assert "`/claim query:arrests-more`" in post.content
    assert "revised" in post.content and "`/claim query:toll-167`" in post.content
    assert "Vera (desk)" in post.content and "Misleading" in post.content
    # Measured from the skipped (empty) run of the 23rd, not from the subscription.
    assert "since 23 Nov 2026 08:00 (Europe/Paris)" in post.content


async def test_a_failing_channel_is_retried_then_given_up(db):
    clock = Clock(utc(2026, 11, 22, 12, 0))
    channels = FakeChannels(clock)
    channels.fail_with = RuntimeError("403 Forbidden: Missing Access")
    async with Desk(db, clock, channels) as desk:
        await desk.subscribe(PARIS, "08:00", "Europe/Paris")
        desk.runner.max_attempts = 3
        clock.now = utc(2026, 11, 23, 7, 0)
        states = []
        for _ in range(5):
            states += [o.state for o in await desk.runner.tick()]
            clock.advance(minutes=1)
        (run,) = await desk.store.digest_runs(1)
    assert states == ["sending", "sending", "sending", "failed"]
    assert run.state == "failed" and "Missing Access" in run.last_error


async def test_a_multi_part_digest_resumes_from_the_part_it_stopped_at(db):
    clock = Clock(utc(2026, 11, 22, 12, 0))
    channels = FakeChannels(clock, nonce_window=dt.timedelta(0))  # no nonce help at all
    async with Desk(db, clock, channels) as desk:
        await desk.subscribe(PARIS, "08:00", "Europe/Paris")
    many = [new_claim(f"claim-{n:03d}", f"Claim number {n} " + "x" * 150) for n in range(14)]
    clock.now = utc(2026, 11, 23, 7, 0)
    channels.crash_after_send = 1
    with pytest.raises(Crash):
        async with Desk(db, clock, channels, with_claims(mini(), *many)) as desk:
            await desk.runner.tick()
    clock.advance(minutes=3)
    async with Desk(db, clock, channels, with_claims(mini(), *many)) as desk:
        (outcome,) = await desk.runner.tick()
        (run,) = await desk.store.digest_runs(1)
    assert outcome.state == "sent" and len(run.payload) >= 2
    assert [m.content for m in channels.messages] == run.payload  # each part once, in order
    assert [m.nonce for m in channels.messages] == [
        digest_nonce(1, dt.date(2026, 11, 23), i) for i in range(len(run.payload))
    ]


def test_nonces_fit_discord_and_differ_per_part_and_period():
    day = dt.date(2026, 11, 23)
    nonces = {digest_nonce(s, d, p) for s in (1, 99, 10**12) for d in (day, day.replace(day=24))
              for p in range(3)}
    assert len(nonces) == 18 and all(len(n) <= 25 for n in nonces)
    assert digest_nonce(1, day, 0) == digest_nonce(1, day, 0)


async def test_a_sigkill_between_send_and_record_does_not_post_twice(db, tmp_path):
    """Real process death: the run row must be on disk before the send, and resume."""
    import json
    import subprocess
    import sys

    clock = Clock(utc(2026, 11, 22, 12, 0))
    async with Desk(db, clock, FakeChannels(clock)) as desk:
        await desk.subscribe(PARIS, "08:00", "Europe/Paris")
    channel_file = tmp_path / "channel.jsonl"
    repo = Path(__file__).resolve().parents[2]

    def worker(now: dt.datetime, *flags: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "tests.digest_crash_worker", str(db), str(channel_file),
             now.isoformat(), *flags],
            cwd=repo, capture_output=True, text=True, timeout=120,
        )

    killed = worker(utc(2026, 11, 23, 7, 0), "kill-after-send")
    assert killed.returncode == -9, killed.stderr
    assert len(channel_file.read_text().splitlines()) == 1
    resumed = worker(utc(2026, 11, 23, 7, 1))
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout) == ["sent"]
    again = worker(utc(2026, 11, 23, 7, 2))
    assert json.loads(again.stdout) == []
    lines = [json.loads(line) for line in channel_file.read_text().splitlines()]
    assert len(lines) == 1 and lines[0]["nonce"] == digest_nonce(1, dt.date(2026, 11, 23), 0)
    async with Desk(db, clock, FakeChannels(clock)) as desk:
        (run,) = await desk.store.digest_runs(1)
    assert run.state == "sent" and run.message_id == lines[0]["id"] and run.attempts == 2


class SlowChannels(FakeChannels):
    """A channel whose sends take a while, so that two processes' ticks overlap."""

    async def send(self, channel_id: int, content: str, nonce: str) -> int:
        await asyncio.sleep(0.2)
        return await super().send(channel_id, content, nonce)


async def test_two_processes_resuming_one_run_at_once_send_it_once(postgres: Backend):
    """A run left 'sending' (its process killed): two processes tick at once; the
    claim lets one of them resume it, and the other sends nothing at all."""
    db = postgres.target
    clock = Clock(utc(2026, 11, 22, 12, 0))
    channels = SlowChannels(clock)
    await killed_after_send(db, channels)
    clock.advance(minutes=1)  # within the nonce window: a resume sends again (no history)
    async with (Desk(db, clock, channels, history=False) as a,
                Desk(db, clock, channels, history=False) as b):
        outcomes = await asyncio.gather(a.runner.tick(), b.runner.tick(), a.runner.tick())
        (run,) = await a.store.digest_runs(1)
    assert sorted(len(o) for o in outcomes) == [0, 0, 1]
    assert channels.requests == 2  # the killed send, and one resume: never two at once
    assert len(channels.messages) == 1 and run.state == "sent" and run.attempts == 2


async def test_only_the_process_owning_the_subscription_posts_it(db):
    clock = Clock(utc(2026, 11, 22, 12, 0))
    channels = FakeChannels(clock)
    async with Desk(db, clock, channels) as desk:
        sub = await desk.subscribe(PARIS, "08:00", "Europe/Paris")
    clock.now = utc(2026, 11, 23, 7, 0)
    async with Desk(db, clock, channels) as other, Desk(db, clock, channels) as owner:
        other.runner._owns = lambda s: s.id != sub.id  # another shard's guild
        owner.runner._owns = lambda s: s.id == sub.id
        assert await other.runner.tick() == []
        assert channels.requests == 0 and await other.store.digest_runs(sub.id) == []
        (outcome,) = await owner.runner.tick()
    assert outcome.state == "sent" and len(channels.messages) == 1

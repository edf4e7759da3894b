"""`run --watch` supervised: an error is logged and retried with backoff, never a silent
"clean" exit; too many in a row stop the bot with an error (non-zero exit)."""

from __future__ import annotations

import asyncio
import logging
import shutil
from pathlib import Path

import pytest

from bot.desk import open_desk
from bot.desk.watch import WatchFailed, watch_claimset
from bot.paths import SEEDS_DIR
from bot.settings import ClaimsetSettings, DatabaseSettings, Settings

CLAIM = "ms-others-claim-foreign-interference"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    shutil.copytree(SEEDS_DIR, tmp_path / "seeds")
    return Settings(
        claimset=ClaimsetSettings(path=tmp_path / "seeds" / "claimset.toml"),
        database=DatabaseSettings(path=tmp_path / "desk.sqlite3"),
    )


def damage(db: Path) -> dict[Path, bytes]:
    """Overwrite the database and its WAL files in place (a failing disk): reads fail."""
    saved = {}
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        saved[path] = path.read_bytes()
        path.write_bytes(b"\xa5" * len(saved[path]))
    return saved


def edit_claims(settings: Settings, old: str, new: str) -> None:
    path = settings.claimset.path.parent / "claims" / "evidence.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


async def wait_for(predicate, seconds: float = 10.0) -> bool:
    for _ in range(int(seconds / 0.02)):
        if predicate():
            return True
        await asyncio.sleep(0.02)
    return predicate()


async def test_a_database_read_error_is_logged_and_retried_until_it_recovers(
    settings: Settings, caplog: pytest.LogCaptureFixture
):
    db = settings.database.path
    async with open_desk(settings) as desk:
        await desk.require_editorial().set_status(CLAIM, "false", "why", by="Ed")
        first = desk.engine
        task = asyncio.create_task(
            watch_claimset(desk, settings.claimset.path, interval=0.02, first_retry=0.05,
                           max_retry=0.1, give_up_after=1000)
        )
        try:
            await asyncio.sleep(0.1)  # the first look
            saved = damage(db)
            with caplog.at_level(logging.ERROR, logger="bot.desk.watch"):
                edit_claims(settings, "among others,", "and others,")
                assert await wait_for(lambda: caplog.text.count("retrying in") >= 3)
            assert not task.done()  # the watcher lives on, the bot with it
            line = next(r.getMessage() for r in caplog.records if "retrying in" in r.getMessage())
            assert line.startswith(f"watch of {settings.claimset.path}: DatabaseError: file is "
                                   "not a database; retrying in 0.05 s (failure 1 of 1000)")
            assert "retrying in 0.1 s" in caplog.text  # backoff, capped
            assert desk.engine is first
            for path, data in saved.items():  # the disk is back
                path.write_bytes(data)
            assert await wait_for(lambda: desk.engine is not first)
            assert "and others," in desk.engine.claim_by_id(CLAIM).statement
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


async def test_after_too_many_failures_in_a_row_the_watcher_stops_with_one_line(
    settings: Settings,
):
    async with open_desk(settings) as desk:
        await desk.require_editorial().set_status(CLAIM, "false", "why", by="Ed")
        task = asyncio.create_task(
            watch_claimset(desk, settings.claimset.path, interval=0.02, first_retry=0.01,
                           max_retry=0.02, give_up_after=3)
        )
        await asyncio.sleep(0.1)
        damage(settings.database.path)
        edit_claims(settings, "among others,", "and others,")
        with pytest.raises(WatchFailed) as failed:
            await asyncio.wait_for(task, 10)
    assert str(failed.value) == (f"watch of {settings.claimset.path}: DatabaseError: file is not "
                                 "a database (3 failures in a row)")


async def test_serve_reports_a_dead_watcher_or_a_task_that_ended_as_a_failure():
    from bot.client import TaskEnded, _why_stopped

    async def fails() -> None:
        raise WatchFailed("watch of x: gave up")

    async def returns() -> None:
        return None

    stop = asyncio.Event()
    watcher = asyncio.create_task(fails(), name="watch")
    stopper = asyncio.create_task(stop.wait(), name="stop")
    await asyncio.wait({watcher})
    assert isinstance(_why_stopped({watcher}, stopped=False), WatchFailed)
    ended = asyncio.create_task(returns(), name="bot")
    await ended
    assert isinstance(_why_stopped({ended}, stopped=False), TaskEnded)
    stop.set()
    await stopper
    assert _why_stopped({stopper}, stopped=True) is None
    assert _why_stopped({stopper, ended}, stopped=True) is None  # SIGTERM: a clean exit

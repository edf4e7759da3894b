"""Two desks on one PostgreSQL, as two bot processes: each sees the other's rulings at
once and reloads when the other's editor asks (bot.desk.changes, LISTEN/NOTIFY)."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

from bot.desk import Desk, open_desk
from bot.desk.changes import follow_changes
from bot.paths import SEEDS_DIR
from bot.settings import Settings
from tests.store_backends import Backend

CLAIM = "ms-others-claim-foreign-interference"


@contextlib.asynccontextmanager
async def process(url: str, seeds: Path) -> AsyncIterator[Desk]:
    """One bot process's desk, following the others' changes."""
    settings = Settings.model_validate({"claimset": {"path": seeds}, "database": {"url": url}})
    async with open_desk(settings) as desk:
        assert desk.change_feed is not None
        task = asyncio.create_task(follow_changes(desk, desk.change_feed))
        try:
            yield desk
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def until(predicate: object, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():  # type: ignore[operator]
            await asyncio.sleep(0.01)


async def test_a_ruling_and_a_reload_in_one_process_reach_the_other(
    postgres: Backend, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds)
    async with process(postgres.target, seeds) as a, process(postgres.target, seeds) as b:
        await asyncio.sleep(0.2)  # both listening
        await a.require_editorial().set_status(CLAIM, "false", "no statement is cited",
                                               by="Vera")
        # Well inside the 5 s poll of cogs.editorial: the notification did it.
        await until(lambda: (b.engine.claim_by_id(CLAIM).status == "false"), timeout=2.0)
        served = b.engine
        manifest = seeds / "claimset.toml"
        manifest.write_text(manifest.read_text().replace('version = "', 'version = "9', 1))
        report = await a.reload()
        assert report.ok and await a.announce_reload()
        await until(lambda: b.engine is not served, timeout=5.0)
        assert b.claimset.version == a.claimset.version == report.version

"""Hot reload: a good claim set replaces the old one; a broken one changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.claimset.model import ClaimSet
from bot.desk.reload import reload_engine
from bot.paths import SEEDS_DIR


class Engine:
    """Stands in for bot.engine.Factdesk: what reload needs is ``.claimset``."""

    def __init__(self, claimset: ClaimSet) -> None:
        self.claimset = claimset

    def statement(self, claim_id: str) -> str:
        return self.claimset.claims[claim_id].statement


CLAIM = "ms-others-claim-foreign-interference"


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    root = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, root)
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_good_edit_is_swapped_in(seeds: Path):
    from bot.claimset.loader import load_claimset

    engine = Engine(load_claimset(seeds))
    _edit(seeds / "claimset.toml", 'version = "', 'version = "9-')
    _edit(seeds / "claims" / "evidence.toml", "China, Armenia and Cuba, among others,",
          "China, Armenia and Cuba, and others,")
    new, report = reload_engine(seeds, engine, Engine, editorial_ids=[CLAIM, "gone-claim"])
    assert report.ok and new is not engine
    assert new.statement(CLAIM).startswith("China, Armenia and Cuba, and others,")
    assert report.version.startswith("9-") and report.previous_version == engine.claimset.version
    assert report.orphans == ["gone-claim"]
    assert "gone-claim" in report.text() and "reloaded" in report.text()


def test_broken_claim_file_keeps_the_last_good_set_and_names_the_problem(seeds: Path):
    from bot.claimset.loader import load_claimset

    engine = Engine(load_claimset(seeds))
    before = engine.statement(CLAIM)
    _edit(seeds / "claims" / "evidence.toml", 'status = "single_source"', 'status = "sure"')
    new, report = reload_engine(seeds, engine, Engine)
    assert new is engine and not report.ok
    assert engine.statement(CLAIM) == before
    assert report.version == engine.claimset.version
    [problem] = report.problems
    assert problem["file"].endswith("evidence.toml") and problem["line"]
    assert problem["id"] == CLAIM and problem["field"] == "evidence.status"
    text = report.text()
    assert "NOT reloaded" in text and "evidence.toml:" in text and CLAIM in text


def test_unparsable_file_keeps_the_old_set(seeds: Path):
    from bot.claimset.loader import load_claimset

    engine = Engine(load_claimset(seeds))
    (seeds / "claims" / "timeline.toml").write_text("[[claims]\nid = ", encoding="utf-8")
    new, report = reload_engine(seeds, engine, Engine)
    assert new is engine and not report.ok
    assert report.error and "timeline.toml" in report.error and "\n" not in report.error


def test_removed_claim_is_reported_as_orphan(seeds: Path):
    from bot.claimset.loader import load_claimset

    engine = Engine(load_claimset(seeds))
    path = seeds / "claims" / "evidence.toml"
    text = path.read_text(encoding="utf-8")
    start = text.index("[[claims]]")
    end = text.index("[[claims]]", start + 1)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    new, report = reload_engine(seeds, engine, Engine, editorial_ids=[CLAIM])
    assert report.ok, report.text()
    assert CLAIM not in new.claimset.claims
    assert report.orphans == [CLAIM]


def _desk(seeds: Path):
    from bot.desk import Desk
    from bot.settings import ClaimsetSettings, Settings

    settings = Settings(claimset=ClaimsetSettings(path=seeds))
    from bot.answers.engine import Factdesk
    from bot.claimset.loader import load_claimset

    return Desk(settings, Factdesk(load_claimset(seeds)))


async def test_desk_reload_swaps_only_on_success(seeds: Path):
    bot = _desk(seeds)
    first = bot.engine
    _edit(seeds / "claims" / "evidence.toml", 'speaker = "morning-star"', 'speaker = "nobody-x"')
    report = await bot.reload()
    assert not report.ok and bot.engine is first
    assert any(p["field"] == "speaker" for p in report.problems)
    _edit(seeds / "claims" / "evidence.toml", 'speaker = "nobody-x"', 'speaker = "morning-star"')
    report = await bot.reload()
    assert report.ok and bot.engine is not first


async def test_run_watch_reloads_on_change_and_keeps_the_old_set_on_errors(seeds: Path, caplog):
    import asyncio
    import logging

    from bot.desk.watch import watch_claimset

    bot = _desk(seeds)
    first = bot.engine
    task = asyncio.create_task(watch_claimset(bot, seeds, interval=0.05))
    try:
        await asyncio.sleep(0.2)  # let the watcher take its first look
        path = seeds / "claims" / "evidence.toml"
        good = path.read_text(encoding="utf-8")
        with caplog.at_level(logging.ERROR, logger="bot.desk.watch"):
            path.write_text(good.replace('status = "single_source"', 'status = "sure"', 1) + "\n",
                            encoding="utf-8")
            for _ in range(100):
                await asyncio.sleep(0.05)
                if "NOT reloaded" in caplog.text:
                    break
        assert "NOT reloaded" in caplog.text and "evidence.status" in caplog.text
        assert bot.engine is first and bot.engine.claim_by_id(CLAIM) is not None
        path.write_text(good.replace("among others,", "and others,", 1), encoding="utf-8")
        for _ in range(100):
            await asyncio.sleep(0.05)
            if bot.engine is not first:
                break
        assert bot.engine is not first
        assert "and others," in bot.engine.claim_by_id(CLAIM).statement
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

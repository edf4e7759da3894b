"""The load benchmark's harness works end to end on a small burst (numbers are not asserted)."""

from __future__ import annotations

import pytest

from bench import load
from tests.e2e.bot_process import bot_command_missing
from tests.e2e.spec_check import SpecChecker

pytestmark = pytest.mark.e2e


def test_plan_keeps_the_mix_and_the_count():
    kinds = [kind for kind, _ in load.plan(200)]
    assert len(kinds) == 200
    assert (kinds.count("claim"), kinds.count("figures"), kinds.count("autocomplete")) == (
        80, 60, 60)


async def test_a_small_burst_is_answered_and_summarised():
    if bot_command_missing():
        pytest.skip(bot_command_missing())
    rows = await load.measure([6], rate=20.0, spec_check=True, timeout=30.0)
    assert [(r.mode, r.count, r.answered) for r in rows] == [("burst", 6, 6), ("steady", 6, 6)]
    assert all(0 < r.p50_ms <= r.p99_ms <= r.max_ms for r in rows)


async def test_two_shard_processes_share_the_burst(postgres):
    if bot_command_missing():
        pytest.skip(bot_command_missing())
    rows = await load.measure([6], rate=20.0, spec_check=True, timeout=30.0, processes=2,
                              database_url=postgres.target)
    assert [(r.processes, r.mode, r.answered) for r in rows] == [
        (2, "burst", 6), (2, "steady", 6)]


async def test_without_the_spec_check_requests_are_still_routed():
    if bot_command_missing():
        pytest.skip(bot_command_missing())
    rows = await load.measure([4], rate=20.0, spec_check=False, timeout=30.0)
    assert [(r.mode, r.answered, r.spec_check) for r in rows] == [
        ("burst", 4, False), ("steady", 4, False)]
    assert SpecChecker.load().check("POST", "/api/v10/nowhere", None)[1]  # others still check

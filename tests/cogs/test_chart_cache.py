"""The /figures chart is drawn once per answer, one drawing at a time, shared by askers."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.answers.engine import Factdesk
from cogs import figures as figures_cog


async def test_a_burst_of_the_same_answer_draws_once(desk: Factdesk, monkeypatch) -> None:
    answer = desk.figures("death toll")
    other = desk.figures("arrests")
    drawn: list[str] = []
    running = 0
    most = 0
    lock = threading.Lock()

    def draw(a):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            threading.Event().wait(0.05)
            drawn.append(a.query)
            return f"png:{a.query}".encode()
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(figures_cog, "_draw", draw)
    charts = figures_cog.ChartCache()
    results = await asyncio.gather(*[charts.png(answer) for _ in range(10)],
                                   *[charts.png(other) for _ in range(5)])
    assert results[:10] == [b"png:death toll"] * 10 and results[10:] == [b"png:arrests"] * 5
    assert sorted(drawn) == ["arrests", "death toll"]  # one drawing per distinct answer
    assert most == 1  # never two drawings at once
    assert await charts.png(answer) == b"png:death toll" and len(drawn) == 2  # kept


async def test_a_failed_drawing_is_not_kept(desk: Factdesk, monkeypatch) -> None:
    calls = []

    def draw(a):
        calls.append(a)
        raise ValueError("no")

    monkeypatch.setattr(figures_cog, "_draw", draw)
    charts = figures_cog.ChartCache()
    answer = desk.figures("death toll")
    assert await figures_cog.chart_upload(answer, charts) is None
    with pytest.raises(ValueError):
        await charts.png(answer)
    assert len(calls) == 2  # tried again, not cached

"""``python -m bench.figures --size 100000``: the time of /figures, with and without its chart.

The claim set is the benchmark's own (:func:`bench.__main__.prepare`: generated and
cached in ``bench/out/data/<size>/``, one figure per ten claims, spread over the
generator's figure topics). Loaded once, then for each figure topic, ``--repeat`` times:

- ``handler``: what the cog does before sending: ``Factdesk.figures(topic)`` (the
  engine keeps each topic's answer: the claim set never changes under it) and the
  Discord pages (embeds serialised with ``to_dict()``);
- ``first_answer``: ``Factdesk.figures(topic)`` worked out from the claim set, as on
  the first call after a load or reload (the engine's kept answers cleared);
- ``text``: the CLI's text rendering of that answer (every figure in full);
- ``chart``: :func:`bot.rendering.chart.render_png` on that answer (matplotlib already
  imported: its first import is timed once, apart).

Each call is stopped being repeated once a topic's calls pass ``--budget`` seconds (at
least one call each): the rows say how many calls were timed. Prints one JSON object.

``--chart-only`` times the chart alone on its input built without the reasoning (each
figure's row, grouped by scope, each group's envelope).
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench.__main__ import ROOT, prepare

log = logging.getLogger(__name__)


def _percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


_CPU: list[float] = []  # CPU milliseconds of every timed call, beside its wall time


def _timed(fn: Callable[[], object], repeat: int, budget: float) -> list[float]:
    """Wall milliseconds per call, ``repeat`` calls or until ``budget`` seconds are
    spent; each call's CPU time goes to ``_CPU`` (a shared machine's wall time is not
    the code's)."""
    out: list[float] = []
    spent = 0.0
    _CPU.clear()
    while len(out) < repeat and (not out or spent < budget):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        took = time.perf_counter() - start
        _CPU.append((time.process_time() - cpu) * 1000)
        spent += took
        out.append(took * 1000)
    return out


def _summary(name: str, values: Sequence[float], cpu: Sequence[float] = ()) -> dict[str, Any]:
    out = {
        "metric": name, "calls": len(values),
        "p50_ms": round(statistics.median(values), 2),
        "p99_ms": round(_percentile(values, 0.99), 2),
        "max_ms": round(max(values), 2),
    }
    if cpu:
        out["cpu_p50_ms"] = round(statistics.median(cpu), 2)
        out["cpu_p99_ms"] = round(_percentile(cpu, 0.99), 2)
    return out


def chart_input(claimset: Any, topic: str) -> Any:
    """What the chart reads, without comparing pairs: rows grouped by scope group."""
    from bot.answers import figures as figures_mod
    from bot.answers.models import FigureGroup, FiguresAnswer

    figs = sorted((f for f in claimset.figures.values() if f.topic == topic),
                  key=lambda f: (f.as_of, f.source, f.id))
    groups: dict[str, list[Any]] = {}
    for f in figs:
        groups.setdefault(figures_mod.scope_group(f.scope), []).append(f)
    return FiguresAnswer(
        query=topic, topic=topic, topic_label=claimset.topics[topic].label,
        figures=[figures_mod.row(f, claimset) for f in figs],
        groups=[FigureGroup(scope=g, figures=[f.id for f in members],
                            current=[f.id for f in members],
                            envelope=figures_mod.envelope(members))
                for g, members in sorted(groups.items(), key=lambda kv: -len(kv[1]))],
    )


def measure_chart_only(data_dir: Path, repeat: int, budget: float) -> dict[str, Any]:
    from bot.claimset.loader import load_claimset
    from bot.rendering.chart import render_png

    claimset = load_claimset(data_dir)
    rows, every, every_cpu = [], [], []
    for topic in sorted({f.topic for f in claimset.figures.values()}):
        answer = chart_input(claimset, topic)
        render_png(answer)  # warm
        charts = _timed(lambda a=answer: render_png(a), repeat, budget)  # type: ignore[misc]
        every += charts
        every_cpu += _CPU
        rows.append({"topic": topic, "figures": len(answer.figures),
                     "groups": len(answer.groups), "chart": _summary("chart", charts, _CPU)})
    return {"claims": len(claimset.claims), "figures": len(claimset.figures),
            "chart": _summary("chart", every, every_cpu), "topics": rows}


def measure(data_dir: Path, repeat: int, budget: float) -> dict[str, Any]:
    from bot.answers.engine import Factdesk
    from bot.claimset.loader import load_claimset
    from bot.rendering.text import render as render_text
    from cogs.utils.rendering import render as render_pages

    start = time.perf_counter()
    claimset = load_claimset(data_dir)
    engine = Factdesk(claimset)
    load_s = time.perf_counter() - start
    topics = sorted({f.topic for f in claimset.figures.values()})

    def handler(topic: str) -> Any:
        """What the cog does before sending: the answer and its Discord pages."""
        answer = engine.figures(topic)
        [[e.to_dict() for e in page.embeds] for page in render_pages(answer, version="bench")]
        return answer

    def first_answer(topic: str) -> Any:
        """The answer worked out from the claim set (a fresh engine caches none)."""
        engine._figures_answers.clear()
        return engine.figures(topic)

    from bot.rendering.chart import render_png
    rows: list[dict[str, Any]] = []
    every_handler: list[float] = []
    every_first: list[float] = []
    every_text: list[float] = []
    every_chart: list[float] = []
    for topic in topics:
        answer = handler(topic)  # warm, and the answer the chart draws
        calls = _timed(lambda t=topic: handler(t), repeat, budget)  # type: ignore[misc]
        calls_cpu = list(_CPU)
        firsts = _timed(lambda t=topic: first_answer(t), repeat, budget)  # type: ignore[misc]
        firsts_cpu = list(_CPU)
        texts = _timed(lambda a=answer: render_text(a), repeat, budget)  # type: ignore[misc]
        texts_cpu = list(_CPU)
        engine.figures(topic)  # cached again for the chart and the next topic
        charts = _timed(lambda a=answer: render_png(a), repeat, budget)  # type: ignore[misc]
        every_handler += calls
        every_first += firsts
        every_text += texts
        every_chart += charts
        pairs = len(answer.comparisons)
        rows.append({"topic": topic, "figures": len(answer.figures), "pairs": pairs,
                     "handler": _summary("handler", calls, calls_cpu),
                     "first_answer": _summary("first_answer", firsts, firsts_cpu),
                     "text": _summary("text", texts, texts_cpu),
                     "chart": _summary("chart", charts, _CPU)})
        log.info("%s: %d figures, handler p50 %.1f ms, chart p50 %.1f ms", topic,
                 len(answer.figures), statistics.median(calls), statistics.median(charts))
    return {
        "claims": len(claimset.claims), "figures": len(claimset.figures),
        "load_s": round(load_s, 2),
        "handler": _summary("handler", every_handler),
        "first_answer": _summary("first_answer", every_first),
        "text": _summary("text", every_text), "chart": _summary("chart", every_chart),
        "topics": rows,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.figures",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="claims (figures: a tenth)")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=50, help="calls timed per topic")
    parser.add_argument("--budget", type=float, default=20.0,
                        help="seconds per topic and measure before it stops repeating")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--chart-only", action="store_true",
                        help="time the chart alone, on its input built without the reasoning")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # the same data (and cache) as `python -m bench` with its default query counts
    data_dir, _queries, _rows = prepare(args.size, args.seed, 80, 1000, args.out / "data")
    run = measure_chart_only if args.chart_only else measure
    print(json.dumps(run(data_dir, args.repeat, args.budget), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Memory of several stories in one process, and what unloading the idle ones gives back.

    .venv/bin/python -m bench.stories [--stories 4] [--size 1000] [--seed 7] [--json]

One synthetic claim set of ``--size`` claims (bench/generate.py) is copied into
``--stories`` stories. Through the real desk (:func:`bot.desk.open_desk`,
:class:`bot.desk.stories.Stories`) it measures:

- the first question of each story that is not loaded yet (its load, validation and
  index build, in the worker thread; wall time);
- the Python heap (``tracemalloc``, every live allocation) with only the first story
  loaded, with every story loaded, and after the idle ones were unloaded
  (``[claimset] idle_unload_minutes``, the clock moved past it), plus the process's RSS
  at each step (which the allocator gives back to the system only in part).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from bench.generate import generate
from bench.worker import _rss_mb

log = logging.getLogger(__name__)


def heap_mb() -> float:
    gc.collect()
    return tracemalloc.get_traced_memory()[0] / 1e6


class Clock:
    def __init__(self) -> None:
        self.now = time.monotonic()

    def __call__(self) -> float:
        return self.now


def settings_for(root: Path, names: list[str]) -> Any:
    from bot.settings import Settings

    return Settings.model_validate({
        "claimset": {"idle_unload_minutes": 1},
        "database": {"path": root / "desk.sqlite3"},
        "stories": [{"id": n, "title": f"Story {n}", "path": root / n} for n in names],
    })


async def measure(root: Path, names: list[str]) -> dict[str, Any]:
    from bot.desk import open_desk

    settings = settings_for(root, names)
    out: dict[str, Any] = {"stories": len(names)}
    # Timing first (no tracing: tracemalloc slows every allocation down).
    async with open_desk(settings) as desk:
        stories = desk.stories
        assert stories is not None
        firsts = []
        for name in names[1:]:
            t = time.perf_counter()
            await stories.desk(name, 1)
            firsts.append(time.perf_counter() - t)
        t = time.perf_counter()
        await stories.desk(names[-1], 2)  # loaded: another server is only its record
        out["first_ask_s"] = round(sum(firsts) / len(firsts), 3)
        out["loaded_ask_ms"] = round((time.perf_counter() - t) * 1000, 2)
    tracemalloc.start()
    try:
        async with open_desk(settings) as desk:
            stories = desk.stories
            assert stories is not None
            clock = stories._clock = Clock()
            out["heap_one_mb"], out["rss_one_mb"] = round(heap_mb(), 1), round(_rss_mb(), 1)
            for name in names[1:]:
                await stories.desk(name, 1)
            out["heap_all_mb"], out["rss_all_mb"] = round(heap_mb(), 1), round(_rss_mb(), 1)
            clock.now += 61
            gone = stories.unload_idle()
            out["unloaded"] = len(gone)
            out["heap_after_unload_mb"] = round(heap_mb(), 1)
            out["rss_after_unload_mb"] = round(_rss_mb(), 1)
    finally:
        tracemalloc.stop()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stories", description=__doc__)
    parser.add_argument("--stories", type=int, default=4, help="how many stories (>= 2)")
    parser.add_argument("--size", type=int, default=1000, help="claims per story")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.stories < 2:
        parser.error("--stories must be at least 2")
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="factdesk-stories-") as tmp:
        root = Path(tmp)
        generate(args.size, args.seed, root / "base")
        names = [f"s{i}" for i in range(args.stories)]
        for name in names:
            shutil.copytree(root / "base", root / name)
        result = asyncio.run(measure(root, names))
    result["claims_per_story"] = args.size
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    n = result["stories"]
    print(f"{n} stories of {args.size} claims: first question of a story not loaded "
          f"{result['first_ask_s']} s (load, validate, index); a loaded story for another "
          f"server {result['loaded_ask_ms']} ms")
    print(f"Python heap: 1 story loaded {result['heap_one_mb']} MB, all {n} "
          f"{result['heap_all_mb']} MB, after unloading {result['unloaded']} idle "
          f"{result['heap_after_unload_mb']} MB")
    print(f"RSS: {result['rss_one_mb']} MB, {result['rss_all_mb']} MB, "
          f"{result['rss_after_unload_mb']} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Time bot.claimset.loader.load_claimset (and optionally the engine build) on one claim set.

    .venv/bin/python -m bench.time_loader bench/out/data/100000 [--build] [--profile OUT]
        [--cache DIR] [--trace] [--builds N]

Prints wall time per phase, the peak RSS (ru_maxrss) and the traced size of the loaded set.
``--builds N`` builds the engine N more times over the same loaded set, each with its
process CPU and wall time (the loaded set frozen out of the collector first, so each
build is timed alone): on a shared machine, the least CPU of a few is the steadiest.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import logging
import pstats
import resource
import sys
import time
import tracemalloc
from pathlib import Path

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    parser.add_argument("--build", action="store_true", help="also build the answer engine")
    parser.add_argument("--profile", type=Path, help="write a cProfile report of the load")
    parser.add_argument("--cache", type=Path, help="load_claimset(cache_dir=CACHE)")
    parser.add_argument("--trace", action="store_true", help="tracemalloc the loaded set")
    parser.add_argument("--builds", type=int, default=0,
                        help="build the engine this many times more, each timed (CPU, wall)")
    args = parser.parse_args(argv)

    from bot.answers.engine import Factdesk
    from bot.claimset.loader import load_claimset

    if args.trace:
        tracemalloc.start()
    prof = cProfile.Profile() if args.profile else None
    t0 = time.perf_counter()
    if prof:
        prof.enable()
    claimset = load_claimset(args.path, cache_dir=args.cache)
    if prof:
        prof.disable()
    t1 = time.perf_counter()
    print(f"load   {t1 - t0:7.2f} s  ({len(claimset.claims)} claims)")
    if args.trace:
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
        print(f"traced {current / 2**20:7.1f} MB held, {peak / 2**20:7.1f} MB peak")
        tracemalloc.stop()
    if args.build:
        t2 = time.perf_counter()
        Factdesk(claimset)
        print(f"build  {time.perf_counter() - t2:7.2f} s")
    if args.builds > 0:
        gc.collect()
        gc.freeze()  # the loaded set: no build's collections walk it
        for i in range(args.builds):
            cpu, wall = time.process_time(), time.perf_counter()
            engine = Factdesk(claimset)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            print(f"build {i + 1}  {cpu:7.3f} s CPU  {wall:7.3f} s wall")
            del engine
            gc.collect()
    if prof:
        with args.profile.open("w") as out:
            pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(60)
            pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(40)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS {rss / 1024:7.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

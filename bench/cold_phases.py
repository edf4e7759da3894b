"""CPU time of each phase of a cold load + engine build, each validation rule on its own.

    .venv/bin/python -m bench.cold_phases bench/out/data/100000 [--repeat 1]

Process CPU time (time.process_time), not wall time: the machine is shared, and the
CPU a process is given does not depend on what else runs. The phases are those of
:func:`bot.claimset.loader.load_files`, run in the same order under the same paused
garbage collector, then :class:`bot.answers.engine.Factdesk`.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import sys
import time
from pathlib import Path

log = logging.getLogger(__name__)


def run_once(path: Path) -> dict[str, float]:
    """Seconds of CPU per phase for one cold load and build of the claim set at ``path``."""
    from bot.answers.engine import Factdesk
    from bot.claimset.building import build_claimset
    from bot.claimset.gc_pause import paused_gc
    from bot.claimset.reading import Reader, read_files, read_manifest
    from bot.claimset.records import LoadState
    from bot.claimset.rules import RULES, clear_memos
    from bot.claimset.tables import validate_manifest

    times: dict[str, float] = {}
    clock = time.process_time
    with paused_gc():
        start = t = clock()
        state = LoadState()
        reader = Reader()
        manifest_file = read_manifest(reader, path.absolute())
        manifest = validate_manifest(state, manifest_file)
        read_files(reader, state, manifest_file)
        times["read (parse + validate + compact)"] = clock() - t
        t = clock()
        if manifest is not None:
            state.claimset = build_claimset(state, manifest, manifest_file.path.parent)
        times["build_claimset"] = clock() - t
        for rule in RULES:
            t = clock()
            rule(state)
            times[f"rule {rule.__name__}"] = clock() - t
        clear_memos()  # as run_rules does
        times["load total"] = clock() - start
    if state.problems or state.claimset is None:
        print(f"{len(state.problems)} problems", file=sys.stderr)
        return times
    t = clock()
    Factdesk(state.claimset)
    times["engine build"] = clock() - t
    times["load + build total"] = clock() - start
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    args = parser.parse_args(argv)
    times = run_once(args.path)
    for name, secs in times.items():
        print(f"{secs:7.3f} s  {name}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS {rss / 1024:.1f} MB; load average {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

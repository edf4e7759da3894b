"""One engine on one claim set, in its own process: ``python -m bench.worker ...``.

Run by the harness in a fresh subprocess so that the peak RSS it reports
(``ru_maxrss`` of this process) belongs to this engine and this size alone. Writes its
rows as JSON to ``--out``.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import resource
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

Row = dict[str, Any]


def percentile(samples: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty sample."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), -(-len(ordered) * p // 100)))
    return ordered[int(rank) - 1]


def _rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _latencies(fn: Callable[[str], object], inputs: Sequence[str]) -> tuple[list[float], list]:
    out_ms, results = [], []
    clock = time.perf_counter
    for text in inputs:
        t = clock()
        res = fn(text)
        out_ms.append((clock() - t) * 1000)
        results.append(res)
    return out_ms, results


def _accuracy(rows: list[Row], prefix: str, queries: Sequence[dict[str, Any]],
              results: Sequence[list[str]], row: Callable[[str, float], Row]) -> None:
    kinds: dict[str, list[tuple[bool, bool]]] = {}
    for q, ids in zip(queries, results, strict=True):
        answers = set(q["answers"])
        hit1 = bool(answers & set(ids[:1]))
        hit3 = bool(answers & set(ids[:3]))
        kinds.setdefault(q["kind"], []).append((hit1, hit3))
        kinds.setdefault("all", []).append((hit1, hit3))
    for kind, hits in kinds.items():
        suffix = "" if kind == "all" else f"[{kind}]"
        rows.append(row(f"{prefix}_top1_pct{suffix}", 100 * sum(h[0] for h in hits) / len(hits)))
        rows.append(row(f"{prefix}_top3_pct{suffix}", 100 * sum(h[1] for h in hits) / len(hits)))


def profile(engine_name: str, data_dir: Path, queries_file: Path, max_search: int,
            max_complete: int, out: Path, top: int = 30) -> None:
    """cProfile each phase (load, index build, search, autocomplete) into ``out``."""
    import cProfile
    import io
    import pstats

    from bench.engines import make

    spec = json.loads(queries_file.read_text(encoding="utf-8"))
    texts = [q["text"] for q in spec["queries"][:max_search]]
    keystrokes = spec["complete_inputs"][:max_complete]
    engine = make(engine_name)
    phases: list[tuple[str, Callable[[], object]]] = [
        ("load", lambda: engine.load(data_dir)),
        ("index build", engine.build),
        (f"search x{len(texts)}", lambda: [engine.search(t) for t in texts]),
        (f"autocomplete x{len(keystrokes)}", lambda: [engine.complete(t) for t in keystrokes]),
    ]
    report = []
    for name, fn in phases:
        prof = cProfile.Profile()
        t = time.perf_counter()
        prof.runcall(fn)
        wall = time.perf_counter() - t
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf)
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top // 2)
        report.append(f"===== {engine_name} {spec['size']:,} claims: {name} "
                      f"({wall:.2f} s under cProfile) =====\n{buf.getvalue()}")
    out.write_text("\n".join(report), encoding="utf-8")


def run(engine_name: str, data_dir: Path, queries_file: Path, max_search: int,
        max_complete: int) -> list[Row]:
    from bench.engines import make

    spec = json.loads(queries_file.read_text(encoding="utf-8"))
    size = int(spec["size"])
    queries = spec["queries"][:max_search]
    keystrokes = spec["complete_inputs"][:max_complete]
    rows: list[Row] = []

    def row(metric: str, value: float | str) -> Row:
        if isinstance(value, float):
            value = round(value, 4)
        return {"engine": engine_name, "size": size, "metric": metric, "value": value}

    engine = make(engine_name)
    engine.prepare(data_dir)
    rows.append(row("rss_before_load_mb", _rss_mb()))
    t0 = time.perf_counter()
    engine.load(data_dir)
    t1 = time.perf_counter()
    engine.build()
    t2 = time.perf_counter()
    engine.search(queries[0]["text"] if queries else "almaty")  # lazy parts, if any
    t3 = time.perf_counter()
    rows += [
        row("load_s", t1 - t0),
        row("index_s", t2 - t1),
        row("first_query_ms", (t3 - t2) * 1000),
        row("load_index_s", t3 - t0),
        row("rss_after_build_mb", _rss_mb()),
    ]
    gc.collect()
    for q in queries[:5]:  # warm-up, not counted
        engine.search(q["text"])
    texts = [q["text"] for q in queries]
    lat, results = _latencies(engine.search, texts)
    rows += [
        row("search_n", float(len(lat))),
        row("search_p50_ms", percentile(lat, 50)),
        row("search_p99_ms", percentile(lat, 99)),
        row("search_max_ms", max(lat)),
    ]
    _accuracy(rows, "search", queries, results, row)
    lat, _ = _latencies(engine.complete, keystrokes)
    rows += [
        row("complete_n", float(len(lat))),
        row("complete_p50_ms", percentile(lat, 50)),
        row("complete_p99_ms", percentile(lat, 99)),
        row("complete_max_ms", max(lat)),
    ]
    if not engine.complete_is_search:  # else top-1/top-3 are the search rows again
        _lat, results = _latencies(engine.complete, texts)
    _accuracy(rows, "complete", queries, results, row)
    handler = engine.handler()
    if handler is not None:
        lat, _ = _latencies(handler, texts)
        rows += [
            row("claim_handler_p50_ms", percentile(lat, 50)),
            row("claim_handler_p99_ms", percentile(lat, 99)),
        ]
    rows.append(row("peak_rss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.worker")
    parser.add_argument("--engine", required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--max-search", type=int, default=10**9)
    parser.add_argument("--max-complete", type=int, default=10**9)
    parser.add_argument("--cpu", type=int, default=-1, help="pin to this CPU (-1: no pinning)")
    parser.add_argument("--max-memory-mb", type=int, default=0,
                        help="address-space limit, so a runaway size fails alone (0: none)")
    parser.add_argument("--profile", type=Path, default=None,
                        help="write a cProfile report of each phase here instead of timing")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    if args.cpu >= 0 and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    if args.max_memory_mb > 0:
        limit = args.max_memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if args.profile is not None:
        profile(args.engine, args.data, args.queries, args.max_search, args.max_complete,
                args.profile)
        return 0
    rows = run(args.engine, args.data, args.queries, args.max_search, args.max_complete)
    args.out.write_text(json.dumps(rows), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

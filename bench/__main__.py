"""``python -m bench --sizes 1000,10000``: generate, measure every engine, write the results.

For each size: the claim set and its query set are generated into
``bench/out/data/<size>/`` (cached; regenerated when the generator, seed or query
count changes), then each engine runs in its own subprocess (:mod:`bench.worker`)
pinned to one CPU. Rows go to ``bench/out/results.json`` and the summary to the
generated section of ``BENCHMARKS.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import report
from bench.engines import ENGINES
from bench.generate import GENERATOR_VERSION, generate
from bench.queries import build_queries

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
# The naive scan costs about size * 10 us per call: cap its calls to keep runs short.
NAIVE_BUDGET = 1_000_000


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(s.replace("_", "")) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes: not a list of integers: {text!r}") from None
    if not sizes or any(s < 50 for s in sizes):
        raise argparse.ArgumentTypeError("--sizes: each size must be at least 50 claims")
    return sizes


def _engines(text: str) -> list[str]:
    names = [e.strip() for e in text.split(",") if e.strip()]
    unknown = [e for e in names if e not in ENGINES]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"--engines: unknown {', '.join(unknown)}; known: {', '.join(ENGINES)}"
        )
    return names


def prepare(size: int, seed: int, per_kind: int, complete_inputs: int, data_root: Path
            ) -> tuple[Path, Path, list[dict[str, Any]]]:
    """The data dir and query file for ``size``, generated unless cached."""
    data_dir = data_root / str(size)
    queries_file = data_root / f"queries-{size}.json"
    stamp_file = data_root / f"stamp-{size}.json"
    stamp = {"generator": GENERATOR_VERSION, "seed": seed, "size": size,
             "per_kind": per_kind, "complete_inputs": complete_inputs}
    if (stamp_file.exists() and queries_file.exists()
            and json.loads(stamp_file.read_text())["stamp"] == stamp):
        return data_dir, queries_file, json.loads(stamp_file.read_text())["rows"]
    stamp_file.unlink(missing_ok=True)
    t = time.perf_counter()
    world = generate(size, seed, data_dir)
    gen_s = time.perf_counter() - t
    t = time.perf_counter()
    spec = build_queries(world, per_kind, seed, complete_inputs)
    q_s = time.perf_counter() - t
    queries_file.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    disk = sum(p.stat().st_size for p in data_dir.rglob("*") if p.is_file())
    values = {
        "claims": world.size, "figures": world.figures, "sources": len(world.sources),
        "speakers": len(world.speakers), "places": len(world.places),
        "files_mb": disk / 1e6, "generate_s": gen_s, "queries": len(spec["queries"]),
        "queries_s": q_s,
    }
    rows = [{"engine": "data", "size": size, "metric": k, "value": round(float(v), 3)}
            for k, v in values.items()]
    stamp_file.write_text(json.dumps({"stamp": stamp, "rows": rows}), encoding="utf-8")
    return data_dir, queries_file, rows


def run_engine(engine: str, size: int, data_dir: Path, queries_file: Path, cpu: int,
               timeout: float, max_memory_mb: int = 0) -> list[dict[str, Any]]:
    """Run one engine on one size in a fresh process; its rows, or a status row saying why not."""
    cap = 10**9
    if engine == "naive":
        cap = max(12, NAIVE_BUDGET // size)
    with tempfile.TemporaryDirectory(prefix="factdesk-bench-") as tmp:
        out = Path(tmp) / "rows.json"
        cmd = [sys.executable, "-m", "bench.worker", "--engine", engine, "--data", str(data_dir),
               "--queries", str(queries_file), "--out", str(out), "--cpu", str(cpu),
               "--max-search", str(cap), "--max-complete", str(cap),
               "--max-memory-mb", str(max_memory_mb)]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
        try:
            proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True,
                                  timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            status = f"timeout after {timeout:.0f} s"
        else:
            if proc.returncode == 0 and out.exists():
                rows: list[dict[str, Any]] = json.loads(out.read_text())
                return [{"engine": engine, "size": size, "metric": "status", "value": "ok"},
                        *rows]
            lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
            last = lines[-1] if lines else f"exit {proc.returncode}"
            status = ("unavailable: " if "No module named 'bot." in last else "error: ") + last
            if status.startswith("error"):
                log.warning("%s at %s claims failed:\n%s", engine, size, proc.stderr[-3000:])
    return [{"engine": engine, "size": size, "metric": "status", "value": status[:300]}]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=_sizes, default=_sizes("1000,10000"))
    parser.add_argument("--engines", type=_engines, default=list(ENGINES))
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--per-kind", type=int, default=80, help="search queries per kind")
    parser.add_argument("--complete-inputs", type=int, default=1000,
                        help="autocomplete keystrokes timed")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument(
        "--markdown", default=None,
        help="file whose generated section is rewritten ('' for none); default: "
        "BENCHMARKS.md when the run includes 100,000 claims (the size the targets are "
        "set at), else only OUT/summary.md",
    )
    parser.add_argument("--cpu", type=int, default=max(os.sched_getaffinity(0)),
                        help="CPU each worker is pinned to (-1: no pinning)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per worker")
    parser.add_argument("--profile", action="store_true",
                        help="after timing, cProfile each engine's phases into "
                        "OUT/profile-ENGINE-SIZE.txt (factdesk and fts5 only)")
    parser.add_argument("--max-memory-mb", type=int, default=16_000,
                        help="address-space limit per worker (0: none)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="bench: %(message)s", stream=sys.stderr)
    started = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    for size in args.sizes:
        log.info("%s claims: preparing data", f"{size:,}")
        data_dir, queries_file, data_rows = prepare(
            size, args.seed, args.per_kind, args.complete_inputs, args.out / "data"
        )
        rows += data_rows
        for engine in args.engines:
            t = time.perf_counter()
            got = run_engine(engine, size, data_dir, queries_file, args.cpu, args.timeout,
                             args.max_memory_mb)
            rows += got
            log.info("%s claims: %s %s in %.1f s", f"{size:,}", engine, got[0]["value"],
                     time.perf_counter() - t)
            if args.profile and engine != "naive" and got[0]["value"] == "ok":
                target = args.out / f"profile-{engine}-{size}.txt"
                subprocess.run(
                    [sys.executable, "-m", "bench.worker", "--engine", engine, "--data",
                     str(data_dir), "--queries", str(queries_file), "--out", os.devnull,
                     "--profile", str(target)],
                    cwd=ROOT, check=False, timeout=args.timeout,
                    env={**os.environ, "PYTHONPATH": str(ROOT)},
                )
                log.info("profile: %s", target)
    results = args.out / "results.json"
    results.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    wall = time.perf_counter() - started
    command = "python -m bench " + shlex.join(sys.argv[1:] if argv is None else list(argv))
    date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = report.render(rows, command, date, wall)
    (args.out / "summary.md").write_text(section + "\n", encoding="utf-8")
    markdown = args.markdown
    if markdown is None:
        markdown = str(ROOT / "BENCHMARKS.md") if 100_000 in args.sizes else ""
    if markdown:
        report.update_markdown(Path(markdown), section)
    print(section)
    log.info("rows: %s; wall time %.0f s", results, wall)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`python -m bench.editorial [--rulings N]`: editorial write and cache costs.

Measures, on a real SQLite file (WAL): Store.set_status alone; EditorialDesk.set_status
(validated write + the per-claim cache refresh the bot does after each write) with N
claims already ruled; the full cache reread (start-up, or after another process wrote).
Prints one line per metric; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import time
from pathlib import Path

from bot.claimset.model import ClaimSet
from bot.claimset.schema import Attribution, Claim, Evidence, Manifest, Source, Speaker
from bot.record.editorial import EditorialCache, EditorialDesk
from bot.record.store import Store

log = logging.getLogger(__name__)


def synthetic_claimset(n: int) -> ClaimSet:
    claims = {
        f"c{i}": Claim(
            id=f"c{i}", statement=f"statement {i}", speaker="s",
            attributions=[Attribution(source="000", quote="q")],
            evidence=Evidence(status="single_source", rationale="one origin"),
        )
        for i in range(n)
    }
    return ClaimSet(
        manifest=Manifest(id="bench", title="bench", version="1"), root=Path("."),
        sources={"000": Source(id="000", file="000.txt", outlet_basis="unknown",
                               headline="h", published_basis="unknown")},
        texts={"000": "q"}, speakers={"s": Speaker(id="s", name="S", role="r")},
        topics={}, claims=claims, figures={},
    )


def _ms(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    return f"p50 {statistics.median(samples) * 1e3:.2f} ms, p95 {p95 * 1e3:.2f} ms"


async def run(rulings: int, writes: int) -> None:
    claimset = synthetic_claimset(rulings)
    with tempfile.TemporaryDirectory() as tmp:
        async with Store.open(Path(tmp) / "bench.sqlite3") as store:
            samples = []
            for i in range(rulings):
                t = time.perf_counter()
                await store.set_status(f"c{i}", "confirmed", reason="r", by="bench")
                samples.append(time.perf_counter() - t)
            print(f"Store.set_status ({rulings} writes): {_ms(samples)}")
            for i in range(rulings // 2):
                await store.add_note(f"c{i}", "note", by="bench")
            t = time.perf_counter()
            cache = await EditorialCache.load(store)
            print(f"full cache read ({rulings} rulings, {rulings // 2} notes): "
                  f"{(time.perf_counter() - t) * 1e3:.1f} ms")
            desk = EditorialDesk(store, cache, lambda: claimset)
            samples = []
            for i in range(writes):
                t = time.perf_counter()
                await desk.set_status(f"c{i}", "false", "bench", by="bench")
                samples.append(time.perf_counter() - t)
            print(f"EditorialDesk.set_status + cache refresh ({writes} writes over "
                  f"{rulings} ruled claims): {_ms(samples)}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.editorial")
    parser.add_argument("--rulings", type=int, default=10_000)
    parser.add_argument("--writes", type=int, default=500)
    args = parser.parse_args()
    asyncio.run(run(args.rulings, args.writes))


if __name__ == "__main__":
    main()

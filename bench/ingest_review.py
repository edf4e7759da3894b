"""``python -m bench.ingest_review``: how long the review path takes, article to answer.

Each practice article (``../shared/practice/``) goes through :class:`bot.desk.ingest.IngestDesk`
as /ingest and ``drafts accept`` drive it, on a fresh copy of the seed set with its own
SQLite database: **draft** (bytes checked, drafted in a worker thread, kept in the store),
**accept all** (every writable item written into the claim files with backups, the set
validated, the desk reloaded, the decisions audited, verdict changes found and alerts
recorded for one digest channel). Each phase is timed over ``--rounds`` rounds per article
(a fresh set each round); min / median / max in milliseconds over all of them.
The time a Discord editor waits after a press is the accept's: the interaction itself is
answered at once (deferred), so Discord's 3 s window does not bound it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.ingest import PRACTICE, ROOT
from bot.desk import open_desk
from bot.desk.ingest import IngestDesk
from bot.settings import Settings


async def one_round(article: Path, work: Path) -> dict[str, float]:
    root = work / "set"
    shutil.copytree(ROOT / "seeds", root)
    settings = Settings.model_validate(
        {"claimset": {"path": root}, "database": {"path": work / "desk.sqlite3"}}
    )
    times: dict[str, float] = {}
    async with open_desk(settings) as desk:
        assert desk.subscriptions is not None
        await desk.subscriptions.subscribe(
            channel_id=1, guild_id=None, time="08:00", timezone="UTC", post_when_empty=False,
            by="bench",
        )
        service = IngestDesk(desk)
        t0 = time.perf_counter()
        draft = await service.ingest(article.read_bytes(), name=article.name, by="bench")
        t1 = time.perf_counter()
        done = await service.accept(draft.draft, [], everything=True, by="bench")
        t2 = time.perf_counter()
        assert done.reload.ok, done.reload.error
    times["draft"] = (t1 - t0) * 1000
    times["accept all"] = (t2 - t1) * 1000
    times["items written"] = len(done.written.items)
    times["alerts"] = len(done.alerts)
    return times


async def run(rounds: int) -> dict[str, dict[str, float]]:
    rows: list[dict[str, float]] = []
    articles = sorted(PRACTICE.glob("*.txt"))
    for _ in range(rounds):
        for article in articles:
            with tempfile.TemporaryDirectory(prefix="factdesk-bench-") as tmp:
                rows.append(await one_round(article, Path(tmp)))
    out: dict[str, dict[str, float]] = {}
    for phase in ("draft", "accept all"):
        values = [r[phase] for r in rows]
        out[phase] = {
            "min": round(min(values), 1),
            "median": round(statistics.median(values), 1),
            "max": round(max(values), 1),
        }
    out["per article"] = {
        "items written (median)": statistics.median(r["items written"] for r in rows),
        "articles with an alert": sum(1 for r in rows if r["alerts"]) / rounds,
        "articles": len(articles),
    }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.ingest_review", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the 8 articles")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not PRACTICE.exists():
        print(f"no practice articles at {PRACTICE}", file=sys.stderr)
        return 2
    result = asyncio.run(run(args.rounds))
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        return 0
    print("| phase | min ms | median ms | max ms |")
    print("|---|---|---|---|")
    for phase in ("draft", "accept all"):
        r = result[phase]
        print(f"| {phase} | {r['min']} | {r['median']} | {r['max']} |")
    print()
    for k, v in result["per article"].items():
        print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

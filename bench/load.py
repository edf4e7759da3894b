"""``python -m bench.load``: the real bot under a burst of interactions from the fake Discord.

The bot runs as in production (``python -m bot run``, its own process) against the fake
Discord of ``tests/e2e`` on loopback, which validates every request against Discord's
OpenAPI spec as it goes (``--no-spec-check`` to measure the bot alone). Each run sends
a mix of ``/claim``, ``/figures`` and autocomplete interactions, each from its own user
(the bot's per-user cooldown stays out of the way), either all at once (``burst``) or at
a steady rate (``steady``), and records for each interaction the time from dispatch to
the bot's first response (the callback Discord must get within 3 s).

The fake has two servers, one on each shard of two, and the interactions alternate
between them. ``--processes 1`` (the default) runs one unsharded bot in both;
``--processes 2`` runs two bot processes, shard 0 and shard 1 of 2 (``[discord]
shard_ids``, ``shard_count``), each answering its own server's half; they share one
PostgreSQL database (``--database-url``, required for 2; one process uses it too when
given, else its own SQLite file).

Bounded: at most ``--count`` interactions (default 200, up to 2,000), a timeout per run,
loopback only. Prints one row per run and, with ``--json FILE``, writes the rows.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tests.e2e.bot_process import BotProcess
from tests.e2e.fake_discord import FakeDiscord, SentInteraction, shard_of
from tests.e2e.spec_check import SpecChecker

log = logging.getLogger(__name__)

LIMIT_S = 3.0  # Discord's window for the first response
MAX_COUNT = 2000
STRING = 3
QUERIES = {
    "claim": ("query", ["tokayev coup", "thousands of jihadists", "csto troops", "arrested",
                        "internet shut down", "antonov", "foreign interference", "lpg price"]),
    "figures": ("topic", ["death toll", "arrests", "injured", "damage", "troops", "jihadists"]),
}
AUTOCOMPLETE = ("claim", "query", ["tokaev", "jihad", "csto tro", "kassym", "almaty", "prot"])
MIX = (("claim", 0.4), ("figures", 0.3), ("autocomplete", 0.3))  # the 80/60/60


@dataclass
class Row:
    processes: int
    mode: str
    count: int
    rate: float | None  # interactions per second (steady), None for a burst
    spec_check: bool
    answered: int
    within_3s: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    wall_s: float


class RoutingOnly(SpecChecker):
    """A checker that routes requests but validates no body (the bot alone is measured)."""

    def check(self, method: str, path: str, body: Any,
              files: list[str] | None = None) -> tuple[Any, list[str]]:
        return self.route(path), []


def routing_only() -> SpecChecker:
    """A routing-only checker of its own (the one ``SpecChecker.load`` caches is shared by
    every fake in the process, and keeps validating)."""
    return RoutingOnly(SpecChecker.load().spec)


def plan(count: int) -> list[tuple[str, str]]:
    """(kind, typed text) for each interaction, in the issue's proportions, interleaved."""
    out: list[tuple[str, str]] = []
    quotas = {kind: round(share * count) for kind, share in MIX}
    quotas["claim"] += count - sum(quotas.values())
    i = 0
    while len(out) < count:
        for kind, _ in MIX:
            if quotas[kind] > 0:
                quotas[kind] -= 1
                pool = AUTOCOMPLETE[2] if kind == "autocomplete" else QUERIES[kind][1]
                out.append((kind, pool[i % len(pool)]))
        i += 1
    return out[:count]


async def _send(fake: FakeDiscord, kind: str, text: str) -> SentInteraction:
    """One interaction from a new user, in the servers in turn."""
    n = len(fake.interactions)
    fake.user = fake.new_user(f"r{n}")
    guild_id = list(fake.guilds)[n % len(fake.guilds)]
    if kind == "autocomplete":
        command, option, _ = AUTOCOMPLETE
        return await fake.autocomplete(command, option, text, guild_id=guild_id)
    option = QUERIES[kind][0]
    return await fake.slash(kind, [{"name": option, "type": STRING, "value": text}],
                            guild_id=guild_id)


async def run_once(fake: FakeDiscord, count: int, rate: float | None,
                   timeout: float) -> list[SentInteraction]:
    """Send ``count`` interactions (all at once, or ``rate`` per second); wait for answers."""
    sent: list[SentInteraction] = []
    start = time.monotonic()
    for n, (kind, text) in enumerate(plan(count)):
        if rate:
            delay = start + n / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        sent.append(await _send(fake, kind, text))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not all(s.answered for s in sent):
        await asyncio.sleep(0.05)
    await quiet(fake, deadline)
    return sent


async def quiet(fake: FakeDiscord, deadline: float, still: float = 1.0) -> None:
    """Wait until the bot has sent nothing for ``still`` s (deferred answers completed)."""
    seen, since = len(fake.requests), time.monotonic()
    while time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        if len(fake.requests) != seen:
            seen, since = len(fake.requests), time.monotonic()
        elif time.monotonic() - since >= still:
            return


def summarise(processes: int, mode: str, count: int, rate: float | None, spec_check: bool,
              sent: list[SentInteraction], wall: float) -> Row:
    waits = sorted((s.first_response_at - s.sent_at) * 1000 for s in sent
                   if s.first_response_at is not None)

    def pct(p: float) -> float:
        if not waits:
            return float("nan")
        return waits[min(len(waits) - 1, round(p / 100 * (len(waits) - 1)))]

    return Row(
        processes=processes, mode=mode, count=count, rate=rate, spec_check=spec_check,
        answered=len(waits),
        within_3s=sum(w <= LIMIT_S * 1000 for w in waits),
        p50_ms=round(statistics.median(waits), 1) if waits else float("nan"),
        p99_ms=round(pct(99), 1), max_ms=round(waits[-1], 1) if waits else float("nan"),
        wall_s=round(wall, 2),
    )


async def measure(counts: list[int], rate: float, spec_check: bool,
                  timeout: float, processes: int = 1,
                  database_url: str | None = None) -> list[Row]:
    rows: list[Row] = []
    checker = None if spec_check else routing_only()
    async with FakeDiscord(checker=checker, first_response_limit=3600.0) as fake:
        fake.add_guild(shard=1 - shard_of(fake.guild_id, 2), shard_count=2)
        with tempfile.TemporaryDirectory(prefix="factdesk-load-") as workdir:
            bots = [
                BotProcess(fake, Path(workdir) / f"shard{n}", database_url=database_url,
                           shards=([n], processes) if processes > 1 else None)
                for n in range(processes)
            ]
            try:
                for bot in bots:
                    await bot.start()
                for bot in bots:
                    await bot.wait_ready(timeout=90)
                await run_once(fake, 10, None, timeout)  # warm up: first answers build caches
                for count in counts:
                    for mode, r in (("burst", None), ("steady", rate)):
                        begin = time.monotonic()
                        sent = await run_once(fake, count, r, timeout)
                        row = summarise(processes, mode, count, r, spec_check, sent,
                                        time.monotonic() - begin)
                        rows.append(row)
                        print(format_row(row), flush=True)
            finally:
                codes = [await bot.stop() for bot in bots]
            for bot, code in zip(bots, codes, strict=True):
                if code != 0 or "Traceback" in bot.output:
                    raise SystemExit(f"a bot failed under load (exit {code}):\n{bot.tail()}")
    return rows


def format_row(row: Row) -> str:
    how = "burst" if row.rate is None else f"{row.rate:g}/s"
    spec = "on " if row.spec_check else "off"
    return (f"{row.processes} proc {row.count:>5} {how:>7} spec={spec} "
            f"answered {row.answered}/{row.count}, within 3 s {row.within_3s}, "
            f"p50 {row.p50_ms:.0f} ms, p99 {row.p99_ms:.0f} ms, max {row.max_ms:.0f} ms "
            f"({row.wall_s:.1f} s)")


def _counts(text: str) -> list[int]:
    counts = [int(c) for c in text.split(",") if c.strip()]
    if not counts or any(not 1 <= c <= MAX_COUNT for c in counts):
        raise argparse.ArgumentTypeError(f"counts must be 1..{MAX_COUNT}, comma-separated")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--counts", type=_counts, default=[200],
                        help="interactions per run, comma-separated (default 200)")
    parser.add_argument("--rate", type=float, default=50.0,
                        help="steady runs: interactions per second (default 50)")
    parser.add_argument("--no-spec-check", action="store_true",
                        help="the fake accepts requests without validating them")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per run")
    parser.add_argument("--processes", type=int, choices=(1, 2), default=1,
                        help="bot processes: 1 (unsharded) or 2 (shard 0 and 1 of 2)")
    parser.add_argument("--database-url", help="a postgresql:// database the bots share "
                        "(needed for 2 processes; the bots create their tables there)")
    parser.add_argument("--json", type=Path, help="write the rows here")
    args = parser.parse_args(argv)
    if args.processes > 1 and not args.database_url:
        parser.error("--processes 2 needs --database-url (processes share one PostgreSQL)")
    logging.basicConfig(level=logging.WARNING)
    rows = asyncio.run(measure(args.counts, args.rate, not args.no_spec_check, args.timeout,
                               args.processes, args.database_url))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=2) + "\n")
    return 0 if all(r.answered == r.count for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

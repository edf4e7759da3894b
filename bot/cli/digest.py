"""`python -m bot digest [--since DATE] [--json]`: what is new in the claim set.

"New" here is read from the dates in the data (a source's publication date, a claim's
earliest source, a figure's as-of date); ``--since`` before the first source makes
everything new, and no ``--since`` means the whole story. With ``--database`` the
editorial audit trail adds the status changes made since DATE (UTC), and answers show
the editors' statuses. The running bot's digests use snapshots instead (bot.digest).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
from pathlib import Path

from bot.claimset.loader import ClaimSetInvalid, ClaimSetUnreadable, load_claimset
from bot.cli import UsageError
from bot.paths import DEFAULT_CLAIMSET
from bot.record.digest import DigestAnswer, build_digest, changes_since_date, render_digest_text

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "digest",
        help="print the digest: new sources, claims, figures, status changes, open conflicts",
        description="Print the digest of the claim set: what is new since DATE (by the "
        "dates in the data), status changes from the audit trail (--database), the open "
        "figure conflicts, and counts.",
    )
    parser.add_argument(
        "--since",
        metavar="DATE",
        type=_date,
        help="only what was first seen on or after DATE (YYYY-MM-DD); default: everything",
    )
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")
    parser.add_argument(
        "--claimset", type=Path, default=DEFAULT_CLAIMSET, metavar="PATH",
        help="a claimset.toml or its directory (default: the shipped claim set)",
    )
    parser.add_argument(
        "--database", type=Path, metavar="PATH",
        help="an existing Factdesk database: add status changes and editorial statuses",
    )
    parser.set_defaults(handler=run)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; expected YYYY-MM-DD, like 2024-03-22"
        ) from None


def run(args: argparse.Namespace) -> int:
    try:
        claimset = load_claimset(args.claimset)
    except ClaimSetUnreadable as exc:
        raise UsageError(str(exc)) from None
    except ClaimSetInvalid as exc:
        raise UsageError(
            f"{args.claimset}: the claim set has {len(exc.problems)} problem(s); "
            "run `python -m bot validate` to list them"
        ) from None
    answer = asyncio.run(_digest(claimset, args.since, args.database))
    if args.json:
        print(json.dumps(answer.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        print(render_digest_text(answer))
    return 0


async def _digest(claimset, since: dt.date | None, database: Path | None) -> DigestAnswer:
    from bot.answers.engine import Factdesk

    since_at = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC) if since else None
    now = dt.datetime.now(dt.UTC)
    changes = changes_since_date(claimset, since)
    label = f"{since.day} {since:%b %Y}" if since else "the beginning"
    if database is None:
        return build_digest(
            Factdesk(claimset), changes, mode="dates", since=since_at, since_label=label,
            now=now,
        )
    from bot.record.editorial import EditorialCache
    from bot.record.store import Store

    if not database.is_file():
        raise UsageError(f"--database {database}: no such file")
    async with Store.open(database) as store:
        cache = await EditorialCache.load(store)
        rows = await store.digest_status_changes(after=0)
    if since_at is not None:
        rows = [r for r in rows if r.at >= since_at]
    return build_digest(
        Factdesk(claimset, cache), changes, mode="dates", since=since_at, since_label=label,
        now=now, status_changes=rows,
    )

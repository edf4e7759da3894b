"""`python -m bot digest [--since DATE] [--json]`: what is new in the claim set.

"New" here is read from the dates in the data (a source's publication date, a claim's
earliest source, a figure's as-of date); ``--since`` before the first source makes
everything new, and no ``--since`` means the whole story. When the configured database
exists (or ``--db`` names one), its audit trail adds the status changes made since DATE
(UTC), and answers show the editors' statuses. The running bot's digests use snapshots
instead (bot.record.digest).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging

from bot.cli.common import add_desk_options, emit, with_desk
from bot.desk import Desk, StoreMode
from bot.record.digest import DigestAnswer, accepted_since, build_digest, changes_since_date
from bot.rendering.digest import render_digest_text

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "digest",
        help="print the digest: new sources, claims, figures, status changes, open conflicts",
        description="Print the digest of the claim set: what is new since DATE (by the "
        "dates in the data), status changes from the audit trail (the database, when it "
        "exists), the open figure conflicts, and counts.",
    )
    parser.add_argument(
        "--since",
        metavar="DATE",
        type=parse_date,
        help="only what was first seen on or after DATE (YYYY-MM-DD); default: everything",
    )
    add_desk_options(parser)
    parser.set_defaults(handler=run)


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; expected YYYY-MM-DD, like 2024-03-22"
        ) from None


def run(args: argparse.Namespace) -> int:
    answer = with_desk(args, lambda desk: digest_since(desk, args.since),
                       store=StoreMode.IF_EXISTS)
    emit(args, answer, render_digest_text(answer))
    return 0


async def digest_since(desk: Desk, since: dt.date | None) -> DigestAnswer:
    """The digest of what was first seen on or after ``since`` (None: the whole story)."""
    since_at = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC) if since else None
    changes = changes_since_date(desk.claimset, since)
    label = f"{since.day} {since:%b %Y}" if since else "the beginning"
    rows = await desk.store.digest_status_changes(after=0) if desk.store is not None else []
    if since_at is not None:
        rows = [r for r in rows if r.at >= since_at]
    accepted = await accepted_since(desk.store, desk.claimset, since_at)
    return build_digest(
        desk.engine, changes, mode="dates", since=since_at, since_label=label,
        now=dt.datetime.now(dt.UTC), status_changes=rows, accepted=accepted,
    )

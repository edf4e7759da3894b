"""`python -m bot export --format claimreview|csv [--out FILE]`.

``claimreview``: a JSON array of schema.org ClaimReview objects (JSON-LD), one per claim
with an editorial verdict. ``csv``: every claim with its derived and editorial status.
Written to stdout, or to ``--out`` (written to a temporary file, then renamed into
place, so a failed export never leaves half a file).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import tempfile
from pathlib import Path

from bot.cli import UsageError
from bot.errors import FactdeskError
from bot.record.export import DEFAULT_AUTHOR, claim_reviews, claims_csv
from bot.record.store import Store

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "export", help="ClaimReview JSON-LD of editorial verdicts, or a CSV of all claims"
    )
    p.add_argument("--format", required=True, choices=("claimreview", "csv"))
    p.add_argument("--out", type=Path, help="write here instead of stdout")
    p.add_argument("--author", default=DEFAULT_AUTHOR,
                   help=f"the organisation publishing the reviews (default {DEFAULT_AUTHOR})")
    p.add_argument("--config", type=Path, help="config.toml (default: ./config.toml)")
    p.add_argument("--db", type=Path, help="the SQLite database (default: from settings)")
    p.add_argument("--claimset", type=Path, help="claimset.toml or its folder")
    p.set_defaults(handler=export)


def _write(out: Path, text: str) -> None:
    out = out.absolute()
    if not out.parent.is_dir():
        raise UsageError(f"--out {out}: folder {out.parent} does not exist")
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export(args: argparse.Namespace) -> int:
    from bot.claimset.loader import ClaimSetInvalid, load_claimset
    from bot.settings import load_settings

    try:
        settings = load_settings(args.config) if (args.db is None or args.claimset is None) \
            else None
        claimset = load_claimset(
            args.claimset if settings is None else (args.claimset or settings.claimset.path)
        )
    except ClaimSetInvalid as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 1
    except FactdeskError as exc:
        raise UsageError(str(exc)) from None
    db = args.db if settings is None else (args.db or settings.database.path)

    async def rulings():
        async with Store.open(db) as store:
            return await store.current_rulings()

    try:
        current = asyncio.run(rulings())
    except FactdeskError as exc:
        raise UsageError(str(exc)) from None
    if args.format == "claimreview":
        text = json.dumps(claim_reviews(claimset, current, author=args.author),
                          ensure_ascii=False, indent=2) + "\n"
    else:
        text = claims_csv(claimset, current)
    if args.out is None:
        print(text, end="")
    else:
        _write(args.out, text)
        log.info("wrote %s", args.out)
    return 0

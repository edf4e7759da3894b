"""`python -m bot export --format claimreview|csv [--out FILE]`.

``claimreview``: a JSON array of schema.org ClaimReview objects (JSON-LD), one per claim
with an editorial verdict. ``csv``: every claim with its derived and editorial status.
Written to stdout, or to ``--out`` (written to a temporary file, then renamed into
place, so a failed export never leaves half a file).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import tempfile
from pathlib import Path

from bot.answers.models import EditorialRuling
from bot.claimset.model import ClaimSet
from bot.cli import UsageError
from bot.cli.common import add_desk_options, with_desk
from bot.desk import Desk, StoreMode
from bot.record.export import DEFAULT_AUTHOR, claim_reviews, claims_csv

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "export", help="ClaimReview JSON-LD of editorial verdicts, or a CSV of all claims"
    )
    p.add_argument("--format", required=True, choices=("claimreview", "csv"))
    p.add_argument("--out", type=Path, help="write here instead of stdout")
    p.add_argument("--author", default=DEFAULT_AUTHOR,
                   help=f"the organisation publishing the reviews (default {DEFAULT_AUTHOR})")
    add_desk_options(p, json_flag=False)
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
    async def rulings(desk: Desk) -> tuple[ClaimSet, dict[str, EditorialRuling]]:
        current = await desk.store.current_rulings() if desk.store is not None else {}
        return desk.claimset, current

    claimset, current = with_desk(args, rulings, store=StoreMode.IF_EXISTS)
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

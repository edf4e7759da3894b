"""`python -m bot export --format claimreview|csv [--out FILE]`.

``claimreview``: a JSON array of schema.org ClaimReview objects (JSON-LD), one per claim
with an editorial verdict. ``csv``: every claim with its derived and editorial status.
Written to stdout, or to ``--out`` (written to a temporary file, then renamed into
place, so a failed export never leaves half a file). ``--out`` is a regular file, whose
mode is kept, or a new path; a symbolic link, a device, a FIFO or a folder is refused.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import stat
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


_KINDS = (
    (stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
)


def _new_file_mode() -> int:
    """The mode an ordinary new file gets here: 0666 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _existing_mode(out: Path) -> int | None:
    """The mode of the regular file at ``out`` (None: nothing there); anything else refused."""
    try:
        st = os.lstat(out)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UsageError(f"--out {out}: {exc.strerror or exc}") from exc
    if stat.S_ISLNK(st.st_mode):
        raise UsageError(f"--out {out}: is a symbolic link; give the path of a regular file")
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
        raise UsageError(f"--out {out}: is {kind}; give the path of a regular file or a new one")
    return stat.S_IMODE(st.st_mode)


def _write(out: Path, text: str) -> None:
    """Write atomically: a regular file or a new path only, an existing file's mode kept."""
    out = out.absolute()
    if not out.parent.is_dir():
        raise UsageError(f"--out {out}: folder {out.parent} does not exist")
    mode = _existing_mode(out)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _new_file_mode() if mode is None else mode)
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

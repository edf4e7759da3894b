"""`python -m bot validate [PATH ...] [--json]`: check a claim set and list every problem.

Exit 0: valid (prints the counts and version); 1: invalid (every problem, one per line,
then a count line, on stdout); 2: a file cannot be read or parsed (one line on stderr).
With several paths the worst outcome sets the exit code.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

from bot.claimset.loader import ClaimSetInvalid, ClaimSetUnreadable, display_path, load_claimset
from bot.cli import error
from bot.cli.common import add_config, settings_from
from bot.cli.terminal import printable

log = logging.getLogger(__name__)

_KINDS = ("sources", "speakers", "topics", "claims", "figures")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check a claim set: quotes, figures, references, ids, evidence status",
        description="Check a claim set and list every problem, one per line as "
        "FILE:LINE: KIND ID: FIELD: what is wrong. Exit 0 valid, 1 invalid, 2 unreadable.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="a claimset.toml, or a directory holding one (default: from settings)",
    )
    add_config(parser)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.set_defaults(handler=run)


def check(path: Path) -> tuple[int, dict[str, Any]]:
    """Load one claim set: (exit code, the JSON-able result)."""
    result: dict[str, Any] = {
        "path": display_path(path),
        "valid": False,
        "version": None,
        "counts": None,
        "problems": [],
        "error": None,
    }
    try:
        claimset = load_claimset(path)
    except ClaimSetUnreadable as exc:
        result["error"] = str(exc)
        return 2, result
    except ClaimSetInvalid as exc:
        result["counts"] = {k: exc.counts.get(k, 0) for k in _KINDS}
        result["problems"] = [p.as_dict() for p in exc.problems]
        result["_lines"] = [str(p) for p in exc.problems]
        return 1, result
    result.update(valid=True, version=claimset.version, counts=claimset.counts())
    return 0, result


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)  # a bad config is bad input even with PATHs given
    paths: list[Path] = args.paths or [settings.claimset.path]
    worst = 0
    results = []
    for path in paths:
        code, result = check(path)
        worst = max(worst, code)
        lines = result.pop("_lines", [])
        results.append(result)
        if code == 2:
            error(result["error"])
        if args.json:
            continue
        if code == 0:
            counts = ", ".join(f"{n} {kind}" for kind, n in result["counts"].items())
            print(printable(f"{result['path']}: valid, version {result['version']}: {counts}"))
        elif code == 1:
            for line in lines:
                print(printable(line))
            n = len(lines)
            print(printable(f"{result['path']}: {n} problem{'s' if n != 1 else ''}"))
    if args.json:
        print(json.dumps(results[0] if len(results) == 1 else results, indent=2))
    return worst

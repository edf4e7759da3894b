"""`python -m bot validate [PATH ...] [--json]`: check a claim set and list every problem.

Exit 0: valid (prints the counts and version); 1: invalid (every problem, one per line,
then a count line, on stdout); 2: a file cannot be read or parsed (one line on stderr).
Warnings (``FILE:LINE: KIND ID: FIELD: warning: ...``) are listed in both cases and never
change the exit code. With several paths the worst outcome sets the exit code.
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
    parser.add_argument("--story", default=None, metavar="ID",
                        help="validate this story's claim set (default: every story's)")
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
        "warnings": [],
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
        result["warnings"] = [p.as_dict() for p in exc.warnings]
        result["_lines"] = [str(p) for p in exc.problems]
        result["_warnings"] = [str(p) for p in exc.warnings]
        return 1, result
    result.update(valid=True, version=claimset.version, counts=claimset.counts())
    result["warnings"] = [p.as_dict() for p in claimset.warnings]
    result["_warnings"] = [str(p) for p in claimset.warnings]
    return 0, result


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)  # a bad config is bad input even with PATHs given
    stories = [settings.story(args.story)] if args.story else settings.story_list()
    paths: list[Path] = args.paths or [story.path for story in stories]
    worst = 0
    results = []
    for path in paths:
        code, result = check(path)
        worst = max(worst, code)
        lines = result.pop("_lines", [])
        warnings = result.pop("_warnings", [])
        results.append(result)
        if code == 2:
            error(result["error"])
        if args.json:
            continue
        if code == 0:
            for line in warnings:
                print(printable(line))
            counts = ", ".join(f"{n} {kind}" for kind, n in result["counts"].items())
            head = f"{result['path']}: valid, version {result['version']}: {counts}"
            print(printable(head + _noted(warnings)))
        elif code == 1:
            for line in lines + warnings:
                print(printable(line))
            n = len(lines)
            tail = f"{n} problem{'s' if n != 1 else ''}{_noted(warnings)}"
            print(printable(f"{result['path']}: {tail}"))
    if args.json:
        print(json.dumps(results[0] if len(results) == 1 else results, indent=2))
    return worst


def _noted(warnings: list[str]) -> str:
    n = len(warnings)
    return f" ({n} warning{'s' if n != 1 else ''})" if n else ""

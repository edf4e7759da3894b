"""`python -m bot demo [COMMAND QUERY...]`: the bot's commands in a local console.

A reporter types what they would type in Discord: ``/figures death toll``,
``/claim tokaev coup`` (the slash is optional), ``help``, ``quit``. Answers are the
same text the CLI prints (:mod:`bot.rendering.text`).

- With arguments (``python -m bot demo figures arrests``) it runs that one command and
  exits with its code.
- Interactive (stdin is a terminal): a prompt with readline history kept in
  ``~/.factdesk_history`` (none when that file cannot be written).
- Otherwise it reads commands from stdin, one per line, and exits at the end.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from bot.answers.engine import Factdesk
from bot.cli.answers import COMMANDS, ask, load_engine
from bot.errors import FactdeskError
from bot.rendering.text import render

log = logging.getLogger(__name__)

HISTORY_FILE = Path("~/.factdesk_history")
QUIT = {"quit", "exit", "q", ":q"}
EXAMPLES = (
    "/figures death toll",
    "/figures arrests",
    "/claim tokaev coup",
    "/evidence thousands of jihadists",
    "/speaker Qasim Jomart Tokayev",
    "/source 003",
)


def help_text() -> str:
    lines = ["commands (the slash is optional; add --limit N to claim/speaker/source):"]
    lines += [f"  /{name:<9} {what}" for name, what in COMMANDS.items()]
    lines += ["  help       this list", "  quit       leave (also Ctrl-D)", "examples:"]
    lines += [f"  {e}" for e in EXAMPLES]
    return "\n".join(lines)


def execute(engine: Factdesk, line: str, out: TextIO, err: TextIO | None = None) -> int | None:
    """Run one typed line; returns its exit code, or None to quit. Errors go to ``err``."""
    err = err or out
    words = line.strip().split()
    if not words:
        return 0
    command = words[0].lstrip("/").lower()
    if command in QUIT:
        return None
    if command in {"help", "?", "h"}:
        print(help_text(), file=out)
        return 0
    rest = words[1:]
    limit: int | None = None
    if "--limit" in rest:
        i = rest.index("--limit")
        try:
            limit = int(rest[i + 1])
        except (IndexError, ValueError):
            print("error: --limit needs a whole number", file=err)
            return 2
        del rest[i : i + 2]
    if command not in COMMANDS:
        print(f"error: unknown command {command!r}; type help", file=err)
        return 2
    try:
        answer = ask(engine, command, " ".join(rest), limit)
    except FactdeskError as exc:
        print(f"error: {command}: {exc}", file=err)
        return 2
    print(render(answer), file=out)
    return 0


def _setup_history() -> str | None:
    """readline history in ~/.factdesk_history; None when readline or the file is unusable."""
    try:
        import readline
    except ImportError:  # pragma: no cover - platform without readline
        return None
    path = HISTORY_FILE.expanduser()
    try:
        if path.exists():
            readline.read_history_file(path)
        else:
            path.touch()
        if not os.access(path, os.W_OK):
            return None
    except OSError:
        return None
    readline.set_history_length(1000)
    return str(path)


def _save_history(path: str | None) -> None:
    if path is None:
        return
    try:
        import readline

        readline.write_history_file(path)
    except OSError:
        log.debug("history not saved", exc_info=True)


def interactive(engine: Factdesk) -> int:
    history = _setup_history()
    counts = engine.claimset.counts()
    print(
        f"Factdesk demo: {engine.claimset.manifest.title} ({counts['claims']} claims, "
        f"{counts['figures']} figures, {counts['sources']} sources). Type help, or quit."
    )
    try:
        while True:
            try:
                line = input("factdesk> ")
            except EOFError:
                print()
                return 0
            except KeyboardInterrupt:
                print()
                continue
            if execute(engine, line, sys.stdout) is None:
                return 0
    finally:
        _save_history(history)


def batch(engine: Factdesk, lines: Iterable[str], out: TextIO) -> int:
    """Commands line by line (stdin not a terminal); the worst exit code wins."""
    worst = 0
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        print(f"> {line.strip()}", file=out)
        code = execute(engine, line, out)
        if code is None:
            break
        worst = max(worst, code)
        print(file=out)
    return worst


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="the bot's commands in a local console over the seed claim set",
        description="Type commands as in Discord (/figures death toll, /claim tokaev coup), "
        "or give one command as arguments to run it and exit.",
    )
    parser.add_argument("words", nargs="*", metavar="COMMAND QUERY", help="run one command")
    parser.add_argument("--claimset", type=Path, default=None, metavar="PATH",
                        help="claimset.toml or its directory (default: the shipped set)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    engine = load_engine(args.claimset)
    if args.words:
        return execute(engine, " ".join(args.words), sys.stdout, sys.stderr) or 0
    if sys.stdin.isatty():
        return interactive(engine)
    return batch(engine, sys.stdin, sys.stdout)

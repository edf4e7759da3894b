"""The command line: one module per group of subcommands, registered in order.

Each module in ``COMMAND_MODULES`` has ``register(subparsers)``, which adds its
subcommands and sets ``handler`` (a function of the parsed args returning an exit
code). Handlers raise; :func:`main` turns what they raise into one exit-code table,
the same for every subcommand (README, "Exit codes"):

- 0 done (an answer, also "no match");
- 1 invalid data: the claim set is invalid (every problem listed, at most
  ``MAX_PROBLEMS`` lines, then where to see the rest);
- 2 bad input or an unusable file: a bad flag or query, an empty query, bad settings,
  a claim set or database that cannot be read, an unknown claim id.

No exception reaches the user as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from bot.claimset.loader import ClaimSetInvalid
from bot.cli.terminal import printable
from bot.errors import FactdeskError
from bot.settings import SettingsError

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
MAX_PROBLEMS = 20

COMMAND_MODULES: tuple[str, ...] = (
    "bot.cli.validate",
    "bot.cli.answers",
    "bot.cli.demo",
    "bot.cli.editorial",
    "bot.cli.export",
    "bot.cli.digest",
    "bot.cli.run",
    "bot.cli.sync",
)


class UsageError(Exception):
    """A bad argument or unreadable input: printed as one line, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Factdesk: sourced statements, conflicting figures and evidence status.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def error(line: object) -> None:
    print(printable(f"error: {line}"), file=sys.stderr)


def _invalid(exc: ClaimSetInvalid) -> int:
    problems = exc.problems
    for problem in problems[:MAX_PROBLEMS]:
        error(problem)
    if len(problems) > MAX_PROBLEMS:
        error(f"... and {len(problems) - MAX_PROBLEMS} more (`python -m bot validate` lists all)")
    if not problems:
        error(exc)
    return EXIT_INVALID


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace) -> int:
    try:
        code = int(args.handler(args))
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return code
    except BrokenPipeError:
        # The reader went away (`... | head`): not an error. As the Python docs advise
        # (signal module, "Note on SIGPIPE"), point stdout at devnull so the interpreter's
        # final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except UsageError as exc:
        error(exc)
        return EXIT_USAGE
    except SettingsError as exc:
        for line in exc.problems:
            error(line)
        return EXIT_USAGE
    except ClaimSetInvalid as exc:
        return _invalid(exc)
    except FactdeskError as exc:  # unreadable claim set, unusable database, bad query
        error(exc)
        return EXIT_USAGE
    except Exception as exc:  # the last line of defence: one line, never a traceback
        log.debug("unexpected error", exc_info=True)
        error(f"{type(exc).__name__}: {exc}")
        return EXIT_USAGE

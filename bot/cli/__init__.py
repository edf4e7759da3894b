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

No exception reaches the user as a traceback. The core's log shows as one line per
warning (``warning: ...``, no traceback); what it logs as an error is also raised, and
printed once, as the error line above.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

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
    "bot.cli.ingest",
    "bot.cli.stories",
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


class _WarningLine(logging.Formatter):
    """A log record as one line for the terminal: ``warning: message`` (no traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        lines = record.getMessage().splitlines() or [""]
        return printable(f"warning: {lines[0]}")


def _only_warnings(record: logging.LogRecord) -> bool:
    return logging.WARNING <= record.levelno < logging.ERROR


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the current ``sys.stderr`` (replaced by tests and redirections)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


LOG_HANDLER = _StderrHandler()
LOG_HANDLER.setFormatter(_WarningLine())
LOG_HANDLER.addFilter(_only_warnings)


def setup_logging() -> None:
    """The terminal's view of Factdesk's own log (``run`` replaces it with the bot's)."""
    core = logging.getLogger("bot")
    if LOG_HANDLER not in core.handlers:
        core.addHandler(LOG_HANDLER)


def main(argv: Sequence[str] | None = None) -> int:
    setup_logging()
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
        error(_unexpected(args, exc))
        return EXIT_USAGE


def _unexpected(args: argparse.Namespace, exc: Exception) -> str:
    """An error nothing named, as one line saying which command and what, never only a class."""
    command = " ".join(
        str(v) for v in (args.command, getattr(args, "status_action", None),
                         getattr(args, "note_action", None)) if v
    )
    where = f" ({exc.filename})" if isinstance(exc, OSError) and exc.filename else ""
    what = (exc.strerror if isinstance(exc, OSError) else None) or str(exc) or "no details"
    return f"{command}: unexpected {type(exc).__name__}{where}: {what}"

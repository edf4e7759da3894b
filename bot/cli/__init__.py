"""The command line: one module per group of subcommands, registered in order.

Each module in ``COMMAND_MODULES`` has ``register(subparsers)``, which adds its
subcommands and sets ``handler`` (a function of the parsed args returning an exit
code). Exit codes: 0 done, 1 the input is invalid (``validate``), 2 usage error or a
file that cannot be read. No exception reaches the user as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

log = logging.getLogger(__name__)

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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: one line, never a traceback
        log.debug("unexpected error", exc_info=True)
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2

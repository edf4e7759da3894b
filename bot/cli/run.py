"""`python -m bot run`: start the Discord bot (token from DISCORD_TOKEN, the rest from config.toml).

Exit codes: 0 after a clean shutdown (SIGTERM or Ctrl-C), 1 an invalid claim set,
2 bad settings, a missing token, an unreadable claim set or database, or Discord
refusing or unreachable. Each error is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.errors import FactdeskError
from bot.settings import TOKEN_ENV, SettingsError, load_settings

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="start the Discord bot",
        description="Start the Discord bot. The token is read from the DISCORD_TOKEN "
        "environment variable, everything else from config.toml (see config.example.toml).",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="PATH",
        help="settings file (default: ./config.toml when it exists, else built-in defaults)",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="reload the claim set when its files change (a broken edit keeps the old one)",
    )
    parser.set_defaults(handler=run)


def error(line: str) -> None:
    print(f"error: {line}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(args.config)
    except SettingsError as exc:
        for line in exc.problems:
            error(line)
        return 2
    if settings.token is None:
        error(
            f"{TOKEN_ENV} is not set: put the bot token in the {TOKEN_ENV} environment variable"
        )
        return 2

    from bot.claimset.loader import ClaimSetInvalid, ClaimSetUnreadable, load_claimset

    try:
        claimset = load_claimset(settings.claimset.path, cache_dir=settings.claimset.cache_dir)
    except ClaimSetUnreadable as exc:
        error(str(exc))
        return 2
    except ClaimSetInvalid as exc:
        for problem in exc.problems:
            error(str(problem))
        return 1

    from bot import client  # imports discord: only when the bot really starts

    client.setup_logging()
    try:
        return asyncio.run(client.serve(settings, claimset, watch=args.watch))
    except FactdeskError as exc:
        error(str(exc))
        return 2
    except KeyboardInterrupt:
        return 0

"""`python -m bot run`: start the Discord bot (token from DISCORD_TOKEN, the rest from config.toml).

Exit codes (the table in :mod:`bot.cli`): 0 after a clean shutdown (SIGTERM or Ctrl-C),
1 an invalid claim set, 2 bad settings, a missing token, an unreadable claim set or
database, or Discord refusing or unreachable. Each error is one line on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import logging

from bot.cli import LOG_HANDLER, UsageError
from bot.cli.common import add_desk_options, db_must_exist, settings_from
from bot.desk import load_configured_claimset
from bot.settings import TOKEN_ENV

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="start the Discord bot",
        description="Start the Discord bot. The token is read from the DISCORD_TOKEN "
        "environment variable, everything else from config.toml (see config.example.toml).",
    )
    add_desk_options(parser, json_flag=False, create_db=True)
    parser.add_argument(
        "--watch",
        action="store_true",
        help="reload the claim set when its files change (a broken edit keeps the old one)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if settings.token is None:
        raise UsageError(
            f"{TOKEN_ENV} is not set: put the bot token in the {TOKEN_ENV} environment variable"
        )
    # The story it starts with (the first, or --story): invalid: exit 1, unreadable: exit 2.
    claimset = load_configured_claimset(settings, args.story)

    from bot import client  # imports discord: only when the bot really starts

    logging.getLogger("bot").removeHandler(LOG_HANDLER)  # the bot logs in full, its own way
    client.setup_logging()
    try:
        return asyncio.run(
            client.serve(settings, claimset, watch=args.watch, db_must_exist=db_must_exist(args),
                         story=args.story)
        )
    except KeyboardInterrupt:
        return 0

"""`python -m bot sync`: publish the slash commands, or print what would be sent.

``--dry-run`` needs no token and touches no network: it loads every extension and
prints the exact body ``tree.sync`` would PUT (``--json``: only that JSON array).
Without ``--dry-run`` it logs in with DISCORD_TOKEN and syncs: to one server with
``--guild ID`` (global commands copied there, visible at once), else globally.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging

from bot.cli import UsageError
from bot.cli.common import add_config, settings_from
from bot.settings import TOKEN_ENV

log = logging.getLogger(__name__)


def _snowflake(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a server id: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"not a server id: {text!r}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sync",
        help="publish the slash commands (or --dry-run: print the payload)",
        description="Publish the slash commands to Discord, or print what would be sent.",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the payload; no token")
    parser.add_argument("--guild", type=_snowflake, metavar="ID", help="sync to this server only")
    parser.add_argument("--json", action="store_true", help="print only the JSON payload")
    add_config(parser)
    parser.set_defaults(handler=sync)


def sync(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    from bot import client  # imports discord

    if args.dry_run:
        payload = asyncio.run(client.dry_run_payload(settings, args.guild))
        if args.json:
            print(json.dumps(payload, indent=2, ensure_ascii=False))
        else:
            print(f"Would send {client.sync_route(args.guild)} with {len(payload)} commands:")
            print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0

    if settings.token is None:
        raise UsageError(f"{TOKEN_ENV} is not set (use --dry-run to see the payload without one)")
    route, count = asyncio.run(client.sync_commands(settings, args.guild))
    print(f"Synced {count} commands: {route}")
    return 0

"""`python -m bot stories`: every story the settings name, loaded and validated each on its
own (id, title, claims, version, path; the default marked ``*``).

Exit 0 when every story loads, 1 when one cannot be loaded (its line says why; the
others are still listed).
"""

from __future__ import annotations

import argparse
import logging

from bot.cli.common import add_desk_options, emit, with_desk
from bot.desk import Desk, StoreMode
from bot.desk.stories import StoryList

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "stories",
        help="the stories (claim sets) the bot answers from",
        description="List every story in the settings ([[stories]] in config.toml), each "
        "loaded and validated on its own. --guild ID marks that server's story.",
    )
    add_desk_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    async def work(desk: Desk) -> tuple[StoryList, str]:
        assert desk.stories is not None
        listing = await desk.stories.listing(desk.scope.guild or None, load=True)
        return listing, desk.stories.text(listing)

    listing, text = with_desk(args, work, store=StoreMode.IF_EXISTS)
    emit(args, listing, text)
    return 1 if any(s.error for s in listing.stories) else 0

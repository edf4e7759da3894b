"""What every subcommand shares: one way to find config, claim set and database, and the desk.

Every command that reads the claim set or the database takes the same flags:
``--config PATH`` (default ./config.toml when it exists), ``--claimset PATH`` and
``--db PATH`` (each overriding the settings), ``--story ID`` (which story: default the
first) and ``--guild ID`` (a server's record of the story; default the desk-wide one).
:func:`with_desk` builds the services from them through :func:`bot.desk.open_desk`, the
one place they are built.

A database named by ``--db`` must exist: a mistyped path is refused (exit 2), never
answered from an empty record. Commands that write take ``--create-db`` to create it;
the configured path (``[database] path``) is created by them when missing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from bot.cli.terminal import printable
from bot.desk import Desk, StoreMode, open_desk
from bot.record.records import NO_GUILD
from bot.settings import SNOWFLAKE_MAX, Settings, load_settings

T = TypeVar("T")


def add_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=None, metavar="PATH",
                        help="config.toml (default: ./config.toml when it exists)")


def add_desk_options(
    parser: argparse.ArgumentParser, *, claimset: bool = True, db: bool = True,
    json_flag: bool = True, create_db: bool = False,
) -> None:
    """--config, and --claimset / --db / --create-db / --json where the command uses them."""
    add_config(parser)
    if claimset:
        parser.add_argument("--claimset", type=Path, default=None, metavar="PATH",
                            help="claimset.toml or its folder (default: from settings)")
        parser.add_argument("--story", default=None, metavar="ID",
                            help="the story to answer from (default: the first in settings;"
                            " `python -m bot stories` lists them)")
    if claimset and db:
        parser.add_argument("--guild", type=_guild, default=NO_GUILD, metavar="ID",
                            help="a Discord server's record of the story (default: the"
                            " desk-wide record, which every server of the story sees)")
    if db:
        parser.add_argument("--db", type=Path, default=None, metavar="PATH",
                            help="an existing SQLite database, even when settings name a"
                            " PostgreSQL one (default: from settings)")
    if db and create_db:
        parser.add_argument("--create-db", action="store_true",
                            help="create the --db database when it does not exist")
    if json_flag:
        parser.add_argument("--json", action="store_true", help="print the answer as JSON")


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings, with --claimset and --db applied. Raises SettingsError (exit 2)."""
    settings = load_settings(getattr(args, "config", None))
    claimset = getattr(args, "claimset", None)
    db = getattr(args, "db", None)
    story = getattr(args, "story", None)
    if story is not None:
        settings.story(story)  # an unknown story: one line listing the known ones (exit 2)
    if claimset is not None:
        settings = settings.with_story_path(story, claimset)
    if db is not None:
        settings = settings.model_copy(
            update={"database": settings.database.model_copy(update={"path": db, "url": None})}
        )
    return settings


def with_desk(
    args: argparse.Namespace, work: Callable[[Desk], Awaitable[T]], *, store: StoreMode
) -> T:
    """Build the desk from ``args``, run ``work`` on it, close it.

    A claim set that cannot be read or is invalid, a bad setting, a database that
    cannot be used: each raises the error :func:`bot.cli.main` maps to its exit code.
    """
    settings = settings_from(args)

    async def go() -> T:
        async with open_desk(settings, store=store, db_must_exist=db_must_exist(args),
                             **scope_of(args)) as desk:
            return await work(desk)

    return asyncio.run(go())


def scope_of(args: argparse.Namespace) -> dict[str, Any]:
    """The ``story`` and ``guild`` :func:`bot.desk.open_desk` takes, from --story, --guild."""
    return {"story": getattr(args, "story", None),
            "guild": getattr(args, "guild", None) or NO_GUILD}


def _guild(text: str) -> int:
    """--guild: a Discord server id."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a server id") from None
    if not 0 <= value <= SNOWFLAKE_MAX:
        raise argparse.ArgumentTypeError(f"{text!r} is not a server id")
    return value


def db_must_exist(args: argparse.Namespace) -> bool:
    """True when --db names the database and --create-db was not given."""
    return getattr(args, "db", None) is not None and not getattr(args, "create_db", False)


def emit(args: argparse.Namespace, answer: BaseModel | Any, text: str) -> None:
    """The answer as JSON with --json (the documented contract), else as text."""
    if getattr(args, "json", False):
        data = answer.model_dump(mode="json") if isinstance(answer, BaseModel) else answer
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(printable(text))


class DeskSession:
    """The desk for synchronous code (the console): async calls run on a private loop."""

    def __init__(self, settings: Settings, store: StoreMode, *, must_exist: bool = False,
                 story: str | None = None, guild: int = NO_GUILD) -> None:
        self._settings = settings
        self._store = store
        self._must_exist = must_exist
        self._scope: dict[str, Any] = {"story": story, "guild": guild}
        self._loop = asyncio.new_event_loop()
        self._context: Any = None
        self.desk: Desk

    def run(self, coro: Awaitable[T]) -> T:
        return self._loop.run_until_complete(coro)

    def __enter__(self) -> DeskSession:
        self._context = open_desk(
            self._settings, store=self._store, db_must_exist=self._must_exist, **self._scope
        )
        try:
            self.desk = self.run(self._context.__aenter__())
        except BaseException:
            self._loop.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.run(self._context.__aexit__(*exc))
        finally:
            self._loop.close()

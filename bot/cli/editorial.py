"""`python -m bot status set|clear|history`, `note add`, `feedback`: the editors' admin CLI.

The same rules as the Discord commands (:class:`bot.record.editorial.EditorialDesk`): the claim
must be in the claim set being served, the status is one of the editorial ones or
``clear``, a reason is required to set a status. ``--by`` names who is acting; it goes
into the audit trail. Every command takes ``--config`` (config.toml), ``--db`` and
``--claimset`` to override the settings, and ``--json`` for the answer as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from bot.claimset.model import ClaimSet
from bot.cli import UsageError
from bot.errors import FactdeskError
from bot.record.editorial import STATUS_CHOICES, EditorialDesk
from bot.record.store import Store
from bot.rendering.editorial import render_change, render_feedback, render_history, render_note

log = logging.getLogger(__name__)


def _common(parser: argparse.ArgumentParser, *, claimset: bool = True) -> None:
    parser.add_argument("--config", type=Path, help="config.toml (default: ./config.toml)")
    parser.add_argument("--db", type=Path, help="the SQLite database (default: from settings)")
    if claimset:
        parser.add_argument(
            "--claimset", type=Path, help="claimset.toml or its folder (default: from settings)"
        )
    parser.add_argument("--json", action="store_true", help="print the answer as JSON")


def register(subparsers: argparse._SubParsersAction) -> None:
    status = subparsers.add_parser("status", help="set, clear or show a claim's editorial status")
    actions = status.add_subparsers(dest="status_action", metavar="ACTION", required=True)

    p = actions.add_parser("set", help="set an editorial status, with a reason")
    p.add_argument("claim", help="claim id")
    p.add_argument("status", choices=STATUS_CHOICES, metavar="STATUS",
                   help=f"one of {', '.join(STATUS_CHOICES)}")
    p.add_argument("reason", nargs="+", help="why (words are joined)")
    p.add_argument("--by", required=True, help="who is making the change")
    _common(p)
    p.set_defaults(handler=_status_set)

    p = actions.add_parser("clear", help="return a claim to its derived status")
    p.add_argument("claim", help="claim id")
    p.add_argument("--by", required=True, help="who is making the change")
    p.add_argument("--reason", default="", help="why (optional)")
    _common(p)
    p.set_defaults(handler=_status_clear)

    p = actions.add_parser("history", help="the append-only audit trail of a claim")
    p.add_argument("claim", help="claim id")
    _common(p)
    p.set_defaults(handler=_status_history)

    p = actions.add_parser("orphans", help="claims with editorial records no longer in the set")
    _common(p)
    p.set_defaults(handler=_status_orphans)

    note = subparsers.add_parser("note", help="add an editor's note to a claim")
    note_actions = note.add_subparsers(dest="note_action", metavar="ACTION", required=True)
    p = note_actions.add_parser("add", help="add a note (shown in /evidence)")
    p.add_argument("claim", help="claim id")
    p.add_argument("text", nargs="+", help="the note (words are joined)")
    p.add_argument("--by", required=True, help="who writes it")
    _common(p)
    p.set_defaults(handler=_note_add)

    p = subparsers.add_parser("feedback", help='the latest "Wrong match" reports')
    p.add_argument("--limit", type=int, default=20, help="how many (default 20)")
    _common(p, claimset=False)
    p.set_defaults(handler=_feedback)


# -- plumbing ---------------------------------------------------------------------------


def _settings(args: argparse.Namespace):
    from bot.settings import load_settings

    return load_settings(args.config)


def _db_path(args: argparse.Namespace) -> Path:
    return args.db if args.db is not None else _settings(args).database.path


def _load_claimset(args: argparse.Namespace) -> ClaimSet:
    from bot.claimset.loader import load_claimset

    path = args.claimset if args.claimset is not None else _settings(args).claimset.path
    return load_claimset(path)


def _emit(args: argparse.Namespace, answer: BaseModel | Any, text: str) -> None:
    if args.json:
        data = answer.model_dump(mode="json") if isinstance(answer, BaseModel) else answer
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(text)


def _run(
    args: argparse.Namespace,
    work: Callable[[EditorialDesk], Awaitable[tuple[Any, str]]],
    *,
    needs_claimset: bool = True,
) -> int:
    try:
        claimset = _load_claimset(args) if needs_claimset else None
    except FactdeskError as exc:
        problems = getattr(exc, "problems", None)
        if problems:
            for problem in problems:
                print(f"error: {problem}", file=sys.stderr)
            return 1
        raise UsageError(str(exc)) from None

    async def go() -> tuple[Any, str]:
        async with Store.open(_db_path(args)) as store:
            desk = await EditorialDesk.open(store, lambda: claimset)  # type: ignore[arg-type, return-value]
            return await work(desk)

    try:
        answer, text = asyncio.run(go())
    except FactdeskError as exc:
        raise UsageError(str(exc)) from None
    _emit(args, answer, text)
    return 0


# -- handlers ---------------------------------------------------------------------------


def _status_set(args: argparse.Namespace) -> int:
    async def work(desk: EditorialDesk):
        result = await desk.set_status(args.claim, args.status, " ".join(args.reason), by=args.by)
        return result, render_change(result)

    return _run(args, work)


def _status_clear(args: argparse.Namespace) -> int:
    async def work(desk: EditorialDesk):
        result = await desk.set_status(args.claim, "clear", args.reason, by=args.by)
        return result, render_change(result)

    return _run(args, work)


def _status_history(args: argparse.Namespace) -> int:
    async def work(desk: EditorialDesk):
        history = await desk.history(args.claim)
        return history, render_history(history)

    return _run(args, work)


def _status_orphans(args: argparse.Namespace) -> int:
    async def work(desk: EditorialDesk):
        ids = await desk.orphans()
        text = (
            "No orphans: every editorial record belongs to a claim in the set."
            if not ids
            else f"{len(ids)} claim(s) with editorial records but no longer in the set "
            f"(kept): " + ", ".join(ids)
        )
        return {"orphans": ids}, text

    return _run(args, work)


def _note_add(args: argparse.Namespace) -> int:
    async def work(desk: EditorialDesk):
        note = await desk.add_note(args.claim, " ".join(args.text), by=args.by)
        return note, render_note(note)

    return _run(args, work)


def _feedback(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")

    async def work(desk: EditorialDesk):
        answer = await desk.feedback(args.limit)
        return answer, render_feedback(answer)

    return _run(args, work, needs_claimset=False)

"""`python -m bot status set|clear|history|orphans`, `note add|list`, `feedback`: editors' CLI.

The same rules as the Discord commands (:class:`bot.record.editorial.EditorialDesk`): the claim
must be in the claim set being served, the status is one of the editorial ones or
``clear``, a reason is required to set a status. ``--by`` names who is acting; it goes
into the audit trail. Every command takes the common flags (:mod:`bot.cli.common`) and
``--json`` for the answer as JSON.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.cli.answers import limit_arg
from bot.cli.common import add_desk_options, emit, with_desk
from bot.desk import Desk, StoreMode
from bot.record.editorial import STATUS_CHOICES, EditorialDesk, claim_notes
from bot.rendering.editorial import (
    render_change,
    render_feedback,
    render_history,
    render_note,
    render_notes,
)

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    status = subparsers.add_parser("status", help="set, clear or show a claim's editorial status")
    actions = status.add_subparsers(dest="status_action", metavar="ACTION", required=True)

    p = actions.add_parser("set", help="set an editorial status, with a reason")
    p.add_argument("claim", help="claim id")
    p.add_argument("status", choices=STATUS_CHOICES, metavar="STATUS",
                   help=f"one of {', '.join(STATUS_CHOICES)}")
    p.add_argument("reason", nargs="+", help="why (words are joined)")
    p.add_argument("--by", required=True, help="who is making the change")
    add_desk_options(p, create_db=True)
    p.set_defaults(handler=_status_set)

    p = actions.add_parser("clear", help="return a claim to its derived status")
    p.add_argument("claim", help="claim id")
    p.add_argument("--by", required=True, help="who is making the change")
    p.add_argument("--reason", default="", help="why (optional)")
    add_desk_options(p, create_db=True)
    p.set_defaults(handler=_status_clear)

    p = actions.add_parser("history", help="the append-only audit trail of a claim")
    p.add_argument("claim", help="claim id")
    add_desk_options(p)
    p.set_defaults(handler=_status_history)

    p = actions.add_parser("orphans", help="claims with editorial records no longer in the set")
    add_desk_options(p)
    p.set_defaults(handler=_status_orphans)

    note = subparsers.add_parser("note", help="add an editor's note to a claim")
    note_actions = note.add_subparsers(dest="note_action", metavar="ACTION", required=True)
    p = note_actions.add_parser("list", help="the notes on a claim, oldest first")
    p.add_argument("claim", help="claim id")
    add_desk_options(p)
    p.set_defaults(handler=_note_list)

    p = note_actions.add_parser("add", help="add a note (shown in /evidence)")
    p.add_argument("claim", help="claim id")
    p.add_argument("text", nargs="+", help="the note (words are joined)")
    p.add_argument("--by", required=True, help="who writes it")
    add_desk_options(p, create_db=True)
    p.set_defaults(handler=_note_add)

    p = subparsers.add_parser("feedback", help='the latest "Wrong match" reports')
    p.add_argument("--limit", type=limit_arg, default=20, help="how many (1-100, default 20)")
    add_desk_options(p)
    p.set_defaults(handler=_feedback)


# -- plumbing ---------------------------------------------------------------------------


def _run(
    args: argparse.Namespace,
    work: Callable[[EditorialDesk], Awaitable[tuple[Any, str]]],
    *,
    store: StoreMode = StoreMode.WRITE,
) -> int:
    """Open the desk, do ``work``, print the answer. WRITE creates the configured database
    when missing (``--db`` only with ``--create-db``); IF_EXISTS reads it, read-only."""

    async def go(desk: Desk) -> tuple[Any, str]:
        return await work(desk.require_editorial())

    answer, text = with_desk(args, go, store=store)
    emit(args, answer, text)
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

    return _run(args, work, store=StoreMode.IF_EXISTS)


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

    return _run(args, work, store=StoreMode.IF_EXISTS)


def _note_add(args: argparse.Namespace) -> int:
    async def work(desk: EditorialDesk):
        note = await desk.add_note(args.claim, " ".join(args.text), by=args.by)
        return note, render_note(note)

    return _run(args, work)


def _feedback(args: argparse.Namespace) -> int:
    async def work(desk: EditorialDesk):
        answer = await desk.feedback(args.limit)
        return answer, render_feedback(answer)

    return _run(args, work, store=StoreMode.IF_EXISTS)


def _note_list(args: argparse.Namespace) -> int:
    async def work(desk: Desk) -> tuple[Any, str]:
        answer = await claim_notes(desk.editorial, desk.claimset, args.claim)
        return answer, render_notes(answer)

    answer, text = with_desk(args, work, store=StoreMode.IF_EXISTS)
    emit(args, answer, text)
    return 0

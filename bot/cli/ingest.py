"""`python -m bot ingest FILE|-` drafts an article; `drafts list|show|accept|reject` reviews drafts."""  # noqa: E501

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from pathlib import Path
from typing import Any

from bot.cli.common import add_desk_options, emit, with_desk
from bot.desk import Desk, NoDatabase, StoreMode
from bot.desk.ingest import Accepted, IngestDesk
from bot.ingest.editing import ItemEdit
from bot.ingest.models import Draft
from bot.ingest.reading import MAX_ARTICLE_BYTES, IngestError
from bot.ingest.review import list_drafts
from bot.record.records import StoreError
from bot.rendering.ingest import render_draft

log = logging.getLogger(__name__)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "ingest", help="draft an article's source, speakers, claims and figures"
    )
    p.add_argument("file", help="the article as plain UTF-8 text, or - for standard input")
    p.add_argument("--outlet", help="the outlet, when the text does not state it")
    p.add_argument("--published", type=_date, help="the publication date, YYYY-MM-DD")
    p.add_argument("--url", help="where the article was read")
    p.add_argument("--by", default="", help="who ingests (kept with the draft)")
    add_desk_options(p, create_db=True)
    p.set_defaults(handler=_ingest)

    drafts = subparsers.add_parser("drafts", help="review drafts: list, show, accept, reject")
    actions = drafts.add_subparsers(dest="drafts_action", metavar="ACTION", required=True)
    q = actions.add_parser("list", help="every draft and its state")
    add_desk_options(q)
    q.set_defaults(handler=_list)
    q = actions.add_parser("show", help="a draft's items, each with why it was drafted")
    q.add_argument("draft")
    add_desk_options(q)
    q.set_defaults(handler=_show)
    for name, handler in (("accept", _accept), ("reject", _reject)):
        q = actions.add_parser(name, help=f"{name} items of a draft")
        q.add_argument("draft")
        q.add_argument("items", nargs="*", help="item ids (drafts show lists them)")
        q.add_argument("--items", dest="more_items", nargs="+", default=[], help="item ids")
        q.add_argument("--all", action="store_true", help="every item not decided yet")
        q.add_argument("--by", required=True, help="who decides (goes to the audit trail)")
        add_desk_options(q)
        q.set_defaults(handler=handler)
    q = actions.add_parser(
        "edit", help="correct one claim or figure of a draft and accept it"
    )
    q.add_argument("draft")
    q.add_argument("item", help="a claim or figure id (drafts show lists them)")
    q.add_argument("--statement", help="a claim's statement, corrected")
    q.add_argument("--number", help="a figure's words as the article states them: 'at least 14'")
    q.add_argument("--scope", help="a figure's scope")
    q.add_argument("--topic", help="a figure's topic: id, label or synonym")
    q.add_argument("--by", required=True, help="who corrects and accepts (the audit trail)")
    add_desk_options(q)
    q.set_defaults(handler=_edit)


def _read(args: argparse.Namespace) -> tuple[bytes, str]:
    if args.file == "-":
        return sys.stdin.buffer.read(MAX_ARTICLE_BYTES + 1), "stdin"
    path = Path(args.file)
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    with path.open("rb") as fh:
        return fh.read(MAX_ARTICLE_BYTES + 1), path.name


def _ingest_desk(desk: Desk) -> IngestDesk:
    """The desk's ingest, its database checked before anything is read: NoDatabase when
    there is none, IngestError (:attr:`IngestDesk.store`) when it cannot keep drafts."""
    if desk.store is None:
        raise NoDatabase(desk.settings.database.path)
    service = IngestDesk(desk)
    _ = service.store
    return service


def _ingest(args: argparse.Namespace) -> int:
    data, name = _read(args)

    async def work(desk: Desk) -> Draft:
        return await _ingest_desk(desk).ingest(
            data, name=name, by=args.by, outlet=args.outlet, published=args.published,
            url=args.url,
        )

    draft = _run(args, work)
    emit(args, _contract(draft), render_draft(draft))
    return 0


def _run(args: argparse.Namespace, work: Any) -> Any:
    try:
        return with_desk(args, work, store=StoreMode.WRITE)
    except StoreError as exc:
        raise IngestError(str(exc)) from None


def _contract(draft: Draft) -> dict:
    """The JSON contract: {"draft", "source", "speakers", "claims", "figures"}."""
    return draft.model_dump(mode="json", exclude={"text_sha256"})


def _list(args: argparse.Namespace) -> int:
    async def work(desk: Desk) -> list:
        return await list_drafts(_ingest_desk(desk).store)

    rows = _run(args, work)
    data = [
        {
            "id": r.id,
            "name": r.name,
            "state": r.state,
            "claimset": r.claimset,
            "created_at": r.created_at.isoformat(),
            "by": r.created_by,
        }
        for r in rows
    ]
    text = (
        "\n".join(f"{r.id}  {r.state:<8}  {r.created_at:%Y-%m-%d %H:%M}  {r.name}" for r in rows)
        or "no drafts (python -m bot ingest FILE makes one)"
    )
    emit(args, data, text)
    return 0


def _show(args: argparse.Namespace) -> int:
    async def work(desk: Desk) -> tuple:
        review = await _ingest_desk(desk).review(args.draft)
        return review.stored, review.decisions

    stored, decisions = _run(args, work)
    trail = [f"{d.at:%Y-%m-%d %H:%M} {d.by} {d.decision} {d.item}" for d in decisions]
    text = (
        render_draft(stored.draft)
        + f"\nstate: {stored.row.state}"
        + ("\naudit:\n  " + "\n  ".join(trail) if trail else "")
    )
    data = _contract(stored.draft) | {
        "state": stored.row.state,
        "decisions": [d.model_dump(mode="json") for d in decisions],
    }
    emit(args, data, text)
    return 0


def _accepted(args: argparse.Namespace, done: Accepted) -> int:
    written = done.written
    data = {
        "draft": args.draft,
        "accepted": written.items,
        "files": written.files,
        "backups": written.backups,
        "skipped": written.skipped,
        "verdict_changes": [c.topic for c in done.changes],
        "alerts": len(done.alerts),
    }
    text = (
        f"draft {args.draft}: accepted {len(written.items)} item(s) by {args.by}; wrote "
        f"{', '.join(written.files)}; previous files in {written.backups}; the set validates"
    )
    if written.skipped:
        text += "\nnot written: " + "; ".join(f"{k}: {v}" for k, v in written.skipped.items())
    for change in done.changes:
        text += f"\nverdict changed on {change.label} ({change.reason})"
    if done.alerts:
        text += (
            f"\n{len(done.alerts)} alert(s) recorded for the digest channels (the bot posts them)"
        )
    emit(args, data, text)
    return 0


def _accept(args: argparse.Namespace) -> int:
    async def work(desk: Desk) -> Accepted:
        return await _ingest_desk(desk).accept(
            args.draft, args.items + args.more_items, everything=args.all, by=args.by
        )

    return _accepted(args, _run(args, work))


def _edit(args: argparse.Namespace) -> int:
    edit = ItemEdit(
        statement=args.statement, number=args.number, scope=args.scope, topic=args.topic
    )

    async def work(desk: Desk) -> Accepted:
        return await _ingest_desk(desk).accept(
            args.draft, [args.item], everything=False, by=args.by, edits={args.item: edit}
        )

    return _accepted(args, _run(args, work))


def _reject(args: argparse.Namespace) -> int:
    async def work(desk: Desk) -> Any:
        return await _ingest_desk(desk).reject(
            args.draft, args.items + args.more_items, everything=args.all, by=args.by
        )

    decisions = _run(args, work)
    emit(
        args,
        [d.model_dump(mode="json") for d in decisions],
        f"draft {args.draft}: rejected {', '.join(d.item for d in decisions)} by {args.by}",
    )
    return 0


__all__ = ["json", "register"]

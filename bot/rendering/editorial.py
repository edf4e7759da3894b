"""Plain-text renderings of the editorial answers (status history, a change, feedback).

The CLI prints these; the Discord cog builds embeds from the same objects.
"""

from __future__ import annotations

import datetime as dt
import logging

from bot.answers.models import EditorialRuling
from bot.claimset.status import EvidenceStatus, style
from bot.record.editorial import ClaimNotes, FeedbackList, StatusChange, StatusHistory, format_note
from bot.record.store import CLEAR, Feedback, Note, RulingChange

log = logging.getLogger(__name__)


def when(value: dt.datetime) -> str:
    return f"{value.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"


def status_label(status: EvidenceStatus | str | None) -> str:
    """"❌ False"; None means the derived status."""
    if status is None or status == CLEAR:
        return "derived"
    s = style(status)
    return f"{s.emoji} {s.label}"


def ruling_line(ruling: EditorialRuling) -> str:
    return (
        f"{status_label(ruling.status)} — by {ruling.by}, {when(ruling.at)}"
        + (f": {ruling.reason}" if ruling.reason else "")
    )


def change_line(change: RulingChange) -> str:
    to = "clear (back to derived)" if change.status == CLEAR else status_label(change.status)
    reason = f" — {change.reason}" if change.reason else ""
    return f"{when(change.at)}  {change.by}: {status_label(change.previous)} → {to}{reason}"


def render_history(history: StatusHistory, limit: int | None = None) -> str:
    """The trail, oldest first; with ``limit``, only the newest ``limit`` changes."""
    lines = [f"{history.claim_id}: {history.statement}" if history.statement else
             f"{history.claim_id} (orphan: no longer in the claim set; records kept)"]
    if history.derived_status is not None:
        lines.append(f"Derived status: {status_label(history.derived_status)}")
    if history.editorial is not None:
        lines.append(f"Editorial status: {ruling_line(history.editorial)}")
    else:
        lines.append("Editorial status: none (the derived status stands)")
    if history.changes:
        changes = history.changes
        lines.append(f"History ({len(changes)} changes, oldest first):")
        if limit is not None and len(changes) > limit:
            lines.append(f"  ... {len(changes) - limit} earlier changes "
                         f"(python -m bot status history {history.claim_id})")
            changes = changes[-limit:]
        lines.extend(f"  {change_line(c)}" for c in changes)
    else:
        lines.append("History: no editorial changes yet")
    return "\n".join(lines)


def render_change(result: StatusChange) -> str:
    change = result.change
    if change.status == CLEAR:
        head = (f"{result.claim_id}: editorial status cleared; the derived status "
                f"{status_label(result.derived_status)} stands")
    else:
        head = (f"{result.claim_id}: {status_label(change.previous)} → "
                f"{status_label(change.status)} (derived: {status_label(result.derived_status)})")
    return f"{head}\n  by {change.by}, {when(change.at)}" + (
        f": {change.reason}" if change.reason else ""
    )


def render_note(note: Note) -> str:
    return f"{note.claim_id}: note added by {note.by}, {when(note.at)}: {note.text}"


def feedback_line(item: Feedback) -> str:
    who = item.user_name or (str(item.user_id) if item.user_id else "someone")
    target = f" → {item.claim_id}" if item.claim_id else ""
    comment = f" — {item.comment}" if item.comment else ""
    return f"{when(item.at)}  {who}: /{item.command} {item.query!r}{target}{comment}"


def render_feedback(answer: FeedbackList) -> str:
    if not answer.feedback:
        return "No feedback yet."
    lines = [f"Latest feedback ({len(answer.feedback)}, newest first):"]
    lines.extend(f"  {feedback_line(f)}" for f in answer.feedback)
    return "\n".join(lines)


def render_notes(answer: ClaimNotes) -> str:
    """The notes on one claim, oldest first, as the CLI and the console print them."""
    head = f"{answer.claim_id}: {answer.statement}" if answer.statement else (
        f"{answer.claim_id} (no longer in the claim set; its records are kept)")
    if not answer.notes:
        return f"{head}\nNo notes."
    return "\n".join([head, *(f"- {format_note(note)}" for note in answer.notes)])

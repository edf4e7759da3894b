"""The digest as Discord messages: escaped markdown, split into messages that fit.

:func:`render_digest_messages` is what the digest runner is given to fix a run's
message contents before sending (and what ``/digest preview`` shows): the sections of
:func:`bot.rendering.digest.digest_sections`, with text from the claim set made inert,
commands in code spans, each section capped, packed between lines into messages of at
most 2,000 characters, each ending with a small footer line.
"""

from __future__ import annotations

import logging

from bot.desk.ingest import changes_from_json
from bot.record.digest import DigestAnswer, figures_command
from bot.record.records import IngestAlert
from bot.rendering.digest import conflicts_hint, digest_sections, oneline
from cogs.utils.escape import code_text, escape
from cogs.utils.limits import CONTENT_MAX
from cogs.utils.rendering import truncate

log = logging.getLogger(__name__)

MESSAGE_MAX = CONTENT_MAX  # Discord's message content limit
FOOTER_ROOM = 120  # kept free in every message for the footer line


def code(command: str) -> str:
    return f"`{code_text(command)}`"


def nothing_new_line(answer: DigestAnswer) -> str:
    """The whole digest when nothing changed: one line."""
    return (
        f"**Factdesk digest** · nothing new since {answer.since_label}."
        + conflicts_hint(answer, code)
    )


def digest_lines(answer: DigestAnswer) -> list[str]:
    """The header, then each section's bold heading and its lines."""
    lines = [
        f"**Factdesk digest — {escape(answer.title)}**"
        f" · changes since {answer.since_label}"
    ]
    for heading, body in digest_sections(answer, escape=escape, code=code):
        lines.append(f"**{heading}**")
        lines += body
    return lines


def render_digest_messages(answer: DigestAnswer, footer: str = "") -> list[str]:
    """Discord message contents, each within 2000 characters, split between lines.

    ``footer`` is appended (as small text) to every message, with "i/n" when there are
    several: the runner puts the period and nonce there, so a sent digest can be
    recognised in the channel's history. "Nothing new" is one line without it.
    """
    if answer.nothing_new:  # one line, no footer: nothing to split or tell apart
        return [nothing_new_line(answer)]
    return with_footers(pack(digest_lines(answer)), footer)


def _is_heading(line: str) -> bool:
    return line.startswith("**") and line.endswith("**")


def pack(lines: list[str]) -> list[str]:
    """Lines joined into messages that leave room for a footer; a heading is never last.

    A line too long for a message is cut with an ellipsis; a section split over two
    messages repeats its heading, marked "(continued)".
    """
    budget = MESSAGE_MAX - FOOTER_ROOM
    parts: list[str] = []
    current: list[str] = []
    size = 0
    heading = ""
    for line in lines:
        if _is_heading(line):
            heading = line
        if len(line) > budget:
            line = line[: budget - 1] + "…"
        if current and size + 1 + len(line) > budget:
            carried = [current.pop()] if current[-1] == heading and line != heading else []
            if current:
                parts.append("\n".join(current))
            current, size = carried, sum(len(x) + 1 for x in carried)
            if heading and line != heading and not carried:
                cont = heading[:-2] + " (continued)**"
                current, size = [cont], len(cont)
        current.append(line)
        size += len(line) + (1 if size else 0)
    if current:
        parts.append("\n".join(current))
    return parts


def with_footers(parts: list[str], footer: str) -> list[str]:
    """Each part with a small "-# footer" line, numbered "i/n" when there are several."""
    if not footer:
        return parts
    total = len(parts)
    out = []
    for i, part in enumerate(parts, start=1):
        tail = f"-# {footer}" + (f" · {i}/{total}" if total > 1 else "")
        out.append(f"{part}\n{tail[: FOOTER_ROOM - 2]}")
    return out


ALERT_LINE_MAX = 250  # one verdict line in an alert, before escaping


def render_alert(alert: IngestAlert) -> str:
    """A verdict-change alert as one message: per topic, why, the verdict now and before,
    the command that shows it; then who accepted it from which draft (text escaped). Topics
    that do not fit are counted on the last line."""
    changes = changes_from_json(alert.content)
    first = changes[0]
    tail = (
        f"Accepted by {escape(first.by)} from draft {escape(first.draft)} "
        f"(source {escape(first.source)})."
    )
    budget = MESSAGE_MAX - len(tail) - 80
    blocks: list[str] = []
    for change in changes:
        lines = [f"**⚠️ Verdict change — {escape(oneline(change.label, 100))}** "
                 f"({escape(oneline(change.reason, 200))}) → "
                 f"{code(figures_command(change.topic))}"]
        lines += [f"Now: {escape(oneline(line, ALERT_LINE_MAX))}" for line in change.after]
        lines += [f"Before: {escape(oneline(line, ALERT_LINE_MAX))}" for line in change.before]
        block = "\n".join(lines)
        if blocks and sum(len(b) + 1 for b in blocks) + len(block) > budget:
            left = len(changes) - len(blocks)
            tail = f"… and {left} more topic(s): {code('/figures')}\n" + tail
            break
        blocks.append(block)
    return truncate("\n".join([*blocks, tail]), MESSAGE_MAX)

"""The digest as plain text (CLI, console), and the sections every digest rendering shares.

:func:`digest_sections` lays the answer out as (heading, lines) pairs in the order a
reader wants them; a rendering passes how to make text inert (``escape``) and how to
show a command (``code``). :func:`render_digest_text` is the plain one, every item
shown; the Discord one (escaped markdown, messages of 2,000 characters, capped sections)
lives with the cogs, in :mod:`cogs.utils.digest_rendering`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.answers.models import Interval
from bot.claimset.status import style
from bot.formatting import interval_words, one_line
from bot.record.digest import DigestAccepted, DigestAnswer

log = logging.getLogger(__name__)

# At most this many items per section in a capped rendering; the rest is one "and N
# more" line, so a digest of a huge update stays a few messages long.
SECTION_MAX = 15
LINE_MAX = 300  # one item's text, on one line

TextFn = Callable[[str], str]


def _same(text: str) -> str:
    return text


def oneline(text: str, limit: int = LINE_MAX) -> str:
    """``text`` on one line, cut with an ellipsis beyond ``limit`` characters."""
    return one_line(text, limit)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def envelope_text(envelope: Interval) -> str:
    """A conflict's envelope: "12 or more", "up to 40", "12–40"."""
    return interval_words(envelope.low, envelope.high)


def _capped(lines: list[str], more: str, cap: int | None) -> list[str]:
    if cap is None or len(lines) <= cap:
        return lines
    return [*lines[:cap], f"… and {len(lines) - cap} more: {more}"]


def _item_sections(
    answer: DigestAnswer, esc: TextFn, code: TextFn, cap: int | None
) -> list[tuple[str, list[str]]]:
    sections: list[tuple[str, list[str]]] = []
    for title, items, more in (
        ("Sources", answer.sources, "/source"),
        ("Claims", answer.claims, "/claim"),
        ("Figures", answer.figures, "/figures"),
    ):
        if not items:
            continue
        lines = []
        for item in items:
            mark = style(item.status).emoji + " " if item.status else ""
            tag = "new" if item.change == "new" else "revised"
            lines.append(f"• {tag}: {mark}{esc(item.summary)} → {code(item.command)}")
        new = sum(1 for i in items if i.change == "new")
        heading = f"{title}: {new} new, {len(items) - new} revised"
        sections.append((heading, _capped(lines, code(more), cap)))
    return sections


def _status_lines(answer: DigestAnswer, esc: TextFn, code: TextFn) -> list[str]:
    lines = []
    for ch in answer.status_changes:
        before, after = style(ch.previous), style(ch.status)
        what = "cleared the ruling" if ch.cleared else "set"
        reason = f" — “{esc(ch.reason)}”" if ch.reason else ""
        subject = esc(ch.statement) if ch.statement else f"{ch.claim_id} (no longer in set)"
        lines.append(
            f"• {before.emoji} {before.label} → {after.emoji} {after.label}: {subject}"
            f" ({what} by {esc(ch.by)}, {ch.at.day} {ch.at:%b %H:%M} UTC){reason}"
            f" → {code(ch.command)}"
        )
    return lines


def _conflict_lines(answer: DigestAnswer, esc: TextFn, code: TextFn) -> list[str]:
    lines = []
    for conflict in answer.conflicts:
        env = ""
        if conflict.envelope:
            scope = f"{conflict.envelope_scope}: " if conflict.envelope_scope else ""
            env = f" ({scope}{envelope_text(conflict.envelope)})"
        tag = "contradiction" if conflict.kind == "contradiction" else "unsettled"
        lines.append(
            f"• {esc(conflict.topic_label)}{env}, {tag}: {esc(conflict.summary)}"
            f" → {code(conflict.command)}"
        )
    return lines


def _counts_line(answer: DigestAnswer) -> str:
    c = answer.counts
    statuses = ", ".join(
        f"{style(s).emoji} {n} {style(s).label.lower()}" for s, n in c.by_status.items()
    )
    return (
        f"{plural(c.sources, 'source')} · {plural(c.claims, 'claim')} · "
        f"{plural(c.figures, 'figure')} · {plural(c.open_conflicts, 'open conflict')}"
        + (f" · {statuses}" if statuses else "")
    )


def digest_sections(
    answer: DigestAnswer,
    *,
    escape: TextFn = _same,
    code: TextFn = _same,
    cap: int | None = SECTION_MAX,
) -> list[tuple[str, list[str]]]:
    """(heading, lines) pairs in reading order; ``cap`` items a section (None: all)."""

    def esc(text: str) -> str:
        return escape(oneline(text))

    sections = _item_sections(answer, esc, code, cap)
    if answer.status_changes:
        lines = _status_lines(answer, esc, code)
        sections.append((f"Status changes: {len(lines)}", _capped(lines, code("/claim"), cap)))
    if answer.accepted:
        lines = [_accepted_line(a, esc, code) for a in answer.accepted]
        heading = f"Accepted from articles: {plural(answer.counts.accepted_items, 'item')}"
        sections.append((heading, _capped(lines, code("python -m bot drafts list"), cap)))
    if answer.removed:
        lines = [f"• {esc(key)}" for key in answer.removed]
        sections.append((f"Removed: {len(lines)}", _capped(lines, "the claim-set history", cap)))
    if answer.conflicts:
        lines = _conflict_lines(answer, esc, code)
        sections.append((f"Open conflicts: {len(lines)}", _capped(lines, code("/figures"), cap)))
    sections.append(("Counts", [_counts_line(answer)]))
    return sections


def _accepted_line(a: DigestAccepted, esc: TextFn, code: TextFn) -> str:
    """"• draft d1 (108.txt) → source 005, by Ann: 1 source, 3 claims, 5 figures → /source"."""
    counts = [
        plural(n, word)
        for n, word in (
            (a.sources, "source"), (a.speakers, "speaker"), (a.claims, "claim"),
            (a.figures, "figure"),
        )
        if n
    ]
    where = f" → source {esc(a.source)}" if a.source else ""
    what = ", ".join(counts) or plural(len(a.items), "item")
    link = f" → {code(a.command)}" if a.command else ""
    return f"• draft {esc(a.draft)} ({esc(a.name)}){where}, by {esc(a.by)}: {what}{link}"


def conflicts_hint(answer: DigestAnswer, code: TextFn = _same) -> str:
    """" N open conflicts, first: /figures topic:…" (empty when there are none)."""
    if not answer.conflicts:
        return ""
    first = code(answer.conflicts[0].command)
    return f" {plural(len(answer.conflicts), 'open conflict')}, first: {first}"


def render_digest_text(answer: DigestAnswer) -> str:
    """Plain text for the CLI and the console: every item (Discord messages cap sections)."""
    if answer.nothing_new:
        return f"Nothing new since {answer.since_label}." + conflicts_hint(answer)
    out = [f"Factdesk digest — {answer.title}", f"Changes since {answer.since_label}"]
    for heading, lines in digest_sections(answer, cap=None):
        out += ["", heading, *lines]
    return "\n".join(out)

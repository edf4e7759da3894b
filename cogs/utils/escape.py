"""The one way user and claim-set text is made inert before Discord renders it as markdown.

:func:`escape` puts a backslash before every character that Discord's markdown reads
as syntax, so the text shows exactly as written and nothing in it formats, links or
pings:

- always: ``\\ * _ ~ ` | [ ] < >`` (emphasis, underline, strike, spoilers, code
  spans and blocks, masked links ``[a](u)`` however many sit side by side, ``<url>``,
  custom emoji and every ``<@id> <@!id> <@&id> <#id> </cmd:id> <t:...>`` form);
- the colon of ``scheme://`` (``https\\://x`` is never auto-linked);
- at the start of a line (or of the text, which a template may put at a line start),
  after any indent: ``#`` (headings), ``-`` (lists and ``-#`` subtext), ``+``, and the
  ``.`` of ``1. `` (ordered lists; "2026.11" is no list); ``>`` and ``*`` are
  escaped everywhere anyway;
- ``@`` is followed by a zero-width space, so ``@everyone``, ``@here`` and mentions are
  broken in the rendered text too (a copy-paste of it pings no one).

Discord drops a backslash before any ASCII punctuation when it renders, so the text
reads exactly as the input; :func:`unescape` gives the input back. Text in a code block
is not markdown: :func:`code_text` is its counterpart (no backticks, no mention).
Autocomplete choice names, embed footers and author names are plain text in Discord and
are never escaped (a backslash would show).
"""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)

ZWSP = "\u200b"
ALWAYS = frozenset("\\*_~`|[]<>")
LINE_START = frozenset("#-+")
# A line start: the text's start or just after a line break, then any indent.
_LINE = re.compile(r"(^|[\n\r\u2028\u2029])([ \t]*)")
_ORDERED = re.compile(r"\d+\.(?=[ \t\n\r\u2028\u2029]|$)")  # "1. item": a list
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def _line_starts(text: str) -> set[int]:
    """Offsets of the first non-indent character of every line."""
    return {m.end() for m in _LINE.finditer(text)}


def _escaped_positions(text: str) -> set[int]:
    """Offsets whose character gets a backslash."""
    marks = {i for i, ch in enumerate(text) if ch in ALWAYS}
    for start in _line_starts(text):
        if start < len(text) and text[start] in LINE_START:
            marks.add(start)
        ordered = _ORDERED.match(text, start)
        if ordered:
            marks.add(ordered.end() - 1)
    for scheme in _SCHEME.finditer(text):
        marks.add(scheme.end() - 3)  # the ":" of "://"
    return marks


def escape(text: str | None) -> str:
    """``text`` made inert for Discord markdown (see the module docstring); None: ""."""
    if not text:
        return ""
    text = str(text)
    marks = _escaped_positions(text)
    out: list[str] = []
    for i, ch in enumerate(text):
        if i in marks:
            out.append("\\")
        out.append(ch)
        if ch == "@":
            out.append(ZWSP)
    return "".join(out)


def unescape(text: str) -> str:
    """The inverse of :func:`escape`: ``unescape(escape(s)) == s`` for every ``s``."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            i += 1
            ch = text[i]
        out.append(ch)
        i += 1
        if ch == "@" and text.startswith(ZWSP, i):
            i += 1
    return "".join(out)


def code_text(text: str | None) -> str:
    """``text`` for the inside of a code block: no backtick to close it, no mention."""
    if not text:
        return ""
    return str(text).replace("`", "ˋ").replace("@", "@" + ZWSP)


def strike(text: str | None) -> str:
    """``text`` made inert (:func:`escape`) and struck through (``~~text~~``): a withdrawn
    figure stays readable and visibly withdrawn. Its own ``~`` are escaped, so nothing in
    it closes the strike early; empty text stays empty (``~~~~`` would show)."""
    inert = escape(text)
    return f"~~{inert}~~" if inert else ""

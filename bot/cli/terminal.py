"""Text made safe for a terminal: control characters shown, never obeyed.

A query, a stored reason or a claim-set string can hold escape sequences (``ESC [ 2 J``,
an OSC 8 hyperlink, a title change), a carriage return that overwrites the line,
bidirectional overrides that reorder what is shown, or bytes that are not UTF-8 (a
command-line argument decoded with surrogate escapes, which ``print`` cannot encode).
:func:`printable` writes each of those as a visible escape (``\\x1b``, ``\\u202e``,
``\\udcff``) and keeps newlines and tabs. The CLI and the console pass everything they
print as text through it (:func:`bot.cli.common.emit`, :func:`bot.cli.error`, the
console); JSON output is escaped by ``json.dumps`` already.
"""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)

# C0 but newline and tab, DEL and C1, bidi embeddings/overrides/isolates, surrogates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character written out as a visible escape."""
    return _UNSAFE.sub(_shown, text)

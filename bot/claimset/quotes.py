"""Quote matching: the only liberties a quote may take with its source text.

A quote in a claim file must be a character-for-character substring of its source,
except for two things editors cannot see or type reliably: typographic quotation marks
and the shape of whitespace. :func:`normalize_quote` erases exactly those and nothing
else (no case folding, no dash or ellipsis folding, no Unicode normalisation).
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

_DOUBLE = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033"  # “ ” „ ‟ « » ″
_SINGLE = "\u2018\u2019\u201a\u201b\u2032"  # ‘ ’ ‚ ‛ ′


_REPLACEMENTS = [(ch, '"') for ch in _DOUBLE] + [(ch, "'") for ch in _SINGLE]


def normalize_quote(text: str) -> str:
    """Typographic quotes to ASCII, every whitespace run to one space, ends stripped."""
    if not text.isascii():  # str.replace per mark: far faster than translate on long texts
        for mark, plain in _REPLACEMENTS:
            if mark in text:
                text = text.replace(mark, plain)
    # str.split() and the regex \s agree on what whitespace is (both str.isspace)
    return " ".join(text.split())


def contains_quote(text: str, quote: str) -> bool:
    """Whether ``quote`` occurs in ``text``, typographic quotes and whitespace aside."""
    return normalize_quote(quote) in normalize_quote(text)


def matching_prefix(normalized_text: str, normalized_quote: str) -> int:
    """The length of the longest prefix of the quote found in the text (both normalised).

    Tells an editor where a quote that is not in its source starts to differ.
    """
    low, high = 0, len(normalized_quote)
    while low < high:  # presence is monotone in the prefix length: binary search
        mid = (low + high + 1) // 2
        if normalized_quote[:mid] in normalized_text:
            low = mid
        else:
            high = mid - 1
    return low

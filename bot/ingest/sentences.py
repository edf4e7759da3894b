"""Sentences with their place in the article (pysbd, rule-based, with character spans)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str  # verbatim, stripped
    start: int  # offset in the article
    paragraph: int  # 0 for the first paragraph (the headline when there is one)
    index: int  # position among all sentences


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def split_sentences(text: str) -> list[Sentence]:
    """The article's sentences in order, each verbatim, never across a paragraph break."""
    out: list[Sentence] = []
    for number, (p_start, para) in enumerate(_paragraphs(text)):
        for span in _segmenter().segment(para):
            raw = span.sent
            stripped = raw.strip()
            if not stripped:
                continue
            offset = p_start + span.start + (len(raw) - len(raw.lstrip()))
            out.append(Sentence(stripped, offset, number, len(out)))
    return out


def _paragraphs(text: str) -> list[tuple[int, str]]:
    """Paragraphs (split at blank lines) with their offsets."""
    found: list[tuple[int, str]] = []
    for m in re.finditer(r"[^\n](?:.|\n(?!\s*\n))*", text):
        if m.group().strip():
            found.append((m.start(), m.group()))
    return found

"""Caveats: the sources' own sentences saying a count is unsettled, matched to what they are about.

A caveat is a sentence with a caveat marker ("unclear", "under review", "no immediate
confirmation"...). What it is about decides which figures it concerns, never shared words:

- its **topic**: a topic's label or one of its synonyms (``seeds/topics.toml``) as a
  whole phrase in the sentence ("dead", "fatalities"; "Taliban" for the border
  casualties, so "the balance of the dead" is about deaths, not the Taliban dead);
- its **scope group**: the group it names ("civilian deaths" -> civilians), else the
  whole count ("all");
- a caveat that names no group right after a sentence of the same topic refers back to
  that sentence ("...witnesses report multiple deaths. There was no immediate
  confirmation of the fatalities, however."): it concerns only the figures quoted in
  that sentence, and none when that sentence gives no figure.

A caveat concerns the figures of its topic and group (from any source of the answer:
"the balance of the dead is unclear" is about the death toll, whoever gives it). A
caveat that refers back to no figure is left out; one about a group that has no figure
("the number of civilian deaths is under review") is listed, concerning none.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

from bot.claimset.model import ClaimSet
from bot.claimset.schema import Figure, Topic

log = logging.getLogger(__name__)

# Words in a source sentence that say a count is not settled.
CAVEAT_MARKERS: tuple[str, ...] = (
    "unclear",
    "under review",
    "no immediate confirmation",
    "not confirmed",
    "unconfirmed",
    "could not be verified",
    "not been verified",
    "not independently verified",
)
ALL = "all"
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_PARAGRAPH = re.compile(r"\n+")


@dataclass(frozen=True)
class Caveat:
    """One caveat sentence, what it is about, and the figures it concerns."""

    source: str  # source id
    sentence: str
    group: str  # the scope group it names, or "all"
    figures: tuple[str, ...]  # ids of the figures it concerns

    @property
    def quoted(self) -> str:
        """As answers list it: "“sentence” (003)"."""
        return f"“{self.sentence}” ({self.source})"


@functools.lru_cache(maxsize=4096)
def caveat_sentences(text: str) -> tuple[tuple[str, str], ...]:
    """(previous sentence in the paragraph or "", sentence) for each caveat sentence."""
    out: list[tuple[str, str]] = []
    for paragraph in _PARAGRAPH.split(text):
        previous = ""
        for sentence in _SENTENCE.split(paragraph.strip()):
            low = sentence.lower()
            if any(m in low for m in CAVEAT_MARKERS):
                out.append((previous, sentence.strip()))
            previous = sentence
    return tuple(out)


@functools.lru_cache(maxsize=512)
def _phrases(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted({w.lower() for w in words if w.strip()}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in alternatives) + r")\b")


def names_topic(sentence: str, topic: Topic) -> bool:
    """Whether the sentence names the topic: its label or a synonym, as a whole phrase."""
    return bool(_phrases((topic.label, *topic.synonyms)).search(sentence.lower()))


def _squash(text: str) -> str:
    return " ".join(text.replace("“", '"').replace("”", '"').split()).lower()


def _quoted_in(figure: Figure, sentence: str) -> bool:
    return _squash(figure.quote) in _squash(sentence) or _squash(sentence) in _squash(
        figure.quote
    )


def match(
    topic: Topic,
    figures: Sequence[Figure],
    claimset: ClaimSet,
    group_of: Callable[[str], str],
    groups: Collection[str],
) -> list[Caveat]:
    """The caveats in the figures' sources about ``topic``, each with the figures it
    concerns. ``group_of`` maps a scope (or a sentence) to its group; ``groups`` are the
    groups a sentence may name (anything else in it is the whole count)."""
    out: list[Caveat] = []
    for sid in sorted({f.source for f in figures}):
        for previous, sentence in caveat_sentences(claimset.texts.get(sid, "")):
            if not names_topic(sentence, topic):
                continue
            named = group_of(sentence)
            group = named if named in groups else ALL
            if group == ALL and previous and names_topic(previous, topic):
                concerned = [f.id for f in figures if f.source == sid and _quoted_in(f, previous)]
                if not concerned:
                    log.debug("caveat %r (%s) refers back to no figure", sentence, sid)
                    continue
            else:
                concerned = [f.id for f in figures if group_of(f.scope) == group]
            out.append(Caveat(sid, sentence, group, tuple(concerned)))
    return out


def by_figure(caveats: Iterable[Caveat]) -> dict[str, list[str]]:
    """Figure id -> the caveats (quoted) that concern it."""
    out: dict[str, list[str]] = {}
    for caveat in caveats:
        for fid in caveat.figures:
            out.setdefault(fid, []).append(caveat.quoted)
    return out

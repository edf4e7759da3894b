"""Words of statements and quotes as the wording rules compare them: stems, days, names.

The rules in :mod:`bot.claimset.rules.wording` cannot read meaning; they compare what is
checkable. A text becomes :class:`Words`: the stems of its words (``killed`` ->
``kill``; an acronym keeps its case, so ``US`` is not ``us``), the tags of the claim set's
vocabulary it uses (``topic:deaths`` for any synonym of that topic, ``speaker:putin`` for
any spelling of that speaker, so "Moscow" and "Russia" are one name and "peacekeepers"
and "troops" one topic), the calendar days it names ("10 January", "January 10", or a
weekday resolved against the article's date) and its other numbers ("2,000" -> "2000").
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.claimset.schema import Speaker, Topic

log = logging.getLogger(__name__)

STOPWORDS = frozenset(
    """
    a an the and or but nor of in on at to for from by with as into onto over under
    about after before during since until than then also only just both all any each
    some such is are was were be been being has have had do does did will would shall
    should can could may might must it its this that these those there their they them
    he she his her him we our us you your i me my which who whom whose what when where
    why how not no so very up down out off again once here said says say saying told
    tell tells according s
    """.split()  # noqa: SIM905 - a word list reads best as words
)

# A word or a number ("2,000", "3.5", "O'Brien"); a hyphen splits, a possessive "'s" is
# left behind as the stopword "s". One findall: tokenising is most of the rules' time.
_TOKEN = re.compile(r"\w+(?:[,.'\u2019](?!s\b)\w+)*")
# Endings cut from a word (the first that fits, leaving four letters or more); "ies" and
# "ied" become "y", and a final "e" goes, so "prices", "price" and "priced" meet.
_SUFFIXES = (
    "ations",
    "ation",
    "ments",
    "ment",
    "ings",
    "ing",
    "ies",
    "ied",
    "ers",
    "ed",
    "er",
    "s",
)
_MONTHS = {
    m.lower(): i
    for i, names in enumerate(
        (
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sep", "Sept"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ),
        start=1,
    )
    for m in names
}
_WEEKDAYS = {
    d: i
    for i, d in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}


def tokens(text: str) -> list[str]:
    """The words and numbers of ``text``: hyphenated words split, a possessive "'s" apart."""
    return _TOKEN.findall(text)


@functools.lru_cache(maxsize=65536)
def stem(token: str) -> str:
    """A word's stem for comparison: lower case, a common ending cut; an acronym as is."""
    if len(token) > 1 and token.isupper() and token.isalpha():
        return token
    word = token.lower().replace("\u2019", "'")
    if word[:1].isdigit():
        return word.replace(",", "")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
            break
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


class Vocabulary:
    """The claim set's names for things: each topic's synonyms and each speaker's spellings,
    as runs of stems, each tagged ``topic:ID`` or ``speaker:ID``."""

    def __init__(self, topics: Iterable[Topic], speakers: Iterable[Speaker]) -> None:
        # first stem -> [(stems of the phrase, tag)], longest phrase first
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self._terms: dict[tuple[str, dt.date | None], Terms] = {}
        self._stems: dict[str, frozenset[str]] = {}
        for topic in topics:
            for phrase in (topic.label, *topic.synonyms):
                self._add(phrase, f"topic:{topic.id}")
        for speaker in speakers:
            for phrase in speaker.spellings:
                self._add(phrase, f"speaker:{speaker.id}")
        for entries in self._phrases.values():
            entries.sort(key=lambda e: -len(e[0]))

    def _add(self, phrase: str, tag: str) -> None:
        stems = tuple(stem(t) for t in tokens(phrase) if t.lower() not in STOPWORDS)
        if stems:
            self._phrases.setdefault(stems[0], []).append((stems, tag))

    def tag(self, stems: list[str], content: list[bool]) -> list[frozenset[str]]:
        """For each position, the tags of every vocabulary phrase that covers it; a phrase
        runs over content words (stopwords between them are skipped)."""
        out: list[frozenset[str]] = [_NO_TAGS] * len(stems)
        at = [i for i, c in enumerate(content) if c]
        seq = [stems[i] for i in at]
        phrases = self._phrases
        n = len(seq)
        for k, first in enumerate(seq):
            for words, tag in phrases.get(first, ()):
                m = len(words)
                if m == 1 or (k + m <= n and tuple(seq[k : k + m]) == words):
                    for j in at[k : k + m]:
                        out[j] = out[j] | {tag}
        return out

    def stems(self, text: str) -> frozenset[str]:
        """The stems of every word of a quote, computed once per text."""
        found = self._stems.get(text)
        if found is None:
            found = self._stems[text] = frozenset(map(stem, _TOKEN.findall(text)))
        return found

    @staticmethod
    def content_stems(text: str) -> list[str]:
        """The stems of a text's content words, in order."""
        return [stem(t) for t in tokens(text) if t.lower() not in STOPWORDS]

    @staticmethod
    def statement_stems(text: str) -> list[str] | None:
        """The stems of a statement's content words; None when it names a month or a
        weekday (the dates are then compared as days, by :func:`words_of`)."""
        words = text.lower().replace("\u2019", "'").split()  # a cheap look for a day's name
        if not _DAY_NAMES.isdisjoint(w.split("'")[0].strip(',.;:()"-') for w in words):
            return None
        return [s for s in map(stem, _TOKEN.findall(text)) if s not in _STOP_STEMS]

    @staticmethod
    def names_a_day(text: str) -> bool:
        """Whether a month or weekday name is among the words of ``text``."""
        return _DAY_WORD.search(text) is not None

    def terms(self, text: str, published: dt.date | None) -> Terms:
        """What a quote holds as sets, computed once per (text, date) in this vocabulary
        (the same quote is often carried by several articles)."""
        key = (text, published)
        found = self._terms.get(key)
        if found is None:
            words = words_of(text, self, published)
            found = self._terms[key] = Terms(
                frozenset(words.stems),
                frozenset().union(*words.tags),
                frozenset(words.dates.values()),
                frozenset(words.numbers.values()),
            )
        return found


_NO_TAGS: frozenset[str] = frozenset()



@dataclass(frozen=True, slots=True)
class Terms:
    """What one quote holds, as sets: stems, vocabulary tags, days (month, day), numbers."""

    stems: frozenset[str]
    tags: frozenset[str]
    days: frozenset[tuple[int, int]]
    numbers: frozenset[str]


@dataclass(slots=True)
class Words:
    """One text as the wording rules see it."""

    tokens: list[str]  # as written
    stems: list[str]  # the stem of every token, in order
    content: list[bool]  # per token: not a stopword
    tags: list[frozenset[str]]  # per token: the vocabulary tags covering it
    dates: dict[int, tuple[int, int]] = field(default_factory=dict)  # token -> (month, day)
    date_spans: list[tuple[int, int, tuple[int, int]]] = field(default_factory=list)
    numbers: dict[int, str] = field(default_factory=dict)  # token -> digits


def words_of(text: str, vocabulary: Vocabulary, published: dt.date | None = None) -> Words:
    """``text`` as :class:`Words`; a weekday is resolved to the last such day on or before
    ``published`` (an article's "on Monday"), and left out when the date is unknown."""
    toks = tokens(text)
    stems = [stem(t) for t in toks]
    lower = [t.lower() for t in toks]
    content = [w not in STOPWORDS for w in lower]
    words = Words(toks, stems, content, vocabulary.tag(stems, content))
    _find_dates(words, lower, published)
    for i, token in enumerate(toks):
        if token[0].isdigit() and i not in words.dates:
            words.numbers[i] = stems[i]
    return words


def _find_dates(words: Words, lower: list[str], published: dt.date | None) -> None:
    """Mark "10 January", "January 10", "Monday" (with ``published``) and their runs."""
    if _MONTHS.keys().isdisjoint(lower) and _WEEKDAYS.keys().isdisjoint(lower):
        return  # most texts name no day: no walk
    n = len(lower)
    i = 0
    while i < n:
        start, day = i, None
        weekday = _WEEKDAYS.get(lower[i])
        if weekday is not None:
            i += 1
        if i < n and lower[i] in _MONTHS and i + 1 < n and _day(lower[i + 1]):
            day, i = (_MONTHS[lower[i]], int(lower[i + 1])), i + 2
        elif i + 1 < n and _day(lower[i]) and lower[i + 1] in _MONTHS:
            day, i = (_MONTHS[lower[i + 1]], int(lower[i])), i + 2
        elif weekday is not None and published is not None:
            back = (published.weekday() - weekday) % 7
            resolved = published - dt.timedelta(days=back)
            day = (resolved.month, resolved.day)
        if day is None:
            i = start + 1
            continue
        for j in range(start, i):
            words.dates[j] = day
        words.date_spans.append((start, i, day))


_DAY_NAMES = frozenset((*_MONTHS, *_WEEKDAYS))
# A stopword's stem ("these" -> "thes"), for lists of stems.
_STOP_STEMS = STOPWORDS | frozenset(stem(w) for w in STOPWORDS)
_DAY_WORD = re.compile(
    r"\b(?:" + "|".join(sorted((*_MONTHS, *_WEEKDAYS), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def _day(token: str) -> bool:
    return token.isdigit() and 1 <= int(token) <= 31


# Where a statement divides into parts: punctuation (not a comma inside a number), and
# the words that join two statements into one.
_PART_BREAK = re.compile(
    r",(?!\d)|[;:()\u2013\u2014]|\s-\s|\b(?:and|which|who|while|but|whereas|with)\b",
    re.IGNORECASE,
)


def split_parts(text: str) -> list[str]:
    """The parts of a statement as texts (see :func:`parts_of`)."""
    return _PART_BREAK.split(text)


def parts_of(text: str) -> list[tuple[int, int, str]]:
    """The parts of a statement as (first token, end token, text), in order; the token
    positions are those of ``tokens(text)``."""
    out = []
    at = pos = 0
    for m in (*_PART_BREAK.finditer(text), None):
        piece = text[pos : m.start() if m else len(text)]
        n = len(tokens(piece))
        if n:
            out.append((at, at + n, " ".join(piece.split()).strip(" '\".")))
        at += n
        if m is not None:
            at += len(tokens(m.group(0)))
            pos = m.end()
    return out
